"""One Looker down or Slack rate-limiting does not stop the bot."""

from __future__ import annotations

import logging

from lookerbot.looker.instances import LookerInstance, keep_connecting
from lookerbot.looker.sdk_client import SdkLookerClient
from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.render import message_to_text


async def test_an_unreachable_looker_is_reported_and_the_others_keep_working(
    looker, caplog, refused_url
):
    caplog.set_level(logging.INFO, logger="lookerbot")
    down = refused_url
    lookers = (looker.instance_settings(), looker.instance_settings(url=down, api_base_url=down))
    async with Sandbox(looker=looker, lookers=lookers) as sandbox:
        await sandbox.driver.dm("find revenue")
        await sandbox.settle()
        text = message_to_text(
            sandbox.slack.visible_messages()[0].text, sandbox.slack.visible_messages()[0].blocks
        )
        instances = list(sandbox.runtime.lookers)
        assert instances[0].connected and not instances[1].connected
    assert "Revenue by Region" in text
    assert f"{down} couldn't be searched" in text and "connection refused" in text
    assert any(f"Looker {down}: cannot log in" in r.getMessage() for r in caplog.records)
    assert any(f"Looker {looker.url}: logged in as" in r.getMessage() for r in caplog.records)


async def test_every_looker_down_is_a_clear_warning(looker, refused_url):
    down = refused_url
    lookers = (looker.instance_settings(url=down, api_base_url=down),)
    async with Sandbox(looker=looker, lookers=lookers) as sandbox:
        await sandbox.driver.dm("find revenue")
        await sandbox.settle()
        reply = sandbox.slack.visible_messages()[0]
    assert reply.text.startswith(":warning: I couldn't reach Looker at")


async def test_a_looker_that_fails_at_start_is_retried_until_it_answers(looker: LookerEmulator):
    looker.fail(r"^/login$", status=503, body="maintenance", times=2)
    client = SdkLookerClient(instance=looker.instance_settings())
    instance = LookerInstance(settings=client.instance, client=client)
    connected: list[str] = []
    try:
        await keep_connecting(
            instance, first_delay=0.01, on_recover=lambda i: connected.append(i.url)
        )
    finally:
        await client.aclose()
    assert instance.connected and instance.logged_in_as == "Lookerbot API"
    assert len(looker.requests_to("^/login$")) == 3
    assert connected == [looker.url]


async def test_slack_rate_limits_are_waited_out(sandbox: Sandbox):
    sandbox.slack.fail("chat.postMessage", status=429, retry_after=1)
    await sandbox.driver.dm("help")
    await sandbox.settle()
    assert len(sandbox.slack.calls_to("chat.postMessage")) == 2
    (reply,) = sandbox.slack.visible_messages()
    assert "Built-in commands" in message_to_text(reply.text, reply.blocks)


async def test_a_refused_post_is_logged_not_raised(sandbox: Sandbox, caplog):
    sandbox.slack.fail("chat.postMessage", error="channel_not_found", times=None)
    await sandbox.driver.dm("help")
    await sandbox.settle()
    assert any("outcome=slack_error: channel_not_found" in r.getMessage() for r in caplog.records)
