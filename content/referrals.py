"""Where to get help in Île-de-France, by need (content/referrals.yaml): kinds of organisations
people can find near them. Addresses and services change, so entries are marked `check`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, model_validator

from content.loading import Id, Strict, TextKey, parse
from content.messages import Message, message

REFERRALS_FILE = Path(__file__).parent / "referrals.yaml"


class ReferralText(StrEnum):
    """Texts around the directory."""

    PROMPT = "referrals.prompt"  # "what do you need help with?", above the needs' labels


class Place(Strict):
    id: Id
    text: TextKey  # one line: what the organisation is, what it does, how to find it
    check: bool  # said explicitly for each entry: is it to be confirmed with a person?


class Need(Strict):
    id: Id
    label: TextKey  # a button
    intro: TextKey
    places: tuple[Place, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_places(self) -> Need:
        ids = [p.id for p in self.places]
        if len(ids) != len(set(ids)):
            raise ValueError("place ids must be unique within a need")
        return self

    def message(self) -> Message:
        """The intro and one line per place, ending with "confirm with a person" if needed."""
        keys = (self.intro, *(p.text for p in self.places))
        return message(keys, check=any(p.check for p in self.places))

    def text_keys(self) -> set[str]:
        return {self.label, self.intro, *(p.text for p in self.places)}


class Referrals(Strict):
    needs: tuple[Need, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_needs(self) -> Referrals:
        ids = [n.id for n in self.needs]
        if len(ids) != len(set(ids)):
            raise ValueError("need ids must be unique")
        return self

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(n.id for n in self.needs)

    def need(self, need_id: str) -> Need:
        for need in self.needs:
            if need.id == need_id:
                return need
        raise KeyError(need_id)

    def text_keys(self) -> set[str]:
        return {key for need in self.needs for key in need.text_keys()} | set(ReferralText)


def parse_referrals(source: str, name: str = REFERRALS_FILE.name) -> Referrals:
    return parse(Referrals, source, name)


def load_referrals(path: Path = REFERRALS_FILE) -> Referrals:
    return parse_referrals(path.read_text(encoding="utf-8"), path.name)
