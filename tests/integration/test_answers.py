"""What people do with an answer in Slack: refresh it, switch chart and table, get its CSV,
change a filter in place, subscribe to it (a Looker scheduled plan delivering to the bot),
and manage subscriptions, in messages and in the App Home tab.

Everything goes through the emulators: signed clicks, menus and modals from the Slack
driver, the bot's real app, and scheduled plans that Looker's emulator runs and delivers to
the bot's webhook route on loopback.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import datetime
from typing import Any

import pytest

from lookerbot.sandbox.demo import SELF, Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.slack_emulator import PostedMessage
from lookerbot.settings import Secret
from tests.helpers import response_text, text_of

HOOK = "looker-webhook-token"
HUB_TOKEN = "action-hub-token-0123456789"
REGIONS = ("West", "East", "North", "South")
ASK = ("thelook/orders",)
EVERY_BUTTON = ["answer:refresh", "answer:view", "answer:csv", "answer:open", "answer:subscribe"]


def instance(looker: LookerEmulator, **extra: Any):
    return looker.instance_settings(
        custom_command_folder_id="10", webhook_token=Secret(HOOK), **extra
    )


@pytest.fixture
async def sandbox(looker: LookerEmulator):
    looker.schedules.webhook_token = HOOK
    async with Sandbox(
        looker=looker, lookers=(instance(looker, ask_explores=ASK),), public_url=SELF
    ) as running:
        yield running


async def mention(sandbox: Sandbox, text: str, channel: str = "C0GENERAL") -> PostedMessage:
    """``@looker <text>`` in a channel; the bot's answer."""
    await sandbox.driver.mention(text, channel=channel)
    await sandbox.settle()
    return answer_in(sandbox, channel)


def answer_in(sandbox: Sandbox, channel: str) -> PostedMessage:
    """The latest message of the bot in ``channel`` that is not a file or a thread reply."""
    return [
        m
        for m in sandbox.slack.visible_messages(channel)
        if not m.files and not m.thread_ts and m.ephemeral_to is None
    ][-1]


def buttons(message: PostedMessage) -> dict[str, dict[str, Any]]:
    return {
        e["action_id"]: e
        for b in message.blocks
        if b.get("type") == "actions"
        for e in b["elements"]
        if e.get("type") == "button"
    }


def regions(text: str) -> set[str]:
    return {r for r in REGIONS if r in text}


def private_notes(sandbox: Sandbox) -> list[str]:
    return [response_text(r.body) for r in sandbox.slack.responses] + [
        text_of(m) for m in sandbox.slack.messages if m.ephemeral_to
    ]


# -- actions on an answer ---------------------------------------------------------------


async def test_an_answer_carries_refresh_chart_csv_open_and_subscribe(sandbox: Sandbox):
    answer = await mention(sandbox, "revenue")
    shown = buttons(answer)
    assert list(shown) == EVERY_BUTTON
    assert shown["answer:view"]["text"]["text"] == "Chart"  # the table is shown
    assert shown["answer:open"]["url"] == f"{sandbox.looker.url}/dashboards/2"
    # Each button carries what the answer is: a click needs nothing remembered.
    assert all(len(b.get("value", "")) <= 2000 for b in shown.values())


async def test_refresh_runs_the_answer_again_in_place_and_stamps_it(sandbox: Sandbox):
    answer = await mention(sandbox, "revenue west")
    runs_before = len(sandbox.looker.requests_to("/run/json_detail"))
    updates = answer.updates
    response, _ = await sandbox.driver.press(answer, "answer:refresh", user="U0BOB")
    assert response.status == 200
    await sandbox.settle()
    again = answer_in(sandbox, "C0GENERAL")
    assert again.ts == answer.ts and again.updates == updates + 1
    assert len(sandbox.looker.requests_to("/run/json_detail")) == runs_before + 1
    text = text_of(again)
    assert regions(text) == {"West"}  # the same filters as before
    assert "Refreshed by <@U0BOB>" in json.dumps(again.blocks)


async def test_chart_then_table_switches_in_place(sandbox: Sandbox):
    answer = await mention(sandbox, "revenue")
    await sandbox.driver.press(answer, "answer:view")
    await sandbox.settle()
    charted = answer_in(sandbox, "C0GENERAL")
    assert charted.ts == answer.ts
    assert buttons(charted)["answer:view"]["text"]["text"] == "Table"
    (chart,) = [m for m in sandbox.slack.visible_messages("C0GENERAL") if m.files]
    assert chart.thread_ts == answer.ts  # the chart goes into the answer's thread
    png = sandbox.slack.files[chart.files[0]].data
    assert png.startswith(b"\x89PNG")
    # The chart was drawn from a copy of the query made a chart.
    rendered = sandbox.looker.requests_to("^/render_tasks/queries/", method="POST")
    (made,) = [
        r.body
        for r in sandbox.looker.requests_to("^/queries$", method="POST")
        if (r.body.get("vis_config") or {}).get("type") == "looker_column"
    ]
    assert made["fields"] == ["customers.region", "orders.total_revenue"]
    assert rendered
    await sandbox.driver.press(charted, "answer:view")
    await sandbox.settle()
    tabled = answer_in(sandbox, "C0GENERAL")
    assert buttons(tabled)["answer:view"]["text"]["text"] == "Chart"
    assert regions(text_of(tabled)) == set(REGIONS)


async def test_csv_attaches_the_whole_result_in_the_thread(sandbox: Sandbox):
    answer = await mention(sandbox, "revenue")
    await sandbox.driver.press(answer, "answer:csv")
    await sandbox.settle()
    (posted,) = [m for m in sandbox.slack.visible_messages("C0GENERAL") if m.files]
    uploaded = sandbox.slack.files[posted.files[0]]
    assert posted.thread_ts == answer.ts and uploaded.filename == "revenue.csv"
    rows = list(csv.reader(io.StringIO(uploaded.data.decode())))
    assert sorted(rows[0]) == ["Customers Region", "Orders Total Revenue"]
    region = rows[0].index("Customers Region")
    assert {r[region] for r in rows[1:]} == set(REGIONS)


async def test_a_forged_button_gets_a_warning_not_a_crash(sandbox: Sandbox):
    answer = await mention(sandbox, "revenue")
    updates = answer.updates
    forged = PostedMessage(
        channel=answer.channel,
        ts=answer.ts,
        text=answer.text,
        blocks=[
            {
                "type": "actions",
                "block_id": "answer_actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "answer:refresh",
                        "text": {"type": "plain_text", "text": "Refresh"},
                        "value": '{"k":"c","u":"https://elsewhere.example.com","t":"2","n":"x","v":"t"}',
                    }
                ],
            }
        ],
    )
    response, _ = await sandbox.driver.press(forged, "answer:refresh")
    assert response.status == 200
    await sandbox.settle()
    assert any("no longer knows" in n for n in private_notes(sandbox))
    assert answer_in(sandbox, "C0GENERAL").updates == updates


# -- filters in place -------------------------------------------------------------------


async def test_a_filter_menu_offers_lookers_suggestions_and_reruns_in_place(sandbox: Sandbox):
    answer = await mention(sandbox, "revenue")
    (menus,) = [b for b in answer.blocks if str(b.get("block_id", "")).startswith("answer_filters")]
    (menu,) = menus["elements"]
    assert menu["type"] == "external_select" and menu["placeholder"]["text"] == "Region"
    offered = await sandbox.driver.suggest(answer, menu["action_id"], "")
    assert offered.sent and offered.problems == []
    assert {o["value"] for o in offered.options} == set(REGIONS)
    offered = await sandbox.driver.suggest(answer, menu["action_id"], "ea")
    assert [o["value"] for o in offered.options] == ["East"]
    await sandbox.driver.select_external(answer, menu["action_id"], "East")
    await sandbox.settle()
    again = answer_in(sandbox, "C0GENERAL")
    assert again.ts == answer.ts
    assert regions(text_of(again)) == {"East"}
    (menus,) = [b for b in again.blocks if str(b.get("block_id", "")).startswith("answer_filters")]
    assert menus["elements"][0]["initial_option"]["value"] == "East"
    assert buttons(again)["answer:open"]["url"].endswith("/dashboards/2?Region=East")


# -- subscribing -------------------------------------------------------------------------


async def subscribe(
    sandbox: Sandbox, answer: PostedMessage, user: str = "U0ALICE", **values: str
) -> dict[str, Any]:
    """Press Subscribe, fill in the modal, submit; the plan Looker now has."""
    before = set(sandbox.looker.schedules.plans)
    response, _ = await sandbox.driver.press(answer, "answer:subscribe", user=user)
    assert response.status == 200
    view = list(sandbox.slack.views.values())[-1]
    chosen = {"frequency": "daily", "time": "09:00", "timezone": "Europe/Amsterdam"}
    submitted = await sandbox.driver.submit_view(view, {**chosen, **values}, user=user)
    assert submitted.status == 200
    await sandbox.settle()
    (new,) = set(sandbox.looker.schedules.plans) - before
    return sandbox.looker.schedules.plans[new]


async def fire(sandbox: Sandbox, plan: dict[str, Any]):
    """Let Looker's clock reach the plan's next run; the bot posts what Looker sends."""
    due = datetime.fromisoformat(plan["next_run_at"].replace("Z", "+00:00"))
    runs = await sandbox.looker.schedules.run_due(due)
    await sandbox.settle()
    return runs


async def test_subscribe_creates_a_plan_that_posts_to_the_channel_when_it_fires(sandbox: Sandbox):
    answer = await mention(sandbox, "revenue west")
    await sandbox.driver.press(answer, "answer:subscribe")
    view = list(sandbox.slack.views.values())[-1]
    zone = next(b for b in view["blocks"] if b.get("block_id") == "timezone")
    # The person's own Slack time zone comes first, chosen.
    assert zone["element"]["initial_option"]["value"] == "Europe/Amsterdam"
    assert "API user" in json.dumps(view["blocks"])  # without run-as, the modal says so
    plan = await subscribe(sandbox, answer, frequency="weekdays", time="08:30")
    assert plan["dashboard_id"] == "2" and plan["filters_string"] == "?Region=west"
    assert (plan["crontab"], plan["timezone"]) == ("30 8 * * 1-5", "Europe/Amsterdam")
    (destination,) = plan["scheduled_plan_destination"]
    assert destination["type"] == "webhook" and destination["format"] == "wysiwyg_png"
    assert destination["address"] == (f"{sandbox.bot_url}/slack/post/channel/C0GENERAL?by=U0ALICE")
    assert plan["user_id"] == "1"  # the API user's, without run-as
    assert any("Subscribed: *Revenue*" in n for n in private_notes(sandbox))
    before = len(sandbox.slack.visible_messages("C0GENERAL"))
    (run,) = await fire(sandbox, plan)
    assert run.status == "success" and run.deliveries[0].status == 200
    posted = sandbox.slack.visible_messages("C0GENERAL")[before:]
    assert any(m.files for m in posted)  # the dashboard's image arrived in #general


async def test_a_subscription_can_go_to_a_dm(sandbox: Sandbox):
    answer = await mention(sandbox, "revenue")
    plan = await subscribe(sandbox, answer, where="dm", frequency="weekly", day="5")
    assert plan["crontab"] == "0 9 * * 5"
    (destination,) = plan["scheduled_plan_destination"]
    assert destination["address"].endswith("/slack/post/dm/U0ALICE?by=U0ALICE")
    await fire(sandbox, plan)
    dm = sandbox.slack.visible_messages(sandbox.slack.dm_channel("U0ALICE"))
    assert any(m.files for m in dm)


async def test_subscribe_is_not_offered_without_a_public_url(looker: LookerEmulator):
    async with Sandbox(looker=looker, lookers=(instance(looker),)) as sandbox:
        answer = await mention(sandbox, "revenue")
        assert "answer:subscribe" not in buttons(answer)
        assert "answer:refresh" in buttons(answer)


# -- managing subscriptions ----------------------------------------------------------------


def menu_of(message_blocks: list[dict[str, Any]], plan_id: str) -> dict[str, Any]:
    return next(b for b in message_blocks if b.get("block_id") == f"subscription:{plan_id}")


async def test_subscriptions_lists_the_channels_plans_with_a_menu(sandbox: Sandbox):
    answer = await mention(sandbox, "revenue")
    plan = await subscribe(sandbox, answer)
    ack, _ = await sandbox.driver.slash("subscriptions", channel="C0GENERAL")
    assert ack.status == 200
    await sandbox.settle()
    listed = sandbox.slack.responses[-1].body
    text = response_text(listed)
    assert "Revenue" in text and "Every day at 09:00 (Europe/Amsterdam)" in text
    assert "Owner:" in text
    block = menu_of(listed["blocks"], plan["id"])
    assert [o["text"]["text"] for o in block["accessory"]["options"]] == [
        "Pause",
        "Send now",
        "Delete",
    ]


async def test_the_subscriber_can_pause_send_and_delete_but_another_person_cannot(
    sandbox: Sandbox,
):
    answer = await mention(sandbox, "revenue")
    plan = await subscribe(sandbox, answer, user="U0ALICE")
    await sandbox.driver.mention("subscriptions", channel="C0GENERAL", user="U0BOB")
    await sandbox.settle()
    (listing,) = [
        m for m in sandbox.slack.messages if m.ephemeral_to == "U0BOB" and "Revenue" in text_of(m)
    ]
    # Bob sees the channel's subscription, but may not delete Alice's.
    await sandbox.driver.choose_overflow(
        listing,
        "subscription:menu",
        _value(menu_of(listing.blocks, plan["id"]), "Delete"),
        user="U0BOB",
    )
    await sandbox.settle()
    assert plan["id"] in sandbox.looker.schedules.plans
    assert any("Only the person who subscribed" in n for n in private_notes(sandbox))
    # Alice pauses it, sends it now, and deletes it.
    await sandbox.driver.mention("subscriptions", channel="C0GENERAL", user="U0ALICE")
    await sandbox.settle()
    mine = [m for m in sandbox.slack.messages if m.ephemeral_to == "U0ALICE"][-1]
    menu = menu_of(mine.blocks, plan["id"])
    await sandbox.driver.choose_overflow(mine, "subscription:menu", _value(menu, "Pause"))
    await sandbox.settle()
    assert sandbox.looker.schedules.plans[plan["id"]]["enabled"] is False
    before = len(sandbox.slack.visible_messages("C0GENERAL"))
    await sandbox.driver.choose_overflow(mine, "subscription:menu", _value(menu, "Send now"))
    await sandbox.settle()
    await sandbox.looker.schedules.settle()
    await sandbox.settle()
    assert any(m.files for m in sandbox.slack.visible_messages("C0GENERAL")[before:])
    await sandbox.driver.choose_overflow(mine, "subscription:menu", _value(menu, "Delete"))
    await sandbox.settle()
    assert plan["id"] not in sandbox.looker.schedules.plans


def _value(block: dict[str, Any], label: str) -> str:
    return next(o["value"] for o in block["accessory"]["options"] if o["text"]["text"] == label)


# -- run-as: plans owned by the person -------------------------------------------------


@pytest.fixture
async def run_as_sandbox(looker: LookerEmulator):
    looker.schedules.webhook_token = HOOK
    looker.state.access_filters["3"] = {"customers.region": "East"}  # Bob sees the East
    settings = instance(looker, run_as_user="email", ask_explores=ASK)
    async with Sandbox(
        looker=looker, lookers=(settings,), public_url=SELF, webhooks=True
    ) as running:
        yield running


async def test_under_run_as_the_plan_is_the_persons_and_carries_their_data(run_as_sandbox):
    sandbox = run_as_sandbox
    answer = await mention(sandbox, "revenue")
    await sandbox.driver.press(answer, "answer:subscribe", user="U0BOB")
    view = list(sandbox.slack.views.values())[-1]
    assert "as you" in json.dumps(view["blocks"])
    plan = await subscribe(sandbox, answer, user="U0BOB")
    assert plan["user_id"] == "3"  # created in Bob's own Looker session
    creates = sandbox.looker.requests_to("^/scheduled_plans$", method="POST")
    assert [r.user_id for r in creates] == ["3"]
    before = len(sandbox.slack.visible_messages("C0GENERAL"))
    (run,) = await fire(sandbox, plan)
    assert run.user_id == "3" and run.status == "success"  # run with Bob's permissions
    # What reaches the channel is the image Looker rendered as Bob, not one the bot made
    # again as its API user.
    (posted,) = [m for m in sandbox.slack.visible_messages("C0GENERAL")[before:] if m.files]
    sent = base64.b64decode(run.deliveries[0].payload["attachment"]["data"])
    assert sandbox.slack.files[posted.files[0]].data == sent
    assert not sandbox.looker.requests_to("^/render_tasks/dashboards/", method="POST")
    # Alice (no admin) cannot delete Bob's plan: Looker refuses her.
    await sandbox.driver.mention("subscriptions", channel="C0GENERAL", user="U0ALICE")
    await sandbox.settle()
    listing = [m for m in sandbox.slack.messages if m.ephemeral_to == "U0ALICE"][-1]
    menu = menu_of(listing.blocks, plan["id"])
    await sandbox.driver.choose_overflow(
        listing, "subscription:menu", _value(menu, "Delete"), user="U0ALICE"
    )
    await sandbox.settle()
    assert plan["id"] in sandbox.looker.schedules.plans
    assert any("its owner or a Looker admin" in n for n in private_notes(sandbox))


async def test_under_run_as_the_action_hub_delivers_with_the_webhook_route_off(
    looker: LookerEmulator,
):
    settings = instance(looker, run_as_user="email")
    async with Sandbox(
        looker=looker,
        lookers=(settings,),
        public_url=SELF,
        webhooks=False,
        lookerbot_auth_token=Secret(HUB_TOKEN),
    ) as sandbox:
        # An admin connected the bot as an Action Hub (Admin > Actions).
        hub = looker.schedules.add_hub(sandbox.bot_url, authorization_token=HUB_TOKEN)
        answer = await mention(sandbox, "revenue")
        plan = await subscribe(sandbox, answer, user="U0BOB")
        (destination,) = plan["scheduled_plan_destination"]
        assert (destination["type"], destination["address"]) == (
            "looker-integration",
            f"{hub}::post",
        )
        assert json.loads(destination["parameters"]) == {"channel": "C0GENERAL", "by": "U0BOB"}
        assert plan["user_id"] == "3"
        before = len(sandbox.slack.visible_messages("C0GENERAL"))
        (run,) = await fire(sandbox, plan)
        assert run.status == "success" and run.deliveries[0].url.endswith(
            "/slack/post_from_query_action"
        )
        (posted,) = [m for m in sandbox.slack.visible_messages("C0GENERAL")[before:] if m.files]
        sent = base64.b64decode(run.deliveries[0].payload["attachment"]["data"])
        assert sandbox.slack.files[posted.files[0]].data == sent
        # Bob's list shows it, found through the hub.
        await sandbox.driver.mention("subscriptions", channel="C0GENERAL", user="U0BOB")
        await sandbox.settle()
        listing = [m for m in sandbox.slack.messages if m.ephemeral_to == "U0BOB"][-1]
        assert menu_of(listing.blocks, plan["id"])


async def test_an_ask_answer_is_saved_as_a_look_and_subscribed_to(sandbox: Sandbox):
    answer = await mention(sandbox, "ask revenue by region")
    assert "answer:subscribe" in buttons(answer)
    await sandbox.driver.press(answer, "answer:subscribe")
    view = list(sandbox.slack.views.values())[-1]
    assert "personal folder" in json.dumps(view["blocks"])
    plan = await subscribe(sandbox, answer)
    look = sandbox.looker.state.looks[str(plan["look_id"])]
    # Saved in the API user's personal folder (without run-as), of the answer's query.
    assert look["folder_id"] == sandbox.looker.state.users["1"]["personal_folder_id"]
    query = sandbox.looker.state.queries[look["query_id"]]
    assert sorted(query["fields"]) == ["customers.region", "orders.total_revenue"]
    assert (plan["require_results"], plan["require_no_results"], plan["require_change"]) == (
        False,
        False,
        False,
    )
    (destination,) = plan["scheduled_plan_destination"]
    assert destination["format"] == "json_detail"
    before = len(sandbox.slack.visible_messages("C0GENERAL"))
    (run,) = await fire(sandbox, plan)
    assert run.status == "success" and run.deliveries[0].status == 200
    (posted,) = sandbox.slack.visible_messages("C0GENERAL")[before:]
    assert regions(text_of(posted)) == set(REGIONS)  # the data Looker sent, as a table


async def test_under_run_as_an_ask_subscription_is_the_persons_look_and_data(run_as_sandbox):
    sandbox = run_as_sandbox
    answer = await mention(sandbox, "ask revenue by region")
    assert regions(text_of(answer)) == set(REGIONS)  # Alice asked
    plan = await subscribe(sandbox, answer, user="U0BOB")
    assert plan["user_id"] == "3"
    look = sandbox.looker.state.looks[str(plan["look_id"])]
    assert look["folder_id"] == sandbox.looker.state.users["3"]["personal_folder_id"]
    assert [r.user_id for r in sandbox.looker.requests_to("^/looks$", method="POST")] == ["3"]
    before = len(sandbox.slack.visible_messages("C0GENERAL"))
    (run,) = await fire(sandbox, plan)
    assert run.user_id == "3" and run.status == "success"
    (posted,) = sandbox.slack.visible_messages("C0GENERAL")[before:]
    # Bob's data as Looker ran it for him; the bot ran nothing again as its API user.
    assert regions(text_of(posted)) == {"East"}
    assert not sandbox.looker.requests_to(f"^/looks/{look['id']}$")
    # Alice does not see Bob's personal folder, so neither his Look.
    assert not sandbox.looker.state.visible("2", look["folder_id"])


async def test_a_scheduled_look_post_carries_the_answer_buttons(sandbox: Sandbox):
    # A schedule made in Looker (not from Slack) of Look 1 to #general.
    plan = await sandbox.looker.schedules.create(
        "1",
        {
            "name": "Revenue by Region",
            "look_id": "1",
            "crontab": "0 9 * * *",
            "timezone": "UTC",
            "require_results": False,
            "require_no_results": False,
            "require_change": False,
            "scheduled_plan_destination": [
                {
                    "type": "webhook",
                    "format": "csv",
                    "address": f"{sandbox.bot_url}/slack/post/channel/general",
                }
            ],
        },
    )
    (run,) = await fire(sandbox, plan)
    assert run.deliveries[0].status == 200
    posted = answer_in(sandbox, "C0GENERAL")
    assert "Revenue by Region" in text_of(posted)
    shown = buttons(posted)
    assert list(shown) == EVERY_BUTTON
    assert shown["answer:open"]["url"] == f"{sandbox.looker.url}/looks/1"
    # Refresh runs the Look again in place, as the person who presses.
    await sandbox.driver.press(posted, "answer:refresh")
    await sandbox.settle()
    refreshed = answer_in(sandbox, "C0GENERAL")
    assert refreshed.ts == posted.ts and refreshed.updates >= 1
    assert "Refreshed by" in text_of(refreshed)
    # Subscribing schedules the Look itself: nothing is saved again.
    looks = len(sandbox.looker.state.looks)
    mine = await subscribe(sandbox, refreshed)
    assert mine["look_id"] == "1" and len(sandbox.looker.state.looks) == looks


async def test_a_scheduled_dashboard_post_can_be_refreshed_filtered_and_subscribed(
    sandbox: Sandbox,
):
    plan = await sandbox.looker.schedules.create(
        "1",
        {
            "name": "Revenue",
            "dashboard_id": "2",
            "filters_string": "?Region=west",
            "crontab": "0 9 * * *",
            "timezone": "UTC",
            "scheduled_plan_destination": [
                {
                    "type": "webhook",
                    "format": "wysiwyg_png",
                    "address": f"{sandbox.bot_url}/slack/post/channel/general",
                }
            ],
        },
    )
    await fire(sandbox, plan)
    posted = [m for m in sandbox.slack.visible_messages("C0GENERAL") if m.blocks][-1]
    assert {"answer:refresh", "answer:open", "answer:subscribe"} <= set(buttons(posted))
    menus = [b for b in posted.blocks if b.get("block_id", "").startswith("answer_filters:")]
    assert menus, posted.blocks  # the dashboard's filter, with the schedule's value
    mine = await subscribe(sandbox, posted)
    assert mine["dashboard_id"] == "2" and mine["filters_string"] == "?Region=west"


async def test_under_run_as_a_refresh_runs_as_the_person_who_presses(run_as_sandbox):
    sandbox = run_as_sandbox
    answer = await mention(sandbox, "revenue")
    assert regions(text_of(answer)) == set(REGIONS)  # Alice asked
    await sandbox.driver.press(answer, "answer:refresh", user="U0BOB")
    await sandbox.settle()
    assert regions(text_of(answer_in(sandbox, "C0GENERAL"))) == {"East"}


# -- the Home tab ----------------------------------------------------------------------


async def test_the_home_tab_shows_identity_commands_and_subscriptions(sandbox: Sandbox):
    answer = await mention(sandbox, "revenue")
    plan = await subscribe(sandbox, answer)
    opened = await sandbox.driver.open_home()
    assert opened is not None and opened.status == 200
    await sandbox.settle()
    home = sandbox.driver.home()
    assert home is not None
    text = json.dumps(home["blocks"])
    assert "API user" in text and "`revenue`" in text
    menu = menu_of(home["blocks"], plan["id"])
    await sandbox.driver.choose_overflow(home, "subscription:menu", _value(menu, "Pause"))
    await sandbox.settle()
    assert sandbox.looker.schedules.plans[plan["id"]]["enabled"] is False
    home = sandbox.driver.home()
    assert home is not None
    assert "Resume" in json.dumps(menu_of(home["blocks"], plan["id"]))


async def test_the_home_tab_fits_slack_with_200_commands_and_50_subscriptions(
    looker: LookerEmulator,
):
    looker.schedules.webhook_token = HOOK
    # 200 more dashboards in the commands folder and its subfolders: 200 more commands.
    template = looker.state.dashboards["3"]
    for n in range(200):
        did = str(1000 + n)
        looker.state.dashboards[did] = {
            **template,
            "id": did,
            "title": f"Metric {n:03d}",
            "folder_id": ("10", "11", "12")[n % 2],
        }
    async with Sandbox(looker=looker, lookers=(instance(looker),), public_url=SELF) as sandbox:
        answer = await mention(sandbox, "revenue")
        for _ in range(50):
            await subscribe(sandbox, answer)
        opened = await sandbox.driver.open_home()
        assert opened is not None and opened.status == 200
        await sandbox.settle()
        home = sandbox.driver.home()
        assert home is not None  # views.publish took it: Slack's rules held
        assert len(home["blocks"]) <= 100
        text = json.dumps(home["blocks"])
        assert "metric 000" in text
        shown = [
            b for b in home["blocks"] if str(b.get("block_id", "")).startswith("subscription:")
        ]
        # As many as fit, and a note saying how many more there are.
        assert len(shown) >= 40
        assert len(shown) == 50 or f"{50 - len(shown)} more subscriptions" in text
