"""Who a broadcast goes to: filters typed as KEY=VALUE (`lang=ar`, `channel=whatsapp`).

Values of one key widen the audience (lang=ar,prs: Arabic or Dari); different keys narrow
it (Arabic speakers on WhatsApp). Contacts who did not consent, stopped broadcasts, were
erased or cannot be reached are never part of any audience (bot/db/repos/broadcasts.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from content.catalog import BASE_LANG, LANGS

# The channels a broadcast goes through (not the terminal chat or the admin simulator).
BROADCAST_CHANNELS: Final = ("telegram", "whatsapp")
KEYS: Final[Mapping[str, tuple[str, ...]]] = {
    "lang": LANGS,
    "channel": BROADCAST_CHANNELS,
}


class AudienceError(ValueError):
    """A filter that cannot be understood; the message says what is expected."""


@dataclass(frozen=True)
class Audience:
    """Empty sets mean "no filter on this key"."""

    langs: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, items: Iterable[str]) -> Audience:
        """From KEY=VALUE strings; AudienceError for an unknown key or value."""
        values: dict[str, set[str]] = {key: set() for key in KEYS}
        for item in items:
            key, sep, raw = item.partition("=")
            key = key.strip().lower()
            if not sep or not key or not raw.strip():
                raise AudienceError(f"{item!r} is not KEY=VALUE (e.g. lang=ar)")
            allowed = KEYS.get(key)
            if allowed is None:
                raise AudienceError(
                    f"unknown audience key {key!r} (expected one of: {', '.join(KEYS)})"
                )
            for value in raw.split(","):
                value = value.strip().lower()
                if value not in allowed:
                    raise AudienceError(f"{key}={value!r}: expected one of {', '.join(allowed)}")
                values[key].add(value)
        return cls(langs=frozenset(values["lang"]), channels=frozenset(values["channel"]))

    def to_json(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        if self.langs:
            out["lang"] = sorted(self.langs, key=LANGS.index)
        if self.channels:
            out["channel"] = sorted(self.channels)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Audience:
        return cls.parse(f"{key}={','.join(vals)}" for key, vals in data.items() if vals)

    def describe(self) -> str:
        """As typed: "lang=ar,prs channel=whatsapp", or "everyone"."""
        parts = [f"{key}={','.join(vals)}" for key, vals in self.to_json().items()]
        return " ".join(parts) or "everyone"

    def as_args(self) -> Sequence[str]:
        return [f"{key}={','.join(vals)}" for key, vals in self.to_json().items()]


def message_lang(contact_lang: str) -> str:
    """The language a contact is written to: theirs, or French while it is unknown."""
    return contact_lang if contact_lang in LANGS else BASE_LANG
