"""People in the test database for the panel's pages: a contact with a channel identity,
their messages and a request to talk to a person, written as the dispatcher writes them."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, insert

from bot.db.repos import conversations
from bot.db.tables import contacts, identities
from tests.admin.conftest import Panel


def add_person(
    conn: Connection,
    *,
    now: datetime,
    channel: str = "telegram",
    address: str = "555000144",
    lang: str = "ar",
    said: Sequence[str] = ("مرحبا", "أريد التحدث مع شخص"),
    asked: str = "ماذا تريدين أن تفعلي اليوم؟",
    wrote_ago: timedelta = timedelta(minutes=5),
    request: bool = True,
) -> tuple[int, int | None]:
    """(contact id, request id): a person who wrote `said`, the bot having asked `asked`."""
    contact_id = int(
        conn.execute(
            insert(contacts)
            .values(lang=lang, consent=True, fields={}, created_at=now, last_seen_at=now)
            .returning(contacts.c.id)
        ).scalar_one()
    )
    conn.execute(
        insert(identities).values(
            contact_id=contact_id,
            channel=channel,
            address=address,
            last_inbound_at=now - wrote_ago,
            unreachable=False,
            created_at=now,
        )
    )
    at = now - wrote_ago - timedelta(seconds=len(said) + 2)
    rows = [conversations.MessageRow(contact_id, "out", channel, asked, lang, at)]
    for i, text in enumerate(said, start=1):
        rows.append(
            conversations.MessageRow(
                contact_id, "in", channel, text, lang, at + timedelta(seconds=i)
            )
        )
    conversations.add_messages(conn, rows)
    if not request:
        return contact_id, None
    asked_at = now - wrote_ago
    conversations.add_tickets(
        conn,
        [conversations.TicketRow(contact_id, "user_request", asked_at, {"flow": "menu"})],
    )
    from bot.db.tables import tickets

    ticket = conn.execute(
        tickets.select().where(tickets.c.contact_id == contact_id).order_by(tickets.c.id.desc())
    ).first()
    assert ticket is not None
    return contact_id, int(ticket.id)


async def person(panel: Panel, **kwargs: object) -> tuple[int, int | None]:
    return await panel.services.db.run(lambda c: add_person(c, now=panel.clock.now, **kwargs))  # type: ignore[arg-type]


async def samples(panel: Panel) -> None:
    """Request 1, coop 1 with product 1, workshop 1: what the routes' samples name."""
    from zoneinfo import ZoneInfo

    from bot.db.repos.workshops import add_workshop
    from bot.ledger.coops import CoopSpec, ProductSpec, create_coop

    now = panel.clock.now

    def write(conn: Connection) -> None:
        add_person(conn, now=now)
        create_coop(
            conn,
            CoopSpec("Cuisine du monde", "culinary", (ProductSpec("repas", 850, 1000),)),
            now=now,
            tz=ZoneInfo("Europe/Paris"),
        )
        add_workshop(
            conn,
            titles={"fr": "Vendre au marché"},
            starts_at=now + timedelta(days=3),
            place="Maison des associations",
            langs=("fr", "ar"),
            now=now,
        )

    await panel.services.db.run(write)
    use_media_dir(panel, Path(tempfile.mkdtemp(prefix="admin-media-")))
    (panel.services.media.media_dir / "learn").mkdir()
    (panel.services.media.media_dir / "learn" / "sample.png").write_bytes(PNG)


# The smallest true PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)


def use_media_dir(panel: Panel, folder: Path) -> None:
    """Module media in `folder` for this panel (never the shipped content/media)."""
    panel.services.settings.media_dir = str(folder)
    panel.services.media.media_dir = folder
