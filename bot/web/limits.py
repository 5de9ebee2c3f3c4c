"""Limits on webhook requests, before any handler reads them: a body size (413 before the
body is read into memory), a time to send the body (408 for bodies that dribble or never
come), and clients that hang up mid-body logged as one line at debug, not a traceback."""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # bytes; Telegram updates and Twilio forms are a few kilobytes
BODY_TIMEOUT = 10.0  # seconds to receive a whole body; platforms send theirs at once


class BodyTooLarge(Exception):
    pass


class BodyTooSlow(Exception):
    pass


class RequestLimits:
    """Applies the limits on paths under `prefix`."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int = MAX_BODY,
        body_timeout: float = BODY_TIMEOUT,
        prefix: str = "/webhooks/",
    ):
        self.app, self.max_body, self.prefix = app, max_body, prefix
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _reply(send, 400, b"bad content-length")
                    return
                if declared > self.max_body:
                    await _reply(send, 413, b"request body too large")
                    return
        received = 0
        started = False
        deadline = asyncio.get_running_loop().time() + self.body_timeout

        body_done = False

        async def limited_receive() -> Message:
            nonlocal received, body_done
            if body_done:  # later reads only wait for a disconnect: no deadline
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise BodyTooSlow from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge
                body_done = not message.get("more_body", False)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _reply(send, 413, b"request body too large")
        except BodyTooSlow:
            log.debug("%s: request body not received in %.0f s", scope["path"], self.body_timeout)
            if not started:
                await _reply(send, 408, b"request body too slow")
        except ClientDisconnect:
            log.debug("%s: client disconnected before sending its body", scope["path"])


async def _reply(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
