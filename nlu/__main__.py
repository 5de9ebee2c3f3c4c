"""`python -m nlu parse | evaluate FILE.jsonl | train`. Only results go to stdout."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

from nlu import pipeline
from nlu.types import ParseResult


def _parse(args: argparse.Namespace) -> int:
    for line in sys.stdin:
        text = line.rstrip("\n")
        result = pipeline.parse(text, known_lang=args.lang)
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from nlu.evaluation import evaluate, format_report, load_split

    cases = load_split(Path(args.file))

    async def parser(text: str) -> ParseResult:
        return pipeline.parse(text)

    pipeline.models()
    report = asyncio.run(evaluate(cases, parser))
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_report(report, f"embedded model on {args.file} ({len(cases)} messages)"))
    if args.errors:
        for case, res in report.errors:
            print(
                f"  [{case.lang}] {case.text!r}: want {case.intent}/{case.lang}/{case.amount}"
                f" got {res.intent}/{res.lang}/{res.entity('amount')} ({res.confidence})",
                file=sys.stderr,
            )
    return 0


def _train(args: argparse.Namespace) -> int:
    from nlu.training import DATA_DIR, train

    meta = train(Path(args.data or DATA_DIR), Path(args.out or pipeline.MODEL_PATH))
    print(json.dumps(meta, ensure_ascii=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    ap = argparse.ArgumentParser(prog="python -m nlu", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="stdin lines -> JSON lines")
    p.add_argument("--lang", default=None, help="the contact's known language")
    p.set_defaults(func=_parse)
    e = sub.add_parser("evaluate", help="score the embedded model on a JSONL file or folder")
    e.add_argument("file")
    e.add_argument("--json", action="store_true", help="machine-readable report")
    e.add_argument("--errors", action="store_true", help="list misses on stderr")
    e.set_defaults(func=_evaluate)
    t = sub.add_parser("train", help="rebuild nlu/model/embedded.json from nlu/data")
    t.add_argument("--data", help="a folder of <lang>.yml files (default: nlu/data)")
    t.add_argument("--out", help="the model file to write (default: nlu/model/embedded.json)")
    t.set_defaults(func=_train)
    args = ap.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
