"""Module pictures and recordings under /media/…, by signed links that expire.

Twilio fetches WhatsApp media by URL, so a message's media reference (a file under the
media folder, "coop/intro.fr.ogg") becomes `PUBLIC_BASE_URL/media/<ref>?exp=…&sig=…`
when the sender hands the message to a channel: links are minted at send time, so a
retried message never carries a stale one. Without a public URL (a laptop, Telegram by
polling) the reference becomes the local file, which Telegram uploads. A bad or expired
signature is 403, a missing file 404, never a 500.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import mimetypes
import re
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.core.messages import LOCAL_FILE, Attachment, AttachmentKind, OutboundMessage

PREFIX = "/media/"
LINK_TTL = 3600  # seconds: platforms fetch at once; a retry gets a fresh link
# What the platforms play as a voice message (Telegram sendVoice, WhatsApp voice note).
VOICE_SUFFIXES = frozenset({".ogg", ".opus"})
CONTENT_TYPES = {
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*(/[A-Za-z0-9_\-][A-Za-z0-9_\-.]*)*$")


def content_type(ref: str) -> str:
    suffix = Path(ref).suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(ref)[0] or "application/octet-stream"


def is_media_ref(ref: str) -> bool:
    """A file under the media folder, as content names it (not a URL, not a platform id)."""
    return bool(_REF.match(ref)) and Path(ref).suffix.lower() in CONTENT_TYPES


class MediaLinks:
    def __init__(
        self,
        secret: Callable[[], str],
        public_base: str | None,
        media_dir: Path,
        *,
        ttl: int = LINK_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # The secret is read when first needed (it may be generated into var/ on first use).
        self._secret, self._key = secret, b""
        self.public_base = (public_base or "").rstrip("/")
        self.media_dir, self.ttl, self.clock = media_dir, ttl, clock

    def _signature(self, ref: str, expires: int) -> str:
        if not self._key:
            self._key = hmac.new(self._secret().encode(), b"media-links", hashlib.sha256).digest()
        digest = hmac.new(self._key, f"{ref}\n{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def url(self, ref: str) -> str:
        expires = int(self.clock()) + self.ttl
        return (
            f"{self.public_base}{PREFIX}{quote(ref)}"
            f"?exp={expires}&sig={self._signature(ref, expires)}"
        )

    def verify(self, ref: str, expires: str, signature: str) -> bool:
        if not expires.isdigit() or int(expires) < self.clock():
            return False
        return hmac.compare_digest(self._signature(ref, int(expires)), signature)

    def path(self, ref: str) -> Path | None:
        """The file for a reference, only inside the media folder."""
        if not is_media_ref(ref):
            return None
        root = self.media_dir.resolve()
        candidate = (root / ref).resolve()
        if root not in candidate.parents or not candidate.is_file():
            return None
        return candidate

    def attachment(self, item: Attachment) -> Attachment | None:
        """A media reference as something a channel can send; None when the file is gone."""
        if not is_media_ref(item.ref):
            return item
        path = self.path(item.ref)
        if path is None:
            return None
        kind: AttachmentKind = item.kind
        if kind in ("audio", "voice"):
            kind = "voice" if path.suffix.lower() in VOICE_SUFFIXES else "audio"
        ref = self.url(item.ref) if self.public_base else LOCAL_FILE + str(path)
        return Attachment(kind, ref, content_type(item.ref))

    def prepare(self, message: OutboundMessage) -> OutboundMessage:
        """The sender's hook: media references become links (or local files) just before
        the channel sends; a missing file leaves the text to go alone."""
        if not message.attachments:
            return message
        ready = tuple(a for a in map(self.attachment, message.attachments) if a is not None)
        return replace(message, attachments=ready)

    def route(self) -> Route:
        return Route(PREFIX + "{ref:path}", self.serve, methods=["GET", "HEAD"])

    async def serve(self, request: Request) -> Response:
        ref = request.path_params.get("ref", "")
        expires = request.query_params.get("exp", "")
        signature = request.query_params.get("sig", "")
        if not is_media_ref(ref) or not self.verify(ref, expires, signature):
            return PlainTextResponse("forbidden", status_code=403)
        path = self.path(ref)
        if path is None:
            return PlainTextResponse("not found", status_code=404)
        return FileResponse(
            path,
            media_type=content_type(ref),
            headers={"Cache-Control": "private, max-age=3600"},
        )
