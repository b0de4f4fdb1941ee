"""Which command a request goes to."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lookerbot.commands.base import Command, CommandRequest, Route, Source
from lookerbot.commands.custom import CustomCommand, CustomCommandCatalog


class CommandRouter:
    """Routes text to a command.

    Built-in commands match on their first word; then custom commands (the longest name the
    text starts with). Text that matches nothing gets help in a channel or an empty slash
    command; in a DM it goes to ``dm_fallback`` (questions, when ask is configured), else
    "I couldn't understand that".

    Args:
        builtins: commands matched by their name as the first word.
        catalog: the custom commands.
        custom: makes the command that runs a custom command.
        help_command: answers empty text and unknown text outside DMs.
        unknown_command: answers unknown text in DMs.
        dm_fallback: answers unknown text in DMs instead, when given.
        follow_up: answers text that is no command in the thread of an answer the bot
            remembers (ask's follow-up questions), when given.
    """

    def __init__(
        self,
        *,
        builtins: Sequence[Command],
        catalog: CustomCommandCatalog,
        custom: Callable[[CustomCommand], Command],
        help_command: Command,
        unknown_command: Command,
        dm_fallback: Command | None = None,
        follow_up: Command | None = None,
    ) -> None:
        self._builtins = {c.name: c for c in builtins}
        self._catalog = catalog
        self._custom = custom
        self._help = help_command
        self._unknown = unknown_command
        self._dm_fallback = dm_fallback
        self._follow_up = follow_up

    def route(self, request: CommandRequest) -> Route:
        """The command for ``request`` and its arguments."""
        first, _, rest = request.text.partition(" ")
        builtin = self._builtins.get(first.lower())
        if builtin is not None:
            return Route(builtin, rest.strip())
        matched = self._catalog.match(request.text)
        if matched is not None:
            command, args = matched
            return Route(self._custom(command), args)
        if request.text and request.thread_state is not None and self._follow_up is not None:
            return Route(self._follow_up, request.text)
        if request.text and request.source is Source.DM:
            return Route(self._dm_fallback or self._unknown, request.text)
        return Route(self._help, "")
