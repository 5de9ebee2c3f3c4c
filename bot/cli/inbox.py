"""`inbox list | show | reply | assign | close`: requests to talk to a person, answered from
the command line until the admin panel exists. Identifiers are never printed: a person is
"contact N" with their language and channel."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from sqlalchemy import Connection

from bot.cli.runtime import (
    CommandError,
    Subparsers,
    command,
    database,
    person_name,
    require_migrated,
    run_async,
)
from bot.db.session import Database
from bot.settings import Settings
from content.catalog import Catalog

MAX_REPLY = 1500  # WhatsApp takes 1600 characters; the header takes the rest
EXCERPT = 70


def request_id(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a request number")
    return int(value)


def reply_text(value: str) -> str:
    value = value.strip()
    if not value:
        raise argparse.ArgumentTypeError("the reply must not be empty")
    if len(value) > MAX_REPLY:
        raise argparse.ArgumentTypeError(
            f"the reply has {len(value)} characters, at most {MAX_REPLY}"
        )
    return value


def register(sub: Subparsers) -> None:
    group = sub.add_parser("inbox", help="requests to talk to a person")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = command(actions, "list", cmd_list, help="open requests, the oldest first")
    listing.add_argument("--all", action="store_true", help="closed requests too")
    show = command(actions, "show", cmd_show, help="one request: its context, last messages")
    show.add_argument("id", type=request_id)
    reply = command(actions, "reply", cmd_reply, help="answer in the person's chat")
    reply.add_argument("id", type=request_id)
    reply.add_argument("text", type=reply_text)
    reply.add_argument(
        "--as", dest="author", type=person_name, default="Migracoop", help="who answers"
    )
    assign = command(actions, "assign", cmd_assign, help="who takes the request")
    assign.add_argument("id", type=request_id)
    assign.add_argument("who", type=person_name)
    close = command(actions, "close", cmd_close, help="close; the person is told")
    close.add_argument("id", type=request_id)


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def _context(context: dict[str, object]) -> str:
    return " ".join(f"{k}={v}" for k, v in sorted(context.items())) or "-"


def _last_words(conn: Connection, contact_id: int, limit: int) -> list[tuple[datetime, str, str]]:
    from bot.db.repos.handover import last_words

    return [(w.at, w.direction, w.text) for w in last_words(conn, contact_id, limit)]


def cmd_list(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos.handover import list_requests

    require_migrated(settings)

    def read(conn: Connection) -> list[str]:
        lines = []
        for r in list_requests(conn, include_closed=args.all):
            said = [t for _, d, t in _last_words(conn, r.contact_id, 10) if d == "in"]
            delivery = ""
            if r.last_reply_status:
                delivery = f"\treply {r.last_reply_status}"
                if r.last_reply_status == "held":
                    delivery += " (WhatsApp, outside the 24-hour window: no template)"
            local = r.created_at.astimezone(settings.tz)
            lines.append(
                f"{r.id}\t{r.status}\t{local:%Y-%m-%d %H:%M}\tcontact {r.contact_id} "
                f"({r.lang})\t{r.reason}\t{_context(r.context)}\t"
                f"{r.assigned_to or 'unassigned'}\t{_excerpt(said[-1]) if said else '-'}{delivery}"
            )
        return lines

    async def run() -> list[str]:
        async with database(settings) as db:
            return await db.run(read)

    lines = run_async(run)
    if not lines:
        print("no open request", file=sys.stderr)
    for line in lines:
        print(line)
    return 0


def cmd_show(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos.handover import list_requests

    require_migrated(settings)

    def read(conn: Connection) -> list[str]:
        found = [r for r in list_requests(conn, include_closed=True) if r.id == args.id]
        if not found:
            raise CommandError(f"no request {args.id}")
        r = found[0]
        lines = [
            f"request {r.id}: {r.status}, contact {r.contact_id} ({r.lang}), {r.reason}",
            f"context: {_context(r.context)}",
            f"assigned: {r.assigned_to or 'nobody'}; replies: {r.replies}",
            "",
        ]
        for at, direction, text in _last_words(conn, r.contact_id, 15):
            who = "person" if direction == "in" else "bot"
            lines.append(f"{at.astimezone(settings.tz):%Y-%m-%d %H:%M} {who}: {text}")
        return lines

    async def run() -> list[str]:
        async with database(settings) as db:
            return await db.run(read)

    print("\n".join(run_async(run)))
    return 0


async def _catalog(db: Database) -> Catalog:
    """Texts as the bot uses them: the published ones (`seed` brings the shipped files in)."""
    from bot.core.content import load_environment

    return (await load_environment(db)).catalog


def _will_be_held(conn: Connection, request: int, settings: Settings) -> bool:
    """WhatsApp outside the 24-hour window, with no "reply" template configured."""
    from bot.db.repos.handover import will_be_held

    return will_be_held(conn, request, settings.twilio_templates, datetime.now(UTC))


def cmd_reply(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos.handover import RequestNotFound, reply

    require_migrated(settings)

    async def run() -> tuple[int, bool]:
        async with database(settings) as db:
            catalog = await _catalog(db)

            def write(conn: Connection) -> tuple[int, bool]:
                held = _will_be_held(conn, args.id, settings)
                return reply(
                    conn, args.id, args.text, args.author, datetime.now(UTC), catalog
                ), held

            return await db.run(write)

    try:
        outbox_id, held = run_async(run)
    except RequestNotFound as exc:
        raise CommandError(str(exc)) from exc
    if held:
        print(
            "note: WhatsApp, outside the 24-hour window and no 'reply' template: "
            "the reply is held until the person writes again",
            file=sys.stderr,
        )
    print(f"reply to request {args.id} queued (outbox {outbox_id})")
    return 0


def cmd_assign(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos.handover import RequestNotFound, assign

    require_migrated(settings)

    async def run() -> None:
        async with database(settings) as db:
            await db.run(assign, args.id, args.who)

    try:
        run_async(run)
    except RequestNotFound as exc:
        raise CommandError(str(exc)) from exc
    print(f"request {args.id} assigned to {args.who}")
    return 0


def cmd_close(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos.handover import RequestNotFound, close

    require_migrated(settings)

    async def run() -> None:
        async with database(settings) as db:
            catalog = await _catalog(db)
            await db.run(close, args.id, datetime.now(UTC), catalog)

    try:
        run_async(run)
    except RequestNotFound as exc:
        raise CommandError(str(exc)) from exc
    print(f"request {args.id} closed")
    return 0
