"""The figures against hand-computed counts: time zone days, the console never counted,
erased people still counted (and nowhere else), the "< 5" rule and its companions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select, text

from bot.db.session import Database
from bot.db.tables import erased_people
from bot.reports.charts import Segment, bars, svg
from bot.reports.counts import people_to_date, read_counts
from bot.reports.dashboard import Filters, build
from bot.reports.period import Period, bucket
from bot.reports.report import build_report
from tests.reports.conftest import PARIS, People, march

WEEK = Period(date(2026, 3, 1), date(2026, 3, 7))


async def test_counts_by_day_channel_and_language(db: Database, people: People) -> None:
    await march(people)
    async with db.connect() as conn:
        counts = await read_counts(conn, WEEK, PARIS)
    assert counts.total("people") == 8  # a, six in Arabic, h: not the console, not before/after
    assert counts.by("people", "lang") == {"fr": 1, "ar": 6, "ti": 1}
    assert counts.by("people", "channel") == {"telegram": 1, "whatsapp": 7}
    assert counts.total("consented") == 6
    assert counts.by_day("people") == {
        (date(2026, 3, 1), ""): 1,
        (date(2026, 3, 2), ""): 6,  # the one at 00:30 Paris time too
        (date(2026, 3, 3), ""): 1,
    }
    assert counts.total("messages_in") == 55 and counts.total("handovers") == 3
    assert counts.by("not_understood", "lang") == {"ar": 3, "ti": 4}
    assert counts.where(channel="telegram").total("messages_in") == 9


async def test_erased_people_stay_counted_and_nowhere_else(db: Database, people: People) -> None:
    ids = await march(people)
    async with db.connect() as conn:
        before = await read_counts(conn, WEEK, PARIS)
    await people.erase(ids["ar0"])  # consented, first wrote at 00:30 on 2 March
    await people.erase(ids["ar5"])  # never consented
    async with db.connect() as conn:
        after = await read_counts(conn, WEEK, PARIS)
        assert after.cells == before.cells
        assert await people_to_date(conn, WEEK.end, PARIS) == 9
        for table in ("contacts", "channel_identities"):
            rows = (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
            assert rows == 9  # 11 made, 2 erased
        found = await conn.execute(
            text("SELECT count(*) FROM channel_identities WHERE address IN (:a, :b)"),
            {"a": "+33610000000", "b": "+33610000005"},
        )
        assert found.scalar_one() == 0
        erased = (await conn.execute(select(erased_people))).mappings().all()
    assert [dict(r) for r in erased] == [
        {"day": date(2026, 3, 2), "channel": "whatsapp", "lang": "ar", "people": 2, "consented": 1}
    ]


async def test_the_report_hides_small_counts_and_what_would_give_them_away(
    db: Database, people: People
) -> None:
    await march(people)
    made_at = datetime(2026, 3, 9, 8, tzinfo=UTC)
    async with db.connect() as conn:
        report = await build_report(conn, WEEK, PARIS, made_at)
    lines = {(x.figure, x.by, x.group): (x.value, x.previous) for x in report.lines()}
    assert lines[("people", "total", "all")] == ("8", "< 5")
    # French 1 and Tigrinya 1, hidden, add up to 8 - 6 = 2: each would be 1; Arabic hides too.
    assert lines[("people", "language", "ar")] == ("≥ 5", "0")
    assert lines[("people", "language", "fr")] == ("< 5", "0")
    assert lines[("people", "language", "ti")] == ("< 5", "0")
    assert lines[("people", "language", "prs")] == ("0", "< 5")
    # Telegram 1 and WhatsApp 7 of 8: hiding 1 alone would show it as 8 - 7.
    assert lines[("people", "channel", "telegram")] == ("< 5", "< 5")
    assert lines[("people", "channel", "whatsapp")] == ("≥ 5", "0")
    assert lines[("handovers", "total", "all")] == ("< 5", "6")  # the console's 50 are not
    assert report.to_date == "9"
    csv_lines = report.csv().splitlines()
    assert csv_lines[0] == "from,to,figure,label,by,group,value,previous_value"
    assert (
        "2026-03-01,2026-03-07,people,Personnes touchées (premier contact dans la période),"
        "channel,whatsapp,≥ 5,0" in csv_lines
    )
    assert all(",1," not in line and ",2," not in line for line in csv_lines[1:])


async def test_dashboard_tables_with_filters(db: Database, people: People) -> None:
    await march(people)
    async with db.connect() as conn:
        counts = await read_counts(conn, WEEK, PARIS)
    tables = {t.id: t for t in build(counts, Filters(WEEK))}
    by_lang = tables["people_by_language"]
    assert by_lang.header == (
        "Jour",
        "français",
        "arabe",
        "dari",
        "tigrinya",
        "langue non choisie",
        "Total",
    )
    grid = dict(by_lang.grid())
    assert grid["01/03/2026"] == ["< 5", "0", "0", "0", "0", "< 5"]
    assert grid["Total"] == ["< 5", "≥ 5", "0", "< 5", "0", "8"]
    # Arabic's total is hidden, so its one day is too (else the total is that day's count).
    assert grid["02/03/2026"] == ["0", "≥ 5", "0", "0", "0", "≥ 5"]
    assert grid["04/03/2026"] == ["0"] * 6
    funnel = dict(tables["first_contact_to_consent"].grid())
    assert funnel["Premier contact"][-1] == "8"
    # 6 consents: 1 in French ("< 5") and 5 in Arabic ("≥ 5") would be pinned by it.
    assert funnel["Consentement donné"] == ["< 5", "≥ 5", "0", "0", "0", "≥ 5"]
    arabic = {t.id: t for t in build(counts, Filters(WEEK, lang="ar", channel="whatsapp"))}
    assert dict(arabic["people_by_channel"].grid())["Total"] == ["6", "6"]
    assert dict(arabic["misunderstood_messages"].grid())["02/03/2026"] == ["40", "< 5", "< 5"]


async def test_charts_never_draw_a_hidden_count(db: Database, people: People) -> None:
    await march(people)
    async with db.connect() as conn:
        counts = await read_counts(conn, WEEK, PARIS)
        report = await build_report(conn, WEEK, PARIS, datetime(2026, 3, 9, tzinfo=UTC))
    tables = [*build(counts, Filters(WEEK)), *report.tables]
    for table in tables:
        marks = table.marks()
        for r, row in enumerate(bars(table)):
            for seg in row:
                if seg.series >= 0:
                    assert marks[r][seg.series] is None, (table.id, r, seg)
                else:
                    assert seg.value in (4, 5) or table.totals, (table.id, r, seg)
        assert 'fill="url(#hatch-' in svg(table) or not any(any(m) for m in marks)
    arabic = [row for row in bars(report.tables[0])][2]  # Total, français, arabe
    assert arabic == [Segment(-1, 5), Segment(1, 0)]  # "≥ 5" at 5, not at its 6


async def test_the_period_totals_summed_by_the_database_match_the_days(
    db: Database, people: People
) -> None:
    """The impact report reads totals only (grain=None): the same figures as the days'."""
    ids = await march(people)
    await people.erase(ids["ar0"])
    await people.erase(ids["h"])
    for period in (WEEK, WEEK.previous, Period(date(2026, 2, 1), date(2026, 3, 31))):
        async with db.connect() as conn:
            days = await read_counts(conn, period, PARIS)
            totals = await read_counts(conn, period, PARIS, grain=None)
        assert {k[0] for k in totals.cells} <= {period.start}
        measures = {k[3] for k in days.cells}
        assert {k[3] for k in totals.cells} == measures
        for measure in measures:
            assert totals.total(measure) == days.total(measure)
            for dim in ("lang", "channel"):
                assert totals.by(measure, dim) == days.by(measure, dim)  # type: ignore[arg-type]
    # February and March: a, six in Arabic (one erased), h (erased), "before" and "after".
    assert totals.total("people") == 10
    assert totals.by("consented", "lang") == {"fr": 1, "ar": 5, "prs": 1}


async def test_weeks_and_months_summed_by_the_database_match_the_days(
    db: Database, people: People
) -> None:
    """The dashboard reads its buckets from the database: the same as the days' counts
    bucketed here, across a week's start at 00:30 Paris time and the summer time change."""
    ids = await march(people)
    await people.erase(ids["ar5"])
    # Monday 30 March 00:30 in Paris is Sunday 29 March 22:30 in UTC (summer time).
    await people.add("tg-dst", channel="telegram", lang="ti", when="2026-03-30 00:30")
    await people.activity(date(2026, 3, 30), "telegram", "ti", messages_in=3)
    await people.activity(date(2026, 3, 29), "telegram", "ti", messages_in=2)
    period = Period(date(2026, 2, 4), date(2026, 4, 2))
    async with db.connect() as conn:
        days = await read_counts(conn, period, PARIS)
        weeks = await read_counts(conn, period, PARIS, grain="week")
        months = await read_counts(conn, period, PARIS, grain="month")
    for grain, got in (("week", weeks), ("month", months)):
        expected: dict[tuple[date, str, str, str], int] = {}
        for (day, channel, lang, measure), n in days.cells.items():
            key = (bucket(day, grain), channel, lang, measure)  # type: ignore[arg-type]
            expected[key] = expected.get(key, 0) + n
        assert got.cells == expected
    assert weeks.by_day("people")[(date(2026, 3, 30), "")] == 1
    assert weeks.by_day("messages_in")[(date(2026, 3, 23), "")] == 2
    # Six in Arabic (ar0 at 00:30 on Monday, ar5 erased), h, and "after" on Sunday 8 March.
    assert weeks.by_day("people")[(date(2026, 3, 2), "")] == 8
    assert months.by_day("people") == {(date(2026, 2, 1), ""): 1, (date(2026, 3, 1), ""): 10}
