"""Secrets never reach the log; JSON logs are one object per line."""

from __future__ import annotations

import io
import json
import logging

import pytest

from lookerbot.logs import JsonFormatter, RedactingFilter, SecretRedactor, configure_logging


@pytest.mark.parametrize(
    "text",
    [
        "token xoxb-123-456-abcdef in a sentence",
        "app token xapp-1-A0-123-abc",
        "Authorization: Bearer abcdefghijklmnop",
        '{"access_token": "abcdefghijklmnop", "ok": true}',
        "client_secret=abcdefghijkl&x=1",
        'Authorization: Token token="nonce123/abcdef0123456789"',
    ],
)
def test_token_shapes_are_masked(text):
    redacted = SecretRedactor()(text)
    assert "***" in redacted
    for secret in ("xoxb-123", "xapp-1", "abcdefghijklmnop", "abcdefghijkl", "nonce123"):
        assert secret not in redacted


def test_configured_secrets_are_masked_anywhere():
    redact = SecretRedactor(["s3cr3t-value", "abc"])
    assert redact("x s3cr3t-value y") == "x *** y"
    assert redact("abc stays: too short to mask safely") == "abc stays: too short to mask safely"


def make_logger(
    stream: io.StringIO, redactor: SecretRedactor, fmt: logging.Formatter
) -> logging.Logger:
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(redactor))
    handler.setFormatter(fmt)
    logger = logging.getLogger(f"test-{id(stream)}")
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return logger


def test_filter_redacts_arguments_and_tracebacks():
    stream = io.StringIO()
    logger = make_logger(
        stream, SecretRedactor(["canary-secret-1"]), logging.Formatter("%(message)s")
    )
    logger.info("calling with %s", "canary-secret-1")
    try:
        raise RuntimeError("failed with canary-secret-1")
    except RuntimeError:
        logger.exception("boom")
    output = stream.getvalue()
    assert "canary-secret-1" not in output
    assert output.count("***") >= 2 and "RuntimeError" in output


def test_json_formatter_emits_one_object_per_line_with_extras():
    stream = io.StringIO()
    logger = make_logger(stream, SecretRedactor(), JsonFormatter())
    logger.info("hello %s", "world", extra={"command": "find"})
    (line,) = stream.getvalue().splitlines()
    data = json.loads(line)
    assert data["message"] == "hello world"
    assert data["level"] == "INFO" and data["command"] == "find"


def test_cloud_sdks_log_only_their_warnings():
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    names = ("azure.core.pipeline.policies.http_logging_policy", "botocore", "google")
    try:
        configure_logging(level="INFO", fmt="text")
        for name in names:
            assert logging.getLogger(name).getEffectiveLevel() == logging.WARNING, name
        assert logging.getLogger("lookerbot.images").getEffectiveLevel() == logging.INFO
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name in (
            *("slack_sdk", "slack_bolt", "looker_sdk", "urllib3", "aiohttp.access"),
            *("azure", "botocore", "boto3", "s3transfer", "google"),
        ):
            logging.getLogger(name).setLevel(logging.NOTSET)
