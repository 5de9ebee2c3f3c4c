"""Webhook benchmark: inbound webhook -> committed -> reply on the wire, per channel.

Our app runs under a real uvicorn in its own process (SQLite in a temp dir); the fake
Telegram Bot API and Twilio REST API run here, beside an httpx load generator on loopback.
Prints requests/s and p50/p99 of the webhook answer and of the reply reaching the fake.

    .venv/bin/python -m bench.webhooks [--requests 2000] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from starlette.applications import Starlette

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.telegram_api import FakeTelegram  # noqa: E402
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, SENDER  # noqa: E402

PUBLIC = "https://bot.example.org"
SECRET = "bench-secret-0123456789"


def make_app() -> Starlette:
    """The app as `make run` builds it, with the fakes' rate limits lifted (uvicorn --factory).

    Telegram allows ~30 messages/s per bot: the sender would (rightly) pace replies to
    that, which measures Telegram's limit, not us.
    """
    from bot.app import create_app
    from bot.channels.base import RateLimit
    from bot.services import Services
    from bot.settings import Settings

    settings = Settings()
    services = Services(settings)
    app = create_app(settings, services)
    for channel in services.hosted:
        channel.rate_limit = RateLimit(
            per_address_per_second=1000, per_address_burst=1000, global_per_second=100_000
        )
    return app


class RawClient:
    """A minimal HTTP/1.1 keep-alive client: the load generator must cost far less than the
    app it measures (httpx costs about as much CPU per request as our whole webhook)."""

    def __init__(self, host: str, port: int, connections: int) -> None:
        self.host, self.port, self.size = host, port, connections
        self._free: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = (
            asyncio.Queue()
        )

    async def open(self) -> None:
        for _ in range(self.size):
            self._free.put_nowait(await asyncio.open_connection(self.host, self.port))

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        reader, writer = await self._free.get()
        try:
            head = f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(body)}\r\n"
            head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            writer.write(head.encode() + b"\r\n" + body)
            status = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length:
                await reader.readexactly(length)
            return status
        finally:
            self._free.put_nowait((reader, writer))

    async def close(self) -> None:
        while not self._free.empty():
            _, writer = self._free.get_nowait()
            writer.close()


class FakeProcess:
    """A fake API in its own process, so that it does not share the load generator's core."""

    def __init__(self, kind: str) -> None:
        self.port = _free_port()
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _prepare_db(directory: Path) -> str:
    url = f"sqlite+aiosqlite:///{directory / 'bench.db'}"
    from bot.core.content import seed_if_empty
    from bot.db.migrate import upgrade
    from bot.db.session import Database

    upgrade(url)

    async def seed() -> None:
        db = Database(url)
        await seed_if_empty(db)
        await db.dispose()

    asyncio.run(seed())
    return url


def telegram_request(i: int) -> tuple[str, bytes, dict[str, str], str]:
    chat = 10_000_000 + i
    update = {
        "update_id": 1_000_000 + i,
        "message": {
            "message_id": i + 1,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": "B"},
            "from": {"id": chat, "is_bot": False, "first_name": "B", "language_code": "fr"},
            "text": "Bonjour",
        },
    }
    headers = {"content-type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    return "/webhooks/telegram", json.dumps(update).encode(), headers, str(chat)


def whatsapp_request(i: int) -> tuple[str, bytes, dict[str, str], str]:
    from twilio.request_validator import RequestValidator

    number = f"+336{i:08d}"
    params = {
        "AccountSid": ACCOUNT_SID,
        "MessageSid": f"SM{i:032d}",
        "From": f"whatsapp:{number}",
        "To": SENDER,
        "Body": "Bonjour",
        "NumMedia": "0",
    }
    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        PUBLIC + "/webhooks/whatsapp", params
    )
    headers = {"content-type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
    return "/webhooks/whatsapp", urlencode(params).encode(), headers, f"whatsapp:{number}"


async def run_channel(
    name: str,
    base: str,
    fake: FakeProcess,
    total: int,
    concurrency: int,
    offset: int,
    rate: float | None = None,
) -> dict[str, Any]:
    build = telegram_request if name == "telegram" else whatsapp_request
    requests = [build(offset + i) for i in range(total)]
    started: dict[str, float] = {}
    latencies: list[float] = []
    errors = 0
    host, port = base.removeprefix("http://").split(":")
    client = RawClient(host, int(port), concurrency)
    await client.open()

    async def one(path: str, body: bytes, headers: dict[str, str], key: str) -> None:
        nonlocal errors
        t0 = time.time()
        started[key] = t0
        try:
            status = await client.post(path, body, headers)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            errors += 1
            return
        latencies.append(time.time() - t0)
        if status != 200:
            errors += 1

    t_start = time.perf_counter()
    if rate is None:  # closed loop: `concurrency` clients, each sends when answered
        pending = iter(requests)

        async def worker() -> None:
            for r in pending:
                await one(*r)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    else:  # open loop: requests arrive at `rate` per second, whatever the answers
        tasks = []
        for i, r in enumerate(requests):
            delay = t_start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(*r)))
        await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t_start
    await client.close()
    deadline = time.monotonic() + 60
    first_reply: dict[str, float] = {}
    while time.monotonic() < deadline:
        first_reply = _first_replies(fake, set(started))
        if len(first_reply) >= total:
            break
        await asyncio.sleep(0.5)
    e2e = [first_reply[k] - started[k] for k in first_reply]
    return {
        "channel": name,
        "requests": total,
        "errors": errors,
        "seconds": elapsed,
        "rps": total / elapsed,
        "p50": _pct(latencies, 50),
        "p99": _pct(latencies, 99),
        "replied": len(first_reply),
        "e2e_p50": _pct(e2e, 50),
        "e2e_p99": _pct(e2e, 99),
    }


def _first_replies(fake: FakeProcess, keys: set[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for c in fake.sent():
        key = str(c["params"].get("chat_id") or c["params"].get("To"))
        if key in keys and key not in out:
            out[key] = c["at"]
    return out


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="webhooks per channel")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=16,
        help="clients of the closed-loop (maximum throughput) run",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=300.0,
        help="offered webhooks/s of the open-loop (latency) run",
    )
    parser.add_argument("--warmup", type=int, default=200)
    args = parser.parse_args()

    fake_tg, fake_tw = FakeProcess("telegram"), FakeProcess("twilio")
    tg_server, tw_server = fake_tg.wait(), fake_tw.wait()
    with tempfile.TemporaryDirectory(prefix="bench-webhooks-") as tmp:
        url = _prepare_db(Path(tmp))
        port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "PUBLIC_BASE_URL": PUBLIC,
            "TELEGRAM_BOT_TOKEN": FakeTelegram().token,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_API_BASE_URL": tg_server.url,
            "TELEGRAM_MODE": "webhook",
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_WHATSAPP_FROM": SENDER,
            "TWILIO_API_BASE_URL": tw_server.url,
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "bench.webhooks:make_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=env,
            cwd=tmp,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            asyncio.run(_wait_healthy(base, proc))
            print(
                f"app: uvicorn, 1 process, SQLite in {tmp}; fakes on loopback; "
                f"{args.requests} webhooks per run, each from a new user; 'max': "
                f"{args.concurrency} clients in a closed loop; '@rate': open loop",
                file=sys.stderr,
            )
            rows = []
            for i, (name, fake) in enumerate((("telegram", fake_tg), ("whatsapp", fake_tw))):
                offset = i * 10_000_000
                asyncio.run(
                    run_channel(name, base, fake, args.warmup, args.concurrency, offset + 5_000_000)
                )
                top = asyncio.run(
                    run_channel(name, base, fake, args.requests, args.concurrency, offset)
                )
                paced = asyncio.run(
                    run_channel(
                        name, base, fake, args.requests, 256, offset + 2_000_000, rate=args.rate
                    )
                )
                rows += [("max", top), (f"@{args.rate:.0f}/s", paced)]
            for mode, r in rows:
                print(
                    f"{r['channel']:9s} {mode:8s} {r['rps']:6.0f} webhooks/s  "
                    f"webhook p50 {r['p50'] * 1000:6.1f} ms  p99 {r['p99'] * 1000:6.1f} ms  "
                    f"| reply on the wire p50 {r['e2e_p50'] * 1000:6.1f} ms  "
                    f"p99 {r['e2e_p99'] * 1000:6.1f} ms  "
                    f"({r['replied']}/{r['requests']} replied, {r['errors']} errors)"
                )
            results = [r for _, r in rows]
            ok = all(r["rps"] >= args.rate * 0.97 for _, r in rows if _ != "max") and all(
                r["p99"] < 0.050 for m, r in rows if m != "max"
            )
            print(
                f"target (>= {args.rate:.0f} webhooks/s with webhook p99 < 50 ms): "
                + ("met" if ok else "NOT met")
            )
            if statistics.fmean(r["errors"] for r in results):
                sys.exit(1)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            fake_tg.stop()
            fake_tw.stop()


if __name__ == "__main__":
    main()
