"""Broadcast reach on the dashboard against hand-computed figures: per broadcast started in
the period, its recipients by how far their message got, with the language and channel
filters and the "< 5" rule; an erased recipient stays counted, anonymously; the table as a
chart, CSV and XLSX on the page."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl
from sqlalchemy import Connection, insert, select, update

from bot.broadcasts.audience import Audience
from bot.db.repos import broadcasts as repo
from bot.db.session import Database
from bot.db.tables import broadcasts, recipients
from bot.reports.broadcasts import read_broadcasts
from bot.reports.counts import Counts
from bot.reports.dashboard import Filters, build
from bot.reports.period import Period
from bot.reports.tables import Table
from tests.reports.conftest import PARIS, Panel, People, at

WEEK = Period.of("2026-03-01", "2026-03-07")
QUERY = "from=2026-03-01&to=2026-03-07"


async def sent_in_march(db: Database, people: People) -> dict[str, int]:
    """Ten Arabic speakers on WhatsApp, five French speakers on Telegram, one Tigrinya
    speaker, the console; broadcasts started on 2 and 5 March, one on 27 February, a draft.
    Statuses as the broadcast runner would have left them."""
    ids: dict[str, int] = {}
    for n in range(10):
        ids[f"w{n}"] = await people.add(
            f"+3361000001{n}", channel="whatsapp", lang="ar", when="2026-02-20 10:00"
        )
    for n in range(5):
        ids[f"t{n}"] = await people.add(
            f"tg-{n}", channel="telegram", lang="fr", when="2026-02-20 10:00"
        )
    ids["x"] = await people.add("+33620000009", channel="whatsapp", lang="ti", when="2026-02-20")
    ids["console"] = await people.add("local", channel="console", lang="fr", when="2026-02-20")

    def send(conn: Connection, started: str | None, statuses: dict[str, str]) -> int:
        created = at("2026-02-20 09:00")
        broadcast_id = repo.create(conn, audience=Audience(), by="fatou", now=created)
        if started is not None:
            conn.execute(
                update(broadcasts)
                .where(broadcasts.c.id == broadcast_id)
                .values(state="sent", scheduled_at=at(started), started_at=at(started))
            )
        conn.execute(
            insert(recipients),
            [
                {
                    "broadcast_id": broadcast_id,
                    "contact_id": ids[who],
                    "channel": "console"
                    if who == "console"
                    else "telegram"
                    if who.startswith("t")
                    else "whatsapp",
                    "lang": "ti" if who == "x" else "fr" if who[0] in "tc" else "ar",
                    "status": status,
                    "updated_at": created,
                }
                for who, status in statuses.items()
            ],
        )
        return broadcast_id

    def plan(conn: Connection) -> None:
        first = {f"w{n}": "read" for n in range(6)}
        first |= {"w6": "delivered", "w7": "delivered", "w8": "needs_template", "w9": "failed"}
        first |= {f"t{n}": "sent" for n in range(5)}
        first |= {"x": "skipped", "console": "sent"}
        ids["first"] = send(conn, "2026-03-02 10:00", first)
        second = {f"w{n}": "queued" for n in range(10)} | {f"t{n}": "cancelled" for n in range(5)}
        ids["second"] = send(conn, "2026-03-05 18:30", second)
        ids["before"] = send(conn, "2026-02-27 10:00", {f"w{n}": "read" for n in range(10)})
        ids["draft"] = send(conn, None, {f"w{n}": "waiting" for n in range(10)})

    await db.run(plan)
    return ids


async def reach(db: Database, **filters: str) -> Table:
    async with db.connect() as conn:
        sent = await read_broadcasts(conn, WEEK, PARIS, **filters)
    tables = build(Counts(WEEK), Filters(WEEK, **filters), None, sent)  # type: ignore[arg-type]
    return next(t for t in tables if t.id == "broadcast_reach")


async def test_reach_per_broadcast_by_stage(db: Database, people: People) -> None:
    ids = await sent_in_march(db, people)
    table = await reach(db)
    first, second = f"02/03 n°{ids['first']}", f"05/03 n°{ids['second']}"
    assert table.header == (
        "Diffusion",
        "Pas encore partis",
        "Envoyés, sans nouvelle de réception",
        "Reçus, pas encore lus",
        "Lus",
        "Échec",
        "Modèle WhatsApp manquant",
        "Non envoyés (sortis du public, annulés)",
        "Total",
    )
    # The console's recipient is never counted; 27 February and the draft are not in March.
    assert table.numbers() == [
        (first, [0, 5, 2, 6, 1, 1, 1, 16]),
        (second, [10, 0, 0, 0, 0, 0, 5, 15]),
        ("Total", [10, 5, 2, 6, 1, 1, 6, 31]),
    ]
    # 2, 1, 1, 1 are hidden. "Not sent": 1 + 5 = 6 would give the 1 away, so the 5 is
    # hidden too ("≥ 5"); then 10 + "≥ 5" = 15 would give it, so the 10; then the column
    # totals 10 and 6; and in the first row 16 - 6 - 4 hidden would pin them, so the 5 and
    # the 6 (and their totals). The recipients per broadcast, and in all, stay shown.
    assert table.grid() == [
        (first, ["0", "≥ 5", "< 5", "≥ 5", "< 5", "< 5", "< 5", "16"]),
        (second, ["≥ 5", "0", "0", "0", "0", "0", "≥ 5", "15"]),
        ("Total", ["≥ 5", "≥ 5", "< 5", "≥ 5", "< 5", "< 5", "≥ 5", "31"]),
    ]


async def test_reach_follows_the_language_and_channel_filters(db: Database, people: People) -> None:
    ids = await sent_in_march(db, people)
    first, second = f"02/03 n°{ids['first']}", f"05/03 n°{ids['second']}"
    assert (await reach(db, lang="ar")).numbers() == [
        (first, [0, 0, 2, 6, 1, 1, 0, 10]),
        (second, [10, 0, 0, 0, 0, 0, 0, 10]),
        ("Total", [10, 0, 2, 6, 1, 1, 0, 20]),
    ]
    assert (await reach(db, channel="telegram")).numbers() == [
        (first, [0, 5, 0, 0, 0, 0, 0, 5]),
        (second, [0, 0, 0, 0, 0, 0, 5, 5]),
        ("Total", [0, 5, 0, 0, 0, 0, 5, 10]),
    ]
    assert (await reach(db, lang="ti", channel="whatsapp")).numbers()[0] == (
        first,
        [0, 0, 0, 0, 0, 0, 1, 1],
    )
    assert (await reach(db, lang="prs")).empty


async def test_an_erased_recipient_stays_counted_without_them(db: Database, people: People) -> None:
    ids = await sent_in_march(db, people)
    before = (await reach(db)).numbers()
    await people.erase(ids["w6"])  # delivered in the first; queued in the second
    after = (await reach(db)).numbers()
    # Queued when erased: it may have gone, nothing will tell us (failed); still 31 people.
    assert after[0] == before[0]
    assert after[1][1] == [9, 0, 0, 0, 1, 0, 5, 15]
    assert after[2][1][-1] == 31
    async with db.connect() as conn:
        left = (
            await conn.execute(
                select(recipients.c.contact_id, recipients.c.lang, recipients.c.channel).where(
                    recipients.c.broadcast_id == ids["first"], recipients.c.status == "delivered"
                )
            )
        ).all()
    assert sorted(left, key=lambda r: r[0] is None) == [
        (ids["w7"], "ar", "whatsapp"),
        (None, "ar", "whatsapp"),
    ]


async def test_dashboard_page_shows_and_exports_the_reach(panel: Panel, people: People) -> None:
    ids = await sent_in_march(panel.services.db, people)
    panel.clock.now = datetime(2026, 3, 9, 8, tzinfo=UTC)
    client = await panel.signed_in("staff")
    html = (await client.get(f"/admin/dashboard?{QUERY}")).text
    start = html.index('id="broadcast_reach"')
    section = html[start : html.index("</section>", start)]
    assert "Diffusions : jusqu&#39;où les messages sont allés" in section
    assert '<svg class="chart"' in section and f"n°{ids['first']}" in section
    assert "<td>31</td>" in section and "+3361" not in html
    got = await client.get(f"/admin/dashboard/export/broadcast_reach?{QUERY}&channel=whatsapp")
    assert got.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(got.text)))
    assert rows[0][0] == "Diffusion" and rows[0][-1] == "Total"
    assert rows[1] == [f"02/03 n°{ids['first']}", "0", "0", "< 5", "6", "< 5", "< 5", "< 5", "11"]
    book = await client.get(f"/admin/dashboard/export/broadcast_reach?{QUERY}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[-1][0] == "Total" and values[-1][-1] == 31 and values[2][1] == "≥ 5"
