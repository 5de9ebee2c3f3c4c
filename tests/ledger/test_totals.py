"""Summaries a member asks for, and who the end-of-day reminder goes to."""

from __future__ import annotations

from datetime import date

import pytest

from bot.db.repos.coops import set_reminders
from bot.db.repos.privacy import erase_contact
from bot.ledger.totals import member_total, silent_members, span
from tests.ledger.conftest import Shop, paris


@pytest.mark.parametrize(
    ("which", "today", "expected"),
    [
        ("today", date(2026, 11, 4), (date(2026, 11, 4), date(2026, 11, 5))),
        ("week", date(2026, 11, 4), (date(2026, 11, 2), date(2026, 11, 9))),  # a Wednesday
        ("week", date(2026, 11, 2), (date(2026, 11, 2), date(2026, 11, 9))),  # a Monday
        ("week", date(2026, 11, 8), (date(2026, 11, 2), date(2026, 11, 9))),  # a Sunday
        ("week", date(2026, 12, 31), (date(2026, 12, 28), date(2027, 1, 4))),
        ("month", date(2026, 11, 30), (date(2026, 11, 1), date(2026, 12, 1))),
        ("month", date(2026, 12, 1), (date(2026, 12, 1), date(2027, 1, 1))),
        ("month", date(2028, 2, 29), (date(2028, 2, 1), date(2028, 3, 1))),
    ],
)
def test_spans(which: str, today: date, expected: tuple[date, date]) -> None:
    assert span(which, today) == expected  # type: ignore[arg-type]


async def test_my_sales_today_week_month(shop: Shop) -> None:
    me = shop.members[0]
    await shop.sell(0, 1000, now=paris("2026-10-31 23:59"))  # last month
    await shop.sell(0, 2000, now=paris("2026-11-02 10:00"), quantity=2)  # Monday
    await shop.sell(0, 4000, now=paris("2026-11-04 10:00"), quantity=5)
    await shop.sell(1, 8000, now=paris("2026-11-04 11:00"))  # someone else's
    today = date(2026, 11, 4)
    got = {
        which: await shop.run(
            lambda c, w=which: member_total(c, me, start=span(w, today)[0], end=span(w, today)[1])
        )
        for which in ("today", "week", "month")
    }
    assert (got["today"].cents, got["today"].quantity, got["today"].rows) == (4000, 5, 1)
    assert got["week"].cents == 6000 and got["month"].cents == 6000


async def test_the_reminder_goes_to_members_who_logged_nothing_and_want_it(shop: Shop) -> None:
    day = date(2026, 11, 4)
    await shop.sell(0, 1000, now=paris("2026-11-04 10:00"))
    await shop.sell(1, 1000, now=paris("2026-11-05 00:10"), day=day)  # yesterday's, logged late
    assert await shop.run(lambda c: silent_members(c, shop.coop.id, day)) == [shop.members[2]]
    assert (
        await shop.run(lambda c: silent_members(c, shop.coop.id, date(2026, 11, 5))) == shop.members
    )
    await shop.run(lambda c: set_reminders(c, shop.members[2], False))
    await shop.run(lambda c: erase_contact(c, shop.contacts[1]))
    assert await shop.run(lambda c: silent_members(c, shop.coop.id, date(2026, 11, 5))) == [
        shop.members[0]
    ]
