""" "Can I join the cooperative?": questions asked one at a time (eligibility/questions.yaml) and
ordered rules from answers to an outcome (eligibility/rules.yaml), with the answers behind it.

Loading proves the rules whole: every possible set of answers reaches a rule, and every rule is
reached by some answers. The bot never decides alone: every outcome offers a person."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from content.conditions import Answers, Condition, matches
from content.loading import ContentError, Id, Strict, TextKey, parse
from content.messages import CONFIRM, Message, message
from content.referrals import Referrals, load_referrals

ELIGIBILITY_DIR = Path(__file__).parent / "eligibility"
# The answer recorded when someone skips an optional question.
SKIPPED = "skip"
OUTCOME = "outcome"  # checklists may also depend on the outcome, under this name


class Category(StrEnum):
    """What the answers lead to. The host acts on these, so they are fixed here; which answers
    lead where is data."""

    EPHEMERAL_CULINARY = "ephemeral_culinary"
    EPHEMERAL_TEXTILE = "ephemeral_textile"
    CAE = "cae"
    AWARENESS = "awareness"
    NOT_YET = "not_yet"


class Store(StrEnum):
    """What may be kept of an answer, and only with the person's consent."""

    CHECKLIST = "checklist"  # kept with the outcome: the checklist needs it
    NEVER = "never"  # used for the outcome, then forgotten
    ANONYMOUS = "anonymous"  # only counted in anonymous figures, never linked to the person


class EligibilityText(StrEnum):
    """Texts around the questions."""

    INTRO = "eligibility.intro"
    PRIVACY = "eligibility.privacy"
    BECAUSE = "eligibility.because_intro"  # heads the answers that led to the outcome
    MISSING = "eligibility.missing_intro"  # heads what is missing ("not yet")
    PERSON = "eligibility.person"  # the last message: a person confirms
    TALK = "eligibility.talk"  # button: talk to a person
    STEPS = "eligibility.steps"  # button: my administrative steps
    SAVED = "eligibility.saved"  # the outcome and the checklist's answers were kept
    NOT_SAVED = "eligibility.not_saved"  # nothing kept: no consent
    SKIP = "eligibility.skip"  # button: skip an optional question


class Choice(Strict):
    id: Id
    label: TextKey  # a button
    because: TextKey | None = None  # "you said …": needed when a rule uses this choice
    check: bool = False  # `because` states a fact to confirm with a person
    # A yes (or no) word alone selects it: "non" at "do you live in Île-de-France?".
    means: Literal["yes", "no"] | None = None


class Question(Strict):
    id: Id
    prompt: TextKey
    store: Store
    optional: bool = False  # may be skipped (recorded as SKIPPED)
    ask_if: Condition = Field(default_factory=dict)  # asked only when earlier answers match
    choices: tuple[Choice, ...] = Field(min_length=2, max_length=10)

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        ids = [c.id for c in self.choices]
        if len(ids) != len(set(ids)):
            raise ValueError("choice ids must be unique")
        if SKIPPED in ids:
            raise ValueError(f"{SKIPPED!r} is kept for skipped questions, not a choice id")
        if self.store is Store.ANONYMOUS and not self.optional:
            raise ValueError("a question for anonymous figures must be optional")
        for choice in self.choices:
            if choice.check and not choice.because:
                raise ValueError(f"choice {choice.id!r}: check needs a `because` text")
        return self

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)

    def applies(self, answers: Answers) -> bool:
        return matches(self.ask_if, answers)


class QuestionsFile(Strict):
    questions: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ask_if_looks_back(self) -> QuestionsFile:
        earlier: dict[str, Question] = {}
        for q in self.questions:
            if q.id in earlier:
                raise ValueError(f"question {q.id!r} is defined twice")
            for ref, choices in q.ask_if.items():
                if ref not in earlier:
                    raise ValueError(
                        f"question {q.id!r}, field ask_if: {ref!r} is not an earlier question"
                    )
                if earlier[ref].optional:
                    raise ValueError(f"question {q.id!r}, field ask_if: {ref!r} may be skipped")
                _check_choices(earlier[ref], choices, f"question {q.id!r}, field ask_if.{ref}")
            earlier[q.id] = q
        return self


def _check_choices(question: Question, choices: tuple[str, ...], where: str) -> None:
    known = [c.id for c in question.choices]
    for choice in choices:
        if choice not in known:
            raise ValueError(f"{where}: {choice!r} is not a choice of {question.id!r} {known}")


class OutcomeTexts(Strict):
    text: TextKey  # the outcome, in a sentence
    next: TextKey  # what happens next


class MissingItem(Strict):
    text: TextKey
    check: bool = False


class Rule(Strict):
    id: Id
    when: Condition  # every listed answer must be one of its choices
    outcome: Category
    missing: tuple[Id, ...] = ()  # what is missing: required for "not yet", else empty
    help: tuple[Id, ...] = ()  # referral needs to show (referrals.yaml)

    @model_validator(mode="after")
    def _missing_means_not_yet(self) -> Rule:
        if self.outcome is Category.NOT_YET and not self.missing:
            raise ValueError("a 'not_yet' rule says what is missing (field missing)")
        if self.outcome is not Category.NOT_YET and self.missing:
            raise ValueError(f"only a 'not_yet' rule lists what is missing, not {self.outcome!r}")
        return self


class RulesFile(Strict):
    outcomes: dict[Category, OutcomeTexts]
    missing: dict[Id, MissingItem] = Field(default_factory=dict)
    rules: tuple[Rule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> RulesFile:
        absent = [c.value for c in Category if c not in self.outcomes]
        if absent:
            raise ValueError(f"field outcomes: texts missing for {absent}")
        ids = [r.id for r in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError("rule ids must be unique")
        for rule in self.rules:
            for item in rule.missing:
                if item not in self.missing:
                    raise ValueError(
                        f"rule {rule.id!r}, field missing: {item!r} is not defined under "
                        f"`missing` {sorted(self.missing)}"
                    )
        return self


@dataclass(frozen=True, slots=True)
class Reason:
    """One answer that led to an outcome, and the text that says it."""

    question: str
    choice: str
    text: str
    check: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    rule: str  # the id of the rule that matched
    category: Category
    reasons: tuple[Reason, ...]  # the answers the rule looked at, in question order
    missing: tuple[str, ...]  # ids of what is missing ("not yet")
    help: tuple[str, ...]  # referral needs

    @property
    def answers(self) -> dict[str, str]:
        return {r.question: r.choice for r in self.reasons}


class AnswerError(ValueError):
    """Answers that do not fit the questions (a bug in the caller, or stale stored answers)."""


@dataclass(frozen=True, slots=True)
class Eligibility:
    questions: tuple[Question, ...]
    outcomes: Mapping[Category, OutcomeTexts]
    missing: Mapping[str, MissingItem]
    rules: tuple[Rule, ...]
    referrals: Referrals
    # The questions an outcome depends on: those the rules use, and those they hang on.
    rule_questions: tuple[Question, ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        needed = {q for rule in self.rules for q in rule.when}
        for q in reversed(self.questions):
            if q.id in needed:
                needed |= set(q.ask_if)
        kept = tuple(q for q in self.questions if q.id in needed)
        object.__setattr__(self, "rule_questions", kept)  # derived once; the class is frozen

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def text_keys(self) -> set[str]:
        keys: set[str] = {*EligibilityText, CONFIRM}
        for q in self.questions:
            keys.add(q.prompt)
            for c in q.choices:
                keys.add(c.label)
                if c.because:
                    keys.add(c.because)
        for texts in self.outcomes.values():
            keys |= {texts.text, texts.next}
        keys |= {item.text for item in self.missing.values()}
        return keys


def eligibility_from_sources(
    questions: tuple[str, str], rules: tuple[str, str], referrals: Referrals
) -> Eligibility:
    """(name, YAML) of the questions and of the rules -> the checked whole."""
    (q_name, q_source), (r_name, r_source) = questions, rules
    qfile = parse(QuestionsFile, q_source, q_name)
    rfile = parse(RulesFile, r_source, r_name)
    found = Eligibility(qfile.questions, rfile.outcomes, rfile.missing, rfile.rules, referrals)
    by_id = {q.id: q for q in qfile.questions}
    for rule in rfile.rules:
        where = f"{r_name}: rule {rule.id!r}"
        for ref, choices in rule.when.items():
            question = by_id.get(ref)
            if question is None:
                raise ContentError(f"{where}, field when: {ref!r} is not a question {list(by_id)}")
            if question.optional:
                raise ContentError(
                    f"{where}, field when.{ref}: {ref!r} may be skipped; "
                    "no outcome may depend on it"
                )
            try:
                _check_choices(question, choices, f"{where}, field when.{ref}")
            except ValueError as exc:
                raise ContentError(str(exc)) from None
            for choice_id in choices:
                choice = question.choice(choice_id)
                if choice is not None and not choice.because:
                    raise ContentError(
                        f"{q_name}: question {ref!r}, choice {choice_id!r}: rule {rule.id!r} "
                        "uses it, so it needs a `because` text"
                    )
        for need in rule.help:
            if need not in referrals.ids:
                raise ContentError(
                    f"{where}, field help: {need!r} is not a need of referrals.yaml "
                    f"{list(referrals.ids)}"
                )
    _check_rules_are_whole(found, r_name)
    return found


def load_eligibility(
    directory: Path = ELIGIBILITY_DIR, referrals: Referrals | None = None
) -> Eligibility:
    def read(name: str) -> tuple[str, str]:
        return name, (directory / name).read_text(encoding="utf-8")

    return eligibility_from_sources(
        read("questions.yaml"), read("rules.yaml"), referrals or load_referrals()
    )


def answer_sets(eligibility: Eligibility) -> Iterator[dict[str, str]]:
    """Every set of answers the outcome can depend on (only questions that apply are asked)."""
    questions = eligibility.rule_questions

    def walk(i: int, answers: dict[str, str]) -> Iterator[dict[str, str]]:
        if i == len(questions):
            yield dict(answers)
            return
        question = questions[i]
        if not question.applies(answers):
            yield from walk(i + 1, answers)
            return
        for choice in question.choices:
            answers[question.id] = choice.id
            yield from walk(i + 1, answers)
        del answers[question.id]

    return walk(0, {})


def _first_rule(rules: tuple[Rule, ...], answers: Answers) -> Rule | None:
    return next((rule for rule in rules if matches(rule.when, answers)), None)


def _check_rules_are_whole(eligibility: Eligibility, name: str) -> None:
    reached: set[str] = set()
    for answers in answer_sets(eligibility):
        rule = _first_rule(eligibility.rules, answers)
        if rule is None:
            shown = ", ".join(f"{q}={c}" for q, c in answers.items())
            raise ContentError(f"{name}: no rule matches the answers {shown}")
        reached.add(rule.id)
    for rule in eligibility.rules:
        if rule.id not in reached:
            raise ContentError(
                f"{name}: rule {rule.id!r} is never reached: earlier rules take all its answers"
            )


def applicable(eligibility: Eligibility, answers: Answers) -> dict[str, str]:
    """The answers that count, checked: an answer to a question that no longer applies (an
    earlier answer changed) is dropped; an unknown question or choice is an AnswerError."""
    known = {q.id for q in eligibility.questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise AnswerError(f"unknown questions {unknown}")
    out: dict[str, str] = {}
    for q in eligibility.questions:
        if q.id not in answers or not q.applies(out):
            continue
        value = answers[q.id]
        if value == SKIPPED and not q.optional:
            raise AnswerError(f"question {q.id!r} may not be skipped")
        if value != SKIPPED and q.choice(value) is None:
            raise AnswerError(f"{value!r} is not a choice of question {q.id!r}")
        out[q.id] = value
    return out


def next_question(eligibility: Eligibility, answers: Answers) -> Question | None:
    """The next question to ask, one at a time; None when all that apply are answered."""
    counted = applicable(eligibility, answers)
    for q in eligibility.questions:
        if q.id not in counted and q.applies(counted):
            return q
    return None


def evaluate(eligibility: Eligibility, answers: Answers) -> Outcome:
    """The first rule whose conditions hold, and the answers it looked at."""
    counted = applicable(eligibility, answers)
    for q in eligibility.rule_questions:
        if q.applies(counted) and q.id not in counted:
            raise AnswerError(f"question {q.id!r} is not answered yet")
    rule = _first_rule(eligibility.rules, counted)
    if rule is None:  # loading proved the rules whole
        raise AnswerError(f"no rule matches {counted}")
    reasons = []
    for q in eligibility.questions:
        if q.id in rule.when:
            choice = q.choice(counted[q.id])
            assert choice is not None and choice.because is not None
            reasons.append(Reason(q.id, choice.id, choice.because, choice.check))
    return Outcome(rule.id, rule.outcome, tuple(reasons), rule.missing, rule.help)


def explanation(eligibility: Eligibility, outcome: Outcome) -> tuple[Message, ...]:
    """What to send, in order: the outcome; the answers that led to it; what is missing; what
    happens next; where to get help; and a person who confirms."""
    texts = eligibility.outcomes[outcome.category]
    out: list[Message] = [(texts.text,)]
    if outcome.reasons:
        keys = (EligibilityText.BECAUSE, *(r.text for r in outcome.reasons))
        out.append(message(keys, check=any(r.check for r in outcome.reasons)))
    if outcome.missing:
        items = [eligibility.missing[m] for m in outcome.missing]
        keys = (EligibilityText.MISSING, *(i.text for i in items))
        out.append(message(keys, check=any(i.check for i in items)))
    out.append((texts.next,))
    out += [eligibility.referrals.need(need).message() for need in outcome.help]
    out.append((EligibilityText.PERSON,))
    return tuple(out)


def stored_answers(eligibility: Eligibility, answers: Answers) -> dict[str, str]:
    """What may be kept with the person (with their consent): the checklist's answers."""
    return _kept(eligibility, answers, Store.CHECKLIST)


def anonymous_answers(eligibility: Eligibility, answers: Answers) -> dict[str, str]:
    """What may only be counted, never linked to the person; a skipped question gives nothing."""
    return _kept(eligibility, answers, Store.ANONYMOUS)


def _kept(eligibility: Eligibility, answers: Answers, store: Store) -> dict[str, str]:
    counted = applicable(eligibility, answers)
    return {
        q.id: counted[q.id]
        for q in eligibility.questions
        if q.store is store and counted.get(q.id, SKIPPED) != SKIPPED
    }
