"""Runs a routed command and delivers its answer, whatever happens."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from lookerbot import messages
from lookerbot.commands.access import AccessPolicy
from lookerbot.commands.base import CommandRequest, Reply, Route, Source
from lookerbot.commands.custom import CustomCommandCatalog
from lookerbot.commands.router import CommandRouter
from lookerbot.errors import CommandError
from lookerbot.formatting.message import Message
from lookerbot.logs import new_error_id
from lookerbot.looker.run_as import RunAsUser
from lookerbot.observability import Metrics
from lookerbot.settings import Settings
from lookerbot.slack.conversation import Conversation, thread_root
from lookerbot.slack.poster import SlackPostError
from lookerbot.state import StateError, StateStore

logger = logging.getLogger(__name__)

STARTUP_WAIT = 10.0
"""Seconds a request waits, just after start, for the custom commands to load."""
THREAD_TTL = 7 * 24 * 3600.0
"""How long the bot remembers a thread's last answer for follow-ups (seconds)."""


class CommandDispatcher:
    """Routes requests, runs commands, and answers every one of them.

    A :class:`~lookerbot.errors.CommandError` reaches the person as ``:warning: reason``;
    any other exception is logged with its traceback under an error id, and the person
    gets that id and nothing else.
    """

    def __init__(
        self,
        *,
        router: CommandRouter,
        settings: Settings,
        access: AccessPolicy,
        run_as: RunAsUser,
        metrics: Metrics | None = None,
        catalog: CustomCommandCatalog | None = None,
        threads: StateStore | None = None,
        decorate: Callable[[Reply], Message] | None = None,
    ) -> None:
        self._threads = threads
        self._decorate = decorate
        self._router = router
        self._settings = settings
        self._access = access
        self._run_as = run_as
        self._metrics = metrics or Metrics()
        self._catalog = catalog

    def route(self, request: CommandRequest) -> Route:
        """The command for ``request`` (cheap: no I/O)."""
        return self._router.route(request)

    def wants_loading_message(self, route: Route) -> bool:
        """Whether to show a loading message before running ``route``."""
        return self._settings.loading_messages and route.command.slow

    def loading_text(self, request: CommandRequest) -> str:
        """The loading message for ``request`` (slash commands get a quiet one)."""
        if request.source is Source.SLASH:
            return "…"
        return messages.loading_message(development=self._settings.unsafe_local_dev)

    @property
    def ready(self) -> bool:
        """Whether the custom commands have been loaded once (so routing is final)."""
        return self._catalog is None or not self._catalog.configured or self._catalog.loaded

    async def handle(self, request: CommandRequest, conversation: Conversation) -> None:
        """Route and run ``request``, replying in ``conversation``.

        Just after start, routing waits (a few seconds at most) for the custom commands to
        load, so a command typed during a restart is not answered with help.
        """
        if not self.ready and self._catalog is not None:
            await self._catalog.wait_loaded(timeout=STARTUP_WAIT)
        if request.thread_ts and self._threads is not None:
            state = await self._recall(request.channel_id, request.thread_ts)
            if state is not None:
                request = dataclasses.replace(request, thread_state=state)
        await self.run(self.route(request), request, conversation)

    async def run(self, route: Route, request: CommandRequest, conversation: Conversation) -> None:
        """Run an already-routed request, replying in ``conversation``."""
        outcome = "error"
        try:
            outcome = await self._run(route, request, conversation)
        finally:
            self._metrics.commands.labels(route.command.name, outcome).inc()

    async def _run(self, route: Route, request: CommandRequest, conversation: Conversation) -> str:
        name, source = route.command.name, request.source.value
        try:
            refusal = await self._access.check(request.user_id)
            if refusal is not None:
                logger.info("command=%s source=%s outcome=refused_user", name, source)
                await conversation.reply(Message.of(refusal), private=True)
                return "refused_user"
            request = dataclasses.replace(
                request, lookers=await self._run_as.registry_for(request.user_id)
            )
            if self.wants_loading_message(route):
                await conversation.show_loading(self.loading_text(request))
            reply = await route.command.run(request, route.args)
            # An answer carries its buttons (refresh, chart or table, CSV, subscribe).
            message = self._decorate(reply) if self._decorate else reply.message
            await conversation.reply(message, private=reply.private, attachments=reply.attachments)
            if reply.thread_state is not None and not reply.private:
                await self._remember(conversation, reply.thread_state)
            logger.info("command=%s source=%s outcome=ok", name, source)
            return "ok"
        except CommandError as exc:
            logger.info("command=%s source=%s outcome=failed", name, source)
            await self._tell(conversation, Message.of(messages.warning(exc.reason)))
            return "failed"
        except SlackPostError as exc:
            logger.error("command=%s source=%s outcome=slack_error: %s", name, source, exc.error)
            return "slack_error"
        except Exception:
            error_id = new_error_id()
            logger.exception(
                "command=%s source=%s outcome=error error_id=%s", name, source, error_id
            )
            await self._tell(conversation, Message.of(messages.unexpected_error(error_id)))
            return "error"

    async def _recall(self, channel: str, thread_ts: str) -> dict[str, Any] | None:
        assert self._threads is not None
        try:
            return await self._threads.get(_thread_key(channel, thread_ts))
        except StateError as exc:
            logger.warning("Could not read what the bot knows of a thread: %s", exc)
            return None

    async def _remember(self, conversation: Conversation, state: dict[str, Any]) -> None:
        """Keep an answer's state with its thread, for follow-ups there (a store that fails
        costs the follow-up, never the answer)."""
        root = thread_root(conversation)
        if root is None or self._threads is None:
            return
        try:
            await self._threads.put(_thread_key(*root), state, ttl=THREAD_TTL)
        except StateError as exc:
            logger.warning("Could not remember an answer's thread: %s", exc)

    async def _tell(self, conversation: Conversation, message: Message) -> None:
        try:
            await conversation.reply(message)
        except SlackPostError as exc:
            logger.error("could not report a failure in Slack: %s", exc.error)


def _thread_key(channel: str, thread_ts: str) -> str:
    return f"thread:{channel}:{thread_ts}"
