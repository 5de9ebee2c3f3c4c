"""Command line: `python -m bot <command>`. Each module adds one group of commands; this
one only builds the parser and dispatches. Bad arguments get argparse's one-line error
and exit 2; expected failures (no database, bad data) one line and exit 1."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import (
    broadcasts,
    chat,
    coops,
    database,
    inbox,
    sales,
    serve,
    templates,
    users,
    workshops,
)
from bot.cli.runtime import CommandError, configure_logging
from bot.settings import get_settings

COMMAND_GROUPS = (
    serve,
    chat,
    database,
    users,
    coops,
    sales,
    workshops,
    inbox,
    broadcasts,
    templates,
)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bot")
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(sub)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = get_settings()
    configure_logging(settings)
    try:
        code: int = args.run(settings, args)
    except CommandError as exc:
        print(f"python -m bot {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return code
