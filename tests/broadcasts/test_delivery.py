"""Broadcasts on the wire: the runner hands recipients to the outbox, the real channels
(python-telegram-bot, twilio) send through the fake Telegram and Twilio servers, and each
recipient's status follows Telegram's answers and Twilio's status callbacks."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.broadcasts.audience import Audience
from bot.broadcasts.composition import Media, signed, stop_lines
from bot.broadcasts.runner import BroadcastRunner
from bot.broadcasts.service import BroadcastService
from bot.core.content import seed_if_empty
from bot.db.base import utcnow
from bot.db.repos.broadcasts import start_broadcasts, stop_broadcasts
from bot.db.repos.privacy import erase_contact
from bot.db.repos.templates import set_template
from bot.db.session import Database
from tests.broadcasts.conftest import Person, add_people, daytime_zone, rows
from tests.channels.conftest import (
    PUBLIC,
    Stack,
    channel_settings,
    close_stack,
    fake_telegram,  # noqa: F401  (session fixtures)
    fake_twilio,  # noqa: F401
    open_stack,
    sign,
)
from tests.fakes.telegram_api import BLOCKED, FakeTelegram
from tests.fakes.twilio_api import ACCOUNT_SID, OUTSIDE_WINDOW, FakeTwilio

TEMPLATE = "HX" + "a1" * 16


class Harness:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.db = stack.services.db
        self.service = BroadcastService(self.db, stack.services.settings)
        runner = stack.services.broadcasts
        assert runner is not None
        runner.sync_every = 0
        self.runner: BroadcastRunner = runner

    async def send_all(self) -> None:
        """Runner and sender rounds until nothing is left to hand over or to send."""
        sender = self.stack.services.sender
        assert sender is not None
        while (await self.runner.run_once()) + (await sender.drain()):
            pass
        await self.runner.run_once()  # statuses synced

    async def statuses(self, broadcast_id: int) -> dict[str, int]:
        progress = await self.service.progress(broadcast_id)
        return {s: n for s, n in progress.counts.items() if n}

    async def addresses(self, contact_ids: list[int]) -> list[str]:
        out = []
        for cid in contact_ids:
            [(address,)] = await rows(
                self.db, "SELECT address FROM channel_identities WHERE contact_id = :c", c=cid
            )
            out.append(str(address))
        return out

    async def status_callback(self, provider_id: str, status: str, code: str = "") -> int:
        params = {
            "AccountSid": ACCOUNT_SID,
            "MessageSid": provider_id,
            "MessageStatus": status,
            **({"ErrorCode": code} if code else {}),
        }
        path = "/webhooks/whatsapp/status"
        from urllib.parse import urlencode

        response = await self.stack.client.post(
            path,
            content=urlencode(params).encode(),
            headers={
                "content-type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": sign(PUBLIC + path, params),
            },
        )
        return response.status_code


@pytest.fixture
async def h(
    db: Database,
    fake_telegram: FakeTelegram,  # noqa: F811
    fake_twilio: FakeTwilio,  # noqa: F811
) -> AsyncIterator[Harness]:
    await seed_if_empty(db)
    fake_telegram.reset()
    fake_twilio.reset()
    settings = channel_settings(
        db,
        fake_telegram,
        fake_twilio,
        timezone=daytime_zone(),
        twilio_templates={"broadcast.ti": "HX" + "b2" * 16},
    )
    stack = await open_stack(settings, db, fake_telegram, fake_twilio)
    yield Harness(stack)
    await close_stack(stack)


TEXTS = {
    "fr": "📅 Atelier demain à 10 h",
    "ar": "📅 ورشة غدا",
    "prs": "📅 ورکشاپ فردا",
    "ti": "📅 ዎርክሾፕ ጽባሕ",
}
# As they go: the stop line last, in the recipient's language, with its stop word.
SENT = {lang: signed(text, stop_lines()[lang]) for lang, text in TEXTS.items()}


async def test_each_recipient_gets_their_language_once(h: Harness) -> None:
    people = [
        Person("fr"),
        Person("ar"),
        Person("prs"),
        Person("und"),
        Person("ti", channel="whatsapp"),
        Person("ar", channel="whatsapp"),
        Person("fr", consent=False),
        Person("fr", stopped=True),
    ]
    ids = await h.db.run(add_people, people)
    addresses = await h.addresses(ids)
    created = await h.service.new(texts=TEXTS, audience=Audience(), by="nadia")
    assert created.recipients == 6
    await h.send_all()

    fake_tg, fake_wa = h.stack.fake_telegram, h.stack.fake_twilio
    assert SENT["fr"].endswith("\n\n🔕 Pour ne plus recevoir ces annonces, écrivez « STOP ».")
    assert "توقف" in SENT["ar"].split("\n")[-1] and "ኣቋርጽ" in SENT["ti"].split("\n")[-1]
    assert fake_tg.texts(int(addresses[0])) == [SENT["fr"]]
    assert fake_tg.texts(int(addresses[1])) == [SENT["ar"]]
    assert fake_tg.texts(int(addresses[2])) == [SENT["prs"]]
    assert fake_tg.texts(int(addresses[3])) == [SENT["fr"]]  # language unknown: French
    assert fake_wa.bodies(f"whatsapp:{addresses[4]}") == [SENT["ti"]]
    assert fake_wa.bodies(f"whatsapp:{addresses[5]}") == [SENT["ar"]]
    assert len(fake_tg.sent()) == 4 and len(fake_wa.sent()) == 2  # nobody else
    assert await h.statuses(created.id) == {"sent": 6}
    [(state,)] = await rows(h.db, "SELECT state FROM broadcasts WHERE id = :b", b=created.id)
    assert state == "sent"


async def test_media_per_language(h: Harness) -> None:
    ids = await h.db.run(add_people, [Person("fr"), Person("ar", channel="whatsapp")])
    tg, wa = await h.addresses(ids)
    photo, audio = "https://example.org/atelier.png", "https://example.org/ar.mp3"
    created = await h.service.new(
        texts={"fr": TEXTS["fr"], "ar": TEXTS["ar"]},
        audience=Audience(),
        by="nadia",
        media={"fr": Media("image", photo), "ar": Media("audio", audio)},
    )
    await h.send_all()
    calls = h.stack.fake_telegram.sent(int(tg))
    assert [(c.method, c.params.get("text") or c.params.get("photo")) for c in calls] == [
        ("sendMessage", SENT["fr"]),
        ("sendPhoto", photo),
    ]
    [call] = h.stack.fake_twilio.sent(f"whatsapp:{wa}")
    assert call.params["Body"] == SENT["ar"] and call.params["MediaUrl"] == audio
    assert await h.statuses(created.id) == {"sent": 2}


async def test_outside_the_window_a_template_or_needs_a_template(h: Harness) -> None:
    """WhatsApp, 30 hours after their last message: Arabic has a template in the database,
    Tigrinya one in the settings (TWILIO_TEMPLATES), Dari none: reported, never dropped."""
    ids = await h.db.run(
        add_people,
        [
            Person("ar", channel="whatsapp", wrote_hours_ago=30),
            Person("ti", channel="whatsapp", wrote_hours_ago=30),
            Person("prs", channel="whatsapp", wrote_hours_ago=30),
            Person("prs", channel="whatsapp", wrote_hours_ago=2),  # inside: free text
        ],
    )
    ar, ti, prs_out, prs_in = await h.addresses(ids)
    await h.db.run(
        set_template,
        purpose="broadcast",
        lang="ar",
        content_sid=TEMPLATE,
        variables=None,
        by="nadia",
        now=utcnow(),
    )
    created = await h.service.new(
        texts={"ar": TEXTS["ar"], "ti": TEXTS["ti"], "prs": TEXTS["prs"]},
        audience=Audience(),
        by="nadia",
    )
    await h.send_all()
    fake = h.stack.fake_twilio
    [to_ar] = fake.sent(f"whatsapp:{ar}")
    assert to_ar.params["ContentSid"] == TEMPLATE and "Body" not in to_ar.params
    assert json.loads(to_ar.params["ContentVariables"]) == {"1": SENT["ar"]}
    [to_ti] = fake.sent(f"whatsapp:{ti}")
    assert to_ti.params["ContentSid"] == "HX" + "b2" * 16
    assert fake.sent(f"whatsapp:{prs_out}") == []
    assert fake.bodies(f"whatsapp:{prs_in}") == [SENT["prs"]]
    assert await h.statuses(created.id) == {"sent": 3, "needs_template": 1}
    progress = await h.service.progress(created.id, with_reasons=True)
    assert progress.reasons == (
        ("needs_template", "outside the 24-hour window; no broadcast template in prs", 1),
    )


async def test_refused_outside_the_window_by_twilio_needs_a_template(h: Harness) -> None:
    """Inside the window by our clock, but Twilio answers 63016: held, needs a template."""
    await h.db.run(add_people, [Person("fr", channel="whatsapp", wrote_hours_ago=23.9)])
    h.stack.fake_twilio.fail("messages", OUTSIDE_WINDOW)
    created = await h.service.new(texts={"fr": TEXTS["fr"]}, audience=Audience(), by="n")
    await h.send_all()
    assert await h.statuses(created.id) == {"needs_template": 1}


async def test_statuses_follow_twilio_callbacks_and_telegram_answers(h: Harness) -> None:
    ids = await h.db.run(
        add_people,
        [Person("fr", channel="whatsapp") for _ in range(4)] + [Person("fr"), Person("fr")],
    )
    blocked_chat = int((await h.addresses(ids))[5])
    created = await h.service.new(texts={"fr": TEXTS["fr"]}, audience=Audience(), by="n")

    # The sixth blocked the bot on Telegram: 403 to its send.
    h.stack.fake_telegram.fail("sendMessage", BLOCKED, to=str(blocked_chat))
    await h.send_all()
    sids = [
        r.provider_id
        for r in await rows(
            h.db,
            "SELECT o.provider_id FROM broadcast_recipients r JOIN outbox o ON o.id = r.outbox_id"
            " WHERE r.channel = 'whatsapp' ORDER BY r.contact_id",
        )
    ]
    assert len(sids) == 4 and all(sids)
    assert await h.status_callback(sids[0], "delivered") == 204
    assert await h.status_callback(sids[1], "delivered") == 204
    assert await h.status_callback(sids[1], "read") == 204
    assert await h.status_callback(sids[2], "read") == 204
    assert await h.status_callback(sids[2], "delivered") == 204  # late: read stays read
    assert await h.status_callback(sids[3], "failed", "63014") == 204  # blocked the business
    await h.runner.run_once()
    assert await h.statuses(created.id) == {"sent": 1, "delivered": 1, "read": 2, "failed": 2}
    progress = await h.service.progress(created.id, with_reasons=True)
    reasons = {why for status, why, _ in progress.reasons if status == "failed"}
    assert any("63014" in why for why in reasons)
    assert any("blocked" in why for why in reasons)
    # Blocked on Telegram (403), or the business on WhatsApp (63014 in a status callback):
    # unreachable, and out of the next audience.
    count = await h.service.preview(Audience())
    assert count.total == 4 and count.by_channel == {"telegram": 1, "whatsapp": 3}


async def test_cancel_during_sending_stops_the_rest(h: Harness) -> None:
    ids = await h.db.run(add_people, [Person("fr") for _ in range(10)])
    h.runner.min_backlog, h.runner.lead = 3, 0  # three unclaimed rows in the outbox at most
    created = await h.service.new(texts={"fr": TEXTS["fr"]}, audience=Audience(), by="n")
    assert await h.runner.run_once() == 3  # three in the outbox, seven waiting
    assert await h.runner.run_once() == 0  # no more until a sender takes them
    sender = h.stack.services.sender
    assert sender is not None
    assert await sender.run_once() == 3
    assert await h.runner.run_once() == 3  # three more in the outbox, not yet sent
    done = await h.service.cancel(created.id, "karim")
    assert (done.stopped, done.already_gone) == (7, 3)
    await h.send_all()
    assert len(h.stack.fake_telegram.sent()) == 3
    assert await h.statuses(created.id) == {"sent": 3, "cancelled": 7}
    assert await rows(h.db, "SELECT id FROM outbox WHERE status = 'pending'") == []
    assert len(ids) == 10


async def test_stop_word_and_erasure_take_effect_mid_broadcast(h: Harness) -> None:
    stopping, erased, staying = await h.db.run(add_people, [Person("fr") for _ in range(3)])
    created = await h.service.new(texts={"fr": TEXTS["fr"]}, audience=Audience(), by="n")
    await h.runner.run_once()  # all three queued in the outbox
    now = datetime.now(UTC)
    assert await h.db.run(stop_broadcasts, stopping, now)
    await h.db.run(erase_contact, erased)
    await h.send_all()
    assert len(h.stack.fake_telegram.sent()) == 1
    progress = await h.service.progress(created.id, with_reasons=True)
    assert {s: n for s, n in progress.counts.items() if n} == {"sent": 1, "skipped": 2}
    assert {why for _, why, _ in progress.reasons} == {"stopped broadcasts", "erased"}
    [(contact,)] = await rows(
        h.db, "SELECT contact_id FROM broadcast_recipients WHERE error = 'erased'"
    )
    assert contact is None  # anonymous: only counted
    # Broadcasts again, on request.
    assert (await h.service.preview(Audience())).total == 1
    assert await h.db.run(start_broadcasts, stopping)
    assert (await h.service.preview(Audience())).total == 2
    assert staying


async def test_paid_broadcasts_and_the_whatsapp_rate_are_settings(
    db: Database,
    fake_telegram: FakeTelegram,  # noqa: F811
    fake_twilio: FakeTwilio,  # noqa: F811
) -> None:
    """TELEGRAM_ALLOW_PAID_BROADCAST: broadcast messages carry allow_paid_broadcast and the
    bot's rate is the paid one; replies never pay. WHATSAPP_RATE_PER_SECOND sets the
    sender's rate."""
    from bot.core.messages import OutboundMessage

    await seed_if_empty(db)
    fake_telegram.reset()
    fake_twilio.reset()
    settings = channel_settings(
        db,
        fake_telegram,
        fake_twilio,
        timezone=daytime_zone(),
        telegram_allow_paid_broadcast=True,
        telegram_paid_rate_per_second=500,
        whatsapp_rate_per_second=120,
    )
    stack = await open_stack(settings, db, fake_telegram, fake_twilio)
    try:
        h = Harness(stack)
        channels = stack.services.channels
        assert channels["telegram"].rate_limit.global_per_second == 500
        assert channels["whatsapp"].rate_limit.global_per_second == 120
        ids = await db.run(add_people, [Person("fr"), Person("fr")])
        await h.service.new(
            texts={"fr": TEXTS["fr"]},
            audience=Audience(),
            by="n",
            media={"fr": Media("image", "https://example.org/a.png")},
        )
        await h.send_all()
        sent = fake_telegram.calls("sendMessage") + fake_telegram.calls("sendPhoto")
        assert len(sent) == 4
        assert all(str(c.params.get("allow_paid_broadcast")).lower() == "true" for c in sent)
        [chat] = (await h.addresses(ids))[:1]
        result = await channels["telegram"].send(OutboundMessage("telegram", chat, "Bonjour"))
        assert result.provider_id
        reply = fake_telegram.calls("sendMessage")[-1]
        assert reply.params["text"] == "Bonjour" and "allow_paid_broadcast" not in reply.params
    finally:
        await close_stack(stack)
