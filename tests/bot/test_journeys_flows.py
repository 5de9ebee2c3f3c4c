"""Learn, "can I join?" and my administrative steps through the whole stack (dispatcher,
NLU, engine, handlers, database, outbox): what each journey keeps, and only with consent;
"I need help" reaches the inbox with its step; the stop word; module media as links."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import text

from bot.channels.recording import RecordingChannel
from bot.core.content import seed_if_empty
from bot.db.repos import handover
from bot.db.session import Database
from bot.services import Services
from bot.settings import Settings
from content.journeys import Journeys, shipped_journeys
from content.modules import modules_from_sources
from tests.bot.conftest import Chat

# Onboarding in French, then the answers to "can I join?" by number: Île-de-France, a permit,
# food, a little French, a lot of time, no activity yet, no address, a woman.
CULINARY = ("1", "1", "1", "2", "1", "2", "3", "1")


async def onboard(chat: Chat, address: str, consent: str = "1") -> None:
    for line in ("bonjour", "1", consent):
        await chat.say(address, line)


async def rows(chat: Chat, sql: str) -> list[tuple[object, ...]]:
    async with chat.services.db.connect() as conn:
        return [tuple(r) for r in (await conn.execute(text(sql))).all()]


async def test_learning_progress_is_saved_and_resumed(chat: Chat) -> None:
    await onboard(chat, "u1")
    listed = await chat.say("u1", "1")
    assert "0 sur 7" in listed[-1].text
    assert [q.title[:1] for q in listed[-1].quick_replies[:7]] == ["⬜"] * 7
    first = await chat.say("u1", "1")
    assert first[0].text == "🤝 La coopérative" and first[1].text.startswith("🤝 Une coopérative")
    await chat.say("u1", "1")  # the second message
    assert await rows(chat, "SELECT module_id, position FROM module_progress") == [
        ("cooperative", 2)
    ]
    await chat.say("u1", "/menu")
    resumed = await chat.say("u1", "1")  # learn again: on where it stopped
    assert resumed[0].text.startswith("▶️ On reprend : 🤝 La coopérative")
    assert resumed[1].text.startswith("👥")  # the third message
    await chat.say("u1", "1")  # the fourth
    quiz = await chat.say("u1", "1")
    assert quiz[0].text.startswith("❓") and len(quiz[0].quick_replies) == 3
    feedback = await chat.say("u1", "2")  # wrong
    assert feedback[0].text.startswith("❌") and "1 sur 7" in feedback[0].text
    assert [q.id for q in feedback[0].quick_replies] == ["next", "modules", "menu"]
    done = await rows(
        chat, "SELECT done_at IS NOT NULL, quiz_answer, quiz_right FROM module_progress"
    )
    assert done == [(1, "richest", 0)]
    relisted = await chat.say("u1", "2")  # the list: the module is ✅
    assert relisted[-1].quick_replies[0].title.startswith("✅")


async def test_can_i_join_keeps_the_outcome_and_the_checklist_answers_only(chat: Chat) -> None:
    await onboard(chat, "u1")
    await chat.say("u1", "2")
    for answer in CULINARY[:-1]:
        await chat.say("u1", answer)
    told = await chat.say("u1", CULINARY[-1])
    texts = [m.text for m in told]
    assert texts[0].startswith("🍲 La coopérative éphémère de cuisine")
    assert any("Vous habitez en Île-de-France" in t for t in texts)  # why
    assert texts[-2].startswith("🔒 J'ai gardé")
    assert [q.id for q in told[-1].quick_replies] == ["steps", "human", "menu"]
    kept = await rows(chat, "SELECT outcome, answers FROM eligibility_results")
    assert len(kept) == 1 and kept[0][0] == "ephemeral_culinary"
    assert "work_right" in str(kept[0][1]) and "gender" not in str(kept[0][1])
    assert "french" not in str(kept[0][1]) and "region" not in str(kept[0][1])
    figures = await rows(chat, "SELECT outcome, answers FROM eligibility_figures")
    assert len(figures) == 1 and "woman" in str(figures[0][1])
    # Nothing of the answers is left in the conversation's state.
    state = await rows(chat, "SELECT session FROM contacts")
    assert "work_right" not in str(state[0][0]) and "woman" not in str(state[0][0])
    jobs = await rows(chat, "SELECT kind, status FROM scheduled_jobs")
    assert jobs == [("nudge", "pending")]


async def test_without_consent_only_the_anonymous_count(chat: Chat) -> None:
    await onboard(chat, "u1", consent="2")
    await chat.say("u1", "2")
    for answer in CULINARY[:-1]:
        await chat.say("u1", answer)
    told = await chat.say("u1", CULINARY[-1])
    assert any(m.text.startswith("🔒 Je n'ai pas gardé") for m in told)
    assert await rows(chat, "SELECT * FROM eligibility_results") == []
    assert len(await rows(chat, "SELECT * FROM eligibility_figures")) == 1
    assert await rows(chat, "SELECT * FROM scheduled_jobs") == []
    # The steps for everyone, and marking one is not kept.
    listed = await chat.say("u1", "1")
    assert "Sans votre accord" in listed[-1].text
    await chat.say("u1", "1")
    assert (await chat.say("u1", "1"))[0].text.startswith("🔒 Sans votre accord")
    assert await rows(chat, "SELECT * FROM checklist_progress") == []


async def test_my_steps_from_the_answers_and_marked_done(chat: Chat) -> None:
    await onboard(chat, "u1")
    await chat.say("u1", "2")
    for answer in CULINARY:
        await chat.say("u1", answer)
    listed = await chat.say("u1", "1")  # "my steps", offered after the outcome
    steps = [q.title for q in listed[-1].quick_replies]
    assert steps[:2] == ["⬜ Domiciliation", "⬜ Sécurité sociale"]
    assert "⬜ Formation hygiène" in steps
    assert "✋" not in listed[-1].text and "écrivez STOP" in listed[-1].text
    card = await chat.say("u1", "1")
    assert card[0].text.startswith("📝 Démarche : Domiciliation\n📬")
    assert card[0].text.endswith("Confirmez avec une personne de Migracoop.")
    marked = await chat.say("u1", "1")
    assert marked[0].text.startswith("👏")
    assert marked[-1].quick_replies[0].title == "✅ Domiciliation"
    assert "1 sur 7" in marked[-1].text
    assert await rows(chat, "SELECT step_id, status FROM checklist_progress") == [
        ("domiciliation", "done")
    ]


async def test_i_need_help_on_a_step_reaches_the_inbox_with_the_step(chat: Chat) -> None:
    await onboard(chat, "u1")
    await chat.say("u1", "3")
    await chat.say("u1", "2")  # the bank account (the steps for everyone)
    asked = await chat.say("u1", "3")
    assert asked[0].text.startswith("🙋") and "⏰" in asked[0].text
    passed = await chat.say("u1", "la banque ne veut pas")
    assert passed[0].text.startswith("📨")
    async with chat.services.db.connect() as conn:
        requests = await conn.run_sync(handover.list_requests)
    assert [(r.reason, r.context) for r in requests] == [
        ("step_help", {"flow": "steps", "step": "bank_account"})
    ]
    assert await rows(chat, "SELECT step_id, status FROM checklist_progress") == [
        ("bank_account", "help")
    ]
    # Closed by a person: the bot answers again.
    await chat.services.db.run(
        handover.close, requests[0].id, datetime.now(UTC), chat.services.catalog()
    )
    await chat.deliver()
    assert (await chat.say("u1", "1"))[0].text.startswith("📚")


async def test_the_stop_word_stops_the_weekly_nudge(chat: Chat) -> None:
    await onboard(chat, "u1")
    await chat.say("u1", "2")
    for answer in CULINARY:
        await chat.say("u1", answer)
    assert await rows(chat, "SELECT status FROM scheduled_jobs") == [("pending",)]
    stopped = await chat.say("u1", "Stop")
    assert stopped[0].text.startswith("👍 C'est noté : plus de rappels")
    assert await rows(chat, "SELECT weekly_nudges FROM contact_preferences") == [(0,)]
    assert await rows(chat, "SELECT status FROM scheduled_jobs") == [("cancelled",)]
    listed = await chat.say("u1", "3")
    assert "STOP" not in listed[-1].text  # no more offer to stop, but one to resume
    assert [q.id for q in listed[-1].quick_replies][-2:] == ["reminders", "menu"]
    resumed = await chat.say("u1", payload="reminders")
    assert resumed[0].text.startswith("🔔") and "STOP" in resumed[0].text
    assert await rows(chat, "SELECT weekly_nudges FROM contact_preferences") == [(1,)]
    assert await rows(chat, "SELECT status FROM scheduled_jobs") == [("pending",)]


async def test_a_module_s_recording_goes_as_a_signed_link(db: Database, tmp_path: Path) -> None:
    media = tmp_path / "media"
    (media / "learn").mkdir(parents=True)
    (media / "learn" / "coop.fr.ogg").write_bytes(b"OggS" + b"\x00" * 64)
    (media / "learn" / "coop.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    source = (
        "id: coop\norder: 1\ntitle: learn.cooperative.title\n"
        "messages: [learn.cooperative.m1, learn.cooperative.m2]\n"
        "image: {fr: learn/coop.png}\naudio: {fr: learn/coop.fr.ogg}\n"
        "quiz: {question: learn.cooperative.quiz.question, answer: one_vote,\n"
        "  choices: [{id: one_vote, label: learn.cooperative.quiz.one_vote},\n"
        "            {id: boss, label: learn.cooperative.quiz.boss}],\n"
        "  right: learn.cooperative.quiz.right, wrong: learn.cooperative.quiz.wrong}\n"
    )
    shipped = shipped_journeys()
    journeys = Journeys(
        modules_from_sources([("coop.yaml", source)], lambda ref: (media / ref).is_file()),
        shipped.eligibility,
        shipped.checklists,
        shipped.referrals,
    )
    await seed_if_empty(db)
    settings = Settings(
        database_url=db.url, public_base_url="https://bot.example.org", media_dir=str(media)
    )
    services = Services(settings, db=db)
    await services.open()
    assert services.dispatcher is not None
    services.dispatcher.env = replace(services.dispatcher.env, journeys=journeys)
    channel = RecordingChannel("test")
    services.add_channel(channel)
    chat = Chat(services, channel)
    try:
        await onboard(chat, "u1")
        await chat.say("u1", "1")
        title = (await chat.say("u1", "1"))[0]
        kinds = {a.kind: a.ref for a in title.attachments}
        assert set(kinds) == {"image", "voice"}
        for ref in kinds.values():
            link = urlsplit(ref)
            assert ref.startswith("https://bot.example.org/media/learn/coop")
            assert "exp=" in link.query and "sig=" in link.query
            assert services.media.verify(
                link.path.removeprefix("/media/"),
                link.query.split("exp=")[1].split("&")[0],
                link.query.split("sig=")[1],
            )
    finally:
        await services.dispatcher.close()
