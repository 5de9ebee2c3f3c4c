"""PostgreSQL connections the server dropped (a restart, an idle timeout): a connection
idle for a while is checked before use and replaced if dead; one dropped right after use
fails one transaction, which the dispatcher runs again, and the next transaction works."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from bot.core.dispatcher import _retryable
from bot.db import session
from bot.db.session import Database


def backend_pid(conn: Connection) -> int:
    return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


async def terminate(url: str, pid: int) -> None:
    other = Database(url)
    try:
        async with other.begin() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await other.dispose()


async def test_an_idle_connection_dropped_by_the_server_is_replaced(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db.is_sqlite:
        pytest.skip("PostgreSQL's connections")
    monkeypatch.setattr(session, "IDLE_PING", 0.0)  # every checkout counts as idle
    pid = await db.run(backend_pid)
    await terminate(db.url, pid)
    assert await db.run(backend_pid) != pid  # checked, found dead, replaced: no error


async def test_a_connection_dropped_just_after_use_fails_once_then_works(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db.is_sqlite:
        pytest.skip("PostgreSQL's connections")
    monkeypatch.setattr(session, "IDLE_PING", 3600.0)  # never checked before use
    pid = await db.run(backend_pid)
    await terminate(db.url, pid)
    with pytest.raises(DBAPIError) as failed:
        await db.run(backend_pid)
    assert failed.value.connection_invalidated and _retryable(failed.value)
    assert await db.run(backend_pid) != pid
