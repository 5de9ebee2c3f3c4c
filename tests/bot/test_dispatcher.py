"""Dispatcher guarantees: dedupe, per-contact order, one transaction, hostile input."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, text

from bot.core.content import load_environment
from bot.core.dispatcher import Dispatcher
from bot.core.messages import Attachment, InboundMessage
from bot.db.models import Contact, HandoverTicket, MessageLog, Outbox, ProcessedInbound
from bot.db.session import Database
from nlu.backend import EmbeddedBackend
from tests.bot.conftest import Chat


async def count(db: Database, model: type) -> int:
    async with db.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(model))).scalar_one())


async def test_same_message_twice_is_processed_once(chat: Chat) -> None:
    first = await chat.send("u1", "bonjour", external_id="update-1")
    again = await chat.send("u1", "bonjour", external_id="update-1")
    assert not first.duplicate and first.outbox_ids
    assert again.duplicate and not again.outbox_ids
    assert await count(chat.services.db, MessageLog) == 2  # one in, one out
    assert await chat.deliver() == 1


async def test_concurrent_duplicates_are_processed_once(chat: Chat) -> None:
    results = await asyncio.gather(*(chat.send("u1", "salut", external_id="x") for _ in range(5)))
    assert sum(not r.duplicate for r in results) == 1
    assert await count(chat.services.db, ProcessedInbound) == 1
    assert await count(chat.services.db, Outbox) == 1


async def test_same_external_id_on_two_channels_is_two_messages(chat: Chat) -> None:
    dispatcher = chat.services.dispatcher
    assert dispatcher is not None
    a = await dispatcher.handle(InboundMessage("test", "u1", "42", "bonjour"))
    b = await dispatcher.handle(InboundMessage("other", "u1", "42", "bonjour"))
    assert not a.duplicate and not b.duplicate


async def test_each_contact_in_order_under_concurrency(chat: Chat) -> None:
    """30 contacts x 8 messages at once: each contact's messages are handled in order."""
    script = ["bonjour", "1", "1", "7", "2", "8", "5", "6"]

    async def person(n: int) -> None:
        for i, line in enumerate(script):
            await chat.send(f"p{n}", line, external_id=f"p{n}-{i}")

    async def all_at_once(n: int) -> list[object]:
        return list(
            await asyncio.gather(
                *(
                    chat.send(f"q{n}", line, external_id=f"q{n}-{i}")
                    for i, line in enumerate(script)
                )
            )
        )

    await asyncio.gather(*(person(n) for n in range(15)), *(all_at_once(n) for n in range(15)))
    async with chat.services.db.connect() as conn:
        rows = (
            await conn.execute(
                select(Contact.id, Contact.lang, Contact.session, MessageLog.text)
                .join(MessageLog, MessageLog.contact_id == Contact.id)
                .where(MessageLog.direction == "in")
                .order_by(Contact.id, MessageLog.id)
            )
        ).all()
    by_contact: dict[int, list[str]] = {}
    final: dict[int, tuple[str, object]] = {}
    for cid, lang, session, msg in rows:
        by_contact.setdefault(cid, []).append(msg)
        final[cid] = (lang, session)
    assert len(by_contact) == 30
    for cid, texts in by_contact.items():
        assert texts == script, cid
        # fr confirmed, consent yes, language menu -> Arabic, my data -> menu, handover:
        # waiting for the person.
        lang, session = final[cid]
        assert lang == "ar" and session["flow"] == "handover", cid
    assert await count(chat.services.db, HandoverTicket) == 30


async def test_failure_inside_the_transaction_leaves_nothing(chat: Chat) -> None:
    """A database failure after state writes: nothing is committed, a retry works once."""
    db = chat.services.db
    await chat.say("u1", "bonjour")
    async with db.connect() as conn:
        before = (await conn.execute(select(Contact.session))).scalar_one()
    await _fail_outbox_inserts(db, True)
    with pytest.raises(Exception, match="injected"):
        await chat.send("u1", "1", external_id="retry-me")
    async with db.connect() as conn:
        assert (await conn.execute(select(Contact.session))).scalar_one() == before
    assert await count(db, ProcessedInbound) == 1
    assert await count(db, MessageLog) == 2
    await _fail_outbox_inserts(db, False)
    first = await chat.send("u1", "1", external_id="retry-me")  # the platform retries
    again = await chat.send("u1", "1", external_id="retry-me")
    assert not first.duplicate and again.duplicate
    assert await chat.deliver() == len(first.outbox_ids) == 3


async def _fail_outbox_inserts(db: Database, on: bool) -> None:
    async with db.begin() as conn:
        if db.is_sqlite:
            await conn.execute(text("DROP TRIGGER IF EXISTS fail_outbox"))
            if on:
                await conn.execute(
                    text(
                        "CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox "
                        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
                    )
                )
        else:
            await conn.execute(text("DROP TRIGGER IF EXISTS fail_outbox ON outbox"))
            if on:
                await conn.execute(
                    text(
                        "CREATE OR REPLACE FUNCTION fail_outbox() RETURNS trigger AS $$ "
                        "BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql"
                    )
                )
                await conn.execute(
                    text(
                        "CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox "
                        "FOR EACH ROW EXECUTE FUNCTION fail_outbox()"
                    )
                )


async def test_crash_after_commit_sends_once_after_restart(chat: Chat, db: Database) -> None:
    """The process dies after committing, before sending: a new process sends it, once."""
    result = await chat.send("u1", "bonjour")
    assert result.outbox_ids
    # "Restart": a new dispatcher and sender on the same database.
    from bot.channels.recording import RecordingChannel
    from bot.delivery.sender import OutboxSender

    fresh = RecordingChannel("test")
    sender = OutboxSender(Database(db.url), {"test": fresh})
    assert await sender.run_once() == 1
    assert await sender.run_once() == 0
    assert len(fresh.sent) == 1 and "français" in fresh.sent[0].text
    assert await chat.deliver() == 0  # the old sender finds nothing left
    await sender.db.dispose()


HOSTILE = [
    "",
    " ",
    "x" * 10_000,
    "😀😀😀🎉",
    "\x00\x01\x02\x1b[31m",
    "\u200b\u200c\u200d\ufeff",
    "\u202e\u2066\u2067\u2068\u2069مرحبا",
    "<script>alert('x')</script><b>bold</b>",
    "'; DROP TABLE contacts; --",
    "Robert'); DELETE FROM messages WHERE ('1'='1",
    "{text} {0} %s %(x)s {{}}",
    "\ud800 lone surrogate",
    "١٢٣ ۴۵۶ 789",
    "/start " + "p" * 500,
    "/",
    "\n\n\n",
]


@pytest.mark.parametrize("payload", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_input_always_gets_an_answer(chat: Chat, payload: str) -> None:
    # As a first message, and in the middle of a conversation.
    assert await chat.say("new", payload), "no answer to a first message"
    await chat.say("old", "bonjour")
    await chat.say("old", "1")
    await chat.say("old", "1")
    replies = await chat.say("old", payload)
    assert replies, "no answer in the middle of a conversation"
    for r in replies:
        assert r.text.strip()
        assert "<script>" not in r.text or "x" * 100 in payload  # never echoed as markup
    assert await chat.say("old", "menu")  # and the conversation goes on


async def test_voice_note_asks_a_person_and_sticker_is_explained(chat: Chat) -> None:
    await chat.say("u1", "bonjour")
    voice = await chat.say("u1", attachments=(Attachment("voice", "file-1", "audio/ogg"),))
    assert "vocal" in voice[0].text
    sticker = await chat.say("u1", attachments=(Attachment("sticker", "st-1"),))
    assert "textes" in sticker[0].text
    async with chat.services.db.connect() as conn:
        reasons = (await conn.execute(select(HandoverTicket.reason))).scalars().all()
        stored = (
            (
                await conn.execute(
                    select(MessageLog.attachments).where(MessageLog.attachments.is_not(None))
                )
            )
            .scalars()
            .all()
        )
    assert reasons == ["voice_message"]
    assert stored[0] == [{"kind": "voice", "ref": "file-1", "mime": "audio/ogg"}]


async def test_dispatcher_uses_locale_hint_for_a_contact_without_clear_language(
    db: Database,
) -> None:
    from bot.core.content import seed_if_empty

    await seed_if_empty(db)
    dispatcher = Dispatcher(db, await load_environment(db), EmbeddedBackend())
    await dispatcher.handle(InboundMessage("test", "u1", "1", "👍", locale_hint="ar-EG"))
    async with db.connect() as conn:
        lang = (await conn.execute(select(Contact.lang))).scalar_one()
    await dispatcher.close()
    assert lang == "ar"


async def test_two_processes_share_one_database(chat: Chat, db: Database) -> None:
    """Two dispatchers (as two web replicas) get the same retried updates and new contacts
    at once: each update is processed once, each contact is created once."""
    second_db = Database(db.url)
    other = Dispatcher(second_db, await load_environment(second_db), EmbeddedBackend())
    first = chat.services.dispatcher
    assert first is not None
    messages = [InboundMessage("test", f"c{n % 10}", f"u{n}", "bonjour") for n in range(40)]
    results = await asyncio.gather(
        *(first.handle(m) for m in messages), *(other.handle(m) for m in messages)
    )
    await other.close()
    await second_db.dispose()
    assert sum(not r.duplicate for r in results) == 40
    assert await count(db, Contact) == 10
    assert await count(db, ProcessedInbound) == 40
    async with db.connect() as conn:
        inbound = (
            await conn.execute(
                select(func.count()).select_from(MessageLog).where(MessageLog.direction == "in")
            )
        ).scalar_one()
    assert inbound == 40


async def test_errors_and_logs_never_show_numbers_or_texts(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    number, secret = "+33612345678", "mon secret 4242"
    await chat.say(number, "bonjour")
    await _fail_outbox_inserts(chat.services.db, True)
    caplog.set_level("DEBUG")
    with pytest.raises(Exception) as err:
        await chat.send(number, secret)
    await _fail_outbox_inserts(chat.services.db, False)
    shown = str(err.value) + caplog.text
    assert "injected" in shown
    assert number not in shown and secret not in shown
