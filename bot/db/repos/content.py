"""Flows and texts in the database: seeded from the shipped files, read at start-up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.tables import flows as flows_t
from bot.db.tables import texts as texts_t


async def is_empty(conn: AsyncConnection) -> bool:
    n = (await conn.execute(select(func.count()).select_from(flows_t))).scalar_one()
    return n == 0


async def seed(
    conn: AsyncConnection,
    flows: list[tuple[str, str]],
    texts: dict[str, dict[str, str]],
    now: datetime,
) -> None:
    """flows: (flow id, YAML source); texts: lang -> key -> text."""
    if flows:
        await conn.execute(
            insert(flows_t),
            [
                {"flow_id": fid, "version": 1, "source": src, "published": True, "created_at": now}
                for fid, src in flows
            ],
        )
    rows = [
        {"key": k, "lang": lang, "text": t, "status": "reviewed", "updated_at": now}
        for lang, by_key in texts.items()
        for k, t in by_key.items()
    ]
    if rows:
        await conn.execute(insert(texts_t), rows)


async def published_flows(conn: AsyncConnection) -> list[tuple[str, str]]:
    """(flow id, YAML source) of the newest published version of each flow."""
    newest = (
        select(flows_t.c.flow_id, func.max(flows_t.c.version).label("v"))
        .where(flows_t.c.published.is_(True))
        .group_by(flows_t.c.flow_id)
        .subquery()
    )
    rows = await conn.execute(
        select(flows_t.c.flow_id, flows_t.c.source)
        .join(newest, (newest.c.flow_id == flows_t.c.flow_id) & (newest.c.v == flows_t.c.version))
        .order_by(flows_t.c.flow_id)
    )
    return [(r[0], r[1]) for r in rows]


async def all_texts(conn: AsyncConnection) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for key, lang, text in await conn.execute(
        select(texts_t.c.key, texts_t.c.lang, texts_t.c.text)
    ):
        out.setdefault(lang, {})[key] = text
    return out
