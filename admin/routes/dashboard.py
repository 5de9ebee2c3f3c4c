"""The dashboard (staff and up): figures for a period, by language and channel, as charts
and tables; each table downloads as CSV or XLSX. Aggregates only, with the "< 5" rule."""

from __future__ import annotations

from starlette.responses import Response

from admin.deps import Ctx, Role, page
from admin.figures import asked, download, zone
from bot.reports.charts import legend, svg
from bot.reports.counts import CHANNEL_NAMES, LANG_NAMES_FR, read_counts
from bot.reports.dashboard import build


@page("/dashboard", role=Role.staff)
async def dashboard(ctx: Ctx) -> Response:
    wanted = asked(ctx)
    async with ctx.db.connect() as conn:
        counts = await read_counts(conn, wanted.filters.period, zone(ctx))
    tables = build(counts, wanted.filters)
    return ctx.render(
        "dashboard.html",
        status=422 if wanted.error else 200,
        asked=wanted,
        figures=[(t, svg(t), legend(t)) for t in tables],
        lang_names=LANG_NAMES_FR,
        channel_names=CHANNEL_NAMES,
    )


@page("/dashboard/export/{table}", role=Role.staff)
async def dashboard_export(ctx: Ctx) -> Response:
    wanted = asked(ctx)
    async with ctx.db.connect() as conn:
        counts = await read_counts(conn, wanted.filters.period, zone(ctx))
    tables = build(counts, wanted.filters)
    name = ctx.param("table")
    chosen = tables if name == "all" else [t for t in tables if t.id == name]
    if not chosen:
        return ctx.render("error.html", status=404, code=404, message="Ce tableau n'existe pas.")
    fmt = "xlsx" if ctx.query("format") == "xlsx" else "csv"
    period = wanted.filters.period
    return download(chosen, f"{name}_{period.start}_{period.end}", fmt)
