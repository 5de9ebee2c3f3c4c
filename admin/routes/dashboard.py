"""The dashboard (staff and up): figures for a period, by language, channel and coop, as
charts and tables; each table downloads as CSV or XLSX. Aggregates only, with the "< 5"
rule; a coop's sales by member name members by their ledger reference for facilitators,
by rank only for staff."""

from __future__ import annotations

from starlette.responses import Response

from admin.deps import Ctx, Role, page
from admin.figures import asked, download, zone
from bot.ledger.rows import member_ref
from bot.reports.broadcasts import read_broadcasts
from bot.reports.charts import legend, svg
from bot.reports.counts import CHANNEL_NAMES, LANG_NAMES_FR, read_counts
from bot.reports.dashboard import Filters, Journeys, build
from bot.reports.journey import Titles
from bot.reports.programme import Programme, read_programme
from bot.reports.tables import Table


async def _tables(ctx: Ctx, filters: Filters) -> tuple[list[Table], Programme]:
    async with ctx.db.connect() as conn:
        counts = await read_counts(conn, filters.period, zone(ctx), grain=filters.period.grain)
        programme = await read_programme(conn, filters.period, zone(ctx), filters.coop)
        sent = await read_broadcasts(
            conn, filters.period, zone(ctx), lang=filters.lang, channel=filters.channel
        )
    name = _reference if ctx.can(Role.facilitator) else _rank
    journeys = Journeys(programme, name, Titles.of(ctx.state.services.catalog()).steps)
    return build(counts, filters, journeys, sent), programme


def _reference(member_id: int, rank: int) -> str:
    return member_ref(member_id)


def _rank(member_id: int, rank: int) -> str:
    """Staff read figures, not people: a member is only their rank in the table."""
    return f"Membre {rank}"


@page("/dashboard", role=Role.staff)
async def dashboard(ctx: Ctx) -> Response:
    wanted = asked(ctx)
    tables, programme = await _tables(ctx, wanted.filters)
    return ctx.render(
        "dashboard.html",
        status=422 if wanted.error else 200,
        asked=wanted,
        figures=[(t, svg(t), legend(t)) for t in tables],
        lang_names=LANG_NAMES_FR,
        channel_names=CHANNEL_NAMES,
        coop_names=programme.coops,
    )


@page("/dashboard/export/{table}", role=Role.staff)
async def dashboard_export(ctx: Ctx) -> Response:
    wanted = asked(ctx)
    if wanted.error:  # never the default period's figures under a name that says otherwise
        return ctx.render("error.html", status=422, code=422, message=wanted.error)
    tables, _ = await _tables(ctx, wanted.filters)
    name = ctx.param("table")
    chosen = tables if name == "all" else [t for t in tables if t.id == name]
    if not chosen:
        return ctx.render("error.html", status=404, code=404, message="Ce tableau n'existe pas.")
    fmt = "xlsx" if ctx.query("format") == "xlsx" else "csv"
    period = wanted.filters.period
    return download(chosen, f"{name}_{period.start}_{period.end}", fmt)
