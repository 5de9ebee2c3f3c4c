"""Flows and texts with versions, on SQLite and PostgreSQL: `seed` brings changed shipped
files in without overwriting an edit (listing the conflict), publish and roll back, the
outdated-translation flag, and the reload that takes a release to every process."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from admin.translations import text_rows
from bot.core.content import (
    ContentProblem,
    ContentReloader,
    load_content,
    seed_if_empty,
    shipped_items,
    sync_shipped,
)
from bot.core.publishing import (
    add_machine_drafts,
    publish_drafts,
    resolve_conflict,
    roll_back_item,
    roll_back_release,
)
from bot.db.repos import content as repo
from bot.db.repos.content import Item
from bot.db.session import Database
from bot.db.tables import contacts as contacts_t
from bot.services import Services
from bot.settings import Settings
from content.catalog import load_locale_files
from tests.bot.conftest import Chat
from tests.cli import run

SHIPPED = load_locale_files()
PROMPT_FR = Item.text("menu.prompt", "fr")
PROMPT_AR = Item.text("menu.prompt", "ar")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def value(db: Database, item: Item) -> str | None:
    async with db.connect() as conn:
        found = (await repo.current(conn, kind=item.kind, key=item.key)).get(item)
    return found.value if found else None


async def edit(db: Database, item: Item, new: str, actor: str = "fatou@example.org") -> int | None:
    """What the admin panel does: a draft, then a publish."""
    async with db.begin() as conn:
        await repo.save_draft(
            conn, item, value=new, status="reviewed", base_version=None, actor=actor, now=NOW
        )
        return await publish_drafts(conn, actor=actor, note="test", now=NOW)


def shipped_with(changes: dict[Item, str]) -> dict[Item, str]:
    """The shipped files, with some items changed."""
    return {**shipped_items(), **changes}


async def test_seed_loads_everything_once(db: Database) -> None:
    report = await sync_shipped(db)
    assert report.release == 1 and not report.conflicts
    shipped = shipped_items()
    async with db.connect() as conn:
        assert await repo.head_release(conn) == 1
        current = await repo.current(conn)
    assert {i: v.value for i, v in current.items()} == shipped
    again = await sync_shipped(db)  # nothing changed: no new version
    assert again.release is None and again.changed == ()
    assert not await seed_if_empty(db)


async def test_changed_shipped_text_becomes_a_new_version(db: Database) -> None:
    await sync_shipped(db)
    new = "🏠 ماذا تريد أن تفعل؟ اكتب رقمًا."
    report = await sync_shipped(db, shipped=shipped_with({PROMPT_AR: new}))
    assert report.release == 2 and report.changed == (PROMPT_AR,)
    assert await value(db, PROMPT_AR) == new
    loaded = await load_content(db)
    assert loaded.release == 2 and new in (loaded.env.catalog.raw("menu.prompt", "ar") or "")


async def test_an_edit_is_never_overwritten_and_the_conflict_is_listed(db: Database) -> None:
    await sync_shipped(db)
    assert await edit(db, PROMPT_AR, "نص كتبه الميسر") == 2
    shipped = shipped_with({PROMPT_AR: "نص جديد من الملفات"})
    report = await sync_shipped(db, shipped=shipped)
    assert report.release is None  # nothing else changed
    assert report.new_conflicts == (PROMPT_AR,)
    assert [c.item for c in report.conflicts] == [PROMPT_AR]
    assert report.conflicts[0].shipped_value == "نص جديد من الملفات"
    assert await value(db, PROMPT_AR) == "نص كتبه الميسر"
    # Seed again: still listed, not listed twice, still kept.
    again = await sync_shipped(db, shipped=shipped)
    assert again.new_conflicts == () and [c.item for c in again.conflicts] == [PROMPT_AR]
    assert await value(db, PROMPT_AR) == "نص كتبه الميسر"
    # Keep the edit: seed stops listing it...
    async with db.begin() as conn:
        await resolve_conflict(
            conn, report.conflicts[0].id, take_shipped=False, actor="fatou", now=NOW
        )
    quiet = await sync_shipped(db, shipped=shipped)
    assert quiet.conflicts == () and await value(db, PROMPT_AR) == "نص كتبه الميسر"
    # ...until the shipped file changes again; then taking the shipped text publishes it.
    newer = shipped_with({PROMPT_AR: "نص أحدث"})
    third = await sync_shipped(db, shipped=newer)
    assert third.new_conflicts == (PROMPT_AR,)
    async with db.begin() as conn:
        release = await resolve_conflict(
            conn, third.conflicts[0].id, take_shipped=True, actor="fatou", now=NOW
        )
    assert release is not None and await value(db, PROMPT_AR) == "نص أحدث"
    assert (await sync_shipped(db, shipped=newer)).conflicts == ()


async def test_an_edit_equal_to_the_new_shipped_text_is_no_conflict(db: Database) -> None:
    await sync_shipped(db)
    await edit(db, PROMPT_AR, "نص واحد")
    report = await sync_shipped(db, shipped=shipped_with({PROMPT_AR: "نص واحد"}))
    assert report.conflicts == () and report.release is None


async def test_only_edited_items_conflict_others_are_updated(db: Database) -> None:
    await sync_shipped(db)
    await edit(db, PROMPT_AR, "نص كتبه الميسر")
    shipped = shipped_with({PROMPT_AR: "جديد", PROMPT_FR: "🏠 Nouveau texte ?"})
    flow = Item.flow("learn")
    shipped[flow] = shipped[flow] + "# shipped comment\n"
    shipped[Item.text("menu.brand_new", "fr")] = "Un texte nouveau"
    report = await sync_shipped(db, shipped=shipped)
    assert set(report.changed) == {PROMPT_FR, flow, Item.text("menu.brand_new", "fr")}
    assert [c.item for c in report.conflicts] == [PROMPT_AR]
    assert await value(db, PROMPT_FR) == "🏠 Nouveau texte ?"
    assert (await value(db, flow) or "").endswith("# shipped comment\n")


async def test_an_edited_flow_conflicts_with_a_shipped_flow_change(db: Database) -> None:
    await sync_shipped(db)
    flow = Item.flow("learn")
    source = await value(db, flow)
    assert source is not None
    await edit(db, flow, source + "# facilitator's note\n")
    shipped = shipped_items()
    shipped[flow] = source + "# shipped change\n"
    report = await sync_shipped(db, shipped=shipped)
    assert [c.item for c in report.conflicts] == [flow]
    assert (await value(db, flow) or "").endswith("# facilitator's note\n")


async def test_shipped_content_that_breaks_the_bot_is_refused_whole(db: Database) -> None:
    await sync_shipped(db)
    shipped = shipped_items()
    shipped[Item.flow("menu")] = (
        "id: menu\nstart: main\nnodes:\n  main:\n    actions:\n"
        "      - {type: send_msg, text: menu.nowhere}\n    goto: end\n"
    )
    with pytest.raises(ContentProblem, match=r"menu\.nowhere"):
        await sync_shipped(db, shipped=shipped)
    async with db.connect() as conn:
        assert await repo.head_release(conn) == 1


async def test_publish_and_roll_back(db: Database) -> None:
    await sync_shipped(db)
    original = await value(db, PROMPT_AR)
    assert await edit(db, PROMPT_AR, "أولًا") == 2
    assert await edit(db, PROMPT_AR, "ثانيًا") == 3
    async with db.begin() as conn:
        assert await roll_back_release(conn, 1, actor="fatou", now=NOW) == 4
    assert await value(db, PROMPT_AR) == original
    async with db.begin() as conn:
        assert await roll_back_item(conn, PROMPT_AR, 3, actor="fatou", now=NOW) == 5
        assert await roll_back_item(conn, PROMPT_AR, 3, actor="fatou", now=NOW) is None
        history = await repo.history(conn, PROMPT_AR)
        releases = await repo.releases(conn, limit=10)
    assert await value(db, PROMPT_AR) == "ثانيًا"
    assert [v.version for v in history] == [5, 4, 3, 2, 1]
    assert [v.origin for v in history] == ["rollback", "rollback", "edit", "edit", "shipped"]
    assert [r.kind for r in releases] == ["rollback", "rollback", "publish", "publish", "seed"]
    loaded = await load_content(db)
    assert loaded.release == 5


async def test_publishing_a_draft_that_breaks_the_bot_is_refused(db: Database) -> None:
    await sync_shipped(db)
    menu = Item.flow("menu")
    async with db.begin() as conn:
        await repo.save_draft(
            conn,
            menu,
            value="id: menu\nstart: a\nnodes:\n  a:\n    actions:\n"
            "      - {type: send_msg, text: menu.unwritten}\n    goto: end\n",
            status="reviewed",
            base_version=1,
            actor="fatou",
            now=NOW,
        )
    with pytest.raises(ContentProblem, match=r"menu\.unwritten"):
        async with db.begin() as conn:
            await publish_drafts(conn, actor="fatou", note="", now=NOW)
    async with db.connect() as conn:
        assert await repo.head_release(conn) == 1
        assert menu in await repo.drafts(conn)  # the draft is kept to be mended


async def test_a_translation_is_outdated_once_its_french_changes(db: Database) -> None:
    await sync_shipped(db)

    async def flags() -> list[str]:
        async with db.connect() as conn:
            return (await text_rows(conn, ["menu.prompt"]))[0].outdated

    original_fr = await value(db, PROMPT_FR)
    assert original_fr is not None and await flags() == []
    await edit(db, PROMPT_FR, "🏠 Que voulez-vous faire ?")
    assert await flags() == ["ar", "prs", "ti"]
    await edit(db, PROMPT_AR, "🏠 ماذا تريد أن تفعل؟")
    assert await flags() == ["prs", "ti"]
    await edit(db, PROMPT_FR, original_fr)  # French back as it was: only Arabic is off now
    assert await flags() == ["ar"]


async def test_a_shipped_french_change_flags_the_shipped_translations(db: Database) -> None:
    await sync_shipped(db)
    await sync_shipped(db, shipped=shipped_with({PROMPT_FR: "🏠 Autre question ?"}))
    async with db.connect() as conn:
        row = (await text_rows(conn, ["menu.prompt"]))[0]
    assert row.outdated == ["ar", "prs", "ti"] and row.missing == []


async def test_a_release_reaches_another_process(db: Database) -> None:
    await sync_shipped(db)
    other = Services(Settings(database_url=db.url), db=db)
    await other.open()
    try:
        assert other.content is not None and other.content.release == 1
        await edit(db, PROMPT_AR, "نسخة جديدة")
        assert await other.content.check()
        assert other.dispatcher is not None
        assert other.dispatcher.env.catalog.raw("menu.prompt", "ar") == "نسخة جديدة"
        assert not await other.content.check()  # nothing newer
        # The poll loop, as started by start_background, sees the next one by itself.
        reloader = ContentReloader(db, await load_content(db), lambda env: None, every=0.05)
        task = asyncio.create_task(reloader.run_forever())
        await edit(db, PROMPT_AR, "نسخة ثالثة")
        for _ in range(100):
            if reloader.release == 3:
                break
            await asyncio.sleep(0.05)
        task.cancel()
        assert reloader.release == 3
        assert reloader.env.catalog.raw("menu.prompt", "ar") == "نسخة ثالثة"
    finally:
        assert other.dispatcher is not None
        await other.dispatcher.close()


async def test_concurrent_publishes_get_distinct_ordered_releases(db: Database) -> None:
    await sync_shipped(db)
    second = Database(db.url)
    try:
        results = await asyncio.gather(
            edit(db, PROMPT_AR, "من الأول"), edit(second, Item.text("menu.prompt", "prs"), "دوم")
        )
    finally:
        await second.dispose()
    assert sorted(r for r in results if r is not None) == [2, 3]
    async with db.connect() as conn:
        assert await repo.head_release(conn) == 3
        assert [r.id for r in await repo.releases(conn, limit=5)] == [3, 2, 1]


# --- conversations in progress when a flow changes ---------------------------------------


async def _publish_flow(chat: Chat, flow_id: str, source: str) -> None:
    await edit(chat.services.db, Item.flow(flow_id), source)
    assert chat.services.content is not None
    assert await chat.services.content.check()


async def _at_delete_confirmation(chat: Chat, who: str) -> None:
    await chat.say(who, "bonjour", locale_hint="fr")
    await chat.say(who, "1")  # Français
    await chat.say(who, "1")  # consent: yes
    await chat.say(who, "/mydata")
    replies = await chat.say(who, "3")  # delete everything?
    assert replies and [q.id for q in replies[-1].quick_replies] == ["erase", "no"]


async def test_a_conversation_waiting_on_a_removed_node_goes_back_to_the_menu(chat: Chat) -> None:
    await _at_delete_confirmation(chat, "amina")
    source = await value(chat.services.db, Item.flow("my_data"))
    assert source is not None
    without = source.replace("goto: confirm_delete", "goto: kept")
    start = without.index("  confirm_delete:")
    end = without.index("  delete:")
    await _publish_flow(chat, "my_data", without[:start] + without[end:])
    replies = await chat.say("amina", "1")  # would have confirmed the deletion
    assert [r.text for r in replies] == [SHIPPED["fr"]["menu.prompt"]]
    assert [q.id for q in replies[0].quick_replies][:2] == ["learn", "join"]
    assert await contacts(chat) == 1  # nothing was erased


async def contacts(chat: Chat) -> int:
    async with chat.services.db.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(contacts_t))).scalar_one())


async def test_a_conversation_waiting_on_a_changed_node_gets_the_new_node(chat: Chat) -> None:
    await _at_delete_confirmation(chat, "amina")
    source = await value(chat.services.db, Item.flow("my_data"))
    assert source is not None
    # The confirmation's choices are swapped: "1" now keeps the data.
    keep = '        - {id: "no", label: common.no, means: "no", intents: [deny], goto: kept}\n'
    erase = "        - id: erase\n"
    assert keep in source and erase in source
    changed = source.replace(keep, "").replace(erase, keep + erase)
    await _publish_flow(chat, "my_data", changed)
    replies = await chat.say("amina", "1")
    texts = " ".join(r.text for r in replies)
    assert SHIPPED["fr"]["mydata.nothing_deleted"] in texts
    assert await contacts(chat) == 1


async def test_machine_drafts_wait_for_a_person(db: Database) -> None:
    await sync_shipped(db)
    async with db.begin() as conn:
        await repo.save_draft(
            conn,
            Item.text("menu.learn", "ti"),
            value="📚 ብሰብ ዝተጻሕፈ",
            status="draft",
            base_version=1,
            actor="fatou",
            now=NOW,
        )
    written = await add_machine_drafts(
        db,
        {
            ("menu.prompt", "ti"): "🏠 ማሽን ዝተርጎሞ",
            ("menu.learn", "ti"): "📚 ማሽን",  # a person's draft is there: kept
            ("menu.prompt", "fr"): "jamais",  # French is the source, never a machine draft
        },
        now=NOW,
    )
    assert written == [Item.text("menu.prompt", "ti")]
    async with db.connect() as conn:
        drafts = await repo.drafts(conn)
        row = (await text_rows(conn, ["menu.prompt"]))[0]
    assert drafts[Item.text("menu.learn", "ti")].value == "📚 ብሰብ ዝተጻሕፈ"
    assert drafts[Item.text("menu.prompt", "ti")].status == "machine"
    assert row.machine == ["ti"]
    assert await value(db, Item.text("menu.prompt", "ti")) != "🏠 ማሽን ዝተርጎሞ"  # not published


async def test_the_seed_command_prints_what_it_brought_and_the_conflicts(
    db: Database, database_url: str
) -> None:
    """Through the real `python -m bot seed`: the files "changed" since the last seed for
    two texts (their remembered digests are made old); one of them was edited since."""
    import os

    await sync_shipped(db)
    await edit(db, PROMPT_AR, "نص كتبه الميسر")
    async with db.begin() as conn:
        await repo.set_shipped(conn, {PROMPT_AR: "0" * 64, PROMPT_FR: "0" * 64}, NOW)
        # PROMPT_FR as if the file had been something else when last brought in:
        await repo.save_draft(
            conn, PROMPT_FR, value="ancien", status="reviewed", base_version=1, actor="x", now=NOW
        )
        await publish_drafts(conn, actor="seed-test", note="", now=NOW)
        await repo.set_shipped(conn, {PROMPT_FR: repo.digest("ancien")}, NOW)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ADMIN_", "TELEGRAM_"))}
    env["DATABASE_URL"] = database_url
    result = run(["seed"], env)
    assert result.returncode == 0, result.stderr
    assert (
        "content version 4: 0 flows and 1 texts brought in from the shipped files" in result.stderr
    )
    assert (
        "conflict: text menu.prompt [ar] was edited in the admin panel and the shipped file "
        "changed too; the edit is kept" in result.stderr
    )
    assert await value(db, PROMPT_AR) == "نص كتبه الميسر"
    assert await value(db, PROMPT_FR) == shipped_items()[PROMPT_FR]
