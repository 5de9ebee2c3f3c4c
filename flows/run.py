"""The state of one engine call: what actions read and append to. Lives for one call only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from content.catalog import BASE_LANG, LANGS, Catalog
from content.durations import duration_text
from flows.events import ContactLanguageChanged, Event, MsgCreated, QuickReply
from flows.lookup import NO_LOOKUP, Lookup
from flows.model import Choice
from nlu.types import ParseResult


@dataclass
class Run:
    catalog: Catalog
    lang: str
    consent: bool | None
    fields: dict[str, str]
    vars: dict[str, str]
    parse: ParseResult | None
    events: list[Event] = field(default_factory=list)
    lookup: Lookup = NO_LOOKUP
    # The language this message asks for, when the engine read it better than the NLU did.
    guess: str | None = None

    @property
    def render_lang(self) -> str:
        return self.lang if self.lang in LANGS else BASE_LANG

    def resolve(self, value: str) -> str:
        """A literal, or `@answer`, `@guess`, `@var.<name>`, `@field.<name>`, `@lookup.<name>`;
        `|duration` after it reads a number of days as words ("730" -> "2 ans")."""
        value, _, how = value.partition("|")
        resolved = self._resolve(value)
        if how == "duration":
            return duration_text(resolved, self.render_lang)
        return resolved

    def _resolve(self, value: str) -> str:
        if value == "@answer":
            return self.vars.get("answer", "")
        if value == "@guess":  # the language of this message when clear, else what we knew
            guess = self.guess or (self.parse.lang if self.parse else "und")
            return guess if guess in LANGS else self.lang
        if value.startswith("@var."):
            return self.vars.get(value[5:], "")
        if value.startswith("@field."):
            return self.fields.get(value[7:], "")
        if value.startswith("@lookup."):
            return self.lookup.value(value[8:]) or ""
        return value

    def text(self, key: str, **params: Any) -> str:
        return self.catalog.text(key, self.render_lang, **params)

    def switch_language(self, lang: str) -> None:
        """Speak `lang` from now on (an unknown code is ignored)."""
        if lang in LANGS and lang != self.lang:
            self.lang = lang
            self.events.append(ContactLanguageChanged(lang))

    def choice_title(self, choice: Choice) -> str:
        return choice.label if choice.literal else self.text(choice.label)

    def say(self, text: str, choices: tuple[Choice, ...] = (), **media: str | None) -> None:
        outs = tuple(QuickReply(c.id, self.choice_title(c)) for c in choices)
        self.events.append(MsgCreated(text, self.render_lang, outs, **media))
