"""Data actions: LookML actions posting to Slack, the Action Hub, buttons and modals."""

from __future__ import annotations

import json

import pytest

from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.settings import Secret
from tests.helpers import response_text, text_of

HOOK = "looker-webhook-token"
AUTH = {"Authorization": 'Token token="lookerbot-auth-token"'}


@pytest.fixture
async def sandbox(looker: LookerEmulator):
    async with Sandbox(
        looker=looker,
        lookers=(
            looker.instance_settings(webhook_token=Secret(HOOK), custom_command_folder_id="10"),
        ),
        lookerbot_auth_token=Secret("lookerbot-auth-token"),
        public_url="https://bot.example.com",
    ) as running:
        yield running


async def call(sandbox: Sandbox, path: str, payload=None, headers=AUTH):
    async with sandbox.session.post(
        sandbox.bot_url + path, json=payload or {}, headers=headers
    ) as r:
        return r.status, await r.json()


# -- LookML data actions and the Action Hub ---------------------------------------------------


async def test_a_data_action_posts_its_message(sandbox: Sandbox):
    payload = {
        "type": "cell",
        "data": {"message": ":bell: 12 orders <!channel>", "channel": "#sales"},
    }
    status, body = await call(
        sandbox, "/data_actions", payload, headers={"X-Looker-Webhook-Token": HOOK}
    )
    assert (status, body) == (
        200,
        {"looker": {"success": True, "message": "Sent message to #sales!"}},
    )
    (message,) = sandbox.slack.visible_messages("C0SALES")
    assert message.text == ":bell: 12 orders &lt;!channel&gt;"


async def test_form_values_win_over_params(sandbox: Sandbox):
    payload = {
        "data": {"message": "from LookML", "channel": "#general"},
        "form_params": {"channel": "C0SALES"},
    }
    status, body = await call(sandbox, "/data_actions", payload)
    assert status == 200 and body["looker"]["message"] == "Sent message to #sales!"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"data": {"channel": "#sales"}}, "message must be a string."),
        ({"data": {"message": "hi", "channel": 5}}, "channel must be a string."),
        ({"form_params": {"message": ["x"], "channel": "#sales"}}, "message must be a string."),
    ],
)
async def test_bad_data_actions_get_400(sandbox: Sandbox, payload, message):
    status, body = await call(sandbox, "/data_actions", payload)
    assert status == 400 and body["looker"] == {"success": False, "message": message}
    assert sandbox.slack.calls_to("chat.postMessage") == []


async def test_a_data_action_to_an_unknown_channel(sandbox: Sandbox):
    status, body = await call(
        sandbox, "/data_actions", {"data": {"message": "x", "channel": "#nope"}}
    )
    assert status == 404 and body["looker"]["success"] is False
    assert "No channel #nope" in body["looker"]["message"]


@pytest.mark.parametrize(
    "path", ["/", "/data_actions", "/data_actions/form", "/slack/post_from_query_action"]
)
async def test_action_routes_need_credentials(sandbox: Sandbox, path):
    status, body = await call(
        sandbox,
        path,
        {"data": {"message": "x", "channel": "#sales"}},
        headers={"X-Looker-Webhook-Token": "nope"},
    )
    assert status == 401 and body["reason"] == "Invalid authorization headers."
    assert sandbox.slack.calls_to("chat.postMessage") == []


async def test_the_action_hub_lists_the_slack_action(sandbox: Sandbox):
    status, body = await call(sandbox, "/")
    assert status == 200 and body["label"] == "Lookerbot"
    action, *others = body["integrations"]  # Slack first, then Braze and RudderStack
    assert [a["name"] for a in others] == [
        "braze",
        "rudderstack_identify",
        "rudderstack_track",
        "rudderstack_group",
    ]
    assert action["name"] == "post" and action["label"] == "Slack"
    assert action["url"] == "https://bot.example.com/slack/post_from_query_action"
    assert action["form_url"] == "https://bot.example.com/data_actions/form"
    assert action["icon_data_uri"].startswith("data:image/svg+xml;base64,")


async def test_the_action_hub_needs_a_public_url(looker: LookerEmulator):
    async with Sandbox(looker=looker, lookerbot_auth_token=Secret("lookerbot-auth-token")) as sb:
        status, body = await call(sb, "/")
        assert status == 503 and "LOOKERBOT_PUBLIC_URL" in body["reason"]


async def test_the_channel_form_lists_where_the_bot_can_post(sandbox: Sandbox):
    sandbox.slack.add_channels(2500)
    status, body = await call(sandbox, "/data_actions/form")
    assert status == 200
    (field,) = body
    assert (field["name"], field["type"], field["required"]) == ("channel", "select", True)
    labels = {o["label"] for o in field["options"]}
    assert {"#general", "#random", "#finance-private", "#team-2499", "@alice", "@bob"} <= labels
    assert "#secret-private" not in labels and "@gus" not in labels and "@helperbot" not in labels


async def test_a_query_result_from_the_action_hub_is_posted(sandbox: Sandbox):
    result = {
        "fields": {
            "dimensions": [{"name": "customers.region", "label": "Customers Region"}],
            "measures": [{"name": "orders.count", "label": "Orders Count"}],
        },
        "data": [
            {"customers.region": {"value": "West"}, "orders.count": {"value": 3}},
            {"customers.region": {"value": "East"}, "orders.count": {"value": 5}},
        ],
    }
    payload = {
        "type": "query",
        "scheduled_plan": {
            "title": "Orders by region",
            "url": f"{sandbox.looker.url}/looks/1",
            "query": {"vis_config": {"type": "looker_column"}},
        },
        "attachment": {
            "mimetype": "application/json",
            "extension": "json",
            "data": json.dumps(result),
        },
        "form_params": {"channel": "C0SALES"},
    }
    status, body = await call(sandbox, "/slack/post_from_query_action", payload)
    assert status == 200 and body["looker"]["success"] is True
    text = text_of(sandbox.slack.visible_messages("C0SALES")[0])
    assert "Orders Count  Customers Region" in text and "East" in text
    assert f"Orders by region ({sandbox.looker.url}/looks/1)" in text


async def test_an_action_hub_request_without_data(sandbox: Sandbox):
    status, body = await call(
        sandbox, "/slack/post_from_query_action", {"form_params": {"channel": "C0SALES"}}
    )
    assert status == 400 and "attachment.data" in body["looker"]["message"]


# -- buttons and modals ------------------------------------------------------------------------


async def orders_today(sandbox: Sandbox):
    await sandbox.driver.dm("orders today")
    await sandbox.settle()
    (message,) = sandbox.slack.visible_messages(sandbox.slack.dm_channel("U0ALICE"))
    return message


async def test_single_values_show_their_data_actions_as_buttons(sandbox: Sandbox):
    message = await orders_today(sandbox)
    (actions,) = [b for b in message.blocks if b.get("block_id") == "data_actions"]
    assert [e["text"]["text"] for e in actions["elements"]] == ["Ping #sales", "Ask a question"]


async def test_buttons_can_be_turned_off(looker: LookerEmulator):
    async with Sandbox(looker=looker, data_actions_in_messages=False) as sandbox:
        message = await orders_today(sandbox)
        assert not [b for b in message.blocks if b.get("block_id") == "data_actions"]
        # The answer's own buttons (refresh, CSV...) are not data actions: they stay.
        assert [b for b in message.blocks if b.get("block_id") == "answer_actions"]


async def test_a_click_runs_the_action_and_answers_privately(sandbox: Sandbox):
    message = await orders_today(sandbox)
    ack, response_url = await sandbox.driver.click(message, "data_action:0")
    assert ack.status == 200
    await sandbox.settle()
    (request,) = sandbox.looker.requests_to("^/data_actions$")
    assert response_url.endswith(f"/response/{sandbox.slack.responses[0].response_id}")
    assert request.body["action"]["label"] == "Ping #sales"
    assert request.body["action"]["params"][1] == {"name": "channel", "value": "#sales"}
    (response,) = sandbox.slack.responses
    assert response.body["response_type"] == "ephemeral"
    assert response_text(response.body) == ":white_check_mark: Done!"


async def test_a_failed_action_says_why(sandbox: Sandbox):
    sandbox.looker.data_action_result = {"success": False, "message": "The webhook is down."}
    message = await orders_today(sandbox)
    await sandbox.driver.click(message, "data_action:0")
    await sandbox.settle()
    assert response_text(sandbox.slack.responses[0].body) == ":x: The webhook is down."


async def test_guests_cannot_click(sandbox: Sandbox):
    message = await orders_today(sandbox)
    await sandbox.driver.click(message, "data_action:0", user="U0GUEST")
    await sandbox.settle()
    assert sandbox.looker.requests_to("^/data_actions$") == []
    assert "as a guest user" in response_text(sandbox.slack.responses[0].body)


async def open_form(sandbox: Sandbox) -> dict:
    message = await orders_today(sandbox)
    ack, _ = await sandbox.driver.click(message, "data_action:1")
    assert ack.status == 200
    await sandbox.settle()
    (view,) = sandbox.slack.views.values()
    return view


async def test_an_action_with_a_form_opens_a_modal(sandbox: Sandbox):
    view = await open_form(sandbox)
    assert [c.method for c in sandbox.slack.calls if c.method.startswith("views.")] == [
        "views.open",
        "views.update",
    ]
    question, urgency = view["blocks"]
    assert question["element"]["multiline"] is True and question["optional"] is False
    assert question["element"]["initial_value"].startswith("Why ")
    assert urgency["element"]["type"] == "static_select"
    assert urgency["element"]["initial_option"]["value"] == "low"
    assert view["submit"]["text"] == "Send"


async def test_submitting_the_form_runs_the_action_with_the_values(sandbox: Sandbox):
    view = await open_form(sandbox)
    response = await sandbox.driver.submit_view(view, {"message": "Why so few?", "urgency": "high"})
    assert response.status == 200 and response.text in ("", "{}")  # closes the modal
    await sandbox.settle()
    (request,) = sandbox.looker.requests_to("^/data_actions$")
    assert request.body["form_values"] == {"message": "Why so few?", "urgency": "high"}
    assert response_text(sandbox.slack.responses[-1].body) == ":white_check_mark: Done!"


async def test_lookers_validation_errors_show_on_the_fields(sandbox: Sandbox):
    sandbox.looker.data_action_result = {
        "success": False,
        # A ValidationError as looker-sdk's models.py defines it (message and
        # documentation_url required, on the error and on each detail).
        "validation_errors": {
            "message": "Validation Failed",
            "documentation_url": "https://cloud.google.com/looker/docs/r/err/4.0",
            "errors": [
                {
                    "field": "message",
                    "code": "invalid",
                    "message": "Too short",
                    "documentation_url": "https://cloud.google.com/looker/docs/r/err/4.0",
                }
            ],
        },
    }
    view = await open_form(sandbox)
    response = await sandbox.driver.submit_view(view, {"message": "?", "urgency": "low"})
    assert response.json() == {
        "response_action": "errors",
        "errors": {"field:message": "Too short"},
    }


async def test_a_slow_action_keeps_the_modal_updated(sandbox: Sandbox):
    sandbox.looker.data_action_delay = 3.5
    view = await open_form(sandbox)
    response = await sandbox.driver.submit_view(view, {"message": "Slow?", "urgency": "low"})
    assert response.json()["response_action"] == "update"
    assert "Sending" in json.dumps(response.json()["view"])
    await sandbox.settle()
    final = sandbox.slack.views[view["id"]]
    assert ":white_check_mark: Done!" in json.dumps(final)


async def test_a_cold_submission_is_answered_within_slacks_three_seconds(looker: LookerEmulator):
    # Under run-as, a person's first submission waits for Slack (users.info), Looker (the
    # search for their Looker user, slowed here to 1 s, and a sudo login) and then the
    # action (2 s): Slack's 3 s count from the submission's arrival, so the answer cannot
    # wait for all of it.
    instance = looker.instance_settings(
        webhook_token=Secret(HOOK), custom_command_folder_id="10", run_as_user="email"
    )
    async with Sandbox(looker=looker, lookers=(instance,)) as sandbox:
        view = await open_form(sandbox)
        sandbox.looker.fail("^/users/", status=0, delay=1.0, times=None)
        sandbox.looker.data_action_delay = 2.0
        # Bob's lookups are cold (the emulator's driver waits 3 s, as Slack does).
        response = await sandbox.driver.submit_view(
            view, {"message": "Cold?", "urgency": "low"}, user="U0BOB"
        )
        assert response.status == 200, "no answer within Slack's 3 s"
        assert response.json()["response_action"] == "update"
        assert "Sending" in json.dumps(response.json()["view"])
        await sandbox.settle()
        assert ":white_check_mark: Done!" in json.dumps(sandbox.slack.views[view["id"]])
        (request,) = sandbox.looker.requests_to("^/data_actions$")
        assert request.user_id == "3"  # run as Bob
