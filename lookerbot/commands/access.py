"""Who may ask the bot: guests, other workspaces and bots are refused unless allowed."""

from __future__ import annotations

import logging

from lookerbot import messages
from lookerbot.settings import Settings
from lookerbot.slack.directory import SlackDirectory, SlackUser
from lookerbot.slack.poster import SlackPostError

logger = logging.getLogger(__name__)


def refusal(
    user: SlackUser, *, bot_team_id: str, allow_guests: bool, allow_shared_workspaces: bool
) -> str | None:
    """Why ``user`` may not use the bot, or ``None`` when they may (Lookerbot's rules).

    Enterprise Grid members whose ``teams`` include the bot's workspace are not "other".
    """
    if user.is_bot or user.is_app_user:
        return messages.refused_bot(user.name)
    if not allow_guests and (user.is_restricted or user.is_ultra_restricted):
        return messages.refused_guest(user.name)
    other_workspace = user.team_id != bot_team_id and bot_team_id not in user.teams
    if not allow_shared_workspaces and (other_workspace or user.is_stranger):
        return messages.refused_other_workspace(user.name)
    if user.deleted:
        return messages.refused_deactivated(user.name)
    return None


class AccessPolicy:
    """Applies :func:`refusal` with the settings and Slack's answers."""

    def __init__(self, *, directory: SlackDirectory, settings: Settings) -> None:
        self._directory = directory
        self._settings = settings

    async def check(self, user_id: str) -> str | None:
        """Why ``user_id`` may not use the bot, or ``None`` when they may."""
        try:
            user = await self._directory.user(user_id)
            bot_team = await self._directory.bot_team_id()
        except SlackPostError as exc:
            logger.warning("Could not look up Slack user %s: %s", user_id, exc.error)
            return messages.user_lookup_failed(exc.error)
        return refusal(
            user,
            bot_team_id=bot_team,
            allow_guests=self._settings.allow_guest_users,
            allow_shared_workspaces=self._settings.allow_shared_workspaces,
        )
