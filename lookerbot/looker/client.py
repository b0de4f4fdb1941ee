"""The LookerClient seam: everything the bot asks of one Looker instance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from lookerbot.looker.models import ContentKind, ContentRef, LookerUser


class LookerClient(Protocol):
    """Talks to one Looker instance's API 4.0 on the bot's behalf.

    Implementations must not block the event loop, must log in by themselves (and log in
    again when a session expires), and must raise :class:`~lookerbot.errors.LookerApiError`
    with a message fit for the user for every failure: an error status, a timeout, or an
    unreachable server.
    """

    async def me(self) -> LookerUser:
        """The Looker user the bot is logged in as (also proves the credentials work)."""
        ...

    async def search_content(
        self, kind: ContentKind, title_pattern: str, *, limit: int
    ) -> Sequence[ContentRef]:
        """Looks or dashboards whose title matches ``title_pattern``.

        The pattern uses Looker's search syntax: case-insensitive, ``%`` matches any run of
        characters. Deleted content is never returned.
        """
        ...

    async def aclose(self) -> None:
        """Release connections and threads."""
        ...
