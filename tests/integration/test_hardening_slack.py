"""Slack requests under attack and under load: forgeries, replays, retries, slow Lookers."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from urllib.parse import urlencode

import pytest

from lookerbot.sandbox.demo import DEMO_SIGNING_SECRET, Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.slack_emulator import SlackEmulator
from lookerbot.settings import Secret
from lookerbot.slack.verify import sign
from tests.redis_server import RedisServer

BODY = json.dumps(
    {
        "type": "event_callback",
        "event_id": "EvFORGED",
        "team_id": "T0ACME",
        "event": {
            "type": "message",
            "channel_type": "im",
            "user": "U0ALICE",
            "text": "find revenue",
            "channel": "D0ALICE",
            "ts": "1.1",
        },
    }
).encode()
SLASH = urlencode(
    {
        "command": "/looker",
        "text": "find revenue",
        "user_id": "U0ALICE",
        "channel_id": "C0GENERAL",
        "response_url": "https://hooks.slack.com/x",
        "token": "xoxb-CANARY-in-a-forged-body",
    }
).encode()
BIG = b"{" + b" " * (1024 * 1024) + b"}"


def signed(
    body: bytes = BODY,
    *,
    ts: int | str,
    secret: str = DEMO_SIGNING_SECRET,
    signature_for: bytes | None = None,
) -> dict[str, str]:
    return {
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(secret, str(ts), signature_for or body),
    }


def forgeries(now: int) -> dict[str, tuple[bytes, dict[str, str], int]]:
    """Forged and replayed requests, built at ``now`` (name -> body, headers, status)."""
    good = signed(ts=now)
    sig = good["X-Slack-Signature"]
    return {
        "body changed by one byte": (BODY.replace(b"revenue", b"revenuf"), good, 401),
        "byte appended": (BODY + b" ", good, 401),
        "wrong secret": (BODY, signed(ts=now, secret="not-the-secret"), 401),
        "empty secret": (BODY, signed(ts=now, secret=""), 401),
        "301 s old": (BODY, signed(ts=now - 301), 401),
        "one hour old": (BODY, signed(ts=now - 3600), 401),
        "301 s in the future": (BODY, signed(ts=now + 301), 401),
        "a year in the future": (BODY, signed(ts=now + 365 * 86400), 401),
        "timestamp 12a": (BODY, {**good, "X-Slack-Request-Timestamp": "12a"}, 401),
        "timestamp 1.5": (BODY, {**good, "X-Slack-Request-Timestamp": "1.5"}, 401),
        "timestamp -1": (BODY, {**good, "X-Slack-Request-Timestamp": "-1"}, 401),
        "timestamp with a plus sign": (BODY, {**good, "X-Slack-Request-Timestamp": f"+{now}"}, 401),
        "timestamp 1e9": (BODY, {**good, "X-Slack-Request-Timestamp": "1e9"}, 401),
        "huge timestamp": (BODY, {**good, "X-Slack-Request-Timestamp": "9" * 40}, 401),
        "signed with another timestamp": (
            BODY,
            {**signed(ts=now - 10), "X-Slack-Request-Timestamp": str(now)},
            401,
        ),
        "missing signature": (BODY, {"X-Slack-Request-Timestamp": str(now)}, 401),
        "missing timestamp": (BODY, {"X-Slack-Signature": sig}, 401),
        "no headers at all": (BODY, {}, 401),
        "empty signature": (BODY, {**good, "X-Slack-Signature": ""}, 401),
        "empty timestamp": (BODY, {**good, "X-Slack-Request-Timestamp": ""}, 401),
        "non-ASCII signature": (BODY, {**good, "X-Slack-Signature": "v0=" + "é" * 64}, 401),
        "wrong version prefix": (BODY, {**good, "X-Slack-Signature": "v1" + sig[2:]}, 401),
        "no version prefix": (BODY, {**good, "X-Slack-Signature": sig[3:]}, 401),
        "uppercase hex": (BODY, {**good, "X-Slack-Signature": "v0=" + sig[3:].upper()}, 401),
        "truncated signature": (BODY, {**good, "X-Slack-Signature": sig[:-1]}, 401),
        "signature of another body": (BODY, signed(ts=now, signature_for=b"{}"), 401),
        "legacy token only": (SLASH, {}, 401),
        "slash command, wrong secret": (SLASH, signed(SLASH, ts=now, secret="nope"), 401),
        "1 MiB body": (BIG, signed(BIG, ts=now), 413),
    }


@pytest.mark.parametrize("name", list(forgeries(0)))
async def test_forged_or_replayed_requests_are_refused(sandbox: Sandbox, name: str, caplog):
    body, headers, status = forgeries(int(time.time()))[name]
    sandbox.slack.dm_channel("U0ALICE")
    caplog.set_level(logging.DEBUG)
    response = await sandbox.driver.post(
        "/slack/events", body, content_type="application/json", headers=headers, sign_it=False
    )
    assert response.status == status
    assert response.json()["success"] is False
    await sandbox.settle()
    # Nothing but the bot's own start-up question (auth.test: who am I?).
    assert [c.method for c in sandbox.slack.calls if c.method != "auth.test"] == []
    assert sandbox.slack.responses == []
    assert sandbox.looker.requests_to("/search") == []
    # Nothing of the rejected request reaches the log (Bolt would log its body).
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("find revenue", "hooks.slack.com", "CANARY"):
        assert secret not in logged


async def test_the_matrix_is_big_enough():
    assert len(forgeries(0)) >= 25


@pytest.mark.parametrize("age", [-299, 0, 299])
async def test_requests_within_the_window_are_accepted(sandbox: Sandbox, age: int):
    sandbox.slack.dm_channel("U0ALICE")
    body = BODY.replace(b"EvFORGED", f"Ev{age + 1000}".encode())
    response = await sandbox.driver.post(
        "/slack/events",
        body,
        content_type="application/json",
        headers=signed(body, ts=int(time.time()) - age),
        sign_it=False,
    )
    assert response.status == 200
    await sandbox.settle()
    assert sandbox.slack.visible_messages()


# -- the same event twice, on one process or two ----------------------------------------------


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """A real redis-server on 127.0.0.1 (tests/redis_server.py), as its URL."""
    return redis_server.url


async def test_one_event_delivered_to_two_processes_acts_once(looker: LookerEmulator, redis_url):
    async with SlackEmulator() as slack:
        first = Sandbox(looker=looker, slack=slack, redis_url=Secret(redis_url))
        second = Sandbox(looker=looker, slack=slack, redis_url=Secret(redis_url))
        async with first, second:
            event = {
                "type": "message",
                "channel_type": "im",
                "user": "U0ALICE",
                "text": "help",
                "ts": "1.1",
                "channel": slack.dm_channel("U0ALICE"),
            }
            responses = await asyncio.gather(
                first.driver.send_event(event, event_id="Ev0TWICE"),
                second.driver.send_event(
                    event, event_id="Ev0TWICE", headers={"X-Slack-Retry-Num": "1"}
                ),
                second.driver.send_event(
                    event, event_id="Ev0TWICE", headers={"X-Slack-Retry-Num": "2"}
                ),
            )
            assert [r.status for r in responses] == [200, 200, 200]
            await first.settle()
            await second.settle()
            assert len(slack.calls_to("chat.postMessage")) == 1


async def test_without_redis_each_process_remembers_its_own(sandbox: Sandbox):
    event = {
        "type": "message",
        "channel_type": "im",
        "user": "U0ALICE",
        "text": "help",
        "ts": "1.1",
        "channel": sandbox.slack.dm_channel("U0ALICE"),
    }
    for retry in range(3):
        await sandbox.driver.send_event(
            event, event_id="Ev0ONCE", headers={"X-Slack-Retry-Num": str(retry)}
        )
    await sandbox.settle()
    assert len(sandbox.slack.calls_to("chat.postMessage")) == 1


async def test_redis_down_means_handled_not_lost(looker: LookerEmulator, refused_url):
    url = refused_url.replace("http://localhost", "redis://127.0.0.1")
    async with Sandbox(looker=looker, redis_url=Secret(url)) as sandbox:
        await sandbox.driver.dm("help")
        await sandbox.settle()
        assert len(sandbox.slack.visible_messages()) == 1


# -- no head-of-line blocking --------------------------------------------------------------------


async def test_fifty_slow_commands_do_not_delay_a_new_acknowledgement(looker: LookerEmulator):
    looker.fail(r"/looks/search", status=0, delay=10.0, times=None)
    async with Sandbox(looker=looker, shutdown_timeout=0.5) as sandbox:
        responses = await asyncio.gather(*(sandbox.driver.dm("find revenue") for _ in range(50)))
        assert {r.status for r in responses} == {200}
        assert len(sandbox.runtime.tasks) == 50  # all still waiting for Looker
        started = time.monotonic()
        ack, _ = await sandbox.driver.slash("help")
        elapsed = time.monotonic() - started
        assert ack.status == 200
        assert elapsed < 3.0, f"acknowledged after {elapsed:.2f} s"
