"""The benchmarks' servers: the fake Telegram and Twilio APIs (tests/fakes/), each in its own
process, and our app under uvicorn in another, pointed at them; started together, stopped
together. Not a benchmark itself (`make bench` leaves it out)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.base import RateLimit  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram  # noqa: E402
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, SENDER  # noqa: E402

PUBLIC = "https://bot.example.org"
SECRET = "bench-secret-0123456789"


class FakeProcess:
    """A fake API in its own process, so that it does not share the load generator's core."""

    def __init__(self, kind: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        factory = {
            "telegram": "tests.fakes.telegram_api:FakeTelegram().app",
            "twilio": "tests.fakes.twilio_api:FakeTwilio().app",
        }[kind]
        module, expr = factory.split(":")
        code = (
            f"import uvicorn, {module} as m; uvicorn.run(m.{expr}, host='127.0.0.1', "
            f"port={self.port}, log_level='warning', access_log=False)"
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}
        )

    def wait(self) -> FakeProcess:
        for _ in range(200):
            try:
                httpx.get(self.url + "/_fake/calls", timeout=1)
                return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise SystemExit("fake server did not start")

    def sent(self) -> list[dict[str, Any]]:
        calls = httpx.get(self.url + "/_fake/calls", timeout=60).json()
        return [c for c in calls if c["method"] in ("sendMessage", "messages")]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def addressee(call: dict[str, Any]) -> str:
    """Who a call to a fake sends to: a Telegram chat id or a Twilio "whatsapp:+…"."""
    return str(call["params"].get("chat_id") or call["params"].get("To"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def hosted_app(rate_limit: Callable[[str], RateLimit]) -> Starlette:
    """The app as `make run` builds it (for uvicorn --factory), each channel at the rate
    limit the benchmark gives it by name."""
    from bot.app import create_app
    from bot.services import Services
    from bot.settings import Settings

    settings = Settings()
    services = Services(settings)
    app = create_app(settings, services)
    for channel in services.hosted:
        channel.rate_limit = rate_limit(channel.name)
    return app


@dataclass(frozen=True)
class Servers:
    """The running fakes (by channel: telegram, whatsapp), the app's base URL and process,
    and the worker's process when the outbox is sent by one (`worker=True`)."""

    fakes: dict[str, FakeProcess]
    base: str
    app: subprocess.Popen[bytes]
    worker: subprocess.Popen[bytes] | None = None

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in (self.app, self.worker) if p is not None]


@contextmanager
def servers(
    factory: str, database_url: str, cwd: str, *, worker: bool = False, **env: str
) -> Iterator[Servers]:
    """Start both fakes and the app (`factory`: "bench.x:make_app") on `database_url`, wait
    until the app is healthy, and stop them all on the way out. `worker`: as compose runs
    it, the app only receives and a `python -m bot worker` process sends (WORKER_ENABLED).
    `env`: more settings."""
    fakes = {"telegram": FakeProcess("telegram"), "whatsapp": FakeProcess("twilio")}
    app: subprocess.Popen[bytes] | None = None
    sender: subprocess.Popen[bytes] | None = None
    try:
        for fake in fakes.values():
            fake.wait()
        port = free_port()
        settings = {
            "DATABASE_URL": database_url,
            "PUBLIC_BASE_URL": PUBLIC,
            "TELEGRAM_BOT_TOKEN": FakeTelegram().token,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_API_BASE_URL": fakes["telegram"].url,
            "TELEGRAM_MODE": "webhook",
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_WHATSAPP_FROM": SENDER,
            "TWILIO_API_BASE_URL": fakes["whatsapp"].url,
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            # The model `make model` built: the app runs in a temporary folder, where a
            # relative NLU_MODEL_DIR would have it train a model of its own (and fail to
            # write it there) instead of answering.
            "NLU_MODEL_DIR": os.environ.get("NLU_MODEL_DIR", str(ROOT / "var" / "nlu")),
            "WORKER_ENABLED": "true" if worker else "false",
        }
        app = subprocess.Popen(
            [
                *(sys.executable, "-m", "uvicorn", "--factory", factory),
                *("--host", "127.0.0.1", "--port", str(port)),
                *("--log-level", "warning", "--no-access-log"),
            ],
            env={**os.environ, **settings, **env},
            cwd=cwd,
        )
        base = f"http://127.0.0.1:{port}"
        asyncio.run(_wait_healthy(base, app))
        if worker:
            sender = subprocess.Popen(
                [sys.executable, "-m", "bot", "worker"],
                env={**os.environ, **settings, **env},
                cwd=cwd,
            )
        yield Servers(fakes, base, app, sender)
    finally:
        for proc in (app, sender):
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=10)
        for fake in fakes.values():
            fake.stop()


async def _wait_healthy(base: str, proc: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(300):
            if proc.poll() is not None:
                raise SystemExit("the app exited; see its output above")
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("the app did not become healthy")
