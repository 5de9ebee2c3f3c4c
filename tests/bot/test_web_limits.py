"""Webhook request limits under a real uvicorn: bodies that dribble are cut off (408), a
client that hangs up mid-body is one line at debug, and neither leaves a traceback."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.web.limits import RequestLimits
from tests.fakes.server import ServerThread

BODY_TIMEOUT = 0.5


@pytest.fixture
def server() -> Iterator[tuple[ServerThread, list[bytes]]]:
    bodies: list[bytes] = []

    async def hook(request: Request) -> Response:
        bodies.append(await request.body())
        return Response("ok")

    app = Starlette(
        routes=[Route("/webhooks/x", hook, methods=["POST"])],
        middleware=[Middleware(RequestLimits, body_timeout=BODY_TIMEOUT)],
    )
    thread = ServerThread(app).start()
    yield thread, bodies
    thread.stop()


def _send_head(s: socket.socket, length: int) -> None:
    s.sendall(f"POST /webhooks/x HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n".encode())


def test_a_body_that_never_finishes_is_cut_off(
    server: tuple[ServerThread, list[bytes]], caplog: pytest.LogCaptureFixture
) -> None:
    thread, bodies = server
    caplog.set_level(logging.DEBUG)
    with socket.create_connection(("127.0.0.1", thread.port), timeout=10) as s:
        _send_head(s, 100)
        s.sendall(b"x" * 10)  # and then nothing
        started = time.monotonic()
        answer = s.recv(1000)
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408")
    assert BODY_TIMEOUT * 0.8 <= waited < BODY_TIMEOUT + 3
    assert bodies == []
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_a_client_that_hangs_up_mid_body_is_one_debug_line(
    server: tuple[ServerThread, list[bytes]], caplog: pytest.LogCaptureFixture
) -> None:
    thread, bodies = server
    caplog.set_level(logging.DEBUG)
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", thread.port), timeout=10) as s:
            _send_head(s, 1000)
            s.sendall(b'{"update_id": 1')
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if len([r for r in caplog.records if "disconnected" in r.getMessage()]) == 3:
            break
        time.sleep(0.05)
    lines = [r for r in caplog.records if "disconnected" in r.getMessage()]
    assert len(lines) == 3 and {r.levelno for r in lines} == {logging.DEBUG}
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.WARNING]
    assert bodies == []
    with socket.create_connection(("127.0.0.1", thread.port), timeout=10) as s:
        _send_head(s, 2)
        s.sendall(b"ok")
        assert s.recv(1000).startswith(b"HTTP/1.1 200")  # the server is fine
    assert bodies == [b"ok"]
