"""A recipient's status, in the order a message lives through them, and what they mean."""

from __future__ import annotations

from typing import Final, Literal

RecipientStatus = Literal[
    "waiting",  # chosen, not yet handed to the outbox
    "queued",  # in the outbox
    "sent",  # the platform took it
    "delivered",
    "read",
    "failed",  # and why (recipients.error)
    "needs_template",  # WhatsApp, outside the 24-hour window, and no template for it
    "skipped",  # left the audience before it went (stopped, erased, unreachable, no consent)
    "cancelled",  # the broadcast was cancelled before it went
]
STATUSES: Final[tuple[RecipientStatus, ...]] = (
    "waiting",
    "queued",
    "sent",
    "delivered",
    "read",
    "failed",
    "needs_template",
    "skipped",
    "cancelled",
)
# Still moving: the outbox or the platform may change them.
IN_FLIGHT: Final[tuple[RecipientStatus, ...]] = ("queued", "sent", "delivered")
# Finished, one way or the other.
FINAL: Final[tuple[RecipientStatus, ...]] = (
    "read",
    "failed",
    "needs_template",
    "skipped",
    "cancelled",
)
# Delivery reports may arrive out of order (read before delivered): a status only moves up.
RANK: Final[dict[str, int]] = {"queued": 0, "sent": 1, "delivered": 2, "read": 3}
FAILURE_RANK: Final = 4

BroadcastState = Literal["draft", "scheduled", "sending", "sent", "cancelled"]
# Twilio: the message was outside the 24-hour window (a template was needed).
WINDOW_ERROR: Final = "63016"
