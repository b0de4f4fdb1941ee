"""Accepted work in Redis Streams, shared by every replica that uses the same Redis.

Each kind of job has a stream (``lookerbot:jobs:<kind>``) read by one consumer group,
``lookerbot``; each replica is a consumer of it. The commands are Redis' own, through
redis-py:

- **Accepting** is ``XADD`` and ``XREADGROUP … >`` in one ``MULTI``/``EXEC`` transaction:
  the replica that accepted the work takes it at once, into its own pending entries list,
  and runs it (Looker's request waits for its outcome). No replica ever reads ``>``
  outside such a transaction, so an entry is never left for whoever reads next.
- **Holding** is the pending entry: while a replica works, it renews its entries' idle
  time every third of the lease (``XCLAIM … JUSTID``, only on entries it still owns).
- **Taking over** is ``XAUTOCLAIM`` with the lease as minimum idle time: every replica
  asks every half lease, so work a dead replica held is taken by a live one within about
  1.5 leases.
- **Ending** is ``XACK`` and ``XDEL``; the job's record (a hash: attempts, state,
  outcome) stays a day for inspection.

A job whose record says it was posted is never run again: a replica that takes it over
just ends it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from redis import exceptions as redis_errors
from redis.asyncio import Redis

from lookerbot.jobs import KEEP_ENDED_SECONDS, Job, JobStoreError
from lookerbot.redis import RedisClient, RedisError

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

GROUP = "lookerbot"
PREFIX = "lookerbot:jobs:"
RECORD = "lookerbot:job:"
_BATCH = 100


class RedisJobStore:
    """Jobs in Redis Streams (see the module docstring).

    Args:
        redis: the bot's Redis.
        lease: seconds a replica's silence is allowed before its work is taken over.
        consumer: this replica's name in the group (default: host, process and a random
            tag, so a restarted process is a new consumer and its predecessor's work is
            taken over like any dead replica's).
        clock: seconds since the epoch.
    """

    shared = True

    def __init__(
        self,
        redis: RedisClient,
        *,
        lease: float = 30.0,
        consumer: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redis = redis
        self.lease = lease
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        self._clock = clock
        self._groups: set[str] = set()
        self._held: dict[str, tuple[str, str]] = {}
        """Job id → (stream, entry id) of the work this replica holds."""
        self._renewing: asyncio.Task[None] | None = None

    async def open(self) -> None:
        """Start renewing the leases of held work (Redis itself is reached lazily)."""
        if self._renewing is None:
            self._renewing = asyncio.get_running_loop().create_task(
                self._renew_periodically(), name="job-leases"
            )

    async def add(self, kind: str, payload: dict[str, Any]) -> Job:
        stream = PREFIX + kind
        await self._group(stream)
        job = Job(secrets.token_hex(8), kind, payload, 0, self._clock())
        fields: dict[Any, Any] = {
            "job": job.id,
            "payload": json.dumps(payload, separators=(",", ":")),
            "created": repr(job.created),
        }

        async def accept(r: Redis) -> list[Any]:
            async with r.pipeline(transaction=True) as tx:
                tx.xadd(stream, fields)
                tx.xreadgroup(GROUP, self.consumer, {stream: ">"}, count=1)
                tx.hset(RECORD + job.id, mapping={"state": "queued", "attempts": 0, "kind": kind})
                tx.expire(RECORD + job.id, int(KEEP_ENDED_SECONDS))
                return await tx.execute()

        try:
            entry, read, *_ = await self._call(accept)
        except JobStoreError as exc:
            if "NOGROUP" not in str(exc):
                raise
            self._groups.discard(stream)  # the stream was deleted under us: once more
            await self._group(stream)
            entry, read, *_ = await self._call(accept)
        taken = [e[0] for _, entries in read for e in entries]
        if taken != [entry]:
            # Only possible if something other than this module reads the stream.
            logger.warning("Job stream %s: took %s for entry %s", stream, taken, entry)
        self._held[job.id] = (stream, str(entry))
        return job

    async def started(self, job_id: str) -> None:
        await self._call(lambda r: r.hincrby(RECORD + job_id, "attempts", 1))

    async def posted(self, job_id: str) -> None:
        await self._call(lambda r: r.hset(RECORD + job_id, "state", "posted"))

    async def ended(self, job_id: str, *, success: bool, outcome: str) -> None:
        state = "done" if success else "failed"
        held = self._held.pop(job_id, None)

        async def end(r: Redis) -> None:
            async with r.pipeline(transaction=True) as tx:
                if held is not None:
                    tx.xack(held[0], GROUP, held[1])
                    tx.xdel(held[0], held[1])
                tx.hset(RECORD + job_id, mapping={"state": state, "outcome": outcome[:2000]})
                tx.expire(RECORD + job_id, int(KEEP_ENDED_SECONDS))
                await tx.execute()

        await self._call(end)

    async def unfinished(self, kind: str) -> list[Job]:
        """Take over the work of replicas silent for longer than the lease; jobs already
        posted are ended on the way."""
        stream = PREFIX + kind
        await self._group(stream)
        min_idle = int(self.lease * 1000)
        jobs: list[Job] = []
        cursor = "0-0"
        while True:
            answer = await self._call(
                lambda r, c=cursor: r.xautoclaim(  # type: ignore[misc]
                    stream, GROUP, self.consumer, min_idle, start_id=c, count=_BATCH
                )
            )
            cursor, claimed = str(answer[0]), answer[1]
            for entry, fields in claimed:
                if entry is None or fields is None:
                    continue  # deleted while pending; Redis drops it from the list
                job = await self._taken_over(stream, kind, str(entry), fields)
                if job is not None:
                    jobs.append(job)
            if cursor == "0-0":
                break
        return sorted(jobs, key=lambda j: j.created)

    async def queue(self) -> tuple[dict[str, int], float]:
        """Jobs not yet ended, by kind, and the age of the oldest, across every replica."""

        async def read(r: Redis) -> tuple[dict[str, int], float]:
            counts: dict[str, int] = {}
            now = oldest = self._clock()
            async for key in r.scan_iter(match=PREFIX + "*", _type="stream"):
                length = await r.xlen(key)
                if not length:
                    continue
                counts[str(key).removeprefix(PREFIX)] = int(length)
                first = await r.xrange(key, count=1)
                if first and first[0][1]:
                    oldest = min(oldest, float(first[0][1].get("created", oldest)))
            return counts, max(now - oldest, 0.0)

        return await self._call(read)

    async def trim(self) -> int:
        """Forget consumers (replicas gone for a day) that hold nothing; how many. Ended
        entries are deleted as they end and their records expire by themselves."""

        async def forget(r: Redis) -> int:
            dropped = 0
            async for key in r.scan_iter(match=PREFIX + "*", _type="stream"):
                with contextlib.suppress(redis_errors.ResponseError):  # no group yet
                    for consumer in await r.xinfo_consumers(key, GROUP):
                        idle = int(consumer.get("idle", 0))
                        if not int(consumer.get("pending", 0)) and idle > KEEP_ENDED_SECONDS * 1000:
                            await r.xgroup_delconsumer(key, GROUP, consumer["name"])
                            dropped += 1
            return dropped

        return await self._call(forget)

    async def close(self) -> None:
        """Stop renewing leases: what is still held is taken over by another replica (or
        this one's successor) once the lease runs out."""
        if self._renewing is not None:
            self._renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewing
            self._renewing = None

    # -- plumbing ----------------------------------------------------------------------

    async def _taken_over(
        self, stream: str, kind: str, entry: str, fields: dict[str, Any]
    ) -> Job | None:
        job_id = str(fields.get("job", ""))
        record = await self._call(lambda r: r.hgetall(RECORD + job_id))
        if record.get("state") in ("posted", "done", "failed"):
            await self._call(lambda r: r.xack(stream, GROUP, entry))
            await self._call(lambda r: r.xdel(stream, entry))
            return None
        try:
            payload = json.loads(fields["payload"])
            created = float(fields["created"])
        except (KeyError, ValueError) as exc:
            logger.warning("Dropped unreadable job entry %s of %s: %s", entry, stream, exc)
            await self._call(lambda r: r.xack(stream, GROUP, entry))
            return None
        self._held[job_id] = (stream, entry)
        return Job(job_id, kind, payload, int(record.get("attempts", 0)), created)

    async def _renew_periodically(self) -> None:
        while True:
            await asyncio.sleep(self.lease / 3)
            try:
                await self._renew()
            except JobStoreError as exc:
                logger.warning("Could not renew the leases of held jobs: %s", exc)

    async def _renew(self) -> None:
        """Reset the idle time of the entries this replica holds and still owns."""
        by_stream: dict[str, set[str]] = {}
        for stream, entry in list(self._held.values()):
            by_stream.setdefault(stream, set()).add(entry)
        for stream, entries in by_stream.items():
            pending = await self._call(
                lambda r, s=stream: r.xpending_range(  # type: ignore[misc]
                    s,
                    GROUP,
                    min="-",
                    max="+",
                    count=len(self._held) + _BATCH,
                    consumername=self.consumer,
                )
            )
            owned = [str(p["message_id"]) for p in pending if str(p["message_id"]) in entries]
            if len(owned) < len(entries):
                logger.warning(
                    "%d held job(s) of %s were taken over by another replica after a silence "
                    "longer than the lease",
                    len(entries) - len(owned),
                    stream,
                )
            if owned:
                await self._call(
                    lambda r, s=stream, ids=owned: r.xclaim(  # type: ignore[misc]
                        s, GROUP, self.consumer, 0, ids, justid=True
                    )
                )

    async def _group(self, stream: str) -> None:
        if stream in self._groups:
            return

        async def create(r: Redis) -> None:
            try:
                await r.xgroup_create(stream, GROUP, id="0", mkstream=True)
            except redis_errors.ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

        await self._call(create)
        self._groups.add(stream)

    async def _call(self, command: Callable[[Redis], Awaitable[_T]]) -> _T:
        try:
            return await self._redis.call(command)
        except RedisError as exc:
            raise JobStoreError(str(exc)) from exc
