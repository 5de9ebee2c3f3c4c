"""Flow files are validated on load; errors name the file, the node and the field."""

from __future__ import annotations

import pytest

from flows.loader import FlowError, load_directory, load_sources, parse_flow


def test_shipped_flows_load() -> None:
    flows = load_directory()
    assert {"onboarding", "menu", "language", "my_data", "handover", "handover_offer"} <= set(flows)


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
