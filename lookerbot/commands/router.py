"""Which command a request goes to."""

from __future__ import annotations

from collections.abc import Sequence

from lookerbot.commands.base import Command, CommandRequest, Route, Source


class CommandRouter:
    """Routes text to a command.

    Built-in commands match on their first word. Text that matches nothing gets help in a
    channel or an empty slash command, and "I couldn't understand that" in a DM.

    Args:
        builtins: commands matched by their name as the first word.
        help_command: answers empty text and unknown text outside DMs.
        unknown_command: answers unknown text in DMs.
    """

    def __init__(
        self, *, builtins: Sequence[Command], help_command: Command, unknown_command: Command
    ) -> None:
        self._builtins = {c.name: c for c in builtins}
        self._help = help_command
        self._unknown = unknown_command

    def route(self, request: CommandRequest) -> Route:
        """The command for ``request`` and its arguments."""
        first, _, rest = request.text.partition(" ")
        builtin = self._builtins.get(first.lower())
        if builtin is not None:
            return Route(builtin, rest.strip())
        if request.text and request.source is Source.DM:
            return Route(self._unknown, request.text)
        return Route(self._help, "")
