"""The audit log (admins only): every change, with who made it and when, newest first."""

from __future__ import annotations

from starlette.responses import Response

from admin.deps import Ctx, Pager, Role, page
from bot.db.repos import admin as repo


@page("/audit", role=Role.admin)
async def audit_log(ctx: Ctx) -> Response:
    async with ctx.db.connect() as conn:
        pager = Pager.of(ctx, await repo.count_audit(conn))
        lines = await repo.audit_page(conn, limit=pager.per_page, offset=pager.offset)
    return ctx.render("audit.html", lines=lines, pager=pager)
