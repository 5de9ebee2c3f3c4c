"""A process recording sales killed at any moment (SIGKILL): what it committed is whole and
chained, nothing half-written, and the next process carries on the same chain."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sqlalchemy import Connection, func, select

from bot.db.session import Database
from bot.db.tables import sales
from bot.ledger.verify import verify
from tests.ledger.conftest import make_shop

ROOT = Path(__file__).resolve().parents[2]

# Records sales as fast as it can, one transaction each, and says which it committed.
WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo
    from bot.db.session import Database
    from bot.ledger.recording import SaleEntry, record_sale
    from bot.ledger.rules import Actor

    async def main(url, coop, member, start):
        db = Database(url)
        tz = ZoneInfo("Europe/Paris")
        for n in range(start, start + 100_000):
            entry = SaleEntry(coop, member, "repas", 1, 800 + n, source_message_id=f"kill:{n}")
            await db.run(
                lambda c: record_sale(c, entry, Actor.member(member), now=datetime.now(UTC), tz=tz)
            )
            print(n, flush=True)

    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
    """
)


def writer(url: str, coop: int, member: int, start: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, url, str(coop), str(member), str(start)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )


def kill_after(proc: subprocess.Popen[str], committed: int) -> int:
    """SIGKILL once `committed` sales are reported; returns the last one it reported
    before it died."""
    assert proc.stdout is not None
    last = -1
    deadline = time.monotonic() + 120
    while last < committed:
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else "writer died"
        last = int(line)
        assert time.monotonic() < deadline
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    # What it reported between our read and the kill (a loaded machine lets it run on).
    for line in proc.stdout.read().split():
        last = int(line)
    return last


async def test_a_killed_writer_leaves_a_whole_chain(db: Database) -> None:
    shop = await make_shop(db)

    def count(conn: Connection) -> int:
        return int(conn.execute(select(func.count()).select_from(sales)).scalar_one())

    first = kill_after(writer(db.url, shop.coop.id, shop.members[0], 0), 25)
    rows = await shop.run(count)
    assert rows in (first + 1, first + 2)  # reported, or committed just before the kill
    verdict = await shop.run(verify)
    assert verdict.ok and verdict.rows == rows
    # The same messages again (a platform retrying) add nothing; new ones carry on the chain.
    second = kill_after(writer(db.url, shop.coop.id, shop.members[0], 0), rows + 10)
    after = await shop.run(count)
    assert after in (second + 1, second + 2)
    verdict = await shop.run(verify)
    assert verdict.ok and verdict.rows == after
