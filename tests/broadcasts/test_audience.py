"""Audiences: what a facilitator types, and who it reaches — never a contact who did not
consent, stopped broadcasts, was erased or cannot be reached."""

from __future__ import annotations

import pytest

from bot.broadcasts.audience import BROADCAST_CHANNELS, Audience, AudienceError
from bot.db.repos.broadcasts import count_audience, eligible
from bot.db.repos.privacy import erase_contact
from bot.db.session import Database
from tests.broadcasts.conftest import Person, add_people


@pytest.mark.parametrize(
    ("items", "langs", "channels"),
    [
        ([], set(), set()),
        (["lang=ar"], {"ar"}, set()),
        (["lang=ar,prs"], {"ar", "prs"}, set()),
        (["lang=ar", "lang=ti"], {"ar", "ti"}, set()),
        (["LANG = FR"], {"fr"}, set()),
        (["channel=whatsapp", "lang=prs"], {"prs"}, {"whatsapp"}),
    ],
)
def test_parse(items: list[str], langs: set[str], channels: set[str]) -> None:
    audience = Audience.parse(items)
    assert audience.langs == langs and audience.channels == channels
    assert Audience.from_json(audience.to_json()) == audience


@pytest.mark.parametrize(
    ("item", "says"),
    [
        ("lang", "KEY=VALUE"),
        ("lang=", "KEY=VALUE"),
        ("=ar", "KEY=VALUE"),
        ("colour=red", "unknown audience key 'colour'"),
        ("lang=en", "expected one of fr, ar, prs, ti"),
        ("lang=fa", "expected one of fr, ar, prs, ti"),
        ("channel=sms", "expected one of telegram, whatsapp"),
        ("lang=ar,,prs", "lang=''"),
    ],
)
def test_parse_refuses_with_a_reason(item: str, says: str) -> None:
    with pytest.raises(AudienceError, match=says):
        Audience.parse([item])


def test_describe() -> None:
    assert Audience().describe() == "everyone"
    assert Audience.parse(["lang=prs,ar", "channel=telegram"]).describe() == (
        "lang=ar,prs channel=telegram"
    )


async def _reach(db: Database, audience: Audience) -> set[int]:
    def read(conn: object) -> set[int]:
        return {r.contact_id for r in conn.execute(eligible(audience, BROADCAST_CHANNELS))}  # type: ignore[attr-defined]

    return await db.run(read)


async def test_never_reaches_who_did_not_consent_stopped_or_cannot_be_reached(
    db: Database,
) -> None:
    ok, *_, erased, _console = await db.run(
        add_people,
        [
            Person(),
            Person(consent=False),
            Person(consent=None),
            Person(stopped=True),
            Person(unreachable=True),
            Person(),
            Person(channel="console"),
        ],
    )
    await db.run(erase_contact, erased)
    assert await _reach(db, Audience()) == {ok}
    count = await db.run(count_audience, Audience(), BROADCAST_CHANNELS)
    assert count.total == 1


async def test_language_filter_and_unknown_language_is_french(db: Database) -> None:
    fr, ar, prs, _, und = await db.run(
        add_people,
        [Person("fr"), Person("ar"), Person("prs"), Person("ti"), Person("und")],
    )
    assert await _reach(db, Audience.parse(["lang=fr"])) == {fr, und}
    assert await _reach(db, Audience.parse(["lang=ar,prs"])) == {ar, prs}
    count = await db.run(count_audience, Audience(), BROADCAST_CHANNELS)
    assert dict(count.by_lang) == {"fr": 2, "ar": 1, "prs": 1, "ti": 1}
    assert list(count.by_lang) == ["fr", "ar", "prs", "ti"]


async def test_one_identity_per_contact_the_latest_reachable(db: Database) -> None:
    both, blocked_on_telegram = await db.run(
        add_people,
        [
            # Wrote on WhatsApp an hour ago, on Telegram a week ago: WhatsApp.
            Person(channel="telegram", wrote_hours_ago=168, also=(("whatsapp", 1.0),)),
            # Blocked the bot on Telegram, reachable on WhatsApp: WhatsApp.
            Person(channel="telegram", unreachable=True, also=(("whatsapp", 500.0),)),
        ],
    )

    def channels(conn: object, audience: Audience) -> dict[int, str]:
        return {
            r.contact_id: r.channel
            for r in conn.execute(eligible(audience, BROADCAST_CHANNELS))  # type: ignore[attr-defined]
        }

    assert await db.run(channels, Audience()) == {both: "whatsapp", blocked_on_telegram: "whatsapp"}
    only_telegram = await db.run(channels, Audience.parse(["channel=telegram"]))
    assert only_telegram == {both: "telegram"}
    count = await db.run(count_audience, Audience(), BROADCAST_CHANNELS)
    assert dict(count.by_channel) == {"whatsapp": 2}


async def test_coop_filter(db: Database) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from bot.ledger.coops import CoopSpec, add_member, create_coop

    cook, sew, both, neither = await db.run(add_people, [Person(), Person(), Person(), Person()])

    def coops(conn: object) -> None:
        now, tz = datetime.now(UTC), ZoneInfo("Europe/Paris")
        kitchen = create_coop(conn, CoopSpec("Cuisine", "culinary"), now=now, tz=tz).coop  # type: ignore[arg-type]
        textile = create_coop(conn, CoopSpec("Textile", "textile"), now=now, tz=tz).coop  # type: ignore[arg-type]
        for coop, contact in ((kitchen, cook), (textile, sew), (kitchen, both), (textile, both)):
            add_member(conn, coop, contact, added_by="test", now=now)  # type: ignore[arg-type]

    await db.run(coops)
    assert await _reach(db, Audience.parse(["coop=cuisine"])) == {cook, both}
    assert await _reach(db, Audience.parse(["coop=Cuisine,Textile"])) == {cook, sew, both}
    assert neither not in await _reach(db, Audience.parse(["coop=textile"]))
    from bot.db.repos.broadcasts import unknown_values

    unknown = await db.run(unknown_values, Audience.parse(["coop=Cuisine,Jardin"]))
    assert unknown == ["coop=Jardin"]


async def test_journey_stage_filters(db: Database) -> None:
    """eligibility=OUTCOME (the kept outcome of "can I join?"); steps=pending (a step marked
    "not yet" or "help") or steps=help."""
    from datetime import UTC, datetime

    from bot.db.repos.journeys import record_eligibility, record_step

    cae, ephemeral, stuck, helped, done, nothing = await db.run(add_people, [Person()] * 6)
    now = datetime.now(UTC)

    def answers(conn: object) -> None:
        record_eligibility(conn, cae, "cae", {}, now)  # type: ignore[arg-type]
        record_eligibility(conn, ephemeral, "ephemeral_culinary", {}, now)  # type: ignore[arg-type]
        record_step(conn, stuck, "bank_account", "not_yet", now)  # type: ignore[arg-type]
        record_step(conn, stuck, "residence_permit", "done", now)  # type: ignore[arg-type]
        record_step(conn, helped, "bank_account", "help", now)  # type: ignore[arg-type]
        record_step(conn, done, "bank_account", "done", now)  # type: ignore[arg-type]

    await db.run(answers)
    assert await _reach(db, Audience.parse(["eligibility=cae"])) == {cae}
    both = Audience.parse(["eligibility=cae,ephemeral_culinary"])
    assert await _reach(db, both) == {cae, ephemeral}
    assert await _reach(db, Audience.parse(["steps=pending"])) == {stuck, helped}
    assert await _reach(db, Audience.parse(["steps=help"])) == {helped}
    # Different keys narrow: nobody with a CAE outcome has a step pending.
    assert await _reach(db, Audience.parse(["eligibility=cae", "steps=pending"])) == set()
    assert nothing not in await _reach(db, Audience.parse(["steps=pending,help"]))
    with pytest.raises(AudienceError, match="expected one of"):
        Audience.parse(["eligibility=maybe"])
    with pytest.raises(AudienceError, match="expected one of pending, help"):
        Audience.parse(["steps=late"])


async def test_workshop_answer_filter(db: Database) -> None:
    """workshop=ID: who said they would come; ID:no who said they would not."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from bot.db.repos.broadcasts import unknown_values
    from bot.db.repos.workshops import add_workshop, answer

    coming, not_coming, other, silent = await db.run(add_people, [Person()] * 4)
    now, tz = datetime.now(UTC), ZoneInfo("Europe/Paris")

    def workshops(conn: object) -> tuple[int, int]:
        ids = [
            add_workshop(
                conn,  # type: ignore[arg-type]
                titles={"fr": title},
                starts_at=now + timedelta(days=3),
                place="Maison des associations",
                langs=["fr"],
                now=now,
            )
            for title in ("Budget", "Vente")
        ]
        for wid, contact, yes in (
            (ids[0], coming, True),
            (ids[0], not_coming, False),
            (ids[1], other, True),
        ):
            assert answer(conn, workshop_id=wid, contact_id=contact, coming=yes, now=now, tz=tz)  # type: ignore[arg-type]
        return ids[0], ids[1]

    budget, sale = await db.run(workshops)
    assert await _reach(db, Audience.parse([f"workshop={budget}"])) == {coming}
    assert await _reach(db, Audience.parse([f"workshop={budget}:yes"])) == {coming}
    assert await _reach(db, Audience.parse([f"workshop={budget}:no"])) == {not_coming}
    assert await _reach(db, Audience.parse([f"workshop={budget},{sale}"])) == {coming, other}
    assert silent not in await _reach(db, Audience.parse([f"workshop={budget}:no,{sale}"]))
    assert Audience.parse([f"workshop={budget}:yes"]).describe() == f"workshop={budget}"
    unknown = await db.run(unknown_values, Audience.parse([f"workshop={budget},999999"]))
    assert unknown == ["workshop=999999"]
    with pytest.raises(AudienceError, match="workshop id"):
        Audience.parse(["workshop=Budget"])
