"""Slack events (mentions, DMs, shared links): from event to background work.

Every event reaches these handlers through a Bolt listener (``slack/listeners.py``), over
HTTP and Socket Mode alike, after Bolt's global middleware has dropped repeated deliveries
(``slack/dedup.py``, once per ``event_id``).
"""

from __future__ import annotations

import logging
from typing import Any

from lookerbot.commands.base import CommandRequest, Source
from lookerbot.commands.dispatcher import CommandDispatcher
from lookerbot.commands.unfurl import Unfurler
from lookerbot.formatting.slack_text import normalize_input
from lookerbot.slack.conversation import ChannelConversation, LoadingJournal
from lookerbot.slack.directory import BotIdentity
from lookerbot.slack.poster import SlackPoster
from lookerbot.tasks import BackgroundTasks

logger = logging.getLogger(__name__)


def field(data: Any, key: str) -> str | None:
    """A non-empty string field of a payload, or ``None`` (wrong types are ignored)."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) and value else None


class EventHandlers:
    """Turns events into command requests and unfurls, handed to background tasks.

    Args:
        dispatcher: runs commands.
        poster: posts to Slack.
        tasks: background work.
        unfurler: previews Looker links; ``None`` when unfurling is off.
    """

    def __init__(
        self,
        *,
        dispatcher: CommandDispatcher,
        poster: SlackPoster,
        tasks: BackgroundTasks,
        unfurler: Unfurler | None,
        loading: LoadingJournal | None = None,
    ) -> None:
        self._dispatcher = dispatcher
        self._loading = loading
        self._poster = poster
        self._tasks = tasks
        self._unfurler = unfurler

    def _start(
        self, event: dict[str, Any], bot: BotIdentity, source: Source, *, quiet: bool = False
    ) -> None:
        """Run the command in ``event`` (from ``user`` in ``channel``, checked by the caller)
        in the background, answering in the event's thread if it has one."""
        channel, user = event["channel"], event["user"]
        request = CommandRequest(
            text=normalize_input(field(event, "text") or "", bot_user_id=bot.user_id),
            user_id=user,
            channel_id=channel,
            source=source,
            team_id=field(event, "team") or bot.team_id,
            thread_ts=field(event, "thread_ts"),
        )
        conversation = ChannelConversation(
            self._poster,
            channel=channel,
            user=user,
            thread_ts=field(event, "thread_ts"),
            loading=self._loading,
            quiet=quiet,
        )
        self._tasks.spawn(self._dispatcher.handle(request, conversation), name="command")

    async def mention(self, event: dict[str, Any], bot: BotIdentity) -> None:
        """``app_mention``: run the command after the mention."""
        channel, user = field(event, "channel"), field(event, "user")
        if channel is None or user is None or channel.startswith("D"):
            return  # DMs arrive as message.im; answering the mention too would answer twice
        if event.get("bot_id") or event.get("subtype") or user == bot.user_id:
            return
        self._start(event, bot, Source.MENTION)

    async def direct_message(
        self, event: dict[str, Any], bot: BotIdentity, *, quiet: bool = False
    ) -> None:
        """``message.im``: run the command in a DM (never the bot's own posts); ``quiet``
        shows no loading message (the assistant pane shows a status line instead)."""
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        channel, user = field(event, "channel"), field(event, "user")
        if channel is None or user is None or user == bot.user_id:
            return
        if (field(event, "text") or "").startswith("/"):
            return  # a slash command typed as text; Slack runs the real one separately
        self._start(event, bot, Source.DM, quiet=quiet)

    async def link_shared(self, event: dict[str, Any], bot: BotIdentity) -> None:
        """``link_shared``: preview the Looker links."""
        if self._unfurler is None:
            return
        user = field(event, "user")
        links = event.get("links")
        if user is None or user == bot.user_id or not isinstance(links, list):
            return
        urls = [url for item in links if (url := field(item, "url")) is not None]
        self._tasks.spawn(
            self._unfurler.unfurl(
                urls,
                user=user,
                channel=field(event, "channel"),
                ts=field(event, "message_ts"),
                unfurl_id=field(event, "unfurl_id"),
                source=field(event, "source"),
            ),
            name="unfurl",
        )
