"""The outbox payload: what one message says, written down once. It is the JSON of the
`outbox.payload` column, read back by the sender for every channel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.messages import Attachment, AttachmentKind, QuickReply, TemplateRef
from flows.events import MsgCreated


@dataclass(frozen=True, slots=True)
class Payload:
    text: str
    lang: str = "und"
    quick_replies: tuple[QuickReply, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    # A WhatsApp template for outside the 24-hour window (broadcasts, reminders).
    template: TemplateRef | None = None

    @classmethod
    def of(cls, msg: MsgCreated) -> Payload:
        """The payload of a message the engine created (its image and audio as attachments)."""
        media: tuple[tuple[AttachmentKind, str | None], ...] = (
            ("image", msg.image),
            ("audio", msg.audio),
        )
        return cls(
            msg.text,
            msg.lang,
            msg.choices,
            tuple(Attachment(kind, ref) for kind, ref in media if ref),
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "lang": self.lang,
            "quick_replies": [{"id": q.id, "title": q.title} for q in self.quick_replies],
            "attachments": [
                {"kind": a.kind, "ref": a.ref, **({"mime": a.mime} if a.mime else {})}
                for a in self.attachments
            ],
        }
        if self.template is not None:
            data["template"] = {
                "content_sid": self.template.content_sid,
                "variables": dict(self.template.variables),
            }
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Payload:
        template = data.get("template")
        return cls(
            str(data.get("text", "")),
            str(data.get("lang", "und")),
            tuple(QuickReply(str(q["id"]), str(q["title"])) for q in data.get("quick_replies", [])),
            tuple(
                Attachment(a["kind"], str(a["ref"]), a.get("mime"))
                for a in data.get("attachments", [])
            ),
            TemplateRef(
                str(template["content_sid"]),
                tuple((str(k), str(v)) for k, v in template.get("variables", {}).items()),
            )
            if template
            else None,
        )
