"""A fake Rasa server: a real HTTP server on 127.0.0.1 at a free port, in a thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

# What the fake Rasa answers, by message text.
ANSWERS = {
    "bonjour": ("greet", 0.93),
    "vendu 12 repas à 8€": ("log_sale", 0.88),
    "hmm": ("menu", 0.2),
    "weird": ("not_an_intent", 0.99),
}


@dataclass
class FakeRasa:
    url: str
    requests: list[str] = field(default_factory=list)


def _app(state: FakeRasa) -> Starlette:
    async def parse(request: Request) -> Response:
        body = await request.json()
        text = str(body["text"])
        state.requests.append(text)
        if text == "boom":
            return PlainTextResponse("internal error", status_code=500)
        if text == "garbage":
            return PlainTextResponse("<html>not json</html>")
        if text == "slow":
            await asyncio.sleep(2.0)
        name, conf = ANSWERS.get(text, ("out_of_scope", 0.7))
        return JSONResponse(
            {
                "text": text,
                "intent": {"name": name, "confidence": conf},
                "entities": [],
                "intent_ranking": [
                    {"name": name, "confidence": conf},
                    {"name": "affirm", "confidence": round(1 - conf, 3)},
                ],
            }
        )

    return Starlette(routes=[Route("/model/parse", parse, methods=["POST"])])


@pytest.fixture(scope="session")
def fake_rasa() -> Iterator[FakeRasa]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    state = FakeRasa(url=f"http://127.0.0.1:{port}")
    server = uvicorn.Server(uvicorn.Config(_app(state), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("fake Rasa server did not start")
        time.sleep(0.01)
    yield state
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()


@pytest.fixture
def closed_port_url() -> str:
    """A URL where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
