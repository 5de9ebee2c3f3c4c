"""Which parts of a split message already went out, so a retry resumes instead of repeating."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence

from bot.channels.base import DeliveryResult, Outcome

log = logging.getLogger(__name__)


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

    async def deliver(
        self,
        outbox_id: int | None,
        parts: Sequence[Callable[[], Awaitable[str]]],
        classify: Callable[[Exception], DeliveryResult],
        channel: str,
    ) -> DeliveryResult:
        """Send the parts still due, in order; each returns the provider's id of its message.

        On a failure the result is `classify(error)`; a retry later resumes at that part.
        """
        provider_id: str | None = None
        try:
            for i, part in enumerate(parts):
                if i < self.done(outbox_id):
                    continue
                provider_id = await part()
                self.advance(outbox_id, i + 1)
        except Exception as exc:
            result = classify(exc)
            if result.outcome is not Outcome.RETRY:
                self.forget(outbox_id)
            # Provider error texts can quote the recipient's number: details only at debug.
            log.info("%s send %s", channel, result.outcome)
            log.debug("%s send %s: %s", channel, result.outcome, result.error)
            return result
        self.forget(outbox_id)
        return DeliveryResult(Outcome.SENT, provider_id=provider_id)
