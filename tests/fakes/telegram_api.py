"""A fake Telegram Bot API: `{root}/bot{token}/{method}` and `{root}/file/bot{token}/{path}`.

Answers like Telegram (`{"ok": true, "result": …}` or `{"ok": false, "error_code", …}`),
records every call, and can be told to fail (429 with retry_after, 5xx, 403 blocked) or to
answer late, per chat or for all (tests/fakes/scripting.py).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.scripting import Call, Failure, Recorder

TOKEN = "123456:TEST-token"
BOT_USER = {
    "id": 999000,
    "is_bot": True,
    "first_name": "Migracoop",
    "username": "migracoop_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
BLOCKED = Failure(403, "Forbidden: bot was blocked by the user")
CHAT_NOT_FOUND = Failure(400, "Bad Request: chat not found")
SEND_METHODS = ("sendMessage", "sendPhoto", "sendAudio", "sendDocument", "sendVoice")


def flood(retry_after: int) -> Failure:
    return Failure(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


class FakeTelegram(Recorder):
    def __init__(self, token: str = TOKEN) -> None:
        super().__init__()
        self.token = token
        self._ids = itertools.count(1)
        self._updates: list[dict[str, Any]] = []
        self._updates_lock = threading.Lock()
        self.app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._method, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._file, methods=["GET"]),
                *self.control_routes(),
            ]
        )

    # --- test helpers --------------------------------------------------------------------

    def queue_update(self, update: dict[str, Any]) -> None:
        """An update for getUpdates (polling mode)."""
        with self._updates_lock:
            self._updates.append(update)

    def sent(self, chat_id: int | None = None) -> list[Call]:
        return [
            c
            for c in self.calls()
            if c.method in SEND_METHODS and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [str(c.params.get("text", "")) for c in self.sent(chat_id)]

    # --- the API -----------------------------------------------------------------------

    async def _params(self, request: Request) -> dict[str, Any]:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("application/json"):
            data = await request.json()
            return dict(data) if isinstance(data, dict) else {}
        form = await request.form()
        out: dict[str, Any] = {}
        for key, value in form.multi_items():
            if not isinstance(value, str):  # an uploaded file: keep its name and size
                out[key] = {"filename": value.filename, "size": len(await value.read())}
                continue
            try:  # PTB JSON-encodes structured values (reply_markup, commands, …)
                out[key] = json.loads(value) if value[:1] in "[{" else value
            except ValueError:
                out[key] = value
        return out

    async def _method(self, request: Request) -> Response:
        token, method = request.path_params["token"], request.path_params["method"]
        if token != self.token:
            return _error(Failure(401, "Unauthorized"))
        params = await self._params(request)
        to = str(params.get("chat_id", ""))
        failure = self.next_failure(method, to)
        result = None if failure else await self._result(method, params)
        issued = result.get("message_id") if isinstance(result, dict) else None
        self.record(
            Call(
                method,
                params,
                dict(request.headers),
                to=to,
                result_id=None if issued is None else str(issued),
            )
        )
        if method in SEND_METHODS:
            await self.wait_before_answering(to)
        if failure is not None:
            return _error(failure)
        return JSONResponse({"ok": True, "result": result})

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in SEND_METHODS:
            message: dict[str, Any] = {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT_USER,
            }
            if "text" in params:
                message["text"] = params["text"]
            if isinstance(params.get("reply_markup"), dict):
                message["reply_markup"] = params["reply_markup"]
            return message
        if method == "getUpdates":
            return await self._get_updates(params)
        if method == "getFile":
            file_id = str(params.get("file_id", ""))
            return {
                "file_id": file_id,
                "file_unique_id": file_id[-8:],
                "file_size": 1234,
                "file_path": f"voice/{file_id}.oga",
            }
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True  # setWebhook, deleteWebhook, setMyCommands, answerCallbackQuery, …

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 0.5)
        while True:
            with self._updates_lock:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = list(self._updates)
            if ready or time.monotonic() >= deadline:
                return ready
            await asyncio.sleep(0.02)

    async def _file(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return Response(status_code=404)
        return Response(b"OggS-fake-audio", media_type="audio/ogg")


def _error(failure: Failure) -> JSONResponse:
    body: dict[str, Any] = {
        "ok": False,
        "error_code": failure.status,
        "description": failure.description or "Internal Server Error",
    }
    if failure.retry_after is not None:
        body["parameters"] = {"retry_after": failure.retry_after}
    return JSONResponse(body, status_code=failure.status)
