"""Channel-neutral messages: what every channel turns its payload into, and what it sends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from flows.events import QuickReply

# An attachment whose ref starts with this is a file on this machine (to upload), not a
# URL or a platform's file id.
LOCAL_FILE = "file://"

AttachmentKind = Literal["image", "audio", "voice", "video", "document", "sticker", "location"]


@dataclass(frozen=True, slots=True)
class Attachment:
    """A media item by reference (a platform file id or URL), never its bytes."""

    kind: AttachmentKind
    ref: str
    mime: str | None = None


@dataclass(frozen=True, slots=True)
class TemplateRef:
    """An approved WhatsApp template (Twilio ContentSid) and its variables, filled in:
    what goes instead of the text outside the 24-hour window."""

    content_sid: str
    variables: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One message from a user, as the channel received it.

    `external_id` is the platform's id for this message (Telegram update_id,
    Twilio MessageSid): the dispatcher processes each (channel, external_id) once.
    `payload` is set when the user pressed a button (the quick reply id) or opened
    a deep link (`/start <payload>`).
    """

    channel: str
    address: str
    external_id: str
    text: str = ""
    payload: str | None = None
    attachments: tuple[Attachment, ...] = ()
    locale_hint: str | None = None
    received_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One message to a user; channels render quick replies their own way."""

    channel: str
    address: str
    text: str
    lang: str = "und"
    quick_replies: tuple[QuickReply, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    purpose: str = "reply"  # "reply", or what a template is for outside the WhatsApp window
    outbox_id: int | None = None
    last_inbound_at: datetime | None = None  # the user's last message (WhatsApp 24-hour window)
    template: TemplateRef | None = None  # what goes outside that window, when given
    parts_done: int = 0  # parts of a split message delivered by earlier attempts


__all__ = [
    "LOCAL_FILE",
    "Attachment",
    "AttachmentKind",
    "InboundMessage",
    "OutboundMessage",
    "QuickReply",
    "TemplateRef",
]
