"""``subscriptions``: the scheduled plans that deliver to this bot, here and the person's own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lookerbot.commands.base import CommandRequest, Reply

if TYPE_CHECKING:
    from lookerbot.answers.actions import AnswerActions


class SubscriptionsCommand:
    """Lists the subscriptions of the channel asked in and of the person asking, each with
    its menu (Pause or Resume, Send now, Delete). Anyone may see the list; only a plan's
    owner (or a Looker admin, under run-as) may change it. The list is private."""

    name = "subscriptions"
    slow = True

    def __init__(self, actions: AnswerActions) -> None:
        self._actions = actions

    async def run(self, request: CommandRequest, args: str) -> Reply:
        channel = None if request.channel_id.startswith("D") else request.channel_id
        message = await self._actions.list_message(user=request.user_id, channel=channel)
        return Reply(message, private=True)
