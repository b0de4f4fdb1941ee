"""Small pieces of state that outlive a request and expire by themselves: what a thread's last
answer was, so that a follow-up question in that thread can refine it.

Kept where the bot keeps its durable work: SQLite in ``LOOKERBOT_DATA_DIR`` by default,
Redis when ``LOOKERBOT_REDIS_URL`` is set (shared by the replicas), or, without either (the
demo), in memory. Values are small JSON objects; none holds a secret.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from lookerbot.errors import LookerbotError
from lookerbot.redis import RedisClient, RedisError
from lookerbot.sqlite import SqliteThread

_T = TypeVar("_T")


class StateError(LookerbotError):
    """The state store could not read or write."""


class StateStore(Protocol):
    """Keys to small JSON objects, each with its own time to live."""

    async def get(self, key: str) -> dict[str, Any] | None: ...

    async def put(self, key: str, value: dict[str, Any], *, ttl: float) -> None: ...

    async def close(self) -> None: ...


class MemoryState:
    """In this process only, the newest ``capacity`` keys (the demo, tests)."""

    def __init__(
        self, *, capacity: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._items: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()
        self._capacity = capacity
        self._clock = clock

    async def get(self, key: str) -> dict[str, Any] | None:
        item = self._items.get(key)
        if item is None or item[0] < self._clock():
            self._items.pop(key, None)
            return None
        return item[1]

    async def put(self, key: str, value: dict[str, Any], *, ttl: float) -> None:
        self._items[key] = (self._clock() + ttl, value)
        self._items.move_to_end(key)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)

    async def close(self) -> None:
        self._items.clear()


class SqliteState:
    """In a SQLite file (WAL), through one thread of its own; expired keys are deleted as
    new ones are written."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        self._sql = SqliteThread(path, name="state", error=StateError, setup=_setup)
        self._writes = 0

    async def open(self) -> None:
        await self._sql.open()

    async def get(self, key: str) -> dict[str, Any] | None:
        now = self._clock()

        def read(db: sqlite3.Connection) -> str | None:
            row = db.execute(
                "SELECT value FROM state WHERE key = ? AND expires >= ?", (key, now)
            ).fetchone()
            return None if row is None else str(row[0])

        text = await self._with_db(read)
        return None if text is None else _object(text)

    async def put(self, key: str, value: dict[str, Any], *, ttl: float) -> None:
        now = self._clock()
        text = json.dumps(value, separators=(",", ":"))
        self._writes += 1
        trim = self._writes % 100 == 1

        def write(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT OR REPLACE INTO state (key, value, expires) VALUES (?, ?, ?)",
                (key, text, now + ttl),
            )
            if trim:
                db.execute("DELETE FROM state WHERE expires < ?", (now,))

        await self._with_db(write)

    async def close(self) -> None:
        await self._sql.close()

    async def _with_db(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        return await self._sql.run(work)


def _setup(db: sqlite3.Connection) -> None:
    db.execute(
        "CREATE TABLE IF NOT EXISTS state "
        "(key TEXT PRIMARY KEY, value TEXT NOT NULL, expires REAL NOT NULL)"
    )


class RedisState:
    """In Redis (``SET key value EX ttl``), shared by every replica."""

    PREFIX = "lookerbot:state:"

    def __init__(self, redis: RedisClient) -> None:
        self._redis = redis

    async def get(self, key: str) -> dict[str, Any] | None:
        try:
            text = await self._redis.call(lambda r: r.get(self.PREFIX + key))
        except RedisError as exc:
            raise StateError(str(exc)) from exc
        return None if text is None else _object(str(text))

    async def put(self, key: str, value: dict[str, Any], *, ttl: float) -> None:
        text = json.dumps(value, separators=(",", ":"))
        try:
            await self._redis.call(lambda r: r.set(self.PREFIX + key, text, ex=max(int(ttl), 1)))
        except RedisError as exc:
            raise StateError(str(exc)) from exc

    async def close(self) -> None:
        """Nothing to close: the Redis client belongs to the app."""


def _object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
