"""A facilitator's own words added to a workshop's reminders, one text per language.

A reminder in a language without a note goes as it always did (the journeys' text); the
note never replaces the facts (day, time, place), it follows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, delete, insert, select

from bot.db.tables import audit, reminder_notes, workshops
from content.catalog import LANGS

MAX_NOTE = 500  # a reminder stays short (a utility template outside WhatsApp's window)


class NoteError(ValueError):
    """A note that cannot be stored; the message says why."""


def set_notes(
    conn: Connection, workshop_id: int, texts: Mapping[str, str], *, by: str, now: datetime
) -> None:
    """Replace the workshop's notes with `texts` (language -> text; empty: no note)."""
    row = conn.execute(
        select(workshops.c.cancelled_at).where(workshops.c.id == workshop_id)
    ).first()
    if row is None:
        raise NoteError(f"no workshop {workshop_id}")
    if row.cancelled_at is not None:
        raise NoteError(f"workshop {workshop_id} is cancelled")
    conn.execute(delete(reminder_notes).where(reminder_notes.c.workshop_id == workshop_id))
    kept = {lang: text.strip() for lang, text in texts.items() if text.strip()}
    for lang, text in kept.items():
        if lang not in LANGS:
            raise NoteError(f"unknown language {lang!r} (expected one of {', '.join(LANGS)})")
        if len(text) > MAX_NOTE:
            raise NoteError(f"the {lang} note has {len(text)} characters (at most {MAX_NOTE})")
    if kept:
        conn.execute(
            insert(reminder_notes),
            [
                {
                    "workshop_id": workshop_id,
                    "lang": lang,
                    "text": text,
                    "written_by": by[:254],
                    "updated_at": now,
                }
                for lang, text in kept.items()
            ],
        )
    detail = f"{workshop_id}: {', '.join(sorted(kept)) or 'none'}"
    conn.execute(
        insert(audit).values(
            actor=by[:254], action="workshop.reminder_note", detail=detail, created_at=now
        )
    )


def notes_of(conn: Connection, workshop_id: int) -> dict[str, str]:
    rows = conn.execute(
        select(reminder_notes.c.lang, reminder_notes.c.text).where(
            reminder_notes.c.workshop_id == workshop_id
        )
    )
    return {r.lang: r.text for r in rows}


def notes_for(conn: Connection, workshop_ids: Select[Any]) -> dict[tuple[int, str], str]:
    """(workshop, language) -> note, for the workshops `workshop_ids` selects."""
    rows = conn.execute(
        select(reminder_notes.c.workshop_id, reminder_notes.c.lang, reminder_notes.c.text).where(
            reminder_notes.c.workshop_id.in_(workshop_ids)
        )
    )
    return {(r.workshop_id, r.lang): r.text for r in rows}
