"""The dashboard and the impact report through the whole app: charts as SVG with the
numbers beside them, filters, downloads as CSV, XLSX and PDF (read back with pdftotext)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from tests.reports.conftest import Panel, People, march

QUERY = "from=2026-03-01&to=2026-03-07"


@pytest.fixture
async def filled(panel: Panel, people: People) -> Panel:
    await march(people)
    panel.clock.now = datetime(2026, 3, 9, 8, tzinfo=UTC)
    return panel


async def test_dashboard_shows_charts_and_tables(filled: Panel) -> None:
    client = await filled.signed_in("staff")
    page = await client.get(f"/admin/dashboard?{QUERY}")
    assert page.status_code == 200
    html = page.text
    assert html.count('<svg class="chart"') == 6  # the journey's steps too; empty ones: none
    assert (
        "Nouvelles personnes, par langue" in html and "Du premier contact au consentement" in html
    )
    assert "&lt; 5" in html and "≥ 5" in html
    assert "+3361" not in html and "tg-a" not in html  # aggregates only
    filtered = await client.get(f"/admin/dashboard?{QUERY}&lang=ar&channel=whatsapp")
    assert filtered.status_code == 200 and 'value="ar" selected' in filtered.text
    bad = await client.get("/admin/dashboard?from=2026-13-01&to=x")
    assert bad.status_code == 422 and "AAAA-MM-JJ" in bad.text


async def test_dashboard_tables_download(filled: Panel) -> None:
    client = await filled.signed_in("staff")
    got = await client.get(f"/admin/dashboard/export/people_by_channel?{QUERY}")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(got.text)))
    assert rows[0] == ["Jour", "Telegram", "WhatsApp", "Total"]
    assert rows[-1][0] == "Total" and rows[-1][-1] == "8"
    book = await client.get(f"/admin/dashboard/export/all?{QUERY}&format=xlsx")
    sheets = openpyxl.load_workbook(io.BytesIO(book.content))
    assert len(sheets.sheetnames) == 13  # people (2), consent, journey, outcomes, steps,
    # sales by day, by week and by payment, workshops, broadcasts, requests for a person,
    # misunderstood
    first = sheets[sheets.sheetnames[0]]
    values = [[c.value for c in row] for row in first.iter_rows()]
    assert values[0][0] == "Jour" and values[-1][-1] == 8
    assert "< 5" in {v for row in values for v in row}
    missing = await client.get(f"/admin/dashboard/export/nothing?{QUERY}")
    assert missing.status_code == 404


async def test_report_page_and_its_downloads(filled: Panel, tmp_path: Path) -> None:
    client = await filled.signed_in("staff")
    page = await client.get(f"/admin/report?{QUERY}")
    assert page.status_code == 200
    assert "Rapport d'impact" in page.text and "du 01/03/2026 au 07/03/2026" in page.text
    assert "du 22/02/2026 au 28/02/2026" in page.text  # the previous period
    got = await client.get(f"/admin/report/export?{QUERY}&format=csv")
    rows = list(csv.reader(io.StringIO(got.text)))
    assert rows[0] == ["from", "to", "figure", "label", "by", "group", "value", "previous_value"]
    assert rows[2][4:] == ["total", "all", "8", "< 5"]
    pdf = await client.get(f"/admin/report/export?{QUERY}&format=pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    text = pdf_text(pdf.content, tmp_path)
    assert "Rapport d'impact" in text and "01/03/2026" in text
    assert "Personnes touchées" in text and "< 5" in text and "≥ 5" in text
    bad = await client.get("/admin/report/export?from=2026-03-07&to=2026-03-01&format=pdf")
    assert bad.status_code == 400
    html_asked = await client.get(f"/admin/report/export?{QUERY}&format=html")
    assert html_asked.status_code == 400  # never a CSV under another name


def pdf_text(content: bytes, tmp_path: Path) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: make test installs poppler-utils (make browser)"
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    out = subprocess.run([tool, "-layout", str(path), "-"], capture_output=True, check=True)
    return re.sub(r"[ \t]+", " ", out.stdout.decode("utf-8"))
