"""Command line: `python -m bot <command>`. Each module adds one group of commands; this
one only builds the parser and dispatches. Bad arguments get argparse's one-line error
and exit 2; expected failures (no database, bad data) one line and exit 1; output cut short
by its reader (`… | head`) ends quietly with 141, as a shell's own tools do."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from bot.cli import (
    broadcasts,
    chat,
    coops,
    database,
    inbox,
    reports,
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
    reports,
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
    try:
        settings = get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]).upper()
            reason = str(error["msg"]).removeprefix("Value error, ")
            print(f"python -m bot {args.command}: setting {name}: {reason}", file=sys.stderr)
        return 2
    configure_logging(settings)
    try:
        code: int = args.run(settings, args)
        sys.stdout.flush()
    except CommandError as exc:
        print(f"python -m bot {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader has gone: what is still buffered goes nowhere, not to a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return code
