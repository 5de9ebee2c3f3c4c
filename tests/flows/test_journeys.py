"""The journeys through the engine (flows learn, eligibility, steps and stop) with the host's
facts in memory: every eligibility path of rules.yaml, the checklist of each profile, the
quiz, progress and resume, module media, "I need help" and the stop word."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from content.checklists import compose
from content.eligibility import (
    SKIPPED,
    anonymous_answers,
    answer_sets,
    evaluate,
    explanation,
    next_question,
    stored_answers,
)
from content.journeys import Journeys, shipped_journeys
from content.modules import modules_from_sources
from content.stop_words import STOP_WORDS
from flows import engine
from flows.events import MsgCreated
from tests.flows.casebook import Case, Host, show

JOURNEYS = shipped_journeys()
ELIGIBILITY = JOURNEYS.eligibility
PROFILES = yaml.safe_load(
    (Path(__file__).parents[1] / "content" / "cases" / "checklists.yaml").read_text("utf-8")
)
MODULE_IDS = [m.id for m in JOURNEYS.modules]


def host(*, consent: bool | None = True, lang: str = "fr", **data: Any) -> Host:
    """A contact at the main menu, the host's facts in memory (casebook.Host)."""
    spec = {
        "contact": {"lang": lang, "consent": consent},
        "session": {"flow": "menu", "node": "main"},
    }
    return Host(Case("journeys", None, {**spec, **data}))


def say(h: Host, text: str = "", payload: str | None = None) -> list[str]:
    return [show(e) for e in h.send(text, payload, None).events]


def messages(events: list[str]) -> list[str]:
    return [e.removeprefix("msg ") for e in events if e.startswith("msg ")]


def answer_all(h: Host, answers: dict[str, str]) -> list[str]:
    """Open "can I join?" from the menu and answer each question as it comes, with its button;
    the events of the last answer."""
    events = say(h, payload="join")
    asked: dict[str, str] = {}
    while (question := next_question(ELIGIBILITY, asked)) is not None:
        assert h.session is not None and h.session.node_id == "ask", events
        assert h.session.vars["question"] == question.id
        choice = answers.get(question.id, SKIPPED if question.optional else question.choices[0].id)
        asked[question.id] = choice
        events = say(h, payload=choice)
    return events


def full_answers(rule_answers: dict[str, str]) -> dict[str, str]:
    """Answers to every question that applies: the rule's, else the first choice (the
    optional question skipped)."""
    out: dict[str, str] = {}
    while (q := next_question(ELIGIBILITY, out)) is not None:
        out[q.id] = rule_answers.get(q.id, SKIPPED if q.optional else q.choices[0].id)
    return out


# --- can I join? ----------------------------------------------------------------------------

PATHS = [full_answers(a) for a in answer_sets(ELIGIBILITY)]


@pytest.mark.parametrize("answers", PATHS, ids=lambda a: ",".join(a.values()))
def test_every_eligibility_path_through_the_engine(answers: dict[str, str]) -> None:
    outcome = evaluate(ELIGIBILITY, answers)
    h = host()
    events = answer_all(h, answers)
    kept = ",".join(f"{k}={v}" for k, v in stored_answers(ELIGIBILITY, answers).items())
    counted = ",".join(f"{k}={v}" for k, v in anonymous_answers(ELIGIBILITY, answers).items())
    assert events[0] == f"eligibility {outcome.category.value} kept[{kept}] anonymous[{counted}]"
    # The outcome, why, what is missing, what next, where to get help, then "kept", then a
    # person confirms, with the way on: my steps, a person, the menu.
    said = messages(events)
    expected = ["\n".join(m) for m in explanation(ELIGIBILITY, outcome)]
    assert said[:-2] == expected[:-1]
    assert said[-2] == "eligibility.saved"
    assert said[-1] == expected[-1] + " [steps,human,menu]"
    for reason in outcome.reasons:
        assert any(reason.text in m for m in said), reason
    # The answers leave the conversation once the outcome is given, the last one too.
    assert h.session is not None and "_answers" not in h.session.vars
    assert "answer" not in h.session.vars
    assert h.outcome is not None and h.outcome.outcome == outcome.category.value


def test_every_outcome_is_reached_through_the_engine() -> None:
    reached = {evaluate(ELIGIBILITY, a).category.value for a in PATHS}
    assert reached == {"ephemeral_culinary", "ephemeral_textile", "cae", "awareness", "not_yet"}


def test_without_consent_nothing_is_kept_but_the_anonymous_count() -> None:
    h = host(consent=False)
    answers = {**PROFILES[0]["answers"], "gender": "woman"}
    events = answer_all(h, answers)
    assert events[0] == "eligibility ephemeral_culinary kept[] anonymous[gender=woman]"
    assert "msg eligibility.not_saved" in events
    assert h.outcome is None


def test_the_optional_question_can_be_skipped_and_is_then_not_counted() -> None:
    h = host()
    say(h, payload="join")
    for choice in ("idf", "permit", "food", "good", "lot", "none", "home"):
        events = say(h, payload=choice)
    assert events == [
        "msg eligibility.gender.prompt [woman,man,no_say,skip]",
    ]
    events = say(h, "4")  # typed: the fourth button, "skip"
    assert events[0].endswith("anonymous[]")


def test_questions_take_numbers_and_labels_and_ask_again_otherwise() -> None:
    h = host(lang="ar")
    say(h, payload="join")
    assert say(h, "١")[-1].startswith("msg eligibility.work_right.prompt")  # idf, by number
    events = say(h, "blabla")
    assert events[0] == "not_understood 1"
    assert events[1].startswith("msg common.not_understood\neligibility.work_right.prompt")
    assert say(h, "eligibility.work_right.permit")[-1].startswith("msg eligibility.project.prompt")


def test_leaving_the_questions_forgets_the_answers() -> None:
    h = host()
    say(h, payload="join")
    say(h, payload="idf")
    say(h, payload="no_papers")
    assert h.session is not None and h.session.vars["_answers"] == "region=idf,work_right=no_papers"
    say(h, "/menu")
    assert h.session is not None and "_answers" not in h.session.vars
    say(h, payload="join")  # starts again from the first question
    assert h.session is not None and h.session.vars["question"] == "region"


# --- my administrative steps ---------------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p["name"])
def test_the_checklist_of_each_profile(profile: dict[str, Any]) -> None:
    h = host()
    answer_all(h, profile["answers"])
    events = say(h, payload="steps")  # "my steps", offered after the outcome
    listed = events[-1]
    assert listed.startswith("msg steps.intro\nsteps.progress")
    assert listed.endswith(f"[{','.join([*profile['steps'], 'menu'])}]")
    assert "steps.nudge_info" in listed  # how to stop the weekly nudge


def test_without_kept_answers_the_steps_for_everyone_and_why() -> None:
    h = host()
    events = say(h, payload="steps")
    everyone = [s.id for s in compose(JOURNEYS.checklists, {})]
    assert events[-1] == (
        f"msg steps.intro\nsteps.empty\nsteps.progress [{','.join([*everyone, 'menu'])}]"
    )


def test_a_step_card_and_marking_it() -> None:
    h = host(eligibility={"outcome": "ephemeral_culinary", "answers": {"project": "food"}})
    say(h, "/menu")
    steps = [s.id for s in compose(JOURNEYS.checklists, {"project": "food"}, "ephemeral_culinary")]
    say(h, payload="steps")
    events = say(h, str(steps.index("food_hygiene") + 1))
    step = next(s for s in JOURNEYS.checklists if s.id == "food_hygiene")
    assert events == [
        f"msg steps.card\n{step.what}\n{step.documents}\n{step.where}\n{step.more}\n"
        "check.confirm [done,not_yet,help,steps]"
    ]
    events = say(h, payload="done")
    assert events[:2] == ["step food_hygiene done", "msg steps.marked_done"]
    # The list again, the step done at once (the host keeps it with this message).
    assert "steps.progress" in events[2]
    assert h.checklist == {"food_hygiene": "done"}
    say(h, payload="food_hygiene")
    assert say(h, payload="not_yet")[:2] == [
        "step food_hygiene not_yet",
        "msg steps.marked_not_yet",
    ]


def test_without_consent_marking_a_step_says_it_is_not_kept() -> None:
    h = host(consent=False)
    say(h, payload="steps")
    say(h, "1")
    events = say(h, payload="done")
    assert events[:2] == ["step social_security done", "msg steps.not_kept"]
    assert h.checklist == {}


def test_i_need_help_asks_a_person_with_the_step() -> None:
    h = host()
    say(h, payload="steps")
    say(h, payload="bank_account")
    events = say(h, payload="help")
    assert events == [
        "step bank_account help",
        "handover step_help flow=steps step=bank_account",
        "flow handover",
        "msg journeys.human_requested",
    ]
    # What they write next goes to the person (the handover flow: a reply or a closed
    # request finds them there).
    assert say(h, "la banque dit non") == ["msg journeys.human_passed_on"]
    assert h.session is not None and (h.session.flow_id, h.session.node_id) == (
        "handover",
        "passed_on",
    )


def test_i_need_help_while_a_request_is_open_says_so() -> None:
    h = host(lookup={"open_requests": "1"})
    say(h, payload="steps")
    say(h, payload="bank_account")
    assert say(h, payload="help") == [
        "step bank_account help",
        "flow handover",
        "msg journeys.human_already",
    ]


# --- the stop word -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "word"), [(lang, w) for lang, ws in STOP_WORDS.items() for w in ws]
)
def test_a_stop_word_alone_stops_the_nudges_from_anywhere(lang: str, word: str) -> None:
    h = host(lang=lang)
    say(h, payload="join")  # waiting on a question
    assert say(h, word) == [
        "flow stop",
        "nudges off",
        "broadcasts stop",  # one word stops both
        "msg steps.nudge_stopped",
        "msg broadcasts.stopped",
    ]
    assert h.session is None and h.facts["nudges"] == "off"
    assert say(h, f" {word.lower()} ! ")[:2] == ["flow stop", "nudges off"]


def test_a_sentence_with_stop_inside_is_not_the_stop_word() -> None:
    h = host()
    assert "nudges off" not in say(h, "stop, je veux le menu svp")


def test_once_stopped_the_list_offers_the_nudge_again() -> None:
    h = host(eligibility={"outcome": "cae", "answers": {}}, lookup={"nudges": "off"})
    listed = say(h, payload="steps")[-1]
    assert "steps.nudge_info" not in listed and listed.endswith(",reminders,menu]")
    events = say(h, payload="reminders")
    assert events[:2] == ["nudges on", "msg steps.nudge_resumed"]
    assert "steps.nudge_info" in events[-1] and events[-1].endswith(",menu]")


def test_without_a_nudge_the_list_says_nothing_of_it() -> None:
    for h in (host(), host(consent=False)):
        listed = say(h, payload="steps")[-1]
        assert "steps.nudge_info" not in listed and "reminders" not in listed


# --- learn -----------------------------------------------------------------------------------


def test_the_list_shows_progress_and_marks_done_modules() -> None:
    h = host(modules={"cooperative": "done", "cae": "done"})
    events = say(h, payload="learn")
    assert events == ["flow learn", f"msg learn.list\nlearn.progress [{','.join(MODULE_IDS)},menu]"]
    options = h.session.vars["options"].splitlines() if h.session else []
    assert options[0] == "cooperative\t✅ learn.cooperative.title"
    assert options[2] == "ephemeral\t⬜ learn.ephemeral.title"


def test_a_module_message_by_message_then_its_quiz_then_the_next() -> None:
    h = host()
    say(h, payload="learn")
    module = JOURNEYS.modules[0]
    events = say(h, "1")
    assert events == [
        f"msg {module.title}",
        f"module {module.id} 1",
        f"msg {module.messages[0].text} [more,modules,menu]",
    ]
    for n in range(2, len(module.messages) + 1):
        events = say(h, payload="more")
        assert events[0] == f"module {module.id} {n}"
    events = say(h, payload="more")
    quiz = module.quiz
    assert events == [f"msg {quiz.question} [{','.join(c.id for c in quiz.choices)}]"]
    wrong = next(c.id for c in quiz.choices if c.id != quiz.answer)
    events = say(h, payload=wrong)
    assert events == [
        f"module_done {module.id} {wrong} wrong",
        f"msg {quiz.wrong}\nlearn.progress [next,modules,menu]",
    ]
    events = say(h, payload="next")  # the next module not done
    assert events[0] == f"msg {JOURNEYS.modules[1].title}"


def test_the_right_answer_is_praised() -> None:
    h = host()
    module = JOURNEYS.modules[-1]
    say(h, payload="learn")
    say(h, payload=module.id)
    for _ in module.messages:
        say(h, payload="more")
    events = say(h, payload=module.quiz.answer)
    assert events[0] == f"module_done {module.id} {module.quiz.answer} right"
    assert events[1].startswith(f"msg {module.quiz.right}\nlearn.progress")


def test_coming_back_resumes_where_the_person_left_off() -> None:
    h = host(modules={"cae": "2"})
    events = say(h, payload="learn")
    cae = next(m for m in JOURNEYS.modules if m.id == "cae")
    assert events == [
        "flow learn",
        "msg learn.resume",
        "module cae 3",
        f"msg {cae.messages[2].text} [more,modules,menu]",
    ]
    # The list is one button away, and does not resume again.
    assert say(h, payload="modules")[-1].startswith("msg learn.list")


def test_the_last_module_done_says_all_are_done() -> None:
    last = JOURNEYS.modules[-1]
    h = host(modules={m.id: "done" for m in JOURNEYS.modules if m.id != last.id})
    say(h, payload="learn")
    say(h, payload=last.id)
    for _ in last.messages:
        say(h, payload="more")
    events = say(h, payload=last.quiz.answer)
    assert events[-1] == (f"msg {last.quiz.right}\nlearn.progress\nlearn.all_done [modules,menu]")


def test_a_module_s_picture_and_recording_in_the_person_s_language() -> None:
    source = (
        "id: pics\norder: 1\ntitle: learn.cooperative.title\n"
        "messages: [learn.cooperative.m1, learn.cooperative.m2]\n"
        "image: {fr: learn/pics.fr.png}\naudio: {ar: learn/pics.ar.ogg}\n"
        "quiz: {question: learn.cooperative.quiz.question, answer: one_vote,\n"
        "  choices: [{id: one_vote, label: learn.cooperative.quiz.one_vote},\n"
        "            {id: boss, label: learn.cooperative.quiz.boss}],\n"
        "  right: learn.cooperative.quiz.right, wrong: learn.cooperative.quiz.wrong}\n"
    )
    modules = modules_from_sources([("pics.yaml", source)])
    journeys = Journeys(modules, ELIGIBILITY, JOURNEYS.checklists, JOURNEYS.referrals)
    for lang, media in (
        ("ar", " (image learn/pics.fr.png) (audio learn/pics.ar.ogg)"),
        ("ti", " (image learn/pics.fr.png)"),
    ):
        h = host(lang=lang)
        env = h.environment()
        contact = engine.Contact(lang, True)
        result = engine.resume(
            engine.Environment(
                flows=env.flows, catalog=env.catalog, lookup=env.lookup, journeys=journeys
            ),
            contact,
            engine.Session("learn", "pick", {"options": "pics\tx"}),
            engine.Input("", "pics"),
        )
        first = result.events[0]
        assert isinstance(first, MsgCreated)
        assert show(first) == f"msg learn.cooperative.title{media}"
