"""Who may see what, unfurls and echoes: the Slack emulator refuses what Slack refuses, and
slack_sdk's own calls pass it.

Each rule is named, with its source, beside its code in lookerbot/sandbox/slack_emulator.py:
ephemerals reach channel members only (chat.postEphemeral, ``user_not_in_channel``); a
response_url takes five posts within 30 minutes ("Handling user interaction"); a trigger_id
opens one view within 3 s (views.open errors); chat.unfurl takes the unfurl_id and source, or
the channel and ts, of a link_shared event (chat.unfurl; the 2021-08 unfurl changelog); the
bot's own DM posts come back to it as message events (message.im)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.slack_driver import DriverResponse
from lookerbot.sandbox.slack_emulator import (
    BOT_ID,
    BOT_USER_ID,
    DEFAULT_APP_TOKEN,
    TEAM_ID,
    SlackEmulator,
)
from lookerbot.settings import Secret
from tests.helpers import Clock, text_of

LOOK = "https://looker.example.com/looks/1"


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def timed() -> AsyncIterator[tuple[SlackEmulator, Clock]]:
    """An emulator whose clock the test moves."""
    clock = Clock()
    async with SlackEmulator(clock=clock) as emulator:
        yield emulator, clock


def _client(slack: SlackEmulator, session: aiohttp.ClientSession) -> AsyncWebClient:
    return AsyncWebClient(
        token=slack.bot_token, base_url=slack.api_url, session=session, retry_handlers=[]
    )


@pytest.fixture
async def client(slack: SlackEmulator, http: aiohttp.ClientSession) -> AsyncWebClient:
    return _client(slack, http)


async def _refused(call: Any) -> str:
    """The error Slack answered ``call`` with (the call must fail)."""
    with pytest.raises(SlackApiError) as refused:
        await call
    return str(refused.value.response["error"])


# -- chat.postEphemeral: channel members only ------------------------------------------------


async def test_an_ephemeral_reaches_only_members_of_the_channel(slack, client):
    error = await _refused(
        client.chat_postEphemeral(channel="G0FINANCE", user="U0CAROL", text="psst")
    )
    assert error == "user_not_in_channel"
    await client.chat_postEphemeral(channel="G0FINANCE", user="U0ALICE", text="psst")
    assert [m.ephemeral_to for m in slack.ephemeral_messages()] == ["U0ALICE"]
    members = (await client.conversations_members(channel="G0FINANCE"))["members"]
    assert "U0CAROL" not in members
    assert {"U0ALICE", "U0BOB", BOT_USER_ID} <= set(members)


async def test_guests_are_only_in_the_channels_they_were_invited_to(slack, client):
    # A single-channel guest is in #general only; a multi-channel guest in #general and
    # #sales; full members are in every public channel.
    error = await _refused(client.chat_postEphemeral(channel="C0SALES", user="U0SCG", text="x"))
    assert error == "user_not_in_channel"
    for user in ("U0SCG", "U0GUEST", "U0CAROL"):
        await client.chat_postEphemeral(channel="C0GENERAL", user=user, text="x")
    await client.chat_postEphemeral(channel="C0SALES", user="U0GUEST", text="x")
    sales = set((await client.conversations_members(channel="C0SALES"))["members"])
    assert {"U0GUEST", "U0ALICE", "U0CAROL"} <= sales
    assert "U0SCG" not in sales
    assert len(slack.ephemeral_messages()) == 4


async def test_a_dm_holds_the_bot_and_one_person(slack, client):
    dm = slack.dm_channel("U0BOB")
    members = (await client.conversations_members(channel=dm))["members"]
    assert sorted(members) == sorted([BOT_USER_ID, "U0BOB"])
    error = await _refused(client.chat_postEphemeral(channel=dm, user="U0ALICE", text="x"))
    assert error == "user_not_in_channel"
    assert (await client.chat_postEphemeral(channel=dm, user="U0BOB", text="x"))["ok"]


async def test_the_bot_answers_a_refused_guest_where_the_guest_is(sandbox: Sandbox):
    # The bot's private refusal goes to the channel the guest wrote in, where Slack
    # accepts it; an ephemeral elsewhere would be refused.
    await sandbox.driver.mention("find revenue", user="U0SCG", channel="C0GENERAL")
    await sandbox.settle()
    (refusal,) = sandbox.slack.ephemeral_messages("U0SCG")
    assert refusal.channel == "C0GENERAL"
    assert "as a guest user" in text_of(refusal)
    assert all(c.status == 200 for c in sandbox.slack.calls_to("chat.postEphemeral"))


# -- response_url: five posts within 30 minutes --------------------------------------------


async def test_a_response_url_takes_five_posts(slack, http):
    url = slack.new_response_url()
    statuses = []
    for i in range(6):
        async with http.post(url, json={"text": f"answer {i}"}) as response:
            statuses.append((response.status, await response.text()))
    assert statuses[:5] == [(200, "ok")] * 5
    assert statuses[5] == (404, "used_url")
    assert len(slack.responses) == 5


async def test_a_response_url_expires_after_30_minutes(timed, http):
    slack, clock = timed
    url = slack.new_response_url()
    clock.now += 29 * 60
    async with http.post(url, json={"text": "in time"}) as response:
        assert response.status == 200
    clock.now += 60 + 1
    async with http.post(url, json={"text": "late"}) as response:
        assert (response.status, await response.text()) == (404, "expired_url")
    async with http.post(f"{slack.url}/response/999", json={"text": "x"}) as response:
        assert response.status == 404  # never given out
    assert [r.body["text"] for r in slack.responses] == ["in time"]


async def test_slack_sdks_webhook_client_posts_to_a_response_url(slack, http):
    url = slack.new_response_url()
    webhook = AsyncWebhookClient(url, session=http)
    answers = [await webhook.send(text=f"answer {i}", response_type="ephemeral") for i in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert (await webhook.send(text="one too many")).status_code == 404
    assert [r.body["text"] for r in slack.responses] == [f"answer {i}" for i in range(5)]


# -- trigger_id: once, within 3 s ---------------------------------------------------------


def _view() -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Send"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Loading…"}}],
    }


async def test_a_trigger_id_works_once(slack, client):
    trigger = slack.new_trigger_id()
    opened = await client.views_open(trigger_id=trigger, view=_view())
    assert opened["view"]["id"] in slack.views
    again = await _refused(client.views_open(trigger_id=trigger, view=_view()))
    assert again == "exchanged_trigger_id"
    pushed = await _refused(client.views_push(trigger_id=trigger, view=_view()))
    assert pushed == "exchanged_trigger_id"
    made_up = await _refused(client.views_open(trigger_id="123.456.abc", view=_view()))
    assert made_up == "invalid_trigger_id"
    assert len(slack.views) == 1


async def test_a_trigger_id_expires_after_3_seconds(timed, http):
    slack, clock = timed
    client = _client(slack, http)
    trigger = slack.new_trigger_id()
    clock.now += 3.5
    late = await _refused(client.views_open(trigger_id=trigger, view=_view()))
    assert late == "expired_trigger_id"
    pushed = slack.new_trigger_id()
    clock.now += 2.9
    assert (await client.views_push(trigger_id=pushed, view=_view()))["ok"]
    assert len(slack.views) == 1


# -- chat.unfurl: by link_shared event, or by message ------------------------------------


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ({"unfurl_id": "x", "source": "composer"}, "missing_unfurls"),
        ({"source": "composer", "unfurls": {LOOK: {}}}, "missing_unfurl_id"),
        ({"unfurl_id": "{shared}", "unfurls": {LOOK: {}}}, "missing_source"),
        ({"unfurl_id": "{shared}", "source": "email", "unfurls": {LOOK: {}}}, "invalid_source"),
        (
            {"unfurl_id": "{shared}", "source": "conversations_history", "unfurls": {LOOK: {}}},
            "invalid_source",  # the event's source is composer
        ),
        (
            {"unfurl_id": "C-MADEUP", "source": "composer", "unfurls": {LOOK: {}}},
            "invalid_unfurl_id",
        ),
        (
            {"unfurl_id": "{shared}", "source": "composer", "unfurls": {LOOK + "0": {}}},
            "cannot_unfurl_url",  # not a link of that event
        ),
        ({"ts": "1.000001", "unfurls": {LOOK: {}}}, "missing_channel"),
        ({"channel": "C0GENERAL", "unfurls": {LOOK: {}}}, "missing_ts"),
        ({"channel": "C0NOWHERE", "ts": "1.000001", "unfurls": {LOOK: {}}}, "cannot_find_channel"),
        ({"channel": "C0GENERAL", "ts": "1.000001", "unfurls": {LOOK: {}}}, "cannot_find_message"),
        (
            {"channel": "COMPOSER", "ts": "U0ALICE-nothing", "unfurls": {LOOK: {}}},
            "cannot_find_message",
        ),
        (
            {"channel": "C0GENERAL", "ts": "{posted}", "unfurls": {LOOK + "0": {}}},
            "cannot_unfurl_message",
        ),
        ({"channel": "C0GENERAL", "ts": "{posted}", "unfurls": [LOOK]}, "invalid_unfurls_format"),
    ],
)
async def test_an_unfurl_slack_cannot_place_is_refused(slack, http, args, error):
    composer = slack.share_links([LOOK], user="U0ALICE", channel="C0GENERAL", composer=True)
    posted = slack.share_links([LOOK], user="U0ALICE", channel="C0GENERAL")
    filled = {
        k: {"{shared}": composer["unfurl_id"], "{posted}": posted["message_ts"]}.get(v, v)
        if isinstance(v, str)
        else v
        for k, v in args.items()
    }
    async with http.post(
        slack.api_url + "chat.unfurl",
        json=filled,
        headers={"Authorization": f"Bearer {slack.bot_token}"},
    ) as response:
        assert await response.json() == {"ok": False, "error": error}
    assert slack.unfurls == []


async def test_slack_sdks_unfurl_calls_pass(slack, client):
    preview = {LOOK: {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}]}}
    composer = slack.share_links([LOOK], user="U0ALICE", channel="C0GENERAL", composer=True)
    posted = slack.share_links([LOOK], user="U0BOB", channel="C0SALES")
    await client.chat_unfurl(unfurl_id=composer["unfurl_id"], source="composer", unfurls=preview)
    await client.chat_unfurl(
        unfurl_id=posted["unfurl_id"], source="conversations_history", unfurls=preview
    )
    await client.chat_unfurl(channel="C0SALES", ts=posted["message_ts"], unfurls=preview)
    # "chat.unfurl will continue to accept the combination of channel and ts you find in
    # these link_shared events" (the composer's too).
    await client.chat_unfurl(channel="COMPOSER", ts=composer["message_ts"], unfurls=preview)
    assert len(slack.unfurls) == 4


def test_link_shared_events_are_shaped_as_slack_sends_them(slack):
    composer = slack.share_links([LOOK], user="U0ALICE", channel="C0RANDOM", composer=True)
    assert composer["channel"] == "COMPOSER"
    assert composer["source"] == "composer"
    assert composer["message_ts"] == composer["unfurl_id"]
    assert composer["message_ts"].startswith("U0ALICE-")
    assert composer["is_bot_user_member"] is False  # the bot is not in #random
    assert composer["links"] == [{"domain": "looker.example.com", "url": LOOK}]
    posted = slack.share_links([LOOK], user="U0ALICE", channel="C0GENERAL", thread_ts="1.5")
    assert posted["source"] == "conversations_history"
    assert posted["is_bot_user_member"] is True
    assert posted["thread_ts"] == "1.5"
    assert posted["unfurl_id"].startswith(f"C0GENERAL.{posted['message_ts']}.")
    (message,) = slack.messages
    assert (message.channel, message.ts, message.user) == (
        "C0GENERAL",
        posted["message_ts"],
        "U0ALICE",
    )


async def test_a_link_in_the_composer_unfurls_through_the_bot(sandbox: Sandbox):
    # In a channel the bot is not in: only the unfurl_id and source can answer it.
    url = f"{sandbox.looker.url}/looks/1"
    ack = await sandbox.driver.link_shared([url], channel="C0RANDOM", composer=True)
    assert ack.status == 200
    await sandbox.settle()
    (call,) = sandbox.slack.calls_to("chat.unfurl")
    assert call.status == 200
    assert call.args["source"] == "composer"
    assert call.args["unfurl_id"].startswith("U0ALICE-")
    assert sandbox.slack.unfurls == [call.args]
    assert list(call.args["unfurls"]) == [url]
    assert "West" in str(call.args["unfurls"][url])


# -- echoes: the bot's own DM posts come back to it ---------------------------------------


async def test_the_bots_dm_reply_comes_back_to_it_and_is_not_answered(sandbox: Sandbox):
    echoes: list[dict[str, Any]] = []
    sink = sandbox.slack.event_sink
    assert sink is not None

    async def recording(event: dict[str, Any]) -> Any:
        echoes.append(event)
        return await sink(event)

    sandbox.slack.event_sink = recording
    await sandbox.driver.dm("help", user="U0BOB")
    await sandbox.settle()
    dm = sandbox.slack.dm_channel("U0BOB")
    (reply,) = sandbox.slack.visible_messages(dm)
    assert "Built-in commands" in text_of(reply)
    (echo,) = echoes
    assert (echo["type"], echo["channel"], echo["ts"]) == ("message", dm, reply.ts)
    assert (echo["user"], echo["bot_id"]) == (BOT_USER_ID, BOT_ID)
    assert "subtype" not in echo
    (answer,) = sandbox.slack.echo_answers
    assert isinstance(answer, DriverResponse)
    assert answer.status == 200  # the app took the event, and answered nothing
    assert sandbox.slack.visible_messages() == [reply]


async def test_the_same_message_from_a_person_is_answered(sandbox: Sandbox):
    # The control for the echo test: what keeps the echo unanswered is its bot_id.
    dm = sandbox.slack.dm_channel("U0BOB")
    person = {
        "type": "message",
        "channel_type": "im",
        "channel": dm,
        "user": "U0BOB",
        "text": "help",
        "ts": "1710000099.000001",
        "event_ts": "1710000099.000001",
        "team": TEAM_ID,
    }
    assert (await sandbox.driver.send_event(person)).status == 200
    await sandbox.settle()
    assert len(sandbox.slack.visible_messages(dm)) == 1
    bot_echo = {**person, "ts": "1710000099.000002", "user": BOT_USER_ID, "bot_id": BOT_ID}
    assert (await sandbox.driver.send_event(bot_echo)).status == 200
    await sandbox.settle()
    assert len(sandbox.slack.visible_messages(dm)) == 1
    assert sandbox.slack.echoes_delivered == 1  # the reply's own echo, unanswered too


async def test_echoes_come_over_socket_mode_too(looker: LookerEmulator):
    async with Sandbox(looker=looker, slack_app_token=Secret(DEFAULT_APP_TOKEN)) as sandbox:
        slack = sandbox.slack
        await slack.wait_for_socket()
        dm = slack.dm_channel("U0CAROL")
        await slack.socket_send(
            "events_api",
            {
                "type": "event_callback",
                "team_id": TEAM_ID,
                "event_id": "Ev0ECHO1",
                "event": {
                    "type": "message",
                    "channel_type": "im",
                    "user": "U0CAROL",
                    "text": "help",
                    "ts": "1.7",
                    "channel": dm,
                },
                "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            },
        )
        await sandbox.settle()
        (reply,) = slack.visible_messages(dm)
        assert "Built-in commands" in text_of(reply)
        (ack,) = slack.echo_answers
        assert isinstance(ack, dict) and ack["envelope_id"]  # acknowledged over the socket
        assert slack.visible_messages() == [reply]
