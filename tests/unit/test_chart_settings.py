"""Chart settings: which image store, its variables checked, render timeout and sizes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lookerbot.errors import SettingsError
from lookerbot.images.sizes import ChartSize, ChartSizes
from lookerbot.settings import load_settings
from tests.unit.test_settings import BASE

S3 = {"SLACKBOT_S3_BUCKET": "charts"}
AZURE = {
    "SLACKBOT_AZURE_CONTAINER": "charts",
    "AZURE_STORAGE_ACCOUNT": "acct",
    "AZURE_STORAGE_ACCESS_KEY": "azure-key-value",
}
GCS = {"GOOGLE_CLOUD_BUCKET": "charts"}


def load(**env: str):
    return load_settings({**BASE, **env}, env_file=None)


def problems(**env: str) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        load(**env)
    return list(caught.value.problems)


@pytest.mark.parametrize(
    ("env", "store"),
    [
        ({}, "slack"),
        (S3, "s3"),
        (AZURE, "azure"),
        (GCS, "gcs"),
        ({**GCS, **AZURE}, "azure"),
        ({**GCS, **AZURE, **S3}, "s3"),
    ],
)
def test_unset_store_is_the_first_configured_else_slack(env, store):
    assert load(**env).storage.image_store == store


def test_several_configured_stores_are_noted():
    settings = load(**S3, **GCS)
    assert any(
        "SLACKBOT_S3_BUCKET and GOOGLE_CLOUD_BUCKET are set; charts go to s3" in n
        for n in settings.notes
    )


def test_explicit_store_wins_and_the_others_are_noted():
    settings = load(**S3, LOOKERBOT_IMAGE_STORE="slack")
    assert settings.storage.image_store == "slack"
    assert any(
        "SLACKBOT_S3_BUCKET is set, but LOOKERBOT_IMAGE_STORE=slack" in n for n in settings.notes
    )
    assert load(**S3, **GCS, LOOKERBOT_IMAGE_STORE="GCS").storage.image_store == "gcs"


def test_unknown_store():
    assert problems(LOOKERBOT_IMAGE_STORE="dropbox") == [
        "LOOKERBOT_IMAGE_STORE: expected slack, s3, azure or gcs, got 'dropbox'."
    ]


@pytest.mark.parametrize(
    ("store", "variable"),
    [
        ("s3", "SLACKBOT_S3_BUCKET"),
        ("azure", "SLACKBOT_AZURE_CONTAINER"),
        ("gcs", "GOOGLE_CLOUD_BUCKET"),
    ],
)
def test_a_chosen_store_needs_its_bucket(store, variable):
    assert f"{variable}: required when LOOKERBOT_IMAGE_STORE={store}." in problems(
        LOOKERBOT_IMAGE_STORE=store
    )


def test_s3_variables():
    s = load(
        **S3,
        SLACKBOT_S3_BUCKET_REGION="eu-west-1",
        AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY="aws-secret-value",
        AWS_ENDPOINT_URL="http://127.0.0.1:9000/",
        LOOKERBOT_S3_PRESIGN_SECONDS="3600",
    ).storage
    assert (s.s3_bucket, s.s3_region, s.aws_access_key_id) == ("charts", "eu-west-1", "AKIAEXAMPLE")
    assert s.aws_endpoint_url == "http://127.0.0.1:9000"
    assert s.s3_presign_seconds == 3600
    assert (
        s.aws_secret_access_key is not None
        and s.aws_secret_access_key.reveal() == "aws-secret-value"
    )


@pytest.mark.parametrize("value", ["0", "604801", "1h", "-5"])
def test_presign_seconds_out_of_range(value):
    (problem,) = problems(**S3, LOOKERBOT_S3_PRESIGN_SECONDS=value)
    assert problem.startswith("LOOKERBOT_S3_PRESIGN_SECONDS: ")


def test_half_an_aws_key_pair_without_showing_the_secret():
    (problem,) = problems(**S3, AWS_SECRET_ACCESS_KEY="aws-secret-value")
    assert problem.startswith("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: set both")
    assert "aws-secret-value" not in problem


def test_azure_needs_credentials():
    (problem,) = problems(SLACKBOT_AZURE_CONTAINER="charts")
    assert problem.startswith("AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_ACCESS_KEY (or ")


def test_azure_connection_string_is_checked_without_echo():
    secret = "AccountKey-looking-secret"
    (problem,) = problems(SLACKBOT_AZURE_CONTAINER="charts", AZURE_STORAGE_CONNECTION_STRING=secret)
    assert problem.startswith("AZURE_STORAGE_CONNECTION_STRING: not a connection string")
    assert secret not in problem


def test_azure_sas_needs_the_account_key():
    cs = "SharedAccessSignature=sv=2024&sig=abc;BlobEndpoint=https://acct.blob.core.windows.net"
    (problem,) = problems(
        SLACKBOT_AZURE_CONTAINER="charts",
        AZURE_STORAGE_CONNECTION_STRING=cs,
        LOOKERBOT_AZURE_SAS_SECONDS="600",
    )
    assert problem.startswith(
        "LOOKERBOT_AZURE_SAS_SECONDS: SAS URLs are signed with the account key"
    )
    ok = load(**AZURE, LOOKERBOT_AZURE_SAS_SECONDS="600").storage
    assert ok.azure_sas_seconds == 600


def test_gcs_credentials_json_is_checked_without_echo(tmp_path: Path):
    key = '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----abc'
    (problem,) = problems(**GCS, GOOGLE_CLOUD_CREDENTIALS_JSON=key)
    assert problem.startswith("GOOGLE_CLOUD_CREDENTIALS_JSON: not valid JSON")
    assert "PRIVATE KEY" not in problem
    (problem,) = problems(**GCS, GOOGLE_CLOUD_CREDENTIALS_JSON='{"type": "external_account"}')
    assert "expected a service account key" in problem
    (problem,) = problems(**GCS, GOOGLE_CLOUD_CREDENTIALS_JSON=str(tmp_path / "missing.json"))
    assert problem.startswith("GOOGLE_CLOUD_CREDENTIALS_JSON: neither credentials JSON nor")
    path = tmp_path / "key.json"
    path.write_text(json.dumps({"type": "service_account"}))
    assert load(**GCS, GOOGLE_CLOUD_CREDENTIALS_JSON=str(path)).storage.image_store == "gcs"


def test_storage_emulator_host_without_a_scheme():
    s = load(**GCS, STORAGE_EMULATOR_HOST="localhost:9023").storage
    assert s.storage_emulator_host == "http://localhost:9023"


def test_store_secrets_are_redacted():
    s = load(**AZURE, AWS_ACCESS_KEY_ID="id", AWS_SECRET_ACCESS_KEY="aws-secret-value")
    assert {"azure-key-value", "aws-secret-value"} <= set(s.secrets())


def test_render_timeout_and_chart_sizes():
    s = load(
        LOOKERBOT_RENDER_TIMEOUT="45",
        LOOKERBOT_CHART_SIZES="pie=500x500, looker_line=1200x400,Dashboard=1600x1200",
    )
    assert s.charts.render_timeout == 45
    sizes = ChartSizes(s.charts.sizes)
    assert sizes.for_vis("looker_pie") == ChartSize(500, 500)
    assert sizes.for_vis("looker_line") == ChartSize(1200, 400)
    assert sizes.dashboard == ChartSize(1600, 1200)
    assert sizes.for_vis("looker_column") == ChartSize(800, 500)  # the default


def test_defaults():
    s = load()
    assert s.charts.render_timeout == 120 and s.charts.sizes == ()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("pie=600", "LOOKERBOT_CHART_SIZES: 'pie=600' is not NAME=WIDTHxHEIGHT"),
        ("pie=50x50", "LOOKERBOT_CHART_SIZES: pie: width and height must be between 100 and 4000"),
        ("looker_map=9000x600", "LOOKERBOT_CHART_SIZES: looker_map: width and height must be"),
    ],
)
def test_bad_chart_sizes(value, expected):
    (problem,) = problems(LOOKERBOT_CHART_SIZES=value)
    assert problem.startswith(expected)


def test_bad_render_timeout():
    (problem,) = problems(LOOKERBOT_RENDER_TIMEOUT="0")
    assert problem == "LOOKERBOT_RENDER_TIMEOUT: must be between 1 and 3600, got 0."
