"""Read-only domain data the engine may speak about (my open requests, later workshops,
checklists, sales): the host answers from the batch's database connection, tests from
memory. The engine stays free of I/O and deterministic for a given lookup."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


class Lookup(Protocol):
    def value(self, name: str) -> str | None:
        """A named fact about the contact or the programme, as text ("open_requests" ->
        "1"); None when the name is unknown. Flows read it as `lookup.<name>` in a router
        and `@lookup.<name>` in a value."""


@dataclass(frozen=True, slots=True)
class MemoryLookup:
    """Facts held in memory: tests, the simulator, and hosts that know nothing yet."""

    values: Mapping[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str | None:
        return self.values.get(name)


NO_LOOKUP = MemoryLookup()
