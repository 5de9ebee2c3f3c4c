"""What fakes share: recorded calls and scripted failures, safe across threads."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Call:
    method: str  # Bot API method, or "messages" for Twilio
    params: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.time)


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
        self._script: dict[str, list[Failure]] = {}

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self._script.clear()

    def fail(self, method: str, *failures: Failure) -> None:
        """The next calls of `method` answer these failures, in order, then succeed again."""
        with self._lock:
            self._script.setdefault(method, []).extend(failures)

    def next_failure(self, method: str) -> Failure | None:
        with self._lock:
            queue = self._script.get(method)
            return queue.pop(0) if queue else None

    def record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]
