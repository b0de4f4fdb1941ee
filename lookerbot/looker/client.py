"""The LookerClient seam: everything the bot asks of one Looker instance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Protocol

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

RenderKind = Literal["query", "look", "dashboard"]


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

    async def look(self, look_id: str) -> Look:
        """A Look, with its query."""
        ...

    async def dashboard(self, dashboard_id: str) -> Dashboard:
        """A dashboard, with its filters and tiles (each tile with its query)."""
        ...

    async def folder(self, folder_id: str) -> Folder:
        """A folder (without its content)."""
        ...

    async def folder_children(self, folder_id: str) -> Sequence[Folder]:
        """The folders directly inside a folder."""
        ...

    async def folder_dashboards(self, folder_id: str) -> Sequence[ContentRef]:
        """The dashboards directly inside a folder (deleted ones left out)."""
        ...

    async def query(self, query_id: str) -> Query:
        """A query by id."""
        ...

    async def query_for_slug(self, slug: str) -> Query:
        """A query by the slug of a share URL (``/x/<slug>``) or an Explore's ``qid``."""
        ...

    async def create_query(self, body: dict[str, Any]) -> Query:
        """Create a query (queries are immutable: changing filters means a new query)."""
        ...

    async def explore(self, model: str, explore: str) -> Explore:
        """An Explore with its fields (``GET /lookml_models/{model}/explores/{explore}``)."""
        ...

    async def field_suggestions(
        self, model: str, explore: str, field: str, *, term: str = ""
    ) -> FieldSuggestions:
        """Values Looker suggests for ``field`` of ``explore`` (those containing ``term``).

        ``explore`` and ``field`` are the field's ``suggest_explore`` and
        ``suggest_dimension`` when it has them.
        """
        ...

    async def run_query(self, query_id: str) -> QueryResult:
        """Run a query; Looker's query errors come back inside the result."""
        ...

    async def run_inline_query(self, body: dict[str, Any]) -> QueryResult:
        """Run a query without saving it (``POST /queries/run/json_detail``)."""
        ...

    async def create_render_task(
        self,
        kind: RenderKind,
        target_id: str,
        *,
        width: int,
        height: int,
        body: dict[str, Any] | None = None,
    ) -> RenderTask:
        """Start rendering a query, Look or dashboard as a PNG."""
        ...

    async def render_task(self, task_id: str) -> RenderTask:
        """A render task's state."""
        ...

    async def render_task_results(self, task_id: str) -> bytes:
        """A finished render task's image."""
        ...

    async def perform_data_action(
        self, action: dict[str, Any], *, form_values: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Run a LookML data action; returns Looker's ``data_action_response``."""
        ...

    async def fetch_data_action_form(self, action: dict[str, Any]) -> list[dict[str, Any]]:
        """The fields of a data action's remote form (``form_url``)."""
        ...

    async def create_look(self, body: dict[str, Any]) -> Look:
        """Save a query as a Look (``title``, ``query_id``, ``folder_id``), owned by the user
        this client acts as."""
        ...

    async def create_scheduled_plan(self, body: dict[str, Any]) -> Schedule:
        """Create a scheduled plan (owned by the user this client acts as)."""
        ...

    async def scheduled_plans(self, *, all_users: bool = False) -> Sequence[Schedule]:
        """The caller's scheduled plans, or everyone's (``all_users``, needs
        ``see_schedules``)."""
        ...

    async def scheduled_plan(self, plan_id: str) -> Schedule:
        """One scheduled plan (its owner's, or an admin's to see)."""
        ...

    async def update_scheduled_plan(self, plan_id: str, body: dict[str, Any]) -> Schedule:
        """Change a scheduled plan (its owner, or an admin)."""
        ...

    async def delete_scheduled_plan(self, plan_id: str) -> None:
        """Delete a scheduled plan (its owner, or an admin)."""
        ...

    async def run_scheduled_plan_once(self, plan_id: str) -> Schedule:
        """Run a copy of a scheduled plan now (the plan itself is unchanged)."""
        ...

    async def integration_hubs(self) -> Sequence[tuple[str, str]]:
        """The Action Hubs connected to Looker: (id, URL) of each."""
        ...

    def as_user(self, user_id: str) -> LookerClient:
        """A client acting as Looker user ``user_id`` (sudo), with a session of its own.

        The returned client shares this one's connections; close only the original.
        """
        ...

    async def find_user_by_email(self, email: str) -> LookerUser | None:
        """The Looker user with this email address, if there is one."""
        ...

    async def some_users(self, limit: int) -> Sequence[LookerUser]:
        """A few enabled Looker users (``lookerbot check`` tries acting as one)."""
        ...

    async def aclose(self) -> None:
        """Release connections and threads."""
        ...
