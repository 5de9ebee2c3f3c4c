"""The state of one engine call: what actions read and append to. Lives for one call only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from content.catalog import BASE_LANG, LANGS, Catalog
from flows.events import Event, MsgCreated, QuickReply
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

    @property
    def render_lang(self) -> str:
        return self.lang if self.lang in LANGS else BASE_LANG

    def resolve(self, value: str) -> str:
        """A literal, or `@answer`, `@guess`, `@var.<name>`, `@field.<name>`, `@lookup.<name>`."""
        if value == "@answer":
            return self.vars.get("answer", "")
        if value == "@guess":  # the language of this message when clear, else what we knew
            guess = self.parse.lang if self.parse else "und"
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

    def choice_title(self, choice: Choice) -> str:
        return choice.label if choice.literal else self.text(choice.label)

    def say(self, text: str, choices: tuple[Choice, ...] = (), **media: str | None) -> None:
        outs = tuple(QuickReply(c.id, self.choice_title(c)) for c in choices)
        self.events.append(MsgCreated(text, self.render_lang, outs, **media))
