"""The admin panel's ASGI app, mounted by bot/app.py under /admin.

Every page module in admin/routes/ is found and wired here: each `@page` gets the same
wrapper (session, CSRF on unsafe methods, its role), and every response the same
security headers (a Content-Security-Policy without inline script, no framing).
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import pkgutil
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

import admin.routes
from admin import auth, nav
from admin.broadcast_french import audience_words, channel_name
from admin.deps import Ctx, Page, Role, url
from admin.masking import mask_identity
from bot.services import Services
from bot.web.limits import RequestLimits
from content.catalog import LANGS, RTL_LANGS

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_BODY = 512 * 1024  # a flow's YAML is a few kilobytes
UPLOAD_TIMEOUT = 300.0  # seconds to send an uploaded file
NAME = re.compile(r"[\w.\-]{1,128}")
MAX_INT = 2**31 - 1
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
LANG_NAMES = {"fr": "Français", "ar": "العربية", "prs": "دری", "ti": "ትግርኛ"}


@dataclass
class AdminState:
    services: Services
    templates: jinja2.Environment
    cookies: auth.CookieCodec
    pages: tuple[Page, ...]


def pages() -> Iterator[Page]:
    """Every `@page` of every module in admin/routes/ (adding a page = adding a module)."""
    for info in pkgutil.iter_modules(admin.routes.__path__):
        module = importlib.import_module(f"admin.routes.{info.name}")
        for value in vars(module).values():
            if isinstance(value, Page):
                yield value


def create_admin_app(services: Services) -> Starlette:
    found = tuple(sorted(pages(), key=lambda p: p.path))
    state = AdminState(
        services,
        _templates(services, found),
        auth.CookieCodec(services.settings.effective_secret_key()),
        found,
    )
    routes: list[BaseRoute] = [
        Route(p.path, _endpoint(p, state), methods=list(p.methods)) for p in found
    ]
    routes.append(Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"))

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 404 and request.scope.get("type") == "http":
            ctx = await _context(request, state)
            if ctx.user is None:  # nothing is revealed to anonymous visitors
                return _finish(ctx, RedirectResponse(url("/login"), status_code=303))
            return _finish(ctx, _error(ctx, 404, "Cette page n'existe pas."))
        if status == 405:
            return PlainTextResponse("Method Not Allowed", status_code=405)
        return PlainTextResponse("Error", status_code=status)

    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: not_found},
        middleware=[
            Middleware(
                ProxyHeadersMiddleware,
                trusted_hosts=services.settings.forwarded_allow_ips,
            ),
            Middleware(SecurityHeaders),
            Middleware(
                BodyLimits,
                uploads={p.path: MAX_BODY + p.max_upload for p in found if p.max_upload},
            ),
        ],
    )
    app.state.admin = state
    return app


def _endpoint(page: Page, state: AdminState) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        ctx = await _context(request, state)
        if request.method not in SAFE_METHODS:
            try:
                ctx.form = await request.form(
                    max_files=1 if page.max_upload else 0, max_fields=2000
                )
            except (MultiPartException, ValueError):
                return _finish(ctx, PlainTextResponse("Bad Request", status_code=400))
            token = ctx.form.get("csrf_token") or request.headers.get("x-csrf-token")
            if not auth.csrf_ok(ctx.csrf, token if isinstance(token, str) else None):
                message = "Le formulaire a expiré : rechargez la page et recommencez."
                return _finish(ctx, _error(ctx, 403, message))
        if page.role is not None:
            if ctx.user is None:
                return _finish(ctx, RedirectResponse(url("/login"), status_code=303))
            if not ctx.can(page.role):
                return _finish(ctx, _error(ctx, 403, "Votre rôle ne permet pas cette page."))
        if not _plausible(request.path_params):  # nothing by that name could exist
            return _finish(ctx, _error(ctx, 404, "Cette page n'existe pas."))
        return _finish(ctx, await page.handler(ctx))

    endpoint.__name__ = page.handler.__name__
    return endpoint


def _plausible(params: dict[str, object]) -> bool:
    """Path parameters a database can be asked about: names of letters, digits and . _ -
    (no NUL, which PostgreSQL refuses), numbers that fit its integers."""
    for value in params.values():
        if isinstance(value, int) and not 0 <= value <= MAX_INT:
            return False
        if isinstance(value, str) and not NAME.fullmatch(value):
            return False
    return True


async def _context(request: Request, state: AdminState) -> Ctx:
    """Who is asking (from the signed cookie), and their CSRF token."""
    data = state.cookies.load(request.cookies.get(auth.COOKIE))
    fresh = data is None
    if data is None:
        data = auth.CookieData(None, auth.new_csrf())
    user = None
    if data.token is not None:
        user = await auth.signed_in(state.services.db, data.token, state.services.clock())
        if user is None:  # ended, expired or disabled: continue as anonymous
            data, fresh = auth.CookieData(None, data.csrf), True
    ctx = Ctx(request, state, user, data.csrf, session_token=data.token if user else None)
    if fresh:
        ctx.set_cookie = auth.cookie_options(request, state.cookies.dump(data))
    return ctx


def _finish(ctx: Ctx, response: Response) -> Response:
    if ctx.set_cookie is not None:
        response.set_cookie(**ctx.set_cookie)
    return response


def _error(ctx: Ctx, status: int, message: str) -> HTMLResponse:
    return ctx.render("error.html", status=status, code=status, message=message)


class BodyLimits:
    """Request bodies up to MAX_BODY (413 beyond, before they are read), more on the few
    routes that take an uploaded file."""

    def __init__(self, app: ASGIApp, *, uploads: dict[str, int]) -> None:
        self.default = RequestLimits(app, max_body=MAX_BODY, prefix="")
        self.uploads = {  # a phone on a slow connection takes minutes to send a recording
            path: RequestLimits(app, max_body=size, body_timeout=UPLOAD_TIMEOUT, prefix="")
            for path, size in uploads.items()
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        limit = self.uploads.get(path) if scope["type"] == "http" else None
        await (limit or self.default)(scope, receive, send)


class SecurityHeaders:
    """Headers on every response of the panel, static files and errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = "/static/" in scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                ]
                if b"cache-control" not in names:
                    cache = b"public, max-age=604800" if static else b"no-store"
                    extra.append((b"cache-control", cache))
                message["headers"] = headers + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _templates(services: Services, found: tuple[Page, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every value is escaped unless a template says otherwise (none do)
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    versions = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:10]
        for p in (HERE / "static").iterdir()
        if p.is_file()
    }
    zone = ZoneInfo(services.settings.timezone)
    live = {p.path for p in found if "GET" in p.methods}

    def static(name: str) -> str:
        return url(f"/static/{name}?v={versions.get(name, '0')}")

    def local_time(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
        return value.astimezone(zone).strftime(fmt) if value else ""

    def text_dir(lang: str) -> str:
        return "rtl" if lang in RTL_LANGS else "ltr"

    env.globals.update(
        url=url,
        static=static,
        LANGS=LANGS,
        LANG_NAMES=LANG_NAMES,
        Role=Role,
        nav_entries=lambda ctx: nav.entries(ctx, live),
        text_dir=text_dir,
    )
    env.filters["local_time"] = local_time
    env.filters["audience"] = audience_words
    env.filters["channel"] = channel_name
    env.filters["mask"] = mask_identity
    return env
