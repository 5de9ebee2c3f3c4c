"""Consent, "my data" (see, export, delete) and retention, end to end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select, update

from bot.db.models import (
    ChannelIdentity,
    Contact,
    HandoverTicket,
    Member,
    MessageLog,
    Outbox,
    Sale,
)
from bot.db.repos.privacy import purge_inactive
from bot.db.session import Database
from bot.ledger.coops import CoopSpec, create_coop, join
from bot.ledger.recording import SaleEntry, record_sale, reverse
from bot.ledger.rules import Actor
from bot.ledger.verify import verify
from tests.bot.conftest import Chat


async def onboard(chat: Chat, address: str, consent: str) -> None:
    await chat.say(address, "bonjour")
    await chat.say(address, "1")
    await chat.say(address, consent)


async def contact_id(db: Database, address: str) -> int:
    async with db.connect() as conn:
        found = select(ChannelIdentity.contact_id).where(ChannelIdentity.address == address)
        return int((await conn.execute(found)).scalar_one())


async def rows(db: Database, model: type) -> int:
    async with db.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(model))).scalar_one())


async def test_show_lists_what_is_stored(chat: Chat) -> None:
    await onboard(chat, "u1", "oui")
    await chat.say("u1", "8")
    shown = (await chat.say("u1", "1"))[0].text
    assert "Test" in shown or "test" in shown  # the channel
    assert "Français" in shown and "✅ Oui" in shown
    assert "Messages gardés : 11" in shown  # 4 in, 7 out before this one


async def test_export_contains_the_conversation(chat: Chat) -> None:
    await onboard(chat, "u1", "non")
    await chat.say("u1", "<b>mon projet</b>")
    await chat.say("u1", "/mydata")
    export = (await chat.say("u1", "2"))[0].text
    assert "📦" in export and "<b>mon projet</b>" in export and "👤 bonjour" in export
    assert "❌ Non" in export


async def test_export_says_days_and_times_as_the_person_lives_them(chat: Chat) -> None:
    await onboard(chat, "u1", "oui")
    summer_night = datetime(2026, 7, 14, 21, 30, tzinfo=UTC)  # 23:30 in Paris
    async with chat.services.db.begin() as conn:
        await conn.execute(update(MessageLog).values(created_at=summer_night))
    await chat.say("u1", "/mydata")
    export = (await chat.say("u1", "2"))[0].text
    assert "mardi 14 juillet\n23:30 👤 bonjour" in export
    assert "2026-07-14" not in export and "21:30" not in export


async def test_sales_counted_are_the_person_s_sales_not_ledger_rows(chat: Chat) -> None:
    db = chat.services.db
    await onboard(chat, "u1", "oui")
    cid = await contact_id(db, "u1")

    def sell_then_undo(conn: Connection) -> None:
        now, tz = datetime.now(UTC), ZoneInfo("Europe/Paris")
        coop = create_coop(conn, CoopSpec("Cuisine", "culinary"), now=now, tz=tz).coop
        member = join(conn, coop.invite_code, cid, now=now, tz=tz).member
        for n in (1, 2):
            entry = SaleEntry(coop.id, member.id, "repas", n, 800 * n, source_message_id=f"m-{n}")
            sale = record_sale(conn, entry, Actor.member(member.id), now=now, tz=tz)
        reverse(conn, sale.rows[0].id, Actor.facilitator("Awa"), now=now, tz=tz)

    await db.run(sell_then_undo)
    await chat.say("u1", "/mydata")
    shown = (await chat.say("u1", "1"))[0].text
    assert "Ventes notées : 2" in shown  # two sales said; the undoing row is not a sale


async def test_delete_erases_everything_but_anonymous_sales(chat: Chat) -> None:
    db = chat.services.db
    await onboard(chat, "u1", "oui")
    await onboard(chat, "u2", "oui")
    await chat.say("u1", "6")  # a request to talk to a person
    cid = await contact_id(db, "u1")

    def sell(conn: Connection) -> None:
        now, tz = datetime.now(UTC), ZoneInfo("Europe/Paris")
        coop = create_coop(conn, CoopSpec("Cuisine", "culinary"), now=now, tz=tz).coop
        member = join(conn, coop.invite_code, cid, now=now, tz=tz).member
        entry = SaleEntry(coop.id, member.id, "repas", 5, 4550, source_message_id="m-1")
        record_sale(conn, entry, Actor.member(member.id), now=now, tz=tz)

    await db.run(sell)
    await chat.say("u1", "mes donnees")
    await chat.say("u1", "3")
    deleted = await chat.say("u1", "1")
    assert "effacé" in deleted[0].text and "ventes" in deleted[0].text
    async with db.connect() as conn:
        contacts = (await conn.execute(select(Contact.id))).scalars().all()
        identities = (await conn.execute(select(ChannelIdentity.address))).scalars().all()
        owners = (await conn.execute(select(MessageLog.contact_id).distinct())).scalars().all()
        sale = (await conn.execute(select(Sale.member_id, Sale.amount_cents))).one()
        member = (await conn.execute(select(Member.id, Member.contact_id))).one()
        tickets = (await conn.execute(select(func.count()).select_from(HandoverTicket))).scalar()
        outbox_owners = (await conn.execute(select(Outbox.contact_id).distinct())).scalars().all()
    assert cid not in contacts and len(contacts) == 1
    assert identities == ["u2"]
    assert cid not in owners
    # The sale stays, still its member's, but the member is no longer anybody.
    assert tuple(sale) == (member.id, 4550) and member.contact_id is None
    assert (await db.run(verify)).ok  # erasure changed nothing the hash chain covers
    assert tickets == 0
    assert cid not in outbox_owners
    # Writing again starts over, as a new person.
    again = await chat.say("u1", "salut")
    assert "français" in again[0].text


PROJECT = """
id: project
start: ask
nodes:
  ask:
    ask: {kind: text, prompt: onboarding.consent_question, save_as: idea}
    goto: keep
  keep:
    actions: [{type: set_field, field: idea, value: "@answer"}]
    goto: end
"""
MENU = """
id: menu
start: main
nodes:
  main:
    ask:
      kind: choice
      prompt: menu.prompt
      choices: [{id: p, label: menu.learn, goto: "flow:project"}]
"""


async def test_answers_are_kept_only_with_consent(chat: Chat) -> None:
    from dataclasses import replace

    from flows.loader import parse_flow

    dispatcher = chat.services.dispatcher
    assert dispatcher is not None
    flows = dict(dispatcher.env.flows)
    flows.update(project=parse_flow(PROJECT, "project"), menu=parse_flow(MENU, "menu"))
    dispatcher.env = replace(dispatcher.env, flows=flows)
    await onboard(chat, "yes", "oui")
    await onboard(chat, "no", "non")
    for address in ("yes", "no"):
        await chat.say(address, "1")
        await chat.say(address, "couture")
    async with chat.services.db.connect() as conn:
        fields = dict(
            (
                await conn.execute(
                    select(ChannelIdentity.address, Contact.fields).join(
                        Contact, Contact.id == ChannelIdentity.contact_id
                    )
                )
            ).all()
        )
    assert fields == {"yes": {"idea": "couture"}, "no": {}}
    # Withdrawing consent erases what was kept.
    await chat.say("yes", "/mydata")
    await chat.say("yes", "4")
    assert "effacé" in (await chat.say("yes", "2"))[0].text
    async with chat.services.db.connect() as conn:
        kept = (
            await conn.execute(select(Contact.consent, Contact.fields).order_by(Contact.id))
        ).all()
    assert [tuple(r) for r in kept] == [(False, {}), (False, {})]


async def test_retention_erases_inactive_contacts(chat: Chat) -> None:
    db = chat.services.db
    await onboard(chat, "old", "oui")
    await onboard(chat, "recent", "oui")
    now = datetime.now(UTC)
    async with db.begin() as conn:
        old_id = (
            await conn.execute(
                select(ChannelIdentity.contact_id).where(ChannelIdentity.address == "old")
            )
        ).scalar_one()
        await conn.execute(
            update(Contact)
            .where(Contact.id == old_id)
            .values(last_seen_at=now - timedelta(days=731))
        )
    assert await db.run(purge_inactive, now=now, retention_days=730) == 1
    async with db.connect() as conn:
        left = (await conn.execute(select(ChannelIdentity.address))).scalars().all()
        owners = (await conn.execute(select(MessageLog.contact_id).distinct())).scalars().all()
    assert left == ["recent"] and old_id not in owners


async def test_retention_purges_old_outbox_rows_in_every_state(chat: Chat) -> None:
    """Old rows go whatever their state (held ones included: WhatsApp never lets them out),
    except one a sender is working on; recent rows stay."""
    from bot.delivery import outbox
    from bot.delivery.payload import Payload

    db = chat.services.db
    now = datetime.now(UTC)
    old = now - timedelta(days=31)
    ids = await db.run(
        outbox.enqueue,
        [
            outbox.OutboxRow(None, "whatsapp", f"+3360000000{i}", Payload("texte"), old)
            for i in range(7)
        ]
        + [outbox.OutboxRow(None, "whatsapp", "+33611111111", Payload("récent"), now)],
    )
    states = ["pending", "sending", "sent", "failed", "held", "held", "sending"]
    async with db.begin() as conn:
        for row_id, status in zip(ids, states, strict=False):
            await conn.execute(update(Outbox).where(Outbox.id == row_id).values(status=status))
        await conn.execute(
            update(Outbox).where(Outbox.id == ids[1]).values(claimed_until=now - timedelta(1))
        )
        await conn.execute(
            update(Outbox).where(Outbox.id == ids[6]).values(claimed_until=now + timedelta(1))
        )
        await conn.execute(update(Outbox).where(Outbox.id == ids[7]).values(status="held"))
    await db.run(purge_inactive, now=now, retention_days=730)
    async with db.connect() as conn:
        left = (await conn.execute(select(Outbox.id).order_by(Outbox.id))).scalars().all()
    assert left == [ids[6], ids[7]]  # being sent right now; recent
