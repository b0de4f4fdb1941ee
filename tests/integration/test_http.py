"""The HTTP surface: health, landing page, Slack verification, errors as JSON."""

from __future__ import annotations

import asyncio
import json
import time

from lookerbot import __version__
from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.slack_driver import SlackDriver
from lookerbot.sandbox.slack_emulator import SlackEmulator


async def get(sandbox: Sandbox, path: str) -> tuple[int, str]:
    async with sandbox.session.get(sandbox.bot_url + path) as response:
        return response.status, await response.text()


async def test_health_check(sandbox: Sandbox):
    status, body = await get(sandbox, "/health_check")
    assert status == 200
    assert json.loads(body) == {"success": True, "reason": "Healthy"}


async def test_landing_page_names_the_bot_and_version(sandbox: Sandbox):
    status, body = await get(sandbox, "/")
    assert status == 200
    assert "Lookerbot" in body and __version__ in body


async def test_unknown_route_is_a_json_404(sandbox: Sandbox):
    status, body = await get(sandbox, "/nope")
    assert status == 404
    assert json.loads(body) == {"success": False, "reason": "Not found."}


async def test_url_verification_challenge_is_answered(sandbox: Sandbox):
    response = await sandbox.driver.url_verification(
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    )
    assert response.status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in response.text


def forger(sandbox: Sandbox, **kwargs) -> SlackDriver:
    return SlackDriver(
        bot_url=sandbox.bot_url,
        signing_secret=kwargs.pop("secret", "not-the-secret"),
        slack=sandbox.slack,
        session=sandbox.session,
        **kwargs,
    )


async def test_bad_signature_is_refused_and_runs_nothing(sandbox: Sandbox):
    for path in ("/slack/events", "/slack/receive", "/slack/action"):
        response, _ = await forger(sandbox).slash("find revenue", path=path)
        assert response.status == 401
        assert response.json() == {
            "success": False,
            "reason": "Invalid or expired Slack request signature.",
        }
    response = await forger(sandbox).mention("find revenue")
    assert response.status == 401
    await sandbox.settle()
    # Nothing but the bot's own start-up question (auth.test: who am I?).
    assert [c.method for c in sandbox.slack.calls if c.method != "auth.test"] == []
    assert sandbox.slack.responses == []
    assert sandbox.looker.requests_to("/search") == []


async def test_stale_signature_is_refused(sandbox: Sandbox):
    from lookerbot.sandbox.demo import DEMO_SIGNING_SECRET

    stale = forger(sandbox, secret=DEMO_SIGNING_SECRET, clock=lambda: time.time() - 600)
    response = await stale.mention("help")
    assert response.status == 401
    await sandbox.settle()
    assert sandbox.slack.calls_to("chat.postEphemeral") == []


async def test_unsigned_request_is_refused(sandbox: Sandbox):
    response = await sandbox.driver.post(
        "/slack/events",
        b'{"type": "url_verification", "challenge": "x"}',
        content_type="application/json",
        sign_it=False,
    )
    assert response.status == 401


async def test_oversized_body_is_refused_with_413(sandbox: Sandbox):
    body = b"{" + b" " * (1024 * 1024) + b"}"
    response = await sandbox.driver.post("/slack/events", body, content_type="application/json")
    assert response.status == 413
    assert response.json()["success"] is False


async def test_a_repeated_event_is_acted_on_once(sandbox: Sandbox):
    event = {
        "type": "message",
        "channel_type": "im",
        "user": "U0ALICE",
        "text": "help",
        "ts": "1.1",
        "channel": sandbox.slack.dm_channel("U0ALICE"),
    }
    first = await sandbox.driver.send_event(event, event_id="Ev0REPEAT")
    retry = await sandbox.driver.send_event(
        event,
        event_id="Ev0REPEAT",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert first.status == retry.status == 200
    await sandbox.settle()
    assert len(sandbox.slack.calls_to("chat.postMessage")) == 1


async def test_events_the_bot_does_not_use_are_acknowledged(sandbox: Sandbox):
    response = await sandbox.driver.send_event({"type": "reaction_added", "user": "U0ALICE"})
    assert response.status == 200
    await sandbox.settle()
    assert sandbox.slack.calls_to("chat.postMessage") == []


def dm_help(slack: SlackEmulator) -> dict[str, object]:
    return {
        "type": "message",
        "channel_type": "im",
        "user": "U0ALICE",
        "text": "help",
        "ts": "1.2",
        "channel": slack.dm_channel("U0ALICE"),
    }


async def test_an_event_slack_cannot_identify_the_bot_for_is_left_for_redelivery(
    looker: LookerEmulator,
):
    # Without auth.test the bot cannot tell its own messages apart: it answers 503 so Slack
    # delivers the event again, and must not mark the event as seen in the meantime.
    async with SlackEmulator() as slack:
        slack.fail("auth.test", error="invalid_auth", times=None)
        async with Sandbox(looker=looker, slack=slack) as sandbox:
            first = await sandbox.driver.send_event(dm_help(slack), event_id="Ev0NOAUTH")
            assert first.status == 503
            assert "auth.test" in first.json()["reason"]
            await sandbox.settle()
            assert slack.calls_to("chat.postMessage") == []
            slack.stop_failing("auth.test")
            retry = await sandbox.driver.send_event(
                dm_help(slack), event_id="Ev0NOAUTH", headers={"X-Slack-Retry-Num": "1"}
            )
            assert retry.status == 200
            await sandbox.settle()
            assert len(slack.calls_to("chat.postMessage")) == 1


async def test_an_event_is_not_held_while_slack_retries_auth_test(looker: LookerEmulator):
    # auth.test answering 503 is retried for up to a minute; the event is answered 503
    # (IDENTITY_WAIT) long before Slack's 3 s, instead of waiting for those retries.
    async with SlackEmulator() as slack:
        slack.fail("auth.test", status=503, times=None)
        async with Sandbox(looker=looker, slack=slack) as sandbox:
            response = await asyncio.wait_for(
                sandbox.driver.send_event(dm_help(slack), event_id="Ev0SLOWAUTH"), 10
            )
            assert response.status == 503
            assert len(slack.calls_to("auth.test")) >= 2  # still retrying behind the answer
