"""Which parts of a split message already went out, so a retry resumes instead of repeating."""

from __future__ import annotations

from collections import OrderedDict


class PartProgress:
    """Outbox id -> parts delivered. In memory: after a crash a retry may repeat parts (rare)."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self.max_entries = max_entries
        self._done: OrderedDict[int, int] = OrderedDict()

    def done(self, outbox_id: int | None) -> int:
        return 0 if outbox_id is None else self._done.get(outbox_id, 0)

    def advance(self, outbox_id: int | None, parts: int) -> None:
        if outbox_id is None:
            return
        self._done[outbox_id] = parts
        self._done.move_to_end(outbox_id)
        while len(self._done) > self.max_entries:
            self._done.popitem(last=False)

    def forget(self, outbox_id: int | None) -> None:
        if outbox_id is not None:
            self._done.pop(outbox_id, None)
