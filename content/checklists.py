""" "My administrative steps": steps in content/checklists/*.yaml, each with what it is, the
documents, where to go, and when it applies (on the kept answers and the outcome)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from enum import StrEnum
from pathlib import Path

from pydantic import Field

from content.catalog import Catalog
from content.conditions import Answers, Condition, matches
from content.eligibility import OUTCOME, Category, Eligibility, Store, load_eligibility
from content.loading import ContentError, Id, Strict, TextKey, parse, read_sources
from content.messages import Message, Progress, message, progress
from content.referrals import Referrals

CHECKLISTS_DIR = Path(__file__).parent / "checklists"
DONE_MARK, PENDING_MARK = "✅", "⬜"


class StepsText(StrEnum):
    """Texts around the checklist ({placeholders} filled by the host)."""

    INTRO = "steps.intro"  # above the list (✅ done, ⬜ not yet)
    PROGRESS = "steps.progress"  # {done} {total}
    EMPTY = "steps.empty"  # no kept answers: the steps for everyone; "can I join?" for more
    DONE = "steps.done"  # button
    NOT_YET = "steps.not_yet"  # button
    HELP = "steps.help"  # button: opens a request to a person, with the step as context
    MARKED_DONE = "steps.marked_done"
    MARKED_NOT_YET = "steps.marked_not_yet"
    ALL_DONE = "steps.all_done"
    NUDGE = "steps.nudge"  # {step}: the weekly reminder of the next pending step
    NUDGE_STOP = "steps.nudge_stop"  # {word}: how to stop the reminders
    NUDGE_STOPPED = "steps.nudge_stopped"


class Step(Strict):
    id: Id
    order: int = Field(ge=1)
    title: TextKey  # short: a line of the list, and a list-picker item
    what: TextKey
    documents: TextKey
    where: TextKey
    more: TextKey | None = None  # one more idea, e.g. what to do if a bank says no
    help: Id | None = None  # the referral need that fits ("I need help")
    check: bool = False  # states facts to confirm with a person
    when: Condition = Field(default_factory=dict)  # on kept answers and `outcome`; {}: all

    def to_send(self) -> tuple[Message, ...]:
        """The step as one card, a line each (what, documents, where, more), ending with
        "confirm with a person" when it states facts to confirm. The host adds the buttons."""
        keys = (self.what, self.documents, self.where, *([self.more] if self.more else []))
        return (message(keys, check=self.check),)

    def text_keys(self) -> set[str]:
        return {
            self.title,
            self.what,
            self.documents,
            self.where,
            *([self.more] if self.more else []),
        }


class ChecklistFile(Strict):
    steps: tuple[Step, ...] = Field(min_length=1)


def checklists_from_sources(
    sources: Iterable[tuple[str, str]], eligibility: Eligibility
) -> tuple[Step, ...]:
    """(name, YAML) pairs -> all steps in their order; conditions checked against the answers
    that are kept (a step may only depend on what the bot keeps) and the outcomes."""
    steps: list[Step] = []
    seen_ids: dict[str, str] = {}
    seen_orders: dict[int, str] = {}
    for name, source in sources:
        for step in parse(ChecklistFile, source, name).steps:
            where = f"{name}: step {step.id!r}"
            if step.id in seen_ids:
                raise ContentError(f"{where}: id already used in {seen_ids[step.id]}")
            if step.order in seen_orders:
                raise ContentError(
                    f"{where}, field order: {step.order} already used in {seen_orders[step.order]}"
                )
            seen_ids[step.id], seen_orders[step.order] = name, name
            _check_condition(step, where, eligibility)
            _check_help(step, where, eligibility.referrals)
            steps.append(step)
    if not steps:
        raise ContentError("no checklist step found")
    return tuple(sorted(steps, key=lambda s: s.order))


def _check_condition(step: Step, where: str, eligibility: Eligibility) -> None:
    kept = {q.id: q for q in eligibility.questions if q.store is Store.CHECKLIST}
    for ref, choices in step.when.items():
        if ref == OUTCOME:
            known = [c.value for c in Category]
        elif ref in kept:
            known = [c.id for c in kept[ref].choices]
        else:
            raise ContentError(
                f"{where}, field when: {ref!r} is not a kept answer {sorted(kept)} nor {OUTCOME!r}"
            )
        for choice in choices:
            if choice not in known:
                raise ContentError(f"{where}, field when.{ref}: {choice!r} is not one of {known}")


def _check_help(step: Step, where: str, referrals: Referrals) -> None:
    if step.help is not None and step.help not in referrals.ids:
        raise ContentError(
            f"{where}, field help: {step.help!r} is not a need {list(referrals.ids)}"
        )


def load_checklists(
    directory: Path = CHECKLISTS_DIR, eligibility: Eligibility | None = None
) -> tuple[Step, ...]:
    return checklists_from_sources(read_sources(directory), eligibility or load_eligibility())


def compose(
    checklists: Iterable[Step], answers: Answers, outcome: str | None = None
) -> tuple[Step, ...]:
    """The steps that apply to someone, in order. Only kept answers matter; without answers,
    the steps for everyone."""
    facts: Mapping[str, str] = {**answers, OUTCOME: outcome} if outcome else answers
    return tuple(step for step in checklists if matches(step.when, facts))


def steps_progress(steps: Iterable[Step], done: Iterable[str]) -> Progress:
    return progress((s.id for s in steps), done)


def next_pending(steps: Iterable[Step], done: Collection[str]) -> Step | None:
    """The step a reminder speaks of: the first not done."""
    return next((s for s in steps if s.id not in done), None)


def overview(catalog: Catalog, lang: str, steps: Iterable[Step], done: Collection[str]) -> str:
    """One line per step: "✅ Title" or "⬜ Title"."""
    return "\n".join(
        f"{DONE_MARK if s.id in done else PENDING_MARK} {catalog.text(s.title, lang)}"
        for s in steps
    )


def text_keys(steps: Iterable[Step]) -> set[str]:
    return {key for s in steps for key in s.text_keys()} | set(StepsText)
