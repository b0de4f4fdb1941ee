"""Who may ask: guests, other workspaces and bots are refused, with the reason, privately."""

from __future__ import annotations

import pytest

from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from tests.helpers import response_text, text_of


@pytest.mark.parametrize(
    ("user", "reason"),
    [
        ("U0GUEST", "as a guest user"),
        ("U0SCG", "as a guest user"),
        ("U0OTHER", "as a user from another workspace"),
        ("U0HELPER", "as a bot"),
    ],
)
async def test_refused_people_hear_why_privately_and_nothing_runs(sandbox: Sandbox, user, reason):
    await sandbox.driver.mention("find revenue", user=user)
    await sandbox.settle()
    assert sandbox.slack.visible_messages("C0GENERAL") == []
    (refusal,) = sandbox.slack.ephemeral_messages(user)
    assert reason in text_of(refusal)
    assert sandbox.looker.requests_to("/search") == []


async def test_slash_command_refusal_is_private(sandbox: Sandbox):
    await sandbox.driver.slash("find revenue", user="U0GUEST")
    await sandbox.settle()
    (response,) = sandbox.slack.responses
    assert response.body["response_type"] == "ephemeral"
    assert "Sorry @gus, as a guest user" in response_text(response.body)


async def test_grid_members_of_the_bots_workspace_are_not_strangers(sandbox: Sandbox):
    await sandbox.driver.mention("find revenue", user="U0GRID")
    await sandbox.settle()
    (reply,) = sandbox.slack.visible_messages("C0GENERAL")
    assert "Revenue by Region" in text_of(reply)


async def test_guests_and_other_workspaces_can_be_allowed(looker: LookerEmulator):
    async with Sandbox(looker=looker, allow_guest_users=True, allow_shared_workspaces=True) as sb:
        for user in ("U0GUEST", "U0OTHER"):
            await sb.driver.mention("find revenue", user=user)
        await sb.settle()
        assert len(sb.slack.visible_messages("C0GENERAL")) == 2
        await sb.driver.mention("find revenue", user="U0HELPER")  # bots, never
        await sb.settle()
        assert len(sb.slack.visible_messages("C0GENERAL")) == 2


async def test_people_are_looked_up_once_per_few_minutes(sandbox: Sandbox):
    for _ in range(3):
        await sandbox.driver.dm("help")
    await sandbox.settle()
    assert len(sandbox.slack.calls_to("users.info")) == 1
    assert len(sandbox.slack.calls_to("auth.test")) == 1  # who the bot is, asked once


async def test_a_failed_lookup_refuses_with_the_reason(sandbox: Sandbox):
    sandbox.slack.fail("users.info", error="ratelimited", times=None)
    await sandbox.driver.dm("find revenue")
    await sandbox.settle()
    (reply,) = sandbox.slack.visible_messages()
    assert text_of(reply).startswith("Could not fetch your user info from Slack (ratelimited)")
