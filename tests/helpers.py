"""Small helpers shared by the tests."""

from __future__ import annotations

import socket
import time
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


def free_port() -> int:
    """A loopback port nothing listens on at the moment."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    """Wait until a server a test started listens on ``port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")
