"""The bot in Slack's assistant pane (an AI app), through Bolt's ``Assistant`` middleware.

- When a person opens a thread, the bot greets them and sets suggested prompts built from
  the Explores ``ask`` answers from.
- Each message in that thread is a question (or a follow-up to the thread's last answer):
  the bot shows "is asking Looker…" while it works, names the thread after the first
  question, and answers in the thread like a DM.

Threads of the pane are remembered (in the same store as follow-ups), so that a reply in an
ordinary DM thread still goes to the ordinary DM listener: Bolt's ``Assistant`` would take
every threaded DM message otherwise.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.set_status.async_set_status import AsyncSetStatus
from slack_bolt.context.set_suggested_prompts.async_set_suggested_prompts import (
    AsyncSetSuggestedPrompts,
)
from slack_bolt.context.set_title.async_set_title import AsyncSetTitle
from slack_bolt.listener_matcher.async_listener_matcher import AsyncCustomListenerMatcher
from slack_bolt.middleware.assistant.async_assistant import AsyncAssistant
from slack_sdk.errors import SlackApiError

from lookerbot import messages
from lookerbot.commands.ask import AskCommand
from lookerbot.errors import LookerbotError
from lookerbot.formatting.message import Message
from lookerbot.slack.directory import BotIdentity
from lookerbot.slack.events import EventHandlers, field
from lookerbot.slack.poster import SlackPoster, SlackPostError
from lookerbot.state import StateError, StateStore
from lookerbot.tasks import BackgroundTasks

logger = logging.getLogger(__name__)

THREAD_TTL = 30 * 24 * 3600.0
"""How long an assistant thread is known as one (seconds)."""
STATUS = "is asking Looker…"
TITLE_LIMIT = 80


def _key(channel: str, thread_ts: str) -> str:
    return f"assistant:{channel}:{thread_ts}"


def register_assistant(
    bolt: AsyncApp,
    *,
    ask: AskCommand,
    events: EventHandlers,
    poster: SlackPoster,
    threads: StateStore,
    tasks: BackgroundTasks,
) -> None:
    """Attach the assistant pane's listeners (middleware: they run before the DM
    listener, and pass on every message that is not in one of the pane's threads)."""
    assistant = AsyncAssistant()

    @assistant.thread_started
    async def started(
        payload: dict[str, Any], set_suggested_prompts: AsyncSetSuggestedPrompts
    ) -> None:
        thread = payload.get("assistant_thread")
        channel, ts = field(thread, "channel_id"), field(thread, "thread_ts")
        if channel is None or ts is None:
            return
        try:
            await threads.put(_key(channel, ts), {"titled": False}, ttl=THREAD_TTL)
        except StateError as exc:
            logger.warning("Could not remember an assistant thread: %s", exc)
        tasks.spawn(_greet(ask, poster, set_suggested_prompts, channel, ts), name="assistant:greet")

    async def in_assistant_thread(body: dict[str, Any]) -> bool:
        event = body.get("event")
        channel, ts = field(event, "channel"), field(event, "thread_ts")
        if channel is None or ts is None:
            return False
        try:
            return await threads.get(_key(channel, ts)) is not None
        except StateError:
            return False

    # Bolt types ``matchers`` as one matcher but adds it to a list (``[primary] + custom``
    # in AsyncAssistant._merge_matchers): a list is what works. A bare async function would
    # be called without being awaited (build_listener_matcher wraps it as a sync one).
    in_thread = AsyncCustomListenerMatcher(app_name="lookerbot", func=in_assistant_thread)

    @assistant.user_message(matchers=[in_thread])  # type: ignore[arg-type,untyped-decorator]
    async def user_message(
        payload: dict[str, Any],
        context: AsyncBoltContext,
        set_status: AsyncSetStatus,
        set_title: AsyncSetTitle,
    ) -> None:
        channel, ts = field(payload, "channel"), field(payload, "thread_ts")
        text = (field(payload, "text") or "").strip()
        if channel is None or ts is None or not text or payload.get("subtype"):
            return
        try:
            await set_status(STATUS)
            state = await threads.get(_key(channel, ts))
            if state is not None and not state.get("titled"):
                await set_title(text[:TITLE_LIMIT])
                await threads.put(_key(channel, ts), {"titled": True}, ttl=THREAD_TTL)
        except StateError as exc:
            logger.info("Assistant thread title not set: %s", exc)
        except SlackApiError as exc:  # the answer matters more than the status line
            logger.info("Assistant thread status or title not set: %s", exc.response.get("error"))
        bot = BotIdentity(context.bot_user_id, context.team_id)
        await events.direct_message(payload, bot, quiet=True)

    @assistant.thread_context_changed
    async def context_changed() -> None:
        # The bot answers from its Explores, not from the channel the person is viewing.
        return None

    bolt.use(assistant)


async def _greet(
    ask: AskCommand,
    poster: SlackPoster,
    set_suggested_prompts: AsyncSetSuggestedPrompts,
    channel: str,
    ts: str,
) -> None:
    """Say hello in the new thread and offer questions built from the Explores."""
    try:
        await poster.post(channel, Message.of(messages.ASSISTANT_HELLO), thread_ts=ts)
        prompts = await ask.suggested_prompts() if ask.configured else []
        if prompts:
            await set_suggested_prompts(prompts, title=messages.ASSISTANT_TRY)
    except SlackPostError as exc:
        logger.warning("Could not greet an assistant thread: %s", exc.error)
    except SlackApiError as exc:
        logger.warning("Could not set suggested prompts: %s", exc.response.get("error"))
    except LookerbotError as exc:
        logger.warning("Could not read the Explores for suggested prompts: %s", exc)
