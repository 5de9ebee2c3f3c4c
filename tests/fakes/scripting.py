"""What fakes share: recorded calls and scripted misbehaviour, safe across threads.

A fake can be told, for one recipient or for all (`to=None`), to answer its next calls
with failures (429 with retry_after, 500, 403…), or to wait before answering: a little
(a slow platform), longer than the client's timeout (a late answer: the message went,
the client does not know), or for good (a hang). A call is recorded when it arrives: by
then the platform has the message, whenever (or whether) it answers.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

HANG = 3600.0  # seconds: longer than any client waits


@dataclass(frozen=True)
class Call:
    method: str  # Bot API method, or "messages" for Twilio
    params: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.time)
    to: str = ""  # the recipient (Telegram chat id, Twilio "To")
    result_id: str | None = None  # the message id issued (None when the call failed)


@dataclass(frozen=True)
class Failure:
    status: int
    description: str = ""
    retry_after: int | None = None  # Telegram 429
    code: int | None = None  # Twilio error code


class Recorder:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._script: dict[tuple[str, str | None], list[Failure]] = {}
        self._delays: dict[str | None, float] = {}
        self._generation = 0

    def reset(self) -> None:
        """Forget calls and scripts; calls waiting to be answered are answered now."""
        with self._lock:
            self._calls.clear()
            self._script.clear()
            self._delays.clear()
            self._generation += 1

    def fail(self, method: str, *failures: Failure, to: str | None = None) -> None:
        """The next calls of `method` (to `to`, or to anyone) answer these failures, in
        order, then succeed again."""
        with self._lock:
            self._script.setdefault((method, to), []).extend(failures)

    def delay(self, seconds: float, to: str | None = None) -> None:
        """Calls (to `to`, or to anyone) are answered `seconds` late. `delay(0)` stops every
        delay and answers the calls still waiting."""
        with self._lock:
            if seconds > 0:
                self._delays[to] = seconds
            elif to is not None:
                self._delays.pop(to, None)
            else:
                self._delays.clear()
                self._generation += 1

    def next_failure(self, method: str, to: str | None = None) -> Failure | None:
        with self._lock:
            for key in ((method, to), (method, None)):
                queue = self._script.get(key)
                if queue:
                    return queue.pop(0)
            return None

    async def wait_before_answering(self, to: str) -> None:
        with self._lock:
            seconds = self._delays.get(to, self._delays.get(None, 0.0))
            generation = self._generation
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and generation == self._generation:
            await asyncio.sleep(min(0.05, max(0.0, deadline - time.monotonic())))

    def record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    # --- control over HTTP, for a fake in another process ------------------------------

    def control_routes(self) -> list[Route]:
        return [
            Route("/_fake/calls", self._calls_view, methods=["GET"]),
            Route("/_fake/reset", self._reset_view, methods=["POST"]),
            Route("/_fake/fail", self._fail_view, methods=["POST"]),
            Route("/_fake/delay", self._delay_view, methods=["POST"]),
        ]

    async def _calls_view(self, request: Request) -> Response:
        return JSONResponse(
            [
                {k: v for k, v in asdict(c).items() if k != "headers"}
                for c in self.calls(request.query_params.get("method"))
            ]
        )

    async def _reset_view(self, request: Request) -> Response:
        self.reset()
        return Response(status_code=204)

    async def _fail_view(self, request: Request) -> Response:
        body = await request.json()
        failures = [Failure(**f) for f in body["failures"]]
        self.fail(body["method"], *failures, to=body.get("to"))
        return Response(status_code=204)

    async def _delay_view(self, request: Request) -> Response:
        body = await request.json()
        self.delay(float(body["seconds"]), to=body.get("to"))
        return Response(status_code=204)
