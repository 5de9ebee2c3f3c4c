"""WhatsApp through Twilio: signed webhooks in, the REST API (async client) out.

Choices go out as a numbered list (or a Content quick-reply template when configured);
outside the 24-hour window only an approved template may be sent, else the message is held.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.channels.base import (
    DeliveryReport,
    DeliveryResult,
    Handle,
    Outcome,
    RateLimit,
    StatusCallback,
)
from bot.channels.progress import deliver_parts
from bot.channels.twilio_http import AiohttpTwilioClient
from bot.core.messages import Attachment, AttachmentKind, InboundMessage, OutboundMessage
from bot.core.render import numbered, split_text
from bot.settings import Settings

log = logging.getLogger(__name__)

NAME = "whatsapp"
INBOUND_PATH = "/webhooks/whatsapp"
STATUS_PATH = "/webhooks/whatsapp/status"
SIGNATURE_HEADER = "X-Twilio-Signature"
PREFIX = "whatsapp:"
MAX_BODY = 1600
MAX_MEDIA = 10
MAX_FIELDS = 200
WINDOW = timedelta(hours=24)
MAX_BUTTONS = 3  # WhatsApp quick replies
MAX_BUTTON_TITLE = 20
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
# Twilio error codes with a meaning for us (https://www.twilio.com/docs/api/errors).
HELD_CODES = {63016}  # outside the 24-hour window: only a template may go
# Unsubscribed (STOP), unreachable, invalid recipient, the user blocked the business.
UNREACHABLE_CODES = {21610, 63003, 63024, 63014}
CONNECT_TIMEOUT = 5.0


class _Params(dict[str, list[str]]):
    """Form fields with every value, as Twilio's validator expects for repeated names."""

    def getlist(self, name: str) -> list[str]:
        return self[name]

    def first(self, name: str, default: str = "") -> str:
        values = self.get(name)
        return values[0] if values else default


def parse_form(body: bytes) -> _Params:
    """A urlencoded body; ValueError when it is not one."""
    text = body.decode("utf-8")  # UnicodeDecodeError is a ValueError
    params = _Params()
    for key, value in parse_qsl(
        text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=MAX_FIELDS
    ):
        params.setdefault(key, []).append(value)
    return params


def _kind(mime: str) -> AttachmentKind:
    if mime.startswith("audio/"):
        return "voice" if "ogg" in mime or "opus" in mime else "audio"
    if mime.startswith("image/"):
        return "sticker" if mime == "image/webp" else "image"
    if mime.startswith("video/"):
        return "video"
    return "document"


def to_inbound(params: _Params) -> InboundMessage:
    """The channel-neutral message for an inbound webhook; ValueError when fields are missing."""
    sid = params.first("MessageSid") or params.first("SmsMessageSid")
    sender = params.first("From")
    if not sid or not sender.startswith(PREFIX) or len(sender) < len(PREFIX) + 4:
        raise ValueError("not a WhatsApp message")
    attachments: list[Attachment] = []
    count = min(int(params.first("NumMedia", "0") or "0"), MAX_MEDIA)
    for i in range(max(count, 0)):
        url = params.first(f"MediaUrl{i}")
        if url:
            mime = params.first(f"MediaContentType{i}", "application/octet-stream")
            attachments.append(Attachment(_kind(mime), url, mime))
    lat, lon = params.first("Latitude"), params.first("Longitude")
    if lat and lon:
        attachments.append(Attachment("location", f"{float(lat):.6f},{float(lon):.6f}"))
    return InboundMessage(
        channel=NAME,
        address=sender[len(PREFIX) :],
        external_id=sid,
        text=params.first("Body"),
        payload=params.first("ButtonPayload") or None,
        attachments=tuple(attachments),
        received_at=datetime.now(UTC),
    )


def classify(exc: Exception) -> DeliveryResult:
    """A Twilio REST error as a delivery outcome."""
    if isinstance(exc, TwilioRestException):
        code = exc.code if isinstance(exc.code, int) else None
        error = f"{exc.status} {code or ''} {exc.msg}".strip()[:200]
        if exc.status == 429 or exc.status >= 500:
            return DeliveryResult(Outcome.RETRY, error=error)
        if code in HELD_CODES:
            return DeliveryResult(Outcome.HELD, error=error)
        if code in UNREACHABLE_CODES:
            return DeliveryResult(Outcome.UNREACHABLE, error=error)
        return DeliveryResult(Outcome.FAILED, error=error)
    if isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError | OSError):
        return DeliveryResult(Outcome.RETRY, error=f"network {type(exc).__name__}")
    return DeliveryResult(Outcome.RETRY, error=type(exc).__name__)


class WhatsAppChannel:
    name = NAME

    def __init__(
        self,
        settings: Settings,
        *,
        handle: Handle,
        on_status: StatusCallback,
        rate_limit: RateLimit | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if not (
            settings.twilio_account_sid
            and settings.twilio_auth_token
            and settings.twilio_whatsapp_from
        ):
            raise ValueError(
                "WhatsAppChannel needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN "
                "and TWILIO_WHATSAPP_FROM"
            )
        self.settings, self.clock = settings, clock
        self.handle, self.on_status = handle, on_status
        # Twilio's default is about 80 messages/s per sender; a person reads one at a time.
        self.rate_limit = rate_limit or RateLimit(
            per_address_per_second=1.0,
            per_address_burst=3,
            global_per_second=settings.whatsapp_rate_per_second,
        )
        self.account_sid = settings.twilio_account_sid
        self.sender = settings.twilio_whatsapp_from
        if not self.sender.startswith(PREFIX):
            self.sender = PREFIX + self.sender
        self.validator = RequestValidator(settings.twilio_auth_token)
        self.public_base = (settings.public_base_url or "").rstrip("/")
        self.status_callback = self.public_base + STATUS_PATH if self.public_base else None
        self._auth = (settings.twilio_account_sid, settings.twilio_auth_token)
        self.send_timeout = settings.outbox_send_timeout_seconds
        self._client: Client | None = None
        self._http: AiohttpTwilioClient | None = None

    # --- receiving -------------------------------------------------------------------------

    def routes(self) -> list[Route]:
        return [
            Route(INBOUND_PATH, self.inbound, methods=["POST"]),
            Route(STATUS_PATH, self.status, methods=["POST"]),
        ]

    def signature_ok(self, path: str, query: str, params: _Params, signature: str) -> bool:
        """HMAC of PUBLIC_BASE_URL + path (+ query) and the sorted fields, keyed by the token.

        The public URL, not the request's: behind a proxy the host and scheme differ.
        """
        if not self.public_base or not signature:
            return False
        url = self.public_base + path + (f"?{query}" if query else "")
        expected = self.validator.compute_signature(url, params)
        return hmac.compare_digest(expected.encode(), signature.encode())

    async def _signed_form(self, request: Request) -> _Params | Response:
        content_type = request.headers.get("content-type", "")
        if not content_type.startswith("application/x-www-form-urlencoded"):
            return Response("expected a form", status_code=415)
        body = await request.body()
        try:
            params = parse_form(body)
        except ValueError:
            return Response("malformed form", status_code=400)
        if not self.signature_ok(
            request.url.path, request.url.query, params, request.headers.get(SIGNATURE_HEADER, "")
        ):
            return Response("forbidden", status_code=403)
        account = params.first("AccountSid")
        if account and not hmac.compare_digest(account, self.account_sid):
            return Response("forbidden", status_code=403)
        return params

    async def inbound(self, request: Request) -> Response:
        params = await self._signed_form(request)
        if isinstance(params, Response):
            return params
        try:
            message = to_inbound(params)
        except ValueError:
            return Response("not a WhatsApp message", status_code=400)
        try:
            await self.handle(message)
        except Exception as exc:  # the dispatcher logged why; Twilio may retry, dedupe holds
            log.warning("whatsapp message not processed (%s)", type(exc).__name__)
            return Response("try again", status_code=503)
        return Response(EMPTY_TWIML, media_type="text/xml")

    async def status(self, request: Request) -> Response:
        params = await self._signed_form(request)
        if isinstance(params, Response):
            return params
        sid, status = params.first("MessageSid"), params.first("MessageStatus")
        if not sid or not status:
            return Response("not a status callback", status_code=400)
        error = params.first("ErrorCode")[:32] or None
        report = DeliveryReport(
            sid[:64],
            status[:16],
            error,
            unreachable=error is not None and error.isdigit() and int(error) in UNREACHABLE_CODES,
        )
        try:
            known = await self.on_status(report)
        except Exception as exc:  # the database is down: Twilio retries the callback
            log.warning("whatsapp status not recorded (%s)", type(exc).__name__)
            return Response("try again", status_code=503)
        if not known:
            log.debug("status for an unknown message")
        return Response(status_code=204)

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        if not self.public_base:
            log.warning(
                "WhatsApp needs PUBLIC_BASE_URL: Twilio webhooks cannot be verified "
                "and will get 403"
            )

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http, self._client = None, None

    def client(self) -> Client:
        """Twilio's client over our aiohttp transport (timeouts applied), at our API root."""
        if self._client is None:
            http = AiohttpTwilioClient(
                connect_timeout=CONNECT_TIMEOUT, read_timeout=self.send_timeout
            )
            client = Client(
                self._auth[0], self._auth[1], account_sid=self.account_sid, http_client=http
            )
            # The lib builds URLs from its domain root; a self-hosted or fake API replaces it.
            client.api.base_url = self.settings.twilio_api_base_url.rstrip("/")
            self._http, self._client = http, client
        return self._client

    # --- sending ---------------------------------------------------------------------------

    def in_window(self, message: OutboundMessage) -> bool:
        last = message.last_inbound_at
        return last is not None and self.clock() - last < WINDOW

    def _template(self, message: OutboundMessage) -> str | None:
        templates = self.settings.twilio_templates
        return templates.get(f"{message.purpose}.{message.lang}") or templates.get(message.purpose)

    def requests(self, message: OutboundMessage) -> list[dict[str, Any]] | DeliveryResult:
        """The Messages API calls for one message, or why none can be made now."""
        base: dict[str, Any] = {"to": PREFIX + message.address, "from_": self.sender}
        if self.status_callback:
            base["status_callback"] = self.status_callback
        if not self.in_window(message):
            if message.template is not None:  # chosen by the sender's side (the database)
                variables = dict(message.template.variables)
                return [
                    {
                        **base,
                        "content_sid": message.template.content_sid,
                        "content_variables": json.dumps(variables, ensure_ascii=False),
                    }
                ]
            sid = self._template(message)
            if sid is None:
                return DeliveryResult(Outcome.HELD, error="outside the 24-hour window")
            text = numbered(message)[:MAX_BODY]
            return [
                {
                    **base,
                    "content_sid": sid,
                    "content_variables": json.dumps({"1": text}, ensure_ascii=False),
                }
            ]
        quick = self._quick_reply(message)
        if quick is not None:
            return [{**base, **quick}]
        calls = [
            {**base, "body": piece}
            for piece in split_text(numbered(message), MAX_BODY)
            if piece.strip()
        ]
        media = [a.ref for a in message.attachments if a.ref.startswith("https://")]
        if media:
            if calls:
                calls[-1]["media_url"] = media
            else:
                calls.append({**base, "media_url": media})
        return calls

    def _quick_reply(self, message: OutboundMessage) -> dict[str, Any] | None:
        replies = message.quick_replies
        sid = self.settings.twilio_quick_reply_templates.get(str(len(replies)))
        if (
            not replies
            or sid is None
            or len(replies) > MAX_BUTTONS
            or len(message.text) > 1024
            or any(len(q.title) > MAX_BUTTON_TITLE for q in replies)
        ):
            return None
        variables = {"1": message.text}
        for i, q in enumerate(replies):
            variables[str(2 + 2 * i)] = q.title
            variables[str(3 + 2 * i)] = q.id
        return {"content_sid": sid, "content_variables": json.dumps(variables, ensure_ascii=False)}

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        calls = self.requests(message)
        if isinstance(calls, DeliveryResult):
            return calls
        if not calls:
            return DeliveryResult(Outcome.FAILED, error="nothing to send")
        messages = self.client().messages

        async def create(call: dict[str, Any]) -> str:
            return str((await messages.create_async(**call)).sid)

        return await deliver_parts(
            [partial(create, call) for call in calls],
            done=message.parts_done,
            classify=classify,
            channel=NAME,
            timeout=self.send_timeout,
        )
