"""Slack events (mentions, DMs, shared links): from payload to background work.

Events arriving over HTTP are handled here directly, after the bot's own verification and
payload checks: Bolt's per-request machinery (authorization, middleware, listener matching)
costs more than everything else on the acknowledgement path and adds nothing events need.
Socket Mode events come through a Bolt listener to the same handlers. Either way, an event
the bot acts on is first checked against the de-duplicator, once per ``event_id``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from lookerbot.commands.base import CommandRequest, Source
from lookerbot.commands.dispatcher import CommandDispatcher
from lookerbot.commands.unfurl import Unfurler
from lookerbot.formatting.slack_text import normalize_input
from lookerbot.slack.conversation import ChannelConversation
from lookerbot.slack.dedup import EventDeduplicator
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
        dedup: remembers which events were acted on (Slack redelivers an event whose first
            delivery was not acknowledged in time, and may deliver one twice).
    """

    def __init__(
        self,
        *,
        dispatcher: CommandDispatcher,
        poster: SlackPoster,
        tasks: BackgroundTasks,
        unfurler: Unfurler | None,
        dedup: EventDeduplicator,
    ) -> None:
        self._dispatcher = dispatcher
        self._dedup = dedup
        self._poster = poster
        self._tasks = tasks
        self._unfurler = unfurler
        self._handlers: dict[
            str, Callable[[dict[str, Any], BotIdentity, str | None], Awaitable[None]]
        ] = {
            "app_mention": self._mention,
            "message": self._message,
            "link_shared": self._link_shared,
        }

    async def dispatch(self, event: dict[str, Any], bot: BotIdentity, event_id: str | None) -> None:
        """Handle one event (quickly: slow work goes to the background)."""
        handler = self._handlers.get(field(event, "type") or "")
        if handler is None:
            logger.debug("Ignored Slack event %s", field(event, "type"))
            return
        await handler(event, bot, event_id)

    async def _first_time(self, event_id: str | None) -> bool:
        if event_id is None or await self._dedup.first_time(event_id):
            return True
        logger.info("Ignored a repeated delivery of Slack event %s", event_id)
        return False

    async def _start(
        self, event: dict[str, Any], bot: BotIdentity, event_id: str | None, source: Source
    ) -> None:
        """Run the command in ``event`` (from ``user`` in ``channel``, checked by the caller)
        in the background, answering in the event's thread if it has one."""
        if not await self._first_time(event_id):
            return
        channel, user = event["channel"], event["user"]
        request = CommandRequest(
            text=normalize_input(field(event, "text") or "", bot_user_id=bot.user_id),
            user_id=user,
            channel_id=channel,
            source=source,
            team_id=field(event, "team") or bot.team_id,
        )
        conversation = ChannelConversation(
            self._poster, channel=channel, user=user, thread_ts=field(event, "thread_ts")
        )
        self._tasks.spawn(self._dispatcher.handle(request, conversation), name="command")

    async def _mention(self, event: dict[str, Any], bot: BotIdentity, event_id: str | None) -> None:
        channel, user = field(event, "channel"), field(event, "user")
        if channel is None or user is None or channel.startswith("D"):
            return  # DMs arrive as message.im; answering the mention too would answer twice
        if event.get("bot_id") or event.get("subtype") or user == bot.user_id:
            return
        await self._start(event, bot, event_id, Source.MENTION)

    async def _message(self, event: dict[str, Any], bot: BotIdentity, event_id: str | None) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        channel, user = field(event, "channel"), field(event, "user")
        if channel is None or user is None or user == bot.user_id:
            return
        if (field(event, "text") or "").startswith("/"):
            return  # a slash command typed as text; Slack runs the real one separately
        await self._start(event, bot, event_id, Source.DM)

    async def _link_shared(
        self, event: dict[str, Any], bot: BotIdentity, event_id: str | None
    ) -> None:
        if self._unfurler is None:
            return
        user = field(event, "user")
        links = event.get("links")
        if user is None or user == bot.user_id or not isinstance(links, list):
            return
        urls = [url for item in links if (url := field(item, "url")) is not None]
        if not await self._first_time(event_id):
            return
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
