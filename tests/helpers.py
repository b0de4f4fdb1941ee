"""Small helpers shared by the tests."""

from __future__ import annotations

from typing import Any

from lookerbot.sandbox.render import message_to_text
from lookerbot.sandbox.slack_emulator import PostedMessage


def text_of(message: PostedMessage) -> str:
    """A posted message as plain text."""
    return message_to_text(message.text, message.blocks)


def response_text(body: dict[str, Any]) -> str:
    """A response_url post as plain text."""
    return message_to_text(body.get("text", ""), body.get("blocks") or [])


class Clock:
    """A monotonic clock the test moves by hand (``clock.now += 3.5``)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now
