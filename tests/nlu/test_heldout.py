"""Floors on the held-out split (nlu/data/test), never used for training."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from nlu import pipeline
from nlu.evaluation import Report, evaluate, load_split
from nlu.types import LANGS, ParseResult

TEST_DIR = Path(pipeline.__file__).parent / "data" / "test"
# Targets of the issue: intent 0.90, language 0.97, amount 0.95 per language.
FLOORS = {"intent": 0.90, "lang": 0.97, "amount": 0.95}


@pytest.fixture(scope="module")
def report() -> Report:
    async def parser(text: str) -> ParseResult:
        return pipeline.parse(text)

    return asyncio.run(evaluate(load_split(TEST_DIR), parser))


@pytest.mark.parametrize("lang", LANGS)
def test_floors_per_language(report: Report, lang: str) -> None:
    score = report.by_lang[lang]
    assert score.n >= 100
    assert score.amount_n >= 10
    assert score.intent_accuracy >= FLOORS["intent"], report.confusions
    assert score.macro_f1 >= FLOORS["intent"]
    assert score.lang_accuracy >= FLOORS["lang"]
    assert score.amount_accuracy >= FLOORS["amount"]


def test_every_intent_is_tested(report: Report) -> None:
    for lang in LANGS:
        assert len(set(report.by_lang[lang].gold)) == 16
