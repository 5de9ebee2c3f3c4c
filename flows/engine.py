"""The flow engine: a pure function from (flows, contact, session, input) to events.

No I/O: the host loads the session, calls `resume`, then saves the new session and
acts on the events in one transaction.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from content.catalog import LANGS, Catalog
from flows.actions import execute
from flows.events import Event, FlowEntered, InputNotUnderstood
from flows.lookup import NO_LOOKUP, Lookup
from flows.model import END, FLOW_PREFIX, Ask, Choice, Flow, Node, Router
from flows.run import Run
from nlu.numbers import ascii_digits
from nlu.types import ParseResult

MAX_STEPS = 50  # nodes visited in one call; a guard against flows that loop without asking
MISUNDERSTOOD_LIMIT = 3
MAX_VAR_LENGTH = 500

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
SHORT_REPLIES = {"thanks": "common.you_are_welcome", "goodbye": "common.goodbye"}


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
    misunderstood_flow: str = "handover_offer"
    # Read-only domain data for this call (the host binds it to the contact and the batch).
    lookup: Lookup = NO_LOOKUP


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
    )
    walker = _Walker(env, run)
    text = _clean(inp.text)

    command = _slash_command(text)
    if contact.is_new:
        payload = inp.payload or (command[1] if command and command[0] == "start" else "")
        if payload:
            run.vars["start_payload"] = payload[:64]
        return walker.enter_flow(env.onboarding_flow)
    if command:
        if command[0] == "start" and command[1]:
            run.vars["start_payload"] = command[1]
        return walker.enter_flow(SLASH_COMMANDS[command[0]])

    node = _waiting_node(env, session)
    if session is not None and (node is None or node.ask is None):
        # The question it waited on was removed or changed since (a published flow): the
        # answer means nothing now, so it is not read as a menu choice either.
        return walker.enter_flow(_global_flow(inp) or env.entry_flow)
    if node is not None and node.ask is not None and session is not None:
        global_flow = _global_flow(inp)
        if global_flow and node.ask.kind != "choice":
            return walker.enter_flow(global_flow)  # free text is no answer when it is a command
        answer = _match(node.ask, text, inp, run)
        if answer is not None:
            return walker.answered(session.flow_id, node, answer)
        if global_flow:
            return walker.enter_flow(global_flow)
        part = _menu_part(env, inp) if session.flow_id != env.onboarding_flow else None
        if part is not None:
            return walker.answered(env.entry_flow, *part)
        return walker.not_understood(session, node.ask)

    global_flow = _global_flow(inp)
    if global_flow:
        return walker.enter_flow(global_flow)
    if inp.parse and inp.parse.intent in SHORT_REPLIES:
        run.say(run.text(SHORT_REPLIES[inp.parse.intent]))
        return Result(None, tuple(run.events))
    # Nothing is waiting: the message is read as an answer to the main menu.
    entry = env.flows[env.entry_flow]
    start = entry.nodes[entry.start]
    if start.ask is not None:
        answer = _match(start.ask, text, inp, run)
        if answer is not None:
            return walker.answered(entry.id, start, answer)
    return walker.enter_flow(env.entry_flow)


class _Walker:
    def __init__(self, env: Environment, run: Run) -> None:
        self.env, self.run, self.steps = env, run, 0

    def result(self, session: Session | None) -> Result:
        return Result(session, tuple(self.run.events))

    def enter_flow(self, flow_id: str) -> Result:
        flow = self.env.flows[flow_id]
        self.run.events.append(FlowEntered(flow_id))
        return self.visit(flow, flow.start)

    def visit(self, flow: Flow, node_id: str) -> Result:
        while True:
            self.steps += 1
            if self.steps > MAX_STEPS:
                return self.result(None)
            node = flow.nodes[node_id]
            for act in node.actions:
                execute(act, self.run)
            if node.ask is not None:
                self.run.say(self.run.text(node.ask.prompt, **self.run.vars), node.ask.choices)
                return self.result(Session(flow.id, node_id, self.run.vars))
            dest = _route(node, self.run)
            if dest == END:
                return self.result(None)
            if dest.startswith(FLOW_PREFIX):
                flow = self.env.flows[dest.removeprefix(FLOW_PREFIX)]
                self.run.events.append(FlowEntered(flow.id))
                dest = flow.start
            node_id = dest

    def go(self, flow: Flow, dest: str) -> Result:
        if dest == END:
            return self.result(None)
        if dest.startswith(FLOW_PREFIX):
            return self.enter_flow(dest.removeprefix(FLOW_PREFIX))
        return self.visit(flow, dest)

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

    def not_understood(self, session: Session, ask: Ask) -> Result:
        count = session.misunderstood + 1
        self.run.events.append(InputNotUnderstood(count))
        if count >= MISUNDERSTOOD_LIMIT:
            return self.enter_flow(self.env.misunderstood_flow)
        prompt = self.run.text(ask.invalid) + "\n" + self.run.text(ask.prompt, **self.run.vars)
        self.run.say(prompt, ask.choices)
        return self.result(Session(session.flow_id, session.node_id, self.run.vars, count))


def _waiting_node(env: Environment, session: Session | None) -> Node | None:
    if session is None:
        return None
    flow = env.flows.get(session.flow_id)
    return flow.nodes.get(session.node_id) if flow else None


def _menu_part(env: Environment, inp: Input) -> tuple[Node, tuple[str, Choice]] | None:
    """The main-menu entry whose intents include the message's: a sentence asking for
    another part ("combien j'ai vendu ce mois") works even where another question waits.
    Not during onboarding, whose consent question must be answered first."""
    entry = env.flows[env.entry_flow]
    start = entry.nodes[entry.start]
    if inp.parse is None or start.ask is None or start.ask.kind != "choice":
        return None
    for choice in start.ask.choices:
        if inp.parse.intent in choice.intents:
            return start, (choice.id, choice)
    return None


def _global_flow(inp: Input) -> str | None:
    return GLOBAL_INTENTS.get(inp.parse.intent) if inp.parse else None


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


_KEYCAP = re.compile(r"^(\d+)\s*(?:\ufe0f?\u20e3)?[.)]?$")
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def _match(ask: Ask, text: str, inp: Input, run: Run) -> tuple[str, Choice | None] | None:
    if ask.kind == "choice":
        choice = _match_choice(ask.choices, text, inp, run)
        return (choice.id, choice) if choice else None
    if inp.payload and not text:
        return None
    if ask.kind == "number":
        found = _NUMBER.search(ascii_digits(text).replace("\u066b", "."))
        if not found:
            return None
        number = float(found.group(0).replace(",", "."))
        if (ask.minimum is not None and number < ask.minimum) or (
            ask.maximum is not None and number > ask.maximum
        ):
            return None
        return (f"{number:g}", None)
    if not text or text.startswith("/"):
        return None
    return (text[: min(ask.max_length, MAX_VAR_LENGTH)], None)


def _match_choice(choices: tuple[Choice, ...], text: str, inp: Input, run: Run) -> Choice | None:
    if inp.payload:
        for c in choices:
            if c.id == inp.payload:
                return c
    digits = _KEYCAP.match(ascii_digits(text))
    if digits:
        index = int(digits.group(1)) - 1
        return choices[index] if 0 <= index < len(choices) else None
    folded = _fold(text)
    if folded:
        for c in choices:
            labels = {_fold(run.choice_title(c)), *(_fold(w) for w in c.words)}
            if not c.literal:
                labels |= {_fold(t) for lang in LANGS if (t := run.catalog.raw(c.label, lang))}
            if folded in labels or _fold(_strip_emoji(run.choice_title(c))) == folded:
                return c
    if inp.parse:
        for c in choices:
            if inp.parse.intent in c.intents:
                return c
    return None


def _strip_emoji(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LNZ")


# Choice labels in four languages are folded on every typed answer: remember them.
@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(ch for ch in decomposed if unicodedata.category(ch)[0] in "LN" or ch == " ")
    return " ".join(letters.split())


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
