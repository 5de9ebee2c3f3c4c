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


@dataclass(frozen=True, slots=True)
class DataRequested:
    op: str  # show | export | delete


@dataclass(frozen=True, slots=True)
class FlowEntered:
    flow_id: str


@dataclass(frozen=True, slots=True)
class InputNotUnderstood:
    count: int


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
)
