"""A facilitator's own words in a workshop's reminders: after the reminder's facts, in the
reader's language; a reminder in a language without a note goes as before."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from bot.db.repos.reminder_notes import NoteError, notes_of, set_notes
from bot.db.repos.workshops import add_workshop, cancel_workshop
from bot.db.session import Database
from tests.bot.conftest import PARIS
from tests.bot.test_scheduler import Town, town  # noqa: F401  (the fixture)
from tests.cli import run


async def test_reminders_carry_the_note_in_the_readers_language(town: Town) -> None:  # noqa: F811
    amina, karim, tesfay = [
        (await town.people(name, lang=lang))[0]
        for name, lang in (("amina", "fr"), ("karim", "ar"), ("tesfay", "ti"))
    ]
    ws = await town.workshop("2026-12-12 14:30")
    for who in (amina, karim, tesfay):
        assert await town.answer(ws, who)
    notes = {"fr": "Apportez votre titre de séjour.", "ar": "أحضروا بطاقة الإقامة."}
    await town.db.run(lambda conn: set_notes(conn, ws, notes, by="nadia", now=datetime.now(UTC)))
    sent = dict(await town.at("2026-12-11 14:30"))
    assert sent["amina"].startswith("⏰") and sent["amina"].endswith("\n\n" + notes["fr"])
    assert "samedi 12 décembre" in sent["amina"]  # the facts stay, the note follows
    assert sent["karim"].endswith("\n\n" + notes["ar"])
    assert "\n\n" not in sent["tesfay"].rstrip()  # no Tigrinya note: the reminder as it was
    # Notes changed before the second reminder: only the new ones go.
    await town.db.run(
        lambda conn: set_notes(conn, ws, {"fr": "Salle 2."}, by="nadia", now=datetime.now(UTC))
    )
    sent = dict(await town.at("2026-12-12 12:30"))
    assert sent["amina"].endswith("\n\nSalle 2.") and notes["ar"] not in sent["karim"]


async def test_notes_refused_with_a_reason(db: Database) -> None:
    now = datetime.now(UTC)

    def workshop(conn: object) -> int:
        return add_workshop(
            conn,  # type: ignore[arg-type]
            titles={"fr": "Budget"},
            starts_at=now + timedelta(days=2),
            place="Ici",
            langs=["fr"],
            now=now,
        )

    ws = await db.run(workshop)
    for texts, says in (
        ({"en": "Hello"}, "unknown language 'en'"),
        ({"fr": "x" * 501}, "at most 500"),
    ):
        with pytest.raises(NoteError, match=says):
            await db.run(lambda conn: set_notes(conn, ws, texts, by="n", now=now))  # noqa: B023
    assert await db.run(notes_of, ws) == {}
    with pytest.raises(NoteError, match="no workshop 999"):
        await db.run(lambda conn: set_notes(conn, 999, {"fr": "a"}, by="n", now=now))
    await db.run(lambda conn: cancel_workshop(conn, ws, now, PARIS))
    with pytest.raises(NoteError, match="is cancelled"):
        await db.run(lambda conn: set_notes(conn, ws, {"fr": "a"}, by="n", now=now))


async def test_cli(db: Database) -> None:
    now = datetime.now(UTC)
    ws = await db.run(
        lambda conn: add_workshop(
            conn,
            titles={"fr": "Budget"},
            starts_at=now + timedelta(days=2),
            place="Ici",
            langs=["fr"],
            now=now,
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_"))}
    env["DATABASE_URL"] = db.url

    def note(*args: str) -> subprocess.CompletedProcess[str]:
        return run(["broadcast", "reminder-note", *args], env)

    done = note(str(ws), "--text", "fr=Apportez un stylo", "--text", "ti=ብርዒ ኣምጽኡ", "--by", "nadia")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"workshop {ws}: reminder notes in fr, ti\n"
    assert await db.run(notes_of, ws) == {"fr": "Apportez un stylo", "ti": "ብርዒ ኣምጽኡ"}
    for bad in ([str(ws)], [str(ws), "--clear", "--text", "fr=a"], ["x", "--clear"]):
        result = note(*bad)
        assert result.returncode == 2 and result.stdout == "", bad
        errors = [line for line in result.stderr.splitlines() if "error:" in line]
        assert "Traceback" not in result.stderr and len(errors) == 1, result.stderr
    missing = note("999999", "--clear")
    assert missing.returncode == 1
    assert missing.stderr == "python -m bot broadcast: no workshop 999999\n"
    cleared = note(str(ws), "--clear")
    assert cleared.stdout == f"workshop {ws}: reminder notes in none\n"
    assert await db.run(notes_of, ws) == {}


async def test_whatsapp_reminders_carry_the_databases_template(town: Town) -> None:  # noqa: F811
    """Templates are managed in the database for reminders too: a WhatsApp reminder
    carries the approved template of its language (filled with its text, note included),
    for when the person's 24-hour window has closed."""
    import json

    from bot.db.repos import conversations
    from bot.db.repos.templates import set_template

    sid = "HX" + "c3" * 16

    def people(conn: object) -> list[int]:
        rows = conversations.create_contacts(
            conn,  # type: ignore[arg-type]
            [("whatsapp", "+33600000001", "ar"), ("whatsapp", "+33600000002", "ti")],
            town.clock.now,
        )
        for row in rows.values():
            row.consent = True
        conversations.save_contacts(conn, list(rows.values()), town.clock.now)  # type: ignore[arg-type]
        set_template(
            conn,  # type: ignore[arg-type]
            purpose="reminder",
            lang="ar",
            content_sid=sid,
            variables=None,
            by="nadia",
            now=town.clock.now,
        )
        return [r.id for r in rows.values()]

    arabic, tigrinya = await town.db.run(people)
    ws = await town.workshop("2026-12-12 14:30")
    for who in (arabic, tigrinya):
        assert await town.answer(ws, who)
    await town.db.run(
        lambda conn: set_notes(conn, ws, {"ar": "أحضروا قلما."}, by="n", now=datetime.now(UTC))
    )
    town.clock.now = datetime(2026, 12, 11, 13, 30, tzinfo=UTC)  # 14:30 in Paris
    await town.scheduler.drain()
    payloads = {
        r.contact_id: json.loads(r.payload) if isinstance(r.payload, str) else r.payload
        for r in await town.rows("SELECT contact_id, payload FROM outbox")
    }
    template = payloads[arabic]["template"]
    assert template["content_sid"] == sid
    assert template["variables"]["1"] == payloads[arabic]["text"]
    assert payloads[arabic]["text"].endswith("أحضروا قلما.")
    assert "template" not in payloads[tigrinya]  # none in the database: the settings' fallback
