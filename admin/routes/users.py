"""Accounts (admins only): create one with a password shown once, change its role,
disable or enable it, give it a new password. Every change is in the audit log."""

from __future__ import annotations

import asyncio
import re
import secrets

from starlette.responses import Response

from admin.deps import Ctx, Pager, Role, page
from bot.db.repos import admin as repo
from bot.db.repos.admin import ROLES, StaffUser

EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
NOTICES = {
    "role": "Rôle changé.",
    "disabled": "Compte désactivé : ses sessions sont fermées.",
    "enabled": "Compte réactivé.",
}


async def _page(
    ctx: Ctx,
    *,
    status: int = 200,
    error: str | None = None,
    created: tuple[str, str] | None = None,
    email: str = "",
) -> Response:
    async with ctx.db.connect() as conn:
        pager = Pager.of(ctx, await repo.count_users(conn))
        users = await repo.list_users(conn, limit=pager.per_page, offset=pager.offset)
    return ctx.render(
        "users.html",
        status=status,
        users=users,
        pager=pager,
        roles=ROLES,
        error=error,
        created=created,
        email=email,
        notice=NOTICES.get(ctx.query("notice")),
    )


@page("/users", role=Role.admin)
async def user_list(ctx: Ctx) -> Response:
    return await _page(ctx)


@page("/users", role=Role.admin, methods=("POST",))
async def user_create(ctx: Ctx) -> Response:
    email = repo.normalize_email(ctx.field("email", limit=254))
    role = ctx.field("role")
    if not EMAIL.match(email):
        return await _page(
            ctx, status=422, error="Cette adresse e-mail n'est pas valide.", email=email
        )
    if role not in ROLES:
        return await _page(ctx, status=422, error="Choisissez un rôle.", email=email)
    password = secrets.token_urlsafe(12)
    password_hash = await asyncio.to_thread(repo.hash_password, password)
    async with ctx.db.begin() as conn:
        user_id = await repo.create_user(conn, email, password_hash, role, ctx.now)
        if user_id is not None:
            await ctx.audit(conn, "user.create", f"{email} ({role})")
    if user_id is None:
        return await _page(
            ctx, status=409, error="Un compte existe déjà avec cet e-mail.", email=email
        )
    return await _page(ctx, created=(email, password))


async def _target(ctx: Ctx) -> StaffUser | None:
    async with ctx.db.connect() as conn:
        return await repo.user_by_id(conn, int(ctx.request.path_params["user_id"]))


async def _last_admin(ctx: Ctx, user: StaffUser) -> bool:
    """Would this change leave no active admin?"""
    if user.role != "admin" or user.disabled:
        return False
    async with ctx.db.connect() as conn:
        return await repo.count_active_admins(conn) <= 1


@page("/users/{user_id:int}/role", role=Role.admin, methods=("POST",))
async def user_role(ctx: Ctx) -> Response:
    user, role = await _target(ctx), ctx.field("role")
    if user is None:
        return ctx.render("error.html", status=404, code=404, message="Ce compte n'existe pas.")
    if role not in ROLES:
        return await _page(ctx, status=422, error="Choisissez un rôle.")
    if role != "admin" and await _last_admin(ctx, user):
        return await _page(ctx, status=409, error="Il faut garder au moins un compte admin actif.")
    async with ctx.db.begin() as conn:
        await repo.set_role(conn, user.id, role)
        await repo.end_user_sessions(conn, user.id)  # the new role applies at the next login
        await ctx.audit(conn, "user.role", f"{user.email}: {user.role} -> {role}")
    return ctx.redirect("/users", notice="role")


@page("/users/{user_id:int}/disable", role=Role.admin, methods=("POST",))
async def user_disable(ctx: Ctx) -> Response:
    user = await _target(ctx)
    if user is None:
        return ctx.render("error.html", status=404, code=404, message="Ce compte n'existe pas.")
    if await _last_admin(ctx, user):
        return await _page(ctx, status=409, error="Il faut garder au moins un compte admin actif.")
    async with ctx.db.begin() as conn:
        await repo.set_disabled(conn, user.id, ctx.now)
        await repo.end_user_sessions(conn, user.id)
        await ctx.audit(conn, "user.disable", user.email)
    return ctx.redirect("/users", notice="disabled")


@page("/users/{user_id:int}/enable", role=Role.admin, methods=("POST",))
async def user_enable(ctx: Ctx) -> Response:
    user = await _target(ctx)
    if user is None:
        return ctx.render("error.html", status=404, code=404, message="Ce compte n'existe pas.")
    async with ctx.db.begin() as conn:
        await repo.set_disabled(conn, user.id, None)
        await ctx.audit(conn, "user.enable", user.email)
    return ctx.redirect("/users", notice="enabled")


@page("/users/{user_id:int}/password", role=Role.admin, methods=("POST",))
async def user_password(ctx: Ctx) -> Response:
    user = await _target(ctx)
    if user is None:
        return ctx.render("error.html", status=404, code=404, message="Ce compte n'existe pas.")
    password = secrets.token_urlsafe(12)
    password_hash = await asyncio.to_thread(repo.hash_password, password)
    async with ctx.db.begin() as conn:
        await repo.set_password_hash(conn, user.id, password_hash)
        await repo.end_user_sessions(conn, user.id)
        await ctx.audit(conn, "user.password", user.email)
    return await _page(ctx, created=(user.email, password))
