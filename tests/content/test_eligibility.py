""" "Can I join the cooperative?": every path of the rules file, the answers named as the reason,
the skippable question that changes nothing, what may be kept, and precise errors in bad files."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml

from content.catalog import LANGS, load_catalog
from content.eligibility import (
    ELIGIBILITY_DIR,
    SKIPPED,
    AnswerError,
    Category,
    Eligibility,
    EligibilityText,
    Outcome,
    Store,
    anonymous_answers,
    applicable,
    eligibility_from_sources,
    evaluate,
    explanation,
    load_eligibility,
    next_question,
    stored_answers,
)
from content.loading import ContentError
from content.messages import CONFIRM, render
from content.referrals import load_referrals

ELIGIBILITY = load_eligibility()
RULES_FILE = yaml.safe_load((ELIGIBILITY_DIR / "rules.yaml").read_text(encoding="utf-8"))
QUESTIONS_SOURCE = (ELIGIBILITY_DIR / "questions.yaml").read_text(encoding="utf-8")
RULES_SOURCE = (ELIGIBILITY_DIR / "rules.yaml").read_text(encoding="utf-8")
CASES = yaml.safe_load((Path(__file__).parent / "cases" / "eligibility.yaml").read_text("utf-8"))
CATALOG = load_catalog()


def _all_answer_sets() -> list[dict[str, str]]:
    """Every combination of choices of the required questions, written out plainly from
    questions.yaml (answers to questions that do not apply are left in: they must not count)."""
    data = yaml.safe_load(QUESTIONS_SOURCE)["questions"]
    required = [q for q in data if not q.get("optional")]
    choices = [[c["id"] for c in q["choices"]] for q in required]
    return [
        {q["id"]: c for q, c in zip(required, combo, strict=True)}
        for combo in itertools.product(*choices)
    ]


ANSWER_SETS = _all_answer_sets()


def _expected_rule(answers: dict[str, str]) -> dict[str, Any]:
    """The rules file read by hand: the first rule whose every condition lists the answer."""
    asylum_seeker = answers["work_right"] == "asylum"
    for rule in RULES_FILE["rules"]:
        ok = True
        for question, allowed in rule["when"].items():
            allowed = [allowed] if isinstance(allowed, str) else allowed
            if question == "asylum_since" and not asylum_seeker:
                ok = False  # only asked of asylum seekers
            elif answers[question] not in allowed:
                ok = False
        if ok:
            return dict(rule)
    raise AssertionError(f"no rule for {answers}")


OUTCOMES = {tuple(sorted(a.items())): evaluate(ELIGIBILITY, a) for a in ANSWER_SETS}


def test_every_answer_set_gets_the_first_rule_that_holds() -> None:
    assert len(ANSWER_SETS) > 1000
    for answers in ANSWER_SETS:
        outcome = OUTCOMES[tuple(sorted(answers.items()))]
        expected = _expected_rule(answers)
        assert (outcome.rule, outcome.category.value) == (expected["id"], expected["outcome"]), (
            answers
        )


@pytest.mark.parametrize("rule", RULES_FILE["rules"], ids=lambda r: r["id"])
def test_each_rule_is_reached_and_names_the_answers_that_led_to_it(rule: dict[str, Any]) -> None:
    reached = [
        (answers, outcome)
        for answers in ANSWER_SETS
        if (outcome := OUTCOMES[tuple(sorted(answers.items()))]).rule == rule["id"]
    ]
    assert reached, f"rule {rule['id']!r} is never reached"
    for answers, outcome in reached:
        assert outcome.category == rule["outcome"]
        assert [r.question for r in outcome.reasons] == [
            q.id for q in ELIGIBILITY.questions if q.id in rule["when"]
        ]
        for reason in outcome.reasons:
            assert reason.choice == answers[reason.question]
            choice = ELIGIBILITY.question(reason.question).choice(reason.choice)
            assert choice is not None and reason.text == choice.because
        assert outcome.missing == tuple(rule.get("missing", ()))
        assert outcome.help == tuple(rule.get("help", ()))


def test_every_outcome_is_reached() -> None:
    assert {o.category for o in OUTCOMES.values()} == set(Category)


@pytest.mark.parametrize("gender", ["woman", "man", "no_say", SKIPPED, None])
def test_the_skippable_question_never_changes_the_outcome(gender: str | None) -> None:
    for answers in ANSWER_SETS:
        with_gender = answers if gender is None else {**answers, "gender": gender}
        assert evaluate(ELIGIBILITY, with_gender) == OUTCOMES[tuple(sorted(answers.items()))]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_profiles(case: dict[str, Any]) -> None:
    outcome = evaluate(ELIGIBILITY, case["answers"])
    assert outcome.rule == case["rule"]
    assert outcome.category == case["outcome"]
    assert [r.question for r in outcome.reasons] == case["because"]
    assert outcome.missing == tuple(case.get("missing", ()))
    assert outcome.help == tuple(case.get("help", ()))
    messages = explanation(ELIGIBILITY, outcome)
    assert messages[0] == (ELIGIBILITY.outcomes[outcome.category].text,)
    assert messages[-1] == (EligibilityText.PERSON,), "every outcome offers a person"
    because = next(m for m in messages if m[0] == EligibilityText.BECAUSE)
    assert because[1 : 1 + len(outcome.reasons)] == tuple(r.text for r in outcome.reasons)
    reasons = [m for m in messages if m[0] in (EligibilityText.BECAUSE, EligibilityText.MISSING)]
    assert any(CONFIRM in m for m in reasons) == case.get("confirm", False)
    referrals = load_referrals()
    assert [m for m in messages if m[0].startswith("referrals.")] == [
        referrals.need(need).message() for need in outcome.help
    ]
    for lang in LANGS:
        shown = "\n".join(render(CATALOG, lang, m) for m in messages)
        for reason in outcome.reasons:
            assert CATALOG.text(reason.text, lang) in shown, (lang, reason)
        assert "{" not in shown and "eligibility." not in shown, lang


def test_facts_to_confirm_end_their_message() -> None:
    for outcome in set(OUTCOMES.values()):
        for message in explanation(ELIGIBILITY, outcome):
            head = message[0]
            if head == EligibilityText.BECAUSE:
                checked = any(r.check for r in outcome.reasons)
            elif head == EligibilityText.MISSING:
                checked = any(ELIGIBILITY.missing[m].check for m in outcome.missing)
            else:  # the directory's places are all to confirm; the rest states no fact
                checked = head.startswith("referrals.")
            assert (message[-1] == CONFIRM) == checked, (outcome.rule, message)
            assert message.count(CONFIRM) == (1 if checked else 0)


def test_not_yet_says_what_is_missing_and_where_to_get_help() -> None:
    referrals = load_referrals()
    outcome = evaluate(
        ELIGIBILITY,
        {"region": "idf", "work_right": "no_papers", "project": "food", "french": "good"}
        | {"availability": "lot", "activity": "none"},
    )
    messages = explanation(ELIGIBILITY, outcome)
    assert (EligibilityText.MISSING, "eligibility.missing.right_to_work") in messages
    assert referrals.need("legal_help").message() in messages


def _ask_all(answers_by_question: dict[str, str]) -> list[str]:
    """Answers questions one at a time, as the bot does; returns the order they were asked."""
    answers: dict[str, str] = {}
    asked = []
    while (question := next_question(ELIGIBILITY, answers)) is not None:
        asked.append(question.id)
        answers[question.id] = answers_by_question.get(question.id, SKIPPED)
    return asked


def test_questions_come_one_at_a_time_and_only_when_they_apply() -> None:
    common = {"region": "idf", "project": "food", "french": "little", "availability": "lot"}
    common |= {"activity": "none", "address": "home"}
    asked = _ask_all(common | {"work_right": "permit"})
    assert asked == [
        "region",
        "work_right",
        "project",
        "french",
        "availability",
        "activity",
        "address",
        "gender",
    ]
    asked = _ask_all(common | {"work_right": "asylum", "asylum_since": "over_6m"})
    assert asked[:3] == ["region", "work_right", "asylum_since"]


def test_an_answer_that_no_longer_applies_is_dropped() -> None:
    answers = {"region": "idf", "work_right": "permit", "asylum_since": "over_6m"}
    assert applicable(ELIGIBILITY, answers) == {"region": "idf", "work_right": "permit"}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"region": "idf", "shoe_size": "42"}, r"unknown questions \['shoe_size'\]"),
        ({"region": "paris"}, r"'paris' is not a choice of question 'region'"),
        ({"region": SKIPPED}, r"question 'region' may not be skipped"),
        ({"region": "idf", "work_right": "permit"}, r"question 'project' is not answered yet"),
        (
            {"region": "idf", "work_right": "asylum", "project": "food", "french": "good"}
            | {"availability": "lot", "activity": "none"},
            r"question 'asylum_since' is not answered yet",
        ),
    ],
)
def test_answers_that_do_not_fit(answers: dict[str, str], expected: str) -> None:
    with pytest.raises(AnswerError, match=expected):
        evaluate(ELIGIBILITY, answers)


def test_only_the_checklists_answers_are_kept_and_gender_only_counted() -> None:
    answers = CASES[0]["answers"]
    kept = stored_answers(ELIGIBILITY, answers)
    assert kept == {"work_right": "permit", "project": "food", "address": "home"}
    assert anonymous_answers(ELIGIBILITY, answers) == {"gender": "woman"}
    assert "gender" not in kept
    assert anonymous_answers(ELIGIBILITY, {**answers, "gender": SKIPPED}) == {}
    never = {q.id for q in ELIGIBILITY.questions if q.store is Store.NEVER}
    assert {"region", "french", "availability", "activity", "asylum_since"} <= never


def test_every_question_is_a_choice_never_free_text() -> None:
    # A category, never a document number: there is no question that takes typed text.
    for question in ELIGIBILITY.questions:
        assert len(question.choices) >= 2
    work_right = ELIGIBILITY.question("work_right")
    assert {c.id for c in work_right.choices} == {
        "permit",
        "protection",
        "asylum",
        "receipt",
        "no_papers",
        "unknown",
    }


def _load(questions: str = QUESTIONS_SOURCE, rules: str = RULES_SOURCE) -> Eligibility:
    return eligibility_from_sources(
        ("questions.yaml", questions), ("rules.yaml", rules), load_referrals()
    )


def test_shipped_files_load_from_sources() -> None:
    assert _load().rules == ELIGIBILITY.rules


_RULE_CULINARY = (
    "    when: {region: idf, work_right: [permit, protection, receipt], "
    "availability: [lot, some], project: food}\n"
)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            (
                _RULE_CULINARY,
                _RULE_CULINARY.replace("project: food}", "project: food, gender: woman}"),
            ),
            "rules.yaml: rule 'culinary', field when.gender: 'gender' may be skipped; "
            "no outcome may depend on it",
        ),
        (
            (_RULE_CULINARY, _RULE_CULINARY.replace("project: food", "projet: food")),
            "rules.yaml: rule 'culinary', field when: 'projet' is not a question",
        ),
        (
            (_RULE_CULINARY, _RULE_CULINARY.replace("project: food", "project: pizza")),
            "rules.yaml: rule 'culinary', field when.project: 'pizza' is not a choice of 'project'",
        ),
        (
            ("    help: [french_classes]\n", "    help: [housing]\n"),
            "rules.yaml: rule 'other_project_learn', field help: 'housing' is not a need",
        ),
        (
            ("    missing: [region]\n", ""),
            "rules.yaml: field rules[outside_idf]: Value error, "
            "a 'not_yet' rule says what is missing",
        ),
        (
            ("    outcome: cae\n", "    outcome: cae\n    missing: [region]\n"),
            "field rules[cae_ready]: Value error, only a 'not_yet' rule lists what is missing",
        ),
        (
            ("    missing: [region]\n", "    missing: [regio]\n"),
            "rule 'outside_idf', field missing: 'regio' is not defined under `missing`",
        ),
        (
            ("    outcome: ephemeral_culinary\n", "    outcome: party\n"),
            "rules.yaml: field rules[culinary].outcome: Input should be",
        ),
        (
            (
                "  awareness: {text: eligibility.outcome.awareness, "
                "next: eligibility.next.awareness}\n",
                "",
            ),
            "rules.yaml: Value error, field outcomes: texts missing for ['awareness']",
        ),
        (
            ("  - id: other_project_learn\n", "  - id: other_project_cae\n"),
            "rules.yaml: Value error, rule ids must be unique",
        ),
        (
            ("    french: [none, little]\n", "    french: [none]\n"),
            "rules.yaml: no rule matches the answers region=idf, work_right=permit, project=other, "
            "french=little, availability=lot, activity=running",
        ),
        (
            (
                "rules:\n",
                "rules:\n  - {id: everyone_cooks, when: {region: idf}, outcome: awareness}\n",
            ),
            "rules.yaml: rule 'no_papers' is never reached: earlier rules take all its answers",
        ),
    ],
)
def test_bad_rules_errors_name_file_rule_and_field(change: tuple[str, str], expected: str) -> None:
    old, new = change
    assert old in RULES_SOURCE, old
    with pytest.raises(ContentError) as err:
        _load(rules=RULES_SOURCE.replace(old, new, 1))
    assert expected in str(err.value)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("    store: anonymous\n    optional: true\n", "    store: anonymous\n"),
            "questions.yaml: field questions[gender]: Value error, a question for anonymous "
            "figures must be optional",
        ),
        (
            ("    ask_if: {work_right: asylum}\n", "    ask_if: {project: food}\n"),
            "question 'asylum_since', field ask_if: 'project' is not an earlier question",
        ),
        (
            ("    ask_if: {work_right: asylum}\n", "    ask_if: {work_right: refugee}\n"),
            "question 'asylum_since', field ask_if.work_right: 'refugee' is not a choice",
        ),
        (
            ("  - id: french\n", "  - id: project\n"),
            "questions.yaml: Value error, question 'project' is defined twice",
        ),
        (
            (
                "    store: never\n    choices:\n      - {id: idf,",
                "    store: maybe\n    choices:\n      - {id: idf,",
            ),
            "questions.yaml: field questions[region].store: "
            "Input should be 'checklist', 'never' or 'anonymous'",
        ),
        (
            (
                "      - {id: food, label: eligibility.project.food, "
                "because: eligibility.project.because.food}\n",
                "      - {id: food, label: eligibility.project.food}\n",
            ),
            "questions.yaml: question 'project', choice 'food': rule 'culinary' uses it, so it "
            "needs a `because` text",
        ),
        (
            ("        check: true\n", "        check: true\n        colour: red\n"),
            "questions.yaml: field questions[work_right].choices[receipt].colour: Extra inputs",
        ),
        (
            (
                "      - {id: man, label: eligibility.gender.man}\n",
                "      - {id: skip, label: eligibility.gender.man}\n",
            ),
            "'skip' is kept for skipped questions, not a choice id",
        ),
        (
            ("  - id: region\n    prompt: eligibility.region.prompt\n", "  - id: region\n"),
            "questions.yaml: field questions[region].prompt: Field required",
        ),
    ],
)
def test_bad_questions_errors_name_file_question_and_field(
    change: tuple[str, str], expected: str
) -> None:
    old, new = change
    assert old in QUESTIONS_SOURCE, old
    with pytest.raises(ContentError) as err:
        _load(questions=QUESTIONS_SOURCE.replace(old, new, 1))
    assert expected in str(err.value)


def test_a_new_question_and_rule_are_yaml_only() -> None:
    # A facilitator adds a question on driving and a rule that uses it: no code changes.
    questions = QUESTIONS_SOURCE.replace(
        "  # Only the checklist needs it",
        "  - id: driving\n    prompt: eligibility.driving.prompt\n    store: never\n    choices:\n"
        "      - {id: licence, label: eligibility.driving.licence, "
        "because: eligibility.driving.because.licence}\n"
        "      - {id: none, label: eligibility.driving.none, "
        "because: eligibility.driving.because.none}\n"
        "  # Only the checklist needs it",
    )
    rules = RULES_SOURCE.replace(
        "  - id: cae_ready\n",
        "  - id: delivery\n    when: {region: idf, work_right: [permit, protection, receipt], "
        "availability: [lot, some], project: other, driving: licence}\n    outcome: cae\n\n"
        "  - id: cae_ready\n",
    )
    found = _load(questions, rules)
    answers = {"region": "idf", "work_right": "permit", "project": "other", "french": "none"}
    answers |= {"availability": "lot", "activity": "none", "driving": "licence"}
    outcome = evaluate(found, answers)
    assert (outcome.rule, outcome.category) == ("delivery", Category.CAE)
    assert outcome.answers["driving"] == "licence"


def test_outcome_answers() -> None:
    outcome: Outcome = evaluate(ELIGIBILITY, CASES[0]["answers"])
    assert outcome.answers == {
        "region": "idf",
        "work_right": "permit",
        "project": "food",
        "availability": "lot",
    }
