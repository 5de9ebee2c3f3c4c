"""What the engine says happened; the host saves and sends these, in order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class QuickReply:
    """One choice offered to the user: a short stable id and the label shown. The one
    outbound shape of a choice, from the engine through the outbox to every channel."""

    id: str
    title: str


@dataclass(frozen=True, slots=True)
class MsgCreated:
    text: str
    lang: str
    choices: tuple[QuickReply, ...] = ()
    image: str | None = None
    audio: str | None = None


@dataclass(frozen=True, slots=True)
class ContactLanguageChanged:
    lang: str


@dataclass(frozen=True, slots=True)
class ContactFieldChanged:
    field: str
    value: str


@dataclass(frozen=True, slots=True)
class ConsentChanged:
    given: bool


@dataclass(frozen=True, slots=True)
class BroadcastsChanged:
    """The contact stopped broadcasts (one word), or asked for them again."""

    stopped: bool


@dataclass(frozen=True, slots=True)
class HandoverRequested:
    reason: str
    # What led there, for the person who answers: ("flow", "steps"), ("step", "bank")…
    context: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DataRequested:
    op: str  # show | export | delete


@dataclass(frozen=True, slots=True)
class FlowEntered:
    flow_id: str


@dataclass(frozen=True, slots=True)
class InputNotUnderstood:
    count: int


@dataclass(frozen=True, slots=True)
class CoopJoinRequested:
    """The contact sent an invite code (`JOIN CODE`, `/start CODE`) of a coop still running."""

    code: str


@dataclass(frozen=True, slots=True)
class SaleConfirmed:
    """A sale the member confirmed explicitly, to add to their coop's ledger."""

    product: str  # the listed name, or as the member wrote it
    quantity: int
    amount_cents: int  # the total, VAT included
    payment: str  # cash | card | transfer
    day: str  # today | yesterday (the business day, in TIMEZONE)
    product_id: int | None = None  # a listed product


@dataclass(frozen=True, slots=True)
class SaleUndone:
    """ "Undo last", confirmed: the member's sale `sale_id` gets a reversal row."""

    sale_id: int


@dataclass(frozen=True, slots=True)
class SaleCorrected:
    """A correction, confirmed: sale `sale_id` is reversed and replaced with these values."""

    sale_id: int
    product: str
    quantity: int
    amount_cents: int
    payment: str
    product_id: int | None = None


@dataclass(frozen=True, slots=True)
class SaleRemindersChanged:
    """The end-of-day reminder to log sales, switched off or on again."""

    on: bool


@dataclass(frozen=True, slots=True)
class WorkshopAnswered:
    """ "I'll come ✅" / "I can't" to a workshop."""

    workshop_id: int
    coming: bool


@dataclass(frozen=True, slots=True)
class ModuleProgressed:
    """A learning module's messages shown so far (to resume where the contact left off)."""

    module_id: str
    position: int


@dataclass(frozen=True, slots=True)
class ModuleCompleted:
    module_id: str
    quiz_answer: str
    quiz_right: bool


@dataclass(frozen=True, slots=True)
class EligibilityDecided:
    """The outcome of "can I join?". `kept`: the answers the checklist needs (kept only with
    consent); `anonymous`: answers counted in the programme's anonymous figures only."""

    outcome: str
    kept: tuple[tuple[str, str], ...] = ()
    anonymous: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class StepMarked:
    """An administrative step marked done, not yet, or "I need help"."""

    step_id: str
    status: str  # done | not_yet | help


@dataclass(frozen=True, slots=True)
class NudgesChanged:
    """The weekly nudge switched off ("stop") or on again."""

    on: bool


Event = (
    MsgCreated
    | ContactLanguageChanged
    | ContactFieldChanged
    | ConsentChanged
    | BroadcastsChanged
    | HandoverRequested
    | DataRequested
    | FlowEntered
    | InputNotUnderstood
    | CoopJoinRequested
    | SaleConfirmed
    | SaleUndone
    | SaleCorrected
    | SaleRemindersChanged
    | WorkshopAnswered
    | ModuleProgressed
    | ModuleCompleted
    | EligibilityDecided
    | StepMarked
    | NudgesChanged
)
