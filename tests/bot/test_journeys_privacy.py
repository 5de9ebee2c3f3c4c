""" "My data" covers what the journeys keep: shown, exported, erased with the contact."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from bot.db.repos import journeys, workshops
from tests.bot.conftest import Chat

PARIS = ZoneInfo("Europe/Paris")


async def test_my_data_exports_and_erases_journeys(chat: Chat) -> None:
    for line in ("bonjour", "1", "oui"):
        await chat.say("u1", line)
    db = chat.services.db
    async with db.connect() as conn:
        cid = (await conn.execute(text("SELECT id FROM contacts"))).scalar_one()
    now = datetime.now(UTC)

    def keep(conn: Connection) -> None:
        ws = workshops.add_workshop(
            conn,
            titles={"fr": "Atelier"},
            starts_at=now + timedelta(days=10),
            place="Paris",
            langs=("fr",),
            now=now,
        )
        workshops.answer(conn, workshop_id=ws, contact_id=cid, coming=True, now=now, tz=PARIS)
        journeys.record_eligibility(conn, cid, "cae", {"project": "other"}, now)
        journeys.record_step(conn, cid, "bank_account", "help", now)
        journeys.record_step(conn, cid, "domiciliation", "done", now)
        journeys.record_module(conn, cid, "cae", position=2, now=now)

    await db.run(keep)
    await chat.say("u1", "/mydata")
    export = (await chat.say("u1", "2"))[0].text
    catalog_yes = chat.services.catalog().text("common.yes", "fr")
    # In the person's words: the outcome, the question and the answer, steps and modules by
    # their titles with a mark — no internal keys.
    for line in (
        "• 🏢 Vous pouvez sans doute entrer directement dans une CAE",
        "• 💡 Quel est votre projet ? → 💡 Autre chose",
        "• Compte en banque 🆘",
        "• Domiciliation ✅",
        "• 🏢 Entrepreneur salarié …",
    ):
        assert line in export, export
    assert "step." not in export and "module." not in export and "eligibility" not in export
    assert f"• 📅 Atelier → {catalog_yes}" in export and "workshop." not in export
    await chat.say("u1", "/mydata")
    await chat.say("u1", "3")
    await chat.say("u1", "1")
    async with db.connect() as conn:
        for table in (
            "workshop_rsvps",
            "eligibility_results",
            "checklist_progress",
            "module_progress",
            "scheduled_jobs",
        ):
            assert (await conn.execute(text(f"SELECT COUNT(*) FROM {table}"))).scalar() == 0
        assert (await conn.execute(text("SELECT COUNT(*) FROM workshops"))).scalar() == 1
