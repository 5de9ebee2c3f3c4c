"""YAML -> validated flows, with errors that name the file, the node and the field (and,
for an editor, the line each error points at)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from flows.model import FLOW_PREFIX, Flow

DEFINITIONS_DIR = Path(__file__).parent / "definitions"
# libyaml's loader when PyYAML was built with it: several times faster, same results.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class FlowProblem:
    message: str
    line: int | None = None  # 1-based line of the source the problem points at


class FlowError(ValueError):
    """A flow definition that cannot be used; the message says where and why."""

    def __init__(self, *problems: FlowProblem | str) -> None:
        self.problems = tuple(p if isinstance(p, FlowProblem) else FlowProblem(p) for p in problems)
        super().__init__("\n".join(p.message for p in self.problems))


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
        data = yaml.load(source, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise FlowError(FlowProblem(f"{name}: not valid YAML: {exc}", line)) from exc
    if not isinstance(data, dict):
        raise FlowError(
            FlowProblem(f"{name}: a flow must be a mapping with id, start and nodes", 1)
        )
    try:
        return Flow.model_validate(data)
    except ValidationError as exc:
        tree = _compose(source)
        problems = [
            FlowProblem(f"{name}: {_where(e['loc'])}: {e['msg']}", _line(tree, e["loc"], e["msg"]))
            for e in exc.errors()
        ]
        raise FlowError(*problems) from exc


def check_references(flows: Mapping[str, Flow], sources: Mapping[str, str] | None = None) -> None:
    for flow in flows.values():
        for node_id, node in flow.nodes.items():
            for dest in node.destinations():
                target = dest.removeprefix(FLOW_PREFIX)
                if dest.startswith(FLOW_PREFIX) and target not in flows:
                    source = (sources or {}).get(flow.id)
                    line = _node_value_line(_compose(source), node_id, dest) if source else None
                    raise FlowError(
                        FlowProblem(
                            f"flow {flow.id!r}: node {node_id!r}: unknown flow {target!r}", line
                        )
                    )


def load_sources(sources: Iterable[tuple[str, str]]) -> dict[str, Flow]:
    """(name, yaml text) pairs -> flows by id, cross-references checked."""
    flows: dict[str, Flow] = {}
    texts: dict[str, str] = {}
    for name, text in sources:
        flow = parse_flow(text, name)
        if flow.id in flows:
            raise FlowError(FlowProblem(f"{name}: flow id {flow.id!r} is defined twice", 1))
        flows[flow.id] = flow
        texts[flow.id] = text
    check_references(flows, texts)
    return flows


def shipped_sources(directory: Path = DEFINITIONS_DIR) -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.yaml"))]


def load_directory(directory: Path = DEFINITIONS_DIR) -> dict[str, Flow]:
    return load_sources(shipped_sources(directory))


# --- lines: where in the YAML text an error points ----------------------------------------


def _compose(source: str) -> yaml.Node | None:
    try:
        return yaml.compose(source, Loader=SAFE_LOADER)
    except yaml.YAMLError:
        return None


def _child(node: yaml.Node, part: int | str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return value  # type: ignore[no-any-return]
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]  # type: ignore[no-any-return]
    return None


def _line(tree: yaml.Node | None, loc: tuple[int | str, ...], msg: str) -> int | None:
    """The line of the deepest part of `loc` present in the text; for errors of the whole
    flow (no loc), the node and destination their message names."""
    if tree is None:
        return None
    if not loc:
        node_id = None if "start node" in msg else re.search(r"node '([^']+)'", msg)
        dest = re.search(r"destination '([^']+)'", msg)
        if node_id:
            return _node_value_line(tree, node_id.group(1), dest.group(1) if dest else None)
        start = _child(tree, "start")
        return start.start_mark.line + 1 if start is not None else 1
    node = tree
    for part in loc:
        if _is_union_tag(part):
            continue
        child = _child(node, part)
        if child is None:
            break
        node = child
    return int(node.start_mark.line) + 1


def _node_value_line(tree: yaml.Node | None, node_id: str, value: str | None) -> int | None:
    """The line of `value` inside node `node_id` (else the node's own line)."""
    nodes = _child(tree, "nodes") if tree is not None else None
    node = _child(nodes, node_id) if nodes is not None else None
    if node is None:
        return None
    if value is not None:
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, yaml.ScalarNode) and current.value == value:
                return int(current.start_mark.line) + 1
            if isinstance(current, yaml.MappingNode):
                stack += [v for _, v in current.value]
            elif isinstance(current, yaml.SequenceNode):
                stack += current.value
    return int(node.start_mark.line) + 1
