"""Dates a person may type but no one means (year 0001, 9999, a clock-change minute): every
page and command answers in one clear sentence, never a 500 or a traceback."""

from __future__ import annotations

import html

import pytest

from tests.admin.conftest import Panel, csrf
from tests.cli import run

FAR = [
    "/admin/coops/export?month=9999-12&format=csv",
    "/admin/coops/export?month=0000-01&format=csv",
    "/admin/report?from=0001-01-01&to=0001-01-02",
    "/admin/report?from=9999-12-30&to=9999-12-31",
    "/admin/dashboard?from=9999-12-30&to=9999-12-31",
    "/admin/dashboard?from=0001-01-01&to=0001-01-02",
    "/admin/report/export?from=9999-12-30&to=9999-12-31&format=pdf",
    "/admin/report/export?from=0001-01-01&to=0001-01-02&format=xlsx",
    "/admin/dashboard/export/sales_by_day?from=9999-12-01&to=9999-12-31",
    "/admin/digest?day=9999-12-31",
    "/admin/digest?day=0001-01-01",
]


@pytest.mark.parametrize("path", FAR)
async def test_far_dates_in_pages_are_refused_in_a_sentence(panel: Panel, path: str) -> None:
    client = await panel.signed_in("admin")
    response = await client.get(path)
    assert 400 <= response.status_code < 500, (path, response.status_code)


@pytest.mark.parametrize(
    ("when", "said"),
    [
        ("0001-01-01T00:00", "entre 2000 et 2099"),
        ("9999-12-31T23:59", "entre 2000 et 2099"),
        ("2027-03-28T02:30", "on avance l'heure"),
        ("2027-10-31T02:30", "on recule l'heure"),
    ],
)
async def test_a_workshop_at_a_far_or_clock_change_time(panel: Panel, when: str, said: str) -> None:
    client = await panel.signed_in("facilitator")
    token = await csrf(client, "/admin/workshops")
    data = {"csrf_token": token, "title_fr": "Atelier", "starts_at": when, "place": "ici"}
    response = await client.post("/admin/workshops", data=data)
    assert response.status_code == 422
    assert said in html.unescape(response.text)


@pytest.mark.parametrize("month", ["9999-12", "0000-01", "1999-12"])
def test_export_sales_far_month_is_a_bad_argument(month: str) -> None:
    result = run(["export-sales", "--month", month])
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "YYYY-MM" in result.stderr.splitlines()[-1]
