"""YAML -> validated flows, with errors that name the file, the node and the field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml
from pydantic import ValidationError

from flows.model import FLOW_PREFIX, Flow

DEFINITIONS_DIR = Path(__file__).parent / "definitions"


class FlowError(ValueError):
    """A flow definition that cannot be used; the message says where and why."""


def _where(loc: tuple[int | str, ...]) -> str:
    parts = list(loc)
    if len(parts) >= 2 and parts[0] == "nodes":
        head = f"node {parts[1]!r}"
        rest = [str(p) for p in parts[2:] if not _is_union_tag(p)]
        return head + (f", field {'.'.join(rest)}" if rest else "")
    return "field " + ".".join(str(p) for p in parts) if parts else "flow"


def _is_union_tag(part: int | str) -> bool:
    return isinstance(part, str) and part in {
        "send_msg",
        "set_field",
        "set_language",
        "set_consent",
        "request_handover",
        "data_request",
        "list_workshops",
        "pick_workshop",
        "answer_workshop",
        "request_status",
    }


def parse_flow(source: str, name: str) -> Flow:
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        raise FlowError(f"{name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise FlowError(f"{name}: a flow must be a mapping with id, start and nodes")
    try:
        return Flow.model_validate(data)
    except ValidationError as exc:
        lines = [f"{name}: {_where(e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise FlowError("\n".join(lines)) from exc


def check_references(flows: Mapping[str, Flow]) -> None:
    for flow in flows.values():
        for node_id, node in flow.nodes.items():
            for dest in node.destinations():
                target = dest.removeprefix(FLOW_PREFIX)
                if dest.startswith(FLOW_PREFIX) and target not in flows:
                    raise FlowError(f"flow {flow.id!r}: node {node_id!r}: unknown flow {target!r}")


def load_sources(sources: Iterable[tuple[str, str]]) -> dict[str, Flow]:
    """(name, yaml text) pairs -> flows by id, cross-references checked."""
    flows: dict[str, Flow] = {}
    for name, text in sources:
        flow = parse_flow(text, name)
        if flow.id in flows:
            raise FlowError(f"{name}: flow id {flow.id!r} is defined twice")
        flows[flow.id] = flow
    check_references(flows)
    return flows


def shipped_sources(directory: Path = DEFINITIONS_DIR) -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.yaml"))]


def load_directory(directory: Path = DEFINITIONS_DIR) -> dict[str, Flow]:
    return load_sources(shipped_sources(directory))
