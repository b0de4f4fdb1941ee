"""Canary secrets: the emulators' credentials contain a marker that must never leave the bot.

The emulators and the sandbox report every place the marker shows up where it should not
(posted messages, requests to Looker, the bot's HTTP answers); the test suite also scans the
bot's log for it.
"""

from __future__ import annotations

MARKER = "CANARY"

leaks: list[str] = []
"""Where the marker was seen, with a little context, since the process started."""


def check(where: str, text: str | bytes) -> None:
    """Record a leak if ``text`` contains the marker."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    index = text.find(MARKER)
    if index != -1:
        leaks.append(f"{where}: ...{text[max(0, index - 40) : index + 40]}...")
