"""`workshop add | list | cancel`: workshops from the command line (the admin panel comes
later). Times are given and shown in TIMEZONE and stored in UTC."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime

from bot.cli.runtime import CommandError, Subparsers, command, database, require_migrated, run_async
from bot.settings import Settings
from content.catalog import BASE_LANG, LANGS

MAX_TITLE = 200
MAX_PLACE = 200


def local_time(value: str) -> datetime:
    """argparse type: "YYYY-MM-DD HH:MM" (a wall-clock time, made aware later)."""
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'{value!r} is not a time as "YYYY-MM-DD HH:MM" (e.g. "2026-12-12 14:30")'
        ) from None


def languages(value: str) -> tuple[str, ...]:
    """argparse type: language codes separated by commas ("fr,ar")."""
    codes = tuple(dict.fromkeys(c.strip() for c in value.split(",") if c.strip()))
    unknown = [c for c in codes if c not in LANGS]
    if not codes or unknown:
        raise argparse.ArgumentTypeError(
            f"{value!r}: languages are {', '.join(LANGS)}, separated by commas (e.g. fr,ar)"
        )
    return codes


def text_of(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise argparse.ArgumentTypeError("must not be empty")
        if len(value) > limit:
            raise argparse.ArgumentTypeError(f"at most {limit} characters")
        return value

    return check


def workshop_id(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a workshop number")
    return int(value)


def register(sub: Subparsers) -> None:
    group = sub.add_parser("workshop", help="add, list or cancel workshops")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = command(actions, "add", cmd_add, help="add a workshop; prints its id last")
    add.add_argument("--title", required=True, type=text_of(MAX_TITLE), help="title (French)")
    for lang in LANGS:
        if lang != BASE_LANG:
            add.add_argument(f"--title-{lang}", type=text_of(MAX_TITLE), help=f"title in {lang}")
    add.add_argument("--at", required=True, type=local_time, help='"YYYY-MM-DD HH:MM", TIMEZONE')
    add.add_argument("--place", required=True, type=text_of(MAX_PLACE))
    add.add_argument("--langs", type=languages, default=(BASE_LANG,), help="spoken there: fr,ar")
    add.set_defaults(parser=add)
    listing = command(actions, "list", cmd_list, help="upcoming workshops, the next first")
    listing.add_argument("--all", action="store_true", help="past workshops too")
    cancel = command(actions, "cancel", cmd_cancel, help="cancel; tells those who said yes")
    cancel.add_argument("id", type=workshop_id)


def cmd_add(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos.workshops import add_workshop
    from bot.delivery.timing import from_local

    parser: argparse.ArgumentParser = args.parser
    try:
        starts_at = from_local(args.at, settings.tz)
    except ValueError as exc:
        parser.error(f"argument --at: {exc}")
    now = datetime.now(UTC)
    if starts_at <= now:
        parser.error(f"argument --at: {args.at:%Y-%m-%d %H:%M} is in the past")
    titles = {BASE_LANG: args.title}
    for lang in LANGS:
        value = getattr(args, f"title_{lang}", None)
        if value:
            titles[lang] = value
    require_migrated(settings)

    async def run() -> int:
        async with database(settings) as db:
            return await db.run(
                lambda conn: add_workshop(
                    conn,
                    titles=titles,
                    starts_at=starts_at,
                    place=args.place,
                    langs=args.langs,
                    now=now,
                )
            )

    new_id = run_async(run)
    local = starts_at.astimezone(settings.tz)
    print(f"workshop added: {local:%Y-%m-%d %H:%M} {settings.timezone}", file=sys.stderr)
    print(new_id)
    return 0


def cmd_list(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos.workshops import list_workshops

    require_migrated(settings)
    since = None if args.all else datetime.now(UTC)

    async def run() -> list[str]:
        async with database(settings) as db:
            rows = await db.run(lambda conn: list_workshops(conn, since=since))
        out = []
        for ws in rows:
            status = "cancelled" if ws.cancelled_at else "planned"
            local = ws.starts_at.astimezone(settings.tz)
            out.append(
                f"{ws.id}\t{local:%Y-%m-%d %H:%M}\t{status}\t{ws.coming} coming\t"
                f"{','.join(ws.langs)}\t{ws.place}\t{ws.title(BASE_LANG)}"
            )
        return out

    lines = run_async(run)
    if not lines:
        print("no workshop", file=sys.stderr)
    for line in lines:
        print(line)
    return 0


def cmd_cancel(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos.workshops import WorkshopNotFound, cancel_workshop

    require_migrated(settings)

    async def run() -> int:
        async with database(settings) as db:
            return await db.run(
                lambda conn: cancel_workshop(conn, args.id, datetime.now(UTC), settings.tz)
            )

    try:
        told = run_async(run)
    except WorkshopNotFound as exc:
        raise CommandError(str(exc)) from exc
    print(f"workshop {args.id} cancelled: {told} people who said yes will be told")
    return 0
