"""`serve` (the web process) and `worker` (outbox sender and scheduler only).

WORKER_ENABLED decides which of them sends: `serve` when false (one process, `make run`),
only workers when true (compose). A worker refuses to start when it is false, since
`serve` would be sending too.
"""

from __future__ import annotations

import argparse
import asyncio
import signal

from bot.cli.runtime import CommandError, Subparsers, command, require_migrated
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

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    svc = Services(settings)
    svc.install_channels()
    await svc.open()
    await svc.start_background(receive=False, deliver=True)
    try:
        await stop.wait()
    finally:
        await svc.close()


def cmd_worker(settings: Settings, _: argparse.Namespace) -> int:
    if not settings.worker_enabled:
        raise CommandError(
            "WORKER_ENABLED is false, so `python -m bot serve` sends the outbox itself; "
            "set WORKER_ENABLED=true (for every process) to run workers"
        )
    require_migrated(settings)
    asyncio.run(_worker(settings))
    return 0
