"""What the journeys send: a message is a few text keys shown together, one per line. A message
holding a fact to confirm (marked *(check)* in the domain notes) ends with CONFIRM."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from content.catalog import Catalog

Message = tuple[str, ...]
CONFIRM = "check.confirm"


def message(keys: Iterable[str], check: bool = False) -> Message:
    keys = tuple(keys)
    return (*keys, CONFIRM) if check else keys


def render(catalog: Catalog, lang: str, msg: Message, **params: object) -> str:
    return "\n".join(catalog.text(key, lang, **params) for key in msg)


@dataclass(frozen=True, slots=True)
class Progress:
    """How far someone is: "3 of 7 done"."""

    done: int
    total: int

    @property
    def finished(self) -> bool:
        return self.done >= self.total


def progress(ids: Iterable[str], done: Iterable[str]) -> Progress:
    """Counts only the done ids that still exist (a module or step may have been removed)."""
    wanted = list(ids)
    return Progress(done=len(set(wanted) & set(done)), total=len(wanted))
