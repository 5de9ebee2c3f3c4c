"""Flow files are validated on load; errors name the file, the node and the field."""

from __future__ import annotations

import pytest

from content.catalog import Catalog
from flows.engine import Environment
from flows.loader import FlowError, load_directory, load_sources, parse_flow
from flows.model import FLOW_PREFIX


def test_shipped_flows_load() -> None:
    flows = load_directory()
    assert {"onboarding", "menu", "language", "my_data", "handover", "handover_offer"} <= set(flows)


def test_shipped_flows_fit_the_engine() -> None:
    """The flows the engine names exist; the onboarding and language flows have the node
    that asks "shall we continue in …?"; only the flows meant to may run before consent;
    every part of the menu is a flow (so that it can be remembered for later)."""
    flows = load_directory()
    env = Environment(flows=flows, catalog=Catalog({}))
    for name in ("entry", "onboarding", "consent", "language", "suggest", "misunderstood", "stop"):
        assert getattr(env, f"{name}_flow") in flows, name
    for flow_id in (env.onboarding_flow, env.language_flow):
        assert flows[flow_id].nodes[env.language_confirm].ask is not None
    assert {f.id for f in flows.values() if f.before_consent} == {
        "onboarding",
        "consent",
        "language",
        "handover",
        "handover_offer",
        "stop",  # it only stops things: the weekly nudges and broadcasts
        "broadcasts_start",
    }
    menu = flows[env.entry_flow].nodes[flows[env.entry_flow].start].ask
    assert menu is not None
    assert all(c.goto and c.goto.startswith(FLOW_PREFIX) for c in menu.choices)


def test_a_remembered_destination_is_not_checked_on_load() -> None:
    flow = parse_flow("id: f\nstart: a\nnodes:\n  a: {goto: '@var.then'}\n", "f.yaml")
    assert flow.nodes["a"].goto == "@var.then"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "id: f\nstart: a\nnodes:\n  a:\n    actions:\n      - {type: send_msg}\n",
            "f.yaml: node 'a', field actions.0.text: Field required",
        ),
        (
            "id: f\nstart: a\nnodes:\n  a:\n    actions:\n      - {type: fly}\n",
            "f.yaml: node 'a', field actions.0",
        ),
        ("id: f\nstart: a\nnodes:\n  a: {goto: b}\n", "unknown destination 'b'"),
        ("id: f\nstart: zz\nnodes:\n  a: {goto: end}\n", "start node 'zz' is not defined"),
        (
            "id: f\nstart: a\nnodes:\n  a:\n    ask: {kind: choice, prompt: p}\n",
            "f.yaml: node 'a', field ask: Value error, a choice question needs at least one choice",
        ),
        (
            "id: f\nstart: a\nnodes:\n  a:\n    ask:\n      kind: choice\n      prompt: p\n"
            "      choices: [{id: x, label: l, hidden: true}]\n",
            "needs at least one choice that is not hidden",
        ),
        (
            "id: f\nstart: a\nnodes:\n  a:\n    ask:\n      kind: choice\n      prompt: p\n"
            "      choices: [{id: x, label: l, explicit: true, intents: [affirm]}]\n",
            "choice 'x' needs an explicit answer: it takes no intents",
        ),
        (
            "id: f\nstart: a\nnodes:\n  a:\n    ask:\n      kind: choice\n      prompt: p\n"
            "      explicit: true\n      choices: [{id: x, label: l, intents: [deny]}]\n",
            "choice 'x' needs an explicit answer: it takes no intents",
        ),
        (
            "id: f\nstart: a\nnodes:\n  a:\n    ask: {kind: text, prompt: p, explicit: true}\n",
            "only a choice question can need an explicit answer",
        ),
        ("id: f\nstart: a\nnodes:\n  a: {goto: '@var.'}\n", "'@var.' names no variable"),
        (
            "id: f\nstart: a\nnodes:\n  a:\n    ask: {kind: text, prompt: p, colour: red}\n",
            "f.yaml: node 'a', field ask.colour: Extra inputs are not permitted",
        ),
        (
            "id: f\nstart: a\nnodes:\n  a:\n    ask:\n      kind: choice\n      prompt: p\n"
            "      choices: [{id: x, label: l}, {id: x, label: m}]\n",
            "choice ids must be unique",
        ),
        (
            "id: f\nstart: a\nnodes:\n  a:\n    router: {switch: mood, default: end}\n",
            "f.yaml: node 'a', field router: Value error, switch 'mood' must be one of",
        ),
        ("- just\n- a list\n", "f.yaml: a flow must be a mapping"),
        ("id: f\nstart: [unclosed\n", "f.yaml: not valid YAML"),
    ],
)
def test_errors_name_file_node_and_field(source: str, expected: str) -> None:
    with pytest.raises(FlowError) as err:
        parse_flow(source, "f.yaml")
    assert expected in str(err.value)


def test_unknown_flow_reference() -> None:
    src = "id: f\nstart: a\nnodes:\n  a: {goto: 'flow:nowhere'}\n"
    with pytest.raises(FlowError, match=r"flow 'f': node 'a': unknown flow 'nowhere'"):
        load_sources([("f.yaml", src)])


def test_duplicate_flow_id() -> None:
    src = "id: f\nstart: a\nnodes:\n  a: {goto: end}\n"
    with pytest.raises(FlowError, match=r"b\.yaml: flow id 'f' is defined twice"):
        load_sources([("a.yaml", src), ("b.yaml", src)])
