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

from lookerbot.commands.access import AccessPolicy
from lookerbot.commands.base import CommandRequest, Source
from lookerbot.commands.dispatcher import CommandDispatcher
from lookerbot.delivery.data_actions import VIEW_CALLBACK_ID, DataActionHandler
from lookerbot.formatting.actions import ACTION_ID_PREFIX
from lookerbot.formatting.slack_text import normalize_input
from lookerbot.observability import correlation_id, new_correlation_id
from lookerbot.slack.conversation import SlashCommandConversation
from lookerbot.slack.dedup import EventDeduplicator
from lookerbot.slack.directory import BotIdentity
from lookerbot.slack.events import EventHandlers, field
from lookerbot.slack.poster import SlackPoster
from lookerbot.tasks import BackgroundTasks

logger = logging.getLogger(__name__)

_ANY = re.compile(r".*")


def _correlate_socket_mode_requests(bolt: AsyncApp) -> None:
    @bolt.middleware
    async def correlate(next: Callable[[], Awaitable[None]]) -> None:
        # HTTP requests got a correlation id in app._observe; Socket Mode ones did not.
        if correlation_id.get() == "-":
            correlation_id.set(new_correlation_id())
        await next()


def _deduplicate(bolt: AsyncApp, dedup: EventDeduplicator) -> None:
    @bolt.middleware
    async def deduplicate(
        body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        # Slack redelivers an event whose first delivery was not acknowledged in time, and
        # may deliver one twice: act on each event_id once, across processes with Redis.
        event_id = field(body, "event_id") if body.get("type") == "event_callback" else None
        if event_id is not None and not await dedup.first_time(event_id):
            logger.info("Ignored a repeated delivery of Slack event %s", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return None


#: The context key of the loop time an HTTP request arrived (Socket Mode requests have none).
RECEIVED_AT = "lookerbot_received_at"

#: The context key under which every listener finds the bot's access check (see
#: :func:`_offer_access_check`).
ACCESS_CHECK = "lookerbot_refusal"


def _offer_access_check(bolt: AsyncApp, access: AccessPolicy) -> None:
    @bolt.middleware
    async def offer_access_check(
        context: AsyncBoltContext, next: Callable[[], Awaitable[None]]
    ) -> None:
        # The bot's rules on who may use it (guests, other workspaces, bots, deactivated
        # people), for every listener, plugins' included: ``await
        # context["lookerbot_refusal"]()`` is why the request's user is refused, or None.
        # Lazy on purpose: the check needs users.info, and a middleware that waited for it
        # would hold every acknowledgement (Slack allows 3 s) on a Slack call, for events
        # no listener acts on too. The bot's own commands await the same check after
        # acknowledging.
        user = context.user_id

        async def refusal() -> str | None:
            return await access.check(user) if user else None

        context[ACCESS_CHECK] = refusal
        await next()


def _bot(context: AsyncBoltContext) -> BotIdentity:
    return BotIdentity(context.bot_user_id, context.team_id)


async def _in_a_dm(event: dict[str, Any]) -> bool:
    return event.get("channel_type") == "im"


def register_listeners(
    bolt: AsyncApp,
    *,
    events: EventHandlers,
    data_actions: DataActionHandler,
    dedup: EventDeduplicator,
    access: AccessPolicy,
) -> None:
    """Attach the bot's middleware (correlation ids, de-duplication, the access check) and
    its own listeners to ``bolt``: mentions, DMs, shared links, data-action buttons and
    forms. Plugins' listeners come after these (Bolt runs the
    first that matches), and :func:`register_fallbacks` after the plugins'."""
    _correlate_socket_mode_requests(bolt)
    _deduplicate(bolt, dedup)
    _offer_access_check(bolt, access)

    @bolt.event("app_mention")
    async def on_mention(event: dict[str, Any], context: AsyncBoltContext) -> None:
        await events.mention(event, _bot(context))

    @bolt.message("", matchers=[_in_a_dm])
    async def on_direct_message(event: dict[str, Any], context: AsyncBoltContext) -> None:
        await events.direct_message(event, _bot(context))

    @bolt.event("link_shared")
    async def on_link_shared(event: dict[str, Any], context: AsyncBoltContext) -> None:
        await events.link_shared(event, _bot(context))

    _register_data_actions(bolt, data_actions)


def register_fallbacks(
    bolt: AsyncApp,
    *,
    dispatcher: CommandDispatcher,
    poster: SlackPoster,
    tasks: BackgroundTasks,
) -> None:
    """The listeners that take whatever no other listener did: every slash command (the
    bot's ``/looker``, or any name it was installed with) and every other event, which is
    acknowledged and ignored (Bolt would answer 404, and Slack would deliver it again)."""

    @bolt.event(_ANY)
    async def ignore_other_events() -> None:
        return None

    @bolt.command(_ANY)
    async def on_slash_command(ack: AsyncAck, command: dict[str, Any]) -> None:
        channel, user = field(command, "channel_id"), field(command, "user_id")
        response_url = field(command, "response_url")
        if channel is None or user is None or response_url is None:
            await ack()
            return
        request = CommandRequest(
            text=normalize_input(field(command, "text") or ""),
            user_id=user,
            channel_id=channel,
            source=Source.SLASH,
            team_id=field(command, "team_id"),
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


def _register_data_actions(bolt: AsyncApp, data_actions: DataActionHandler) -> None:
    @bolt.action(re.compile("^" + re.escape(ACTION_ID_PREFIX)))
    async def on_data_action(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        # Opening a form must happen within the click's 3-second trigger, so it is not
        # handed to a background task; running the action itself is.
        await data_actions.clicked(body)

    @bolt.view(VIEW_CALLBACK_ID)
    async def on_data_action_form(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        received_at = context.get(RECEIVED_AT)
        await data_actions.submitted(
            ack, body, view, received_at=received_at if isinstance(received_at, float) else None
        )
