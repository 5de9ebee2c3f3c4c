"""`python -m nlu parse | evaluate [FILE_OR_DIR...] | train`. Only results go to stdout.

The model is built from nlu/data into $NLU_MODEL_DIR (default var/nlu) when it is missing
or stale, with one line on stderr, before the first answer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

from nlu import pipeline, store
from nlu.types import ParseResult


def _parse(args: argparse.Namespace) -> int:
    pipeline.models()
    for line in sys.stdin:
        text = line.rstrip("\n")
        result = pipeline.parse(text, known_lang=args.lang)
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from nlu.evaluation import (
        DEVELOPMENT,
        HELD_OUT,
        CaseError,
        evaluate,
        format_report,
        load_split,
        set_name,
    )

    async def parser(text: str) -> ParseResult:
        return pipeline.parse(text)

    async def known(text: str, lang: str) -> ParseResult:
        return pipeline.parse(text, known_lang=lang)

    pipeline.models()
    reports = {}
    for name in args.files or [_shown(HELD_OUT), _shown(DEVELOPMENT)]:
        path = Path(name)
        if not path.exists():
            print(f"python -m nlu evaluate: error: no such file or folder: {name}", file=sys.stderr)
            return 2
        try:
            cases = load_split(path)
        except CaseError as exc:
            print(f"python -m nlu evaluate: error: {exc}", file=sys.stderr)
            return 2
        if not cases:
            print(f"python -m nlu evaluate: error: no cases in {name}", file=sys.stderr)
            return 2
        report = asyncio.run(evaluate(cases, parser, known))
        reports[name] = report
        if not args.json:
            title = set_name(path)
            where = f"{title}, {name}" if title != name else name
            print(format_report(report, f"embedded model on {where} ({len(cases)} messages)"))
        if args.errors:
            for case, res in report.errors:
                want = f"{case.intent or '-'}/{case.lang}/{case.amount}"
                if case.amount_alternative is not None:
                    want += f"|{case.amount_alternative}"
                got = f"{res.intent}/{res.lang}/{res.entity('amount')}"
                if res.entity("amount_alternative") is not None:
                    got += f"|{res.entity('amount_alternative')}"
                print(
                    f"  [{case.lang}] {case.text!r}: want {want} got {got} ({res.confidence})",
                    file=sys.stderr,
                )
    if args.json:
        payload = {name: r.as_dict() for name, r in reports.items()}
        only = next(iter(payload.values())) if len(payload) == 1 else payload
        print(json.dumps(only, ensure_ascii=False, indent=2))
    return 0


def _shown(path: Path) -> str:
    """A path as short as it can be said from here."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _train(args: argparse.Namespace) -> int:
    from nlu.classifier import load
    from nlu.training import DATA_DIR, train

    data = Path(args.data) if args.data else DATA_DIR
    if not (data.is_dir() and any(data.glob("*.yml"))):
        print(f"python -m nlu train: error: no <lang>.yml files in {data}", file=sys.stderr)
        return 2
    if args.out:
        meta = train(data, Path(args.out))
    else:
        path = store.ensure(data_dir=data, force=not args.if_stale)
        meta = load(path)[1]
    print(json.dumps(meta, ensure_ascii=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    ap = argparse.ArgumentParser(prog="python -m nlu", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="stdin lines -> JSON lines")
    p.add_argument("--lang", default=None, help="the contact's known language")
    p.set_defaults(func=_parse)
    e = sub.add_parser(
        "evaluate",
        help="score the embedded model on JSONL files or folders (default: the held-out split"
        " and the development set)",
    )
    e.add_argument("files", nargs="*", metavar="FILE_OR_DIR")
    e.add_argument("--json", action="store_true", help="machine-readable report")
    e.add_argument("--errors", action="store_true", help="list misses on stderr")
    e.set_defaults(func=_evaluate)
    t = sub.add_parser("train", help=f"rebuild the model from nlu/data into ${store.ENV_VAR}")
    t.add_argument("--data", help="a folder of <lang>.yml files (default: nlu/data)")
    t.add_argument("--out", help="write the model to this file instead of the cache folder")
    t.add_argument(
        "--if-stale", action="store_true", help="only when the cached model is missing or stale"
    )
    t.set_defaults(func=_train)
    args = ap.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
