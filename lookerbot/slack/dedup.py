"""Remembering which Slack events were already handled, so retries do nothing twice."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from lookerbot.redis import RedisClient, RedisError

logger = logging.getLogger(__name__)


class EventDeduplicator(Protocol):
    """Answers "is this the first time?" for an event id, atomically.

    Implementations shared by several bot processes must make the check-and-record one
    atomic step, so two processes receiving the same retry cannot both say yes.
    """

    async def first_time(self, key: str) -> bool:
        """Record ``key``; True only for the first call with it within the retention time."""
        ...


class InMemoryEventDeduplicator:
    """An :class:`EventDeduplicator` for one process.

    Args:
        ttl: seconds to remember a key (Slack retries within minutes).
        max_keys: keys kept at most; the oldest are forgotten first.
        clock: monotonic seconds.
    """

    def __init__(
        self,
        *,
        ttl: float = 3600.0,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max = max_keys
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    async def first_time(self, key: str) -> bool:
        now = self._clock()
        while self._seen:
            oldest_key, seen_at = next(iter(self._seen.items()))
            if now - seen_at < self._ttl and len(self._seen) < self._max:
                break
            del self._seen[oldest_key]
        if key in self._seen:
            return False
        self._seen[key] = now
        return True


class RedisEventDeduplicator:
    """An :class:`EventDeduplicator` shared by every bot process using one Redis.

    ``SET NX EX`` makes check-and-record one atomic step. When Redis cannot be reached the
    event is handled (and the failure logged): a possible duplicate is better than a lost
    request.

    Args:
        client: the Redis connection.
        ttl: seconds to remember a key.
        prefix: namespace for the keys.
    """

    def __init__(
        self, *, client: RedisClient, ttl: int = 3600, prefix: str = "lookerbot:event:"
    ) -> None:
        self._client = client
        self._ttl = ttl
        self._prefix = prefix

    async def first_time(self, key: str) -> bool:
        try:
            return await self._client.set_if_absent(self._prefix + key, "1", ttl_seconds=self._ttl)
        except RedisError as exc:
            logger.warning("Could not check event %s with Redis (%s); handling it", key, exc)
            return True
