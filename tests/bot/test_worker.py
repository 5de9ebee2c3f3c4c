"""`python -m bot worker`: delivers the outbox through the real channels, never receives."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from bot.core.content import load_environment, seed_if_empty
from bot.core.dispatcher import Dispatcher
from bot.core.messages import InboundMessage
from bot.db.session import Database
from nlu.backend import EmbeddedBackend
from tests.cli import ROOT, run
from tests.fakes.server import ServerThread
from tests.fakes.telegram_api import FakeTelegram


@pytest.fixture
def telegram() -> Iterator[tuple[FakeTelegram, str]]:
    fake = FakeTelegram()
    server = ServerThread(fake.app).start()
    yield fake, server.url
    server.stop()


async def test_worker_sends_pending_replies_and_does_not_poll(
    db: Database, telegram: tuple[FakeTelegram, str]
) -> None:
    fake, url = telegram
    await seed_if_empty(db)
    dispatcher = Dispatcher(db, await load_environment(db), EmbeddedBackend())
    await dispatcher.handle(InboundMessage("telegram", "4242", "900", "bonjour"))
    await dispatcher.close()
    env = {
        **os.environ,
        "DATABASE_URL": db.url,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": url,  # no PUBLIC_BASE_URL: the web process would poll
        "WORKER_ENABLED": "true",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not fake.sent() and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else b""
            time.sleep(0.1)
        time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    sent = fake.sent()
    assert [c.params["chat_id"] for c in sent] == ["4242"]
    assert "français" in sent[0].params["text"]
    methods = {c.method for c in fake.calls()}
    assert not methods & {"getUpdates", "setWebhook", "deleteWebhook"}, methods


def test_worker_refuses_to_run_beside_a_sending_web_process(db: Database) -> None:
    env = {**os.environ, "DATABASE_URL": db.url, "WORKER_ENABLED": "false"}
    result = run(["worker"], env, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("python -m bot worker: WORKER_ENABLED is false")
