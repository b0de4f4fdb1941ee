"""Acting as the Slack user in Looker: each person sees what their own Looker user may see."""

from __future__ import annotations

import asyncio
import json

import pytest

from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.settings import Secret
from tests.helpers import text_of


@pytest.fixture
async def sandbox(looker: LookerEmulator):
    # Bob's Looker user sees only the East region and not the Finance folder.
    looker.state.access_filters["3"] = {"customers.region": "East"}
    looker.state.hidden_folders["3"] = {"11"}
    instance = looker.instance_settings(
        custom_command_folder_id="10", run_as_user="email", webhook_token=Secret("hook")
    )
    async with Sandbox(looker=looker, lookers=(instance,)) as running:
        yield running


async def ask(sandbox: Sandbox, text: str, user: str) -> str:
    await sandbox.driver.dm(text, user=user)
    await sandbox.settle()
    return text_of(sandbox.slack.visible_messages(sandbox.slack.dm_channel(user))[-1])


def regions(text: str) -> set[str]:
    return {r for r in ("West", "East", "North", "South") if r in text}


async def test_two_people_get_their_own_results_concurrently(sandbox: Sandbox):
    looker = sandbox.looker
    looker.requests.clear()
    await asyncio.gather(
        sandbox.driver.dm("revenue", user="U0ALICE"), sandbox.driver.dm("revenue", user="U0BOB")
    )
    await sandbox.settle()
    alice = text_of(sandbox.slack.visible_messages(sandbox.slack.dm_channel("U0ALICE"))[-1])
    bob = text_of(sandbox.slack.visible_messages(sandbox.slack.dm_channel("U0BOB"))[-1])
    assert regions(alice) == {"West", "East", "North", "South"}
    assert regions(bob) == {"East"}
    # Each person's queries were created and run in their own session, never the bot's.
    created = [r.user_id for r in looker.requests_to("^/queries$", method="POST")]
    assert sorted(created) == ["2", "3"]
    runs = looker.requests_to("/run/json_detail")
    assert sorted(r.user_id for r in runs) == ["2", "3"]
    assert sorted(r.path for r in looker.requests_to("^/login/")) == ["/login/2", "/login/3"]


async def test_sessions_are_reused_and_renewed(sandbox: Sandbox):
    await ask(sandbox, "revenue", "U0ALICE")
    await ask(sandbox, "orders today", "U0ALICE")
    assert len(sandbox.looker.requests_to("^/login/2$")) == 1
    sandbox.looker.revoke_tokens()  # Looker restarted: every session is gone
    assert "West" in await ask(sandbox, "revenue", "U0ALICE")
    granted = [r for r in sandbox.looker.requests_to("^/login/2$") if r.user_id == "1"]
    assert len(granted) == 2


async def test_someone_without_a_looker_user_is_refused_and_nothing_runs(sandbox: Sandbox):
    sandbox.looker.requests.clear()
    text = await ask(sandbox, "revenue", "U0CAROL")
    assert text.startswith(":warning: There's no Looker user with your email (carol@example.com)")
    assert sandbox.looker.requests_to("^/queries") == []
    assert sandbox.looker.requests_to("^/dashboards") == []


async def test_a_disabled_looker_user_is_refused(sandbox: Sandbox):
    sandbox.looker.state.users["3"]["is_disabled"] = True
    text = await ask(sandbox, "find revenue", "U0BOB")
    assert "Your Looker user" in text and "is disabled" in text
    assert sandbox.looker.requests_to("^/(looks|dashboards)/search") == []


async def test_help_and_find_show_only_what_the_person_can_open(sandbox: Sandbox):
    assert "customer lookup" in await ask(sandbox, "help", "U0ALICE")
    bob_help = await ask(sandbox, "help", "U0BOB")
    assert "customer lookup" not in bob_help and "revenue" in bob_help
    assert "Customer Lookup" not in await ask(sandbox, "find customer", "U0BOB")
    assert "Customer Lookup" in await ask(sandbox, "find customer", "U0ALICE")


async def test_unfurls_and_buttons_run_as_the_person(sandbox: Sandbox):
    url = f"{sandbox.looker.url}/dashboards/4"
    await sandbox.driver.link_shared([url], user="U0BOB")
    await sandbox.settle()
    (call,) = sandbox.slack.calls_to("chat.unfurl")
    assert "couldn't find that" in json.dumps(call.args["unfurls"][url])

    await ask(sandbox, "orders today", "U0ALICE")
    message = sandbox.slack.visible_messages(sandbox.slack.dm_channel("U0ALICE"))[-1]
    await sandbox.driver.click(message, "data_action:0", user="U0BOB")
    await sandbox.settle()
    (action,) = sandbox.looker.requests_to("^/data_actions$")
    assert action.user_id == "3"


async def test_scheduled_deliveries_are_unchanged(sandbox: Sandbox):
    payload = {
        "scheduled_plan": {"type": "Look", "url": f"{sandbox.looker.url}/looks/1", "query_id": 1}
    }
    async with sandbox.session.post(
        sandbox.bot_url + "/slack/post/channel/general",
        json=payload,
        headers={"X-Looker-Webhook-Token": "hook"},
    ) as r:
        assert r.status == 200
    runs = sandbox.looker.requests_to("/run/json_detail")
    assert [r.user_id for r in runs] == ["1"]


async def test_the_default_mode_runs_as_the_api_user(looker: LookerEmulator):
    looker.state.access_filters["3"] = {"customers.region": "East"}
    async with Sandbox(looker=looker) as sandbox:
        assert regions(await ask(sandbox, "revenue", "U0BOB")) == {"West", "East", "North", "South"}
        assert looker.requests_to("^/login/") == []


async def test_an_api_user_that_cannot_sudo_is_reported(looker: LookerEmulator):
    looker.admin_user_ids = set()
    instance = looker.instance_settings(custom_command_folder_id="10", run_as_user="email")
    async with Sandbox(looker=looker, lookers=(instance,)) as sandbox:
        text = await ask(sandbox, "revenue", "U0ALICE")
        assert "couldn't act as your Looker user" in text and "admin API user" in text


async def test_questions_run_as_the_person_asking(looker: LookerEmulator):
    looker.state.access_filters["3"] = {"customers.region": "East"}
    instance = looker.instance_settings(run_as_user="email", ask_explores=("thelook/orders",))
    async with Sandbox(looker=looker, lookers=(instance,)) as sandbox:
        bob = await ask(sandbox, "ask total revenue by region", "U0BOB")
        alice = await ask(sandbox, "ask total revenue by region", "U0ALICE")
    assert regions(bob) == {"East"}
    assert regions(alice) == {"West", "East", "North", "South"}
    runs = looker.requests_to("/run/json_detail", method="GET")
    assert sorted(r.user_id for r in runs) == ["2", "3"]
    # and each read the Explore's first day in their own session
    first_days = looker.requests_to("^/queries/run/json_detail$", method="POST")
    assert sorted(r.user_id for r in first_days) == ["2", "3"]


async def test_an_unconfirmed_email_from_another_organization_names_nobody(looker: LookerEmulator):
    # With shared channels allowed, a person of another organization, whose admin set
    # Alice's address on them, must not get Alice's Looker user.
    instance = looker.instance_settings(run_as_user="email", custom_command_folder_id="10")
    async with Sandbox(looker=looker, lookers=(instance,), allow_shared_workspaces=True) as sandbox:
        sandbox.slack.users["U0OTHER"]["profile"]["email"] = "alice@example.com"
        assert sandbox.slack.users["U0OTHER"]["is_email_confirmed"] is False
        sandbox.looker.requests.clear()
        text = await ask(sandbox, "revenue", "U0OTHER")
        assert text.startswith(":warning: Slack hasn't confirmed your email address")
        assert sandbox.looker.requests_to("^/login/") == []
        assert sandbox.looker.requests_to("^/queries") == []
    # Confirmed by Slack, the address names its Looker user.
    async with Sandbox(looker=looker, lookers=(instance,), allow_shared_workspaces=True) as sandbox:
        sandbox.slack.users["U0OTHER"]["profile"]["email"] = "alice@example.com"
        sandbox.slack.users["U0OTHER"]["is_email_confirmed"] = True
        assert "West" in await ask(sandbox, "revenue", "U0OTHER")


async def test_a_question_is_read_with_the_askers_own_fields_and_values(looker: LookerEmulator):
    # Bob may see only the East region: the values that shape his answer come from his own
    # session, so "West" means nothing to the bot when he asks, and probes nothing.
    looker.state.access_filters["3"] = {"customers.region": "East"}
    instance = looker.instance_settings(run_as_user="email", ask_explores=("thelook/orders",))
    async with Sandbox(looker=looker, lookers=(instance,)) as sandbox:
        bob = await ask(sandbox, "ask total revenue in West", "U0BOB")
        alice = await ask(sandbox, "ask total revenue in West", "U0ALICE")
    explore_reads = {r.user_id for r in looker.requests_to("/lookml_models/")}
    suggestion_reads = {r.user_id for r in looker.requests_to("/suggestions")}
    assert explore_reads == {"2", "3"} and suggestion_reads == {"2", "3"}  # never the bot's
    created = [
        (r.user_id, r.body.get("filters")) for r in looker.requests_to("^/queries$", method="POST")
    ]
    assert created == [("2", {"customers.region": "West"})]  # Alice's; nothing ran for Bob
    assert bob.startswith(":warning: I didn't understand `West`")
    assert "Region is West" in alice
