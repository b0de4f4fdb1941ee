"""Faults of Looker and Slack: each ends in a clear message or a retry, and the bot goes on."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import time
from collections import Counter

import pytest

from lookerbot.logs import configure_logging
from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.settings import Secret
from tests.helpers import text_of

LOOKER_TIMEOUT = 2.0

FAULTS = {
    "429": (
        {"status": 429, "body": {"message": "Too many requests"}},
        "is receiving too many requests",
    ),
    "502 with an HTML page": (
        {"status": 502, "body": "<html>Bad gateway</html>", "content_type": "text/html"},
        "had a problem (HTTP 502)",
    ),
    "504": (
        {"status": 504, "body": {"message": "Gateway timeout"}},
        "had a problem (HTTP 504: Gateway timeout)",
    ),
    "hung request": ({"status": 0, "delay": LOOKER_TIMEOUT + 3}, "didn't answer within 2 seconds"),
}


async def ask(sandbox: Sandbox, text: str) -> str:
    await sandbox.driver.dm(text)
    await sandbox.settle()
    messages = sandbox.slack.visible_messages(sandbox.slack.dm_channel("U0ALICE"))
    return text_of([m for m in messages if not m.files][-1])


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_a_looker_fault_ends_in_a_clear_message_and_the_next_request_works(
    looker: LookerEmulator, fault: str
):
    options, expected = FAULTS[fault]
    async with Sandbox(looker=looker, looker_timeout=LOOKER_TIMEOUT) as sandbox:
        looker.fail(r"/run/json_detail", times=1, **options)  # type: ignore[arg-type]
        started = time.monotonic()
        text = await ask(sandbox, "revenue")
        assert time.monotonic() - started < LOOKER_TIMEOUT + 5
        assert text.startswith(":warning:") and expected in text
        assert "<html>" not in text
        assert "West" in await ask(sandbox, "revenue")  # served normally afterwards


async def test_a_revoked_token_is_renewed_once_without_the_user_noticing(looker: LookerEmulator):
    async with Sandbox(looker=looker) as sandbox:
        assert "West" in await ask(sandbox, "revenue")
        logins = looker.logins
        looker.revoke_tokens()  # Looker answers 401 to a token that looks fine
        assert "West" in await ask(sandbox, "revenue")
        assert looker.logins == logins + 1


async def test_a_failed_render_says_why_and_the_next_render_works(looker: LookerEmulator):
    async with Sandbox(looker=looker) as sandbox:
        looker.render_outcome = "failure"
        text = await ask(sandbox, "category mix")
        assert text.startswith(":warning: Looker couldn't render")
        assert looker.render_failure_detail in text
        looker.render_outcome = "success"
        await ask(sandbox, "category mix")
        assert sandbox.slack.visible_messages(sandbox.slack.dm_channel("U0ALICE"))[-1].files


async def test_a_storm_of_429s_and_503s_on_posting_and_uploading(looker: LookerEmulator):
    """Scheduled charts and tables through rate limits and outages on every step of posting
    and of Slack's three-step upload: each arrives exactly once, after Retry-After."""
    instance = looker.instance_settings(webhook_token=Secret("hook"))
    async with Sandbox(looker=looker, lookers=(instance,)) as sandbox:
        slack = sandbox.slack
        slack.fail("chat.postMessage", status=429, retry_after=1, times=6)
        slack.fail("chat.postMessage", status=503, times=4)
        slack.fail("files.getUploadURLExternal", status=503, times=3)
        slack.fail("files.getUploadURLExternal", status=429, retry_after=1, times=2)
        slack.fail("files.completeUploadExternal", status=429, retry_after=1, times=3)
        slack.fail("files.completeUploadExternal", status=503, times=2)
        slack.fail_uploads(status=503, times=3)

        async def deliver(look: str, title: str, channel: str) -> int:
            # Query plans, so every delivery's message is distinct (its title is the link).
            plan = {
                "scheduled_plan": {
                    "type": "Query",
                    "title": title,
                    "url": f"{looker.url}/explore/thelook/orders?t={title}",
                    "query_id": looker.state.looks[look]["query_id"],
                }
            }
            async with sandbox.session.post(
                f"{sandbox.bot_url}/slack/post/channel/{channel}",
                json=plan,
                headers={"X-Looker-Webhook-Token": "hook"},
            ) as response:
                return response.status

        statuses = await asyncio.gather(
            *(
                deliver("3" if i % 2 else "1", f"plan {i}", ("general", "sales")[i % 2])
                for i in range(10)
            )
        )
        assert statuses == [200] * 10
        texts = Counter(m.channel for m in slack.visible_messages() if not m.files)
        files = Counter(m.channel for m in slack.visible_messages() if m.files)
        assert texts == {"C0GENERAL": 5, "C0SALES": 5}  # one answer per delivery
        assert files == {"C0SALES": 5}  # one chart per chart delivery, none twice
        # Retry-After was honoured: no retry of a rate-limited call came sooner than asked.
        checked = 0
        for method in ("chat.postMessage", "files.completeUploadExternal"):
            calls = slack.calls_to(method)
            for i, earlier in enumerate(calls):
                if earlier.status != 429:
                    continue
                retry = next(c for c in calls[i + 1 :] if c.args == earlier.args)
                assert retry.at - earlier.at >= 0.95, (method, retry.at - earlier.at)
                checked += 1
        assert checked == 9


async def test_metrics_count_requests_commands_deliveries_calls_and_retries(
    looker: LookerEmulator,
):
    instance = looker.instance_settings(custom_command_folder_id="10", webhook_token=Secret("hook"))
    async with Sandbox(
        looker=looker, lookers=(instance,), metrics_token=Secret("metrics-token")
    ) as sandbox:
        sandbox.slack.fail("chat.postMessage", status=429, retry_after=1)
        await ask(sandbox, "find revenue")
        await ask(sandbox, "revenue")
        plan = {"scheduled_plan": {"type": "Look", "url": f"{looker.url}/looks/1", "query_id": 1}}
        async with sandbox.session.post(
            sandbox.bot_url + "/slack/post/channel/general",
            json=plan,
            headers={"X-Looker-Webhook-Token": "hook"},
        ):
            pass
        async with sandbox.session.get(
            sandbox.bot_url + "/metrics", headers={"Authorization": "Bearer metrics-token"}
        ) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain")
            metrics = await response.text()
    for line in (
        'lookerbot_http_requests_total{route="/slack/events",status="200"}',
        'lookerbot_commands_total{command="find",outcome="ok"} 1.0',
        'lookerbot_commands_total{command="revenue",outcome="ok"} 1.0',
        'lookerbot_deliveries_total{kind="scheduled",outcome="posted"} 1.0',
        'lookerbot_retries_total{reason="ratelimited",service="slack"} 1.0',
        'lookerbot_slack_call_seconds_count{method="chat.postMessage",outcome="ok"}',
        "lookerbot_looker_call_seconds_count{",
    ):
        assert line in metrics, line
    assert 'path="/dashboards/{id}"' in metrics  # ids do not become labels


async def test_json_logs_carry_one_correlation_id_per_request(looker: LookerEmulator):
    stream = io.StringIO()
    handler = configure_logging(level="INFO", fmt="json", stream=stream)
    try:
        async with Sandbox(looker=looker) as sandbox:
            await ask(sandbox, "find revenue")
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    command = next(x for x in lines if "command=find" in x["message"])
    request = next(x for x in lines if x["message"].startswith("http POST /slack/events"))
    assert command["correlation_id"] == request["correlation_id"] != "-"
    assert {"time", "level", "logger", "message"} <= set(command)
