"""Read-only domain data the engine may speak about (my open requests, workshops, my
learning and my administrative steps): the host answers from the batch's database
connection, tests from memory. The engine stays free of I/O and deterministic for a
given lookup."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Protocol


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


def invite_key(text: str) -> str:
    """An invite code as typed -> as stored: any case, spaces or dashes, digits of any
    script (Arabic-Indic, Persian, Ge'ez: one digit each, as copied) -> "K7M4Q2"."""
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        digit = unicodedata.digit(ch, None)
        if digit is not None:
            out.append(str(digit))
        elif ch.isalnum():
            out.append(ch.upper())
    return "".join(out)


class Lookup(Protocol):
    def value(self, name: str) -> str | None:
        """A named fact about the contact or the programme, as text ("open_requests" ->
        "1"); None when the name is unknown. Flows read it as `lookup.<name>` in a router
        and `@lookup.<name>` in a value."""

    # --- the coops' sales (flows/actions/*sale*.py) ---
    def coop(self) -> CoopInfo | None:
        """The contact's coop (the one joined last, still running); None: not a member."""

    def sales_totals(self) -> SalesTotals | None:
        """The contact's sales today, this week and this month, and the coop's today."""

    def last_sale(self) -> SaleInfo | None:
        """What "undo last" or "correct" would change: the member's latest sale of today or
        yesterday that nothing has undone or corrected yet."""

    def invite(self, code: str) -> InviteInfo | None:
        """The coop an invite code (as typed) opens; None for an unknown code."""

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
    membership: CoopInfo | None = None
    totals: SalesTotals | None = None
    last: SaleInfo | None = None
    invites: Mapping[str, InviteInfo] = field(default_factory=dict)  # by code, upper case
    upcoming: Sequence[WorkshopInfo] = ()
    learning: Mapping[str, ModuleStatus] = field(default_factory=dict)
    checklist: Mapping[str, str] = field(default_factory=dict)
    outcome: Eligibility | None = None
    requests: RequestStatus = RequestStatus(0, None)

    def value(self, name: str) -> str | None:
        return self.values.get(name)

    def coop(self) -> CoopInfo | None:
        return self.membership

    def sales_totals(self) -> SalesTotals | None:
        return self.totals

    def last_sale(self) -> SaleInfo | None:
        return self.last

    def invite(self, code: str) -> InviteInfo | None:
        return self.invites.get(invite_key(code))

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


# --- the coops' sales --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProductInfo:
    """A product of the coop: its listed name, other names members use, its usual price."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()
    price_cents: int = 0


@dataclass(frozen=True, slots=True)
class CoopInfo:
    """The contact's coop as a sale needs it, and the business day now (TIMEZONE)."""

    name: str
    today: date
    products: tuple[ProductInfo, ...] = ()
    max_sale_cents: int = 100_000  # a member's sale above this is asked again
    reminders: bool = True  # the member gets the end-of-day reminder
    reminder_at: str = "20:00"  # its time, in TIMEZONE
    starts_on: date | None = None  # the coop's first business day: no sale before it


@dataclass(frozen=True, slots=True)
class Total:
    cents: int = 0
    sales: int = 0  # money rows (a reversal counts as one)


@dataclass(frozen=True, slots=True)
class SalesTotals:
    today: date
    mine_today: Total = Total()
    mine_week: Total = Total()
    mine_month: Total = Total()
    coop_today: Total = Total()


@dataclass(frozen=True, slots=True)
class SaleInfo:
    """One recorded sale, as the member told it."""

    id: int
    product: str
    quantity: int
    cents: int
    payment: str
    day: date
    product_id: int | None = None


@dataclass(frozen=True, slots=True)
class InviteInfo:
    coop: str
    status: Literal["open", "member", "over"]  # joinable, already joined, ended
    example: ProductInfo | None = None  # the coop's first product, for the welcome's example
