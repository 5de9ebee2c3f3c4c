"""The training data and the held-out split: complete, in Rasa's format, disjoint."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from nlu import normalize
from nlu.evaluation import load_split
from nlu.training import DATA_DIR, load_examples
from nlu.types import INTENTS, LANGS


def test_every_language_has_forty_examples_per_intent() -> None:
    counts = Counter((e.lang, e.intent) for e in load_examples())
    for lang in LANGS:
        for intent in INTENTS:
            assert counts[(lang, intent)] >= 40, (lang, intent, counts[(lang, intent)])


def test_files_are_rasa_nlu_yaml() -> None:
    for lang in LANGS:
        doc = yaml.safe_load((DATA_DIR / f"{lang}.yml").read_text(encoding="utf-8"))
        assert doc["version"] == "3.1"
        assert {block["intent"] for block in doc["nlu"]} == set(INTENTS)
        for block in doc["nlu"]:
            assert isinstance(block["examples"], str)
            # "[x](entity)" is Rasa's entity markup: plain examples must not contain it.
            assert "](" not in block["examples"]


def test_heldout_split_is_disjoint_from_training() -> None:
    train = {normalize.fold(e.text) for e in load_examples()}
    cases = load_split(DATA_DIR / "test")
    assert len(cases) >= 400
    leaked = [c.text for c in cases if normalize.fold(c.text) in train]
    assert leaked == []


def test_heldout_cases_are_well_formed() -> None:
    for case in load_split(Path(DATA_DIR / "test")):
        assert case.intent in INTENTS
        assert case.lang in (*LANGS, "und")
