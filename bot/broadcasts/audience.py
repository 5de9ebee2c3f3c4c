"""Who a broadcast goes to: filters typed as KEY=VALUE (`lang=ar`, `channel=whatsapp`,
`coop=Saveurs`, `eligibility=cae`, `steps=pending`, `workshop=12`).

Values of one key widen the audience (lang=ar,prs: Arabic or Dari); different keys narrow
it (Arabic speakers on WhatsApp). Contacts who did not consent, stopped broadcasts, were
erased or cannot be reached are never part of any audience (bot/db/repos/broadcasts.py,
which also holds each key's condition).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from content.catalog import LANGS
from content.eligibility import Category

# The channels a broadcast goes through (not the terminal chat or the admin simulator).
BROADCAST_CHANNELS: Final = ("telegram", "whatsapp")
STEP_STAGES: Final = ("pending", "help")


@dataclass(frozen=True)
class Key:
    """One filter a facilitator may type: its values, a fixed list or a pattern."""

    name: str
    help: str
    choices: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None

    def check(self, value: str) -> str:
        """The value as stored (lower case for a list, `ID:yes` spelt `ID`); AudienceError
        when it is not one of this key's."""
        if self.choices:
            value = value.lower()
            if value not in self.choices:
                raise AudienceError(
                    f"{self.name}={value!r}: expected one of {', '.join(self.choices)}"
                )
            return value
        if self.pattern is None or not self.pattern.fullmatch(value):
            raise AudienceError(f"{self.name}={value!r}: expected {self.help}")
        return value.removesuffix(":yes")


# In the order they are shown.
KEYS: Final[dict[str, Key]] = {
    k.name: k
    for k in (
        Key("lang", "fr, ar, prs or ti", LANGS),
        Key("channel", "telegram or whatsapp", BROADCAST_CHANNELS),
        Key("coop", "a coop's name (python -m bot coop list)", pattern=re.compile(r"[^,]{1,64}")),
        # The outcome of "can I join?" (kept only with consent).
        Key("eligibility", "an outcome of 'can I join?'", tuple(c.value for c in Category)),
        # pending: a checklist step marked "not yet" or "help"; help: one marked "help".
        Key("steps", "pending or help", STEP_STAGES),
        # Who answered a workshop (python -m bot workshop list): ID said yes, ID:no said no.
        Key(
            "workshop",
            "a workshop id, or ID:yes / ID:no (the answer; yes when not given)",
            pattern=re.compile(r"[0-9]{1,9}(:(yes|no))?"),
        ),
    )
}


class AudienceError(ValueError):
    """A filter that cannot be understood; the message says what is expected."""


@dataclass(frozen=True)
class Audience:
    """Filters by key (sorted, values sorted); no key means "no filter on this key"."""

    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def parse(cls, items: Iterable[str]) -> Audience:
        """From KEY=VALUE strings; AudienceError for an unknown key or value."""
        values: dict[str, set[str]] = {}
        for item in items:
            name, sep, raw = item.partition("=")
            name = name.strip().lower()
            if not sep or not name or not raw.strip():
                raise AudienceError(f"{item!r} is not KEY=VALUE (e.g. lang=ar)")
            key = KEYS.get(name)
            if key is None:
                raise AudienceError(
                    f"unknown audience key {name!r} (expected one of: {', '.join(KEYS)})"
                )
            for value in raw.split(","):
                values.setdefault(name, set()).add(key.check(value.strip()))
        return cls.of(values)

    @classmethod
    def of(cls, values: Mapping[str, Iterable[str]]) -> Audience:
        order = list(KEYS)
        return cls(
            tuple(
                (name, tuple(sorted(set(vals), key=_value_order(name))))
                for name, vals in sorted(values.items(), key=lambda kv: order.index(kv[0]))
                if vals
            )
        )

    def values(self, name: str) -> frozenset[str]:
        return frozenset(next((vals for key, vals in self.filters if key == name), ()))

    @property
    def langs(self) -> frozenset[str]:
        return self.values("lang")

    @property
    def channels(self) -> frozenset[str]:
        return self.values("channel")

    def to_json(self) -> dict[str, list[str]]:
        return {key: list(vals) for key, vals in self.filters}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Audience:
        return cls.parse(f"{key}={','.join(vals)}" for key, vals in data.items() if vals)

    def describe(self) -> str:
        """As typed: "lang=ar,prs channel=whatsapp", or "everyone"."""
        return " ".join(f"{key}={','.join(vals)}" for key, vals in self.filters) or "everyone"


def _value_order(name: str) -> Any:
    if name == "lang":
        return LANGS.index
    return lambda v: (len(v), v) if v.isdigit() else (0, v)
