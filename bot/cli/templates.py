"""`template list | set | remove`: the approved WhatsApp templates (Twilio ContentSid) that
go outside the 24-hour window, per purpose (broadcast, reminder…) and language."""

from __future__ import annotations

import argparse
import sys

from bot.cli.runtime import (
    CommandError,
    Subparsers,
    actor,
    command,
    database,
    language,
    run_async,
)
from bot.settings import Settings


def _variable(value: str) -> tuple[str, str]:
    number, sep, name = value.partition("=")
    if not sep or not number.strip().isdigit() or not name.strip():
        raise argparse.ArgumentTypeError(f"{value!r} is not NUMBER=FIELD (e.g. 1=text)")
    return number.strip(), name.strip()


def register(sub: Subparsers) -> None:
    group = sub.add_parser("template", help="WhatsApp templates for outside the 24-hour window")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    command(actions, "list", cmd_list, help="every template: PURPOSE LANG SID VARIABLES")

    put = command(actions, "set", cmd_set, help="add or replace the template of a purpose")
    put.add_argument("--purpose", required=True, help="broadcast, reminder, …")
    put.add_argument("--lang", required=True, type=language)
    put.add_argument("--sid", required=True, help="the Twilio ContentSid (HX…)")
    put.add_argument(
        "--var",
        action="append",
        type=_variable,
        default=[],
        metavar="NUMBER=FIELD",
        help="what fills each placeholder (default: 1=text, the message's text)",
    )
    put.add_argument("--by", help="who (default: your login)")

    remove = command(actions, "remove", cmd_remove, help="remove a template")
    remove.add_argument("--purpose", required=True)
    remove.add_argument("--lang", required=True, type=language)


def cmd_list(settings: Settings, _: argparse.Namespace) -> int:
    from bot.db.repos.templates import Template, list_templates

    async def run() -> list[Template]:
        async with database(settings) as db:
            return await db.run(list_templates)

    for t in run_async(run):
        variables = ",".join(f"{k}={v}" for k, v in sorted(t.variables.items()))
        print(f"{t.purpose} {t.lang} {t.content_sid} {variables}")
    return 0


def cmd_set(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.base import utcnow
    from bot.db.repos.templates import TemplateError, check, set_template

    variables = dict(args.var) or None
    try:
        check(args.purpose, args.lang, args.sid, variables or {})
    except TemplateError as exc:
        print(f"python -m bot template: error: {exc}", file=sys.stderr)
        return 2

    async def run() -> bool:
        async with database(settings) as db:
            return await db.run(
                set_template,
                purpose=args.purpose,
                lang=args.lang,
                content_sid=args.sid,
                variables=variables,
                by=actor(args),
                now=utcnow(),
            )

    created = run_async(run)
    print(f"template {args.purpose} {args.lang} {'added' if created else 'replaced'}")
    return 0


def cmd_remove(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos.templates import remove_template

    async def run() -> bool:
        async with database(settings) as db:
            return await db.run(remove_template, purpose=args.purpose, lang=args.lang)

    if not run_async(run):
        raise CommandError(f"no {args.purpose} template in {args.lang}")
    print(f"template {args.purpose} {args.lang} removed")
    return 0
