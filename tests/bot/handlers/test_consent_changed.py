"""consent_changed: given or withdrawn, with its time; withdrawing erases kept answers."""

from __future__ import annotations

from sqlalchemy import Connection

from flows.events import ConsentChanged
from tests.bot.handlers.conftest import NOW, Harness, json_value


async def test_consent_given_is_recorded_with_its_time(harness: Harness) -> None:
    contact = await harness.contact()
    await harness.apply(contact, [ConsentChanged(True)])
    row = (await harness.rows("SELECT consent, consent_at FROM contacts"))[0]
    assert bool(row.consent) is True and row.consent_at is not None
    assert contact.consent_at == NOW


async def test_withdrawing_consent_erases_the_answers(harness: Harness) -> None:
    contact = await harness.contact(consent=True, fields={"project": "food"})
    await harness.apply(contact, [ConsentChanged(False)])
    row = (await harness.rows("SELECT consent, fields FROM contacts"))[0]
    assert bool(row.consent) is False
    assert json_value(row.fields) == {} == contact.fields


async def test_withdrawing_consent_erases_the_journeys_answers(harness: Harness) -> None:
    from zoneinfo import ZoneInfo

    from bot.db.repos import journeys

    contact = await harness.contact(consent=True)

    def keep(conn: Connection) -> None:
        journeys.record_eligibility(conn, contact.id, "cae", {"project": "other"}, NOW)
        journeys.record_step(conn, contact.id, "bank", "done", NOW)
        journeys.schedule_nudge(conn, contact.id, NOW, ZoneInfo("Europe/Paris"))

    await harness.db.run(keep)
    await harness.apply(contact, [ConsentChanged(False)])
    assert await harness.rows("SELECT contact_id FROM eligibility_results") == []
    assert await harness.rows("SELECT contact_id FROM checklist_progress") == []
    nudge = await harness.rows("SELECT status FROM scheduled_jobs")
    assert [r.status for r in nudge] == ["cancelled"]
