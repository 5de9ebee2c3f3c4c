"""ASGI assembly: health, channel webhooks, admin; background loops in the lifespan (the
outbox sender and the scheduler only when WORKER_ENABLED is false: else workers run them)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route

from admin.app import create_admin_app
from bot.services import Services
from bot.settings import Settings, get_settings
from bot.web.limits import RequestLimits


def create_app(settings: Settings | None = None, services: Services | None = None) -> Starlette:
    settings = settings or get_settings()
    svc = services or Services(settings)
    svc.install_channels()

    async def healthz(request: Request) -> JSONResponse:
        if await svc.db.ping():
            return JSONResponse({"status": "ok"})
        return JSONResponse({"status": "unavailable"}, status_code=503)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await svc.open()
        await svc.start_background(receive=True, deliver=not settings.worker_enabled)
        try:
            yield
        finally:
            await svc.close()

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"]), svc.media.route()]
    for channel in svc.hosted:
        routes += channel.routes()
    routes.append(Mount("/admin", app=create_admin_app(svc)))
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(RequestLimits)])
    app.state.services = svc
    return app
