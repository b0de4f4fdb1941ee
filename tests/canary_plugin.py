"""The secret-canary check, as a pytest plugin: the whole suite runs with the bot's log
handler at DEBUG, and afterwards no canary secret may show up in that log, in anything
posted to Slack or sent to Looker, or in the bot's HTTP answers.

The capture handler is the bot's own (:func:`lookerbot.logs.build_handler`: the production
redaction, correlation ids and JSON lines) but attached beside the one
:func:`~lookerbot.logs.configure_logging` manages, so a test that reconfigures logging (as
``lookerbot serve`` does, or a test reading its own log) cannot take it away. After every
test the capture handler is put back if something removed it, and the root level is set back
to DEBUG, so the tests after a reconfiguration are scanned like the ones before it
(``tests/unit/test_canary_check.py`` proves it).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from lookerbot.logs import build_handler, quiet_noisy_loggers, redactor
from lookerbot.sandbox import canary
from lookerbot.sandbox.demo import DEMO_SIGNING_SECRET
from lookerbot.sandbox.looker_emulator import DEFAULT_CLIENT_SECRET
from lookerbot.sandbox.slack_emulator import DEFAULT_APP_TOKEN, DEFAULT_BOT_TOKEN

CANARY_SECRETS = (
    DEFAULT_BOT_TOKEN,
    DEFAULT_APP_TOKEN,
    DEFAULT_CLIENT_SECRET,
    DEMO_SIGNING_SECRET,
)

_STARTED = "canary scan: capturing the bot's log at DEBUG"
_buffer = io.StringIO()
_handler = build_handler(fmt="json", stream=_buffer)


def _attach() -> None:
    root = logging.getLogger()
    if _handler not in root.handlers:
        root.addHandler(_handler)
    root.setLevel(logging.DEBUG)
    quiet_noisy_loggers("DEBUG")  # as configure_logging does in production


@pytest.fixture(scope="session", autouse=True)
def no_canary_leaks() -> Iterator[None]:
    """Scan the whole suite's log, and every other place the canary is checked, at the end."""
    redactor.add(CANARY_SECRETS)  # as the bot registers its configured secrets
    _attach()
    logging.getLogger("lookerbot.tests").debug(_STARTED)
    yield
    logging.getLogger().removeHandler(_handler)
    log = _buffer.getvalue()
    canary.check("the bot's log", log)
    assert _STARTED in log, "the log capture saw nothing: the check would be vacuous"
    assert not canary.leaks, "secrets leaked:\n" + "\n".join(canary.leaks[:20])


@pytest.fixture(autouse=True)
def canary_log_stays_attached() -> Iterator[None]:
    """Whatever a test did to logging, the next one is captured at DEBUG again."""
    _attach()
    yield
    _attach()
