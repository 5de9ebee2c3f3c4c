"""The dispatcher's side of the figures: each batch adds its counts to the day's rows in the
same transaction (no contact in them, so erasure leaves them), and keeps the messages a
facilitator will review (only from contacts who gave consent)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from sqlalchemy import Connection, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.db.tables import activity, misunderstood

MEASURES: Final = (
    "messages_in",
    "messages_out",
    "not_understood",
    "low_confidence",
    "handovers",
    "modules_done",
    "steps_done",
    "rsvp_yes",
)
MISSED: Final = ("not_understood", "low_confidence")


@dataclass(frozen=True, slots=True)
class MissRow:
    """A message the bot did not understand (or only guessed at), for review."""

    contact_id: int
    channel: str
    lang: str
    text: str
    kind: str  # not_understood | low_confidence
    guess: str | None
    confidence: float | None
    created_at: datetime


class Tally:
    """A batch's counts by (channel, contact language, measure)."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str, str]] = Counter()

    def add(self, channel: str, lang: str, measure: str, n: int = 1) -> None:
        assert measure in MEASURES, measure
        if n:
            self.counts[(channel, lang, measure)] += n

    def rows(self, day: date) -> list[dict[str, object]]:
        cells: dict[tuple[str, str], dict[str, object]] = {}
        for (channel, lang, measure), n in self.counts.items():
            row = cells.setdefault(
                (channel, lang),
                {"day": day, "channel": channel, "lang": lang, **dict.fromkeys(MEASURES, 0)},
            )
            row[measure] = n
        # Always in the same order: two processes never wait on each other's rows crosswise.
        return [cells[k] for k in sorted(cells)]


def add_counts(conn: Connection, tally: Tally, day: date) -> None:
    """Add the batch's counts to the day's rows: one statement, last in the transaction so
    that the rows are held for the shortest time."""
    rows = tally.rows(day)
    if not rows:
        return
    dialect = conn.dialect.name
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(activity)
    upsert = stmt.on_conflict_do_update(
        index_elements=["day", "channel", "lang"],
        set_={m: getattr(activity.c, m) + getattr(stmt.excluded, m) for m in MEASURES},
    )
    conn.execute(upsert, rows)


def add_misses(conn: Connection, rows: Sequence[MissRow]) -> None:
    if rows:
        conn.execute(
            insert(misunderstood),
            [
                {
                    "contact_id": r.contact_id,
                    "channel": r.channel,
                    "lang": r.lang,
                    "text": r.text,
                    "kind": r.kind,
                    "guess": r.guess,
                    "confidence": r.confidence,
                    "created_at": r.created_at,
                }
                for r in rows
            ],
        )
