"""The engine cases marked `process: true` (tests/flows/cases/), played through real
`python -m bot chat` processes — the real NLU, database, outbox and console channel — in
every language they list: each reply must be the one the engine case expects, in order
and in the expected language, and what the case deletes is gone from the database."""

from __future__ import annotations

import os
import re

from sqlalchemy import func, select

from bot.core.content import seed_if_empty
from bot.db.models import Contact
from bot.db.session import Database
from content.catalog import FSI, PDI, Catalog, load_catalog
from tests.cli import chat
from tests.flows.casebook import Case, load_cases, play

CASES = [c for c in load_cases() if c.data.get("process")]
_CHOICE = re.compile(r"^\d+\. ")


def printed_messages(stdout: str) -> list[str]:
    """The replies `chat` printed, without their numbered choices."""
    chunks = [c for c in stdout.split("\n\n") if c.strip()]
    return [c for c in chunks if not all(_CHOICE.match(line) for line in c.splitlines())]


def opening(catalog: Catalog, key: str, lang: str) -> str:
    """How a reply with this content key starts: its first line, up to any {value}."""
    first = catalog.text(key, lang).split("\n", 1)[0].split("{", 1)[0]
    return first.replace(FSI, "").replace(PDI, "").strip()


async def test_the_process_cases_through_python_m_bot_chat(db: Database) -> None:
    assert CASES, "no case is marked process: true"
    await seed_if_empty(db)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_"))}
    env["DATABASE_URL"] = db.url
    plays: list[tuple[Case, list[str], list[tuple[str, str]]]] = []
    kept = 0  # contacts that should remain: those whose case does not end deleting them
    for case in CASES:
        assert case.data.get("contact", {}).get("new"), f"{case.id}: chat starts a new contact"
        played = play(case)  # the engine's own expectations first
        sends = [p.send for p in played]
        assert all(s and "\n" not in s for s in sends), f"{case.id}: one line per message"
        plays.append((case, sends, [r for p in played for r in p.replies]))
        kept += "data delete" not in played[-1].events
    # One after the other: two `chat` processes on one database would print each other's
    # replies (each drains the whole console outbox).
    outputs = [await chat(env, c.id, sends) for c, sends, _ in plays]
    catalog = load_catalog()
    for (case, _, expected), stdout in zip(plays, outputs, strict=True):
        got = [m.replace(FSI, "").replace(PDI, "") for m in printed_messages(stdout)]
        want = [opening(catalog, key, lang) for key, lang in expected]
        assert len(got) == len(want), f"{case.id}: {len(got)} replies, expected {len(want)}"
        for n, (text, start) in enumerate(zip(got, want, strict=True)):
            assert text.startswith(start), f"{case.id} reply {n + 1}: {text!r} != {start!r}…"
    # A case that ends with "delete everything" leaves no contact behind.
    async with db.connect() as conn:
        left = (await conn.execute(select(func.count()).select_from(Contact))).scalar_one()
    assert left == kept
