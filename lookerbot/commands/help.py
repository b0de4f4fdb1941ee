"""help, and the answer to text the bot does not understand."""

from __future__ import annotations

from lookerbot import messages
from lookerbot.commands.base import CommandRequest, Reply
from lookerbot.formatting.message import Message, context, section
from lookerbot.looker.instances import LookerRegistry


class HelpCommand:
    """Lists what the bot can do."""

    name = "help"
    slow = False

    def __init__(self, *, lookers: LookerRegistry) -> None:
        self._lookers = lookers

    async def run(self, request: CommandRequest, args: str) -> Reply:
        blocks = [
            section(f"*{messages.HELP_BUILTINS_TITLE}*\n{messages.HELP_FIND}\n{messages.HELP_HELP}")
        ]
        folders = [
            messages.folder_link(looker.url, looker.settings.custom_command_folder_id)
            for looker in self._lookers
            if looker.settings.custom_command_folder_id
        ]
        if folders:
            blocks.append(context(messages.help_add_commands(folders)))
        return Reply(Message.from_blocks(blocks, messages.HELP_FALLBACK), private=True)


class UnknownCommand:
    """Answers text that is no command (in a DM)."""

    name = "unknown"
    slow = False

    async def run(self, request: CommandRequest, args: str) -> Reply:
        return Reply(Message.of(messages.UNKNOWN_COMMAND), private=True)
