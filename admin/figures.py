"""What the figure pages share: the business time zone, the period and filters read from
the query string (with French errors), and table downloads as CSV or XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote
from zoneinfo import ZoneInfo

from starlette.responses import Response

from admin.deps import Ctx
from bot.reports.counts import COUNTED_CHANNELS, REPORT_LANGS
from bot.reports.dashboard import Filters
from bot.reports.period import Period, PeriodError
from bot.reports.tables import Table, TextTable, workbook

DEFAULT_DAYS = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def zone(ctx: Ctx) -> ZoneInfo:
    return ZoneInfo(ctx.state.services.settings.timezone)


def today(ctx: Ctx) -> date:
    return ctx.now.astimezone(zone(ctx)).date()


@dataclass(frozen=True)
class Asked:
    filters: Filters
    error: str | None = None

    def query(self) -> str:
        """The filters as a query string (for export links)."""
        f = self.filters
        parts = [f"from={f.period.start.isoformat()}", f"to={f.period.end.isoformat()}"]
        parts += [f"lang={f.lang}"] if f.lang else []
        parts += [f"channel={f.channel}"] if f.channel else []
        parts += [f"coop={quote(f.coop)}"] if f.coop else []
        return "&".join(parts)


def asked(ctx: Ctx) -> Asked:
    """The period (default: the last 30 days, today included) and filters of the query; a
    bad period falls back to the default and says why."""
    default = Period.last_days(today(ctx), DEFAULT_DAYS)
    start, end = ctx.query("from"), ctx.query("to")
    error = None
    period = default
    if start or end:
        try:
            period = Period.of(start or default.start.isoformat(), end or default.end.isoformat())
        except PeriodError as exc:
            error = str(exc)
    lang = ctx.query("lang")
    channel = ctx.query("channel")
    coop = ctx.query("coop").strip()[:64]
    return Asked(
        Filters(
            period,
            lang if lang in REPORT_LANGS else None,
            channel if channel in COUNTED_CHANNELS else None,
            coop or None,
        ),
        error,
    )


def download(tables: list[Table] | list[TextTable], name: str, fmt: str) -> Response:
    """One table as CSV, or the tables as one XLSX workbook (a sheet each)."""
    if fmt == "xlsx":
        return Response(
            workbook(tables),
            media_type=XLSX,
            headers={"content-disposition": f'attachment; filename="{name}.xlsx"'},
        )
    body = "\n".join(t.csv() for t in tables)
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}.csv"'},
    )
