"""Engine behaviour as data: each file in cases/ is a conversation and what must happen.

A case may define its own flows (added to, or replacing, the shipped ones). Texts come
from a catalog whose text is the key itself, so expectations read as content keys.
Events are written compactly: `msg <text> [choice ids]`, `lang ar`, `field x=y`,
`consent yes`, `handover <reason>`, `data <op>`, `flow <id>`, `not_understood <n>`.
`lookup: {name: value}` gives the engine read-only facts, as the host's lookup would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from content.catalog import Catalog, load_locale_files
from flows import engine
from flows.events import (
    ConsentChanged,
    ContactFieldChanged,
    ContactLanguageChanged,
    DataRequested,
    Event,
    FlowEntered,
    HandoverRequested,
    InputNotUnderstood,
    MsgCreated,
)
from flows.loader import load_directory, parse_flow
from flows.lookup import MemoryLookup
from nlu.types import ParseResult

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))


def key_catalog() -> Catalog:
    keys = load_locale_files()["fr"]
    return Catalog({lang: {k: k for k in keys} for lang in ("fr", "ar", "prs", "ti")})


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
        case HandoverRequested(reason=reason):
            return f"handover {reason}"
        case DataRequested(op=op):
            return f"data {op}"
        case FlowEntered(flow_id=fid):
            return f"flow {fid}"
        case InputNotUnderstood(count=n):
            return f"not_understood {n}"
    raise AssertionError(ev)


def _parse(text: str, spec: dict[str, Any] | None) -> ParseResult | None:
    if spec is None:
        return None
    return ParseResult(
        text,
        spec.get("lang", "fr"),
        spec.get("intent", "out_of_scope"),
        float(spec.get("confidence", 0.9)),
    )


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    flows = dict(load_directory())
    for i, definition in enumerate(case.get("flows", [])):
        flow = parse_flow(yaml.safe_dump(definition, allow_unicode=True), f"{path.name}#{i}")
        flows[flow.id] = flow
    lookup = MemoryLookup({str(k): str(v) for k, v in case.get("lookup", {}).items()})
    env = engine.Environment(flows=flows, catalog=key_catalog(), lookup=lookup)
    spec = case.get("contact", {})
    lang, consent = spec.get("lang", "fr"), spec.get("consent", True)
    fields: dict[str, str] = dict(spec.get("fields", {}))
    is_new = bool(spec.get("new", False))
    session = engine.Session.from_json(case["session"]) if case.get("session") else None
    for n, step in enumerate(case["steps"], start=1):
        text = str(step.get("send", ""))
        inp = engine.Input(text, step.get("payload"), _parse(text, step.get("parse")))
        result = engine.resume(env, engine.Contact(lang, consent, fields, is_new), session, inp)
        got = [show(e).replace("\u2068", "").replace("\u2069", "") for e in result.events]
        where = f"{path.name} step {n} ({text!r})"
        if "events" in step:
            assert got == step["events"], where
        for expected in step.get("includes", []):
            assert expected in got, f"{where}: {expected!r} not in {got}"
        if "session" in step:
            at = f"{result.session.flow_id}/{result.session.node_id}" if result.session else None
            assert at == step["session"], where
        for key, value in step.get("vars", {}).items():
            assert result.session is not None and result.session.vars.get(key) == value, where
        # The host applies what the engine reports.
        for e in result.events:
            if isinstance(e, ContactLanguageChanged):
                lang = e.lang
            elif isinstance(e, ConsentChanged):
                consent = e.given
            elif isinstance(e, ContactFieldChanged):
                fields[e.field] = e.value
        session, is_new = result.session, False
