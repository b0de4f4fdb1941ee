"""The emulators behave like the services they stand in for, where the bot depends on it."""

from __future__ import annotations

import asyncio
import struct

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.slack_emulator import SlackEmulator

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class LookerApi:
    def __init__(self, looker: LookerEmulator, session: aiohttp.ClientSession):
        self.looker, self.session, self.token = looker, session, ""

    async def login(self) -> None:
        async with self.session.post(
            f"{self.looker.url}/api/4.0/login",
            data={
                "client_id": self.looker.client_id,
                "client_secret": self.looker.client_secret,
            },
        ) as r:
            self.token = (await r.json())["access_token"]

    async def call(self, method: str, path: str, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}"}
        async with self.session.request(
            method, f"{self.looker.url}/api/4.0{path}", headers=headers, **kwargs
        ) as r:
            body = await r.read()
            return r.status, r.headers.get("Content-Type", ""), body


@pytest.fixture
async def api(looker):
    async with aiohttp.ClientSession() as session:
        client = LookerApi(looker, session)
        await client.login()
        yield client


async def render(
    api: LookerApi, kind: str = "looks", target: str = "1", query: str = "?width=300&height=200"
):
    # create_dashboard_render_task takes a CreateDashboardRenderTask body (methods.py).
    body = {} if kind == "dashboards" else None
    status, _, body = await api.call("POST", f"/render_tasks/{kind}/{target}/png{query}", json=body)
    assert status == 200
    import json

    return json.loads(body)["id"]


async def poll(api: LookerApi, task_id: str, rounds: int = 40) -> dict:
    import json

    for _ in range(rounds):
        _, _, body = await api.call("GET", f"/render_tasks/{task_id}")
        task = json.loads(body)
        if task["status"] in ("success", "failure"):
            return task
        await asyncio.sleep(0.05)
    return task


@pytest.mark.parametrize("kind", ["looks", "queries", "dashboards"])
async def test_render_task_returns_a_real_png(api, kind):
    task_id = await render(api, kind)
    status, _, body = await api.call("GET", f"/render_tasks/{task_id}/results")
    assert status == 202  # not ready yet
    assert (await poll(api, task_id))["status"] == "success"
    status, content_type, body = await api.call("GET", f"/render_tasks/{task_id}/results")
    assert status == 200 and content_type == "image/png"
    assert body.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", body[16:24])
    assert (width, height) == (300, 200)


async def test_render_task_can_fail_hang_or_return_nothing(api, looker):
    looker.render_outcome = "failure"
    task = await poll(api, await render(api))
    assert task["status"] == "failure" and task["status_detail"] == looker.render_failure_detail

    looker.render_outcome = "hang"
    task = await poll(api, await render(api), rounds=10)
    assert task["status"] not in ("success", "failure")

    looker.render_outcome = "empty"
    task_id = await render(api)
    assert (await poll(api, task_id))["status"] == "success"
    status, _, body = await api.call("GET", f"/render_tasks/{task_id}/results")
    assert status == 200 and body == b""


async def test_data_action_answers_what_it_is_told(api, looker):
    looker.data_action_result = {"success": False, "message": "Nope"}
    status, _, body = await api.call("POST", "/data_actions", json={"action": {"url": "x"}})
    assert status == 200 and b"Nope" in body
    status, _, _ = await api.call("POST", "/data_actions", json={})
    assert status == 422


async def test_sudo_login_acts_as_the_user(api, looker):
    import json

    status, _, body = await api.call("POST", "/login/2")
    assert status == 200
    sudo_token = json.loads(body)["access_token"]
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{looker.url}/api/4.0/user", headers={"Authorization": f"Bearer {sudo_token}"}
        ) as r,
    ):
        assert (await r.json())["display_name"] == "Alice Analyst"
    looker.state.users["3"]["is_disabled"] = True
    status, _, _ = await api.call("POST", "/login/3")
    assert status == 403
    status, _, body = await api.call("GET", "/users/search", params={"email": "bob@example.com"})
    assert json.loads(body)[0]["id"] == "3"


async def test_unauthenticated_calls_are_refused(looker):
    async with aiohttp.ClientSession() as session, session.get(f"{looker.url}/api/4.0/user") as r:
        assert r.status == 401


@pytest.fixture
async def web(slack: SlackEmulator):
    async with aiohttp.ClientSession() as session:
        yield AsyncWebClient(token=slack.bot_token, base_url=slack.api_url, session=session)


async def test_file_upload_v2_flow(slack, web):
    data = PNG_SIGNATURE + b"chart-bytes"
    got = await web.files_getUploadURLExternal(filename="chart.png", length=len(data))
    async with aiohttp.ClientSession() as session, session.post(got["upload_url"], data=data) as r:
        assert r.status == 200
    done = await web.files_completeUploadExternal(
        files=[{"id": got["file_id"], "title": "Revenue"}], channel_id="C0GENERAL", thread_ts="1.1"
    )
    assert done["files"][0]["title"] == "Revenue"
    uploaded = slack.files[got["file_id"]]
    assert uploaded.data == data and uploaded.channel == "C0GENERAL"
    (message,) = slack.visible_messages("C0GENERAL")
    assert message.files == [got["file_id"]] and message.thread_ts == "1.1"


async def test_upload_size_mismatch_is_refused(web):
    got = await web.files_getUploadURLExternal(filename="chart.png", length=100)
    async with aiohttp.ClientSession() as session, session.post(got["upload_url"], data=b"short"):
        pass
    with pytest.raises(SlackApiError) as caught:
        await web.files_completeUploadExternal(
            files=[{"id": got["file_id"]}], channel_id="C0GENERAL"
        )
    assert caught.value.response["error"] == "file_upload_size_mismatch"


def _buttons(*, value: str = "v", label: str = "Pick", action_ids: tuple[str, ...] = ("a",)):
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": action_id,
                "text": {"type": "plain_text", "text": label},
                "value": value,
            }
            for action_id in action_ids
        ],
    }


async def test_buttons_within_slacks_limits_are_accepted(web):
    blocks = [_buttons(value="v" * 2000, label="l" * 75, action_ids=("a", "b"))]
    posted = await web.chat_postMessage(channel="C0GENERAL", text="x", blocks=blocks)
    assert posted["ok"]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ({"channel": "C0RANDOM", "text": "hi"}, "not_in_channel"),
        ({"channel": "C0NOPE", "text": "hi"}, "channel_not_found"),
        ({"channel": "C0GENERAL"}, "no_text"),
        ({"channel": "C0GENERAL", "text": "x" * 40001}, "msg_too_long"),
        (
            {
                "channel": "C0GENERAL",
                "text": "x",
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "y" * 3001}}],
            },
            "invalid_blocks",
        ),
        (
            {"channel": "C0GENERAL", "text": "x", "blocks": [{"type": "divider"}] * 51},
            "invalid_blocks",
        ),
        (
            {"channel": "C0GENERAL", "text": "x", "blocks": [_buttons(value="v" * 2001)]},
            "invalid_blocks",
        ),
        (
            {"channel": "C0GENERAL", "text": "x", "blocks": [_buttons(label="l" * 76)]},
            "invalid_blocks",
        ),
        (
            {"channel": "C0GENERAL", "text": "x", "blocks": [_buttons(action_ids=("a", "a"))]},
            "invalid_blocks",
        ),
    ],
)
async def test_slack_rules_are_enforced(web, args, error):
    with pytest.raises(SlackApiError) as caught:
        await web.api_call("chat.postMessage", json=args)
    assert caught.value.response["error"] == error


async def test_bad_token_and_programmed_failures(slack, web):
    async with aiohttp.ClientSession() as session:
        wrong = AsyncWebClient(token="xoxb-wrong", base_url=slack.api_url, session=session)
        with pytest.raises(SlackApiError) as caught:
            await wrong.auth_test()
        assert caught.value.response["error"] == "invalid_auth"
    slack.fail("chat.postMessage", status=429, retry_after=2)
    with pytest.raises(SlackApiError) as caught:
        await web.chat_postMessage(channel="C0GENERAL", text="hi")
    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "2"
    slack.fail("chat.postMessage", error="fatal_error")
    with pytest.raises(SlackApiError):
        await web.chat_postMessage(channel="C0GENERAL", text="hi")
    assert (await web.chat_postMessage(channel="C0GENERAL", text="hi"))["ok"]


async def test_conversations_list_pages_through_a_large_workspace(slack, web):
    slack.add_channels(450)
    names, cursor = [], None
    while True:
        page = await web.conversations_list(
            types="public_channel,private_channel", limit=200, cursor=cursor
        )
        names += [c["name"] for c in page["channels"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert len(names) == 450 + 3 + 1  # new ones, public defaults, the private one the bot is in
    assert "secret-private" not in names
