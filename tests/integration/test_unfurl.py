"""Looker links posted in Slack unfurl with their data, on the instance they belong to."""

from __future__ import annotations

import pytest

from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.render import message_to_text


def unfurled(sandbox: Sandbox) -> dict[str, str]:
    (call,) = sandbox.slack.calls_to("chat.unfurl")
    return {url: message_to_text("", u["blocks"]) for url, u in call.args["unfurls"].items()}


async def test_a_look_link_unfurls_with_its_data(sandbox: Sandbox):
    url = f"{sandbox.looker.url}/looks/1"
    await sandbox.driver.link_shared([url])
    await sandbox.settle()
    (call,) = sandbox.slack.calls_to("chat.unfurl")
    # The event's unfurl_id and source, which Slack takes in place of channel and ts.
    assert call.args["source"] == "conversations_history"
    assert call.args["unfurl_id"]
    assert "channel" not in call.args
    text = unfurled(sandbox)[url]
    assert "Orders Total Revenue" in text and "West" in text
    assert f"Revenue by Region ({url})" in text


async def test_a_link_in_the_message_composer_unfurls(sandbox: Sandbox):
    # Slack's composer link_shared: channel "COMPOSER", source "composer", a message_ts
    # that is no message's; only unfurl_id and source can answer it.
    url = f"{sandbox.looker.url}/looks/1"
    await sandbox.driver.link_shared([url], composer=True)
    await sandbox.settle()
    (call,) = sandbox.slack.calls_to("chat.unfurl")
    assert call.status == 200
    assert call.args["source"] == "composer"
    assert sandbox.slack.unfurls == [call.args]
    assert "West" in unfurled(sandbox)[url]


async def test_share_and_explore_links_unfurl_their_query(sandbox: Sandbox):
    query = sandbox.looker.state.queries["1"]
    share = f"{sandbox.looker.url}/x/{query['slug']}"
    explore = f"{sandbox.looker.url}/explore/thelook/orders?fields=x&qid={query['slug']}&toggle=vis"
    await sandbox.driver.link_shared([share, explore])
    await sandbox.settle()
    previews = unfurled(sandbox)
    assert "West" in previews[share] and "West" in previews[explore]
    assert len(sandbox.looker.requests_to(f"/queries/slug/{query['slug']}")) == 2


async def test_a_dashboard_link_unfurls_with_a_summary(sandbox: Sandbox):
    url = f"{sandbox.looker.url}/dashboards/1?Region=West"
    await sandbox.driver.link_shared([url])
    await sandbox.settle()
    text = unfurled(sandbox)[url]
    assert "Sales Overview" in text and "Revenue and orders at a glance." in text
    assert "3 tiles" in text and "Filters: Region" in text


async def test_a_chart_look_is_described_not_rendered(sandbox: Sandbox):
    url = f"{sandbox.looker.url}/looks/3"
    await sandbox.driver.link_shared([url])
    await sandbox.settle()
    assert "A line chart" in unfurled(sandbox)[url]
    assert sandbox.looker.requests_to("/render_tasks") == []


@pytest.mark.parametrize(
    "template",
    [
        "{scheme}://{host}.evil.net:{port}/looks/1",
        "{scheme}://evil.net/{host}/looks/1",
        "{scheme}://user@{host}:{port}/looks/1",
        "{scheme}://{host}:1/looks/1",
        "https://{host}:{port}/looks/1",
    ],
)
async def test_look_alike_links_are_ignored(sandbox: Sandbox, template: str):
    scheme, rest = sandbox.looker.url.split("://")
    host, port = rest.split(":")
    await sandbox.driver.link_shared([template.format(scheme=scheme, host=host, port=port)])
    await sandbox.settle()
    assert sandbox.slack.calls_to("chat.unfurl") == []
    assert sandbox.looker.requests_to("/looks") == []


async def test_errors_show_inside_the_preview(sandbox: Sandbox):
    url = f"{sandbox.looker.url}/looks/999"
    await sandbox.driver.link_shared([url])
    await sandbox.settle()
    assert unfurled(sandbox)[url].startswith(":warning: Looker at")


async def test_unfurling_can_be_turned_off(looker: LookerEmulator):
    async with Sandbox(looker=looker, expand_urls=False) as sandbox:
        await sandbox.driver.link_shared([f"{looker.url}/looks/1"])
        await sandbox.settle()
        assert sandbox.slack.calls_to("chat.unfurl") == []


async def test_no_unfurls_for_people_who_may_not_use_the_bot(sandbox: Sandbox):
    await sandbox.driver.link_shared([f"{sandbox.looker.url}/looks/1"], user="U0GUEST")
    await sandbox.settle()
    assert sandbox.slack.calls_to("chat.unfurl") == []
    assert sandbox.slack.ephemeral_messages() == []  # silently, as Lookerbot did
