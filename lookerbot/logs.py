"""Logging: one format for the whole process, and secrets scrubbed from every line.

Secrets are removed twice over: every configured secret value is replaced wherever it
appears, and token-shaped strings (Slack tokens, bearer headers, ``access_token`` fields)
are masked even when the bot never saw them in its settings (Looker access tokens, for one).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from lookerbot.observability import CorrelationFilter

_MASK = "***"

_TOKEN_PATTERNS = (
    re.compile(r"xox[abposre]-[A-Za-z0-9-]+"),
    re.compile(r"xapp-[A-Za-z0-9-]+"),
    re.compile(r"(?i)(bearer\s+|token\s+)[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(
        r"""(?i)(["']?(?:access_token|client_secret|token)["']?\s*[:=]\s*["']?)[^"'&\s,}]+"""
    ),
    re.compile(r"(?i)(token=\\?\")[^\"\\]+"),
)


_MAYBE_TOKEN = re.compile(r"(?i)xox|xapp|bearer|token|secret")


class SecretRedactor:
    """Removes known secret values and token-shaped strings from text."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        # Longest first, so a secret containing another is removed whole.
        self._values = sorted({v for v in values if len(v) >= 4}, key=len, reverse=True)

    def add(self, values: Iterable[str]) -> None:
        """Also redact ``values`` from now on."""
        self._values = sorted(
            {*self._values, *(v for v in values if len(v) >= 4)}, key=len, reverse=True
        )

    def __call__(self, text: str) -> str:
        for value in self._values:
            if value in text:
                text = text.replace(value, _MASK)
        if not _MAYBE_TOKEN.search(text):  # most lines: nothing token-shaped at all
            return text
        for pattern in _TOKEN_PATTERNS:
            text = pattern.sub(_replacement, text)
        return text


def _replacement(match: re.Match[str]) -> str:
    if match.lastindex:
        return match.group(1) + _MASK
    return _MASK


class RedactingFilter(logging.Filter):
    """A handler filter that rewrites each record's message with secrets removed."""

    def __init__(self, redactor: SecretRedactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redactor(record.exc_text)
        # One record, one line: a newline a client smuggled into a logged value (a path with
        # %0a, a header) must not start a line that looks like a record of its own.
        record.msg = _CONTROL.sub(_escape_control, self.redactor(message))
        record.args = None
        return True


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\u2028\u2029]")


def _escape_control(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    named = {0x0A: "\\n", 0x0D: "\\r"}
    return named.get(code) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and any ``extra`` fields."""

    _STANDARD = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in self._STANDARD and not key.startswith("_"):
                data[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            data["exception"] = record.exc_text
        return json.dumps(data, default=str)


_handler: logging.Handler | None = None
redactor = SecretRedactor()
"""The process-wide redactor; :func:`configure_logging` feeds it the configured secrets."""


def build_handler(*, fmt: str, stream: TextIO | None = None) -> logging.Handler:
    """The bot's log handler: secrets redacted, correlation ids added, text or JSON lines.

    :func:`configure_logging` installs it; the test suite attaches one of its own beside it.
    """
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.addFilter(RedactingFilter(redactor))
    handler.addFilter(CorrelationFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter(
                "%(asctime)s %(levelname)-7s %(name)s [%(correlation_id)s]: %(message)s"
            )
        )
    return handler


def configure_logging(
    *,
    level: str,
    fmt: str,
    secret_values: Iterable[str] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Install the one log handler on the root logger (idempotent); returns it.

    Every line carries the correlation id of the request it belongs to.
    """
    global _handler
    redactor.add(secret_values)
    # What the log lines never show need not be collected for every record (the logging
    # HOWTO's "Optimization" section): caller, thread and process details.
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
    handler = build_handler(fmt=fmt, stream=stream)
    root.addHandler(handler)
    root.setLevel(level)
    quiet_noisy_loggers(level)
    _handler = handler
    return handler


def quiet_noisy_loggers(level: str) -> None:
    """The SDKs are chatty at DEBUG and INFO (Azure's logs every request and its headers at
    INFO); their warnings are what matters."""
    noisy_loggers = (
        "slack_sdk",
        "slack_bolt",
        "looker_sdk",
        "urllib3",
        "aiohttp.access",
        "azure",
        "botocore",
        "boto3",
        "s3transfer",
        "google",
    )
    for noisy in noisy_loggers:
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.WARNING))


def new_error_id() -> str:
    """A short random id that ties a user-visible error to its log line."""
    return secrets.token_hex(4)
