"""The buttons of an ambiguous question: a Bolt action listener for ``ask:`` action ids.

A click is acknowledged at once; the question is then answered again with the picked field,
as a command run by the person who clicked (so the same access checks apply), in the place
the question was asked: the channel or thread for a mention or DM (the buttons are replaced
by who picked what), the response URL for a slash command.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from lookerbot import messages
from lookerbot.commands.ask import ACTION_PREFIX, AskCommand, Pick
from lookerbot.commands.base import CommandRequest, Reply, Route, Source
from lookerbot.commands.dispatcher import CommandDispatcher
from lookerbot.formatting.message import Message, context
from lookerbot.slack.conversation import (
    ChannelConversation,
    Conversation,
    SlashCommandConversation,
)
from lookerbot.slack.events import field
from lookerbot.slack.poster import PostedMessage, SlackPoster, SlackPostError
from lookerbot.tasks import BackgroundTasks

logger = logging.getLogger(__name__)


class AnswerPick:
    """A picked button, run as a command (a :class:`~lookerbot.commands.base.Command`).

    Args:
        ask: the ask command.
        pick: what the button carries.
        first: run once the person is allowed, before answering (replaces the buttons).
    """

    name = "ask"
    slow = True

    def __init__(
        self, ask: AskCommand, pick: Pick, *, first: Callable[[], Awaitable[None]] | None = None
    ) -> None:
        self._ask = ask
        self._pick = pick
        self._first = first

    async def run(self, request: CommandRequest, args: str) -> Reply:
        if self._first is not None:
            await self._first()
        return await self._ask.answer_pick(self._pick, request)


def register_ask_listeners(
    bolt: AsyncApp,
    *,
    ask: AskCommand,
    dispatcher: CommandDispatcher,
    poster: SlackPoster,
    tasks: BackgroundTasks,
) -> None:
    """Answer clicks on ask's buttons (``action_id`` starting with ``ask:``)."""

    @bolt.action(re.compile("^" + re.escape(ACTION_PREFIX)))
    async def on_pick(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        user = field(body.get("user"), "id")
        channel = field(body.get("channel"), "id") or field(body.get("container"), "channel_id")
        pick = Pick.from_value(field(action, "value") or "")
        if user is None or channel is None or pick is None:
            logger.info("Ignored an ask button click without a user, channel or valid value")
            return
        message = body.get("message")
        thread_ts = field(message, "thread_ts")
        conversation: Conversation
        first: Callable[[], Awaitable[None]] | None = None
        if pick.via_slash:
            response_url = field(body, "response_url")
            if response_url is None:
                logger.info("Ignored an ask button click without a response URL")
                return
            conversation = SlashCommandConversation(
                poster, response_url=response_url, channel=channel, user=user
            )
            source = Source.SLASH
        else:
            conversation = ChannelConversation(
                poster, channel=channel, user=user, thread_ts=thread_ts
            )
            source = Source.DM if channel.startswith("D") else Source.MENTION
            message_ts = field(body.get("container"), "message_ts") or field(message, "ts")
            label = field(action.get("text"), "text") or (pick.prefer[-1] if pick.prefer else "")
            if message_ts is not None:
                posted = PostedMessage(channel, message_ts)

                async def first() -> None:
                    await _replace_buttons(poster, posted, user, label)

        request = CommandRequest(
            text=f"ask {pick.question}",
            user_id=user,
            channel_id=channel,
            source=source,
            team_id=field(body.get("team"), "id"),
        )
        route = Route(AnswerPick(ask, pick, first=first), pick.question)
        tasks.spawn(dispatcher.run(route, request, conversation), name="command:ask-pick")


async def _replace_buttons(
    poster: SlackPoster, posted: PostedMessage, user: str, label: str
) -> None:
    """The question's buttons give way to who picked what (so nobody answers it twice)."""
    try:
        await poster.update(
            posted, Message.from_blocks([context(messages.ask_picked(user, label))], label)
        )
    except SlackPostError as exc:
        logger.info("Could not replace the buttons of an ask question: %s", exc.error)
