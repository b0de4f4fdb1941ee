"""The Slack emulator speaks Slack's Web API contract: each rule refuses a request that
breaks it, and slack_sdk's own typed calls pass it (so the rule is not stricter than Slack).

The rules come from slack_sdk's WebClient (which methods are read methods, which arguments
each method takes) and Slack's method reference (errors, scopes, paging); see
lookerbot/sandbox/slack_contract.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from lookerbot.sandbox.slack_contract import METHODS
from lookerbot.sandbox.slack_emulator import SlackEmulator


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


async def raw(
    http: aiohttp.ClientSession,
    slack: SlackEmulator,
    method: str,
    *,
    json: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A hand-made call, as a client that does not use slack_sdk might send it."""
    async with http.post(
        slack.api_url + method,
        json=json,
        data=form,
        params=query,
        headers={"Authorization": f"Bearer {slack.bot_token}"},
    ) as response:
        assert response.status == 200
        return dict(await response.json())


# -- the method table comes from slack_sdk ---------------------------------------------------


def test_the_method_table_is_read_from_slack_sdk():
    assert METHODS["users.info"].read
    assert METHODS["users.info"].required == {"user"}
    assert METHODS["conversations.list"].read
    assert {"types", "cursor", "limit"} <= METHODS["conversations.list"].arguments
    assert not METHODS["chat.postMessage"].read
    assert METHODS["chat.postMessage"].encoding == "json"
    assert METHODS["files.getUploadURLExternal"].encoding == "form"
    assert METHODS["files.getUploadURLExternal"].required == {"filename", "length"}
    assert len(METHODS) > 200  # every typed method, not a list of the bot's own


# -- encoding per method -----------------------------------------------------------------


async def test_a_read_method_ignores_a_json_body(slack, http):
    # The bug this contract was written for: users.info with a JSON body gets no user.
    answer = await raw(http, slack, "users.info", json={"user": "U0ALICE"})
    assert answer == {"ok": False, "error": "user_not_found"}


async def test_a_read_method_reads_query_and_form_arguments(slack, http):
    by_query = await raw(http, slack, "users.info", query={"user": "U0ALICE"})
    by_form = await raw(http, slack, "users.info", form={"user": "U0ALICE"})
    assert by_query["user"]["id"] == by_form["user"]["id"] == "U0ALICE"


async def test_conversations_list_ignores_json_types(slack, http):
    answer = await raw(
        http, slack, "conversations.list", json={"types": "public_channel,private_channel"}
    )
    assert answer["ok"]
    assert "G0FINANCE" not in {c["id"] for c in answer["channels"]}  # default: public only


async def test_the_upload_ticket_takes_form_arguments_only(slack, http):
    as_json = await raw(
        http, slack, "files.getUploadURLExternal", json={"filename": "a.png", "length": 3}
    )
    assert as_json == {"ok": False, "error": "invalid_arguments"}
    as_form = await raw(
        http, slack, "files.getUploadURLExternal", form={"filename": "a.png", "length": "3"}
    )
    assert as_form["ok"]
    assert as_form["file_id"]


async def test_a_write_method_reads_a_json_body(slack, http):
    answer = await raw(http, slack, "chat.postMessage", json={"channel": "C0GENERAL", "text": "hi"})
    assert answer["ok"]
    assert slack.visible_messages("C0GENERAL")[-1].text == "hi"


# -- arguments per method -----------------------------------------------------------------


async def test_an_unknown_argument_is_refused(slack, http):
    answer = await raw(
        http,
        slack,
        "chat.postMessage",
        json={"channel": "C0GENERAL", "text": "hi", "colour": "red"},
    )
    assert answer["error"] == "invalid_arguments"
    assert answer["response_metadata"]["messages"] == ["[ERROR] unknown argument 'colour'"]
    assert slack.visible_messages("C0GENERAL") == []


@pytest.mark.parametrize(
    ("method", "args", "error"),
    [
        ("users.info", {}, "user_not_found"),
        ("chat.postMessage", {"text": "hi"}, "channel_not_found"),
        ("chat.postEphemeral", {"channel": "C0GENERAL", "text": "hi"}, "user_not_found"),
        ("chat.update", {"channel": "C0GENERAL", "text": "hi"}, "message_not_found"),
        ("conversations.join", {}, "channel_not_found"),
        ("files.completeUploadExternal", {}, "invalid_arguments"),
        ("views.open", {"trigger_id": "1.2.3"}, "invalid_arguments"),
    ],
)
async def test_a_missing_required_argument_gets_the_methods_error(slack, http, method, args, error):
    answer = await raw(http, slack, method, form={k: str(v) for k, v in args.items()})
    assert answer == {"ok": False, "error": error}


# -- response shapes ------------------------------------------------------------------------


async def test_a_grid_members_workspaces_are_under_enterprise_user(client):
    user = (await client.users_info(user="U0GRID"))["user"]
    assert "teams" not in user
    assert user["enterprise_user"]["teams"] == ["T0SISTER", "T0ACME"]
    assert user["profile"]["email"] == "greta@example.com"
    assert isinstance(user["tz_offset"], int)


async def test_paging_reaches_the_last_page_with_opaque_cursors(slack, client):
    slack.add_channels(7)
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        page = await client.conversations_list(types="public_channel", limit=3, cursor=cursor)
        seen += [c["id"] for c in page["channels"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
        assert not cursor.isdigit()
    public = [c for c in slack.channels.values() if not c.get("is_private")]
    assert sorted(seen) == sorted(c["id"] for c in public)
    assert len(seen) == len(set(seen))


async def test_a_cursor_slack_did_not_give_is_refused(client):
    with pytest.raises(SlackApiError) as refused:
        await client.users_list(cursor="3")
    assert refused.value.response["error"] == "invalid_cursor"


# -- scopes ---------------------------------------------------------------------------------


async def test_auth_test_reports_the_tokens_scopes(slack, client):
    answer = await client.auth_test()
    assert set(answer.headers["x-oauth-scopes"].split(",")) == slack.scopes


async def test_a_method_without_its_scope_answers_missing_scope(slack, client):
    slack.scopes.discard("users:read")
    with pytest.raises(SlackApiError) as refused:
        await client.users_info(user="U0ALICE")
    answer = refused.value.response
    assert answer["error"] == "missing_scope"
    assert answer["needed"] == "users:read"
    assert "users:read" not in answer["provided"].split(",")
    assert "chat:write" in answer["provided"].split(",")


async def test_listing_private_channels_needs_groups_read(slack, client):
    slack.scopes.discard("groups:read")
    public = await client.conversations_list(types="public_channel")
    assert public["ok"]
    with pytest.raises(SlackApiError) as refused:
        await client.conversations_list(types="public_channel,private_channel")
    assert refused.value.response["needed"] == "groups:read"


# -- slack_sdk's own calls pass ---------------------------------------------------------------


async def test_slack_sdks_typed_calls_pass(slack, client, http):
    assert (await client.users_info(user="U0ALICE"))["user"]["name"] == "alice"
    members = (await client.users_list(limit=2))["members"]
    assert len(members) == 2
    listed = await client.conversations_list(types=["public_channel", "private_channel"])
    assert {"C0GENERAL", "G0FINANCE"} <= {c["id"] for c in listed["channels"]}
    await client.conversations_join(channel="C0RANDOM")
    dm = (await client.conversations_open(users="U0ALICE"))["channel"]["id"]
    posted = await client.chat_postMessage(
        channel=dm,
        text="hello",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}],
    )
    await client.chat_update(channel=dm, ts=posted["ts"], text="edited", blocks=[])
    await client.chat_postEphemeral(channel="C0GENERAL", user="U0ALICE", text="psst")
    link = "https://looker.example.com/looks/1"
    shared = slack.share_links([link], user="U0ALICE", channel="C0GENERAL")
    await client.chat_unfurl(
        channel="C0GENERAL",
        ts=shared["message_ts"],
        unfurls={link: {"blocks": []}},
    )
    ticket = await client.files_getUploadURLExternal(filename="chart.png", length=4)
    async with http.post(ticket["upload_url"], data=b"\x89PNG") as response:
        assert response.status == 200
    done = await client.files_completeUploadExternal(
        files=[{"id": ticket["file_id"], "title": "Chart"}], channel_id="C0GENERAL"
    )
    assert done["files"][0]["id"] == ticket["file_id"]
    assert slack.files[ticket["file_id"]].completed
    assert slack.visible_messages(dm)[-1].text == "edited"


# -- Block Kit on every surface ------------------------------------------------------------


async def test_a_message_with_blocks_slack_refuses_is_not_posted(slack, client):
    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(
            channel="C0GENERAL",
            text="x",
            blocks=[{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}],
        )
    assert refused.value.response["error"] == "invalid_blocks"
    assert any("151 characters" in e for e in refused.value.response["errors"])
    assert slack.visible_messages("C0GENERAL") == []


async def test_an_unfurl_with_blocks_slack_refuses_is_refused(slack, client):
    posted = await client.chat_postMessage(channel="C0GENERAL", text="a link")
    with pytest.raises(SlackApiError) as refused:
        await client.chat_unfurl(
            channel="C0GENERAL",
            ts=posted["ts"],
            unfurls={"https://looker.example.com/looks/1": {"blocks": [{"type": "bogus"}]}},
        )
    assert refused.value.response["error"] == "invalid_blocks"


async def test_a_modal_slack_refuses_is_not_opened(slack, client):
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "A title far too long for Slack"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}],
    }
    with pytest.raises(SlackApiError) as refused:
        await client.views_open(trigger_id="1.2.3", view=view)
    answer = refused.value.response
    assert answer["error"] == "invalid_arguments"
    assert answer["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    ]
    assert slack.views == {}


# -- Home tabs -----------------------------------------------------------------------------


async def test_a_home_tab_is_checked_like_any_view(slack, client):
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}] * 101,
    }
    with pytest.raises(SlackApiError) as refused:
        await client.views_publish(user_id="U0ALICE", view=home)
    assert refused.value.response["error"] == "invalid_arguments"
    assert slack.homes == {}
    home["blocks"] = home["blocks"][:100]
    await client.views_publish(user_id="U0ALICE", view=home)
    assert len(slack.homes["U0ALICE"]["blocks"]) == 100
