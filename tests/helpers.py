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
