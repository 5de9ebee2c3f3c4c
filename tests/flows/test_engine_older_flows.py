"""A database seeded before this engine's flows (no consent or suggest flow, a language flow
without the "shall we continue in …?" question) still converses: the engine leaves out
what it cannot find instead of failing."""

from __future__ import annotations

from content.catalog import load_catalog
from flows import engine
from flows.events import ContactLanguageChanged, MsgCreated
from flows.loader import load_directory, parse_flow
from nlu.types import ParseResult

OLD_LANGUAGE = """
id: language
start: choose
nodes:
  choose:
    ask:
      kind: choice
      prompt: language.choose
      choices:
        - {id: fr, label: "Français", literal: true, words: [francais]}
        - {id: ar, label: "العربية", literal: true, words: [arabe]}
    goto: done
  done:
    actions: [{type: set_language, value: "@answer"}]
    goto: flow:menu
"""


def older_environment() -> engine.Environment:
    flows = {k: v for k, v in load_directory().items() if k not in ("consent", "suggest")}
    flows["language"] = parse_flow(OLD_LANGUAGE, "language.yaml")
    return engine.Environment(flows=flows, catalog=load_catalog())


def say(env: engine.Environment, text: str, intent: str, confidence: float) -> engine.Result:
    parse = ParseResult(text, "fr", intent, confidence, lang_confidence=1.0)
    return engine.resume(env, engine.Contact("fr", None), None, engine.Input(text, None, parse))


def test_without_a_consent_flow_the_menu_shows() -> None:
    result = say(older_environment(), "menu", "menu", 0.99)
    assert result.session is not None and result.session.flow_id == "menu"


def test_without_a_suggest_flow_an_unsure_sentence_gets_the_menu() -> None:
    result = say(older_environment(), "les papiers", "admin_steps", 0.6)
    assert result.session is not None and result.session.flow_id == "menu"


def test_without_the_confirm_question_a_switch_shows_the_list_in_the_new_language() -> None:
    result = say(older_environment(), "je veux parler arabe", "change_language", 0.95)
    assert ContactLanguageChanged("ar") in result.events
    assert result.session is not None and result.session.node_id == "choose"
    assert [e.lang for e in result.events if isinstance(e, MsgCreated)] == ["ar"]
