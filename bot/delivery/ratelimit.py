"""Token buckets: per address and per channel, so one busy chat cannot starve the rest."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class TokenBucket:
    rate: float  # tokens per second
    burst: float
    tokens: float
    updated: float

    def delay(self, now: float) -> float:
        """Seconds to wait before one token is available; takes it when it is."""
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        wait = (1 - self.tokens) / self.rate
        self.tokens -= 1  # reserved: the caller sleeps, then sends
        return wait


class RateLimiter:
    def __init__(self, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000):
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[tuple[str, str], TokenBucket] = {}

    def _bucket(self, key: tuple[str, str], rate: float, burst: float) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._buckets.clear()
            bucket = self._buckets[key] = TokenBucket(rate, burst, burst, self.clock())
        return bucket

    def reserve(
        self, channel: str, address: str, *, per_address: float, burst: int, global_rate: float
    ) -> float:
        now = self.clock()
        a = self._bucket((channel, address), per_address, burst).delay(now)
        g = self._bucket((channel, ""), global_rate, max(1.0, global_rate)).delay(now)
        return max(a, g)

    async def acquire(
        self, channel: str, address: str, *, per_address: float, burst: int, global_rate: float
    ) -> None:
        wait = self.reserve(
            channel, address, per_address=per_address, burst=burst, global_rate=global_rate
        )
        if wait > 0:
            await asyncio.sleep(wait)
