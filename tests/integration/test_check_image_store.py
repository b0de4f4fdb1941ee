"""``lookerbot check`` proves the image store: it writes a test image, downloads it as Slack
would, and deletes it; or it says, on one line, what is wrong."""

from __future__ import annotations

from azure.storage.blob.aio import BlobServiceClient

from lookerbot.settings import StorageSettings
from tests.integration.conftest import s3_client
from tests.integration.test_cli import bot_env, run


def store_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if " image store " in line]


async def test_the_slack_store_uploads_and_deletes_a_test_file(looker, slack):
    code, out, err = await run("check", env=bot_env(looker, slack))
    assert code == 0, (out, err)
    assert store_lines(out) == [
        "ok   image store slack: Slack file uploads: uploaded a test image (file upload v2) "
        "and deleted it"
    ]
    assert len(slack.deleted_files) == 1 and slack.files == {}


def s3_env(storage: StorageSettings, **extra: str) -> dict[str, str]:
    assert storage.aws_secret_access_key is not None
    return {
        "SLACKBOT_S3_BUCKET": storage.s3_bucket or "",
        "AWS_ENDPOINT_URL": storage.aws_endpoint_url or "",
        "AWS_ACCESS_KEY_ID": storage.aws_access_key_id or "",
        "AWS_SECRET_ACCESS_KEY": storage.aws_secret_access_key.reveal(),
        **extra,
    }


async def test_s3(looker, slack, s3_storage):
    code, out, err = await run("check", env=bot_env(looker, slack, **s3_env(s3_storage)))
    assert code == 0, (out, err)
    assert store_lines(out) == [
        f"ok   image store s3: S3 bucket {s3_storage.s3_bucket} at {s3_storage.aws_endpoint_url}: "
        "wrote a test image, downloaded it without credentials from its public URL, and "
        "deleted it"
    ]
    assert (
        s3_client(s3_storage.aws_endpoint_url).list_objects_v2(Bucket=s3_storage.s3_bucket)[
            "KeyCount"
        ]
        == 0
    )


async def test_s3_presigned(looker, slack, s3_storage):
    env = s3_env(s3_storage, LOOKERBOT_S3_PRESIGN_SECONDS="600")
    code, out, _ = await run("check", env=bot_env(looker, slack, **env))
    assert code == 0
    (line,) = store_lines(out)
    assert "from its presigned URL (valid 600 s), and deleted it" in line


async def test_s3_missing_bucket_fails_without_printing_the_secret(looker, slack, s3_storage):
    env = s3_env(s3_storage, SLACKBOT_S3_BUCKET="no-such-bucket-here")
    code, out, err = await run("check", env=bot_env(looker, slack, **env))
    assert code == 1
    assert store_lines(out) == [
        f"FAIL image store s3: S3 bucket no-such-bucket-here at {s3_storage.aws_endpoint_url}: "
        "the bucket does not exist (check SLACKBOT_S3_BUCKET)."
    ]
    assert env["AWS_SECRET_ACCESS_KEY"] not in out + err


async def test_azure_private_container(looker, slack, azure_storage):
    assert azure_storage.azure_connection_string is not None
    connection_string = azure_storage.azure_connection_string.reveal()
    async with BlobServiceClient.from_connection_string(connection_string) as service:
        container = service.get_container_client(azure_storage.azure_container)
        await container.set_container_access_policy(signed_identifiers={}, public_access=None)
    env = {
        "SLACKBOT_AZURE_CONTAINER": azure_storage.azure_container or "",
        "AZURE_STORAGE_CONNECTION_STRING": connection_string,
    }
    code, out, err = await run("check", env=bot_env(looker, slack, **env))
    assert code == 1
    (line,) = store_lines(out)
    assert line.startswith(
        f"FAIL image store azure: Azure container {azure_storage.azure_container}"
    )
    assert "is private" in line and "LOOKERBOT_AZURE_SAS_SECONDS" in line
    assert "AccountKey" not in out + err

    code, out, _ = await run(
        "check", env=bot_env(looker, slack, **env, LOOKERBOT_AZURE_SAS_SECONDS="600")
    )
    assert code == 0
    (line,) = store_lines(out)
    assert line.startswith("ok   image store azure:") and "SAS URL (valid 600 s)" in line


async def test_gcs(looker, slack, gcs_storage):
    env = {
        "GOOGLE_CLOUD_BUCKET": gcs_storage.gcs_bucket or "",
        "GOOGLE_CLOUD_PROJECT": gcs_storage.gcs_project or "",
        "STORAGE_EMULATOR_HOST": gcs_storage.storage_emulator_host or "",
    }
    code, out, err = await run("check", env=bot_env(looker, slack, **env))
    assert code == 0, (out, err)
    (line,) = store_lines(out)
    assert line.startswith(
        f"ok   image store gcs: Google Cloud Storage bucket {gcs_storage.gcs_bucket}"
    )
