"""The Redis client (redis-py underneath) against a real redis-server: URL options for the
user, password and database, and TLS with a self-signed certificate, as Heroku Redis has."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from lookerbot.redis import RedisClient, RedisError
from tests.helpers import free_port
from tests.redis_server import PASSWORD, RedisServer


async def test_user_password_and_database_come_from_the_url(redis_server: RedisServer):
    client = RedisClient(f"redis://lookerbot:{PASSWORD}@127.0.0.1:{redis_server.port}/3")
    try:
        assert await client.set_if_absent("lookerbot:event:Ev1", "1", ttl_seconds=60) is True
        assert await client.set_if_absent("lookerbot:event:Ev1", "1", ttl_seconds=60) is False
    finally:
        await client.aclose()
    check = Redis(port=redis_server.port, username="lookerbot", password=PASSWORD, db=3, protocol=2)
    try:
        assert await check.exists("lookerbot:event:Ev1") == 1
        assert 0 < await check.ttl("lookerbot:event:Ev1") <= 60
    finally:
        await check.aclose()


async def test_a_wrong_password_is_an_error_not_a_hang(redis_server: RedisServer):
    client = RedisClient(f"redis://lookerbot:wrong@127.0.0.1:{redis_server.port}/0")
    try:
        with pytest.raises(RedisError, match="invalid username-password pair"):
            await client.set_if_absent("k", "1", ttl_seconds=60)
        # ...and the next command fails at once, without asking Redis again.
        with pytest.raises(RedisError, match="failed moments ago"):
            await client.set_if_absent("k", "1", ttl_seconds=60)
    finally:
        await client.aclose()


async def test_tls_with_a_self_signed_certificate_as_on_heroku(redis_server: RedisServer):
    if redis_server.tls_port is None:
        pytest.skip("openssl is not installed: no certificate for the TLS port")
    base = f"rediss://lookerbot:{PASSWORD}@127.0.0.1:{redis_server.tls_port}/0"
    verified = RedisClient(base)
    try:
        with pytest.raises(RedisError, match="certificate verify failed"):
            await verified.set_if_absent("k", "1", ttl_seconds=60)
    finally:
        await verified.aclose()
    unverified = RedisClient(f"{base}?ssl_cert_reqs=none")
    try:
        assert await unverified.set_if_absent("k", "1", ttl_seconds=60) is True
    finally:
        await unverified.aclose()


async def test_replicas_take_turns_per_channel_through_redis(redis_server):
    # Two bot processes' pacers, each with its own Redis client: the turns they are given
    # for one channel are one interval apart whoever asks, and other channels are free.
    url = f"redis://lookerbot:{PASSWORD}@127.0.0.1:{redis_server.port}/0"
    one, two = RedisClient(url), RedisClient(url)
    try:
        waits = [
            await client.reserve_slot("lookerbot:pace:C1", 1000) for client in (one, two, one, two)
        ]
        other = await two.reserve_slot("lookerbot:pace:C2", 1000)
    finally:
        await one.aclose()
        await two.aclose()
    # Asked back to back (within milliseconds): the nth turn is about n seconds away.
    assert waits[0] == 0 and other == 0
    for n, wait in enumerate(waits[1:], start=1):
        assert n * 1000 - 200 <= wait <= n * 1000, waits


async def test_a_pacer_falls_back_to_its_own_turns_when_redis_is_down(caplog):
    from lookerbot.slack.retry import ChannelPacer

    down = RedisClient(f"redis://127.0.0.1:{free_port()}/0", timeout=0.2)
    try:
        pacer = ChannelPacer(interval=1.0, shared=down)
        with caplog.at_level("INFO", logger="lookerbot.slack.retry"):
            await pacer.wait_turn("C1")  # Redis refused: this process's own turn, at once
    finally:
        await down.aclose()
    (record,) = [r for r in caplog.records if "in this process only" in r.getMessage()]
    assert "Redis unreachable" in record.getMessage()


async def test_two_replicas_post_to_shared_channels_without_a_refusal(redis_server, looker):
    # Two bots share one Slack app and one Redis; Slack refuses a second post to a channel
    # within a second. Turns taken in Redis keep both replicas under that.
    from lookerbot.sandbox.demo import Sandbox
    from lookerbot.sandbox.slack_emulator import SlackEmulator
    from lookerbot.settings import Secret

    url = f"redis://lookerbot:{PASSWORD}@127.0.0.1:{redis_server.port}/0"
    hook = "two-replicas-hook"
    async with SlackEmulator() as slack:
        slack.add_channels(2)
        slack.channel_rate_limit = 1.0
        settings = {
            "looker": looker,
            "slack": slack,
            "lookers": (looker.instance_settings(webhook_token=Secret(hook)),),
            "redis_url": Secret(url),
            "delivery_wait": 0.1,
        }
        async with Sandbox(**settings) as one, Sandbox(**settings) as two:
            for i in range(12):
                bot = one if i % 2 else two
                plan = {
                    "scheduled_plan": {
                        "type": "Query",
                        "url": f"{looker.url}/explore/thelook/orders?qid=r{i}",
                        "title": f"Replica post {i:02d}",
                        "query_id": 1,
                    }
                }
                async with bot.session.post(
                    f"{bot.bot_url}/slack/post/channel/team-{(i // 2) % 2}",
                    json=plan,
                    headers={"X-Looker-Webhook-Token": hook},
                ) as response:
                    assert response.status in (200, 202)
            await one.settle(timeout=60)
            await two.settle(timeout=60)
        titles = [m.text + str(m.blocks) for m in slack.messages]
    assert slack.rate_limited_posts == 0
    assert all(any(f"Replica post {i:02d}" in t for t in titles) for i in range(12))
