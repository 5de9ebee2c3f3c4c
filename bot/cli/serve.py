"""`serve` (the web process) and `worker` (outbox sender and scheduler only).

WORKER_ENABLED decides which of them sends: `serve` when false (one process, `make run`),
only workers when true (compose). A worker refuses to start when it is false, since
`serve` would be sending too.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from bot.cli.runtime import CommandError, Subparsers, command, require_migrated
from bot.settings import Settings

log = logging.getLogger("bot.serve")
NO_CHANNEL = (
    "no channel is configured (set TELEGRAM_BOT_TOKEN, or TWILIO_ACCOUNT_SID, "
    "TWILIO_AUTH_TOKEN and TWILIO_WHATSAPP_FROM): only `python -m bot chat` can reach the bot"
)


def register(sub: Subparsers) -> None:
    command(sub, "serve", cmd_serve, help="the web process: webhooks, admin, background loops")
    command(sub, "worker", cmd_worker, help="outbox sender and scheduler only")


def channels_line(settings: Settings, names: list[str]) -> str:
    """What `serve` says at start about the channels it hosts."""
    if not names:
        return NO_CHANNEL
    shown = [f"{n} ({settings.effective_telegram_mode})" if n == "telegram" else n for n in names]
    return "channels active: " + ", ".join(shown)


def cmd_serve(settings: Settings, _: argparse.Namespace) -> int:
    import uvicorn

    from bot.app import create_app

    require_migrated(settings)
    app = create_app(settings)
    names = [channel.name for channel in app.state.services.hosted]
    log.log(logging.INFO if names else logging.WARNING, channels_line(settings, names))
    uvicorn.run(
        app,
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
