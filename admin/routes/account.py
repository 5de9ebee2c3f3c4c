"""My account: change my own password (every role)."""

from __future__ import annotations

import asyncio

from starlette.responses import Response

from admin.deps import Ctx, Role, page
from bot.db.repos import admin as repo

MIN_PASSWORD = 10


@page("/account", role=Role.staff)
async def account(ctx: Ctx) -> Response:
    notice = "Mot de passe changé." if ctx.query("notice") == "changed" else None
    return ctx.render("account.html", error=None, notice=notice)


@page("/account", role=Role.staff, methods=("POST",))
async def account_password(ctx: Ctx) -> Response:
    assert ctx.user is not None
    current = ctx.field("current", limit=1024)
    new = ctx.field("new", limit=1024)
    if len(new) < MIN_PASSWORD:
        error = f"Le nouveau mot de passe doit avoir au moins {MIN_PASSWORD} caractères."
        return ctx.render("account.html", status=422, error=error, notice=None)
    if new != ctx.field("again", limit=1024):
        return ctx.render(
            "account.html", status=422, error="Les deux mots de passe diffèrent.", notice=None
        )
    async with ctx.db.connect() as conn:
        found = await repo.credentials(conn, ctx.user.email)
    ok = found is not None and (await asyncio.to_thread(repo.verify_password, current, found[1]))[0]
    if not ok:
        return ctx.render(
            "account.html", status=422, error="Le mot de passe actuel est faux.", notice=None
        )
    password_hash = await asyncio.to_thread(repo.hash_password, new)
    async with ctx.db.begin() as conn:
        await repo.set_password_hash(conn, ctx.user.id, password_hash)
        await ctx.audit(conn, "account.password", ctx.user.email)
    return ctx.redirect("/account", notice="changed")
