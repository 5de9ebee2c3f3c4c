"""Who may record what, and on which day: members today or yesterday, facilitators any past
day; a closed day is corrected by a row dated when it is made that names the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.ledger.calendar import ONE_DAY
from bot.ledger.rows import member_ref


class LedgerError(Exception):
    """A refused ledger operation; `reason` is a stable code the conversation can explain."""

    reason = "refused"


class DayNotAllowed(LedgerError):
    reason = "day_not_allowed"


class AmountNotAllowed(LedgerError):
    reason = "amount_not_allowed"


class NotAllowed(LedgerError):
    reason = "not_allowed"


class NothingToUndo(LedgerError):
    reason = "nothing_to_undo"


class AlreadyCorrected(LedgerError):
    reason = "already_corrected"


class NotFound(LedgerError):
    reason = "not_found"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who adds a row: a member (through the bot), a facilitator, or the system (closings)."""

    role: Literal["member", "facilitator", "system"]
    name: str
    member_id: int | None = None

    @classmethod
    def member(cls, member_id: int) -> Actor:
        return cls("member", member_ref(member_id), member_id)

    @classmethod
    def facilitator(cls, name: str) -> Actor:
        return cls("facilitator", name.strip()[:80] or "facilitator")

    @property
    def recorded_by(self) -> str:
        return f"{self.role}:{self.name}"


@dataclass(frozen=True, slots=True)
class Dating:
    business_date: date
    corrects_date: date | None = None  # the closed day a late correction names


def dating(
    actor: Actor,
    day: date,
    *,
    today: date,
    closed_through: date | None,
    starts_on: date,
    ends_on: date | None,
) -> Dating:
    """The business date of a row a person asks to date `day`, or DayNotAllowed."""
    if day > today:
        raise DayNotAllowed(f"{day} is in the future")
    if actor.role != "facilitator":
        if day < today - ONE_DAY:
            raise DayNotAllowed(f"{day}: only today or yesterday (earlier: a facilitator)")
        if day < starts_on or (ends_on is not None and day > ends_on):
            raise DayNotAllowed(f"{day} is outside the coop's dates")
    if closed_through is not None and day <= closed_through:
        if actor.role != "facilitator":
            raise DayNotAllowed(f"{day} is closed (a facilitator can correct it)")
        return Dating(today, day)
    return Dating(day)


def check_amount(actor: Actor, amount_cents: int, quantity: int, max_sale_cents: int) -> None:
    """A sale is positive, counts at least one item, and (from a member) stays under the
    coop's plausibility limit."""
    if amount_cents <= 0:
        raise AmountNotAllowed("the amount must be more than zero")
    if quantity < 1:
        raise AmountNotAllowed("the quantity must be at least one")
    if actor.role == "member" and amount_cents > max_sale_cents:
        raise AmountNotAllowed("the amount is above the coop's limit for one sale")


class UnknownCode(LedgerError):
    reason = "unknown_code"


class CoopOver(LedgerError):
    reason = "coop_over"
