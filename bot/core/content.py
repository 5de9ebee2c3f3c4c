"""The conversation's content: shipped files seeded into the database, loaded from it."""

from __future__ import annotations

from datetime import UTC, datetime

import yaml

from bot.db.repos import content as repo
from bot.db.session import Database
from content.catalog import Catalog, load_locale_files
from flows import loader
from flows.engine import Environment


def shipped_flows() -> list[tuple[str, str]]:
    out = []
    for name, source in loader.shipped_sources():
        data = yaml.safe_load(source)
        out.append((str(data["id"]) if isinstance(data, dict) else name, source))
    return out


async def seed_if_empty(db: Database) -> bool:
    """Load the shipped flows and texts into an empty database; True when it did."""
    loader.load_sources(loader.shipped_sources())  # refuse to seed invalid flows
    async with db.begin() as conn:
        if not await repo.is_empty(conn):
            return False
        await repo.seed(conn, shipped_flows(), load_locale_files(), datetime.now(UTC))
    return True


async def load_environment(db: Database) -> Environment:
    async with db.connect() as conn:
        sources = await repo.published_flows(conn)
        texts = await repo.all_texts(conn)
    flows = loader.load_sources([(f"{fid} (database)", src) for fid, src in sources])
    return Environment(flows=flows, catalog=Catalog(texts))


def file_environment() -> Environment:
    """The shipped flows and texts straight from the files (tests and tools)."""
    return Environment(flows=loader.load_directory(), catalog=Catalog(load_locale_files()))
