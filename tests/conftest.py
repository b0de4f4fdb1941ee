"""Shared fixtures: a clean environment, the emulators, and the whole bot in a sandbox."""

from __future__ import annotations

import io
import logging
import os
from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path

import pytest

from lookerbot.logs import configure_logging
from lookerbot.sandbox import canary
from lookerbot.sandbox.demo import DEMO_SIGNING_SECRET, Sandbox
from lookerbot.sandbox.looker_emulator import DEFAULT_CLIENT_SECRET, LookerEmulator
from lookerbot.sandbox.slack_emulator import DEFAULT_APP_TOKEN, DEFAULT_BOT_TOKEN, SlackEmulator
from lookerbot.settings import VARIABLES

TODAY = date(2026, 9, 30)
ROOT = Path(__file__).resolve().parent.parent
CANARY_SECRETS = (
    DEFAULT_BOT_TOKEN,
    DEFAULT_APP_TOKEN,
    DEFAULT_CLIENT_SECRET,
    DEMO_SIGNING_SECRET,
)


@pytest.fixture(scope="session", autouse=True)
def no_canary_leaks() -> Iterator[None]:
    """The whole suite runs with the bot's own log handler at DEBUG, as in production (the
    configured secrets registered for redaction). Afterwards no canary secret may show up in
    that log, in anything posted to Slack or sent to Looker, or in the bot's HTTP answers."""
    buffer = io.StringIO()
    handler = configure_logging(
        level="DEBUG", fmt="json", secret_values=CANARY_SECRETS, stream=buffer
    )
    yield
    logging.getLogger().removeHandler(handler)
    canary.check("the bot's log", buffer.getvalue())
    assert buffer.getvalue(), "the log capture saw nothing: the check would be vacuous"
    assert not canary.leaks, "secrets leaked:\n" + "\n".join(canary.leaks[:20])


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's settings, in the environment or in a .env file."""
    for variable in VARIABLES:
        for name in (variable.name, *variable.aliases):
            monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        if name.startswith(("LOOKERBOT_", "LOOKERSDK_", "SLACK_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Report the parser's accuracy on the question set, when that test ran."""
    from tests.ask_support import ACCURACY

    found = config.stash.get(ACCURACY, None)
    if found is None:
        return
    exact, total, misses = found
    terminalreporter.write_sep("-", "ask: question set")
    terminalreporter.write_line(
        f"{exact} of {total} questions answered with exactly the expected query "
        f"({exact / total:.1%})"
    )
    for question in misses:
        terminalreporter.write_line(f"  missed: {question}")


@pytest.fixture
async def looker() -> AsyncIterator[LookerEmulator]:
    """A running Looker emulator whose "today" is fixed."""
    async with LookerEmulator(today=TODAY) as emulator:
        yield emulator


@pytest.fixture
async def slack() -> AsyncIterator[SlackEmulator]:
    """A running Slack emulator (for tests that run the bot outside a sandbox)."""
    async with SlackEmulator() as emulator:
        yield emulator


@pytest.fixture
async def sandbox(looker: LookerEmulator) -> AsyncIterator[Sandbox]:
    """The real bot app, wired to the Looker and Slack emulators."""
    async with Sandbox(looker=looker) as running:
        yield running


@pytest.fixture
def refused_url():
    """A loopback URL that refuses connections: a port held bound, never listening, so no
    other process can take it during the test."""
    import socket

    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    try:
        yield f"http://localhost:{held.getsockname()[1]}"
    finally:
        held.close()
