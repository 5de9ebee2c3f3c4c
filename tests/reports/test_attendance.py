"""Workshop attendance as a facilitator marks it on the workshop's page (#14) reaches the
figures: the dashboard's workshop table, the impact report's page, and `python -m bot
report` as CSV and as a page. Corrections on the page change the figures too."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection

from bot.db.repos import workshops as workshops_repo
from tests.admin.conftest import csrf
from tests.reports.conftest import PARIS, Panel, People

QUERY = "from=2026-11-02&to=2026-11-08"
ROOT = Path(__file__).resolve().parents[2]


async def report(panel: Panel, *args: str) -> str:
    """`python -m bot report` for the week of 2 November, in its own process."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("ADMIN_", "TELEGRAM_", "TWILIO_"))
    }
    env |= {"DATABASE_URL": panel.services.db.url, "TIMEZONE": "Europe/Paris"}
    done = await asyncio.to_thread(
        subprocess.run,
        [
            sys.executable,
            "-m",
            "bot",
            "report",
            "--from",
            "2026-11-02",
            "--to",
            "2026-11-08",
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_attendance_marked_on_the_page_reaches_dashboard_and_report(
    panel: Panel, people: People
) -> None:
    panel.clock.now = datetime(2026, 10, 20, 9, tzinfo=UTC)
    facilitator = await panel.signed_in("facilitator")
    token = await csrf(facilitator, "/admin/workshops")
    created = await facilitator.post(
        "/admin/workshops",
        data={
            "csrf_token": token,
            "title_fr": "Vendre au marché",
            "starts_at": "2026-11-05T14:00",
            "place": "Maison des associations",
            "langs": ["fr"],
        },
    )
    assert created.status_code == 303, created.text
    path = created.headers["location"].split("?")[0]
    workshop_id = int(path.rsplit("/", 1)[1])
    ids = [
        await people.add(f"+3361100000{n}", channel="whatsapp", lang="ar", when="2026-10-01")
        for n in range(8)
    ]

    def answer(conn: Connection) -> None:  # seven say they will come, one will not
        for n, contact_id in enumerate(ids):
            workshops_repo.answer(
                conn,
                workshop_id=workshop_id,
                contact_id=contact_id,
                coming=n < 7,
                now=panel.clock.now,
                tz=PARIS,
            )

    await panel.services.db.run(answer)
    panel.clock.now = datetime(2026, 11, 9, 8, tzinfo=UTC)  # after the workshop
    staff = await panel.signed_in("staff")
    facilitator = await panel.signed_in("facilitator")
    token = await csrf(facilitator, path)

    async def figures() -> tuple[list[str], list[str], dict[str, list[str]]]:
        html = (await staff.get(f"/admin/dashboard?{QUERY}")).text
        start = html.index('id="workshops"')
        section = html[start : html.index("</section>", start)]
        row = section[section.index('<th scope="row">05/11 Vendre au marché') :].split("</tr>")[0]
        cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
        page = (await staff.get(f"/admin/report?{QUERY}")).text
        start = page.index("Ateliers : inscrits et présents")
        part = page[start : start + 2000]
        lines = list(csv.reader(io.StringIO(await report(panel))))
        by_key = {line[5]: line[6:] for line in lines if line[2] == "workshop_attendance"}
        return cells, [part], by_key

    # Nobody marked yet: seven coming, none present.
    cells, _, by_key = await figures()
    assert cells == ["7", "0"]
    assert by_key == {"coming": ["7", "0"], "attended": ["0", "0"]}

    # Six came: marked on the workshop's page (one who said no came too).
    came = [*ids[:5], ids[7]]
    marked = await facilitator.post(
        f"{path}/attendance", data={"csrf_token": token, "came": [str(c) for c in came]}
    )
    assert marked.headers["location"].startswith(path)
    cells, (part,), by_key = await figures()
    assert cells == ["7", "6"]
    assert by_key == {"coming": ["7", "0"], "attended": ["6", "0"]}
    assert '<th scope="row">Présents</th><td>6</td>' in part.replace("\n", "")
    html = await report(panel, "--format", "html")
    assert "Ateliers : inscrits et présents" in html
    assert "Présents" in html and ">6<" in html

    # A correction on the page: two of them did not come after all (4: hidden).
    marked = await facilitator.post(
        f"{path}/attendance", data={"csrf_token": token, "came": [str(c) for c in came[:4]]}
    )
    assert marked.headers["location"].startswith(path)
    cells, _, by_key = await figures()
    assert cells == ["7", "&lt; 5"]
    assert by_key == {"coming": ["7", "0"], "attended": ["< 5", "0"]}
