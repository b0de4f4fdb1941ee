"""The Command seam, and the request and reply types every command shares."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from lookerbot.formatting.message import Attachment, Message
from lookerbot.looker.instances import LookerRegistry


class Source(enum.Enum):
    """How a request reached the bot."""

    MENTION = "mention"
    DM = "dm"
    SLASH = "slash"


@dataclass(frozen=True)
class CommandRequest:
    """What someone asked, already normalized (mention removed, quotes straightened).

    Attributes:
        text: the whole command text.
        user_id: the Slack user who asked.
        channel_id: where they asked.
        team_id: their workspace, when Slack said.
        source: mention, DM or slash command.
        lookers: the Looker instances as this person sees them (their own Looker sessions
            when the bot acts as its users); ``None`` until the dispatcher sets it.
    """

    text: str
    user_id: str
    channel_id: str
    source: Source
    team_id: str | None = None
    lookers: LookerRegistry | None = None


@dataclass(frozen=True)
class Reply:
    """A command's answer. ``private`` answers only the person who asked."""

    message: Message
    private: bool = False
    attachments: tuple[Attachment, ...] = ()


class Command(Protocol):
    """Something a person can ask for.

    ``run`` returns the answer, or raises :class:`~lookerbot.errors.CommandError` with a
    reason for the person. It never posts to Slack itself: the dispatcher does.
    """

    name: str
    slow: bool
    """Whether it calls Looker (so a loading message is worth showing first)."""

    async def run(self, request: CommandRequest, args: str) -> Reply:
        """Answer ``request``; ``args`` is the text after the command's name."""
        ...


@dataclass(frozen=True)
class Route:
    """The command a request goes to, and the text it gets as arguments."""

    command: Command
    args: str
