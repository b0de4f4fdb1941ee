"""The object-store emulators (moto, Azurite, gcp-storage-emulator) and a fresh bucket or
container per test, as the settings of each image store."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import boto3
import pytest
from azure.storage.blob.aio import BlobServiceClient
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage

from lookerbot.settings import Secret, StorageSettings
from tests import cloud_emulators
from tests.redis_server import redis_server  # noqa: F401 (a fixture for every test here)

S3_KEY_ID, S3_SECRET = "testing-key-id", "testing-secret-key"


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's S3, for the whole session."""
    process, url = cloud_emulators.moto_server()
    try:
        yield url
    finally:
        process.stop()


@pytest.fixture(scope="session")
def azurite_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Azurite's Blob service, for the whole session: the account's blob endpoint."""
    process, endpoint = cloud_emulators.azurite(tmp_path_factory.mktemp("azurite"))
    try:
        yield endpoint
    finally:
        process.stop()


@pytest.fixture(scope="session")
def gcs_endpoint() -> Iterator[str]:
    """gcp-storage-emulator, for the whole session."""
    process, url = cloud_emulators.gcs_emulator()
    try:
        yield url
    finally:
        process.stop()


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5)}"


def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id=S3_KEY_ID,
        aws_secret_access_key=S3_SECRET,
    )


@pytest.fixture
def s3_storage(moto_endpoint: str) -> Iterator[StorageSettings]:
    """A new, empty S3 bucket in moto."""
    client = s3_client(moto_endpoint)
    bucket = unique("charts")
    client.create_bucket(Bucket=bucket)
    yield StorageSettings(
        image_store="s3",
        s3_bucket=bucket,
        aws_access_key_id=S3_KEY_ID,
        aws_secret_access_key=Secret(S3_SECRET),
        aws_endpoint_url=moto_endpoint,
    )
    client.close()


@pytest.fixture
async def azure_storage(azurite_endpoint: str) -> StorageSettings:
    """A new container in Azurite whose blobs anyone may read (access level "blob")."""
    connection_string = cloud_emulators.azurite_connection_string(azurite_endpoint)
    container = unique("charts")
    async with BlobServiceClient.from_connection_string(connection_string) as service:
        await service.create_container(container, public_access="blob")
    return StorageSettings(
        image_store="azure",
        azure_container=container,
        azure_connection_string=Secret(connection_string),
    )


@pytest.fixture
def gcs_storage(gcs_endpoint: str) -> Iterator[StorageSettings]:
    """A new bucket in gcp-storage-emulator."""
    client = storage.Client(
        project="lookerbot-test",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": gcs_endpoint},
    )
    bucket = unique("charts")
    client.create_bucket(bucket)
    yield StorageSettings(
        image_store="gcs",
        gcs_bucket=bucket,
        gcs_project="lookerbot-test",
        storage_emulator_host=gcs_endpoint,
    )
    client.close()


@pytest.fixture
def image_storage(request: pytest.FixtureRequest) -> StorageSettings:
    """The settings of the image store named by the test's ``store`` parameter."""
    kind = request.param if hasattr(request, "param") else request.getfixturevalue("store")
    if kind == "slack":
        return StorageSettings()
    return request.getfixturevalue(f"{kind}_storage")
