"""help, and the answer to text the bot does not understand."""

from __future__ import annotations

import asyncio
import difflib
from collections.abc import Sequence

from lookerbot import messages
from lookerbot.commands.base import CommandRequest, Reply, Source
from lookerbot.commands.custom import ROOT_CATEGORY, CustomCommand, CustomCommandCatalog
from lookerbot.errors import CommandError, LookerApiError
from lookerbot.formatting.message import MAX_BLOCKS, Block, Message, context, section
from lookerbot.formatting.slack_text import escape, link
from lookerbot.looker.instances import LookerRegistry

_SECTION_BUDGET = 2_800
_BLOCK_BUDGET = MAX_BLOCKS - 4  # room for the built-ins, notes and the footer


def command_line(command: CustomCommand, typed_name: str) -> str:
    """One help line: the name linking to its dashboard, its first filter, its description."""
    line = f"• *{link(command.url, typed_name)}*"
    if command.filter_titles:
        line += f" _&lt;{escape(command.filter_titles[0].lower())}&gt;_"
    if command.description:
        line += f" — _{escape(' '.join(command.description.split()))}_"
    return line


class HelpCommand:
    """Lists what the bot can do: custom commands by category, then the built-ins.

    ``help <words>`` lists only the commands whose name, category or description contains
    the words. Showing help also refreshes the command list from Looker.
    """

    name = "help"
    slow = False

    def __init__(
        self, *, lookers: LookerRegistry, catalog: CustomCommandCatalog, ask: bool = False
    ) -> None:
        self._lookers = lookers
        self._catalog = catalog
        self._ask = ask

    async def run(self, request: CommandRequest, args: str) -> Reply:
        if self._catalog.configured:
            self._catalog.refresh_soon()
        words = args.lower().split()
        commands, notes = await self.visible_commands(request)
        shown = [
            c
            for c in commands
            if all(w in f"{c.name} {c.category} {c.description}".lower() for w in words)
        ]
        blocks, left_out = self._command_blocks(shown)
        if words and not shown:
            notes.append(messages.help_no_match(args))
        if left_out:
            notes.append(messages.help_more_commands(left_out))
        if not words:
            builtins = [messages.HELP_FIND, messages.HELP_SUBSCRIPTIONS, messages.HELP_HELP]
            if self._ask:
                builtins.insert(0, messages.HELP_ASK)
                if request.source is Source.DM:
                    builtins.append(messages.HELP_ASK_DM)
                builtins.append(messages.HELP_ASK_FOLLOW_UP)
            blocks.append(section(f"*{messages.HELP_BUILTINS_TITLE}*\n" + "\n".join(builtins)))
        folders = [
            messages.folder_link(looker.url, looker.settings.custom_command_folder_id)
            for looker in self._lookers
            if looker.settings.custom_command_folder_id
        ]
        if folders:
            notes.append(messages.help_add_commands(folders))
        if notes:
            blocks.append(context(*notes))
        return Reply(Message.from_blocks(blocks, messages.HELP_FALLBACK), private=True)

    async def visible_commands(
        self, request: CommandRequest
    ) -> tuple[list[CustomCommand], list[str]]:
        """The commands help lists for the person asking (not hidden; under run-as, those
        whose dashboards they may open), and notes on what could not be checked."""
        visible, notes = await self._visible_to(request)
        commands = [
            c
            for c in self._catalog.commands
            if not c.hidden
            and (c.looker.url not in visible or c.dashboard_id in visible[c.looker.url])
        ]
        return commands, notes

    async def _visible_to(self, request: CommandRequest) -> tuple[dict[str, set[str]], list[str]]:
        """For instances acting as the asker: the command dashboards they may open."""
        visible: dict[str, set[str]] = {}
        notes: list[str] = []
        for looker in request.lookers or ():
            folders = self._catalog.folders_of(looker)
            if not looker.settings.run_as_user or not folders:
                continue
            outcomes = await asyncio.gather(
                *(looker.client.folder_dashboards(f) for f in folders), return_exceptions=True
            )
            ids: set[str] = set()
            for outcome in outcomes:
                if isinstance(outcome, CommandError) and not isinstance(outcome, LookerApiError):
                    notes.append(messages.warning(outcome.reason))
                    break
                if isinstance(outcome, LookerApiError):
                    continue  # a folder they may not open
                if isinstance(outcome, BaseException):
                    raise outcome
                ids.update(d.id for d in outcome)
            visible[looker.url] = ids
        return visible, notes

    def _command_blocks(self, commands: Sequence[CustomCommand]) -> tuple[list[Block], int]:
        """Sections of commands grouped by category, and how many did not fit."""
        by_category: dict[str, list[CustomCommand]] = {}
        for command in commands:
            by_category.setdefault(command.category, []).append(command)
        order = sorted(by_category, key=lambda c: (c != ROOT_CATEGORY, c.lower()))
        blocks: list[Block] = []
        left_out = 0
        for category in order:
            lines = [
                command_line(c, self._catalog.qualified_name(c))
                for c in sorted(by_category[category], key=lambda c: c.name)
            ]
            title = f"*{escape(category)}*"
            text = title
            for line in lines:
                if len(text) + len(line) + 1 > _SECTION_BUDGET:
                    if len(blocks) >= _BLOCK_BUDGET:
                        left_out += 1
                        continue
                    blocks.append(section(text))
                    text = f"{title} _(continued)_"
                if len(blocks) >= _BLOCK_BUDGET:
                    left_out += 1
                    continue
                text += "\n" + line
            if text not in (title, f"{title} _(continued)_") and len(blocks) < _BLOCK_BUDGET:
                blocks.append(section(text))
        return blocks, left_out


class UnknownCommand:
    """Answers text that is no command (in a DM), suggesting close command names."""

    name = "unknown"
    slow = False

    def __init__(self, *, catalog: CustomCommandCatalog, builtins: Sequence[str]) -> None:
        self._catalog = catalog
        self._builtins = builtins

    async def run(self, request: CommandRequest, args: str) -> Reply:
        text = messages.UNKNOWN_COMMAND
        suggestions = self.suggestions(request.text)
        if suggestions:
            text += "\n" + messages.did_you_mean(suggestions)
        return Reply(Message.of(text), private=True)

    def suggestions(self, text: str, limit: int = 3) -> list[str]:
        """Up to ``limit`` command names close to the start of ``text``."""
        words = text.lower().split()
        names = [*self._builtins, *(c.name for c in self._catalog.commands if not c.hidden)]
        scored = []
        for name in dict.fromkeys(names):
            prefix = " ".join(words[: len(name.split())])
            ratio = difflib.SequenceMatcher(None, prefix, name).ratio()
            if ratio >= 0.6:
                scored.append((-ratio, name))
        return [name for _, name in sorted(scored)[:limit]]
