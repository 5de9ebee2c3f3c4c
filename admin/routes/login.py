"""Signing in and out (fixed routes: GET/POST /admin/login, POST /admin/logout)."""

from __future__ import annotations

from starlette.responses import Response

from admin import auth
from admin.deps import Ctx, page

NOTICES = {"out": "Vous êtes déconnecté·e."}


@page("/login", role="public")
async def login_form(ctx: Ctx) -> Response:
    if ctx.user is not None:
        return ctx.redirect("/")
    return ctx.render("login.html", email="", error=None, notice=NOTICES.get(ctx.query("notice")))


@page("/login", role="public", methods=("POST",))
async def login(ctx: Ctx) -> Response:
    email = ctx.field("email", limit=254).strip()
    password = ctx.field("password", limit=1024)
    if not email or not password:
        return ctx.render(
            "login.html",
            status=400,
            email=email,
            error="Écrivez votre e-mail et votre mot de passe.",
            notice=None,
        )
    result = await auth.log_in(ctx.db, email, password, auth.client_address(ctx.request), ctx.now)
    if result.outcome == "locked":
        minutes = int(auth.LOCK_FOR.total_seconds() // 60)
        error = f"Trop d'essais. Réessayez dans {minutes} minutes."
        return ctx.render("login.html", status=429, email=email, error=error, notice=None)
    if result.outcome == "wrong" or result.token is None:
        error = "E-mail ou mot de passe incorrect."
        return ctx.render("login.html", status=401, email=email, error=error, notice=None)
    # A new session and a new CSRF token: nothing from before the login carries over.
    fresh = auth.CookieData(result.token, auth.new_csrf())
    ctx.set_cookie = auth.cookie_options(ctx.request, ctx.state.cookies.dump(fresh))
    return ctx.redirect("/")


@page("/logout", role="public", methods=("POST",))
async def logout(ctx: Ctx) -> Response:
    if ctx.session_token is not None:
        await auth.log_out(ctx.db, ctx.session_token)
        async with ctx.db.begin() as conn:
            await ctx.audit(conn, "logout", "")
    fresh = auth.CookieData(None, auth.new_csrf())
    ctx.set_cookie = auth.cookie_options(ctx.request, ctx.state.cookies.dump(fresh))
    return ctx.redirect("/login", notice="out")
