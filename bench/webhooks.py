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
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fakes import PUBLIC, SECRET, FakeProcess, addressee, hosted_app, servers
from bot.channels.base import RateLimit
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, SENDER


def make_app() -> Starlette:
    """The app as `make run` builds it, with the fakes' rate limits lifted (uvicorn --factory).

    Telegram allows ~30 messages/s per bot: the sender would (rightly) pace replies to
    that, which measures Telegram's limit, not us.
    """
    unlimited = RateLimit(
        per_address_per_second=1000, per_address_burst=1000, global_per_second=100_000
    )
    return hosted_app(lambda _channel: unlimited)


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
        key = addressee(c)
        if key in keys and key not in out:
            out[key] = c["at"]
    return out


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

    with tempfile.TemporaryDirectory(prefix="bench-webhooks-") as tmp:
        url = _prepare_db(Path(tmp))
        with servers("bench.webhooks:make_app", url, tmp) as running:
            base = running.base
            fake_tg, fake_tw = running.fakes["telegram"], running.fakes["whatsapp"]
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


if __name__ == "__main__":
    main()
