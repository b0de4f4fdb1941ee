"""Charts end to end: the real bot, the Looker and Slack emulators, and every image store.

A chart custom command and a chart unfurl end in a PNG that Slack shows, for each store:
uploaded to Slack (``slack``), or downloaded by Slack from the store's URL (S3, Azure, GCS;
the Slack emulator fetches image URLs as Slack does and keeps what it got).
"""

from __future__ import annotations

import dataclasses
import logging
import struct
from collections.abc import AsyncIterator

import pytest

from lookerbot import messages
from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.slack_emulator import PostedMessage
from lookerbot.settings import ChartSettings, Secret, StorageSettings
from tests import cloud_emulators
from tests.helpers import response_text, text_of
from tests.integration.refusing_cloud import RefusingCloud

STORES = ["slack", "s3", "azure", "gcs"]
URL_STORES = ["s3", "azure", "gcs"]


def size_of(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def images_in(blocks: list[dict]) -> list[str]:
    return [b["image_url"] for b in blocks if b.get("type") == "image"]


async def dm(sandbox: Sandbox, text: str) -> list[PostedMessage]:
    await sandbox.driver.dm(text)
    await sandbox.settle()
    return sandbox.slack.visible_messages(sandbox.slack.dm_channel("U0ALICE"))


@pytest.fixture
async def cloud() -> AsyncIterator[RefusingCloud]:
    server = await RefusingCloud().start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.mark.parametrize("store", STORES)
async def test_a_chart_command_ends_in_a_png_in_slack(
    looker: LookerEmulator, image_storage: StorageSettings, store: str
):
    async with Sandbox(looker=looker, storage=image_storage) as sandbox:
        assert sandbox.runtime.image_store.name == store
        posted = await dm(sandbox, "category mix")  # a column chart
        (png,) = looker.rendered
        assert size_of(png) == (800, 500)
        if store == "slack":
            answer, upload = posted
            assert images_in(answer.blocks) == []
            (file_id,) = upload.files
            assert sandbox.slack.files[file_id].data == png  # file upload v2, bytes compared
            assert sandbox.slack.files[file_id].title == "Category Mix"
        else:
            (answer,) = posted
            (url,) = images_in(answer.blocks)
            assert sandbox.slack.images[url] == png  # what Slack downloaded
            assert sandbox.slack.calls_to("files.getUploadURLExternal") == []
        assert f"Category Mix ({looker.url}/dashboards/5)" in text_of(answer)


@pytest.mark.parametrize("store", URL_STORES)
async def test_a_dashboard_command_is_one_image_from_the_store(
    looker: LookerEmulator, image_storage: StorageSettings, store: str
):
    async with Sandbox(looker=looker, storage=image_storage) as sandbox:
        (answer,) = await dm(sandbox, "weekly business review west")
        (png,) = looker.rendered
        assert size_of(png) == (1280, 960)
        (url,) = images_in(answer.blocks)
        assert sandbox.slack.images[url] == png


@pytest.mark.parametrize("store", STORES)
async def test_a_chart_look_unfurls(
    looker: LookerEmulator, image_storage: StorageSettings, store: str
):
    link = f"{looker.url}/looks/3"  # "Orders per Day", a line chart
    async with Sandbox(looker=looker, storage=image_storage) as sandbox:
        await sandbox.driver.link_shared([link])
        await sandbox.settle()
        (call,) = sandbox.slack.calls_to("chat.unfurl")
        blocks = call.args["unfurls"][link]["blocks"]
        if store == "slack":
            # A preview cannot carry a file: described, not rendered.
            assert "A line chart: open it in Looker" in response_text({"blocks": blocks})
            assert looker.rendered == []
        else:
            (url,) = images_in(blocks)
            (png,) = looker.rendered
            assert sandbox.slack.images[url] == png
            assert f"Orders per Day ({link})" in response_text({"blocks": blocks})


@pytest.mark.parametrize("store", URL_STORES)
async def test_a_share_link_to_a_chart_unfurls_with_its_image(
    looker: LookerEmulator, image_storage: StorageSettings, store: str
):
    query = next(
        q for q in looker.state.queries.values() if q["vis_config"]["type"] == "looker_pie"
    )
    link = f"{looker.url}/x/{query['slug']}"
    async with Sandbox(looker=looker, storage=image_storage) as sandbox:
        await sandbox.driver.link_shared([link])
        await sandbox.settle()
        (call,) = sandbox.slack.calls_to("chat.unfurl")
        (url,) = images_in(call.args["unfurls"][link]["blocks"])
        (png,) = looker.rendered
        assert size_of(png) == (640, 640)  # a pie is square
        assert sandbox.slack.images[url] == png


async def test_charts_in_a_private_channel_thread_with_the_slack_store(looker: LookerEmulator):
    async with Sandbox(looker=looker) as sandbox:
        await sandbox.driver.mention("category mix", channel="G0FINANCE", thread_ts="1699.000001")
        await sandbox.settle()
        answer, upload = sandbox.slack.visible_messages("G0FINANCE")
        assert upload.thread_ts == answer.thread_ts == "1699.000001"
        assert sandbox.slack.files[upload.files[0]].data == looker.rendered[0]


async def test_slash_command_shows_a_stored_chart_even_where_the_bot_cannot_upload(
    looker: LookerEmulator, s3_storage: StorageSettings
):
    async with Sandbox(looker=looker, storage=s3_storage) as sandbox:
        await sandbox.driver.slash("category mix", channel="C0RANDOM")  # the bot is not in it
        await sandbox.settle()
        (response,) = sandbox.slack.responses
        assert response.body["response_type"] == "in_channel"
        (url,) = images_in(response.body["blocks"])
        assert sandbox.slack.images[url] == looker.rendered[0]
        assert sandbox.slack.calls_to("files.completeUploadExternal") == []


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (
            "failure",
            ":warning: Looker couldn't render _Category Mix_: Rendering failed: the query timed out.",
        ),
        ("hang", ":warning: Looker didn't finish rendering _Category Mix_ within 1 seconds."),
        ("empty", ":warning: Looker rendered _Category Mix_ as an empty image."),
    ],
)
async def test_render_failure_timeout_and_empty_image(
    looker: LookerEmulator, s3_storage: StorageSettings, outcome: str, expected: str
):
    looker.render_outcome = outcome
    charts = ChartSettings(render_timeout=1)
    async with Sandbox(looker=looker, storage=s3_storage, charts=charts) as sandbox:
        (answer,) = await dm(sandbox, "category mix")
        assert text_of(answer).startswith(expected)
        assert images_in(answer.blocks) == []
        assert sandbox.slack.images == {} and sandbox.slack.files == {}


async def test_a_store_outage_falls_back_to_a_slack_upload(
    looker: LookerEmulator, s3_storage: StorageSettings, caplog: pytest.LogCaptureFixture
):
    down = dataclasses.replace(
        s3_storage, aws_endpoint_url=f"http://127.0.0.1:{cloud_emulators.free_port()}"
    )
    caplog.set_level(logging.WARNING, logger="lookerbot.content")
    async with Sandbox(looker=looker, storage=down) as sandbox:
        answer, upload = await dm(sandbox, "category mix")
        assert images_in(answer.blocks) == []  # no broken link
        assert sandbox.slack.files[upload.files[0]].data == looker.rendered[0]
    (record,) = [r for r in caplog.records if r.name == "lookerbot.content"]
    assert record.getMessage().startswith(
        "Image store s3 failed, so the chart goes to Slack as a file: S3 bucket "
    )
    assert "could not reach S3 (EndpointConnectionError)" in record.getMessage()


async def test_a_url_slack_cannot_fetch_is_never_posted(
    looker: LookerEmulator, cloud: RefusingCloud, caplog: pytest.LogCaptureFixture
):
    # ACLs disabled and the bucket private: the write succeeds, but nobody can read it.
    storage = StorageSettings(
        image_store="s3",
        s3_bucket="charts",
        aws_access_key_id="k",
        aws_secret_access_key=Secret("s"),
        aws_endpoint_url=cloud.url,
    )
    caplog.set_level(logging.WARNING, logger="lookerbot.slack.conversation")
    async with Sandbox(looker=looker, storage=storage) as sandbox:
        answer, upload = await dm(sandbox, "category mix")
        refused = [c for c in sandbox.slack.calls_to("chat.update") if images_in(c.args["blocks"])]
        assert len(refused) == 1  # Slack could not download it, so refused the message
        assert images_in(answer.blocks) == []
        assert "Category Mix" in text_of(answer)
        assert sandbox.slack.files[upload.files[0]].data == looker.rendered[0]
    assert any("Slack refused a message showing a chart" in r.getMessage() for r in caplog.records)


async def test_a_slash_command_whose_image_slack_cannot_fetch(
    looker: LookerEmulator, cloud: RefusingCloud
):
    storage = StorageSettings(
        image_store="s3",
        s3_bucket="charts",
        aws_access_key_id="k",
        aws_secret_access_key=Secret("s"),
        aws_endpoint_url=cloud.url,
    )
    async with Sandbox(looker=looker, storage=storage) as sandbox:
        await sandbox.driver.slash("category mix")
        await sandbox.settle()
        (response,) = sandbox.slack.responses  # the one with the image was refused
        assert images_in(response.body["blocks"]) == []
        (upload,) = sandbox.slack.visible_messages("C0GENERAL")
        assert sandbox.slack.files[upload.files[0]].data == looker.rendered[0]


async def test_an_unfurl_slack_cannot_fetch_is_sent_without_the_image(
    looker: LookerEmulator, cloud: RefusingCloud
):
    storage = StorageSettings(
        image_store="s3",
        s3_bucket="charts",
        aws_access_key_id="k",
        aws_secret_access_key=Secret("s"),
        aws_endpoint_url=cloud.url,
    )
    link = f"{looker.url}/looks/3"
    async with Sandbox(looker=looker, storage=storage) as sandbox:
        await sandbox.driver.link_shared([link])
        await sandbox.settle()
        first, second = sandbox.slack.calls_to("chat.unfurl")
        assert images_in(first.args["unfurls"][link]["blocks"])
        blocks = second.args["unfurls"][link]["blocks"]
        assert images_in(blocks) == []
        assert messages.CHART_UNAVAILABLE in str(blocks)


async def test_chart_sizes_are_configurable(looker: LookerEmulator):
    charts = ChartSettings(sizes=(("looker_column", 600, 300),))
    async with Sandbox(looker=looker, charts=charts) as sandbox:
        await dm(sandbox, "category mix")
        (png,) = looker.rendered
        assert size_of(png) == (600, 300)
        (render,) = looker.requests_to("/render_tasks/queries/")
        assert render.query["width"] == "600" and render.query["height"] == "300"


@pytest.mark.parametrize("store", STORES)
async def test_a_scheduled_chart_ends_in_a_png_in_slack(
    looker: LookerEmulator, image_storage: StorageSettings, store: str
):
    instance = looker.instance_settings(webhook_token=Secret("hook"))
    async with Sandbox(looker=looker, storage=image_storage, lookers=(instance,)) as sandbox:
        plan = {"scheduled_plan": {"type": "Look", "url": f"{looker.url}/looks/3", "query_id": 3}}
        async with sandbox.session.post(
            sandbox.bot_url + "/slack/post/channel/general",
            json=plan,
            headers={"X-Looker-Webhook-Token": "hook"},
        ) as response:
            assert response.status == 200
        (png,) = looker.rendered  # Orders per Day, a line chart
        posted = sandbox.slack.visible_messages("C0GENERAL")
        if store == "slack":
            answer, upload = posted
            assert sandbox.slack.files[upload.files[0]].data == png
        else:
            (answer,) = posted
            (url,) = images_in(answer.blocks)
            assert sandbox.slack.images[url] == png
        assert f"Orders per Day ({looker.url}/looks/3)" in text_of(answer)
