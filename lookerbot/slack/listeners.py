"""Bolt listeners: thin adapters from Slack payloads to command requests.

Each listener acknowledges at once, turns the payload into a
:class:`~lookerbot.commands.base.CommandRequest` and a
:class:`~lookerbot.slack.conversation.Conversation`, and hands the slow part to the
background tasks. Payloads are read defensively: a field of the wrong type means the
request is ignored, not that a handler crashes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse

from lookerbot.commands.base import CommandRequest, Source
from lookerbot.commands.dispatcher import CommandDispatcher
from lookerbot.commands.unfurl import Unfurler
from lookerbot.delivery.data_actions import ACTION_ID_PREFIX, VIEW_CALLBACK_ID, DataActionHandler
from lookerbot.formatting.slack_text import normalize_input
from lookerbot.observability import correlation_id, new_correlation_id
from lookerbot.slack.conversation import ChannelConversation, SlashCommandConversation
from lookerbot.slack.dedup import EventDeduplicator
from lookerbot.slack.poster import SlackPoster
from lookerbot.tasks import BackgroundTasks

logger = logging.getLogger(__name__)

_ANY = re.compile(r".*")


def _str(data: Any, key: str) -> str | None:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) and value else None


def register_listeners(
    bolt: AsyncApp,
    *,
    dispatcher: CommandDispatcher,
    poster: SlackPoster,
    tasks: BackgroundTasks,
    dedup: EventDeduplicator,
    unfurler: Unfurler | None,
    data_actions: DataActionHandler,
) -> None:
    """Attach the bot's listeners to ``bolt``; ``unfurler`` is ``None`` when unfurling is off."""

    @bolt.middleware
    async def skip_repeated_events(
        body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> Any:
        # Slack delivers an event again when the first delivery was not acknowledged in
        # time (X-Slack-Retry-Num), and may deliver one twice; act on each event_id once.
        if correlation_id.get() == "-":  # Socket Mode: no HTTP request set one
            correlation_id.set(new_correlation_id())
        event_id = _str(body, "event_id")
        if event_id is not None and not await dedup.first_time(event_id):
            logger.info("Ignored a repeated delivery of Slack event %s", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return None

    async def start(request: CommandRequest, conversation: ChannelConversation) -> None:
        tasks.spawn(dispatcher.handle(request, conversation), name="command")

    # One listener for every event, dispatching on its type: Bolt matches listeners one by
    # one, at a real cost per listener, so one match per event keeps acknowledgements cheap.
    @bolt.event(_ANY)
    async def on_event(event: dict[str, Any], context: AsyncBoltContext) -> None:
        handler = handlers.get(_str(event, "type") or "")
        if handler is None:
            logger.debug("Ignored Slack event %s", _str(event, "type"))
            return
        await handler(event, context)

    async def on_mention(event: dict[str, Any], context: AsyncBoltContext) -> None:
        channel, user = _str(event, "channel"), _str(event, "user")
        if channel is None or user is None or channel.startswith("D"):
            return  # DMs arrive as message.im; answering the mention too would answer twice
        if event.get("bot_id") or event.get("subtype"):
            return
        text = normalize_input(_str(event, "text") or "", bot_user_id=context.bot_user_id)
        request = CommandRequest(
            text=text,
            user_id=user,
            channel_id=channel,
            source=Source.MENTION,
            team_id=_str(event, "team") or context.team_id,
        )
        conversation = ChannelConversation(
            poster, channel=channel, user=user, thread_ts=_str(event, "thread_ts")
        )
        await start(request, conversation)

    async def on_message(event: dict[str, Any], context: AsyncBoltContext) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        channel, user = _str(event, "channel"), _str(event, "user")
        raw = _str(event, "text") or ""
        if channel is None or user is None or user == context.bot_user_id:
            return
        if raw.startswith("/"):
            return  # a slash command typed as text; Slack runs the real one separately
        request = CommandRequest(
            text=normalize_input(raw, bot_user_id=context.bot_user_id),
            user_id=user,
            channel_id=channel,
            source=Source.DM,
            team_id=_str(event, "team") or context.team_id,
        )
        conversation = ChannelConversation(
            poster, channel=channel, user=user, thread_ts=_str(event, "thread_ts")
        )
        await start(request, conversation)

    @bolt.command(_ANY)
    async def on_slash_command(ack: AsyncAck, command: dict[str, Any]) -> None:
        channel, user = _str(command, "channel_id"), _str(command, "user_id")
        response_url = _str(command, "response_url")
        if channel is None or user is None or response_url is None:
            await ack()
            return
        request = CommandRequest(
            text=normalize_input(_str(command, "text") or ""),
            user_id=user,
            channel_id=channel,
            source=Source.SLASH,
            team_id=_str(command, "team_id"),
        )
        conversation = SlashCommandConversation(
            poster, response_url=response_url, channel=channel, user=user
        )
        if not dispatcher.ready:
            # Just started: the custom commands are still loading, so which command this
            # is will be known in a moment. Acknowledge as for a slow one.
            await ack(response_type="ephemeral", text=dispatcher.loading_text(request))
            tasks.spawn(dispatcher.handle(request, conversation), name="command")
            return
        route = dispatcher.route(request)
        if dispatcher.wants_loading_message(route):
            await ack(response_type="ephemeral", text=dispatcher.loading_text(request))
        else:
            await ack()
        tasks.spawn(
            dispatcher.run(route, request, conversation), name=f"command:{route.command.name}"
        )

    async def on_link_shared(event: dict[str, Any], context: AsyncBoltContext) -> None:
        if unfurler is None:
            return
        user = _str(event, "user")
        links = event.get("links")
        if user is None or user == context.bot_user_id or not isinstance(links, list):
            return
        urls = [url for item in links if (url := _str(item, "url")) is not None]
        tasks.spawn(
            unfurler.unfurl(
                urls,
                user=user,
                channel=_str(event, "channel"),
                ts=_str(event, "message_ts"),
                unfurl_id=_str(event, "unfurl_id"),
                source=_str(event, "source"),
            ),
            name="unfurl",
        )

    @bolt.action(re.compile("^" + re.escape(ACTION_ID_PREFIX)))
    async def on_data_action(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        # Opening a form must happen within the click's 3-second trigger, so it is not
        # handed to a background task; running the action itself is.
        await data_actions.clicked(body)

    @bolt.view(VIEW_CALLBACK_ID)
    async def on_data_action_form(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        await data_actions.submitted(ack, body, view)

    handlers: dict[str, Callable[[dict[str, Any], AsyncBoltContext], Awaitable[None]]] = {
        "app_mention": on_mention,
        "message": on_message,
        "link_shared": on_link_shared,
    }
