"""Looker to Slack: scheduled webhooks, authentication, and delivery that loses nothing."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

import pytest

from lookerbot.delivery.auth import action_hub_key
from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.settings import Secret
from tests.conftest import TODAY
from tests.helpers import text_of

HOOK = "looker-webhook-token"
AUTH = "lookerbot-auth-token"


def bot(looker: LookerEmulator, **overrides: Any) -> Sandbox:
    settings = {
        "lookers": (looker.instance_settings(webhook_token=Secret(HOOK)),),
        "lookerbot_auth_token": Secret(AUTH),
        "public_url": "https://bot.example.com",
        **overrides,
    }
    return Sandbox(looker=looker, **settings)


@pytest.fixture
async def sandbox(looker: LookerEmulator):
    async with bot(looker) as running:
        yield running


def look_plan(looker: LookerEmulator, look: str = "1", query_id: Any = None, **plan: Any) -> dict:
    look_query = looker.state.looks.get(look, {}).get("query_id", "1")
    return {
        "type": "Look",
        "scheduled_plan": {
            "scheduled_plan_id": 7,
            "title": "Daily revenue",
            "type": "Look",
            "url": f"{looker.url}/looks/{look}",
            "query_id": look_query if query_id is None else query_id,
            **plan,
        },
        "attachment": None,
        "data": None,
    }


async def webhook(
    sandbox: Sandbox, path: str, payload: Any, headers: dict | None = None, raw: bytes | None = None
) -> tuple[int, Any]:
    body = raw if raw is not None else json.dumps(payload).encode()
    hdrs = {
        "Content-Type": "application/json",
        **({"X-Looker-Webhook-Token": HOOK} if headers is None else headers),
    }
    async with sandbox.session.post(sandbox.bot_url + path, data=body, headers=hdrs) as r:
        return r.status, await r.json()


# -- scheduled webhooks ------------------------------------------------------------------------


async def test_a_scheduled_look_is_posted_to_a_channel(sandbox: Sandbox):
    status, body = await webhook(sandbox, "/slack/post/channel/general", look_plan(sandbox.looker))
    assert (status, body) == (
        200,
        {"success": True, "reason": "Sent Look 1 with query 1 to #general."},
    )
    (message,) = sandbox.slack.visible_messages("C0GENERAL")
    text = text_of(message)
    assert "West" in text and f"Revenue by Region ({sandbox.looker.url}/looks/1)" in text
    assert sandbox.slack.calls_to("chat.update") == []  # no loading message for schedules


async def test_a_schedule_with_its_own_filters_runs_its_own_query(sandbox: Sandbox):
    looker = sandbox.looker
    filtered = looker.state.add_query(
        {**looker.state.queries["1"], "filters": {"customers.region": "East"}}
    )
    plan_url = f"{looker.url}/looks/1?f[customers.region]=East"
    payload = look_plan(looker, query_id=int(filtered["id"]), url=plan_url)
    status, _ = await webhook(sandbox, "/slack/post/channel/general", payload)
    assert status == 200
    text = text_of(sandbox.slack.visible_messages("C0GENERAL")[0])
    assert "East" in text and "West" not in text
    assert f"Revenue by Region ({plan_url})" in text
    assert looker.requests_to(f"/queries/{filtered['id']}/run/json_detail")


async def test_a_scheduled_dashboard_is_rendered_with_a_link(sandbox: Sandbox):
    url = f"{sandbox.looker.url}/dashboards/1?Region=West"
    payload = {"scheduled_plan": {"type": "Dashboard", "url": url, "title": "Sales"}}
    status, body = await webhook(sandbox, "/slack/post/channel/sales", payload)
    assert status == 200 and body["reason"] == "Sent dashboard 1 to #sales."
    (render,) = sandbox.looker.requests_to("/render_tasks/dashboards/1/png")
    assert render.body["dashboard_filters"] == "Region=West"
    heading, chart = sandbox.slack.visible_messages("C0SALES")
    assert f"Sales Overview ({url})" in text_of(heading)
    assert sandbox.slack.files[chart.files[0]].data.startswith(b"\x89PNG")


async def test_a_scheduled_query_is_posted(sandbox: Sandbox):
    payload = {
        "scheduled_plan": {
            "type": "Query",
            "query_id": "4",
            "title": "Top customers",
            "url": f"{sandbox.looker.url}/explore/thelook/orders?qid=x",
        }
    }
    status, _ = await webhook(sandbox, "/slack/post/channel/general", payload)
    assert status == 200
    assert "Top customers" in text_of(sandbox.slack.visible_messages("C0GENERAL")[0])


async def test_private_channels_dms_and_joining(sandbox: Sandbox):
    plan = look_plan(sandbox.looker, "2")
    assert (await webhook(sandbox, "/slack/post/group/finance-private", plan))[0] == 200
    assert sandbox.slack.visible_messages("G0FINANCE")
    for name in ("bob", "bob@example.com"):
        assert (await webhook(sandbox, f"/slack/post/dm/{name}", plan))[0] == 200
    assert len(sandbox.slack.visible_messages(sandbox.slack.dm_channel("U0BOB"))) == 2
    status, body = await webhook(sandbox, "/slack/post/channel/%23random", plan)
    assert status == 200 and body["reason"].endswith("to #random.")
    assert [c.args["channel"] for c in sandbox.slack.calls_to("conversations.join")] == ["C0RANDOM"]


@pytest.mark.parametrize(
    ("path", "status", "reason"),
    [
        ("/slack/post/channel/nope", 404, "No channel #nope found (or it is archived)."),
        ("/slack/post/group/secret-private", 404, "No private channel #secret-private"),
        ("/slack/post/dm/nobody", 404, "No Slack user nobody found"),
        ("/slack/post/dm/gus", 404, "No Slack user gus found"),  # guests get no deliveries
        ("/slack/post/elsewhere/general", 404, "Unknown destination type"),
    ],
)
async def test_undeliverable_destinations_are_reported_to_looker(
    sandbox: Sandbox, path, status, reason
):
    got_status, body = await webhook(sandbox, path, look_plan(sandbox.looker))
    assert got_status == status and body["success"] is False
    assert body["reason"].startswith(reason)
    assert sandbox.slack.calls_to("chat.postMessage") == []


async def test_a_refused_post_goes_back_to_looker(sandbox: Sandbox):
    sandbox.slack.fail("chat.postMessage", error="is_archived", times=None)
    status, body = await webhook(sandbox, "/slack/post/channel/general", look_plan(sandbox.looker))
    assert (status, body["success"]) == (502, False)
    assert body["reason"] == "Slack refused the post to general: is_archived."


async def test_a_looker_failure_goes_back_to_looker(sandbox: Sandbox):
    status, body = await webhook(
        sandbox, "/slack/post/channel/general", look_plan(sandbox.looker, "999")
    )
    # Looker cannot find what the plan names: the plan's problem, not an outage.
    assert (status, body["success"]) == (404, False)
    assert "couldn't find that" in body["reason"]


async def test_a_looker_outage_during_a_delivery_is_a_bad_gateway(sandbox: Sandbox):
    sandbox.looker.fail("^/looks/1$", status=503)
    status, body = await webhook(sandbox, "/slack/post/channel/general", look_plan(sandbox.looker))
    assert (status, body["success"]) == (502, False)


# -- authentication ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Looker-Webhook-Token": ""},
        {"X-Looker-Webhook-Token": "wrong"},
        {"X-Looker-Webhook-Token": HOOK + "x"},
        {"Authorization": 'Token token="wrong"'},
        {"Authorization": f"Bearer {AUTH}"},
        {"Authorization": f'Token token="{action_hub_key("other-secret", "abc")}"'},
        {"Authorization": 'Token token="abc/"'},
    ],
)
async def test_bad_credentials_get_401_and_nothing_is_posted(sandbox: Sandbox, headers):
    status, body = await webhook(
        sandbox, "/slack/post/channel/general", look_plan(sandbox.looker), headers=headers
    )
    assert status == 401
    assert body == {"looker": {"success": False}, "reason": "Invalid authorization headers."}
    await sandbox.settle()
    assert sandbox.slack.calls_to("chat.postMessage") == []
    assert sandbox.looker.requests_to("/looks") == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": f'Token token="{AUTH}"'},
        {"Authorization": f'token token="{action_hub_key(AUTH, "nonce-123")}"'},
    ],
)
async def test_the_auth_token_and_action_hub_keys_are_accepted(sandbox: Sandbox, headers):
    status, _ = await webhook(
        sandbox, "/slack/post/channel/general", look_plan(sandbox.looker), headers=headers
    )
    assert status == 200


async def test_a_webhook_token_only_opens_its_own_instance():
    async with LookerEmulator(today=TODAY) as a, LookerEmulator(today=TODAY) as b:
        lookers = (
            a.instance_settings(webhook_token=Secret("token-a")),
            b.instance_settings(
                url=b.url.replace("127.0.0.1", "localhost"), webhook_token=Secret("token-b")
            ),
        )
        async with Sandbox(looker=a, lookers=lookers) as sandbox:
            plan_b = look_plan(b)
            plan_b["scheduled_plan"]["url"] = f"{lookers[1].url}/looks/1"
            status, _ = await webhook(
                sandbox,
                "/slack/post/channel/general",
                plan_b,
                headers={"X-Looker-Webhook-Token": "token-a"},
            )
            assert status == 401
            status, _ = await webhook(
                sandbox,
                "/slack/post/channel/general",
                plan_b,
                headers={"X-Looker-Webhook-Token": "token-b"},
            )
            assert status == 200
            assert b.requests_to("/looks/1") and not a.requests_to("/looks/1")


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{not json", "The request body is not valid JSON."),
        ([], "The request body must be a JSON object."),
        ({}, "No scheduled plan in payload."),
        ({"scheduled_plan": "x"}, "scheduled_plan must be an object."),
        ({"scheduled_plan": {"type": "Look"}}, "scheduled_plan.url must be a string."),
        ({"scheduled_plan": {"type": 5, "url": "x"}}, "scheduled_plan.type must be a string."),
        (
            {"scheduled_plan": {"type": "Look", "url": "{looker}/looks/1", "query_id": [1]}},
            "scheduled_plan.query_id must be an id.",
        ),
        (
            {"scheduled_plan": {"type": "Look", "url": "{looker}/browse"}},
            "Scheduled plan does not have a query_id or a parsable Look URL.",
        ),
        (
            {"scheduled_plan": {"type": "Board", "url": "{looker}/boards/1"}},
            "Scheduled plan type Board not supported.",
        ),
        (
            {"scheduled_plan": {"type": "Look", "url": "https://other.looker.com/looks/1"}},
            "Requested data is from an unknown Looker.",
        ),
    ],
)
async def test_bad_payloads_get_400_with_the_reason(sandbox: Sandbox, payload, reason):
    auth = {"Authorization": f'Token token="{AUTH}"'}
    if isinstance(payload, bytes):
        status, body = await webhook(
            sandbox, "/slack/post/channel/general", None, auth, raw=payload
        )
    else:
        text = json.dumps(payload).replace("{looker}", sandbox.looker.url)
        status, body = await webhook(sandbox, "/slack/post/channel/general", json.loads(text), auth)
    assert (status, body) == (400, {"success": False, "reason": reason})


# -- delivery that loses nothing -------------------------------------------------------------------


async def test_a_slow_delivery_answers_looker_then_finishes(looker: LookerEmulator):
    looker.fail(r"/run/json_detail", status=0, delay=1.0)
    async with bot(looker, delivery_wait=0.2) as sandbox:
        status, body = await webhook(sandbox, "/slack/post/channel/general", look_plan(looker))
        assert status == 202 and body["success"] is True
        assert "the outcome will be in the bot's log" in body["reason"]
        assert sandbox.slack.visible_messages("C0GENERAL") == []
    # Stopping the sandbox drained the delivery: it was posted before the bot stopped.
    assert len(sandbox.slack.visible_messages("C0GENERAL")) == 1


async def test_fifty_deliveries_through_429s_and_503s_arrive_once_each(looker: LookerEmulator):
    async with bot(looker) as sandbox:
        sandbox.slack.fail("chat.postMessage", status=429, retry_after=1, times=15)
        sandbox.slack.fail("chat.postMessage", status=503, times=10)
        channels = ["general", "sales", "random", "finance-private"]

        async def deliver(i: int) -> int:
            payload = look_plan(looker, "2", title=f"plan {i}")
            payload["scheduled_plan"]["scheduled_plan_id"] = i
            status, _ = await webhook(sandbox, f"/slack/post/channel/{channels[i % 4]}", payload)
            return status

        statuses = await asyncio.gather(*(deliver(i) for i in range(50)))
        assert statuses == [200] * 50
        posted = Counter(m.channel for m in sandbox.slack.visible_messages())
        assert sum(posted.values()) == 50
        assert posted == {"C0GENERAL": 13, "C0SALES": 13, "C0RANDOM": 12, "G0FINANCE": 12}
        assert sandbox.runtime.poster.retries >= 25  # type: ignore[attr-defined]


async def test_posts_to_one_channel_are_paced_to_slacks_limit(looker: LookerEmulator):
    async with bot(looker) as sandbox:
        sandbox.slack.channel_rate_limit = 0.9
        payload = look_plan(looker, "2")
        statuses = await asyncio.gather(
            *(webhook(sandbox, "/slack/post/channel/general", payload) for _ in range(3))
        )
        assert [s for s, _ in statuses] == [200, 200, 200]
        assert sandbox.slack.rate_limited_posts == 0
        assert len(sandbox.slack.visible_messages("C0GENERAL")) == 3


async def test_a_retried_post_waits_for_the_channels_next_turn(looker: LookerEmulator):
    # The first post fails with a 503 and is retried after its backoff (0.5 s); had the
    # retry skipped the channel's pacing, it would land half a second before the second
    # post's turn, and Slack would refuse one of them.
    async with bot(looker) as sandbox:
        sandbox.slack.channel_rate_limit = 1.0
        sandbox.slack.fail("chat.postMessage", status=503)
        payload = look_plan(looker, "2")
        statuses = await asyncio.gather(
            *(webhook(sandbox, "/slack/post/channel/general", payload) for _ in range(2))
        )
        assert [s for s, _ in statuses] == [200, 200]
        assert len(sandbox.slack.calls_to("chat.postMessage")) == 3
        assert sandbox.slack.rate_limited_posts == 0
        assert len(sandbox.slack.visible_messages("C0GENERAL")) == 2


async def test_a_post_with_an_unknown_outcome_is_not_sent_twice(sandbox: Sandbox, caplog):
    sandbox.slack.fail("chat.postMessage", status=-1)
    status, body = await webhook(sandbox, "/slack/post/channel/general", look_plan(sandbox.looker))
    assert status == 502 and "outcome unknown" in body["reason"]
    assert len(sandbox.slack.calls_to("chat.postMessage")) == 1
    assert len(sandbox.slack.visible_messages("C0GENERAL")) == 1  # Slack did post it, once
    assert any("may or may not have been posted" in r.getMessage() for r in caplog.records)


async def test_a_five_thousand_channel_workspace(sandbox: Sandbox):
    sandbox.slack.add_channels(5000)
    plan = look_plan(sandbox.looker, "2")
    assert (await webhook(sandbox, "/slack/post/channel/team-4999", plan))[0] == 200
    pages = len(sandbox.slack.calls_to("conversations.list"))
    assert pages == 6  # 5,005 channels, 1,000 a page
    assert (await webhook(sandbox, "/slack/post/channel/team-17", plan))[0] == 200
    assert len(sandbox.slack.calls_to("conversations.list")) == pages  # cached
