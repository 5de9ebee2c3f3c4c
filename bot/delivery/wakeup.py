"""Waking senders in other processes when messages are queued (PostgreSQL LISTEN/NOTIFY),
so that a worker answers at once instead of at its next poll. SQLite has one process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, text

from bot.db.session import Database

log = logging.getLogger(__name__)

CHANNEL = "outbox"
RECONNECT = 5.0  # seconds before listening again after the connection dropped


def notify(conn: Connection) -> None:
    """In the transaction that queues messages: listeners hear it when it commits."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"NOTIFY {CHANNEL}"))


async def listen(db: Database, wake: Callable[[], None]) -> None:
    """Call `wake` on every notification, for ever (PostgreSQL; returns at once on SQLite)."""
    if db.is_sqlite:
        return
    while True:
        try:
            async with db.engine.connect() as conn:
                raw = await conn.get_raw_connection()
                driver: Any = raw.driver_connection  # asyncpg's connection

                def heard(*_: object) -> None:
                    wake()

                await driver.add_listener(CHANNEL, heard)
                try:
                    while not driver.is_closed():
                        await asyncio.sleep(RECONNECT)
                finally:  # the connection goes back to the pool: it stops listening
                    with contextlib.suppress(Exception):
                        await driver.remove_listener(CHANNEL, heard)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("outbox listener lost its connection (%s)", type(exc).__name__)
        await asyncio.sleep(RECONNECT)
