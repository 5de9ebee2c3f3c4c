"""The journeys' and coops' figures in the impact report against hand-computed ones:
eligibility outcomes, modules and steps, coop members and sellers, sales totals (hidden
when fewer than 5 members made them, and their companions), workshop attendance; an
erased person's sales and attendance stay in the totals, their identity nowhere."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import openpyxl
from sqlalchemy import Connection, text, update

from bot.db.repos import journeys, workshops
from bot.db.session import Database
from bot.db.tables import rsvps
from bot.ledger.rows import member_ref
from bot.reports.counts import read_counts
from bot.reports.dashboard import Filters, Journeys, build
from bot.reports.period import Period
from bot.reports.programme import read_programme
from bot.reports.report import Report, build_report
from bot.reports.tables import Table
from tests.ledger.conftest import Shop, make_shop, paris
from tests.reports.conftest import PARIS, Panel, People

WEEK = Period(date(2026, 11, 2), date(2026, 11, 8))  # previous: 26 Oct - 1 Nov
MADE = datetime(2026, 11, 9, 8, 0, tzinfo=UTC)


async def report(db: Database) -> Report:
    async with db.connect() as conn:
        return await build_report(conn, WEEK, PARIS, MADE)


def table(made: Report, figure: str) -> dict[str, list[str]]:
    return dict(next(t for t in made.tables if t.id == figure).grid())


async def coops(db: Database) -> tuple[Shop, Shop]:
    """Six members in one coop, two in another; all joined on 1 November (previous period)."""
    a = await make_shop(db, "Cuisine du monde", n_members=6)
    b = await make_shop(db, "Fil d'or", n_members=2)
    await a.sell(0, 1500, now=paris("2026-11-01 12:00"))  # the previous period
    for member, cents in enumerate((1000, 2000, 3000, 4000, 5000, 6000)):
        await a.sell(member, cents, now=paris("2026-11-04 12:00"))  # closes 1-3 November
    await b.sell(0, 700, now=paris("2026-11-05 12:00"))
    await b.sell(1, 800, now=paris("2026-11-06 12:00"))
    return a, b


async def test_coop_members_sellers_and_sales(db: Database) -> None:
    a, _ = await coops(db)
    made = await report(db)
    # Members at each period's end: 6 + 2. "Fil d'or" alone would be 8 - 6: so 6 is hidden.
    assert table(made, "coop_members") == {
        "Total": ["8", "8"],
        "Cuisine du monde": ["≥ 5", "≥ 5"],
        "Fil d'or": ["< 5", "< 5"],
    }
    assert table(made, "coop_sellers") == {
        "Total": ["8", "< 5"],
        "Cuisine du monde": ["≥ 5", "< 5"],
        "Fil d'or": ["< 5", "0"],
    }
    # 210.00 + 15.00 by 8 members: the total shows; "Fil d'or" (2 sellers) is hidden, and so
    # is "Cuisine du monde" (else 225.00 - 210.00 gives it). Before: one seller, all hidden.
    assert table(made, "sales_total_eur") == {
        "Total": ["225.00", "< 5 vendeurs"],
        "Cuisine du monde": ["< 5 vendeurs", "< 5 vendeurs"],
        "Fil d'or": ["< 5 vendeurs", "0.00"],
    }
    csv_lines = made.csv().splitlines()
    assert (
        "2026-11-02,2026-11-08,sales_total_eur,Ventes des coopératives (euros TTC),"
        "total,all,225.00,< 5 vendeurs" in csv_lines
    )
    assert any(line.endswith(",coop,Fil d'or,< 5 vendeurs,0.00") for line in csv_lines)

    # Erasing a member: the ledger keeps the member's row, so nothing changes in the figures.
    await db.run(lambda c: _erase(c, a.contacts[0]))
    assert (await report(db)).csv() == made.csv()


def _erase(conn: Connection, contact_id: int) -> None:
    from bot.db.repos.privacy import erase_contact

    erase_contact(conn, contact_id, tz=PARIS)


async def test_five_sellers_or_more_are_shown(db: Database) -> None:
    a = await make_shop(db, "Cuisine du monde", n_members=5)
    b = await make_shop(db, "Fil d'or", n_members=5)
    for member in range(5):
        await a.sell(member, 1000 + member, now=paris("2026-11-04 12:00"))
        await b.sell(member, 2000, now=paris("2026-11-04 12:00"))
    assert table(await report(db), "sales_total_eur") == {
        "Total": ["150.10", "0.00"],
        "Cuisine du monde": ["50.10", "0.00"],
        "Fil d'or": ["100.00", "0.00"],
    }


async def test_eligibility_outcomes(db: Database) -> None:
    def decide(conn: Connection) -> None:
        for outcome, n, day in (
            ("cae", 6, date(2026, 11, 3)),
            ("awareness", 2, date(2026, 11, 8)),
            ("ephemeral_culinary", 5, date(2026, 11, 2)),
            ("not_yet", 3, date(2026, 11, 1)),  # the previous period
            ("cae", 4, date(2026, 11, 9)),  # after
        ):
            for _ in range(n):
                journeys.count_anonymously(conn, outcome, {}, day)

    await db.run(decide)
    # 13 = 5 + 6 + 2: "awareness" alone is hidden, so the smallest shown part is too.
    assert table(await report(db), "eligibility_outcomes") == {
        "Total": ["13", "< 5"],
        "Coopérative éphémère culinaire": ["≥ 5", "0"],
        "Coopérative éphémère textile": ["0", "0"],
        "Coopérative d'activité et d'emploi (CAE)": ["6", "0"],
        "D'abord la sensibilisation": ["< 5", "0"],
        "Pas encore": ["0", "< 5"],
    }


async def test_women_and_men_where_they_chose_to_say(db: Database) -> None:
    def decide(conn: Connection) -> None:
        for gender, n, day in (
            ("woman", 6, date(2026, 11, 3)),
            ("man", 2, date(2026, 11, 4)),
            ("no_say", 1, date(2026, 11, 5)),
            (None, 3, date(2026, 11, 8)),  # skipped the question
            ("woman", 5, date(2026, 10, 28)),  # the previous period
            ("woman", 9, date(2026, 11, 9)),  # after
        ):
            for _ in range(n):
                said = {"gender": gender} if gender else {}
                journeys.count_anonymously(conn, "cae", said, day)

    await db.run(decide)
    # 12 = 6 + 2 + 1 + 3: the three small parts are hidden, and together they are 6 = 12 - 6,
    # so no hidden part can be worked out from the shown ones. Before: 5 women, nothing hidden.
    assert table(await report(db), "eligibility_gender") == {
        "Total": ["12", "5"],
        "Femmes": ["6", "5"],
        "Hommes": ["< 5", "0"],
        "Préfèrent ne pas le dire": ["< 5", "0"],
        "Question passée": ["< 5", "0"],
    }


async def test_modules_and_steps_by_language_and_channel(db: Database, people: People) -> None:
    await people.activity(date(2026, 11, 3), "whatsapp", "ar", modules_done=7, steps_done=12)
    await people.activity(date(2026, 11, 4), "telegram", "fr", modules_done=2, steps_done=5)
    await people.activity(date(2026, 11, 4), "console", "fr", modules_done=40)  # never counted
    await people.activity(date(2026, 10, 30), "telegram", "ti", steps_done=6, rsvp_yes=5)
    made = await report(db)
    modules = table(made, "modules_done")
    # 9 = 2 (French, Telegram: hidden) + 7: the 7s are hidden too, the total shows.
    assert modules["Total"] == ["9", "0"]
    assert modules["français"] == ["< 5", "0"] and modules["arabe"] == ["≥ 5", "0"]
    assert modules["Telegram"] == ["< 5", "0"] and modules["WhatsApp"] == ["≥ 5", "0"]
    steps = table(made, "steps_done")
    assert steps["Total"] == ["17", "6"] and steps["arabe"] == ["12", "0"]
    assert steps["français"] == ["5", "0"] and steps["tigrinya"] == ["0", "6"]
    assert table(made, "rsvp_yes")["Total"] == ["0", "5"]


async def test_workshop_attendance_keeps_erased_people(db: Database) -> None:
    a = await make_shop(db, "Cuisine du monde", n_members=6)
    b = await make_shop(db, "Fil d'or", n_members=2)
    asked = paris("2026-10-20 10:00")

    def plan(conn: Connection) -> tuple[int, int, int]:
        def add(at: str) -> int:
            return workshops.add_workshop(
                conn,
                titles={"fr": "Atelier"},
                starts_at=paris(at),
                place="Paris",
                langs=("fr",),
                now=asked,
            )

        held, cancelled, before = (
            add("2026-11-05 14:00"),
            add("2026-11-06 14:00"),
            add("2026-10-28 14:00"),
        )
        for contact in a.contacts:
            workshops.answer(
                conn, workshop_id=held, contact_id=contact, coming=True, now=asked, tz=PARIS
            )
        workshops.answer(
            conn, workshop_id=held, contact_id=b.contacts[0], coming=False, now=asked, tz=PARIS
        )
        for contact in b.contacts:
            workshops.answer(
                conn, workshop_id=cancelled, contact_id=contact, coming=True, now=asked, tz=PARIS
            )
        for contact in a.contacts[:3]:
            workshops.answer(
                conn, workshop_id=before, contact_id=contact, coming=True, now=asked, tz=PARIS
            )
        conn.execute(
            update(rsvps)
            .where(rsvps.c.workshop_id == held, rsvps.c.contact_id.in_(a.contacts[:5]))
            .values(attended=True)
        )
        conn.execute(
            text("UPDATE workshops SET cancelled_at = :at WHERE id = :id"),
            {"at": asked + timedelta(days=1), "id": cancelled},
        )
        return held, cancelled, before

    await db.run(plan)
    made = await report(db)
    assert table(made, "workshop_attendance") == {
        "Inscrits (« je viens »)": ["6", "< 5"],
        "Présents": ["5", "0"],
    }
    # Two who came are erased: still counted, and no RSVP of theirs is left.
    await db.run(lambda c: _erase(c, a.contacts[0]))
    await db.run(lambda c: _erase(c, a.contacts[1]))
    again = await report(db)
    assert table(again, "workshop_attendance") == table(made, "workshop_attendance")
    async with db.connect() as conn:
        left = (
            await conn.execute(
                text("SELECT count(*) FROM workshop_rsvps WHERE contact_id IN (:x, :y)"),
                {"x": a.contacts[0], "y": a.contacts[1]},
            )
        ).scalar_one()
        assert left == 0


async def dashboard(
    db: Database, coop: str | None = None, *, staff: bool = True
) -> dict[str, Table]:
    async with db.connect() as conn:
        counts = await read_counts(conn, WEEK, PARIS)
        programme = await read_programme(conn, WEEK, PARIS, coop)
    name = (lambda m, rank: f"Membre {rank}") if staff else (lambda m, rank: member_ref(m))
    journeys = Journeys(programme, name, {"domiciliation": "Domiciliation", "bank": "Banque"})
    return {t.id: t for t in build(counts, Filters(WEEK, coop=coop), journeys)}


async def test_dashboard_sales_by_day_week_member_product_payment(db: Database) -> None:
    a, b = await coops(db)
    tables = await dashboard(db)
    by_day = dict(tables["sales_by_day"].grid())
    assert tables["sales_by_day"].header == ("Jour", "Cuisine du monde", "Fil d'or", "Total")
    assert by_day["04/11/2026"] == ["210.00", "0.00", "210.00"]
    assert by_day["06/11/2026"] == ["0.00", "8.00", "8.00"]
    assert by_day["Total"] == ["210.00", "15.00", "225.00"]
    assert dict(tables["sales_by_week"].grid()) == {
        "sem. du 02/11/2026": ["210.00", "15.00", "225.00"],
        "Total": ["210.00", "15.00", "225.00"],
    }
    assert dict(tables["sales_by_payment"].grid()) == {"espèces": ["225.00"]}
    assert "sales_by_member" not in tables  # only for one coop
    funnel = dict(tables["journey_funnel"].grid())
    # Everyone joined on 1 November (before); first sales: five in "Cuisine du monde" (its
    # first member sold on 1 November), two in "Fil d'or".
    assert funnel["Nouveaux membres de coopérative"] == ["0"]
    assert funnel["Premières ventes (membres)"] == ["7"]

    one = await dashboard(db, "Cuisine du monde")
    assert dict(one["sales_by_member"].grid()) == {
        "Membre 1": ["60.00"],
        "Membre 2": ["50.00"],
        "Membre 3": ["40.00"],
        "Membre 4": ["30.00"],
        "Membre 5": ["20.00"],
        "Membre 6": ["10.00"],
    }
    assert dict(one["sales_by_product"].grid()) == {"repas": ["210.00"]}
    assert dict(one["journey_funnel"].grid())["Premières ventes (membres)"] == ["5"]
    named = await dashboard(db, "Cuisine du monde", staff=False)
    assert named["sales_by_member"].rows[0][0] == member_ref(a.members[5])
    assert one["sales_by_day"].columns == ("Cuisine du monde",)  # the coop filter
    assert b.coop.name in tables["sales_by_day"].columns


async def test_dashboard_outcomes_steps_and_workshops(db: Database, people: People) -> None:
    shop = await make_shop(db, "Cuisine du monde", n_members=6)
    now = paris("2026-11-03 10:00")

    def journeys_of(conn: Connection) -> None:
        for n, contact in enumerate(shop.contacts):
            journeys.record_step(conn, contact, "domiciliation", "done" if n else "help", now)
        journeys.record_step(conn, shop.contacts[0], "bank", "not_yet", now)
        for outcome, n, day in (("cae", 5, date(2026, 11, 3)), ("not_yet", 2, date(2026, 11, 4))):
            for _ in range(n):
                journeys.count_anonymously(conn, outcome, {}, day)
        ws = workshops.add_workshop(
            conn,
            titles={"fr": "Vendre au marché"},
            starts_at=paris("2026-11-05 14:00"),
            place="Paris",
            langs=("fr",),
            now=paris("2026-10-20 10:00"),
        )
        for contact in shop.contacts:
            workshops.answer(
                conn,
                workshop_id=ws,
                contact_id=contact,
                coming=True,
                now=paris("2026-10-20 10:00"),
                tz=PARIS,
            )

    await db.run(journeys_of)
    tables = await dashboard(db)
    # Domiciliation: 5 done and 1 asking for help (hidden); its total 6 would give the 1
    # away beside the 5, and with the 5 hidden too, "≥ 5" + "< 5" = 6 pins both: all hidden.
    assert dict(tables["checklist_steps"].grid()) == {
        "Domiciliation": ["≥ 5", "0", "< 5", "≥ 5"],
        "Banque": ["0", "< 5", "0", "< 5"],
    }
    outcomes = dict(tables["eligibility_outcomes"].grid())
    # 5 "CAE" on the 3rd, 2 "not yet" on the 4th, 7 in all: with the 2s hidden, the 7 would
    # give the 5s away; "≥ 5" + "< 5" = 7 leaves (5, 2) or (6, 1).
    assert outcomes["03/11/2026"] == ["0", "0", "≥ 5", "0", "0", "≥ 5"]
    assert outcomes["04/11/2026"] == ["0", "0", "0", "0", "< 5", "< 5"]
    assert outcomes["Total"] == ["0", "0", "≥ 5", "0", "< 5", "7"]
    assert dict(tables["workshops"].grid()) == {"05/11 Vendre au marché": ["6", "0"]}
    funnel = dict(tables["journey_funnel"].grid())
    assert funnel["Résultats « puis-je participer ? »"] == ["7"]


async def test_dashboard_page_names_members_only_for_facilitators(panel: Panel) -> None:
    a, _ = await coops(panel.services.db)
    query = "from=2026-11-02&to=2026-11-08&coop=Cuisine%20du%20monde"
    staff = await panel.signed_in("staff")
    html = (await staff.get(f"/admin/dashboard?{query}")).text
    assert "Ventes de Cuisine du monde, par membre" in html and "Membre 1" in html
    assert "M0000" not in html
    assert '<option value="Fil d&#39;or">' in html  # the coop filter lists every coop
    facilitator = await panel.signed_in("facilitator")
    html = (await facilitator.get(f"/admin/dashboard?{query}")).text
    assert member_ref(a.members[5]) in html and "Membre 1" not in html
    got = await staff.get(f"/admin/dashboard/export/sales_by_member?{query}")
    assert got.text.splitlines()[:2] == ["Membre,Ventes", "Membre 1,60.00"]
    book = await staff.get(f"/admin/dashboard/export/sales_by_week?{query}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).worksheets[0]
    assert [c.value for c in sheet[2]] == [
        "sem. du 02/11/2026",
        Decimal("210.00"),
        Decimal("210.00"),
    ]
