"""The thresholds of flows/confidence.py: each acts at its bar and not below it (whatever
the numbers are), and the bars hold on the real NLU's held-out and challenge sets."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import pytest

from content.catalog import load_catalog
from flows import engine
from flows.confidence import THRESHOLDS, Thresholds
from flows.loader import load_directory
from flows.lookup import MemoryLookup
from nlu import pipeline
from nlu.types import ParseResult

ROOT = Path(__file__).resolve().parents[2]
EPSILON = 0.005
FLOWS = load_directory()
CATALOG = load_catalog()
MENU_INTENTS = {
    intent
    for choice in FLOWS["menu"].nodes["main"].ask.choices  # type: ignore[union-attr]
    for intent in choice.intents
}


def test_the_bars_are_ordered() -> None:
    bars = THRESHOLDS
    for f in fields(Thresholds):
        assert 0.0 < getattr(bars, f.name) < 1.0, f.name
    # Suggesting only makes sense below the bars that act.
    assert bars.suggest < bars.open_part <= bars.leave_question
    assert bars.suggest < bars.answer_choice
    assert bars.suggest < bars.change_language


def parse(intent: str, confidence: float, lang: str = "fr", lang_conf: float = 1.0) -> ParseResult:
    return ParseResult("texte", lang, intent, confidence, lang_confidence=lang_conf)


def run(
    inp: ParseResult,
    *,
    session: engine.Session | None = None,
    text: str = "texte",
    previous_lang: str = "und",
) -> list[str]:
    env = engine.Environment(
        flows=FLOWS, catalog=CATALOG, lookup=MemoryLookup({"previous_lang": previous_lang})
    )
    contact = engine.Contact("fr", True)
    result = engine.resume(env, contact, session, engine.Input(text, None, inp))
    at = f"{result.session.flow_id}/{result.session.node_id}" if result.session else "-"
    return [at, *(type(e).__name__ + ":" + str(getattr(e, "flow_id", "")) for e in result.events)]


def at(flow: str, node: str) -> engine.Session:
    return engine.Session(flow, node)


# (use, the bar, what happens at the bar, what happens just below it)
USES: list[tuple[str, float, Callable[[float], list[str]], str, str]] = [
    (
        "a sentence opens a part where nothing waits",
        THRESHOLDS.open_part,
        lambda c: run(parse("learn_coop", c)),
        "FlowEntered:learn",
        "FlowEntered:suggest",
    ),
    (
        "a sentence opens a part from the menu",
        THRESHOLDS.open_part,
        lambda c: run(parse("workshop_info", c), session=at("menu", "main")),
        "FlowEntered:workshops",
        "FlowEntered:suggest",
    ),
    (
        "a sentence leaves a question for another part",
        THRESHOLDS.leave_question,
        lambda c: run(parse("workshop_info", c), session=at("soon_next", "choose")),
        "FlowEntered:workshops",
        "FlowEntered:suggest",
    ),
    (
        "a global command leaves a question",
        THRESHOLDS.leave_question,
        lambda c: run(parse("privacy", c), session=at("soon_next", "choose")),
        "FlowEntered:my_data",
        "FlowEntered:suggest",
    ),
    (
        "an intent answers a choice",
        THRESHOLDS.answer_choice,
        lambda c: run(parse("affirm", c), session=at("handover_offer", "offer"), text="hmm"),
        "FlowEntered:handover",
        "InputNotUnderstood:",
    ),
    (
        "a sentence is worth a 'did you mean'",
        THRESHOLDS.suggest,
        lambda c: run(parse("admin_steps", c)),
        "FlowEntered:suggest",
        "FlowEntered:menu",
    ),
    (
        "a request to change language switches",
        THRESHOLDS.change_language,
        lambda c: run(parse("change_language", c, lang="ar"), session=at("menu", "main")),
        "language/confirm",
        "language/choose",  # the list of languages, in the contact's language
    ),
    (
        "two messages clearly in another language switch",
        THRESHOLDS.clear_language,
        lambda c: run(
            parse("out_of_scope", 0.3, lang="ar", lang_conf=c),
            session=at("menu", "main"),
            text="سؤال عن التعاونية",
            previous_lang="ar",
        ),
        "language/confirm",
        "InputNotUnderstood:",
    ),
]


@pytest.mark.parametrize(("use", "bar", "play", "acts", "below"), USES, ids=[u[0] for u in USES])
def test_each_bar_acts_at_its_value_and_not_below(
    use: str, bar: float, play: Callable[[float], list[str]], acts: str, below: str
) -> None:
    assert acts in play(bar), f"{use}: at {bar}"
    assert acts in play(min(1.0, bar + 0.1)), f"{use}: above {bar}"
    under = play(bar - EPSILON)
    assert acts not in under and below in under, f"{use}: just below {bar}: {under}"


def _labelled() -> list[tuple[str, str]]:
    """(text, intent) of the NLU's held-out and challenge sets: never trained on."""
    rows: list[tuple[str, str]] = []
    for path in sorted([*ROOT.glob("nlu/challenge*/*.jsonl"), *ROOT.glob("nlu/data/test/*.jsonl")]):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                rows.append((item["text"], item["intent"]))
    return rows


@pytest.fixture(scope="module")
def readings() -> list[tuple[str, ParseResult]]:
    return [(intent, pipeline.parse(text)) for text, intent in _labelled()]


def _precision(readings: list[tuple[str, ParseResult]], intents: set[str], bar: float) -> float:
    acted = [
        (gold, p.intent) for gold, p in readings if p.intent in intents and p.confidence >= bar
    ]
    return sum(gold == got for gold, got in acted) / max(1, len(acted))


def test_the_sets_are_large_enough(readings: list[tuple[str, ParseResult]]) -> None:
    assert len(readings) >= 800


def test_parts_open_on_a_right_reading(readings: list[tuple[str, ParseResult]]) -> None:
    """At the bars that open a part (or leave a question for one), the NLU is right at least
    97 (98) times in 100, and still opens most parts people ask for."""
    intents = MENU_INTENTS | set(engine.GLOBAL_INTENTS)
    assert _precision(readings, intents, THRESHOLDS.open_part) >= 0.97
    assert _precision(readings, intents, THRESHOLDS.leave_question) >= 0.98
    asked = [(gold, p) for gold, p in readings if gold in intents]
    opened = sum(p.intent == gold and p.confidence >= THRESHOLDS.open_part for gold, p in asked)
    assert opened / len(asked) >= 0.85


def test_intents_answer_choices_on_a_right_reading(
    readings: list[tuple[str, ParseResult]],
) -> None:
    assert _precision(readings, {"affirm", "deny"}, THRESHOLDS.answer_choice) >= 0.97
    assert _precision(readings, {"change_language"}, THRESHOLDS.change_language) >= 0.95


def test_suggestions_are_right_more_often_than_not(
    readings: list[tuple[str, ParseResult]],
) -> None:
    band = [
        (gold, p.intent)
        for gold, p in readings
        if p.intent in MENU_INTENTS and THRESHOLDS.suggest <= p.confidence < THRESHOLDS.open_part
    ]
    assert band, "no reading falls in the band where the bot asks 'did you mean'"
    assert sum(gold == got for gold, got in band) / len(band) > 0.5
