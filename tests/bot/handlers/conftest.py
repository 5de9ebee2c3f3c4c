"""Apply events to a real contact on the test database, one handler at a time."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Connection, text

from bot.core import handlers
from bot.core.content import file_environment
from bot.core.messages import InboundMessage
from bot.core.scene import Batch, Scene
from bot.db.repos import conversations as repo
from bot.db.session import Database

NOW = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)


@dataclass
class Applied:
    scene: Scene
    batch: Batch
    outbox_ids: list[int]


@dataclass
class Harness:
    db: Database

    async def contact(self, address: str = "u1", **values: Any) -> repo.ContactRow:
        def create(conn: Connection) -> repo.ContactRow:
            row = repo.create_contacts(conn, [("test", address, "fr")], NOW)[("test", address)]
            for key, value in values.items():
                setattr(row, key, value)
            repo.save_contacts(conn, [row], NOW)
            return repo.load_contacts(conn, [("test", address)])[("test", address)]

        return await self.db.run(create)

    async def apply(
        self,
        contact: repo.ContactRow,
        events: Sequence[object],
        text: str = "hello",
        *,
        external_id: str = "x1",
        now: datetime = NOW,
    ) -> Applied:
        def run(conn: Connection) -> Applied:
            batch = Batch(now)
            message = InboundMessage("test", "u1", external_id, text)
            scene = Scene(conn, batch, file_environment(), contact, message, text, None)
            handlers.apply(scene, events)
            scene.finish(0)
            return Applied(scene, batch, batch.flush(conn))

        return await self.db.run(run)

    async def rows(self, sql: str, **params: Any) -> list[Any]:
        async with self.db.connect() as conn:
            return list((await conn.execute(text(sql), params)).all())


@pytest.fixture
def harness(db: Database) -> Harness:
    return Harness(db)


def json_value(value: Any) -> Any:
    """A JSON column read with raw SQL: a string on SQLite, already decoded on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value
