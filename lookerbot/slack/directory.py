"""Who is who in Slack: people (users.info) and the bot itself (auth.test), cached."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lookerbot.slack.poster import SlackPoster

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlackUser:
    """What the bot needs to know about a person in Slack."""

    id: str
    name: str
    team_id: str
    teams: tuple[str, ...] = ()
    email: str | None = None
    is_email_confirmed: bool = False
    is_restricted: bool = False
    is_ultra_restricted: bool = False
    is_bot: bool = False
    is_app_user: bool = False
    is_stranger: bool = False
    deleted: bool = False

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> SlackUser:
        """Build from a ``users.info`` user object."""
        raw_profile, raw_grid = data.get("profile"), data.get("enterprise_user")
        profile: dict[str, Any] = raw_profile if isinstance(raw_profile, dict) else {}
        # An Enterprise Grid member's workspaces are listed under enterprise_user.teams
        # (Slack's user object: https://docs.slack.dev/reference/objects/user-object).
        grid: dict[str, Any] = raw_grid if isinstance(raw_grid, dict) else {}
        raw_teams = grid.get("teams")
        teams: list[Any] = raw_teams if isinstance(raw_teams, list) else []
        return cls(
            id=str(data.get("id", "")),
            name=str(data.get("name") or data.get("real_name") or data.get("id", "")),
            team_id=str(data.get("team_id", "")),
            teams=tuple(str(t) for t in teams),
            email=profile.get("email"),
            is_email_confirmed=data.get("is_email_confirmed") is True,
            is_restricted=bool(data.get("is_restricted")),
            is_ultra_restricted=bool(data.get("is_ultra_restricted")),
            is_bot=bool(data.get("is_bot")),
            is_app_user=bool(data.get("is_app_user")),
            is_stranger=bool(data.get("is_stranger")),
            deleted=bool(data.get("deleted")),
        )


@dataclass(frozen=True)
class BotIdentity:
    """Who the bot is in Slack (from ``auth.test``)."""

    user_id: str | None
    team_id: str | None


class SlackDirectory:
    """Looks people up with ``users.info`` and caches them for a few minutes.

    Args:
        poster: calls Slack (with its retries).
        ttl: seconds a person's record is reused.
        clock: monotonic seconds.
    """

    def __init__(
        self,
        *,
        poster: SlackPoster,
        ttl: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._poster = poster
        self._ttl = ttl
        self._clock = clock
        self._users: dict[str, tuple[float, SlackUser]] = {}
        self._pending: dict[str, asyncio.Task[SlackUser]] = {}
        self._bot: BotIdentity | None = None
        self._bot_pending: asyncio.Task[BotIdentity] | None = None

    async def user(self, user_id: str) -> SlackUser:
        """The person with ``user_id``.

        Raises:
            SlackPostError: Slack could not say (the error code tells why).
        """
        cached = self._users.get(user_id)
        if cached is not None and self._clock() - cached[0] < self._ttl:
            return cached[1]
        # Concurrent requests for one person share one lookup.
        pending = self._pending.get(user_id)
        if pending is None:
            pending = asyncio.get_running_loop().create_task(self._fetch(user_id))
            self._pending[user_id] = pending
            pending.add_done_callback(lambda _: self._pending.pop(user_id, None))
        return await asyncio.shield(pending)

    async def _fetch(self, user_id: str) -> SlackUser:
        user = SlackUser.from_api(await self._poster.user_info(user_id))
        self._users[user_id] = (self._clock(), user)
        if len(self._users) > 50_000:  # a bound for very large workspaces
            self._users.clear()
        return user

    @property
    def known_bot(self) -> BotIdentity | None:
        """Who the bot is, if Slack has said already (no waiting, no task)."""
        return self._bot

    async def bot_identity(self) -> BotIdentity:
        """Who the bot is (from ``auth.test``, asked once and then remembered).

        Concurrent callers share one lookup, which runs to its end even when a caller stops
        waiting (an acknowledgement cannot wait for Slack's retries); a failed lookup is
        tried again by the next caller.

        Raises:
            SlackPostError: Slack could not say (the token is wrong, or Slack is down).
        """
        if self._bot is not None:
            return self._bot
        if self._bot_pending is None:
            pending = asyncio.get_running_loop().create_task(self._ask_who_the_bot_is())
            self._bot_pending = pending
            pending.add_done_callback(self._bot_lookup_done)
        return await asyncio.shield(self._bot_pending)

    async def _ask_who_the_bot_is(self) -> BotIdentity:
        response = await self._poster.auth_test()
        user_id, team_id = response.get("user_id"), response.get("team_id")
        self._bot = BotIdentity(
            user_id=user_id if isinstance(user_id, str) and user_id else None,
            team_id=team_id if isinstance(team_id, str) and team_id else None,
        )
        return self._bot

    def _bot_lookup_done(self, task: asyncio.Task[BotIdentity]) -> None:
        self._bot_pending = None
        if not task.cancelled():
            task.exception()  # retrieved here: callers that stopped waiting never see it

    async def aclose(self) -> None:
        """Stop lookups still under way (at shutdown)."""
        pending = [*self._pending.values(), *([self._bot_pending] if self._bot_pending else [])]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    async def bot_team_id(self) -> str:
        """The workspace the bot is installed in (from ``auth.test``, asked once)."""
        return (await self.bot_identity()).team_id or ""
