"""The daily digest: yesterday's page (masked for staff), and its e-mail through a real local
SMTP server (aiosmtpd), sent once a day whichever process gets there first."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from sqlalchemy import insert, select

from bot.db.repos import activity
from bot.db.tables import digests_sent, tickets
from bot.reports import mail
from bot.settings import Settings
from tests.reports.conftest import Panel, People, at, march


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.received: list[bytes] = []

    def handle_message(self, message) -> None:  # type: ignore[no-untyped-def]
        self.received.append(message.as_bytes())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def mail_settings(panel: Panel, port: int) -> Settings:
    s = panel.services.settings
    s.smtp_host, s.smtp_port, s.smtp_starttls = "127.0.0.1", port, False
    s.smtp_from, s.digest_to = "bot@migracoop.example", "equipe@migracoop.example, b@example.org"
    return s


async def yesterday(panel: Panel, people: People) -> None:
    ids = await march(people)
    await panel.services.db.run(
        activity.add_misses,
        [
            activity.MissRow(
                ids["ar1"],
                "whatsapp",
                "ar",
                "شو يعني تعاونية",
                "not_understood",
                None,
                None,
                at("2026-03-02 16:00"),
            )
        ],
    )
    async with panel.services.db.begin() as conn:
        await conn.execute(
            insert(tickets).values(
                contact_id=ids["ar2"],
                reason="user_request",
                status="open",
                created_at=at("2026-03-02 17:00"),
            )
        )
    panel.clock.now = datetime(2026, 3, 3, 8, 30, tzinfo=UTC)  # 09:30 in Paris


async def test_the_digest_page_shows_yesterday(panel: Panel, people: People) -> None:
    await yesterday(panel, people)
    staff = await panel.signed_in("staff")
    page = await staff.get("/admin/digest")
    assert page.status_code == 200
    html = page.text
    assert "lundi 02/03/2026" in html and "Nouvelles personnes" in html
    assert "WA •••• 02" in html and "+33610000002" not in html  # the open request, masked
    assert "WA •••• 01" in html  # the person the bot did not understand
    assert "Envoyer par e-mail" not in html  # no SMTP settings
    assert (await staff.get("/admin/digest?day=2026-03-99")).status_code == 422
    await people.activity(date(2026, 3, 2), "whatsapp", "ar", modules_done=7, steps_done=2)
    table = await staff.get("/admin/digest?day=2026-03-02&format=csv")
    lines = table.text.splitlines()
    assert lines[1] == "Nouvelles personnes,0,6,0,0,0,6"
    assert "Modules terminés,0,7,0,0,0,7" in lines  # the journeys' steps of the day too
    assert "Démarches faites,0,< 5,0,0,0,< 5" in lines


async def test_the_digest_e_mail_goes_out_once(
    panel: Panel, people: People, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    await yesterday(panel, people)
    settings = mail_settings(panel, port)
    db = panel.services.db
    early = datetime(2026, 3, 3, 5, tzinfo=UTC)  # 06:00 in Paris, before DIGEST_HOUR
    assert await mail.send_due(db, settings, early) is None and inbox.received == []
    sent = await mail.send_due(db, settings, panel.clock.now)
    assert sent is not None and sent.isoformat() == "2026-03-02"
    assert await mail.send_due(db, settings, panel.clock.now) is None  # once a day
    [raw] = inbox.received
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == "Migracoop : la journée du lundi 02/03/2026"
    assert message["To"] == "equipe@migracoop.example, b@example.org"
    body = message.get_content()
    assert "- Nouvelles personnes : arabe 6, Total 6" in body
    assert "- Messages non compris : arabe < 5, Total < 5" in body
    assert "WA •••• 02" in body and "+336" not in body
    assert "شو يعني" not in body  # no message text in a mailbox

    # A facilitator sends it again from the page; staff may not.
    facilitator = await panel.signed_in("facilitator")
    page = await facilitator.get("/admin/digest")
    assert "Envoyer par e-mail (2 destinataires)" in page.text
    from tests.admin.conftest import post

    response = await post(facilitator, "/admin/digest/send", {"day": "2026-03-02"})
    assert response.status_code == 303 and "notice=sent" in response.headers["location"]
    assert len(inbox.received) == 2
    staff = await panel.signed_in("staff")
    assert (await post(staff, "/admin/digest/send", {"day": "2026-03-02"})).status_code == 403


async def test_a_failed_send_is_tried_again(panel: Panel, people: People) -> None:
    await yesterday(panel, people)
    settings = mail_settings(panel, free_port())  # nobody listens there
    with pytest.raises(mail.MailError):
        await mail.send_due(panel.services.db, settings, panel.clock.now)
    async with panel.services.db.connect() as conn:
        assert (await conn.execute(select(digests_sent))).all() == []  # not claimed any more
