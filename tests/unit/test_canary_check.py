"""The secret-canary check covers the whole suite: a test that reconfigures logging early
does not blind it to a canary logged in the last test file."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT

RECONFIGURES = """
import io
from lookerbot.logs import configure_logging

def test_reads_its_own_log():
    # As tests/integration/test_faults.py does: the bot's handler replaced, level INFO.
    configure_logging(level="INFO", fmt="json", stream=io.StringIO())
"""

LOGS_A_CANARY = """
import logging

def test_logs_a_canary_at_debug():
    # Not a whole configured secret (those are redacted) but the marker itself, which
    # only the canary scan can see.
    logging.getLogger("lookerbot.anything").debug("leaked: %s", "half-a-CANARY-token")
"""

CLEAN = """
import logging

def test_logs_nothing_secret():
    logging.getLogger("lookerbot.anything").debug("nothing to see")
"""


def _run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, last: str):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(test_a_reconfigures=RECONFIGURES, test_z_last=last)
    return pytester.runpytest_subprocess("-p", "tests.canary_plugin", "-p", "no:cacheprovider")


def test_a_canary_logged_in_the_last_file_after_a_reconfiguration_is_caught(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _run(pytester, monkeypatch, LOGS_A_CANARY)
    result.assert_outcomes(passed=2, errors=1)  # the error is the session check's teardown
    result.stdout.fnmatch_lines(["*secrets leaked*", "*the bot's log*CANARY*"])


def test_the_same_run_without_a_canary_passes(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _run(pytester, monkeypatch, CLEAN)
    result.assert_outcomes(passed=2)
