"""The daily digest (staff and up): what happened on a day, yesterday by default — the day's
counts, requests still open, people the bot did not understand; identities masked unless the
role answers people. With SMTP settings, a facilitator can send it by e-mail now (it is also
sent every morning by itself)."""

from __future__ import annotations

from datetime import date, timedelta

from starlette.responses import Response

from admin.deps import Ctx, Role, page
from admin.figures import download, today, zone
from bot.reports import mail
from bot.reports.counts import LANG_NAMES_FR
from bot.reports.digest import read_digest
from bot.reports.period import parse_day

NOTICES = {"sent": "Envoyé par e-mail.", "failed": "L'e-mail n'est pas parti : voir le journal."}


def _day(ctx: Ctx, value: str) -> date | None:
    if not value:
        return today(ctx) - timedelta(days=1)
    try:
        return parse_day(value)
    except ValueError:
        return None


@page("/digest", role=Role.staff)
async def digest(ctx: Ctx) -> Response:
    day = _day(ctx, ctx.query("day"))
    if day is None:
        message = "La date s'écrit AAAA-MM-JJ (par exemple 2026-03-31)."
        return ctx.render("error.html", status=422, code=422, message=message)
    async with ctx.db.connect() as conn:
        made = await read_digest(conn, day, zone(ctx))
    if ctx.query("format") in ("csv", "xlsx"):
        return download([made.table], f"journee_{day}", ctx.query("format"))
    settings = ctx.state.services.settings
    return ctx.render(
        "digest.html",
        digest=made,
        day=day,
        previous=day - timedelta(days=1),
        next=day + timedelta(days=1) if day < today(ctx) else None,
        lang_names=LANG_NAMES_FR,
        can_mail=mail.configured(settings),
        recipients=len(settings.digest_recipients),
        notice=NOTICES.get(ctx.query("notice")),
    )


@page("/digest/send", role=Role.facilitator, methods=("POST",))
async def digest_send(ctx: Ctx) -> Response:
    day = _day(ctx, ctx.field("day"))
    settings = ctx.state.services.settings
    if day is None or not mail.configured(settings):
        return ctx.render("error.html", status=422, code=422, message="Pas d'envoi possible.")
    async with ctx.db.connect() as conn:
        made = await read_digest(conn, day, zone(ctx))
    try:
        await mail.send(settings, made)
    except mail.MailError:
        return ctx.redirect("/digest", day=day.isoformat(), notice="failed")
    async with ctx.db.begin() as conn:
        await ctx.audit(
            conn, "digest.send", f"{day.isoformat()} to {len(settings.digest_recipients)}"
        )
    return ctx.redirect("/digest", day=day.isoformat(), notice="sent")
