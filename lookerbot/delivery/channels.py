"""Finding where to post: channel names, private channels and people, resolved through Slack.

Channel and people lists are read through every page and cached for a few minutes, so a
burst of deliveries costs a handful of list calls, not one per post. A name not in the cache
triggers one early refresh (a channel created a minute ago), at most every 30 seconds.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from lookerbot import messages
from lookerbot.errors import LookerbotError
from lookerbot.slack.poster import SlackPoster, SlackPostError

logger = logging.getLogger(__name__)

DestinationKind = Literal["channel", "group", "dm"]
_PAGE = 1000


def is_person_id(target: str) -> bool:
    """Whether ``target`` is a Slack user id (``U…``, or ``W…`` on Enterprise Grid)."""
    return re.fullmatch(r"[UW][A-Z0-9]{2,}", target) is not None


class DeliveryError(LookerbotError):
    """A delivery that cannot be made; ``reason`` goes back to Looker.

    Args:
        reason: what went wrong, for Looker and the log.
        status: the HTTP status to answer Looker with.
    """

    def __init__(self, reason: str, *, status: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Channel:
    """A Slack conversation the bot knows of."""

    id: str
    name: str
    is_private: bool
    is_member: bool


@dataclass(frozen=True)
class Person:
    """Someone the bot may send a DM to."""

    id: str
    name: str
    real_name: str
    email: str

    @property
    def label(self) -> str:
        """``@name``, as people see it in Slack."""
        return f"@{self.name}"


@dataclass(frozen=True)
class Destination:
    """A resolved place to post: the conversation id and how to name it."""

    channel: str
    label: str


@dataclass
class _Cached:
    loaded_at: float = -1e18
    refreshed_on_miss_at: float = -1e18


class ChannelDirectory:
    """Resolves channel and people names to Slack ids, with cached lists.

    Args:
        poster: calls Slack (with its retries).
        ttl: seconds the lists are reused.
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
        self._channels: list[Channel] = []
        self._people: list[Person] = []
        self._channels_state = _Cached()
        self._people_state = _Cached()
        self._lock = asyncio.Lock()

    # -- lists ---------------------------------------------------------------------------

    async def channels(self, *, fresh: bool = False) -> list[Channel]:
        """Public channels and the private channels the bot is in (not archived)."""
        async with self._lock:
            if fresh or self._clock() - self._channels_state.loaded_at > self._ttl:
                items = await self._all_pages(
                    lambda cursor: self._poster.conversations_page(
                        types="public_channel,private_channel", cursor=cursor, limit=_PAGE
                    ),
                    "channels",
                )
                self._channels = [
                    Channel(
                        id=str(c["id"]),
                        name=str(c.get("name", "")),
                        is_private=bool(c.get("is_private")),
                        is_member=bool(c.get("is_member")),
                    )
                    for c in items
                    if not c.get("is_archived") and not c.get("is_im")
                ]
                self._channels_state.loaded_at = self._clock()
            return self._channels

    async def people(self, *, fresh: bool = False) -> list[Person]:
        """Members of the workspace who can get a DM (no bots, guests or deactivated)."""
        async with self._lock:
            if fresh or self._clock() - self._people_state.loaded_at > self._ttl:
                items = await self._all_pages(
                    lambda cursor: self._poster.users_page(cursor=cursor, limit=_PAGE),
                    "members",
                )
                self._people = [
                    Person(
                        id=str(u["id"]),
                        name=str(u.get("name", "")),
                        real_name=str(u.get("real_name") or ""),
                        email=str((u.get("profile") or {}).get("email") or ""),
                    )
                    for u in items
                    if not (
                        u.get("deleted")
                        or u.get("is_bot")
                        or u.get("is_app_user")
                        or u.get("is_restricted")
                        or u.get("is_ultra_restricted")
                        or u.get("id") == "USLACKBOT"
                    )
                ]
                self._people_state.loaded_at = self._clock()
            return self._people

    async def _all_pages(
        self, fetch: Callable[[str | None], Awaitable[dict[str, Any]]], key: str
    ) -> list[Any]:
        items: list[Any] = []
        cursor: str | None = None
        for _ in range(1000):  # 1,000 pages of 1,000: a bound, not a limit anyone meets
            page = await fetch(cursor)
            items.extend(item for item in page.get(key) or [] if isinstance(item, dict))
            cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                break
        return items

    # -- resolving ---------------------------------------------------------------------------

    async def resolve(self, kind: DestinationKind, name: str) -> Destination:
        """The conversation for ``/slack/post/<kind>/<name>``.

        ``channel`` and ``group`` take a channel name (with or without ``#``) or id; ``dm``
        takes a user name, an email address or a user id.

        Raises:
            DeliveryError: no such channel or person, or the bot cannot post there.
        """
        name = name.strip()
        if kind == "dm":
            return await self._resolve_person(name.removeprefix("@"))
        return await self._resolve_channel(name.removeprefix("#"), private=kind == "group")

    async def resolve_any(self, target: str) -> Destination:
        """A channel (``#name`` or id) or person (``@name``, email, id) from one string."""
        target = target.strip()
        if "@" in target or is_person_id(target):
            return await self._resolve_person(target.removeprefix("@"))
        return await self._resolve_channel(target.removeprefix("#"), private=False)

    async def _resolve_channel(self, name: str, *, private: bool) -> Destination:
        if not name:
            raise DeliveryError(messages.CHANNEL_NOT_SPECIFIED, status=400)
        channel = self._find_channel(await self.channels(), name)
        if channel is None and self._may_refresh_on_miss(self._channels_state):
            channel = self._find_channel(await self.channels(fresh=True), name)
        if channel is None:
            reason = (
                messages.private_channel_not_found(name)
                if private
                else (messages.channel_not_found(name))
            )
            raise DeliveryError(reason, status=404)
        if not channel.is_member:
            if channel.is_private:
                raise DeliveryError(messages.not_in_private_channel(channel.name), status=403)
            await self._join(channel)
        return Destination(channel=channel.id, label=f"#{channel.name}")

    async def _join(self, channel: Channel) -> None:
        try:
            await self._poster.join(channel.id)
        except SlackPostError as exc:
            raise DeliveryError(messages.cannot_join(channel.name, exc.error), status=403) from exc
        logger.info("Joined #%s to post a delivery", channel.name)
        self._channels = [
            Channel(c.id, c.name, c.is_private, True) if c.id == channel.id else c
            for c in self._channels
        ]

    async def _resolve_person(self, name: str) -> Destination:
        if not name:
            raise DeliveryError(messages.CHANNEL_NOT_SPECIFIED, status=400)
        person = self._find_person(await self.people(), name)
        if person is None and self._may_refresh_on_miss(self._people_state):
            person = self._find_person(await self.people(fresh=True), name)
        if person is None:
            raise DeliveryError(messages.person_not_found(name), status=404)
        try:
            dm = await self._poster.open_dm(person.id)
        except SlackPostError as exc:
            raise DeliveryError(
                messages.cannot_open_dm(person.name, exc.error), status=502
            ) from exc
        return Destination(channel=dm, label=person.label)

    def _may_refresh_on_miss(self, state: _Cached) -> bool:
        now = self._clock()
        if now - state.refreshed_on_miss_at < 30:
            return False
        state.refreshed_on_miss_at = now
        return True

    @staticmethod
    def _find_channel(channels: list[Channel], name: str) -> Channel | None:
        lowered = name.lower()
        return next((c for c in channels if c.id == name or c.name.lower() == lowered), None)

    @staticmethod
    def _find_person(people: list[Person], name: str) -> Person | None:
        lowered = name.lower()
        return next(
            (
                p
                for p in people
                if p.id == name
                or p.name.lower() == lowered
                or (p.email and p.email.lower() == lowered)
            ),
            None,
        )
