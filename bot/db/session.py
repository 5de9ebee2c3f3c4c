"""The database handle.

Hot paths (dispatcher, outbox) hand a synchronous function of a `Connection` to
`Database.run`, which executes it as one transaction: on SQLite in a single writer
thread with the plain sqlite3 driver (one thread hop per batch instead of one per
statement, and one writer, as SQLite wants); on PostgreSQL through `run_sync` on the
async engine. Cold paths may use the async engine directly (`begin`, `connect`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, QueuePool

IDLE_PING = 5.0  # seconds unused after which a PostgreSQL connection is checked before use
P = ParamSpec("P")
T = TypeVar("T")


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        # Errors and logs never show statement parameters: they hold numbers and texts.
        kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
        self._writer: Engine | None = None
        self._executor: ThreadPoolExecutor | None = None
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs.update(
                poolclass=AsyncAdaptedQueuePool, pool_size=1, max_overflow=0, pool_timeout=30
            )
            sync_url = parsed.set(drivername="sqlite+pysqlite")
            self._writer = create_engine(
                sync_url,
                poolclass=QueuePool,
                pool_size=1,
                max_overflow=0,
                echo=echo,
                hide_parameters=True,
            )
            event.listen(self._writer, "connect", _sqlite_pragmas)
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        else:
            kwargs.update(pool_size=10, max_overflow=5)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        else:
            event.listen(self.engine.sync_engine, "checkin", _note_checkin)
            event.listen(self.engine.sync_engine, "checkout", _ping_if_idle)

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run `fn(conn, *args, **kwargs)` in one transaction; commit unless it raises."""
        if self._writer is not None and self._executor is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self._executor, partial(self._run_sync, fn, *args, **kwargs)
            )
        async with self.engine.begin() as conn:
            return await conn.run_sync(lambda sync_conn: fn(sync_conn, *args, **kwargs))

    def _run_sync(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        assert self._writer is not None
        with self._writer.begin() as conn:
            return fn(conn, *args, **kwargs)

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.begin() as conn:
            yield conn

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn:
            yield conn

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._writer is not None and self._executor is not None:
            await asyncio.get_running_loop().run_in_executor(self._executor, self._writer.dispose)


def _note_checkin(_dbapi_conn: Any, record: Any) -> None:
    if record is not None:
        record.info["checked_in"] = time.monotonic()


def _ping_if_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
    """`pool_pre_ping`, for connections idle `IDLE_PING` seconds or more: a busy process
    (the worker during a broadcast) would otherwise spend a round trip on every
    transaction. A dead connection is replaced (the pool connects again). One the server
    dropped while it was in use a moment ago fails its transaction once, and the pool
    starts afresh (the dispatcher runs such a batch again: `connection_invalidated`)."""
    if time.monotonic() - record.info.get("checked_in", -IDLE_PING) < IDLE_PING:
        return
    try:
        dbapi_conn.ping()
    except Exception as exc:
        raise DisconnectionError("the connection was closed while idle") from exc


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


__all__ = ["Connection", "Database"]
