"""The Command seam, and the request and reply types every command shares."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Protocol

from lookerbot.answers.refs import Answer
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
        thread_ts: the thread the request was written in, if any.
        thread_state: what the bot remembers of that thread's last answer (set by the
            dispatcher), so that a follow-up question can refine it.
    """

    text: str
    user_id: str
    channel_id: str
    source: Source
    team_id: str | None = None
    lookers: LookerRegistry | None = None
    thread_ts: str | None = None
    thread_state: dict[str, Any] | None = None


@dataclass(frozen=True)
class Reply:
    """A command's answer. ``private`` answers only the person who asked; ``thread_state``
    is remembered with the answer's thread (a follow-up there gets it back); ``answer``
    names what it shows, so that it carries buttons to refresh it, change it and subscribe
    to it (see :mod:`lookerbot.answers`)."""

    message: Message
    private: bool = False
    attachments: tuple[Attachment, ...] = ()
    thread_state: dict[str, Any] | None = None
    answer: Answer | None = None


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
