"""A minimal Redis client: just enough RESP for the bot's shared state (``SET NX EX``).

The bot needs one atomic command from Redis, so it speaks the protocol itself rather than
adding a dependency. URLs: ``redis://[[user]:password@]host[:port][/db]``, or ``rediss://``
for TLS.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from urllib.parse import unquote, urlsplit

from lookerbot.errors import LookerbotError


class RedisError(LookerbotError):
    """Redis answered with an error, or could not be reached."""


class RedisClient:
    """One connection to Redis, opened on first use and reopened after a failure.

    Slack acknowledgements wait on it, so it fails fast: each step has a short timeout, and
    after a failure commands fail at once for ``pause`` seconds instead of each waiting for
    an unreachable Redis in turn.

    Args:
        url: where Redis is (see the module docstring).
        timeout: seconds for connecting and for each command.
        pause: seconds after a failure before Redis is tried again.
    """

    def __init__(self, url: str, *, timeout: float = 1.0, pause: float = 5.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("redis", "rediss") or not parts.hostname:
            raise ValueError("a Redis URL looks like redis://host:6379/0")
        self._host = parts.hostname
        self._port = parts.port or 6379
        self._tls = parts.scheme == "rediss"
        self._username = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        db = parts.path.strip("/")
        self._db = int(db) if db.isdigit() else 0
        self._timeout = timeout
        self._pause = pause
        self._retry_at = 0.0
        self._ssl = ssl.create_default_context() if self._tls else None
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._lock = asyncio.Lock()

    async def command(self, *args: str | int) -> object:
        """Send one command and return its reply (``None`` for a nil reply)."""
        loop = asyncio.get_running_loop()
        async with self._lock:
            if loop.time() < self._retry_at:
                raise RedisError("Redis unreachable (failed moments ago)")
            try:
                if self._writer is None:
                    await self._connect()
                return await asyncio.wait_for(self._roundtrip(args), self._timeout)
            except (OSError, TimeoutError, asyncio.IncompleteReadError) as exc:
                await self._fail(loop)
                raise RedisError(f"Redis unreachable: {type(exc).__name__}") from exc

    async def _fail(self, loop: asyncio.AbstractEventLoop) -> None:
        await self._close()
        self._retry_at = loop.time() + self._pause

    async def set_if_absent(self, key: str, value: str, *, ttl_seconds: int) -> bool:
        """``SET key value NX EX ttl``: True when the key was set (it did not exist)."""
        return await self.command("SET", key, value, "NX", "EX", ttl_seconds) == "OK"

    async def aclose(self) -> None:
        """Close the connection."""
        async with self._lock:
            await self._close()

    async def _connect(self) -> None:
        self._reader, self._writer = await asyncio.wait_for(
            asyncio.open_connection(self._host, self._port, ssl=self._ssl), self._timeout
        )
        try:
            await self._handshake()
        except RedisError:
            # AUTH or SELECT refused (a wrong password, or Redis still loading): a connection
            # that is not set up must not be used.
            await self._fail(asyncio.get_running_loop())
            raise

    async def _handshake(self) -> None:
        if self._password is not None:
            auth = (
                ("AUTH", self._username, self._password)
                if self._username
                else ("AUTH", self._password)
            )
            await asyncio.wait_for(self._roundtrip(auth), self._timeout)
        if self._db:
            await asyncio.wait_for(self._roundtrip(("SELECT", self._db)), self._timeout)

    async def _close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()
        self._reader = self._writer = None

    async def _roundtrip(self, args: tuple[str | int | None, ...]) -> object:
        assert self._reader is not None
        assert self._writer is not None
        parts = [str(a).encode() for a in args if a is not None]
        self._writer.write(
            b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)
        )
        await self._writer.drain()
        return await self._reply()

    async def _reply(self) -> object:
        assert self._reader is not None
        line = (await self._reader.readuntil(b"\r\n"))[:-2]
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RedisError(rest.decode(errors="replace"))
        if kind == b":":
            return int(rest)
        if kind == b"$":
            length = int(rest)
            if length < 0:
                return None
            data = await self._reader.readexactly(length + 2)
            return data[:-2].decode(errors="replace")
        if kind == b"*":
            count = int(rest)
            return None if count < 0 else [await self._reply() for _ in range(count)]
        raise RedisError(f"unexpected Redis reply {line[:20]!r}")
