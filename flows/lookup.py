"""Read-only domain data the engine may speak about (my open requests, workshops, my
learning and my administrative steps): the host answers from the batch's database
connection, tests from memory. The engine stays free of I/O and deterministic for a
given lookup."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class WorkshopInfo:
    """An upcoming workshop as the contact sees it."""

    id: int
    titles: Mapping[str, str]  # language -> title
    starts_at: datetime  # aware, in the programme's time zone (TIMEZONE)
    place: str
    langs: tuple[str, ...]  # spoken there
    answer: str | None = None  # the contact's: "yes" | "no" | None

    def title(self, lang: str, fallback: str = "fr") -> str:
        return (
            self.titles.get(lang)
            or self.titles.get(fallback)
            or next(iter(self.titles.values()), "")
        )


@dataclass(frozen=True, slots=True)
class ModuleStatus:
    """How far the contact is in one learning module."""

    position: int  # messages already shown
    done: bool
    quiz_right: bool | None = None


@dataclass(frozen=True, slots=True)
class Eligibility:
    """The kept outcome of "can I join?" and the answers the checklist needs."""

    outcome: str
    answers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class RequestStatus:
    """The contact's open request to talk to a person, and when someone will answer."""

    open: int  # open requests
    answer_from: datetime | None  # None: someone is there now (or no hours are set)
    days_ahead: int = 0  # answer_from is today (0), tomorrow (1) or later


class Lookup(Protocol):
    def value(self, name: str) -> str | None:
        """A named fact about the contact or the programme, as text ("open_requests" ->
        "1"); None when the name is unknown. Flows read it as `lookup.<name>` in a router
        and `@lookup.<name>` in a value."""

    def workshops(self) -> Sequence[WorkshopInfo]:
        """Every upcoming workshop, however far ahead, the next first."""

    def modules(self) -> Mapping[str, ModuleStatus]:
        """Module id -> progress, for the modules the contact started."""

    def steps(self) -> Mapping[str, str]:
        """Checklist step id -> done | not_yet | help (kept only with consent)."""

    def eligibility(self) -> Eligibility | None:
        """The kept "can I join?" outcome (only with consent)."""

    def request(self) -> RequestStatus:
        """Open requests to talk to a person, and when someone will answer."""


@dataclass(frozen=True, slots=True)
class MemoryLookup:
    """Facts held in memory: tests, the simulator, and hosts that know nothing yet."""

    values: Mapping[str, str] = field(default_factory=dict)
    upcoming: Sequence[WorkshopInfo] = ()
    learning: Mapping[str, ModuleStatus] = field(default_factory=dict)
    checklist: Mapping[str, str] = field(default_factory=dict)
    outcome: Eligibility | None = None
    requests: RequestStatus = RequestStatus(0, None)

    def value(self, name: str) -> str | None:
        return self.values.get(name)

    def workshops(self) -> Sequence[WorkshopInfo]:
        return self.upcoming

    def modules(self) -> Mapping[str, ModuleStatus]:
        return self.learning

    def steps(self) -> Mapping[str, str]:
        return self.checklist

    def eligibility(self) -> Eligibility | None:
        return self.outcome

    def request(self) -> RequestStatus:
        return self.requests


NO_LOOKUP = MemoryLookup()
