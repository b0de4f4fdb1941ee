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
    bearer: bool = True,
) -> dict[str, Any]:
    """A hand-made call, as a client that does not use slack_sdk might send it."""
    async with http.post(
        slack.api_url + method,
        json=json,
        data=form,
        params=query,
        headers={"Authorization": f"Bearer {slack.bot_token}"} if bearer else {},
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


def test_the_method_table_says_how_slack_sdk_sends_each_method():
    # users.info: GET with a query string; chat.postMessage: a JSON body; the upload ticket:
    # POST with query/form arguments only (slack_sdk's params=), never JSON.
    assert METHODS["users.info"].sent_as == {"params"}
    assert METHODS["chat.postMessage"].sent_as == {"json"}
    assert METHODS["files.getUploadURLExternal"].sent_as == {"params"}
    assert not METHODS["files.getUploadURLExternal"].read
    assert METHODS["chat.update"].required == {"channel", "ts"}
    assert "colour" not in METHODS["chat.postMessage"].arguments


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


async def test_conversations_list_reads_types_limit_and_cursor_from_query_and_form(slack, http):
    private = await raw(http, slack, "conversations.list", query={"types": "private_channel"})
    # Private channels the bot is in, and only those.
    assert [c["id"] for c in private["channels"]] == ["G0FINANCE"]
    first = await raw(http, slack, "conversations.list", form={"limit": "2"})
    assert len(first["channels"]) == 2
    cursor = first["response_metadata"]["next_cursor"]
    assert cursor
    second = await raw(http, slack, "conversations.list", form={"limit": "2", "cursor": cursor})
    assert {c["id"] for c in second["channels"]}.isdisjoint(c["id"] for c in first["channels"])


async def test_the_token_comes_in_the_header_or_a_form_body_only(slack, http):
    by_form = await raw(http, slack, "auth.test", form={"token": slack.bot_token}, bearer=False)
    assert by_form["ok"]
    # Not in the query string (apps made after 2021-02-24), not in a JSON body.
    by_query = await raw(http, slack, "auth.test", query={"token": slack.bot_token}, bearer=False)
    assert by_query == {"ok": False, "error": "not_authed"}
    in_json = await raw(
        http,
        slack,
        "chat.postMessage",
        json={"token": slack.bot_token, "channel": "C0GENERAL", "text": "hi"},
        bearer=False,
    )
    assert in_json == {"ok": False, "error": "not_authed"}
    assert slack.visible_messages("C0GENERAL") == []


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


async def test_a_message_needs_text_blocks_or_attachments(slack, http):
    bare = await raw(http, slack, "chat.postMessage", json={"channel": "C0GENERAL"})
    assert bare == {"ok": False, "error": "no_text"}
    ephemeral = await raw(
        http, slack, "chat.postEphemeral", json={"channel": "C0GENERAL", "user": "U0ALICE"}
    )
    assert ephemeral == {"ok": False, "error": "no_text"}
    assert slack.messages == []
    attached = await raw(
        http,
        slack,
        "chat.postMessage",
        json={"channel": "C0GENERAL", "attachments": [{"fallback": "x", "text": "x"}]},
    )
    assert attached["ok"]


async def test_slack_sdk_passes_unknown_arguments_on_and_slack_refuses_them(slack, client):
    # The typed methods take **kwargs and send them as they are; Slack reads the method's
    # own arguments only.
    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel="C0GENERAL", text="hi", colour="red")
    assert refused.value.response["error"] == "invalid_arguments"
    assert slack.visible_messages("C0GENERAL") == []


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


async def test_a_cursor_of_another_list_is_refused(client):
    channels = await client.conversations_list(limit=1)
    cursor = channels["response_metadata"]["next_cursor"]
    assert cursor
    with pytest.raises(SlackApiError) as refused:
        await client.users_list(cursor=cursor)
    assert refused.value.response["error"] == "invalid_cursor"


async def test_users_list_pages_to_the_last_member(slack, client):
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = await client.users_list(limit=2, cursor=cursor)
        pages += 1
        seen += [m["id"] for m in page["members"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
        assert pages < 20
    assert pages == -(-len(slack.users) // 2)
    assert seen == list(slack.users)


async def test_emails_need_users_read_email(slack, client):
    assert (await client.users_info(user="U0ALICE"))["user"]["profile"]["email"]
    slack.scopes.discard("users:read.email")
    user = (await client.users_info(user="U0ALICE"))["user"]
    assert "email" not in user["profile"]
    assert user["profile"]["real_name"] == "Alice Analyst"
    members = (await client.users_list())["members"]
    assert all("email" not in m["profile"] for m in members)
    assert slack.users["U0ALICE"]["profile"]["email"] == "alice@example.com"  # still there


async def test_conversations_open_answers_as_slack_does(slack, client, http):
    first = await client.conversations_open(users="U0ALICE")
    again = await client.conversations_open(users="U0ALICE", return_im=True)
    assert "already_open" not in first.data
    assert again["already_open"] and again["no_op"]
    assert again["channel"]["id"] == first["channel"]["id"]
    assert again["channel"]["is_im"] and again["channel"]["user"] == "U0ALICE"
    slack.scopes.add("mpim:write")  # a group DM's scope; the manifest does not ask for it
    group = await client.conversations_open(users=["U0ALICE", "U0BOB"], return_im=True)
    assert group["channel"]["is_mpim"]
    assert slack.members_of(group["channel"]["id"]) == {"U0ALICE", "U0BOB"}
    resumed = await client.conversations_open(channel=first["channel"]["id"])
    assert resumed["channel"]["id"] == first["channel"]["id"]
    # slack_sdk itself refuses to send neither users nor channel; Slack's answer to that:
    nothing = await raw(http, slack, "conversations.open", form={})
    assert nothing == {"ok": False, "error": "users_list_not_supplied"}
    for kwargs, error in [
        ({"users": "U0NOBODY"}, "user_not_found"),
        ({"users": [f"U{i}" for i in range(9)]}, "too_many_users"),
        ({"channel": "C0GENERAL"}, "method_not_supported_for_channel_type"),
        ({"channel": "D0NOWHERE"}, "channel_not_found"),
    ]:
        with pytest.raises(SlackApiError) as refused:
            await client.conversations_open(**kwargs)
        assert refused.value.response["error"] == error, kwargs


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


async def test_missing_scope_names_needed_and_provided_over_raw_http(slack, http):
    slack.scopes = {"chat:write"}
    answer = await raw(http, slack, "users.info", form={"user": "U0ALICE"})
    assert answer == {
        "ok": False,
        "error": "missing_scope",
        "needed": "users:read",
        "provided": "chat:write",
    }


async def test_an_emulator_with_fewer_scopes_reports_them():
    async with (
        SlackEmulator(scopes=["chat:write", "users:read"]) as slack,
        aiohttp.ClientSession() as session,
    ):
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url, session=session)
        answer = await client.auth_test()
        assert answer.headers["x-oauth-scopes"] == "chat:write,users:read"
        with pytest.raises(SlackApiError) as refused:
            await client.conversations_open(users="U0ALICE")
        assert refused.value.response["needed"] == "im:write"


async def test_a_group_dm_needs_mpim_write(slack, client):
    assert "mpim:write" not in slack.scopes  # the manifest does not ask for it
    with pytest.raises(SlackApiError) as refused:
        await client.conversations_open(users="U0ALICE,U0BOB")
    assert refused.value.response["needed"] == "mpim:write"
    slack.scopes.add("mpim:write")
    assert (await client.conversations_open(users="U0ALICE,U0BOB"))["ok"]


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
    as_string = await client.conversations_list(types="public_channel,private_channel")
    assert as_string["channels"] == listed["channels"]
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
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Send"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Loading…"}}],
    }
    opened = await client.views_open(trigger_id=slack.new_trigger_id(), view=view)
    assert opened["view"]["id"] in slack.views
    answer = await client.auth_test()
    assert answer.headers["x-oauth-scopes"] == ",".join(sorted(slack.scopes))


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
