"""The Slack emulator's App Home, views.publish, overflow menus and external selects.

A small Bolt app on 127.0.0.1 stands in for the bot; the driver acts as a person (opens the
Home tab, presses, chooses, types into an external select), signing each request as Slack
does; the app answers through slack_sdk's AsyncWebClient against the emulator. Each rule
refuses what breaks it (sources in blockkit.py, slack_emulator.py, slack_driver.py).
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from lookerbot.manifest import build_manifest
from lookerbot.sandbox.slack_driver import SlackDriver, SlackDriverError
from lookerbot.sandbox.slack_emulator import SlackEmulator

SECRET = "home-test-signing-secret"
EXPLORES = ["Orders", "Order Items", "Customers", "Products", "Returns"]


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def option(text: str, value: str | None = None) -> dict[str, Any]:
    return {"text": plain(text), "value": value or text.lower().replace(" ", "_")}


def home_view(note: str = "Pick an Explore") -> dict[str, Any]:
    return {
        "type": "home",
        "callback_id": "home",
        "blocks": [
            {
                "type": "section",
                "block_id": "subs",
                "text": {"type": "mrkdwn", "text": "*Revenue every morning*"},
                "accessory": {
                    "type": "overflow",
                    "action_id": "sub_menu",
                    "options": [option("Pause"), option("Delete")],
                },
            },
            {
                "type": "actions",
                "block_id": "explore",
                "elements": [
                    {
                        "type": "external_select",
                        "action_id": "explore_pick",
                        "placeholder": plain(note),
                        "min_query_length": 2,
                    },
                    {"type": "button", "action_id": "refresh", "text": plain("Refresh")},
                ],
            },
        ],
    }


def home_manifest(*, home_tab: bool = True, subscribe: bool = True) -> dict[str, Any]:
    """An app manifest with a Home tab and the ``app_home_opened`` event (or without)."""
    manifest = copy.deepcopy(build_manifest(None))
    manifest["features"]["app_home"]["home_tab_enabled"] = home_tab
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    if subscribe and "app_home_opened" not in events:
        events.append("app_home_opened")
    if not subscribe and "app_home_opened" in events:
        events.remove("app_home_opened")
    return manifest


@dataclass
class HomeApp:
    """What the Bolt app saw."""

    url: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    options: list[dict[str, Any]] | None = None
    """Options to answer with instead of the matching Explores."""


async def serve_app(slack: SlackEmulator, session: aiohttp.ClientSession) -> tuple[HomeApp, Any]:
    seen = HomeApp()
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url, session=session)
    app = AsyncApp(client=client, signing_secret=SECRET, process_before_response=True)

    @app.event("app_home_opened")
    async def opened(event: dict[str, Any], client: AsyncWebClient) -> None:
        seen.events.append(event)
        await client.views_publish(user_id=event["user"], view=home_view())

    @app.options("explore_pick")
    async def explores(ack: Any, body: dict[str, Any]) -> None:
        seen.suggestions.append(body)
        typed = body["value"].lower()
        matching = [option(e) for e in EXPLORES if typed in e.lower()]
        await ack(options=seen.options if seen.options is not None else matching)

    @app.action("explore_pick")
    async def picked(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        seen.actions.append(body)
        chosen = body["actions"][0]["selected_option"]["text"]["text"]
        await client.views_publish(
            user_id=body["user"]["id"],
            view=home_view(f"Exploring {chosen}"),
            hash=body["view"]["hash"],
        )

    @app.action("sub_menu")
    @app.action("refresh")
    async def acted(ack: Any, body: dict[str, Any]) -> None:
        await ack()
        seen.actions.append(body)

    async def handle(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    server = web.Application()
    server.router.add_post("/slack/events", handle)
    runner = web.AppRunner(server)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    seen.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    return seen, runner


@pytest.fixture
async def slack() -> AsyncIterator[SlackEmulator]:
    async with SlackEmulator(manifest=home_manifest()) as emulator:
        yield emulator


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as http:
        yield http


@pytest.fixture
async def bolt(slack: SlackEmulator, session: aiohttp.ClientSession) -> AsyncIterator[HomeApp]:
    seen, runner = await serve_app(slack, session)
    try:
        yield seen
    finally:
        await runner.cleanup()


@pytest.fixture
def driver(slack: SlackEmulator, bolt: HomeApp, session: aiohttp.ClientSession) -> SlackDriver:
    return SlackDriver(bot_url=bolt.url, signing_secret=SECRET, slack=slack, session=session)


@pytest.fixture
def client(slack: SlackEmulator, session: aiohttp.ClientSession) -> AsyncWebClient:
    return AsyncWebClient(
        token=slack.bot_token, base_url=slack.api_url, session=session, retry_handlers=[]
    )


async def opened_home(driver: SlackDriver) -> dict[str, Any]:
    answer = await driver.open_home()
    assert answer is not None and answer.status == 200
    home = driver.home()
    assert home is not None
    return home


# -- views.publish -------------------------------------------------------------------------


async def test_views_publish_takes_a_100_block_home_and_refuses_101(slack, client):
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "A line"}}
    published = await client.views_publish(
        user_id="U0ALICE", view={"type": "home", "blocks": [section] * 100}
    )
    view = published["view"]
    assert view["id"] and view["hash"] and view["type"] == "home"
    assert len(view["blocks"]) == 100 and view["state"] == {"values": {}}
    with pytest.raises(SlackApiError) as refused:
        await client.views_publish(
            user_id="U0ALICE", view={"type": "home", "blocks": [section] * 101}
        )
    assert refused.value.response["error"] == "invalid_arguments"
    assert refused.value.response["response_metadata"]["messages"] == [
        "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]"
    ]
    assert slack.homes["U0ALICE"] == view  # the refused one changed nothing


async def test_views_publish_keeps_one_view_per_person_and_checks_the_hash(slack, client):
    first = (await client.views_publish(user_id="U0ALICE", view=home_view()))["view"]
    second = (
        await client.views_publish(user_id="U0ALICE", view=home_view("Again"), hash=first["hash"])
    )["view"]
    assert second["id"] == first["id"] and second["hash"] != first["hash"]
    with pytest.raises(SlackApiError) as stale:
        await client.views_publish(user_id="U0ALICE", view=home_view("Late"), hash=first["hash"])
    assert stale.value.response["error"] == "hash_conflict"
    assert slack.homes["U0ALICE"]["blocks"][1]["elements"][0]["placeholder"]["text"] == "Again"
    bob = (await client.views_publish(user_id="U0BOB", view=home_view()))["view"]
    assert bob["id"] != first["id"]
    with pytest.raises(SlackApiError) as nobody:
        await client.views_publish(user_id="U0NOBODY", view=home_view())
    assert nobody.value.response["error"] == "user_not_found"


@pytest.mark.parametrize(
    ("element", "problem"),
    [
        (
            {"type": "overflow", "action_id": "o", "options": []},
            "must provide at least 1 items [json-pointer:/view/blocks/0/accessory/options]",
        ),
        (
            {"type": "overflow", "action_id": "o", "options": [option(str(i)) for i in range(6)]},
            "no more than 5 items allowed [json-pointer:/view/blocks/0/accessory/options]",
        ),
        (
            {
                "type": "overflow",
                "action_id": "o",
                "options": [{"text": {"type": "mrkdwn", "text": "x"}}],
            },
            "unsupported type: mrkdwn (expected plain_text) "
            "[json-pointer:/view/blocks/0/accessory/options/0/text/type]",
        ),
        (
            {"type": "external_select", "action_id": "e", "options": [option("x")]},
            "unknown field: options [json-pointer:/view/blocks/0/accessory/options]",
        ),
        (
            {"type": "external_select", "action_id": "e", "min_query_length": "2"},
            "must be a integer [json-pointer:/view/blocks/0/accessory/min_query_length]",
        ),
        (
            {
                "type": "external_select",
                "action_id": "e",
                "initial_option": {"text": {"type": "mrkdwn", "text": "x"}, "value": "x"},
            },
            "unsupported type: mrkdwn (expected plain_text) "
            "[json-pointer:/view/blocks/0/accessory/initial_option/text/type]",
        ),
    ],
)
async def test_a_home_with_an_element_slack_refuses_is_refused(slack, client, element, problem):
    block = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}, "accessory": element}
    with pytest.raises(SlackApiError) as refused:
        await client.views_publish(user_id="U0ALICE", view={"type": "home", "blocks": [block]})
    assert refused.value.response["response_metadata"]["messages"] == [f"[ERROR] {problem}"]
    assert slack.homes == {}


# -- the App Home, through a Bolt app -------------------------------------------------------


async def test_opening_the_home_tab_sends_app_home_opened(driver, bolt):
    home = await opened_home(driver)
    (event,) = bolt.events
    assert (event["type"], event["user"], event["tab"]) == ("app_home_opened", "U0ALICE", "home")
    assert event["channel"] == driver.slack.dm_channel("U0ALICE") and "view" not in event
    assert [b["block_id"] for b in home["blocks"]] == ["subs", "explore"]
    await driver.open_home()
    assert bolt.events[1]["view"]["id"] == home["id"]  # the view it published, sent back


async def test_a_button_in_the_home_tab(driver, bolt):
    home = await opened_home(driver)
    answer, response_url = await driver.press(home, "refresh")
    assert answer.status == 200 and response_url is None
    (body,) = bolt.actions
    assert body["type"] == "block_actions"
    assert body["container"] == {"type": "view", "view_id": home["id"]}
    assert body["view"]["id"] == home["id"] and body["view"]["hash"] == home["hash"]
    assert "response_url" not in body
    (pressed,) = body["actions"]
    assert (pressed["type"], pressed["action_id"], pressed["block_id"]) == (
        "button",
        "refresh",
        "explore",
    )


async def test_choosing_from_an_overflow_menu(driver, bolt):
    home = await opened_home(driver)
    answer, _ = await driver.choose_overflow(home, "sub_menu", "pause")
    assert answer.status == 200
    (chosen,) = bolt.actions[0]["actions"]
    assert chosen["type"] == "overflow" and chosen["block_id"] == "subs"
    assert chosen["selected_option"] == {"text": plain("Pause"), "value": "pause"}
    with pytest.raises(SlackDriverError):
        await driver.choose_overflow(home, "sub_menu", "archive")  # not on the menu
    with pytest.raises(SlackDriverError):
        await driver.choose_overflow(home, "refresh", "pause")  # a button, not a menu


async def test_an_external_select_asks_the_app_and_shows_its_options(driver, bolt):
    home = await opened_home(driver)
    too_short = await driver.suggest(home, "explore_pick", "o")  # min_query_length 2
    assert not too_short.sent and bolt.suggestions == []
    shown = await driver.suggest(home, "explore_pick", "ord")
    assert shown.sent and shown.status == 200 and shown.problems == []
    assert [o["value"] for o in shown.options] == ["orders", "order_items"]
    (asked,) = bolt.suggestions
    assert (asked["type"], asked["action_id"], asked["block_id"], asked["value"]) == (
        "block_suggestion",
        "explore_pick",
        "explore",
        "ord",
    )
    assert asked["container"] == {"type": "view", "view_id": home["id"]}
    assert asked["view"]["id"] == home["id"]

    answer, _ = await driver.select_external(home, "explore_pick", "order_items")
    assert answer.status == 200
    (body,) = bolt.actions
    (picked,) = body["actions"]
    assert picked["type"] == "external_select"
    assert picked["selected_option"] == option("Order Items")
    assert body["view"]["state"]["values"] == {
        "explore": {
            "explore_pick": {"type": "external_select", "selected_option": option("Order Items")}
        }
    }
    # The app re-published the Home tab with the hash it was sent: Slack took it.
    placeholder = driver.home()["blocks"][1]["elements"][0]["placeholder"]["text"]
    assert placeholder == "Exploring Order Items"
    with pytest.raises(SlackDriverError):
        await driver.select_external(home, "explore_pick", "returns")  # never offered


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ([option(f"Explore {i}", str(i)) for i in range(101)], "no more than 100 items allowed"),
        ([option("x" * 76, "x")], "must be less than 76 characters"),
        ([{"text": {"type": "mrkdwn", "text": "*x*"}, "value": "x"}], "unsupported type: mrkdwn"),
    ],
)
async def test_options_slack_refuses_are_not_shown(driver, bolt, answer, problem):
    home = await opened_home(driver)
    bolt.options = answer
    shown = await driver.suggest(home, "explore_pick", "any")
    assert shown.sent and shown.options == []
    assert any(problem in p for p in shown.problems), shown.problems
    with pytest.raises(SlackDriverError):
        await driver.select_external(home, "explore_pick", answer[0]["value"])


async def test_an_overflow_in_a_message_carries_the_message_and_a_response_url(
    slack, driver, bolt, client
):
    posted = await client.chat_postMessage(
        channel="C0GENERAL", text="x", blocks=home_view()["blocks"]
    )
    (message,) = slack.visible_messages("C0GENERAL")
    assert message.ts == posted["ts"]
    answer, response_url = await driver.choose_overflow(message, "sub_menu", "delete")
    assert answer.status == 200 and response_url
    (body,) = bolt.actions
    assert body["container"]["type"] == "message"
    assert body["container"]["message_ts"] == message.ts
    assert body["channel"]["id"] == "C0GENERAL" and body["response_url"] == response_url
    assert body["actions"][0]["selected_option"]["value"] == "delete"


# -- the app's manifest decides what Slack shows and sends ---------------------------------


async def test_no_home_tab_without_home_tab_enabled(session, bolt):
    async with SlackEmulator(manifest=home_manifest(home_tab=False)) as bot_manifest:
        assert not bot_manifest.home_tab_enabled
        driver = SlackDriver(
            bot_url=bolt.url, signing_secret=SECRET, slack=bot_manifest, session=session
        )
        with pytest.raises(SlackDriverError):
            await driver.open_home()
    assert bolt.events == []


async def test_no_app_home_opened_event_without_the_subscription(session, bolt):
    manifest = home_manifest(subscribe=False)
    async with SlackEmulator(manifest=manifest) as unsubscribed:
        assert unsubscribed.home_tab_enabled and not unsubscribed.subscribed("app_home_opened")
        driver = SlackDriver(
            bot_url=bolt.url, signing_secret=SECRET, slack=unsubscribed, session=session
        )
        assert await driver.open_home() is None
    assert bolt.events == []
