"""`python -m content translate install FILE.argosmodel | list | text --from fr --to ar "…"`.

Results go to stdout; a failure is one line on stderr (exit 2 for bad arguments or a
bad package file, 1 when the translation cannot be done).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import NoReturn

from pydantic import ValidationError

from content.translate import (
    ARGOS_CODES,
    InvalidPackageError,
    TranslationError,
    TranslationSettings,
    Translator,
    install_package,
    make_translator,
)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line: `prog: error: message`."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _translator(settings: TranslationSettings) -> Translator:
    return make_translator(settings.translation_backend, settings.translation_models_dir)


def _install(args: argparse.Namespace, settings: TranslationSettings) -> int:
    try:
        info = install_package(Path(args.file), settings.translation_models_dir)
    except InvalidPackageError as exc:
        args.parser.error(str(exc))
    version = f" {info.version}" if info.version else ""
    print(f"installed {info.source} → {info.target}{version} in {info.path}")
    return 0


def _list(args: argparse.Namespace, settings: TranslationSettings) -> int:
    translator = _translator(settings)
    if translator.backend == "none":
        print("backend none: machine translation is off (make translate, TRANSLATION_BACKEND)")
        return 0
    print(f"backend {translator.backend}, models in {settings.translation_models_dir}")
    models = translator.models()
    if not models:
        print("no model installed")
    for model in models:
        print(f"model {model.source} → {model.target} {model.version}".rstrip())
    for source, target in sorted(translator.available_pairs()):
        route = translator.route(source, target)
        via = f" (via {', '.join(route[1:-1])})" if len(route) > 2 else ""
        print(f"can translate {source} → {target}{via}")
    return 0


def _text(args: argparse.Namespace, settings: TranslationSettings) -> int:
    text = args.text if args.text is not None else sys.stdin.read()
    translated = _translator(settings).translate(text, args.source, args.target)
    print(translated, end="" if translated.endswith("\n") else "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(message)s")
    ap = _Parser(prog="python -m content", description=__doc__)
    commands = ap.add_subparsers(dest="command", required=True, parser_class=_Parser)
    translate = commands.add_parser("translate", help="machine translation models and drafts")
    actions = translate.add_subparsers(dest="action", required=True, parser_class=_Parser)
    p = actions.add_parser("install", help="install an .argosmodel file (no download)")
    p.add_argument("file", help="an Argos package, such as translate-fr_en-1_9.argosmodel")
    p.set_defaults(func=_install, parser=p)
    p = actions.add_parser("list", help="installed models and the pairs they translate")
    p.set_defaults(func=_list, parser=p)
    p = actions.add_parser("text", help="translate TEXT (or standard input)")
    langs = list(ARGOS_CODES)
    p.add_argument("--from", dest="source", required=True, choices=langs)
    p.add_argument("--to", dest="target", required=True, choices=langs)
    p.add_argument("text", nargs="?", help="the text (default: standard input)")
    p.set_defaults(func=_text, parser=p)
    args = ap.parse_args(argv)
    try:
        settings = TranslationSettings()
    except ValidationError as exc:  # such as TRANSLATION_BACKEND=deepl in the environment
        error = exc.errors()[0]
        ap.error(f"{str(error['loc'][0]).upper()}: {error['msg']}")
    try:
        return int(args.func(args, settings))
    except TranslationError as exc:
        print(f"{ap.prog}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
