"""The journeys' texts: every key the data names exists in the four languages, none is left
unused, buttons and titles fit, menu entries are quoted as the menu shows them, acronyms are
explained where they first appear, and facts to confirm end with "confirm with a person"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from content.catalog import LANGS, LOCALES_DIR, load_catalog, load_locale_files, placeholders
from content.checklists import StepsText
from content.eligibility import EligibilityText, answer_sets, evaluate, explanation
from content.journeys import load_journeys
from content.messages import CONFIRM, Message
from content.modules import LearnText

JOURNEYS = load_journeys()
TEXTS = load_locale_files()
PARTS = ("learn", "eligibility", "steps", "referrals", "check")

BUTTONS = {
    LearnText.MORE,
    LearnText.NEXT,
    StepsText.DONE,
    StepsText.NOT_YET,
    StepsText.HELP,
    EligibilityText.TALK,
    EligibilityText.STEPS,
    *(c.label for q in JOURNEYS.eligibility.questions for c in q.choices),
    *(n.label for n in JOURNEYS.referrals.needs),
    *(c.label for m in JOURNEYS.modules for c in m.quiz.choices),
}
# What the host fills in; every other text of the journeys takes no parameter.
PARAMETERS = {
    LearnText.LIST: {"total"},
    LearnText.PROGRESS: {"done", "total"},
    LearnText.RESUME: {"title"},
    StepsText.PROGRESS: {"done", "total"},
    StepsText.NUDGE: {"step"},
    StepsText.NUDGE_STOP: {"word"},
}
ACRONYMS = ("CAE", "CAPE", "CESA", "CAF", "CPAM", "URSSAF", "CCAS", "OFII", "ESS", "SMIC", "RIB")


def test_every_text_the_journeys_name_exists_in_four_languages() -> None:
    assert JOURNEYS.missing_texts(load_catalog()) == []


def test_no_text_of_the_journeys_is_left_unused() -> None:
    ours: set[str] = set()
    for part in PARTS:
        data = yaml.safe_load((LOCALES_DIR / f"{part}.fr.yaml").read_text(encoding="utf-8"))
        ours |= set(_flat_keys(data))
    assert sorted(ours - JOURNEYS.text_keys()) == []


def _flat_keys(data: dict[str, object], prefix: str = "") -> Iterator[str]:
    for key, value in data.items():
        if isinstance(value, dict):
            yield from _flat_keys(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}"


@pytest.mark.parametrize("lang", LANGS)
def test_buttons_fit(lang: str) -> None:
    long = {key: TEXTS[lang][key] for key in BUTTONS if len(TEXTS[lang][key]) > 20}
    assert not long, f"{lang}: button labels over 20 characters {long}"


@pytest.mark.parametrize("lang", LANGS)
def test_parameters_are_the_documented_ones(lang: str) -> None:
    for key in JOURNEYS.text_keys():
        assert placeholders(TEXTS[lang][key]) == PARAMETERS.get(key, set()), (lang, key)


@pytest.mark.parametrize("lang", LANGS)
def test_menu_entries_are_quoted_as_the_menu_shows_them(lang: str) -> None:
    menu = {v for k, v in TEXTS[lang].items() if k.startswith("menu.")}
    quoted = 0
    for key in JOURNEYS.text_keys():
        # «📝 Mes démarches»: a quote that starts with a symbol names a menu entry.
        for label in re.findall(r"«\s?([^»]+?)\s?»", TEXTS[lang][key]):
            if not label[0].isalnum() and not label.startswith("{"):
                quoted += 1
                assert label in menu, f"{lang}.{key} quotes {label!r}, not a menu entry"
    assert quoted >= 5


def _sequences() -> Iterator[tuple[str, tuple[Message, ...]]]:
    """What a person reads in one go: a module, a step, an outcome, a need's places."""
    for module in JOURNEYS.modules:
        quiz = module.quiz
        yield (
            f"module {module.id}",
            (*module.to_send(), (quiz.question,), (quiz.right,), (quiz.wrong,)),
        )
    for step in JOURNEYS.checklists:
        yield f"step {step.id}", step.to_send()
    eligibility = JOURNEYS.eligibility
    seen = set()
    for answers in answer_sets(eligibility):
        outcome = evaluate(eligibility, answers)
        if outcome not in seen:
            seen.add(outcome)
            yield f"outcome of rule {outcome.rule}", explanation(eligibility, outcome)
    for need in JOURNEYS.referrals.needs:
        yield f"need {need.id}", (need.message(),)


SEQUENCES = list(_sequences())


@pytest.mark.parametrize("lang", LANGS)
def test_acronyms_are_explained_where_they_first_appear(lang: str) -> None:
    for where, sequence in SEQUENCES:
        text = "\n".join(TEXTS[lang][key] for message in sequence for key in message)
        for acronym in ACRONYMS:
            found = re.search(rf"(?<![A-Za-z]){acronym}(?![A-Za-z])", text)
            if found is None:
                continue
            start, end = found.span()
            explained = text[end : end + 2] == " (" or text[start - 1 : start] == "("
            context = text[max(start - 40, 0) : end + 20]
            assert explained, f"{lang}, {where}: first {acronym} is not explained: {context!r}"


# Facts marked *(check)* in DOMAIN.md, as the French texts word them.
FACTS_TO_CONFIRM = re.compile(r"après 6 mois|14 heures|10 %|seulement si c'est écrit")


def test_facts_to_confirm_end_with_a_person() -> None:
    found = 0
    for where, sequence in SEQUENCES:
        for message in sequence:
            if any(FACTS_TO_CONFIRM.search(TEXTS["fr"][k]) for k in message if k != CONFIRM):
                found += 1
                assert message[-1] == CONFIRM, f"{where}: {message} states a fact to confirm"
    assert found >= 5


def test_the_confirm_line_is_one_text_in_four_languages() -> None:
    for lang in LANGS:
        assert "Migracoop" in TEXTS[lang][CONFIRM]


def test_part_files_exist_for_every_language() -> None:
    for part in PARTS:
        for lang in LANGS:
            assert Path(LOCALES_DIR / f"{part}.{lang}.yaml").is_file(), (part, lang)
