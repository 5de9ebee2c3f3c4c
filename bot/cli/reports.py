"""`report`: the impact report for a period (CSV on standard output by default, or HTML or
PDF); `nlu-export`: the reviewed misunderstood messages as nlu/data files."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cli.runtime import CommandError, Subparsers, command, database, require_migrated, run_async
from bot.reports.period import MAX_DAYS, parse_day
from bot.settings import Settings


def day(value: str) -> date:
    """argparse type: a date as YYYY-MM-DD."""
    try:
        return parse_day(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date as YYYY-MM-DD (e.g. 2026-03-31)"
        ) from None


def register(sub: Subparsers) -> None:
    report = command(
        sub,
        "report",
        cmd_report,
        help="the impact report for a period (CSV on standard output by default)",
    )
    report.add_argument("--from", dest="start", type=day, required=True, metavar="YYYY-MM-DD")
    report.add_argument("--to", dest="end", type=day, required=True, metavar="YYYY-MM-DD")
    report.add_argument("--format", choices=("csv", "html", "pdf"), default="csv")
    report.add_argument("--out", type=Path, metavar="FILE", help="write here, not to stdout")
    report.set_defaults(parser=report)  # for the checks across arguments (exit 2)
    export = command(
        sub,
        "nlu-export",
        cmd_nlu_export,
        help="reviewed misunderstood messages as Rasa NLU YAML (nlu/data format)",
    )
    export.add_argument(
        "--out", type=Path, metavar="DIR", help="write <lang>.yml files here, not to stdout"
    )


def _check_period(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.end < args.start:
        parser.error("--to is before --from")
    if (args.end - args.start).days + 1 > MAX_DAYS:
        parser.error(f"the period is longer than {MAX_DAYS} days")


def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    from bot.reports import html, pdf
    from bot.reports.period import Period
    from bot.reports.report import build_report

    _check_period(args.parser, args)
    if args.format == "pdf" and args.out is None and sys.stdout.isatty():
        args.parser.error("--format pdf needs --out FILE (or standard output sent to a file)")
    require_migrated(settings)
    period = Period(args.start, args.end)

    async def run() -> bytes:
        async with database(settings) as db, db.connect() as conn:
            made = await build_report(conn, period, ZoneInfo(settings.timezone), datetime.now(UTC))
        if args.format == "pdf":
            return pdf.render(made)
        if args.format == "html":
            return html.document(made).encode("utf-8")
        return made.csv().encode("utf-8")

    body = run_async(run)
    _write(body, args.out)
    return 0


def cmd_nlu_export(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.repos.misunderstood import reviewed
    from bot.reports.nlu_export import by_language

    require_migrated(settings)

    async def run() -> list[tuple[str, str, str]]:
        async with database(settings) as db, db.connect() as conn:
            return await reviewed(conn)

    files = by_language(run_async(run))
    if args.out is None:
        sys.stdout.write("\n".join(f"# {lang}.yml\n{doc}" for lang, doc in files.items()))
        return 0
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        for lang, doc in files.items():
            (args.out / f"{lang}.yml").write_text(doc, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot write to {args.out}: {exc.strerror}") from exc
    total = sum(doc.count("\n    - ") for doc in files.values())
    print(f"{total} examples in {len(files)} files in {args.out}", file=sys.stderr)
    return 0


def _write(body: bytes, out: Path | None) -> None:
    if out is None:
        sys.stdout.buffer.write(body)  # a reader gone early: bot/cli/__init__.py
        return
    try:
        out.write_bytes(body)
    except OSError as exc:
        raise CommandError(f"cannot write {out}: {exc.strerror}") from exc
