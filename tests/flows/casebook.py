"""Engine cases as data (tests/flows/cases/*.yaml): loading, expanding per language, and
playing a case through the engine the way the host would.

A case is a conversation: `contact`, optional `session`, `flows` (added to or replacing the
shipped ones), `lookup` (the host's read-only facts), `coop`, `totals`, `last_sale` and
`invites` (the lookup's sales facts: tests/flows/sales_facts.py), `texts` (more texts by
language), `modules` (id -> messages shown, or "done"), `checklist` (step id -> status),
`eligibility` (`outcome` and kept `answers`), and `steps`. The journeys' events update these
as the host would (with consent where the host needs it). A step sends a message
(`send`, `payload`, `parse`: a hand-written parse may list `entities`, as the NLU gives them,
or `real`) and checks what happened: `events` (all of them, in order),
`includes` (some of them), `excludes` (no event starting with these), `session` (where the
contact waits after, `flow/node` or null) and `vars`.

`langs: [fr, ar, prs, ti]` plays the case once per language: any step field may then be a
mapping by language, and the contact speaks that language unless `contact.lang` says
otherwise. `nlu: real` reads every message without a hand-written `parse` with the real
NLU pipeline (nlu.pipeline.parse), as the host does; `parse: real` does it for one step,
`parse: none` reads it as the host reads a message without text.
`process: true` also plays the case through a real `python -m bot chat` process
(tests/bot/test_chat_cases.py).

Events are written compactly: `msg <text> [choice ids]`, `lang ar`, `field x=y`,
`consent yes`, `handover <reason>`, `data <op>`, `flow <id>`, `not_understood <n>`,
`join <code>`, `sale <qty> <product> <cents> <payment> <day>`, `undo <sale id>`,
`correct <sale id> <qty> <product> <cents> <payment>`, `reminders on|off`, `broadcasts stop|start`.
The amounts of a parse reach the engine in cents as the host converts them
(bot.ledger.money.nlu_cents).
Messages read as their content key (typed labels still match the shipped texts), so
expectations do not depend on wording. The engine's thresholds are those of flows/confidence.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.ledger.money import nlu_cents
from content.catalog import LANGS, Catalog, load_locale_files
from flows import engine
from flows.events import (
    BroadcastsChanged,
    ConsentChanged,
    ContactFieldChanged,
    ContactLanguageChanged,
    CoopJoinRequested,
    DataRequested,
    EligibilityDecided,
    Event,
    FlowEntered,
    HandoverRequested,
    InputNotUnderstood,
    ModuleCompleted,
    ModuleProgressed,
    MsgCreated,
    NudgesChanged,
    SaleConfirmed,
    SaleCorrected,
    SaleRemindersChanged,
    SaleUndone,
    StepMarked,
)
from flows.loader import load_directory, parse_flow
from flows.lookup import Eligibility, ModuleStatus, RequestStatus
from nlu import pipeline
from nlu.types import Entity, ParseResult
from tests.flows.sales_facts import memory_lookup

CASES_DIR = Path(__file__).parent / "cases"
# Facts the host always knows (bot/core/lookup.py); a case may override them.
HOST_FACTS = {"retention_days": "730", "open_requests": "0", "broadcasts_stopped": "no"}
# What the host answers itself to a data request (bot/core/handlers/data_requested.py).
DATA_REPLIES = {
    "delete": "mydata.deleted",
    "show": "mydata.summary",
    "export": "mydata.export_header",
}


@dataclass(frozen=True)
class Played:
    """One step as played: what was sent, what happened, and each reply's text and language."""

    send: str
    events: list[str]
    replies: list[tuple[str, str]]  # (content key of the reply's first line, language)
    session: str | None


@dataclass
class Case:
    name: str
    lang: str | None  # the language this expansion plays, None for a case without `langs`
    data: dict[str, Any]
    played: list[Played] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.name}[{self.lang}]" if self.lang else self.name

    def pick(self, value: Any) -> Any:
        """A step field, for this expansion's language where given per language (at any depth:
        `events: [flow x, {fr: lang fr, ar: lang ar}]`)."""
        if self.lang and isinstance(value, dict) and value and set(value) <= {*LANGS, "default"}:
            return self.pick(value.get(self.lang, value.get("default")))
        if isinstance(value, list):  # an item given for some languages only is left out
            return [p for p in (self.pick(v) for v in value) if p is not None]
        if isinstance(value, dict):
            return {k: self.pick(v) for k, v in value.items()}
        return value


def load_cases(directory: Path = CASES_DIR) -> list[Case]:
    cases: list[Case] = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "steps" not in data:
            continue  # another kind of table (unrelated sentences)
        langs = data.get("langs")
        for lang in langs or [None]:
            cases.append(Case(path.stem, lang, data))
    return cases


class KeyCatalog(Catalog):
    """The shipped texts, but every message reads as its key: typed labels still match
    what people see, and expectations stay language-free."""

    def text(self, key: str, lang: str, **params: object) -> str:
        return key


@cache
def _shipped_texts() -> dict[str, dict[str, str]]:
    return load_locale_files()


@cache
def _shipped_flows() -> dict[str, Any]:
    return load_directory()


@cache
def _plain_catalog() -> Catalog:
    return KeyCatalog(_shipped_texts())


def key_catalog(extra: dict[str, dict[str, str]] | None = None) -> Catalog:
    """`extra`: more texts by language (a case's `texts`, such as media references)."""
    if not extra:
        return _plain_catalog()
    texts = {lang: dict(by_key) for lang, by_key in _shipped_texts().items()}
    for lang, more in extra.items():
        texts[lang].update(more)
    return KeyCatalog(texts)


def show(ev: Event) -> str:
    match ev:
        case MsgCreated(text=text, choices=choices, image=image, audio=audio):
            media = "".join(
                f" ({kind} {ref})" for kind, ref in (("image", image), ("audio", audio)) if ref
            )
            return (
                f"msg {text}" + (f" [{','.join(c.id for c in choices)}]" if choices else "") + media
            )
        case ContactLanguageChanged(lang=lang):
            return f"lang {lang}"
        case ContactFieldChanged(field=f, value=v):
            return f"field {f}={v}"
        case ConsentChanged(given=given):
            return f"consent {'yes' if given else 'no'}"
        case BroadcastsChanged(stopped=stopped):
            return f"broadcasts {'stop' if stopped else 'start'}"
        case HandoverRequested(reason=reason, context=context):
            return f"handover {reason}" + "".join(f" {k}={v}" for k, v in context)
        case DataRequested(op=op):
            return f"data {op}"
        case FlowEntered(flow_id=fid):
            return f"flow {fid}"
        case InputNotUnderstood(count=n):
            return f"not_understood {n}"
        case ModuleProgressed(module_id=module, position=position):
            return f"module {module} {position}"
        case ModuleCompleted(module_id=module, quiz_answer=answer, quiz_right=right):
            return f"module_done {module} {answer} {'right' if right else 'wrong'}"
        case EligibilityDecided(outcome=outcome, kept=kept, anonymous=anonymous):
            pairs = ",".join(f"{k}={v}" for k, v in kept)
            counted = ",".join(f"{k}={v}" for k, v in anonymous)
            return f"eligibility {outcome} kept[{pairs}] anonymous[{counted}]"
        case StepMarked(step_id=step, status=status):
            return f"step {step} {status}"
        case NudgesChanged(on=on):
            return f"nudges {'on' if on else 'off'}"
        case CoopJoinRequested(code=code):
            return f"join {code}"
        case SaleConfirmed(product=p, quantity=q, amount_cents=c, payment=pay, day=day):
            return f"sale {q} {p} {c} {pay} {day}"
        case SaleUndone(sale_id=sale_id):
            return f"undo {sale_id}"
        case SaleCorrected(sale_id=sale_id, product=p, quantity=q, amount_cents=c, payment=pay):
            return f"correct {sale_id} {q} {p} {c} {pay}"
        case SaleRemindersChanged(on=on):
            return f"reminders {'on' if on else 'off'}"
    raise AssertionError(ev)


def hand_parse(text: str, spec: dict[str, Any], lang: str) -> ParseResult:
    """A hand-written NLU result, in `lang` unless the spec says otherwise."""
    parsed_lang = spec.get("lang", lang)
    return ParseResult(
        text,
        parsed_lang,
        spec.get("intent", "out_of_scope"),
        float(spec.get("confidence", 0.9)),
        entities=tuple(Entity(k, v) for k, v in (spec.get("entities") or {}).items()),
        lang_confidence=float(spec.get("lang_confidence", 1.0 if parsed_lang in LANGS else 0.0)),
    )


def real_parse(text: str, known_lang: str | None) -> ParseResult | None:
    """What the host's NLU returns (None for a message without text, as the host does)."""
    return pipeline.parse(text[:1000], known_lang=known_lang) if text else None


class Host:
    """The state the host keeps between messages, updated from the engine's events."""

    def __init__(self, case: Case) -> None:
        data = case.data
        flows = dict(_shipped_flows())
        for i, definition in enumerate(data.get("flows", [])):
            flow = parse_flow(yaml.safe_dump(definition, allow_unicode=True), f"{case.name}#{i}")
            flows[flow.id] = flow
        self.facts = {**HOST_FACTS, **{str(k): str(v) for k, v in data.get("lookup", {}).items()}}
        self.sales = {k: data[k] for k in ("coop", "totals", "last_sale", "invites") if k in data}
        self.flows, self.catalog = flows, key_catalog(data.get("texts"))
        spec = data.get("contact", {})
        self.lang: str = spec.get("lang", case.lang or "fr")
        self.consent: bool | None = spec.get("consent", True)
        self.fields: dict[str, str] = dict(spec.get("fields", {}))
        self.is_new = bool(spec.get("new", False))
        self.session = engine.Session.from_json(data["session"]) if data.get("session") else None
        self.known_lang: str | None = None  # the host's language cache: none for a new process
        self.previous_lang = "und"
        self.learning = {
            str(m): ModuleStatus(0, True) if v == "done" else ModuleStatus(int(v), False)
            for m, v in data.get("modules", {}).items()
        }
        self.checklist = {str(k): str(v) for k, v in data.get("checklist", {}).items()}
        kept = data.get("eligibility")
        self.outcome = Eligibility(kept["outcome"], kept.get("answers", {})) if kept else None

    def environment(self) -> engine.Environment:
        facts = {**self.facts, "previous_lang": self.previous_lang}
        lookup = replace(
            memory_lookup(facts, **self.sales),
            learning=dict(self.learning),
            checklist=dict(self.checklist),
            outcome=self.outcome,
            requests=RequestStatus(int(facts.get("open_requests", "0")), None),
        )
        return engine.Environment(flows=self.flows, catalog=self.catalog, lookup=lookup)

    def journeys(self, e: Event) -> None:
        """What the host keeps of the journeys' events (bot/core/handlers)."""
        if isinstance(e, ModuleProgressed):
            was = self.learning.get(e.module_id, ModuleStatus(0, False))
            self.learning[e.module_id] = ModuleStatus(e.position, was.done, was.quiz_right)
        elif isinstance(e, ModuleCompleted):
            was = self.learning.get(e.module_id, ModuleStatus(0, False))
            self.learning[e.module_id] = ModuleStatus(was.position, True, e.quiz_right)
        elif isinstance(e, EligibilityDecided) and self.consent:
            self.outcome = Eligibility(e.outcome, dict(e.kept))
        elif isinstance(e, StepMarked) and self.consent:
            self.checklist[e.step_id] = e.status
        elif isinstance(e, NudgesChanged):
            self.facts["nudges"] = "on" if e.on else "off"

    def send(self, text: str, payload: str | None, parse: ParseResult | None) -> engine.Result:
        contact = engine.Contact(self.lang, self.consent, self.fields, self.is_new)
        cents = nlu_cents(parse.entities) if parse else {}
        result = engine.resume(
            self.environment(), contact, self.session, engine.Input(text, payload, parse, cents)
        )
        self.session, self.is_new = result.session, False
        for e in result.events:
            self.journeys(e)
            if isinstance(e, ContactLanguageChanged):
                self.lang = e.lang
            elif isinstance(e, ConsentChanged):
                self.consent = e.given
                if not e.given:
                    self.fields, self.outcome, self.checklist = {}, None, {}
            elif isinstance(e, BroadcastsChanged):  # bot/core/lookup.py reads it back
                self.facts["broadcasts_stopped"] = "yes" if e.stopped else "no"
            elif isinstance(e, ContactFieldChanged) and self.consent:
                self.fields[e.field] = e.value
            elif isinstance(e, DataRequested) and e.op == "delete":
                # The contact is erased: the next message comes from a new contact.
                self.lang, self.consent, self.fields = "und", None, {}
                self.is_new, self.session = True, None
                self.learning, self.checklist, self.outcome = {}, {}, None
        self.previous_lang = parse.lang if parse else "und"
        self.known_lang = self.lang
        return result


def replies_of(events: tuple[Event, ...], lang: str) -> list[tuple[str, str]]:
    """(key, language) of each message the person gets, the engine's and the host's (in the
    contact's language, `lang` before the events)."""
    out: list[tuple[str, str]] = []
    lang = lang if lang in LANGS else "fr"
    for e in events:
        if isinstance(e, MsgCreated):
            out.append((e.text.split("\n", 1)[0], e.lang))
            lang = e.lang
        elif isinstance(e, ContactLanguageChanged):
            lang = e.lang
        elif isinstance(e, DataRequested):
            out.append((DATA_REPLIES[e.op], lang))
    return out


def play(case: Case) -> list[Played]:
    """Play every step of the case through the engine, checking each as it goes."""
    host = Host(case)
    real = case.data.get("nlu") == "real"
    played: list[Played] = []
    for n, step in enumerate(case.data["steps"], start=1):
        text = str(case.pick(step.get("send", "")) or "")
        spec = case.pick(step.get("parse"))
        if spec == "none":
            parse = None
        elif spec == "real" or (spec is None and real):
            parse = real_parse(text, host.known_lang)
        elif spec is not None:
            lang = host.lang if host.lang in LANGS else case.lang or "und"
            parse = hand_parse(text, spec, lang)
        else:
            parse = None
        lang_before = host.lang
        result = host.send(text, case.pick(step.get("payload")), parse)
        got = [show(e).replace("\u2068", "").replace("\u2069", "") for e in result.events]
        at = f"{result.session.flow_id}/{result.session.node_id}" if result.session else None
        where = f"{case.id} step {n} ({text!r}, parsed as {parse and parse.intent!r})"
        check(case, step, got, at, result, where)
        played.append(Played(text, got, replies_of(result.events, lang_before), at))
    return played


def check(
    case: Case, step: dict[str, Any], got: list[str], at: str | None, result: Any, where: str
) -> None:
    expected = case.pick(step.get("events"))
    if expected is not None:
        assert got == expected, f"{where}: got {got}"
    for wanted in case.pick(step.get("includes", [])) or []:
        assert wanted in got, f"{where}: {wanted!r} not in {got}"
    for unwanted in case.pick(step.get("excludes", [])) or []:
        bad = [e for e in got if e.startswith(unwanted)]
        assert not bad, f"{where}: {bad} happened"
    if "session" in step:
        assert at == case.pick(step["session"]), f"{where}: at {at}"
    for key, value in (case.pick(step.get("vars", {})) or {}).items():
        assert result.session is not None, where
        assert result.session.vars.get(key) == case.pick(value), f"{where}: var {key}"


@dataclass
class Table:
    """Many answers, each sent from a fresh start at the same question(s): a file with
    `answers` instead of `steps`. `at` names the starting points (each a `contact`,
    `session` and `before` steps played first); `answers` are groups of texts (`send`, a
    list, or lists by language) with what must (not) happen (and, under `at`, what differs
    by starting point); `parses` tries each text with
    each reading: `real` (the NLU pipeline), `none`, or a hand-written parse."""

    name: str
    lang: str | None
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.name}[{self.lang}]" if self.lang else self.name


def load_tables(directory: Path = CASES_DIR) -> list[Table]:
    tables: list[Table] = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "answers" in data:
            tables += [Table(path.stem, lang, data) for lang in data.get("langs") or [None]]
    return tables


def play_table(table: Table) -> tuple[int, list[str]]:
    """(answers tried, failures) for every starting point, answer and reading."""
    tried, failures = 0, []
    starts = table.data.get("at") or {"": {}}
    for where, start in starts.items():
        base = {k: v for k, v in table.data.items() if k not in ("at", "answers", "langs")}
        spec = {**base, **start}
        for group in table.data["answers"]:
            texts = Case(table.name, table.lang, {}).pick(group["send"])
            for text in texts:
                for reading in group.get("parses", spec.get("parses", ["none"])):
                    tried += 1
                    check = {k: v for k, v in group.items() if k not in ("at", "parses")}
                    check.update(group.get("at", {}).get(where, {}))  # what differs per start
                    steps = [*spec.get("before", []), {**check, "send": text, "parse": reading}]
                    case = Case(f"{table.name} at {where}", table.lang, {**spec, "steps": steps})
                    try:
                        play(case)
                    except AssertionError as exc:
                        failures.append(str(exc).splitlines()[0])
    return tried, failures
