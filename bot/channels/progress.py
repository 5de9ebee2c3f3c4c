"""Sending a message's parts in order within a timeout, resuming after the parts an earlier
attempt delivered (the outbox keeps that count, so any sender resumes)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from bot.channels.base import DeliveryResult, Outcome

log = logging.getLogger(__name__)


async def deliver_parts(
    parts: Sequence[Callable[[], Awaitable[str]]],
    *,
    done: int,
    classify: Callable[[Exception], DeliveryResult],
    channel: str,
    timeout: float,
) -> DeliveryResult:
    """Send `parts[done:]` in order; each returns the provider's id of its message.

    They get `timeout` seconds in all, whatever the HTTP library does with its own. On a
    failure the result is `classify(error)` (a timeout is a RETRY) with `parts_done` saying
    where a retry resumes.
    """
    provider_id: str | None = None
    sent = min(done, len(parts))
    try:
        async with asyncio.timeout(timeout):
            for part in parts[sent:]:
                provider_id = await part()
                sent += 1
    except Exception as exc:
        if isinstance(exc, TimeoutError):
            result = DeliveryResult(Outcome.RETRY, error="timeout")
        else:
            result = classify(exc)
        # Provider error texts can quote the recipient's number: details only at debug.
        log.info("%s send %s", channel, result.outcome)
        log.debug("%s send %s: %s", channel, result.outcome, result.error)
        return replace(result, parts_done=sent)
    return DeliveryResult(Outcome.SENT, provider_id=provider_id, parts_done=sent)
