"""Who can make the bot act, and as whom (issue 15): a captured Looker webhook token opens
only the webhook routes, and under run-as not even those unless a Looker admin turns them on.
"""

from __future__ import annotations

from typing import Any

import pytest

from lookerbot import messages
from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.settings import Secret

HOOK = "looker-webhook-token"
AUTH = "lookerbot-auth-token"
WITH_HOOK = {"X-Looker-Webhook-Token": HOOK}
WITH_AUTH = {"Authorization": f'Token token="{AUTH}"'}


def bot(looker: LookerEmulator, **overrides: Any) -> Sandbox:
    return Sandbox(
        looker=looker,
        lookers=(looker.instance_settings(webhook_token=Secret(HOOK), **overrides),),
        lookerbot_auth_token=Secret(AUTH),
        public_url="https://bot.example.com",
        webhooks=not overrides.get("run_as_user"),  # as settings default it
    )


async def post(sandbox: Sandbox, path: str, payload: Any, headers: dict) -> tuple[int, Any]:
    async with sandbox.session.post(sandbox.bot_url + path, json=payload, headers=headers) as r:
        return r.status, await r.json()


def plan(looker: LookerEmulator) -> dict:
    return {"scheduled_plan": {"type": "Look", "url": f"{looker.url}/looks/1", "query_id": 1}}


@pytest.mark.parametrize(
    "path", ["/", "/slack/post_from_query_action", "/actions/braze/execute", "/actions/braze/form"]
)
async def test_a_webhook_token_does_not_open_the_action_hub(looker: LookerEmulator, path: str):
    payload = {"form_params": {"channel": "C0SALES"}, "attachment": {"data": "{}"}}
    async with bot(looker) as sandbox:
        status, body = await post(sandbox, path, payload, WITH_HOOK)
        assert status == 401, body
        assert sandbox.slack.calls_to("chat.postMessage") == []
        status, _ = await post(sandbox, path, payload, WITH_AUTH)
        assert status != 401


async def test_under_run_as_the_webhook_routes_are_off(looker: LookerEmulator):
    async with bot(looker, run_as_user="email") as sandbox:
        status, body = await post(sandbox, "/slack/post/channel/general", plan(looker), WITH_HOOK)
        assert (status, body["reason"]) == (403, messages.WEBHOOKS_OFF)
        message = {"data": {"message": "hi", "channel": "#sales"}}
        status, body = await post(sandbox, "/data_actions", message, WITH_HOOK)
        assert (status, body["looker"]["message"]) == (403, messages.WEBHOOKS_OFF)
        # The form lists channels and people: the Action Hub's token only.
        assert (await post(sandbox, "/data_actions/form", {}, WITH_HOOK))[0] == 401
        assert (await post(sandbox, "/data_actions/form", {}, WITH_AUTH))[0] == 200
        assert sandbox.slack.calls_to("chat.postMessage") == []


async def test_webhooks_turned_on_under_run_as_work(looker: LookerEmulator):
    async with Sandbox(
        looker=looker,
        lookers=(looker.instance_settings(webhook_token=Secret(HOOK), run_as_user="email"),),
        webhooks=True,
    ) as sandbox:
        status, body = await post(sandbox, "/slack/post/channel/general", plan(looker), WITH_HOOK)
        assert status == 200 and body["success"] is True
