"""`chat`: talk to the real engine and database from a terminal, or through a pipe (one
message per line in, replies on standard output, everything else on standard error)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid

from bot.cli.runtime import Subparsers, command, require_migrated
from bot.settings import Settings
from content.catalog import LANGS


def register(sub: Subparsers) -> None:
    chat = command(sub, "chat", cmd_chat, help="talk to the bot from the terminal")
    chat.add_argument("--user", default="local", help="who you are (conversation id)")
    chat.add_argument("--lang", choices=LANGS, default=None)


async def _chat(settings: Settings, user: str, lang: str | None) -> None:
    from bot.channels.console import ConsoleChannel
    from bot.core.messages import InboundMessage
    from bot.services import Services

    svc = Services(settings)
    await svc.open()
    svc.add_channel(ConsoleChannel(sys.stdout))
    assert svc.sender is not None
    interactive = sys.stdin.isatty()
    if interactive:
        print("Migracoop chat — type a message, Ctrl-D to quit.", file=sys.stderr)
    try:
        while True:
            if interactive:
                try:
                    line = await asyncio.to_thread(input, "> ")
                except EOFError:
                    break
            else:
                raw = await asyncio.to_thread(sys.stdin.readline)
                if not raw:
                    break
                line = raw.rstrip("\n")
            await svc.handle(
                InboundMessage(
                    channel="console",
                    address=user,
                    external_id=uuid.uuid4().hex,
                    text=line,
                    locale_hint=lang,
                )
            )
            await svc.sender.drain()
    finally:
        await svc.close()


def cmd_chat(settings: Settings, args: argparse.Namespace) -> int:
    require_migrated(settings)
    asyncio.run(_chat(settings, args.user, args.lang))
    return 0
