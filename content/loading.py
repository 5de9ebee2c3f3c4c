"""Reading a content file (YAML) into a validated model; errors name the file and the field."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

# Ids in content files are short, lowercase and stable: hosts store them (progress, answers).
Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
# A text key of the catalog ("learn.cooperative.title").
TextKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")]

M = TypeVar("M", bound=BaseModel)
# libyaml when installed: the pure-Python parser takes most of the loading time.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentError(ValueError):
    """A content file that cannot be used; the message says which file, which field and why."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def parse(model: type[M], source: str, name: str) -> M:
    try:
        data = yaml.load(source, Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise ContentError(f"{name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ContentError(f"{name}: the file must be a mapping of fields")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            place = where(data, err["loc"])
            lines.append(f"{name}: {place}: {err['msg']}" if place else f"{name}: {err['msg']}")
        raise ContentError("\n".join(lines)) from exc


def where(data: Any, loc: Sequence[int | str]) -> str:
    """("questions", 1, "label") -> "field questions[work_right].label": a list item is named
    by its id when it has one, so that an error points at what a facilitator wrote."""
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int) and parts:
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            ident = item.get("id") if isinstance(item, dict) else None
            parts[-1] += f"[{ident}]" if isinstance(ident, str) else f"[{part}]"
            node = item
        else:
            parts.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return "field " + ".".join(parts) if parts else ""


def read_sources(directory: Path, pattern: str = "*.yaml") -> list[tuple[str, str]]:
    """(file name, text) of the files of a directory, in name order."""
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(directory.glob(pattern))]
