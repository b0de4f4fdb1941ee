"""Redis for the bot's shared state, through redis-py (``redis.asyncio``).

redis-py brings the connection pool and every URL option: ``redis://`` and ``rediss://``
(TLS), a username and password, the database (``/0``), and query options such as
``?ssl_cert_reqs=none`` for Heroku Redis, whose certificates are self-signed.

What is added here is failing fast, because Slack acknowledgements wait on Redis: each
command and connection attempt has a short timeout, redis-py's own retries are off, and after
a failure commands fail at once for ``pause`` seconds. While Redis is not known to be up
(at first, and after a failure), one command probes it and the others wait for that probe
instead of each timing out against an unreachable server in turn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import urlsplit

from redis import exceptions as redis_errors
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from lookerbot.errors import LookerbotError

_T = TypeVar("_T")


class RedisError(LookerbotError):
    """Redis answered with an error, or could not be reached."""


# Atomically: the slot is the later of now and the key's next free time; the key moves one
# interval past it and expires once the channel is quiet. TIME is Redis' clock, so replicas
# with skewed clocks still agree (scripts may call TIME since Redis 5's effects replication).
_RESERVE_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, free)
redis.call('SET', KEYS[1], slot + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 60000)
return slot - now
"""


class RedisClient:
    """A pool of connections to one Redis, failing fast when it is down.

    Args:
        url: where Redis is (see the module docstring).
        timeout: seconds for connecting and for each command.
        pause: seconds after a failure before Redis is tried again.

    Raises:
        ValueError: the URL is not a ``redis://`` or ``rediss://`` URL.
    """

    def __init__(self, url: str, *, timeout: float = 1.0, pause: float = 5.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("redis", "rediss") or not parts.hostname:
            raise ValueError("a Redis URL looks like redis://host:6379/0")
        self._redis = Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            # One attempt: a retry would hold an acknowledgement past Slack's 3 s.
            retry=Retry(NoBackoff(), 0),
            retry_on_timeout=False,
            # No CLIENT SETINFO on connect: one round trip fewer, and servers that do not
            # know the command (older Redis, proxies) need no special case.
            driver_info=None,
            # RESP2: what every Redis (and Redis-compatible service) speaks; redis-py 8 would
            # open with HELLO 3, which Redis before 6 and some proxies refuse.
            protocol=2,
            decode_responses=True,
        )
        self._timeout = timeout
        self._pause = pause
        self._retry_at = 0.0
        self._healthy = False
        self._probe = asyncio.Lock()

    async def set_if_absent(self, key: str, value: str, *, ttl_seconds: int) -> bool:
        """``SET key value NX EX ttl``: True when the key was set (it did not exist)."""
        return bool(await self._run(lambda: self._redis.set(key, value, nx=True, ex=ttl_seconds)))

    async def reserve_slot(self, key: str, interval_ms: int) -> int:
        """Take the next free slot of ``key`` (slots ``interval_ms`` apart, shared by every
        process using this Redis, timed by Redis' own clock); the milliseconds to wait for
        it."""
        wait = await self._run(lambda: self._redis.eval(_RESERVE_SLOT, 1, key, interval_ms))
        return max(int(wait), 0)

    async def call(self, command: Callable[[Redis], Awaitable[_T]]) -> _T:
        """Run ``command`` on the client, with the same fail-fast rules (for stores that
        use redis-py's own methods, such as the job streams)."""
        return await self._run(lambda: command(self._redis))

    async def aclose(self) -> None:
        """Close every connection."""
        await self._redis.aclose()

    async def _run(self, command: Callable[[], Awaitable[_T]]) -> _T:
        self._check_pause()
        if not self._healthy:
            async with self._probe:
                self._check_pause()
                if not self._healthy:
                    return await self._attempt(command)
        return await self._attempt(command)

    def _check_pause(self) -> None:
        if asyncio.get_running_loop().time() < self._retry_at:
            raise RedisError("Redis unreachable (failed moments ago)")

    async def _attempt(self, command: Callable[[], Awaitable[_T]]) -> _T:
        try:
            # redis-py times out each socket operation; the outer bound covers a server
            # that accepts and then trickles its answer.
            result = await asyncio.wait_for(command(), self._timeout * 2)
        except (redis_errors.ConnectionError, redis_errors.TimeoutError, OSError) as exc:
            # ConnectionError includes a refused handshake (AUTH, SELECT, or Redis still
            # loading its data): redis-py drops such a connection rather than reuse it.
            await self._failed()
            raise RedisError(f"Redis unreachable: {type(exc).__name__}: {exc}") from exc
        except redis_errors.RedisError as exc:
            raise RedisError(f"Redis refused: {exc}") from exc
        self._healthy = True
        return result

    async def _failed(self) -> None:
        self._healthy = False
        self._retry_at = asyncio.get_running_loop().time() + self._pause
        await self._redis.connection_pool.disconnect()
