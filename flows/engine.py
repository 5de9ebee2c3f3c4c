"""The flow engine: a pure function from (flows, contact, session, input) to events.

No I/O: the host loads the session, calls `resume`, then saves the new session and
acts on the events in one transaction.

One message is read in this order; the first reading that applies wins:
1. a new contact starts the onboarding (language, then the privacy notice and consent);
2. an explicit answer to the waiting question: a pressed button, its number, its label
   or words, a yes/no word alone (flows/answers.py) — or a sentence naming one choice;
   then a stop word alone (or, except at a question waiting for free text, a sentence with a
   stop word and a word for the messages), which stops the weekly nudges and broadcasts, or
   a start word alone, which starts broadcasts again for someone who stopped them
   (content/stop_words.py);
3. a request to switch language, or a second message in a row clearly in another one;
4. a slash command, a flow's keyword at the start of the message ("JOIN K7M4Q2"; not at
   a question waiting for free text), or a sentence sure enough (flows/confidence.py) to
   ask for a part of the menu, or carrying what opens one (a sale's quantity or product):
   it leaves the waiting question without effect — except during onboarding, where it is
   remembered and acted on right after the consent answer;
5. any other answer to the waiting question: a yes/no inside a sentence, an intent sure
   enough — never for a choice that needs an explicit answer;
6. "Did you mean …?" when a part is likely but not sure; else the question again, with
   what to answer. Nothing waiting: the main menu.
Until the consent question is answered, only flows marked `before_consent` run: any
other leads to the privacy notice and the consent question first (flow `consent`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from content.catalog import LANGS, Catalog
from content.journeys import Journeys, shipped_journeys
from content.stop_words import MESSAGE_WORDS, START_WORDS, STOP_WORDS
from flows.actions import execute
from flows.answers import explicit_choice, free_answer, loose_choice, named_choice, names
from flows.confidence import THRESHOLDS, Thresholds
from flows.events import Event, FlowEntered, InputNotUnderstood
from flows.lookup import NO_LOOKUP, Lookup
from flows.model import END, FLOW_PREFIX, VAR_PREFIX, Ask, Choice, Flow, Node, Router
from flows.run import Run
from flows.yes_no import fold, yes_no_in, yes_no_lang
from nlu.types import ParseResult

MAX_STEPS = 50  # nodes visited in one call; a guard against flows that loop without asking
MISUNDERSTOOD_LIMIT = 3
# Session variables the engine keeps: a destination remembered for after the questions in
# between (onboarding, a language switch), and the part a "Did you mean" question offers.
THEN = "then"
SUGGESTED = "suggested"
SUGGESTION = "suggestion"  # the offered part's title, for the question's {suggestion}
NOTED = "common.noted"
# Variables named "_…" belong to the flow that set them: entering a flow forgets them (the
# answers of "can I join?" leave the conversation's state when the person goes elsewhere).
LOCAL_PREFIX = "_"  # "noted: right after this question", before the question again

# Global commands: what a slash command or a global intent opens, from anywhere.
SLASH_COMMANDS = {
    "start": "menu",
    "menu": "menu",
    "help": "menu",
    "aide": "menu",
    "language": "language",
    "langue": "language",
    "mydata": "my_data",
    "human": "handover",
}
GLOBAL_INTENTS = {
    "menu": "menu",
    "change_language": "language",
    "talk_to_human": "handover",
    "privacy": "my_data",
}
# Small talk: a short answer, never a misunderstanding. Thanks and goodbye end the question
# (unless it must be answered: then it is asked again); hello comes before it again.
SHORT_REPLIES = {"thanks": "common.you_are_welcome", "goodbye": "common.goodbye"}
HELLO, HELLO_INTENT = "common.hello", "greet"
# The host's fact: the language of the contact's previous message, as the NLU read it.
PREVIOUS_LANG = "previous_lang"
# The host's fact: "yes" when the contact stopped broadcasts.
BROADCASTS_STOPPED = "broadcasts_stopped"


@dataclass(frozen=True, slots=True)
class Contact:
    """What the engine may know of a contact."""

    lang: str = "und"
    consent: bool | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    is_new: bool = False


@dataclass(frozen=True, slots=True)
class Session:
    """Where a contact is: the flow and the node waiting for an answer, and the variables."""

    flow_id: str
    node_id: str
    vars: Mapping[str, str] = field(default_factory=dict)
    misunderstood: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "flow": self.flow_id,
            "node": self.node_id,
            "vars": dict(self.vars),
            "misunderstood": self.misunderstood,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Session:
        vars_ = data.get("vars")
        return cls(
            str(data["flow"]),
            str(data["node"]),
            {str(k): str(v) for k, v in vars_.items()} if isinstance(vars_, dict) else {},
            int(str(data.get("misunderstood", 0))),
        )


@dataclass(frozen=True, slots=True)
class Input:
    text: str = ""
    payload: str | None = None  # a pressed quick reply id, or a deep-link payload
    parse: ParseResult | None = None
    # The parse's amounts ("amount", "amount_alternative") in integer cents, converted by
    # the host at the edge (bot/ledger/money.py): the engine never rounds a float.
    cents: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Result:
    session: Session | None  # None: no flow is waiting (the next message goes to the menu)
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class Environment:
    flows: Mapping[str, Flow]
    catalog: Catalog
    entry_flow: str = "menu"
    onboarding_flow: str = "onboarding"
    consent_flow: str = "consent"
    language_flow: str = "language"
    # The node, in the onboarding and language flows, asking "shall we continue in <lang>?"
    language_confirm: str = "confirm"
    suggest_flow: str = "suggest"
    misunderstood_flow: str = "handover_offer"
    # Opened from anywhere by a stop word alone (content/stop_words.py): no more nudges
    # and no more broadcasts; a start word alone starts broadcasts again.
    stop_flow: str = "stop"
    start_flow: str = "broadcasts_start"
    # A deep link's `/start PAYLOAD` opens this flow (when there is one), the payload in
    # var start_payload: an invite code.
    deep_link_flow: str = "join"
    thresholds: Thresholds = THRESHOLDS
    # Read-only domain data for this call (the host binds it to the contact and the batch).
    lookup: Lookup = NO_LOOKUP
    # Learning modules, "can I join?" and the checklists (content files; the shipped ones).
    journeys: Journeys = field(default_factory=shipped_journeys)


def resume(env: Environment, contact: Contact, session: Session | None, inp: Input) -> Result:
    """Handle one user message."""
    run = Run(
        env.catalog,
        contact.lang,
        contact.consent,
        dict(contact.fields),
        dict(session.vars) if session else {},
        inp.parse,
        lookup=env.lookup,
        journeys=env.journeys,
        cents=inp.cents,
    )
    walker = _Walker(env, run)
    bars = env.thresholds
    text = _clean(inp.text)
    command = _slash_command(text)
    if command and command[0] == "start" and command[1]:
        run.vars["start_payload"] = command[1]

    if contact.is_new:
        if inp.payload:
            run.vars["start_payload"] = inp.payload[:64]
        run.guess = _named_language(env, text) if _asks_language(env, inp, text) else None
        if command or fold(text).split()[:1] == ["join"]:
            # "/start CODE", "JOIN CODE": no words to tell a language by (the NLU reads
            # Latin letters as French), and a phone's language is often not its owner's:
            # the four-language list, so that consent is given on a text they read.
            run.lang = run.guess = "und"
        wanted = (
            _triggered(env, run, text, command, keywords=True)
            or _command_destination(command)
            or _request(env, inp, bars.open_part, parts=True)
        )
        if wanted and wanted != FLOW_PREFIX + env.entry_flow:
            run.vars[THEN] = wanted
        return walker.enter_flow(env.onboarding_flow)

    node = _waiting_node(env, session)
    ask = run.expand(node.ask) if node is not None and node.ask is not None else None
    if session is None or node is None or ask is None:
        # A session whose question was removed or changed since (a published flow): its
        # answer means nothing now, so it is not read as a menu choice either.
        return _nothing_waiting(env, walker, text, command, inp, stale=session is not None)

    # 2. An explicit answer, or a sentence naming one choice ("je veux parler arabe"). At
    # "shall we continue in X?" and at the consent question, a yes or a no typed in another
    # of our languages asks the question again in that one: it never confirms X.
    if ask.kind == "choice" and not command and not inp.payload and _asks_in_language(env, session):
        consenting = session.flow_id == env.consent_flow
        other = _answer_language(env, run, inp, text, consenting=consenting)
        if other is not None:
            onboarding = run.consent is None and session.flow_id != env.language_flow
            return walker.switch_language(other, env.onboarding_flow if onboarding else None, None)
    if ask.kind == "choice" and not command:
        choice = explicit_choice(ask, text, inp.payload, run) or named_choice(ask, text)
        if choice is not None:
            return walker.answered(session.flow_id, node, (choice.id, choice))
    # (At a question waiting for free text, a sentence is its answer: a word alone stops.)
    stop_or_start = (
        None if command else _stop_or_start(env, run, text, sentences=ask.kind != "text")
    )
    if stop_or_start is not None:
        return walker.leave_for(stop_or_start)

    # 3. Another language.
    choosing = session.flow_id == env.onboarding_flow  # the language is not confirmed yet
    lang = None if command else _language_switch(env, run, inp, text, ask, choosing)
    if lang is not None:
        wanted = _request(env, inp, bars.leave_question, parts=True)
        return walker.switch_language(lang, env.onboarding_flow if choosing else None, wanted)

    # 4. A command, or a sentence clearly asking for another part.
    at_menu = session.flow_id == env.entry_flow
    bar = bars.open_part if at_menu else bars.leave_question
    choosing_part = ask.kind == "choice"
    wanted = (
        _triggered(env, run, text, command, keywords=choosing_part)
        or _command_destination(command)
        or _request(env, inp, bar, parts=choosing_part)
    )
    if wanted is not None:
        onboarding = run.consent is None and session.flow_id in (
            env.onboarding_flow,
            env.consent_flow,
        )
        if onboarding and wanted != FLOW_PREFIX + env.language_flow:
            # An invite code waiting for the consent answer is kept: another request can
            # be made again after joining, a lost code cannot.
            if run.vars.get(THEN) != FLOW_PREFIX + env.deep_link_flow:
                run.vars[THEN] = wanted
            return walker.ask_again(session, ask, NOTED, session.misunderstood)
        return walker.leave_for(wanted)

    # 5. Any other answer.
    answer: tuple[str, Choice | None] | None
    if ask.kind == "choice":
        choice = loose_choice(ask, text, inp.parse, bars.answer_choice)
        answer = (choice.id, choice) if choice is not None else None
    else:
        value = free_answer(ask, text, inp.payload)
        answer = (value, None) if value is not None else None
    if answer is not None:
        return walker.answered(session.flow_id, node, answer)

    # 6. Hello, thanks or goodbye: a short answer, never a misunderstanding. Perhaps another
    # part; else the question again.
    talk = _small_talk(inp, bar) if run.lang in LANGS else None  # und: the list says more
    if talk is not None:
        return walker.small_talk(talk, session, ask)
    if ask.kind == "choice" and not ask.guarded and run.consent is not None:
        hint = _suggestion(env, run, inp, bar)
        if hint is not None:
            return walker.suggest(*hint)
    return walker.not_understood(session, ask)


def _nothing_waiting(
    env: Environment,
    walker: _Walker,
    text: str,
    command: tuple[str, str] | None,
    inp: Input,
    *,
    stale: bool = False,
) -> Result:
    """No question waits: the message is read as an answer to the main menu."""
    run, bars = walker.run, env.thresholds
    stop_or_start = None if command else _stop_or_start(env, run, text)
    if stop_or_start is not None:
        return walker.leave_for(stop_or_start)
    lang = None if command else _language_switch(env, run, inp, text, None, False)
    if lang is not None:
        return walker.switch_language(lang, None, _request(env, inp, bars.open_part, parts=True))
    wanted = (
        _triggered(env, run, text, command, keywords=True)
        or _command_destination(command)
        or _request(env, inp, bars.open_part, parts=True)
    )
    if wanted is not None:
        return walker.leave_for(wanted)
    entry = env.flows[env.entry_flow]
    start = entry.nodes[entry.start]
    if start.ask is not None and start.ask.kind == "choice" and not command and not stale:
        choice = explicit_choice(start.ask, text, inp.payload, run)
        if choice is not None:
            return walker.answered(entry.id, start, (choice.id, choice))
    talk = _small_talk(inp, bars.open_part)
    if talk in SHORT_REPLIES:
        run.say(run.text(SHORT_REPLIES[talk]))
        return Result(None, tuple(run.events))
    if talk == HELLO_INTENT:
        run.say(run.text(HELLO))
    if run.consent is not None:
        hint = _suggestion(env, run, inp, bars.open_part)
        if hint is not None:
            return walker.suggest(*hint)
    return walker.leave_for(FLOW_PREFIX + env.entry_flow)


class _Walker:
    def __init__(self, env: Environment, run: Run) -> None:
        self.env, self.run, self.steps = env, run, 0

    def result(self, session: Session | None) -> Result:
        return Result(session, tuple(self.run.events))

    def enter_flow(self, flow_id: str) -> Result:
        return self.go(self.env.flows[flow_id], FLOW_PREFIX + flow_id)

    def leave_for(self, dest: str) -> Result:
        """Go where the person asked, forgetting what was remembered for later. The message
        answered no question: var answer (the last answer) is dropped too."""
        self.run.vars.pop(THEN, None)
        self.run.vars.pop("answer", None)
        return self.go(self.env.flows[self.env.entry_flow], dest)

    def visit(self, flow: Flow, node_id: str) -> Result:
        while True:
            self.steps += 1
            if self.steps > MAX_STEPS:
                return self.result(None)
            node = flow.nodes[node_id]
            for act in node.actions:
                execute(act, self.run)
            if node.ask is not None:
                ask = self.run.expand(node.ask)
                self.run.say(self.run.prompt(ask), ask.visible)
                return self.result(Session(flow.id, node_id, self.run.vars))
            target = self.target(flow, _route(node, self.run))
            if target is None:
                return self.result(None)
            flow, node_id = target

    def go(self, flow: Flow, dest: str) -> Result:
        target = self.target(flow, dest)
        return self.result(None) if target is None else self.visit(*target)

    def target(self, flow: Flow, dest: str) -> tuple[Flow, str] | None:
        """Where `dest`, reached from `flow`, leads: a flow and node, or None at the end.
        A remembered destination (`@var.<name>`) is used once; a flow that needs consent
        waits behind the consent question, and is remembered for after it."""
        env, run = self.env, self.run
        if dest.startswith(VAR_PREFIX):
            dest = run.vars.pop(dest[len(VAR_PREFIX) :], "")
            if dest != END and dest.removeprefix(FLOW_PREFIX) not in env.flows:
                dest = FLOW_PREFIX + env.entry_flow
        if dest == END:
            return None
        if not dest.startswith(FLOW_PREFIX):
            return flow, dest
        flow = env.flows[dest.removeprefix(FLOW_PREFIX)]
        for name in [name for name in run.vars if name.startswith(LOCAL_PREFIX)]:
            del run.vars[name]  # a flow's own variables (answers in progress) stay with it
        # (A database seeded before the consent flow existed has none: nothing to show.)
        if run.consent is None and not flow.before_consent and env.consent_flow in env.flows:
            if flow.id != env.entry_flow:
                run.vars[THEN] = FLOW_PREFIX + flow.id
            flow = env.flows[env.consent_flow]
        run.events.append(FlowEntered(flow.id))
        return flow, flow.start

    def answered(self, flow_id: str, node: Node, answer: tuple[str, Choice | None]) -> Result:
        value, choice = answer
        assert node.ask is not None
        self.run.vars["answer"] = value
        if node.ask.save_as:
            self.run.vars[node.ask.save_as] = value
        flow = self.env.flows[flow_id]
        if choice is not None and choice.goto:
            return self.go(flow, choice.goto)
        return self.go(flow, _route(node, self.run))

    def switch_language(self, lang: str, flow_id: str | None, wanted: str | None) -> Result:
        """Speak `lang` and ask whether to continue in it (onboarding's question while the
        language is not confirmed yet, else the language flow's); what the message also
        asked for (`wanted`) comes after the answer."""
        flow = self.env.flows[flow_id or self.env.language_flow]
        if wanted is not None and wanted != FLOW_PREFIX + self.env.language_flow:
            self.run.vars[THEN] = wanted
        self.run.switch_language(lang)
        self.run.events.append(FlowEntered(flow.id))
        confirm = self.env.language_confirm
        return self.visit(flow, confirm if confirm in flow.nodes else flow.start)

    def suggest(self, dest: str, title: str) -> Result:
        self.run.vars.pop(THEN, None)
        self.run.vars[SUGGESTED] = dest
        self.run.vars[SUGGESTION] = title
        return self.enter_flow(self.env.suggest_flow)

    def small_talk(self, intent: str, session: Session, ask: Ask) -> Result:
        """Hello: the question again after a greeting. Thanks, goodbye: a short answer that
        leaves the question — one that must be answered (consent, a guarded choice) is
        asked again instead, with what to answer, its answers kept (an invite code, a sale
        being told). None counts as a misunderstanding."""
        run = self.run
        if intent in SHORT_REPLIES and not ask.guarded and run.consent is not None:
            run.say(run.text(SHORT_REPLIES[intent]))
            return self.result(None)
        before = HELLO if intent == HELLO_INTENT else ask.invalid
        return self.ask_again(session, ask, before, session.misunderstood)

    def not_understood(self, session: Session, ask: Ask) -> Result:
        count = session.misunderstood + 1
        self.run.events.append(InputNotUnderstood(count))
        # Without a language, a person could not read the offer: the list again instead.
        if count >= MISUNDERSTOOD_LIMIT and self.run.lang in LANGS:
            return self.leave_for(FLOW_PREFIX + self.env.misunderstood_flow)
        return self.ask_again(session, ask, ask.invalid, count)

    def ask_again(self, session: Session, ask: Ask, before: str, count: int) -> Result:
        prompt = self.run.prompt(ask)
        if before:
            prompt = self.run.text(before) + "\n" + prompt
        self.run.say(prompt, ask.visible)
        return self.result(Session(session.flow_id, session.node_id, self.run.vars, count))


def _waiting_node(env: Environment, session: Session | None) -> Node | None:
    if session is None:
        return None
    flow = env.flows.get(session.flow_id)
    return flow.nodes.get(session.node_id) if flow else None


def _menu_choice(env: Environment, intent: str) -> Choice | None:
    """The main menu's entry that an intent opens."""
    entry = env.flows[env.entry_flow]
    start = entry.nodes[entry.start]
    if start.ask is None:
        return None
    return next((c for c in start.ask.choices if intent in c.intents), None)


def _stop_or_start(env: Environment, run: Run, text: str, *, sentences: bool = True) -> str | None:
    """The flow for a message that is only a stop word (nudges and broadcasts) — or, if
    `sentences`, a sentence asking to stop the messages — or only a start word from someone
    who stopped broadcasts (for the others it is an ordinary word)."""
    folded = fold(text)
    if folded in _STOPS or (sentences and _asks_to_stop(folded)):
        flow = env.stop_flow
    elif folded in _STARTS and run.lookup.value(BROADCASTS_STOPPED) == "yes":
        flow = env.start_flow
    else:
        return None
    return FLOW_PREFIX + flow if flow in env.flows else None


def _command_destination(command: tuple[str, str] | None) -> str | None:
    return FLOW_PREFIX + SLASH_COMMANDS[command[0]] if command else None


def _request(env: Environment, inp: Input, bar: float, *, parts: bool) -> str | None:
    """Where a sentence asks to go when the NLU is sure enough: the menu, the language list,
    a person, "my data" — and, if `parts`, any part of the menu, also the one whose
    entities the NLU read in the message (a sale's quantity or product), however sure."""
    parse = inp.parse
    if parse is None:
        return None
    choice = None
    if parse.confidence >= bar:
        if parse.intent in GLOBAL_INTENTS:
            return FLOW_PREFIX + GLOBAL_INTENTS[parse.intent]
        choice = _menu_choice(env, parse.intent) if parts else None
    if choice is None and parts:
        choice = _entity_choice(env, parse)
    return (choice.goto or FLOW_PREFIX + env.entry_flow) if choice is not None else None


def _entity_choice(env: Environment, parse: ParseResult) -> Choice | None:
    """The main menu's entry opened by an entity the NLU read in the message."""
    entry = env.flows[env.entry_flow]
    start = entry.nodes[entry.start]
    if start.ask is None or not parse.entities:
        return None
    found = {e.entity for e in parse.entities}
    return next((c for c in start.ask.choices if found & set(c.entities)), None)


def _triggered(
    env: Environment, run: Run, text: str, command: tuple[str, str] | None, *, keywords: bool
) -> str | None:
    """The flow a deep link (`/start PAYLOAD`) or, if `keywords`, a flow's keyword at the
    start of the message opens; what came with it goes in var start_payload."""
    if command is not None:
        if command[0] != "start" or not command[1] or env.deep_link_flow not in env.flows:
            return None
        run.vars["start_payload"] = command[1]
        return FLOW_PREFIX + env.deep_link_flow
    if not keywords:
        return None
    folded = fold(text)
    for keyword, flow_id in _keywords(env.flows):
        if folded == keyword or folded.startswith(keyword + " "):
            run.vars["start_payload"] = _after(text, keyword)[:64]
            return FLOW_PREFIX + flow_id
    return None


def _keywords(flows: Mapping[str, Flow]) -> list[tuple[str, str]]:
    """(folded keyword, flow id), the longest keywords first ("stop rappel" before "stop")."""
    return _keyword_table(tuple((f.id, f.keywords) for f in flows.values() if f.keywords))


@lru_cache(maxsize=16)
def _keyword_table(keywords: tuple[tuple[str, tuple[str, ...]], ...]) -> list[tuple[str, str]]:
    table = {fold(word): flow_id for flow_id, words in keywords for word in words if fold(word)}
    return sorted(table.items(), key=lambda item: -len(item[0]))


def _after(text: str, keyword: str) -> str:
    """The message after its first words that fold to `keyword`, as the person wrote it."""
    words = text.split()
    for n in range(1, len(words) + 1):
        if fold(" ".join(words[:n])) == keyword:
            return " ".join(words[n:])
    return fold(text)[len(keyword) :].strip()


def _suggestion(env: Environment, run: Run, inp: Input, bar: float) -> tuple[str, str] | None:
    """(destination, title) of the part a sentence probably asks for, below the bar that
    would open it but not by much: worth a "Did you mean …?"."""
    parse = inp.parse
    if parse is None or not env.thresholds.suggest <= parse.confidence < bar:
        return None
    if env.suggest_flow not in env.flows:
        return None
    choice = _menu_choice(env, parse.intent)
    if choice is None or not choice.goto:
        return None
    return choice.goto, run.choice_title(choice)


def _asks_language(env: Environment, inp: Input, text: str) -> bool:
    """The message asks to change language: the NLU is sure, or fairly sure and the message
    names one of our languages ("je veux parler arabe")."""
    parse, bars = inp.parse, env.thresholds
    if parse is None or parse.intent != "change_language":
        return False
    if parse.confidence >= bars.change_language:
        return True
    return parse.confidence >= bars.suggest and _named_language(env, text) is not None


def _clearly_in(parse: ParseResult, bars: Thresholds) -> str | None:
    """The language a message is clearly written in, if any."""
    if parse.lang in LANGS and parse.lang_confidence >= bars.clear_language:
        return parse.lang
    return None


def _language_switch(
    env: Environment, run: Run, inp: Input, text: str, ask: Ask | None, choosing: bool
) -> str | None:
    """The language to switch to: the one a request to change language names or is written
    in; or the one two messages in a row (one, while the language is being chosen) are
    clearly written in. None when nothing asks for a switch."""
    parse, bars = inp.parse, env.thresholds
    if parse is None:
        return None
    if _asks_language(env, inp, text):
        lang = _named_language(env, text) or _clearly_in(parse, bars)
        return lang if lang is not None and lang != run.lang else None
    if ask is not None and ask.kind != "choice":
        return None  # free text in any language answers a text question
    lang = _clearly_in(parse, bars)
    # One word ("merci", "ok") is said in every language, unless no language is known yet —
    # or it is in a script other than Latin and the language spoken ("ሰላም" to French).
    said_everywhere = _script(text) in (None, "LATIN", _SCRIPTS.get(run.lang))
    one_word = _word_count(text) < 2 and run.lang in LANGS and said_everywhere
    if lang is None or lang == run.lang or one_word:
        return None
    if choosing or run.lookup.value(PREVIOUS_LANG) == lang:
        return lang
    return None


def _small_talk(inp: Input, bar: float) -> str | None:
    """ "greet", "thanks" or "goodbye" when the NLU reads the message so at `bar` or above."""
    parse = inp.parse
    if parse is None or parse.confidence < bar:
        return None
    return parse.intent if parse.intent in (HELLO_INTENT, *SHORT_REPLIES) else None


def _asks_in_language(env: Environment, session: Session) -> bool:
    """The waiting question is "shall we continue in X?" or the consent question: its
    answer must be given in the language it was asked in."""
    if session.flow_id == env.consent_flow:
        return True
    confirming = session.flow_id in (env.onboarding_flow, env.language_flow)
    return confirming and session.node_id == env.language_confirm


def _answer_language(
    env: Environment, run: Run, inp: Input, text: str, *, consenting: bool
) -> str | None:
    """Another of our languages that a yes (or, `consenting`, a no) is clearly written in:
    "نعم" or "እወ" to a question in French; None when it is the question's language or
    unclear."""
    said = yes_no_in(text)
    if said is None or (said == "no" and not consenting):
        return None  # a no to "continue in X?" shows the four languages anyway
    lang = yes_no_lang(text)
    if lang is None and inp.parse is not None and _word_count(text) >= 2:
        lang = _clearly_in(inp.parse, env.thresholds)
    return lang if lang in LANGS and lang != run.lang else None


def _named_language(env: Environment, text: str) -> str | None:
    """The one language a message names ("بالعربية", "in Dari", "ብትግርኛ"), by the words of
    the language flow's choices."""
    flow = env.flows.get(env.language_flow)
    node = flow.nodes.get(flow.start) if flow else None
    if node is None or node.ask is None:
        return None
    named = {c.id for c in node.ask.choices if c.id in LANGS and names(text, c)}
    return named.pop() if len(named) == 1 else None


# Compared folded, so that punctuation, case and marks aside the message is the word alone.
_STOPS = frozenset(fold(word) for words in STOP_WORDS.values() for word in words)
_MESSAGES = frozenset(fold(word) for words in MESSAGE_WORDS.values() for word in words)


def _asks_to_stop(folded: str) -> bool:
    """A sentence with a stop word (or phrase) and a word for the messages: "stop les
    messages svp", "بس کن دیگه پیام نفرست"."""
    words = folded.split()
    phrases = {" ".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)}
    return bool(phrases & _STOPS) and bool(phrases & _MESSAGES)


_STARTS = frozenset(fold(word) for words in START_WORDS.values() for word in words)


_SCRIPTS = {"fr": "LATIN", "ar": "ARABIC", "prs": "ARABIC", "ti": "ETHIOPIC"}


def _script(text: str) -> str | None:
    """The script all the letters of a text are written in (by their Unicode names), if one."""
    found = {unicodedata.name(ch, "").split(" ")[0] for ch in text if ch.isalpha()}
    return found.pop() if len(found) == 1 else None


def _word_count(text: str) -> int:
    return sum(1 for word in text.split() if any(ch.isalpha() for ch in word))


_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn"}


def _clean(text: str) -> str:
    """Drop control, format (zero-width, bidi) and unassigned characters; collapse spaces."""
    text = unicodedata.normalize("NFKC", text)
    kept = "".join(
        " " if ch in "\n\t\r" else ch
        for ch in text
        if ch in "\n\t\r" or unicodedata.category(ch) not in _INVISIBLE
    )
    return " ".join(kept.split())


def _slash_command(text: str) -> tuple[str, str] | None:
    if not text.startswith("/"):
        return None
    word, _, rest = text[1:].partition(" ")
    name = word.split("@", 1)[0].casefold()
    return (name, rest.strip()[:64]) if name in SLASH_COMMANDS else None


def _route(node: Node, run: Run) -> str:
    if node.router is not None:
        return _switch(node.router, run)
    return node.goto or END


def _switch(router: Router, run: Run) -> str:
    value = _operand(router.switch, run)
    for case in router.cases:
        if case.equals is not None and value == case.equals:
            return case.goto
        if case.is_in is not None and value in case.is_in:
            return case.goto
        if case.above is not None or case.below is not None:
            try:
                number = float(value)
            except ValueError:
                continue
            if (case.above is None or number > case.above) and (
                case.below is None or number < case.below
            ):
                return case.goto
    return router.default


def _operand(switch: str, run: Run) -> str:
    if switch == "answer":
        return run.vars.get("answer", "")
    if switch == "intent":
        return run.parse.intent if run.parse else ""
    if switch == "lang":
        return run.lang
    if switch == "consent":
        return {True: "yes", False: "no", None: "unknown"}[run.consent]
    if switch.startswith("field."):
        return run.fields.get(switch[6:], "")
    if switch.startswith("var."):
        return run.vars.get(switch[4:], "")
    if switch.startswith("lookup."):
        return run.lookup.value(switch[7:]) or ""
    return ""
