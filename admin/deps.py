"""What a page handler gets and declares: its role (`@page(..., role=...)`, once per route),
and a `Ctx` with the request, the signed-in user, the parsed form, the database and
`render`/`redirect`. See admin/routes/ for pages; each is one module and one template.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.db.repos import admin as users_repo
from bot.db.repos.admin import StaffUser
from bot.db.session import Database

if TYPE_CHECKING:
    from admin.app import AdminState

PREFIX = "/admin"  # where bot/app.py mounts the panel (a fixed route in DESIGN.md)


class Role(enum.IntEnum):
    """Cumulative: each role can do all that the roles below it can."""

    staff = 1  # reads dashboards, summaries and reports
    facilitator = 2  # also edits flows, texts, coops, workshops, broadcasts; answers the inbox
    admin = 3  # also manages accounts and settings

    @classmethod
    def of(cls, name: str) -> Role | None:
        return cls.__members__.get(name)

    @property
    def label(self) -> str:
        return {"staff": "équipe", "facilitator": "animateur·rice", "admin": "admin"}[self.name]


Access = Role | Literal["public"]
Handler = Callable[["Ctx"], Awaitable[Response]]


@dataclass(frozen=True)
class Page:
    """One route of the panel and the role it needs: the only place that says it."""

    path: str  # below /admin, e.g. "/flows/{flow_id}"
    handler: Handler
    access: Access
    methods: tuple[str, ...]

    @property
    def role(self) -> Role | None:
        return None if self.access == "public" else self.access


def page(
    path: str, *, role: Access, methods: tuple[str, ...] = ("GET",)
) -> Callable[[Handler], Page]:
    """Declare a route: `@page("/flows", role=Role.staff)`. Anonymous visitors are sent to
    the login page, a signed-in user below `role` gets 403, and every unsafe method
    needs the session's CSRF token (checked before the handler runs)."""

    def declare(handler: Handler) -> Page:
        return Page(path, handler, role, methods)

    return declare


@dataclass
class Ctx:
    request: Request
    state: AdminState
    user: StaffUser | None
    csrf: str
    session_token: str | None = None
    form: FormData | None = None
    set_cookie: dict[str, Any] | None = field(default=None)  # a new session cookie to send

    @property
    def db(self) -> Database:
        return self.state.services.db

    @property
    def now(self) -> datetime:
        return self.state.services.clock()

    @property
    def role(self) -> Role | None:
        return Role.of(self.user.role) if self.user else None

    def can(self, role: Role) -> bool:
        mine = self.role
        return mine is not None and mine >= role

    @property
    def actor(self) -> str:
        return self.user.email if self.user else "anonyme"

    def param(self, name: str) -> str:
        return str(self.request.path_params[name])

    def query(self, name: str, default: str = "") -> str:
        return storable(self.request.query_params.get(name, default)[:500])

    def field(self, name: str, default: str = "", *, limit: int = 20_000) -> str:
        value = self.form.get(name, default) if self.form is not None else default
        return storable(value[:limit]) if isinstance(value, str) else default

    def fields(self, name: str) -> list[str]:
        if self.form is None:
            return []
        return [storable(v[:1000]) for v in self.form.getlist(name) if isinstance(v, str)]

    def render(self, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.state.templates.get_template(template).render(ctx=self, **context)
        return HTMLResponse(html, status_code=status)

    def redirect(self, path: str, **query: str | int) -> RedirectResponse:
        target = url(path) + (("?" + urlencode(query)) if query else "")
        return RedirectResponse(target, status_code=303)

    async def audit(self, conn: AsyncConnection, action: str, detail: str) -> None:
        await users_repo.add_audit(conn, self.actor, action, detail, self.now)


def storable(text: str) -> str:
    """Text every database accepts: no NUL (PostgreSQL refuses it), no lone surrogates."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def url(path: str) -> str:
    return PREFIX + path


@dataclass(frozen=True)
class Pager:
    """One page of a list: `?page=N`, PER_PAGE rows each."""

    number: int
    total: int
    per_page: int = 50

    @classmethod
    def of(cls, ctx: Ctx, total: int, per_page: int = 50) -> Pager:
        try:
            number = int(ctx.query("page", "1"))
        except ValueError:
            number = 1
        pages = max(1, math.ceil(total / per_page))
        return cls(min(max(1, number), pages), total, per_page)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    def window(self, items: list[Any]) -> list[Any]:
        """This page's slice of a list already in memory."""
        return items[self.offset : self.offset + self.per_page]
