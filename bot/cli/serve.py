"""`serve` (the web process) and `worker` (outbox sender and scheduler only)."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli.runtime import Subparsers, command, require_migrated
from bot.settings import Settings


def register(sub: Subparsers) -> None:
    command(sub, "serve", cmd_serve, help="the web process: webhooks, admin, background loops")
    command(sub, "worker", cmd_worker, help="outbox sender and scheduler only")


def cmd_serve(settings: Settings, _: argparse.Namespace) -> int:
    import uvicorn

    from bot.app import create_app

    require_migrated(settings)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        access_log=False,
    )
    return 0


async def _worker(settings: Settings) -> None:
    from bot.services import Services

    svc = Services(settings)
    svc.install_channels()
    await svc.open()
    await svc.start_background(receive=False)
    try:
        await asyncio.Event().wait()
    finally:
        await svc.close()


def cmd_worker(settings: Settings, _: argparse.Namespace) -> int:
    require_migrated(settings)
    asyncio.run(_worker(settings))
    return 0
