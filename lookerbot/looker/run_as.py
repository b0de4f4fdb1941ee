"""Acting as the person who asks: each Slack user's requests run as their own Looker user.

With ``LOOKERBOT_RUN_AS_USER=email`` (or ``runAsUser`` per instance), the Slack user's email
is matched to a Looker user, and the bot uses Looker's sudo login to run their requests as
that user: they see what Looker lets them see, nothing more. Someone with no Looker user, or
a disabled one, is refused; nothing runs as the bot's own API user on their behalf.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from lookerbot import messages
from lookerbot.errors import CommandError
from lookerbot.looker.client import LookerClient, RenderKind
from lookerbot.looker.instances import LookerInstance, LookerRegistry
from lookerbot.looker.models import (
    ContentKind,
    ContentRef,
    Dashboard,
    Explore,
    FieldSuggestions,
    Folder,
    Look,
    LookerUser,
    Query,
    QueryResult,
    RenderTask,
    Schedule,
)
from lookerbot.slack.directory import SlackDirectory, SlackUser
from lookerbot.slack.poster import SlackPostError

logger = logging.getLogger(__name__)


class RunAsUser:
    """Builds, for one Slack user, the view of the Lookers their requests run against.

    Args:
        lookers: every configured instance.
        directory: Slack's people (for their email addresses).
        ttl: seconds a Slack-to-Looker match is reused.
    """

    def __init__(
        self,
        *,
        lookers: LookerRegistry,
        directory: SlackDirectory,
        ttl: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lookers = lookers
        self._directory = directory
        self._ttl = ttl
        self._clock = clock
        self._matches: dict[tuple[str, str], tuple[float, LookerUser | None]] = {}

    @property
    def enabled(self) -> bool:
        """Whether any instance runs requests as their users."""
        return any(lk.settings.run_as_user for lk in self._lookers)

    async def registry_for(self, slack_user_id: str) -> LookerRegistry:
        """The instances as ``slack_user_id`` sees them.

        Instances that act as the user get a client with that user's own Looker session;
        the others keep the bot's client. Where the user has no Looker account (or a
        disabled one), the instance's client refuses every call with the reason.
        """
        if not self.enabled:
            return self._lookers
        instances = []
        for looker in self._lookers:
            if looker.settings.run_as_user is None:
                instances.append(looker)
                continue
            client = await self._client_for(looker, slack_user_id)
            instances.append(dataclasses.replace(looker, client=client))
        return LookerRegistry(instances)

    async def _client_for(self, looker: LookerInstance, slack_user_id: str) -> LookerClient:
        try:
            person = await self._directory.user(slack_user_id)
        except SlackPostError as exc:
            return RefusingLookerClient(messages.user_lookup_failed(exc.error))
        if not person.email:
            return RefusingLookerClient(messages.no_slack_email(looker.url))
        if not await self._email_trusted(person):
            return RefusingLookerClient(messages.unconfirmed_slack_email(looker.url))
        match = await self._match(looker, person.email)
        if match is None:
            return RefusingLookerClient(messages.no_looker_user(looker.url, person.email))
        if match.is_disabled:
            return RefusingLookerClient(messages.looker_user_disabled(looker.url))
        return looker.client.as_user(match.id)

    async def _email_trusted(self, person: SlackUser) -> bool:
        """Whether ``person``'s Slack email may name their Looker user: Slack confirmed it,
        or they belong to the bot's own workspace (their address is the workspace's to set).
        Another organization's admin (a shared channel, ALLOW_SLACK_SHARED_WORKSPACES) could
        set any address on their people, a colleague's here included."""
        if person.is_email_confirmed:
            return True
        try:
            own_team = await self._directory.bot_team_id()
        except SlackPostError:
            return False
        return person.team_id == own_team or own_team in person.teams

    async def _match(self, looker: LookerInstance, email: str) -> LookerUser | None:
        key = (looker.url, email.lower())
        cached = self._matches.get(key)
        if cached is not None and self._clock() - cached[0] < self._ttl:
            return cached[1]
        user = await looker.client.find_user_by_email(email)
        self._matches[key] = (self._clock(), user)
        logger.info(
            "Looker %s: %s is %s",
            looker.url,
            email,
            f"Looker user {user.id}" if user else "no Looker user",
        )
        return user


class RefusingLookerClient:
    """A LookerClient that refuses every call with the reason (no Looker user to act as)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def _refuse(self) -> CommandError:
        return CommandError(self.reason)

    async def me(self) -> LookerUser:
        raise self._refuse()

    async def search_content(
        self, kind: ContentKind, title_pattern: str, *, limit: int
    ) -> Sequence[ContentRef]:
        raise self._refuse()

    async def look(self, look_id: str) -> Look:
        raise self._refuse()

    async def dashboard(self, dashboard_id: str) -> Dashboard:
        raise self._refuse()

    async def folder(self, folder_id: str) -> Folder:
        raise self._refuse()

    async def folder_children(self, folder_id: str) -> Sequence[Folder]:
        raise self._refuse()

    async def folder_dashboards(self, folder_id: str) -> Sequence[ContentRef]:
        raise self._refuse()

    async def query(self, query_id: str) -> Query:
        raise self._refuse()

    async def query_for_slug(self, slug: str) -> Query:
        raise self._refuse()

    async def create_query(self, body: dict[str, Any]) -> Query:
        raise self._refuse()

    async def run_query(self, query_id: str) -> QueryResult:
        raise self._refuse()

    async def run_inline_query(self, body: dict[str, Any]) -> QueryResult:
        raise self._refuse()

    async def explore(self, model: str, explore: str) -> Explore:
        raise self._refuse()

    async def field_suggestions(
        self, model: str, explore: str, field: str, *, term: str = ""
    ) -> FieldSuggestions:
        raise self._refuse()

    async def create_render_task(
        self,
        kind: RenderKind,
        target_id: str,
        *,
        width: int,
        height: int,
        body: dict[str, Any] | None = None,
    ) -> RenderTask:
        raise self._refuse()

    async def render_task(self, task_id: str) -> RenderTask:
        raise self._refuse()

    async def render_task_results(self, task_id: str) -> bytes:
        raise self._refuse()

    async def perform_data_action(
        self, action: dict[str, Any], *, form_values: dict[str, str] | None = None
    ) -> dict[str, Any]:
        raise self._refuse()

    async def fetch_data_action_form(self, action: dict[str, Any]) -> list[dict[str, Any]]:
        raise self._refuse()

    async def create_look(self, body: dict[str, Any]) -> Look:
        raise self._refuse()

    async def create_scheduled_plan(self, body: dict[str, Any]) -> Schedule:
        raise self._refuse()

    async def scheduled_plans(self, *, all_users: bool = False) -> Sequence[Schedule]:
        raise self._refuse()

    async def scheduled_plan(self, plan_id: str) -> Schedule:
        raise self._refuse()

    async def update_scheduled_plan(self, plan_id: str, body: dict[str, Any]) -> Schedule:
        raise self._refuse()

    async def delete_scheduled_plan(self, plan_id: str) -> None:
        raise self._refuse()

    async def run_scheduled_plan_once(self, plan_id: str) -> Schedule:
        raise self._refuse()

    async def integration_hubs(self) -> Sequence[tuple[str, str]]:
        raise self._refuse()

    def as_user(self, user_id: str) -> LookerClient:
        return self

    async def find_user_by_email(self, email: str) -> LookerUser | None:
        raise self._refuse()

    async def some_users(self, limit: int) -> Sequence[LookerUser]:
        raise self._refuse()

    async def aclose(self) -> None:
        return None
