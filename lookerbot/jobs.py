"""Durable work: what the bot has accepted is recorded before it answers, so that a crash, a
restart or a kill does not lose it.

The embedded store is SQLite in WAL mode in ``LOOKERBOT_DATA_DIR``: one file, no server,
transactions that survive ``kill -9`` (and, with ``synchronous=FULL``, a power cut). Each job
carries what it needs to be done again, never a secret: a delivery names its Looker by URL,
and the bot's settings supply the credentials when it runs.

A job's life: ``queued`` when accepted; ``posted`` as soon as Slack has taken its post (so
it is never sent again); ``done`` or ``failed`` when it has ended. On start, every job still
``queued`` is run again. Ended jobs are trimmed after a day.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from lookerbot.errors import LookerbotError
from lookerbot.sqlite import SqliteThread

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

KEEP_ENDED_SECONDS = 24 * 3600.0
"""How long ended jobs stay in the store (for inspection) before they are trimmed."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    outcome TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, created);
"""


class JobStoreError(LookerbotError):
    """The store of accepted work could not read or write."""


@dataclass(frozen=True)
class Job:
    """One piece of accepted work."""

    id: str
    kind: str
    payload: dict[str, Any]
    attempts: int
    created: float


class Jobs(Protocol):
    """Where accepted work is kept: :class:`JobStore` (SQLite, one process) or
    :class:`lookerbot.jobs_redis.RedisJobStore` (Redis Streams, shared by replicas).

    Every method raises :class:`JobStoreError` when the store fails.
    """

    shared: bool
    """True when other processes share the store: ``unfinished`` then hands out only work
    whose holder has gone silent, and should be asked again from time to time."""

    async def add(self, kind: str, payload: dict[str, Any]) -> Job: ...

    async def started(self, job_id: str) -> None: ...

    async def posted(self, job_id: str) -> None: ...

    async def ended(self, job_id: str, *, success: bool, outcome: str) -> None: ...

    async def unfinished(self, kind: str) -> list[Job]: ...

    async def queue(self) -> tuple[dict[str, int], float]: ...

    async def trim(self) -> int: ...

    async def close(self) -> None: ...


class JobStore:
    """Jobs in SQLite (WAL), used from the event loop through one thread of its own.

    Args:
        path: the database file (its folder is created).
        clock: seconds since the epoch.
    """

    shared = False

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        self._sql = SqliteThread(path, name="jobs", error=JobStoreError, setup=_setup)

    async def open(self) -> None:
        """Open (or create) the database; raises ``OSError``/:class:`JobStoreError` if it
        cannot."""
        await self._sql.open()

    async def add(self, kind: str, payload: dict[str, Any]) -> Job:
        """Record accepted work; returns once it is on disk."""
        now = self._clock()
        job = Job(secrets.token_hex(8), kind, payload, 0, now)
        text = json.dumps(payload, separators=(",", ":"))

        def insert(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO jobs (id, kind, payload, state, created, updated) "
                "VALUES (?, ?, ?, 'queued', ?, ?)",
                (job.id, kind, text, now, now),
            )

        await self._with_db(insert)
        return job

    async def started(self, job_id: str) -> None:
        """Count an attempt (a job whose post may have landed is known by its attempts)."""
        await self._update(
            "UPDATE jobs SET attempts = attempts + 1, updated = ? WHERE id = ?", job_id
        )

    async def posted(self, job_id: str) -> None:
        """Slack has the job's post: it is never sent again, whatever happens next."""
        await self._update("UPDATE jobs SET state = 'posted', updated = ? WHERE id = ?", job_id)

    async def ended(self, job_id: str, *, success: bool, outcome: str) -> None:
        """The job is over (``done`` or ``failed``), with what happened."""
        state = "done" if success else "failed"
        now = self._clock()

        def update(db: sqlite3.Connection) -> None:
            db.execute(
                "UPDATE jobs SET state = ?, outcome = ?, updated = ? WHERE id = ?",
                (state, outcome[:2000], now, job_id),
            )

        await self._with_db(update)

    async def unfinished(self, kind: str) -> list[Job]:
        """Jobs of ``kind`` accepted and not yet posted or ended, oldest first."""

        def select(db: sqlite3.Connection) -> list[Job]:
            rows = db.execute(
                "SELECT id, kind, payload, attempts, created FROM jobs "
                "WHERE state = 'queued' AND kind = ? ORDER BY created",
                (kind,),
            ).fetchall()
            return [Job(r[0], r[1], json.loads(r[2]), r[3], r[4]) for r in rows]

        return await self._with_db(select)

    async def counts(self) -> dict[str, int]:
        """Jobs by state (for metrics and tests)."""

        def count(db: sqlite3.Connection) -> dict[str, int]:
            rows = db.execute("SELECT state, COUNT(*) FROM jobs GROUP BY state").fetchall()
            return {str(r[0]): int(r[1]) for r in rows}

        return await self._with_db(count)

    async def queue(self) -> tuple[dict[str, int], float]:
        """Queued jobs by kind, and the age in seconds of the oldest (0 when none)."""
        now = self._clock()

        def read(db: sqlite3.Connection) -> tuple[dict[str, int], float]:
            rows = db.execute(
                "SELECT kind, COUNT(*), MIN(created) FROM jobs WHERE state = 'queued' GROUP BY kind"
            ).fetchall()
            oldest = min((float(r[2]) for r in rows), default=now)
            return {str(r[0]): int(r[1]) for r in rows}, max(now - oldest, 0.0)

        return await self._with_db(read)

    async def trim(self) -> int:
        """Forget ended jobs older than :data:`KEEP_ENDED_SECONDS`; how many were dropped."""
        cutoff = self._clock() - KEEP_ENDED_SECONDS

        def delete(db: sqlite3.Connection) -> int:
            cursor = db.execute(
                "DELETE FROM jobs WHERE state IN ('posted', 'done', 'failed') AND updated < ?",
                (cutoff,),
            )
            return cursor.rowcount

        return await self._with_db(delete)

    async def close(self) -> None:
        await self._sql.close()

    # -- plumbing ----------------------------------------------------------------------

    async def _update(self, sql: str, job_id: str) -> None:
        now = self._clock()
        await self._with_db(lambda db: db.execute(sql, (now, job_id)))

    async def _with_db(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        return await self._sql.run(work)


def _setup(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA synchronous=FULL")
    db.executescript(_SCHEMA)
