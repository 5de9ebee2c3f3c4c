""" "My administrative steps": composed per profile from the kept answers and the outcome; bad
files get errors naming the file, the step and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from content.catalog import LANGS, Catalog, load_catalog, load_locale_files
from content.checklists import (
    CHECKLISTS_DIR,
    StepsText,
    checklists_from_sources,
    compose,
    load_checklists,
    next_pending,
    overview,
    steps_progress,
)
from content.eligibility import evaluate, load_eligibility, stored_answers
from content.loading import ContentError, read_sources
from content.messages import CONFIRM

ELIGIBILITY = load_eligibility()
STEPS = load_checklists()
TEXTS = load_locale_files()
CASES = yaml.safe_load((Path(__file__).parent / "cases" / "checklists.yaml").read_text("utf-8"))
SOURCES = read_sources(CHECKLISTS_DIR)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_steps_per_profile(case: dict[str, Any]) -> None:
    outcome = evaluate(ELIGIBILITY, case["answers"])
    assert outcome.category == case["outcome"]
    kept = stored_answers(ELIGIBILITY, case["answers"])  # what the host may keep
    steps = compose(STEPS, kept, outcome.category)
    assert [s.id for s in steps] == case["steps"]


def test_without_kept_answers_the_steps_for_everyone() -> None:
    # No consent: nothing kept, so only the steps that apply to everyone.
    assert [s.id for s in compose(STEPS, {})] == ["social_security", "bank_account"]
    assert all(not s.when for s in compose(STEPS, {}))


def test_stale_answers_do_not_break_composition() -> None:
    steps = compose(STEPS, {"project": "pottery", "unknown": "x"}, "retired_outcome")
    assert [s.id for s in steps] == ["social_security", "bank_account"]


def test_every_step_says_what_which_documents_and_where() -> None:
    for step in STEPS:
        (card,) = step.to_send()
        assert card[:3] == (step.what, step.documents, step.where)
        assert (step.more in card) == (step.more is not None)
        assert (card[-1] == CONFIRM) == step.check, step.id
        assert card.count(CONFIRM) == (1 if step.check else 0)
        for lang in LANGS:
            title = TEXTS[lang][step.title]
            assert len(title) <= 24, f"{lang}: step title {title!r} is longer than a list item"


def test_facts_to_confirm_are_marked() -> None:
    # Marked *(check)* in DOMAIN.md: asylum seekers' right to work, ~14 hours of food hygiene
    # training, the CAE's contribution of about 10%.
    checked = {s.id for s in STEPS if s.check}
    assert {"work_authorisation", "food_hygiene", "sign_contract"} <= checked


def test_droit_au_compte_comes_with_the_bank_step() -> None:
    bank = next(s for s in STEPS if s.id == "bank_account")
    assert bank.help == "bank"
    assert any("steps.bank_account.droit_au_compte" in m for m in bank.to_send())
    assert "Banque de France" in TEXTS["fr"]["steps.bank_account.droit_au_compte"]


def test_overview_progress_and_next_pending() -> None:
    catalog = Catalog({"fr": {s.title: s.id for s in STEPS}})
    steps = compose(STEPS, {"address": "none", "project": "food"})
    done = {"social_security", "gone"}
    assert (
        overview(catalog, "fr", steps, done)
        == "⬜ domiciliation\n✅ social_security\n⬜ bank_account\n⬜ food_hygiene"
    )
    progress = steps_progress(steps, done)
    assert (progress.done, progress.total) == (1, 4)
    pending = next_pending(steps, done)
    assert pending is not None and pending.id == "domiciliation"
    assert next_pending(steps, {s.id for s in steps}) is None


def test_texts_around_the_checklist_exist() -> None:
    catalog = load_catalog()
    for lang in LANGS:
        for key in StepsText:
            assert catalog.has(key, lang), (lang, key)
    nudge = catalog.raw(StepsText.NUDGE, "ar")
    assert nudge is not None and "{step}" in nudge


def _load(name: str, source: str) -> None:
    others = [(n, s) for n, s in SOURCES if n != name]
    checklists_from_sources([*others, (name, source)], ELIGIBILITY)


PAPERS = dict(SOURCES)["papers.yaml"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("    when: {address: none}\n", "    when: {french: none}\n"),
            "papers.yaml: step 'domiciliation', field when: 'french' is not a kept answer",
        ),
        (
            ("    when: {address: none}\n", "    when: {address: street}\n"),
            "papers.yaml: step 'domiciliation', field when.address: 'street' is not one of",
        ),
        (
            ("    when: {address: none}\n", "    when: {outcome: party}\n"),
            "papers.yaml: step 'domiciliation', field when.outcome: 'party' is not one of",
        ),
        (
            ("    help: domiciliation\n", "    help: housing\n"),
            "papers.yaml: step 'domiciliation', field help: 'housing' is not a need",
        ),
        (
            ("    documents: steps.domiciliation.documents\n", ""),
            "papers.yaml: field steps[domiciliation].documents: Field required",
        ),
        (
            ("    order: 20\n", "    order: 10\n"),
            "papers.yaml: step 'domiciliation', field order: 10 already used in papers.yaml",
        ),
        (
            ("  - id: social_security\n", "  - id: domiciliation\n"),
            "papers.yaml: step 'domiciliation': id already used in papers.yaml",
        ),
        (
            ("    where: steps.domiciliation.where\n", "    where: Allez à la mairie\n"),
            "papers.yaml: field steps[domiciliation].where: String should match pattern",
        ),
    ],
)
def test_bad_steps_errors_name_file_step_and_field(change: tuple[str, str], expected: str) -> None:
    old, new = change
    assert old in PAPERS, old
    with pytest.raises(ContentError) as err:
        _load("papers.yaml", PAPERS.replace(old, new, 1))
    assert expected in str(err.value)


def test_a_new_step_is_a_yaml_file() -> None:
    extra = (
        "steps:\n  - id: french_classes\n    order: 55\n    when: {project: textile}\n"
        "    title: steps.x.title\n    what: steps.x.what\n    documents: steps.x.documents\n"
        "    where: steps.x.where\n    help: french_classes\n"
    )
    steps = checklists_from_sources([*SOURCES, ("more.yaml", extra)], ELIGIBILITY)
    composed = compose(steps, {"project": "textile", "work_right": "permit"})
    assert [s.id for s in composed] == [
        "social_security",
        "bank_account",
        "france_travail",
        "french_classes",
    ]
