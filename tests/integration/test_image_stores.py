"""Each image store against a real emulator: the bot's store writes a chart, the test
downloads the URL the bot would post, without credentials, and compares the bytes."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from azure.storage.blob.aio import BlobServiceClient

from lookerbot.errors import ImageStoreError
from lookerbot.images.azure_blob import AzureBlobImageStore
from lookerbot.images.gcs import GcsImageStore
from lookerbot.images.s3 import S3ImageStore
from lookerbot.images.slack_files import SlackFilesImageStore
from lookerbot.images.store import CHECK_IMAGE, new_key
from lookerbot.sandbox.png import bar_chart
from lookerbot.settings import Secret, StorageSettings
from lookerbot.slack.poster import WebApiSlackPoster
from tests import cloud_emulators
from tests.integration.conftest import s3_client, unique

CHART = bar_chart([3.0, 1.0, 2.0], width=320, height=200)
KEY = re.compile(r"lookerbot/[0-9a-f]{32}\.png")


async def download(url: str) -> tuple[int, bytes, str]:
    """What Slack gets for ``url``: status, bytes, content type."""
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.read(), response.content_type


def s3_store(storage: StorageSettings, **overrides) -> S3ImageStore:
    assert storage.s3_bucket is not None
    args = {
        "bucket": storage.s3_bucket,
        "region": storage.s3_region,
        "access_key_id": storage.aws_access_key_id,
        "secret_access_key": storage.aws_secret_access_key,
        "endpoint_url": storage.aws_endpoint_url,
        **overrides,
    }
    return S3ImageStore(**args)


def azure_store(storage: StorageSettings, **overrides) -> AzureBlobImageStore:
    assert storage.azure_container is not None
    args = {
        "container": storage.azure_container,
        "connection_string": storage.azure_connection_string,
        **overrides,
    }
    return AzureBlobImageStore(**args)


def gcs_store(storage: StorageSettings, **overrides) -> GcsImageStore:
    assert storage.gcs_bucket is not None
    args = {
        "bucket": storage.gcs_bucket,
        "project": storage.gcs_project,
        "emulator_host": storage.storage_emulator_host,
        **overrides,
    }
    return GcsImageStore(**args)


def test_keys_are_random_and_say_nothing_about_the_chart():
    keys = {new_key() for _ in range(1000)}
    assert len(keys) == 1000
    assert all(KEY.fullmatch(k) for k in keys)  # 32 hex digits: 128 random bits


# -- S3 (moto) ------------------------------------------------------------------------------


async def test_s3_public_object_round_trip(s3_storage):
    store = s3_store(s3_storage)
    try:
        url = await store.publish(CHART)
    finally:
        await store.aclose()
    assert await download(url) == (200, CHART, "image/png")
    key = urlsplit(url).path.removeprefix(f"/{s3_storage.s3_bucket}/")
    assert KEY.fullmatch(key)
    acl = s3_client(s3_storage.aws_endpoint_url).get_object_acl(
        Bucket=s3_storage.s3_bucket, Key=key
    )
    readers = {g["Grantee"].get("URI") for g in acl["Grants"] if g["Permission"] == "READ"}
    assert "http://acs.amazonaws.com/groups/global/AllUsers" in readers


async def test_s3_presigned_url_for_a_private_object(s3_storage):
    store = s3_store(s3_storage, presign_seconds=900)
    try:
        url = await store.publish(CHART)
    finally:
        await store.aclose()
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["900"] and query["X-Amz-Signature"]
    assert await download(url) == (200, CHART, "image/png")
    key = urlsplit(url).path.removeprefix(f"/{s3_storage.s3_bucket}/")
    acl = s3_client(s3_storage.aws_endpoint_url).get_object_acl(
        Bucket=s3_storage.s3_bucket, Key=key
    )
    assert all("URI" not in g["Grantee"] for g in acl["Grants"])  # nobody but the owner


async def test_s3_check_writes_downloads_and_deletes(s3_storage):
    store = s3_store(s3_storage)
    try:
        detail = await store.check()
    finally:
        await store.aclose()
    assert "downloaded it without credentials from its public URL, and deleted it" in detail
    listed = s3_client(s3_storage.aws_endpoint_url).list_objects_v2(Bucket=s3_storage.s3_bucket)
    assert listed["KeyCount"] == 0


async def test_s3_missing_bucket(s3_storage):
    store = s3_store(s3_storage, bucket="no-such-bucket-here")
    try:
        with pytest.raises(ImageStoreError) as caught:
            await store.publish(CHART)
    finally:
        await store.aclose()
    assert caught.value.reason == (
        f"S3 bucket no-such-bucket-here at {s3_storage.aws_endpoint_url}: the bucket does "
        "not exist (check SLACKBOT_S3_BUCKET)."
    )


async def test_s3_unreachable_endpoint():
    port = cloud_emulators.free_port()
    store = S3ImageStore(
        bucket="charts",
        access_key_id="k",
        secret_access_key=Secret("s"),
        endpoint_url=f"http://127.0.0.1:{port}",
    )
    try:
        with pytest.raises(ImageStoreError) as caught:
            await store.publish(CHART)
    finally:
        await store.aclose()
    assert "could not reach S3 (EndpointConnectionError)" in caught.value.reason


# -- Azure Blob Storage (Azurite) -----------------------------------------------------------


async def test_azure_public_container_round_trip(azure_storage):
    store = azure_store(azure_storage)
    try:
        url = await store.publish(CHART)
    finally:
        await store.aclose()
    assert url.startswith(
        f"{azurite_blob_endpoint(azure_storage)}/{azure_storage.azure_container}/"
    )
    assert KEY.fullmatch(url.rsplit(f"/{azure_storage.azure_container}/", 1)[1])
    assert await download(url) == (200, CHART, "image/png")


async def test_azure_sas_url_for_a_private_container(azure_storage):
    await set_container_access(azure_storage, None)
    store = azure_store(azure_storage, sas_seconds=900)
    try:
        url = await store.publish(CHART)
    finally:
        await store.aclose()
    assert parse_qs(urlsplit(url).query)["sp"] == ["r"]  # read only
    assert await download(url) == (200, CHART, "image/png")
    status, _, _ = await download(url.split("?")[0])
    assert status == 403  # without the SAS, the private blob is not readable


async def test_azure_check_writes_downloads_and_deletes(azure_storage):
    store = azure_store(azure_storage)
    try:
        detail = await store.check()
    finally:
        await store.aclose()
    assert detail.endswith("from its public URL, and deleted it")
    assert await blob_names(azure_storage) == []


async def test_azure_check_explains_a_private_container(azure_storage):
    await set_container_access(azure_storage, None)
    store = azure_store(azure_storage)
    try:
        with pytest.raises(ImageStoreError) as caught:
            await store.check()
    finally:
        await store.aclose()
    assert f"Azure container {azure_storage.azure_container}" in caught.value.reason
    assert "is private, so Slack cannot open the images' URLs (HTTP 403)" in caught.value.reason
    assert "LOOKERBOT_AZURE_SAS_SECONDS" in caught.value.reason
    assert await blob_names(azure_storage) == []  # the test image was deleted anyway


async def test_azure_missing_container(azure_storage):
    store = azure_store(azure_storage, container="no-such-container")
    try:
        with pytest.raises(ImageStoreError) as caught:
            await store.publish(CHART)
    finally:
        await store.aclose()
    assert caught.value.reason.endswith(
        "the container does not exist (check SLACKBOT_AZURE_CONTAINER)."
    )


async def test_azure_wrong_key_is_refused_without_showing_it(azure_storage):
    wrong = "d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXk="
    endpoint = azurite_blob_endpoint(azure_storage)
    store = azure_store(
        azure_storage,
        connection_string=Secret(cloud_emulators.azurite_connection_string(endpoint, wrong)),
    )
    try:
        with pytest.raises(ImageStoreError) as caught:
            await store.publish(CHART)
    finally:
        await store.aclose()
    assert "no permission to write blobs to the container (AuthorizationFailure)" in (
        caught.value.reason
    )
    assert wrong not in caught.value.reason


def azurite_blob_endpoint(storage: StorageSettings) -> str:
    assert storage.azure_connection_string is not None
    return storage.azure_connection_string.reveal().split("BlobEndpoint=")[1].rstrip(";")


async def set_container_access(storage: StorageSettings, level: str | None) -> None:
    assert storage.azure_connection_string is not None
    cs = storage.azure_connection_string.reveal()
    async with BlobServiceClient.from_connection_string(cs) as service:
        container = service.get_container_client(storage.azure_container)
        await container.set_container_access_policy(signed_identifiers={}, public_access=level)


async def blob_names(storage: StorageSettings) -> list[str]:
    assert storage.azure_connection_string is not None
    cs = storage.azure_connection_string.reveal()
    async with BlobServiceClient.from_connection_string(cs) as service:
        container = service.get_container_client(storage.azure_container)
        return [b.name async for b in container.list_blobs()]


# -- Google Cloud Storage (gcp-storage-emulator) --------------------------------------------


async def test_gcs_public_object_round_trip(gcs_storage):
    store = gcs_store(gcs_storage)
    try:
        url = await store.publish(CHART)
    finally:
        await store.aclose()
    prefix = f"{gcs_storage.storage_emulator_host}/{gcs_storage.gcs_bucket}/"
    assert url.startswith(prefix) and KEY.fullmatch(url.removeprefix(prefix))
    status, body, _ = await download(url)
    assert (status, body) == (200, CHART)


async def test_gcs_check_writes_downloads_and_deletes(gcs_storage):
    store = gcs_store(gcs_storage)
    try:
        detail = await store.check()
    finally:
        await store.aclose()
    assert detail.endswith("from its public URL, and deleted it")


async def test_gcs_missing_bucket(gcs_storage):
    store = gcs_store(gcs_storage, bucket=unique("missing"))
    try:
        with pytest.raises(ImageStoreError) as caught:
            await store.publish(CHART)
    finally:
        await store.aclose()
    assert caught.value.reason.endswith("the bucket does not exist (check GOOGLE_CLOUD_BUCKET).")


async def test_gcs_credentials_json_of_an_unsupported_type(gcs_storage):
    store = gcs_store(gcs_storage, credentials_json=Secret('{"type": "external_account"}'))
    try:
        with pytest.raises(ImageStoreError) as caught:
            await store.publish(CHART)
    finally:
        await store.aclose()
    assert caught.value.reason.endswith(
        "GOOGLE_CLOUD_CREDENTIALS_JSON holds no usable credentials: expected a "
        "service_account or authorized_user JSON document."
    )


# -- Slack files (Slack emulator) -----------------------------------------------------------


async def test_slack_store_check_uploads_and_deletes_a_private_file(slack):
    async with aiohttp.ClientSession() as session:
        from slack_sdk.web.async_client import AsyncWebClient

        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url, session=session)
        poster = WebApiSlackPoster(
            client=client, session=session, trusted_hosts=frozenset({"127.0.0.1"})
        )
        detail = await SlackFilesImageStore(poster=poster).check()
    assert detail == "Slack file uploads: uploaded a test image (file upload v2) and deleted it"
    (complete,) = slack.calls_to("files.completeUploadExternal")
    assert "channel_id" not in complete.args  # shared nowhere
    (deleted,) = slack.deleted_files
    assert slack.calls_to("files.delete")[0].args["file"] == deleted
    assert slack.files == {}


async def test_slack_store_check_without_files_write(slack):
    slack.fail("files.getUploadURLExternal", error="missing_scope")
    async with aiohttp.ClientSession() as session:
        from slack_sdk.web.async_client import AsyncWebClient

        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url, session=session)
        poster = WebApiSlackPoster(client=client, session=session)
        with pytest.raises(ImageStoreError) as caught:
            await SlackFilesImageStore(poster=poster).check()
    assert caught.value.reason.startswith("Slack file upload failed (missing_scope)")


def test_check_image_is_a_png():
    assert CHECK_IMAGE.startswith(b"\x89PNG\r\n\x1a\n")
