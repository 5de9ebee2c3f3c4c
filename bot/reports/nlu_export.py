"""Reviewed misunderstood messages in the format of nlu/data: Rasa NLU YAML, one file per
language (`<lang>.yml`), read back by nlu.training.load_examples like the shipped data."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Final

import yaml

from nlu.types import INTENTS, LANGS

HEADER: Final = "# Reviewed messages the bot did not understand (python -m bot nlu-export).\n"


def _example(text: str) -> str | None:
    """One line of an `examples: |` block: the text on a single line, or None when empty."""
    line = " ".join(text.split())
    return line or None


def by_language(rows: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """(lang, intent, text) rows -> {lang: YAML document}; languages outside ours are left
    out (the training data has one file per language), as are duplicate lines."""
    grouped: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for lang, intent, text in rows:
        line = _example(text)
        if lang not in LANGS or intent not in INTENTS or line is None:
            continue
        if line not in grouped[lang][intent]:
            grouped[lang][intent].append(line)
    out = {}
    for lang in LANGS:
        if lang not in grouped:
            continue
        blocks = [
            {"intent": intent, "examples": "".join(f"- {x}\n" for x in grouped[lang][intent])}
            for intent in INTENTS
            if grouped[lang][intent]
        ]
        out[lang] = HEADER + yaml.dump(
            {"version": "3.1", "nlu": blocks},
            Dumper=_Dumper,
            allow_unicode=True,
            sort_keys=False,
            width=10_000,
        )
    return out


class _Dumper(yaml.SafeDumper):
    """Examples as a literal block (`examples: |`), as in nlu/data."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)
