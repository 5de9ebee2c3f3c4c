"""Shared fixtures: every database test runs on SQLite and, under `make test`, PostgreSQL.

TEST_DATABASE_URLS is a comma-separated list; "sqlite" means a fresh file per test.
The schema is migrated once per backend with Alembic; PostgreSQL tables are emptied
before each test, SQLite gets a copy of a migrated template file. Under pytest-xdist
(`make test` runs `-n 2`), each worker has its own PostgreSQL database, made afresh.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db.migrate import truncate_all, upgrade
from bot.db.session import Database

URLS = [u.strip() for u in os.environ.get("TEST_DATABASE_URLS", "sqlite").split(",") if u.strip()]


def _backend_id(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Backend id -> migrated URL (for SQLite, a template file to copy)."""
    out: dict[str, str] = {}
    for url in URLS:
        if url == "sqlite":
            path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
            url = f"sqlite+aiosqlite:///{path}"
        elif worker := os.environ.get("PYTEST_XDIST_WORKER"):
            url = asyncio.run(_fresh_database(url, f"w_{worker}"))
        upgrade(url)
        out[_backend_id(url)] = url
    return out


async def _fresh_database(url: str, suffix: str) -> str:
    """A new empty database beside the one `url` names (dropped first if left over)."""
    name = f"{make_url(url).database}_{suffix}"
    server = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with server.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await server.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=[_backend_id(u) for u in URLS])
def database_url(
    request: pytest.FixtureRequest, migrated_templates: dict[str, str], tmp_path: Path
) -> Iterator[str]:
    url = migrated_templates[request.param]
    if request.param == "sqlite":
        template = Path(url.removeprefix("sqlite+aiosqlite:///"))
        copy = tmp_path / "test.db"
        shutil.copy(template, copy)
        yield f"sqlite+aiosqlite:///{copy}"
    else:
        yield url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    await truncate_all(database)
    yield database
    await database.dispose()
