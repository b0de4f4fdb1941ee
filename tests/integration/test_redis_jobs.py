"""The job store on Redis Streams, against a real redis-server: the replica that accepts
work holds it, a live replica keeps it, a silent one loses it to another, and work that was
already posted is ended rather than run again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from lookerbot.jobs import JobStoreError
from lookerbot.jobs_redis import GROUP, PREFIX, RECORD, RedisJobStore
from lookerbot.redis import RedisClient
from tests.helpers import free_port
from tests.redis_server import RedisServer

LEASE = 0.6


@pytest.fixture
async def clients(redis_server: RedisServer) -> AsyncIterator[tuple[RedisClient, Redis]]:
    """The bot's client, and a plain one to look at what is in Redis."""
    client = RedisClient(redis_server.url)
    raw = Redis.from_url(redis_server.url, decode_responses=True, protocol=2)
    try:
        yield client, raw
    finally:
        await client.aclose()
        await raw.aclose()


async def test_accepted_work_is_held_by_the_replica_that_accepted_it(clients):
    client, raw = clients
    store = RedisJobStore(client, lease=LEASE, consumer="one")
    job = await store.add("delivery", {"name": "general", "n": 1})
    pending = await raw.xpending_range(PREFIX + "delivery", GROUP, "-", "+", 10)
    assert [p["consumer"] for p in pending] == ["one"]
    assert await raw.hgetall(RECORD + job.id) == {
        "state": "queued",
        "attempts": "0",
        "kind": "delivery",
    }
    await store.started(job.id)
    await store.ended(job.id, success=True, outcome="posted to #general")
    assert await raw.xlen(PREFIX + "delivery") == 0
    assert await raw.xpending_range(PREFIX + "delivery", GROUP, "-", "+", 10) == []
    record = await raw.hgetall(RECORD + job.id)
    assert record["state"] == "done" and record["attempts"] == "1"
    assert 0 < await raw.ttl(RECORD + job.id) <= 24 * 3600


async def test_a_silent_replicas_work_is_taken_over_with_its_attempts(clients):
    client, _ = clients
    gone = RedisJobStore(client, lease=LEASE, consumer="gone")  # never renews: it died
    jobs = [await gone.add("delivery", {"n": n}) for n in range(3)]
    await gone.started(jobs[1].id)
    live = RedisJobStore(client, lease=LEASE, consumer="live")
    assert await live.unfinished("delivery") == []  # within the lease: still the holder's
    await asyncio.sleep(LEASE * 1.5)
    taken = await live.unfinished("delivery")
    assert [(j.id, j.payload, j.attempts) for j in taken] == [
        (jobs[0].id, {"n": 0}, 0),
        (jobs[1].id, {"n": 1}, 1),
        (jobs[2].id, {"n": 2}, 0),
    ]
    assert await live.unfinished("delivery") == []  # now held by the live replica
    for job in taken:
        await live.ended(job.id, success=True, outcome="done")
    assert await live.queue() == ({}, 0.0)


async def test_a_live_replica_keeps_its_work_past_the_lease(clients):
    client, _ = clients
    holder = RedisJobStore(client, lease=LEASE, consumer="holder")
    await holder.open()  # renews every third of the lease
    try:
        await holder.add("delivery", {"n": 1})
        await asyncio.sleep(LEASE * 2.5)
        other = RedisJobStore(client, lease=LEASE, consumer="other")
        assert await other.unfinished("delivery") == []
    finally:
        await holder.close()
    await asyncio.sleep(LEASE * 1.5)  # stopped renewing: the lease runs out
    assert len(await other.unfinished("delivery")) == 1


async def test_work_already_posted_is_ended_not_taken_over(clients):
    client, raw = clients
    gone = RedisJobStore(client, lease=LEASE, consumer="gone")
    posted = await gone.add("delivery", {"n": 1})
    await gone.started(posted.id)
    await gone.posted(posted.id)
    queued = await gone.add("delivery", {"n": 2})
    await asyncio.sleep(LEASE * 1.5)
    taken = await RedisJobStore(client, lease=LEASE, consumer="live").unfinished("delivery")
    assert [j.id for j in taken] == [queued.id]
    assert await raw.xlen(PREFIX + "delivery") == 1  # the posted one is gone from the stream


async def test_kinds_are_kept_apart_and_the_queue_counts_every_replica(clients):
    client, _ = clients
    one = RedisJobStore(client, lease=LEASE, consumer="one")
    two = RedisJobStore(client, lease=LEASE, consumer="two")
    await one.add("delivery", {"n": 1})
    await two.add("delivery", {"n": 2})
    await two.add("loading", {"channel": "C1", "ts": "1.0"})
    await asyncio.sleep(0.05)
    counts, oldest = await one.queue()
    assert counts == {"delivery": 2, "loading": 1}
    assert 0.05 <= oldest < 10
    await asyncio.sleep(LEASE * 1.5)
    taken = await one.unfinished("loading")
    assert [j.payload for j in taken] == [{"channel": "C1", "ts": "1.0"}]


async def test_a_deleted_stream_is_made_again(clients):
    client, raw = clients
    store = RedisJobStore(client, lease=LEASE, consumer="one")
    await store.add("delivery", {"n": 1})
    await raw.delete(PREFIX + "delivery")  # e.g. FLUSHALL, or a Redis that lost its data
    job = await store.add("delivery", {"n": 2})
    pending = await raw.xpending_range(PREFIX + "delivery", GROUP, "-", "+", 10)
    assert len(pending) == 1 and job.kind == "delivery"


async def test_redis_down_is_a_job_store_error():
    down = RedisClient(f"redis://127.0.0.1:{free_port()}/0", timeout=0.2)
    try:
        with pytest.raises(JobStoreError, match="Redis unreachable"):
            await RedisJobStore(down, lease=LEASE).add("delivery", {"n": 1})
    finally:
        await down.aclose()
