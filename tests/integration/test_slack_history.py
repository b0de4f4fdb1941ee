"""Message metadata on chat.postMessage / chat.update and conversations.history, in the Slack
emulator: each rule refuses what Slack refuses, and slack_sdk's own typed calls pass it.

Sources (see lookerbot/sandbox/slack_emulator.py, ``_read_metadata`` and
``_conversations_history``): Slack's method reference for chat.postMessage, chat.update and
conversations.history (arguments, "Errors", "Scopes"), the message-metadata guide, and
slack_sdk's ``WebClient.chat_postMessage`` / ``conversations_history``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.models.metadata import Metadata
from slack_sdk.web.async_client import AsyncWebClient

from lookerbot.sandbox.slack_contract import METHODS
from lookerbot.sandbox.slack_emulator import BOT_ID, BOT_USER_ID, SlackEmulator

METADATA = {
    "event_type": "dashboard_delivered",
    "event_payload": {"dashboard_id": "42", "rows": 7, "nested": {"ok": True}},
}


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def client(slack: SlackEmulator) -> AsyncIterator[AsyncWebClient]:
    async with aiohttp.ClientSession() as session:
        yield AsyncWebClient(
            token=slack.bot_token, base_url=slack.api_url, session=session, retry_handlers=[]
        )


@pytest.fixture
def history_scopes(slack: SlackEmulator) -> SlackEmulator:
    """The emulator with the history scopes the manifest does not ask for (it has im:history)."""
    slack.scopes |= {"channels:history", "groups:history", "mpim:history"}
    return slack


async def call(
    http: aiohttp.ClientSession,
    slack: SlackEmulator,
    method: str,
    *,
    json: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    get: bool = False,
) -> dict[str, Any]:
    """A hand-made call, as a client that does not use slack_sdk might send it."""
    headers = {"Authorization": f"Bearer {slack.bot_token}"}
    if get:
        request = http.get(slack.api_url + method, params=query, headers=headers)
    else:
        request = http.post(
            slack.api_url + method, json=json, data=form, params=query, headers=headers
        )
    async with request as response:
        assert response.status == 200
        return dict(await response.json())


async def refused(coroutine: Any) -> dict[str, Any]:
    """The answer of a slack_sdk call that must fail."""
    with pytest.raises(SlackApiError) as failure:
        await coroutine
    return dict(failure.value.response.data)


# -- the contract comes from slack_sdk ------------------------------------------------------


def test_slack_sdk_sends_metadata_in_a_json_body_and_reads_history_with_get():
    assert "metadata" in METHODS["chat.postMessage"].arguments
    assert METHODS["chat.postMessage"].sent_as == {"json"}
    history = METHODS["conversations.history"]
    assert history.read  # GET: query (or form) arguments only
    assert history.required == {"channel"}
    assert history.arguments == {
        "channel",
        "cursor",
        "limit",
        "oldest",
        "latest",
        "inclusive",
        "include_all_metadata",
    }


# -- chat.postMessage metadata ---------------------------------------------------------------


async def test_posted_metadata_comes_back_with_include_all_metadata(history_scopes, client):
    slack = history_scopes
    posted = await client.chat_postMessage(channel="C0GENERAL", text="Sales", metadata=METADATA)
    assert slack.messages[-1].metadata == METADATA

    history = await client.conversations_history(channel="C0GENERAL", include_all_metadata=True)
    [message] = history["messages"]
    assert message["ts"] == posted["ts"]
    assert message["type"] == "message"
    assert message["text"] == "Sales"
    assert message["user"] == BOT_USER_ID
    assert message["bot_id"] == BOT_ID
    assert message["metadata"] == METADATA
    assert history["has_more"] is False


async def test_a_slack_sdk_metadata_object_is_sent_as_its_dict(history_scopes, client):
    await client.chat_postMessage(
        channel="C0GENERAL",
        text="hi",
        metadata=Metadata(event_type="task_created", event_payload={"id": "TK-1"}),
    )
    assert history_scopes.messages[-1].metadata == {
        "event_type": "task_created",
        "event_payload": {"id": "TK-1"},
    }


async def test_without_include_all_metadata_history_has_no_metadata(history_scopes, client):
    await client.chat_postMessage(channel="C0GENERAL", text="Sales", metadata=METADATA)
    plain = await client.conversations_history(channel="C0GENERAL")
    assert plain["messages"][0]["text"] == "Sales"
    assert "metadata" not in plain["messages"][0]
    off = await client.conversations_history(channel="C0GENERAL", include_all_metadata=False)
    assert "metadata" not in off["messages"][0]


async def test_metadata_as_a_url_encoded_json_string_is_read(history_scopes, http):
    # "JSON object with event_type and event_payload fields, presented as a URL-encoded
    # string" (chat.postMessage reference), in a form body.
    answer = await call(
        http,
        history_scopes,
        "chat.postMessage",
        form={"channel": "C0GENERAL", "text": "hi", "metadata": json.dumps(METADATA)},
    )
    assert answer["ok"]
    assert history_scopes.messages[-1].metadata == METADATA


@pytest.mark.parametrize(
    ("metadata", "error"),
    [
        ("{not json", "invalid_metadata_format"),
        ('["event_type", "event_payload"]', "invalid_metadata_format"),
        ('"just a string"', "invalid_metadata_format"),
        ('{"event_payload": {"id": 1}}', "invalid_metadata_schema"),
        ('{"event_type": "task_created"}', "invalid_metadata_schema"),
        ('{"event_type": 7, "event_payload": {}}', "invalid_metadata_schema"),
        ('{"event_type": "", "event_payload": {}}', "invalid_metadata_schema"),
        ('{"event_type": "task_created", "event_payload": "id=1"}', "invalid_metadata_schema"),
        ('{"event_type": "task_created", "event_payload": [1]}', "invalid_metadata_schema"),
        ('{"entities": "none"}', "invalid_metadata_schema"),
    ],
)
async def test_invalid_metadata_in_a_form_is_refused(slack, http, metadata, error):
    answer = await call(
        http,
        slack,
        "chat.postMessage",
        form={"channel": "C0GENERAL", "text": "hi", "metadata": metadata},
    )
    assert answer == {"ok": False, "error": error}
    assert slack.visible_messages("C0GENERAL") == []


@pytest.mark.parametrize(
    ("metadata", "error"),
    [
        ({"event_type": "task_created"}, "invalid_metadata_schema"),
        ({"event_type": "task_created", "event_payload": None}, "invalid_metadata_schema"),
        ({"event_type": ["task_created"], "event_payload": {}}, "invalid_metadata_schema"),
        ({"payload": {"id": 1}}, "invalid_metadata_schema"),
    ],
)
async def test_invalid_metadata_from_slack_sdk_is_refused(slack, client, metadata, error):
    answer = await refused(
        client.chat_postMessage(channel="C0GENERAL", text="hi", metadata=metadata)
    )
    assert answer["error"] == error
    assert slack.visible_messages("C0GENERAL") == []


async def test_metadata_that_is_no_object_in_a_json_body_is_refused(slack, http):
    for metadata in (["event_type"], 42, "{broken"):
        answer = await call(
            http,
            slack,
            "chat.postMessage",
            json={"channel": "C0GENERAL", "text": "hi", "metadata": metadata},
        )
        assert answer == {"ok": False, "error": "invalid_metadata_format"}, metadata
    assert slack.visible_messages("C0GENERAL") == []


async def test_an_event_type_with_punctuation_is_ignored_with_a_warning(history_scopes, client):
    # "Metadata with an invalid event_type returns an invalid_metadata_schema warning and is
    # ignored" (message-metadata guide): the message is posted, its metadata is not.
    answer = await client.chat_postMessage(
        channel="C0GENERAL",
        text="hi",
        metadata={"event_type": "task.created", "event_payload": {"id": "1"}},
    )
    assert answer["ok"]
    assert answer["warning"] == "invalid_metadata_schema"
    assert answer["response_metadata"]["warnings"] == ["invalid_metadata_schema"]
    assert history_scopes.messages[-1].metadata is None
    history = await client.conversations_history(channel="C0GENERAL", include_all_metadata=True)
    assert history["messages"][0]["text"] == "hi"
    assert "metadata" not in history["messages"][0]


async def test_event_types_with_letters_digits_underscores_and_hyphens_pass(slack, client):
    for event_type in ("task_created", "Task-2", "v2_report-sent"):
        answer = await client.chat_postMessage(
            channel="C0GENERAL", text="hi", metadata={"event_type": event_type, "event_payload": {}}
        )
        assert "warning" not in answer, event_type
        assert slack.messages[-1].metadata == {"event_type": event_type, "event_payload": {}}


async def test_work_object_entities_may_stand_without_an_event_type(slack, client):
    # slack_sdk's EventAndEntityMetadata makes event_type and event_payload optional beside
    # a Work Object's entities; the emulator does not refuse what Slack may accept.
    entity = {
        "entity_type": "slack#/entities/task",
        "entity_payload": {"attributes": {"title": {"text": "Q3"}}},
        "external_ref": {"id": "42"},
        "url": "https://looker.example.com/dashboards/42",
    }
    answer = await client.chat_postMessage(
        channel="C0GENERAL", text="hi", metadata={"entities": [entity]}
    )
    assert "warning" not in answer
    assert slack.messages[-1].metadata == {"entities": [entity]}


async def test_chat_update_keeps_replaces_and_removes_metadata(history_scopes, client):
    slack = history_scopes
    posted = await client.chat_postMessage(channel="C0GENERAL", text="v1", metadata=METADATA)
    await client.chat_update(channel="C0GENERAL", ts=posted["ts"], text="v2")
    assert slack.messages[-1].metadata == METADATA  # "previous metadata will be retained"
    newer = {"event_type": "dashboard_updated", "event_payload": {"dashboard_id": "43"}}
    await client.chat_update(channel="C0GENERAL", ts=posted["ts"], text="v3", metadata=newer)
    assert slack.messages[-1].metadata == newer
    bad = await refused(
        client.chat_update(
            channel="C0GENERAL", ts=posted["ts"], text="v4", metadata={"event_type": "x"}
        )
    )
    assert bad["error"] == "invalid_metadata_schema"
    assert slack.messages[-1].text == "v3"  # refused: nothing changed
    await client.chat_update(channel="C0GENERAL", ts=posted["ts"], text="v5", metadata={})
    assert slack.messages[-1].metadata is None  # "include an empty object" to remove it
    history = await client.conversations_history(channel="C0GENERAL", include_all_metadata=True)
    assert "metadata" not in history["messages"][0]


# -- conversations.history: the timeline -------------------------------------------------------


async def test_history_is_the_top_level_timeline_newest_first(history_scopes, client):
    slack = history_scopes
    slack.add_user_message("C0GENERAL", "1699999999.000100", "question?", user="U0ALICE")
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*answer*"}}]
    parent = await client.chat_postMessage(channel="C0GENERAL", text="answer", blocks=blocks)
    await client.chat_postMessage(channel="C0GENERAL", text="in thread", thread_ts=parent["ts"])
    slack.add_user_message(
        "C0GENERAL", "1700000000.900000", "thanks", user="U0BOB", thread_ts=parent["ts"]
    )
    broadcast = await client.chat_postMessage(
        channel="C0GENERAL", text="also here", thread_ts=parent["ts"], reply_broadcast=True
    )
    await client.chat_postEphemeral(channel="C0GENERAL", user="U0ALICE", text="only alice")
    await client.chat_postMessage(channel="C0SALES", text="elsewhere")

    history = await client.conversations_history(channel="C0GENERAL")
    messages = history["messages"]
    assert [m["text"] for m in messages] == ["also here", "answer", "question?"]

    shared, root, person = messages
    assert shared["subtype"] == "thread_broadcast"
    assert shared["thread_ts"] == parent["ts"]
    assert shared["ts"] == broadcast["ts"]

    assert root["ts"] == root["thread_ts"] == parent["ts"]
    assert root["blocks"] == blocks
    assert root["reply_count"] == 3
    assert root["reply_users"] == [BOT_USER_ID, "U0BOB"]
    assert root["reply_users_count"] == 2
    assert root["latest_reply"] == "1700000000.900000"
    assert root["bot_id"] == BOT_ID

    assert person == {
        "type": "message",
        "user": "U0ALICE",
        "text": "question?",
        "ts": "1699999999.000100",
        "team": "T0ACME",
    }


async def test_history_pages_with_opaque_cursors(history_scopes, client):
    for n in range(5):
        await client.chat_postMessage(channel="C0GENERAL", text=f"m{n}")
    first = await client.conversations_history(channel="C0GENERAL", limit=2)
    assert [m["text"] for m in first["messages"]] == ["m4", "m3"]
    assert first["has_more"] is True
    cursor = first["response_metadata"]["next_cursor"]
    assert cursor

    # A message posted meanwhile does not shift the pages (the cursor is no offset).
    await client.chat_postMessage(channel="C0GENERAL", text="late")
    second = await client.conversations_history(channel="C0GENERAL", limit=2, cursor=cursor)
    assert [m["text"] for m in second["messages"]] == ["m2", "m1"]
    assert second["has_more"] is True
    third = await client.conversations_history(
        channel="C0GENERAL", limit=2, cursor=second["response_metadata"]["next_cursor"]
    )
    assert [m["text"] for m in third["messages"]] == ["m0"]
    assert third["has_more"] is False
    assert third["response_metadata"]["next_cursor"] == ""


async def test_history_refuses_a_cursor_it_did_not_give_out(history_scopes, client):
    listed = await client.conversations_list(limit=1)
    other_list = listed["response_metadata"]["next_cursor"]
    assert other_list
    for cursor in ("garbage", other_list, "bmV4dF90czpub3BlCg=="):  # the last: "next_ts:nope"
        answer = await refused(client.conversations_history(channel="C0GENERAL", cursor=cursor))
        assert answer["error"] == "invalid_cursor", cursor


async def test_history_bounds_by_oldest_and_latest(history_scopes, client):
    ts = [
        (await client.chat_postMessage(channel="C0GENERAL", text=f"m{n}"))["ts"] for n in range(4)
    ]
    between = await client.conversations_history(channel="C0GENERAL", oldest=ts[0], latest=ts[3])
    assert [m["ts"] for m in between["messages"]] == [ts[2], ts[1]]
    inclusive = await client.conversations_history(
        channel="C0GENERAL", oldest=ts[0], latest=ts[3], inclusive=True
    )
    assert [m["ts"] for m in inclusive["messages"]] == [ts[3], ts[2], ts[1], ts[0]]
    after = await client.conversations_history(channel="C0GENERAL", oldest=ts[2])
    assert [m["ts"] for m in after["messages"]] == [ts[3]]


async def test_history_refuses_timestamps_that_are_no_numbers(history_scopes, client):
    oldest = await refused(client.conversations_history(channel="C0GENERAL", oldest="yesterday"))
    assert oldest["error"] == "invalid_ts_oldest"
    latest = await refused(client.conversations_history(channel="C0GENERAL", latest="NaN"))
    assert latest["error"] == "invalid_ts_latest"


async def test_the_bots_dm_history_needs_only_the_manifests_scopes(slack, client):
    # The manifest asks for im:history; the bot's DM posts are in the DM's history.
    assert "channels:history" not in slack.scopes
    await client.chat_postMessage(channel="U0ALICE", text="your dashboard")
    dm = slack.dm_channel("U0ALICE")
    history = await client.conversations_history(channel=dm)
    assert [(m["text"], m["bot_id"]) for m in history["messages"]] == [("your dashboard", BOT_ID)]


# -- conversations.history: errors and scopes ------------------------------------------------


async def test_history_of_an_unknown_channel_is_not_found(history_scopes, client, http):
    unknown = await refused(client.conversations_history(channel="C0NOWHERE"))
    assert unknown["error"] == "channel_not_found"
    # A read method: the channel in a JSON body is not read, so there is none.
    as_json = await call(
        http, history_scopes, "conversations.history", json={"channel": "C0GENERAL"}
    )
    assert as_json == {"ok": False, "error": "channel_not_found"}
    by_query = await call(
        http, history_scopes, "conversations.history", query={"channel": "C0GENERAL"}, get=True
    )
    assert by_query["ok"]
    assert by_query["messages"] == []


async def test_history_of_a_channel_the_bot_is_not_in(history_scopes, client):
    # Public: "not_in_channel ... Only user tokens can access public channels they are not
    # in." Private: the bot cannot see it at all.
    public = await refused(client.conversations_history(channel="C0RANDOM"))
    assert public["error"] == "not_in_channel"
    private = await refused(client.conversations_history(channel="G0SECRET"))
    assert private["error"] == "channel_not_found"
    await client.conversations_join(channel="C0RANDOM")
    assert (await client.conversations_history(channel="C0RANDOM"))["ok"]


async def test_history_needs_the_scope_of_the_conversations_type(slack, client):
    slack.scopes.add("mpim:write")
    group_dm = (await client.conversations_open(users="U0ALICE,U0BOB"))["channel"]["id"]
    dm = slack.dm_channel("U0ALICE")
    slack.scopes.discard("im:history")
    for channel, needed in [
        ("C0GENERAL", "channels:history"),
        ("G0FINANCE", "groups:history"),
        (dm, "im:history"),
        (group_dm, "mpim:history"),
    ]:
        answer = await refused(client.conversations_history(channel=channel))
        assert answer["error"] == "missing_scope", channel
        assert answer["needed"] == needed
        assert answer["provided"] == ",".join(sorted(slack.scopes))
        slack.scopes.add(needed)
        assert (await client.conversations_history(channel=channel))["ok"], channel


async def test_history_without_any_history_scope_names_them_all(slack, http):
    slack.scopes = {"chat:write"}
    answer = await call(http, slack, "conversations.history", query={"channel": "C0NOWHERE"})
    assert answer == {
        "ok": False,
        "error": "missing_scope",
        "needed": "channels:history,groups:history,im:history,mpim:history",
        "provided": "chat:write",
    }
