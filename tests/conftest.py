"""Shared fixtures: a clean environment, the emulators, and the whole bot in a sandbox."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.slack_emulator import SlackEmulator
from lookerbot.settings import VARIABLES

TODAY = date(2026, 9, 30)
ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["pytester", "tests.canary_plugin"]


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
    from tests.ask_support import ACCURACY, EVALUATION

    for name, report in config.stash.get(EVALUATION, {}).items():
        held_out = "heldout" in name
        terminalreporter.write_sep("-", f"ask: {name} ({'held out' if held_out else 'tuning'})")
        terminalreporter.write_line(report.questions.line("questions"))
        terminalreporter.write_line(report.follow_ups.line("follow-ups"))
        if not held_out:  # the held-out set's misses stay unread: no tuning on them
            for question in report.questions.wrongs:
                terminalreporter.write_line(f"  wrong: {question}")
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
