"""What the stores do when a bucket's settings get in the way, or the service is down.

The emulators accept what the clouds refuse (ACLs on buckets that disable them, public
reads that Block Public Access forbids), so these run against :class:`RefusingCloud`,
which answers with the services' own error documents, through the real SDKs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from lookerbot.errors import ImageStoreError
from lookerbot.images.azure_blob import AzureBlobImageStore
from lookerbot.images.gcs import GcsImageStore
from lookerbot.images.s3 import S3ImageStore
from lookerbot.images.store import CHECK_IMAGE
from lookerbot.settings import Secret
from tests import cloud_emulators
from tests.integration.refusing_cloud import RefusingCloud


@pytest.fixture
async def cloud() -> AsyncIterator[RefusingCloud]:
    server = await RefusingCloud().start()
    try:
        yield server
    finally:
        await server.stop()


def s3(cloud: RefusingCloud, **overrides) -> S3ImageStore:
    args = {
        "bucket": "charts",
        "access_key_id": "k",
        "secret_access_key": Secret("s"),
        "endpoint_url": cloud.url,
        **overrides,
    }
    return S3ImageStore(**args)


def gcs(cloud: RefusingCloud) -> GcsImageStore:
    return GcsImageStore(bucket="charts", project="p", emulator_host=cloud.url)


def azure(cloud: RefusingCloud) -> AzureBlobImageStore:
    endpoint = f"{cloud.url}/{cloud_emulators.AZURITE_ACCOUNT}"
    return AzureBlobImageStore(
        container="charts",
        connection_string=Secret(cloud_emulators.azurite_connection_string(endpoint)),
    )


async def test_s3_bucket_with_acls_disabled_gets_objects_without_an_acl(cloud):
    store = s3(cloud)
    try:
        url = await store.publish(CHECK_IMAGE)
        again = await store.publish(CHECK_IMAGE)
    finally:
        await store.aclose()
    puts = [r for r in cloud.requests if r.method == "PUT"]
    assert [("x-amz-acl" in r.headers) for r in puts] == [True, False, False]
    assert store.acls_disabled and not store.use_acl  # remembered: one refusal only
    assert url != again and url.startswith(f"{cloud.url}/charts/lookerbot/")


async def test_s3_check_reports_acls_disabled_and_a_private_bucket(cloud):
    store = s3(cloud)
    try:
        with pytest.raises(ImageStoreError) as caught:
            await store.check()
    finally:
        await store.aclose()
    assert caught.value.reason == (
        f"S3 bucket charts at {cloud.url} has ACLs disabled (Object Ownership: bucket owner "
        "enforced) and its bucket policy does not let everyone read the images (HTTP 403): "
        "allow s3:GetObject on charts/lookerbot/* to everyone, or set "
        "LOOKERBOT_S3_PRESIGN_SECONDS to post presigned URLs."
    )
    assert cloud.objects == {}  # the test image was deleted


async def test_s3_check_reports_public_acls_that_are_ignored(cloud):
    cloud.mode = "public-acls-ignored"
    store = s3(cloud)
    try:
        with pytest.raises(ImageStoreError) as caught:
            await store.check()
    finally:
        await store.aclose()
    assert "an image written with a public-read ACL could not be downloaded" in caught.value.reason
    assert "Block Public Access" in caught.value.reason


async def test_s3_access_denied(cloud):
    cloud.mode = "denied"
    store = s3(cloud)
    try:
        with pytest.raises(ImageStoreError) as caught:
            await store.publish(CHECK_IMAGE)
    finally:
        await store.aclose()
    assert "access denied writing a public-read object (AccessDenied)" in caught.value.reason
    assert "s3:PutObject and s3:PutObjectAcl" in caught.value.reason


async def test_s3_outage(cloud):
    cloud.mode = "outage"
    store = s3(cloud)
    try:
        with pytest.raises(ImageStoreError) as caught:
            await store.publish(CHECK_IMAGE)
    finally:
        await store.aclose()
    assert caught.value.reason.endswith("S3 answered 503 (HTTP 503).")


async def test_a_store_that_does_not_answer_times_out(cloud):
    cloud.mode = "hang"
    store = s3(cloud, timeout=0.5)
    try:
        with pytest.raises(ImageStoreError) as caught:
            await store.publish(CHECK_IMAGE)
    finally:
        await store.aclose()
    assert caught.value.reason == (
        f"S3 bucket charts at {cloud.url} did not finish a write within 0.5 seconds."
    )


async def test_gcs_uniform_bucket_level_access_gets_objects_without_an_acl(cloud):
    store = gcs(cloud)
    try:
        url = await store.publish(CHECK_IMAGE)
        with pytest.raises(ImageStoreError) as caught:
            await store.check()
    finally:
        await store.aclose()
    uploads = [r for r in cloud.requests if r.path.startswith("/upload/")]
    assert ["predefinedAcl" in r.query for r in uploads] == [True, False, False]
    assert url.startswith(f"{cloud.url}/charts/lookerbot/")
    assert "uses uniform bucket-level access (object ACLs are disabled) and is not public" in (
        caught.value.reason
    )


async def test_gcs_no_permission(cloud):
    cloud.mode = "denied"
    store = gcs(cloud)
    try:
        with pytest.raises(ImageStoreError) as caught:
            await store.publish(CHECK_IMAGE)
    finally:
        await store.aclose()
    assert caught.value.reason.endswith(
        "no permission to write objects: the account needs storage.objects.create and "
        "storage.objects.setIamPolicy (Storage Object Admin)."
    )


async def test_azure_account_that_forbids_public_access(cloud):
    cloud.mode = "no-public-access"
    store = azure(cloud)
    try:
        with pytest.raises(ImageStoreError) as caught:
            await store.check()
    finally:
        await store.aclose()
    assert "the storage account does not allow anonymous access" in caught.value.reason
    assert "LOOKERBOT_AZURE_SAS_SECONDS" in caught.value.reason
    assert cloud.objects == {}
