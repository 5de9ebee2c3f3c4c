"""`broadcast new | status | cancel | list`: one message to many contacts, each in their
language. `new` without `--yes` only counts (and shows machine drafts); with it, it
schedules and prints `broadcast N: M recipients` as its last line. `broadcast
reminder-note W`: a facilitator's own words added to workshop W's reminders."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.broadcasts.audience import Audience, AudienceError
from bot.broadcasts.composition import (
    Composition,
    CompositionError,
    Media,
    check_media,
    check_text,
)
from bot.broadcasts.timing import PAST_GRACE, TimingError, local_text, parse_local
from bot.cli.runtime import (
    CommandError,
    Subparsers,
    actor,
    command,
    database,
    language,
    person_name,
    run_async,
)
from bot.settings import Settings, get_settings
from content.catalog import BASE_LANG

if TYPE_CHECKING:
    from bot.broadcasts.service import BroadcastService


class LangValues(argparse.Action):
    """LANG=VALUE, repeatable, one value per language, collected into a dict: texts
    (--text) or media (--image, --audio), each checked as it is read."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        item = str(values)
        lang, sep, value = item.partition("=")
        if not sep:
            parser.error(f'{option_string}: {item!r} is not LANG=VALUE (e.g. fr="Bonjour")')
        try:
            lang = language(lang)
            checked: str | Media = (
                check_text(lang, value) if self.dest == "text" else check_media(self.dest, value)
            )
        except (argparse.ArgumentTypeError, CompositionError) as exc:
            parser.error(f"{option_string}: {exc}")
        found = dict(getattr(namespace, self.dest) or {})
        if lang in found:
            parser.error(f"{option_string}: {lang} is given twice")
        found[lang] = checked
        setattr(namespace, self.dest, found)


def _audience_item(value: str) -> str:
    try:
        Audience.parse([value])
    except AudienceError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def _local_time(value: str) -> datetime:
    """argparse type: "YYYY-MM-DD HH:MM" in TIMEZONE, as UTC; not in the past."""
    try:
        at = parse_local(value, _zone())
    except TimingError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if at < datetime.now(UTC) - PAST_GRACE:
        raise argparse.ArgumentTypeError(f"{value} is in the past")
    return at


def _zone() -> ZoneInfo:
    name = get_settings().timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(f"TIMEZONE {name!r} is not a time zone") from None


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a broadcast number")
    return int(value)


def register(sub: Subparsers) -> None:
    group = sub.add_parser("broadcast", help="send one message to many contacts")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")

    new = command(actions, "new", cmd_new, help="compose and send (or count, without --yes)")
    new.add_argument(
        "--text",
        action=LangValues,
        required=True,
        metavar='LANG="TEXT"',
        help="the text in one language (fr, ar, prs, ti); repeat per language",
    )
    new.add_argument(
        "--audience",
        action="append",
        type=_audience_item,
        default=[],
        metavar="KEY=VALUE",
        help="lang=fr|ar|prs|ti, channel=telegram|whatsapp, coop=NAME, eligibility=OUTCOME, "
        "steps=pending|help, workshop=ID[:no] (comma for several); "
        "default: every consenting contact",
    )
    new.add_argument(
        "--at", type=_local_time, metavar='"YYYY-MM-DD HH:MM"', help="in TIMEZONE; default: now"
    )
    new.add_argument(
        "--send-french",
        action="append",
        type=language,
        default=[],
        metavar="LANG",
        help="send the French text to LANG's speakers (no text of its own)",
    )
    new.add_argument("--image", action=LangValues, metavar="LANG=URL", help="an image per language")
    new.add_argument("--audio", action=LangValues, metavar="LANG=URL", help="audio per language")
    new.add_argument(
        "--by", type=person_name, help="who writes and reviews the texts (default: your login)"
    )
    new.add_argument("--yes", action="store_true", help="send; without it, only count")

    status = command(actions, "status", cmd_status, help="recipients per status")
    status.add_argument("id", type=_positive, metavar="N")
    status.add_argument(
        "--reasons", action="store_true", help="then why some did not get it (STATUS COUNT WHY)"
    )

    cancel = command(actions, "cancel", cmd_cancel, help="stop what has not gone yet")
    cancel.add_argument("id", type=_positive, metavar="N")
    cancel.add_argument("--by", type=person_name, help="who cancels (default: your login)")

    command(actions, "list", cmd_list, help="the latest broadcasts")

    note = command(
        actions,
        "reminder-note",
        cmd_reminder_note,
        help="your words added to a workshop's reminders",
    )
    note.add_argument("workshop", type=_workshop, metavar="WORKSHOP")
    note.add_argument(
        "--text",
        action=LangValues,
        metavar='LANG="TEXT"',
        help="the note in one language (a reminder in another language goes without it)",
    )
    note.add_argument("--clear", action="store_true", help="remove the workshop's notes")
    note.add_argument("--by", type=person_name, help="who writes the note (default: your login)")


def _workshop(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a workshop id (workshop list)")
    return int(value)


def _parser_error(message: str) -> int:
    """A bad argument found after parsing: argparse's one line and exit code 2."""
    print(f"python -m bot broadcast: error: {message}", file=sys.stderr)
    return 2


def cmd_new(settings: Settings, args: argparse.Namespace) -> int:
    from bot.broadcasts.service import BroadcastService, given_texts
    from bot.db.repos.broadcasts import BroadcastError, Refused

    texts: dict[str, str] = args.text
    media: dict[str, Media] = {}
    for kind in ("image", "audio"):
        for lang, medium in (getattr(args, kind) or {}).items():
            if lang in media:
                return _parser_error(f"one medium per language ({lang} has an image and audio)")
            media[lang] = medium
    audience = Audience.parse(args.audience)
    send_french = list(dict.fromkeys(args.send_french))
    by = actor(args)
    try:
        entries = given_texts(texts, by, send_french, media)
    except CompositionError as exc:
        return _parser_error(str(exc))

    async def run() -> int:
        async with database(settings) as db:
            service = BroadcastService(db, settings)
            if not args.yes:
                try:
                    comp = Composition({e.lang: e for e in entries})
                    return await _dry_run(service, audience, comp, args.at)
                except AudienceError as exc:
                    return _parser_error(f"--audience: {exc}")
                except BroadcastError as exc:
                    raise CommandError(str(exc)) from None
            try:
                created = await service.new(
                    texts=texts,
                    audience=audience,
                    by=by,
                    at=args.at,
                    send_french=send_french,
                    media=media,
                )
            except Refused as exc:
                raise CommandError(
                    f"sending refused: {exc.args[0]} (give --text LANG=…, "
                    "or --send-french LANG to send the French text)"
                ) from None
            except AudienceError as exc:
                return _parser_error(f"--audience: {exc}")
            except (BroadcastError, CompositionError) as exc:
                raise CommandError(str(exc)) from None
            if created.starts_at > service.clock():
                print(
                    f"starts {local_text(created.starts_at, service.tz)} ({settings.timezone})",
                    file=sys.stderr,
                )
            print(f"broadcast {created.id}: {created.recipients} recipients")
            return 0

    return run_async(run)


async def _dry_run(
    service: BroadcastService, audience: Audience, comp: Composition, at: datetime | None
) -> int:
    """The count per language, what each would get, machine drafts where they help, and
    when it would start (quiet hours move it)."""
    starts = service.start_of(at)
    count = await service.preview(audience)
    refusals = {r.lang: r.reason for r in comp.refusals(count.by_lang)}
    french = comp.texts.get(BASE_LANG)
    drafts: dict[str, str] = {}
    if french is not None and refusals:
        drafts = await service.drafts(french.text, refusals)
    for lang, n in count.by_lang.items():
        entry = comp.texts.get(lang)
        if lang in refusals:
            what = refusals[lang]
            if lang in drafts:
                what += "; machine draft (not reviewed): " + " ".join(drafts[lang].split())
        elif entry is not None and entry.status == "french":
            what = "the French text"
        else:
            what = "text given"
        print(f"{lang} {n}: {what}")
    if refusals:
        print("sending would be refused: no text in " + ", ".join(refusals), file=sys.stderr)
    if starts > service.clock():
        print(f"would start {local_text(starts, service.tz)} ({service.tz.key})", file=sys.stderr)
    print("nothing queued: add --yes to send", file=sys.stderr)
    print(f"{count.total} recipients")
    return 0


def cmd_status(settings: Settings, args: argparse.Namespace) -> int:
    from bot.broadcasts.service import BroadcastService, Progress
    from bot.db.repos.broadcasts import BroadcastError

    async def run() -> Progress:
        async with database(settings) as db:
            try:
                return await BroadcastService(db, settings).progress(
                    args.id, with_reasons=args.reasons
                )
            except BroadcastError as exc:
                raise CommandError(str(exc)) from None

    progress = run_async(run)
    b = progress.broadcast
    print(f"broadcast {b.id}: {b.state}, {progress.total} recipients", file=sys.stderr)
    for status, n in progress.counts.items():
        print(f"{status} {n}")
    for status, why, n in progress.reasons:
        print(f"{status} {n} {why or '-'}")
    return 0


def cmd_cancel(settings: Settings, args: argparse.Namespace) -> int:
    from bot.broadcasts.service import BroadcastService
    from bot.db.repos.broadcasts import BroadcastError, Cancelled

    async def run() -> Cancelled:
        async with database(settings) as db:
            try:
                return await BroadcastService(db, settings).cancel(args.id, actor(args))
            except BroadcastError as exc:
                raise CommandError(str(exc)) from None

    done = run_async(run)
    print(f"broadcast {args.id} cancelled: {done.stopped} not sent, {done.already_gone} sent")
    return 0


def cmd_list(settings: Settings, args: argparse.Namespace) -> int:
    from bot.broadcasts.service import BroadcastService
    from bot.db.repos.broadcasts import BroadcastRow

    async def run() -> list[BroadcastRow]:
        async with database(settings) as db:
            return await BroadcastService(db, settings).latest()

    tz = ZoneInfo(settings.timezone)
    for b in run_async(run):
        when = local_text(b.scheduled_at, tz) if b.scheduled_at else "-"
        print(f"{b.id} {b.state} {when} {b.audience.describe()}")
    return 0


def cmd_reminder_note(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos.reminder_notes import NoteError, notes_of, set_notes

    texts: dict[str, str] = args.text or {}
    if bool(texts) == bool(args.clear):
        return _parser_error("reminder-note: give --text LANG=… (per language) or --clear")
    by = actor(args)

    async def run() -> dict[str, str]:
        async with database(settings) as db:
            try:
                await db.run(
                    lambda conn: set_notes(conn, args.workshop, texts, by=by, now=datetime.now(UTC))
                )
            except NoteError as exc:
                raise CommandError(str(exc)) from None
            return await db.run(notes_of, args.workshop)

    notes = run_async(run)
    langs = ", ".join(notes) or "none"
    print(f"workshop {args.workshop}: reminder notes in {langs}")
    return 0
