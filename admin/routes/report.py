"""The impact report (staff and up): a period compared to the previous one, printable (print
CSS), and downloadable as PDF, CSV and XLSX. Anonymous by construction."""

from __future__ import annotations

from starlette.responses import Response

from admin.deps import Ctx, Role, page
from admin.figures import XLSX, asked, zone
from bot.reports import html, pdf
from bot.reports.report import build_report
from bot.reports.tables import workbook


@page("/report", role=Role.staff)
async def report(ctx: Ctx) -> Response:
    wanted = asked(ctx)
    async with ctx.db.connect() as conn:
        made = await build_report(conn, wanted.filters.period, zone(ctx), ctx.now)
    return ctx.render(
        "report.html",
        status=422 if wanted.error else 200,
        asked=wanted,
        body=html.body(made),
    )


@page("/report/export", role=Role.staff)
async def report_export(ctx: Ctx) -> Response:
    wanted = asked(ctx)
    if wanted.error:
        return ctx.render("error.html", status=400, code=400, message=wanted.error)
    fmt = ctx.query("format", "csv")
    if fmt not in ("csv", "xlsx", "pdf"):  # the page itself prints: /admin/report
        message = "Formats : csv, xlsx ou pdf (la page du rapport s'imprime telle quelle)."
        return ctx.render("error.html", status=400, code=400, message=message)
    async with ctx.db.connect() as conn:
        made = await build_report(conn, wanted.filters.period, zone(ctx), ctx.now)
    period = made.period
    name = f"rapport_{period.start}_{period.end}"
    if fmt == "pdf":
        body, media = pdf.render(made), "application/pdf"
    elif fmt == "xlsx":
        body, media = workbook(list(made.tables)), XLSX
    else:
        body, media = made.csv().encode("utf-8"), "text/csv; charset=utf-8"
    disposition = f'attachment; filename="{name}.{fmt}"'
    return Response(body, media_type=media, headers={"content-disposition": disposition})
