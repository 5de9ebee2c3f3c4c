"""Composing and scheduling through the service (what the CLI and the admin call): the
recipients are written once, the review gate refuses untranslated languages, machine
drafts come from a real (tiny) Argos model and wait for a person."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from bot.broadcasts.audience import Audience
from bot.broadcasts.composition import CompositionError, Media
from bot.broadcasts.service import BroadcastService
from bot.db.repos.broadcasts import BroadcastError, Refused
from bot.db.session import Database
from bot.db.tables import recipients
from bot.settings import Settings
from content.translate import ArgosTranslator
from tests.broadcasts.conftest import NOW, Clock, Person, add_people, rows
from tests.content.conftest import Installer

MIXED = [Person("fr"), Person("fr"), Person("ar"), Person("prs"), Person("ti", channel="whatsapp")]


async def test_new_writes_one_recipient_per_contact(
    db: Database, service: BroadcastService
) -> None:
    ids = await db.run(add_people, MIXED)
    created = await service.new(
        texts={"fr": "Atelier demain", "ar": "ورشة غدا", "prs": "ورکشاپ فردا", "ti": "ዎርክሾፕ ጽባሕ"},
        audience=Audience(),
        by="nadia@example.org",
    )
    assert created.recipients == 5 and created.starts_at == NOW
    got = await rows(
        db,
        "SELECT contact_id, channel, lang, status FROM broadcast_recipients"
        " WHERE broadcast_id = :b ORDER BY contact_id",
        b=created.id,
    )
    assert [tuple(r) for r in got] == [
        (ids[0], "telegram", "fr", "waiting"),
        (ids[1], "telegram", "fr", "waiting"),
        (ids[2], "telegram", "ar", "waiting"),
        (ids[3], "telegram", "prs", "waiting"),
        (ids[4], "whatsapp", "ti", "waiting"),
    ]
    [(state,)] = await rows(db, "SELECT state FROM broadcasts WHERE id = :b", b=created.id)
    assert state == "scheduled"
    reviewed = await rows(db, "SELECT lang, status, reviewed_by FROM broadcast_texts")
    assert {tuple(r) for r in reviewed} == {
        (lang, "reviewed", "nadia@example.org") for lang in ("fr", "ar", "prs", "ti")
    }
    [(action, detail)] = await rows(db, "SELECT action, detail FROM audit_log")
    assert action == "broadcast.scheduled" and detail == f"{created.id}: 5 recipients"

    def duplicate(conn: object) -> None:
        conn.execute(  # type: ignore[attr-defined]
            insert(recipients).values(
                broadcast_id=created.id,
                contact_id=ids[0],
                channel="telegram",
                lang="fr",
                status="waiting",
                updated_at=NOW,
            )
        )

    with pytest.raises(IntegrityError):
        await db.run(duplicate)


async def test_refused_until_every_language_has_a_text_and_nothing_is_written(
    db: Database, service: BroadcastService
) -> None:
    await db.run(add_people, MIXED)
    with pytest.raises(Refused) as refused:
        await service.new(
            texts={"fr": "Atelier demain", "ar": "ورشة غدا"}, audience=Audience(), by="n"
        )
    assert [str(r) for r in refused.value.refusals] == ["prs: no text", "ti: no text"]
    for table in ("broadcasts", "broadcast_texts", "broadcast_recipients", "audit_log"):
        assert await rows(db, f"SELECT * FROM {table}") == []
    # Sending the French text to Dari and Tigrinya speakers, explicitly, is allowed.
    created = await service.new(
        texts={"fr": "Atelier demain", "ar": "ورشة غدا"},
        audience=Audience(),
        by="n",
        send_french=["prs", "ti"],
    )
    assert created.recipients == 5
    # An audience that reads only Arabic needs only Arabic.
    ar_only = await service.new(
        texts={"ar": "ورشة غدا"}, audience=Audience.parse(["lang=ar"]), by="n"
    )
    assert ar_only.recipients == 1


async def test_given_texts_are_checked(db: Database, service: BroadcastService) -> None:
    with pytest.raises(CompositionError, match="own text"):
        await service.new(
            texts={"fr": "x", "ar": "y"}, audience=Audience(), by="n", send_french=["ar"]
        )
    with pytest.raises(CompositionError, match="no ar text"):
        await service.new(
            texts={"fr": "x"},
            audience=Audience(),
            by="n",
            media={"ar": Media("image", "https://example.org/a.png")},
        )
    with pytest.raises(BroadcastError, match="past"):
        await service.new(
            texts={"fr": "x"}, audience=Audience(), by="n", at=NOW - timedelta(hours=1)
        )


async def test_quiet_hours_move_the_start_to_eight(
    db: Database, service: BroadcastService, clock: Clock
) -> None:
    await db.run(add_people, [Person()])
    evening = NOW + timedelta(hours=12, minutes=30)  # 22:30 in Paris
    created = await service.new(texts={"fr": "x"}, audience=Audience(), by="n", at=evening)
    assert created.starts_at == NOW + timedelta(hours=22)  # 08:00 the next morning
    clock.advance(hours=13)  # now 23:00: "now" also waits for the morning
    later = await service.new(texts={"fr": "y"}, audience=Audience(), by="n")
    assert later.starts_at == NOW + timedelta(hours=22)


async def test_machine_drafts_wait_for_a_person(
    db: Database, settings: Settings, clock: Clock, install: Installer, models_dir: Path
) -> None:
    install("fr_ar", "fr_fa")
    service = BroadcastService(db, settings, clock=clock, translator=ArgosTranslator(models_dir))
    assert service.models() == {"ar": True, "prs": True, "ti": False}
    await db.run(add_people, MIXED)
    bid = await service.draft(Audience(), by="nadia")
    await service.set_text(bid, "fr", "bonjour merci", "nadia")
    made = await service.add_drafts(bid)
    assert made == {"ar": "أهلا شكرا", "prs": "سلام تشکر"}  # no Tigrinya model: no draft
    comp = await service.composition(bid)
    assert comp.texts["ar"].status == "machine" and comp.texts["ar"].machine_text == "أهلا شكرا"
    refusals = [str(r) for r in await service.refusals(bid)]
    assert refusals == [
        "ar: machine draft not reviewed",
        "prs: machine draft not reviewed",
        "ti: no text",
    ]
    with pytest.raises(Refused):
        await service.schedule(bid, "nadia")
    await service.review(bid, "ar", "karim")  # accepted as it is
    await service.set_text(bid, "prs", "سلام، تشکر", "farid")  # corrected by a person
    await service.send_french(bid, "ti", "nadia")
    comp = await service.composition(bid)
    assert (comp.texts["ar"].status, comp.texts["ar"].reviewed_by) == ("reviewed", "karim")
    prs = comp.texts["prs"]
    assert (prs.text, prs.status, prs.machine_text) == ("سلام، تشکر", "reviewed", "سلام تشکر")
    assert await service.refusals(bid) == []
    created = await service.schedule(bid, "nadia")
    assert created.recipients == 5
    with pytest.raises(BroadcastError, match="scheduled"):  # texts are frozen once scheduled
        await service.set_text(bid, "fr", "autre chose", "nadia")


async def test_drafts_need_a_reviewed_french_text(db: Database, service: BroadcastService) -> None:
    bid = await service.draft(Audience(), by="nadia")
    with pytest.raises(CompositionError, match="French"):
        await service.add_drafts(bid)


async def test_cancel_before_sending(db: Database, service: BroadcastService) -> None:
    await db.run(add_people, [Person(), Person()])
    created = await service.new(texts={"fr": "x"}, audience=Audience(), by="n")
    done = await service.cancel(created.id, "karim")
    assert (done.stopped, done.already_gone) == (2, 0)
    progress = await service.progress(created.id)
    assert progress.broadcast.state == "cancelled" and progress.counts["cancelled"] == 2
    with pytest.raises(BroadcastError, match="cancelled"):
        await service.cancel(created.id, "karim")
    with pytest.raises(BroadcastError, match="no broadcast 99"):
        await service.cancel(99, "karim")
