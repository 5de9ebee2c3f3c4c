"""The figures in a real Chromium against a real `serve` process: the dashboard and the
report fit a 360-px phone and a 1280-px screen with their SVG charts, no script error (the
CSP allows no inline script or style), and the report prints. Screenshots, the printed page
and the PDF's pages (pdftoppm) go to var/screenshots/ for a person to look at."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from playwright.async_api import Browser

from bot.db.repos import activity
from tests.admin.test_browser import SHOTS, Server, Watch, log_in, shoot
from tests.reports.conftest import People, at, march

pytestmark = pytest.mark.browser
QUERY = "from=2026-03-01&to=2026-03-07"


async def fill(people: People) -> int:
    ids = await march(people)
    for day in range(1, 8):  # a week with something every day, for the charts
        await people.activity(
            date(2026, 3, day),
            "telegram",
            "fr",
            messages_in=20 + day * 3,
            not_understood=day % 4,
            handovers=day % 3,
        )
    await people.db.run(
        activity.add_misses,
        [
            activity.MissRow(
                ids["ar1"],
                "whatsapp",
                "ar",
                "<script>alert(1)</script> شو يعني تعاونية؟",
                "not_understood",
                "out_of_scope",
                0.42,
                at("2026-03-02 16:00"),
            )
        ],
    )
    return ids["ar1"]


@pytest.mark.parametrize("width", [360, 1280])
async def test_figures_in_chromium(
    servers: tuple[Server, Server], browser: Browser, people: People, width: int
) -> None:
    a, _ = servers
    contact = await fill(people)
    context = await browser.new_context(viewport={"width": width, "height": 800}, locale="fr-FR")
    page = await context.new_page()
    watch = Watch(page)
    await log_in(page, a.url)
    for name, path in (
        ("dashboard", f"/admin/dashboard?{QUERY}"),
        ("dashboard-arabic", f"/admin/dashboard?{QUERY}&lang=ar"),
        ("report", f"/admin/report?{QUERY}"),
        ("misunderstood", "/admin/misunderstood"),
        ("contact", f"/admin/contacts/{contact}"),
        ("digest", "/admin/digest?day=2026-03-02"),
    ):
        response = await page.goto(a.url + path)
        assert response is not None and response.status == 200, path
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow} px wider than a {width}-px screen"
        await shoot(page, f"reports-{name}")
    # The charts are drawn, and sized by the page (not zero-sized by a blocked style).
    await page.goto(a.url + f"/admin/dashboard?{QUERY}")
    charts = page.locator("svg.chart")
    assert await charts.count() == 6
    box = await charts.first.bounding_box()
    assert box is not None and box["width"] > 250 and box["height"] > 80
    assert await page.locator("svg.chart rect[fill^='url(#hatch']").count() > 0  # "< 5" bars
    # The message with a script is text on the page.
    await page.goto(a.url + "/admin/misunderstood")
    assert "<script>alert(1)</script>" in await page.locator(".said").first.inner_text()
    if width == 1280:
        await page.goto(a.url + f"/admin/report?{QUERY}")
        await page.emulate_media(media="print")
        await shoot(page, "reports-report-print")
        SHOTS.mkdir(parents=True, exist_ok=True)
        printed = SHOTS / "report-printed.pdf"
        await page.pdf(path=str(printed), format="A4", print_background=True)
        assert printed.read_bytes()[:5] == b"%PDF-"
        got = await page.request.get(a.url + f"/admin/report/export?{QUERY}&format=pdf")
        ours = SHOTS / "report.pdf"
        ours.write_bytes(await got.body())
        tool = shutil.which("pdftoppm")
        assert tool, "pdftoppm is missing: make test installs poppler-utils"
        for pdf in (printed, ours):
            subprocess.run(
                [tool, "-png", "-r", "60", str(pdf), str(pdf.with_suffix(""))],
                check=True,
                timeout=60,
            )
        printed_text = subprocess.run(
            ["pdftotext", str(printed), "-"], capture_output=True, check=True
        ).stdout.decode()
        assert "Rapport d'impact" in printed_text and "Menu" not in printed_text
    assert not watch.problems, watch.problems
    await context.close()
