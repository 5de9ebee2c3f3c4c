"""The panel's first page: people waiting for an answer, what is in service, what waits to
be published or reviewed."""

from __future__ import annotations

from starlette.responses import Response

from admin.deps import Ctx, Role, page
from admin.translations import text_rows
from bot.db.repos import content as repo
from bot.db.repos.handover import count_requests


@page("/", role=Role.staff)
async def home(ctx: Ctx) -> Response:
    async with ctx.db.connect() as conn:
        head = await repo.head_release(conn)
        last = await repo.release(conn, head) if head else None
        drafts = await repo.count_drafts(conn)
        conflicts = len(await repo.open_conflicts(conn))
        rows = await text_rows(conn)
        waiting = await conn.run_sync(count_requests)
    return ctx.render(
        "home.html",
        waiting=waiting,
        head=head,
        last=last,
        drafts=drafts,
        conflicts=conflicts,
        missing=sum(len(r.missing) for r in rows),
        outdated=sum(len(r.outdated) for r in rows),
        machine=sum(len(r.machine) for r in rows),
        texts=len(rows),
    )
