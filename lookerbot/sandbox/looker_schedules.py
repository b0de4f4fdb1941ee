"""Scheduled plans in the Looker emulator: kept per owner, checked, run on their crontab, and
delivered with the requests Looker sends.

Where each rule comes from (none of them from the bot):

- **The API.** looker_sdk/sdk/api40/methods.py, the ``ScheduledPlan`` region: the paths,
  verbs, bodies and answers (read into :mod:`lookerbot.sandbox.looker_contract`), and the
  comments above each method:

  - ``create_scheduled_plan``: "you MUST provide values for the following fields: ``name``
    and ``look_id``, ``dashboard_id``, ``lookml_dashboard_id``, or ``query_id`` and
    ``cron_tab`` or ``datagroup`` and at least one scheduled_plan_destination"; "When
    ``look_id`` is set, ``require_no_results``, ``require_results``, and ``require_change``
    are all required"; "Non-admin users may not create or modify scheduled plans by or for
    other users"; the queries "are run in the context of user account that owns the
    scheduled plan".
  - ``update_scheduled_plan``: destinations given in an update "will **replace** all"
    destinations; "assign null or an empty array to the scheduled_plan_destinations
    property is an error"; omitted, they "remain unchanged". "Admins can update other
    users' Scheduled Plans."
  - ``delete_scheduled_plan``: "Normal users can only delete their own scheduled plans.
    Admins can delete other users' scheduled plans."
  - ``scheduled_plan``: "Admins can fetch information about other users' Scheduled Plans."
  - ``all_scheduled_plans``, ``scheduled_plans_for_look`` and ``_for_dashboard``: "If no
    user_id is provided, this function returns the scheduled plans owned by the caller";
    "To list all schedules for all users, pass ``all_users=true``"; "The caller must have
    ``see_schedules`` permission to see other users' scheduled plans".
  - ``scheduled_plan_run_once``: "Create a scheduled plan that runs only once, and
    immediately"; ``scheduled_plan_run_once_by_id``: copies the plan, applies the body,
    "Creates the new scheduled plan", "Runs the new scheduled plan"; "The original
    scheduled plan is not modified". Both answer the plan (``structure=mdls.ScheduledPlan``).
  - The "Scheduled Plan Destination Formats" table: the formats, and "``wysiwyg_pdf`` is
    only valid for dashboards" (every "Dashboard rendered ..." format is).

- **The models.** looker_sdk/sdk/api40/models.py: ``ScheduledPlan`` (what an answer
  holds: ``user`` is a ``UserPublic``, ``next_run_at`` is "null if running once", ``crontab``
  is "Vixie-Style", ``timezone`` defaults to "Looker instance timezone", ``datagroup``
  "can't be used with cron string"), ``WriteScheduledPlan`` (what a body may hold),
  ``ScheduledPlanDestination`` (``type`` "('email', 'webhook', 's3', or 'sftp')", ``address``
  "For webhooks e.g. 'https://domain/path'", ``parameters`` a "JSON object",
  ``secret_parameters`` "(Write-Only)"), and ``Integration`` (an Action Hub integration's
  ``id``, ``integration_hub_id``, ``supported_formats``, ``supported_action_types``,
  ``supported_download_settings``: "If unspecified, this defaults to all").

- **What Looker sends.** The Action API (looker-open-source/actions: ``docs/action_api.md``
  and the generated ``src/api_types/data_webhook_payload*.ts``): the execute payload, "the
  same as the Looker Webhook format": ``type`` ("query", "dashboard"), ``scheduled_plan``
  (``scheduled_plan_id``, ``title``, ``type`` "Look"/"Dashboard", ``url``, ``query_id``,
  ``query``, ``filters_differ_from_look``, ``download_url``), ``attachment`` (``mimetype``
  ending in ";base64" for base64 data, ``extension``, ``data``), ``data`` and
  ``form_params``; sent "using chunked transfer encoding"; the list endpoint is POSTed
  "with an empty body"; the hub's token as ``Authorization: Token token="..."``; a
  one-time ``download_url`` when the action's ``supported_download_settings`` has no
  "push" ("Default is push"); the ``x-looker-instance``, ``x-looker-webhook-id`` and
  ``LookerOutgoingWebhook/<version>`` user agent its ``ActionRequest.fromRequest`` reads
  (``src/hub/action_request.ts``). Looker's "Webhook Payload Description"
  (discourse.looker.com/t/webhook-payload-description/2661): a CSV attachment is
  ``{"data": "...", "mimetype": "text/csv", "extension": "csv"}``. The webhook token header
  ``X-Looker-Webhook-Token`` is the one Lookerbot (looker/lookerbot) has always checked.

What the emulator does not know how Looker does is refused with 501 (not a Looker status:
it says "the emulator cannot show you this"), never accepted and delivered made up: email,
S3 and SFTP destinations, LookML dashboards, plans of a bare ``query_id``, datagroup
triggers, and formats whose payload no source above shows (``inline_json``, ``txt``,
``html``, ``xlsx``, the PDFs).
"""

from __future__ import annotations

import asyncio
import base64
import copy
import csv
import io
import json
import secrets
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiohttp
from looker_sdk.sdk import constants as sdk_constants

from lookerbot.sandbox.cron import Cron, CronError
from lookerbot.sandbox.looker_contract import (
    Problem,
    destination_types,
    enum_values,
    model_fields,
    scheduled_plan_formats,
)
from lookerbot.sandbox.png import bar_chart
from lookerbot.sandbox.query_engine import QueryError, run_query

if TYPE_CHECKING:
    from lookerbot.sandbox.looker_emulator import LookerEmulator

ACTION_HUB_TYPE = "looker-integration"
"""The destination type of an Action Hub integration (its ``address`` is the integration's
``Integration.id``, ``<integration_hub_id>::<action name>``)."""
CONTENT_KEYS = ("look_id", "dashboard_id", "lookml_dashboard_id", "query_id")
LOOK_REQUIRES = ("require_results", "require_no_results", "require_change")
EMULATED_TYPES = ("webhook", ACTION_HUB_TYPE)
# (mimetype, extension) of each format the emulator delivers for Looks.
_LOOK_FORMATS = {
    "json_detail": ("application/json", "json"),
    "json": ("application/json", "json"),
    "csv": ("text/csv", "csv"),
}
_DASHBOARD_FORMATS = {"wysiwyg_png": ("image/png;base64", "png")}
_USER_AGENT = f"LookerOutgoingWebhook/{sdk_constants.sdk_version}.0"
_ALL_ROWS = "1000000"


class PlanRefusal(Exception):
    """Looker's refusal of a scheduled plan request: a status, a message, and for 422 the
    problems (``ValidationErrorDetail`` items)."""

    def __init__(self, status: int, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = list(problems)


@dataclass(frozen=True)
class Delivery:
    """What one destination was sent when a plan ran, and what it answered."""

    destination_id: str
    type: str
    address: str
    format: str
    url: str
    """Where the request went (the webhook URL, or the integration's execute URL)."""
    headers: dict[str, str]
    """The request's headers, without the secret ones (their presence is in ``signed``)."""
    signed: bool
    """Whether it carried a token (``X-Looker-Webhook-Token`` or ``Authorization``)."""
    payload: dict[str, Any]
    status: int
    """The destination's HTTP status; 0 when it gave none."""
    answer: Any
    """Its answer: JSON when it sent JSON, else text."""
    error: str | None = None

    @property
    def ok(self) -> bool:
        """A 2xx answer that does not say it failed (the Action API's ``looker.success``)."""
        if not 200 <= self.status < 300:
            return False
        looker = self.answer.get("looker") if isinstance(self.answer, dict) else None
        return not (isinstance(looker, dict) and looker.get("success") is False)


@dataclass(frozen=True)
class PlanRun:
    """One run of a plan: when, why, how it went, and each delivery."""

    plan_id: str
    at: datetime
    trigger: str
    """"schedule" (its crontab came due) or "run_once"."""
    status: str
    """"success", "failure" or "skipped" (a ``require_*`` condition held it back)."""
    deliveries: tuple[Delivery, ...]
    user_id: str
    """Whose data it sent (the plan's owner)."""
    reason: str | None = None


@dataclass
class IntegrationHub:
    """An Action Hub Looker was connected to (``IntegrationHub``: ``url``,
    ``authorization_token``), with the admin's values for its actions' ``params``."""

    id: str
    url: str
    authorization_token: str | None = None
    params: dict[str, dict[str, str]] = field(default_factory=dict)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _is_http_url(address: str) -> bool:
    parts = urlsplit(address)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _loopback(address: str) -> bool:
    return urlsplit(address).hostname in ("127.0.0.1", "localhost", "::1")


class ScheduledPlans:
    """The emulated Looker's scheduled plans.

    Args:
        looker: the emulator they belong to (its users, content, queries and admins).
        clock: the current time, aware (the tests fix it).
    """

    def __init__(self, looker: LookerEmulator, clock: Callable[[], datetime]) -> None:
        self._looker = looker
        self.clock = clock
        self.plans: dict[str, dict[str, Any]] = {}
        """Stored plans by id (``secret_parameters`` included: they are write-only)."""
        self.runs: list[PlanRun] = []
        """Every run, oldest first."""
        self.hubs: dict[str, IntegrationHub] = {}
        self.timezone = "UTC"
        """The instance's time zone: a plan's crontab is read in it unless it names one."""
        self.webhook_token: str | None = None
        """Sent as ``X-Looker-Webhook-Token`` with webhooks (Admin > General's token)."""
        self.instance_id = secrets.token_hex(8)
        """Sent as ``X-Looker-Instance``."""
        self._ids = 0
        self._destination_ids = 0
        self._last_data: dict[str, str] = {}
        self._tasks: set[asyncio.Task[PlanRun]] = set()
        self._ticker: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Start checking every second for plans whose crontab came due."""
        self._ticker = asyncio.create_task(self._tick())

    async def stop(self) -> None:
        """Stop the checks and any run in flight."""
        tasks = [t for t in (self._ticker, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._ticker = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            self._start_due(self.clock())

    async def settle(self) -> list[PlanRun]:
        """Wait for every run in flight (run_once's too); then every run so far."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks))
        return list(self.runs)

    async def run_due(self, at: datetime) -> list[PlanRun]:
        """Run every enabled plan whose ``next_run_at`` is at or before ``at`` as if the
        clock said ``at``, and wait for the runs (a test's way to let time pass)."""
        tasks = self._start_due(at)
        return list(await asyncio.gather(*tasks))

    def _start_due(self, now: datetime) -> list[asyncio.Task[PlanRun]]:
        tasks = []
        for plan in list(self.plans.values()):
            due = plan.get("next_run_at")
            if plan["run_once"] or not plan["enabled"] or not due or _parse_iso(due) > now:
                continue
            # Next time first, so that a check a second later does not run it again.
            plan["next_run_at"] = self._next_run(plan, now)
            tasks.append(self._start(plan["id"], "schedule", now))
        return tasks

    def _start(self, plan_id: str, trigger: str, at: datetime) -> asyncio.Task[PlanRun]:
        task = asyncio.create_task(self._run(plan_id, trigger, at))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # -- the API -------------------------------------------------------------------------

    async def create(self, caller: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /scheduled_plans``."""
        owner = self._owner(caller, body)
        plan = self._new(body, owner, run_once=False)
        await self._check(plan)
        return self._store(plan)

    async def update(self, caller: str, plan_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """``PATCH /scheduled_plans/{id}``."""
        plan = self._visible(caller, plan_id)
        if "scheduled_plan_destination" in body and not body["scheduled_plan_destination"]:
            raise _invalid(
                "scheduled_plan_destination",
                "A scheduled plan must always have at least one destination.",
            )
        owner = self._owner(caller, {"user_id": body.get("user_id") or plan["user_id"]})
        changed = {**copy.deepcopy(plan), **copy.deepcopy(body), "user_id": owner}
        changed["enabled"] = changed.get("enabled") is not False
        if "scheduled_plan_destination" in body:
            changed["scheduled_plan_destination"] = self._destinations(body, plan_id)
        await self._check(changed)
        changed["updated_at"] = _iso(self.clock())
        changed["next_run_at"] = self._next_run(changed, self.clock())
        self.plans[plan_id] = changed
        return self.render(changed)

    def get(self, caller: str, plan_id: str) -> dict[str, Any]:
        """``GET /scheduled_plans/{id}``."""
        return self.render(self._visible(caller, plan_id))

    def delete(self, caller: str, plan_id: str) -> None:
        """``DELETE /scheduled_plans/{id}``."""
        self._visible(caller, plan_id)
        del self.plans[plan_id]

    def listing(
        self,
        caller: str,
        *,
        user_id: str | None,
        all_users: bool,
        look_id: str | None = None,
        dashboard_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """``GET /scheduled_plans`` (and ``/look/{id}``, ``/dashboard/{id}``)."""
        if (all_users or (user_id and user_id != caller)) and not self._admin(caller):
            raise PlanRefusal(403, "You need the see_schedules permission for that.")
        if look_id is not None and self._look(look_id, caller) is None:
            raise PlanRefusal(404, "Not found")
        if dashboard_id is not None and self._dashboard(dashboard_id, caller) is None:
            raise PlanRefusal(404, "Not found")
        owner = None if all_users else (user_id or caller)
        return [
            self.render(p)
            for p in self.plans.values()
            if not p["run_once"]
            and (owner is None or p["user_id"] == owner)
            and (look_id is None or str(p.get("look_id")) == look_id)
            and (dashboard_id is None or str(p.get("dashboard_id")) == dashboard_id)
        ]

    async def run_once(self, caller: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /scheduled_plans/run_once``: a plan that runs once, now."""
        owner = self._owner(caller, body)
        plan = self._new(body, owner, run_once=True)
        await self._check(plan)
        stored = self._store(plan)
        self._start(stored["id"], "run_once", self.clock())
        return stored

    async def run_once_by_id(
        self, caller: str, plan_id: str, body: dict[str, Any] | None
    ) -> dict[str, Any]:
        """``POST /scheduled_plans/{id}/run_once``: a run-once copy with ``body`` applied."""
        original = self._visible(caller, plan_id)
        changes = dict(body or {})
        owner = self._owner(caller, {"user_id": changes.get("user_id") or original["user_id"]})
        base = {k: v for k, v in copy.deepcopy(original).items() if k in _WRITE_KEYS}
        if "scheduled_plan_destination" not in changes:
            changes["scheduled_plan_destination"] = [
                {k: v for k, v in d.items() if k not in ("id", "scheduled_plan_id")}
                for d in original["scheduled_plan_destination"]
            ]
        plan = self._new({**base, **changes, "user_id": owner}, owner, run_once=True)
        await self._check(plan)
        stored = self._store(plan)
        self._start(stored["id"], "run_once", self.clock())
        return stored

    # -- Action Hubs -------------------------------------------------------------------

    def add_hub(
        self,
        url: str,
        *,
        authorization_token: str | None = None,
        params: dict[str, dict[str, str]] | None = None,
    ) -> str:
        """Connect an Action Hub (as an admin does in Admin > Actions); its id."""
        hub_id = str(len(self.hubs) + 1)
        self.hubs[hub_id] = IntegrationHub(hub_id, url, authorization_token, dict(params or {}))
        return hub_id

    async def _integration(self, address: str) -> tuple[IntegrationHub, dict[str, Any]] | None:
        """The hub and the action an integration id names, from the hub's list (POSTed with
        an empty body, as Looker asks a hub for its actions)."""
        hub_id, sep, name = address.partition("::")
        hub = self.hubs.get(hub_id)
        if not sep or hub is None:
            return None
        try:
            status, answer = await self._post(hub.url, b"", self._hub_headers(hub))
        except (aiohttp.ClientError, TimeoutError):
            return None
        integrations = answer.get("integrations") if isinstance(answer, dict) else None
        if status != 200 or not isinstance(integrations, list):
            return None
        found = next(
            (i for i in integrations if isinstance(i, dict) and i.get("name") == name), None
        )
        return (hub, found) if found is not None else None

    # -- plans -------------------------------------------------------------------------

    def _admin(self, user_id: str) -> bool:
        return user_id in self._looker.admin_user_ids

    def _owner(self, caller: str, body: dict[str, Any]) -> str:
        owner = str(body.get("user_id") or caller)
        if owner != caller and not self._admin(caller):
            raise PlanRefusal(
                403, "Non-admin users may not create or modify scheduled plans for other users."
            )
        return owner

    def _visible(self, caller: str, plan_id: str) -> dict[str, Any]:
        """The plan, if ``caller`` may see it: its owner, or an admin. Others get 404, as
        for any Looker content they may not see."""
        plan = self.plans.get(plan_id)
        if plan is None or (plan["user_id"] != caller and not self._admin(caller)):
            raise PlanRefusal(404, "Not found")
        return plan

    def _new(self, body: dict[str, Any], owner: str, *, run_once: bool) -> dict[str, Any]:
        plan = {k: copy.deepcopy(body.get(k)) for k in _WRITE_KEYS}
        plan.update(
            user_id=owner,
            run_once=run_once,
            enabled=body.get("enabled") is not False,
            run_as_recipient=bool(body.get("run_as_recipient")),
        )
        plan["scheduled_plan_destination"] = body.get("scheduled_plan_destination")
        return plan

    def _destinations(self, body: dict[str, Any], plan_id: str) -> list[dict[str, Any]]:
        out = []
        for destination in body.get("scheduled_plan_destination") or []:
            self._destination_ids += 1
            out.append(
                {
                    **copy.deepcopy(destination),
                    "id": str(self._destination_ids),
                    "scheduled_plan_id": plan_id,
                }
            )
        return out

    def _store(self, plan: dict[str, Any]) -> dict[str, Any]:
        self._ids += 1
        plan_id = str(self._ids)
        now = self.clock()
        plan["id"] = plan_id
        plan["scheduled_plan_destination"] = self._destinations(plan, plan_id)
        plan["created_at"] = plan["updated_at"] = _iso(now)
        plan["last_run_at"] = plan["last_run_status"] = None
        plan["next_run_at"] = self._next_run(plan, now)
        self.plans[plan_id] = plan
        return self.render(plan)

    def _next_run(self, plan: dict[str, Any], after: datetime) -> str | None:
        """``next_run_at``: "null if running once"."""
        if plan["run_once"] or not plan.get("crontab"):
            return None
        zone = _zone(plan.get("timezone") or self.timezone) or ZoneInfo("UTC")
        moment = Cron.parse(plan["crontab"]).next_after(after, zone)
        return _iso(moment) if moment else None

    def render(self, plan: dict[str, Any]) -> dict[str, Any]:
        """The plan as a ``ScheduledPlan``: its fields only, without write-only ones."""
        content = self._content_title(plan)
        shown = {k: plan.get(k) for k in _WRITE_KEYS}
        shown["timezone"] = plan.get("timezone") or self.timezone
        shown["scheduled_plan_destination"] = [
            {k: v for k, v in d.items() if k in _DESTINATION_KEYS}
            for d in plan["scheduled_plan_destination"]
        ]
        shown.update(
            id=plan["id"],
            created_at=plan["created_at"],
            updated_at=plan["updated_at"],
            title=plan.get("name"),
            content_title=content,
            user=self._user_public(plan["user_id"]),
            next_run_at=plan.get("next_run_at"),
            last_run_at=plan.get("last_run_at"),
            last_run_status=plan.get("last_run_status"),
        )
        return shown

    def _user_public(self, user_id: str) -> dict[str, Any] | None:
        """A ``UserPublic`` of the owner."""
        user = self._looker.state.users.get(user_id)
        if user is None:
            return None
        first, _, last = str(user.get("display_name") or "").partition(" ")
        return {
            "id": user_id,
            "first_name": first,
            "last_name": last,
            "display_name": user.get("display_name"),
            "avatar_url": None,
            "is_service_account": False,
            "is_embed_user": False,
            "url": f"{self._looker.url}/api/4.0/users/{user_id}",
        }

    def _content_title(self, plan: dict[str, Any]) -> str | None:
        state = self._looker.state
        if plan.get("look_id"):
            return str(state.looks.get(str(plan["look_id"]), {}).get("title") or "") or None
        if plan.get("dashboard_id"):
            found = state.dashboards.get(str(plan["dashboard_id"]), {})
            return str(found.get("title") or "") or None
        return None

    def _look(self, look_id: str, user_id: str) -> dict[str, Any] | None:
        state = self._looker.state
        look = state.looks.get(look_id)
        if look is None or look.get("deleted") or not state.visible(user_id, look["folder_id"]):
            return None
        return look

    def _dashboard(self, dashboard_id: str, user_id: str) -> dict[str, Any] | None:
        state = self._looker.state
        found = state.dashboards.get(dashboard_id)
        if found is None or found.get("deleted") or not state.visible(user_id, found["folder_id"]):
            return None
        return found

    # -- checks ------------------------------------------------------------------------

    async def _check(self, plan: dict[str, Any]) -> None:
        """Refuse the plan as Looker does (422, each problem named), then what the emulator
        cannot emulate (501)."""
        problems = self._problems(plan)
        for index, destination in enumerate(plan.get("scheduled_plan_destination") or []):
            if not isinstance(destination, dict) or destination.get("type") != ACTION_HUB_TYPE:
                continue
            at = f"scheduled_plan_destination[{index}]"
            found = await self._integration(str(destination.get("address") or ""))
            if found is None:
                problems.append(Problem(f"{at}.address", "invalid", "No such integration."))
                continue
            problems += _integration_problems(found[1], destination, plan, at)
        if problems:
            raise PlanRefusal(422, "Validation Failed", problems)
        unsupported = self._not_emulated(plan)
        if unsupported:
            raise PlanRefusal(501, f"The Looker emulator does not emulate {unsupported}.")

    def _problems(self, plan: dict[str, Any]) -> list[Problem]:
        problems: list[Problem] = []
        if not plan.get("name"):
            problems.append(_missing("name"))
        if plan.get("user_id") not in self._looker.state.users:
            problems.append(Problem("user_id", "invalid", "No such user."))
        content = [k for k in CONTENT_KEYS if plan.get(k) not in (None, "")]
        if not content:
            problems.append(
                Problem(
                    "look_id",
                    "missing",
                    "One of look_id, dashboard_id, lookml_dashboard_id or query_id is required.",
                )
            )
        things = [k for k in content if k != "query_id"]
        if len(things) > 1:
            problems.append(
                Problem(things[1], "invalid", f"A plan has one of {', '.join(things)}.")
            )
        owner = str(plan.get("user_id"))
        if plan.get("look_id") and self._look(str(plan["look_id"]), owner) is None:
            problems.append(Problem("look_id", "invalid", "No such Look."))
        if plan.get("dashboard_id") and self._dashboard(str(plan["dashboard_id"]), owner) is None:
            problems.append(Problem("dashboard_id", "invalid", "No such dashboard."))
        if plan.get("look_id"):
            problems += [
                Problem(k, "missing", "This field is required when look_id is set.")
                for k in LOOK_REQUIRES
                if plan.get(k) is None
            ]
        crontab, datagroup = plan.get("crontab"), plan.get("datagroup")
        if not plan["run_once"] and not crontab and not datagroup:
            problems.append(
                Problem("crontab", "missing", "One of crontab or datagroup is required.")
            )
        if crontab and datagroup:
            problems.append(Problem("datagroup", "invalid", "can't be used with cron string"))
        if crontab:
            try:
                Cron.parse(str(crontab))
            except CronError as exc:
                problems.append(Problem("crontab", "invalid", str(exc)))
        zone = plan.get("timezone")
        if zone and _zone(str(zone)) is None:
            problems.append(Problem("timezone", "invalid", f"Unknown time zone {zone}."))
        destinations = plan.get("scheduled_plan_destination")
        if not destinations:
            problems.append(
                Problem(
                    "scheduled_plan_destination",
                    "missing",
                    "A scheduled plan must have at least one destination.",
                )
            )
        for index, destination in enumerate(destinations or []):
            problems += self._destination_problems(
                destination, f"scheduled_plan_destination[{index}]", plan
            )
        return problems

    def _destination_problems(
        self, destination: dict[str, Any], at: str, plan: dict[str, Any]
    ) -> list[Problem]:
        problems: list[Problem] = []
        fmt, kind, address = (destination.get(k) for k in ("format", "type", "address"))
        if not fmt:
            problems.append(_missing(f"{at}.format"))
        elif fmt not in _formats(kind):
            problems.append(Problem(f"{at}.format", "invalid", f"{fmt} is no format."))
        elif _DASHBOARD_ONLY.get(fmt) and not plan.get("dashboard_id"):
            problems.append(Problem(f"{at}.format", "invalid", f"{fmt} is only for dashboards."))
        if not kind:
            problems.append(_missing(f"{at}.type"))
        elif kind not in (*destination_types(), ACTION_HUB_TYPE):
            problems.append(Problem(f"{at}.type", "invalid", f"{kind} is no destination type."))
        if kind == "webhook":
            if not address:
                problems.append(_missing(f"{at}.address"))
            elif not _is_http_url(str(address)):
                problems.append(Problem(f"{at}.address", "invalid", "Not a URL."))
            elif urlsplit(str(address)).scheme != "https" and not _loopback(str(address)):
                # Looker "requires your server ... to present a valid HTTPS certificate"
                # (Webhook Payload Description); plain http only to the emulator's own host.
                problems.append(Problem(f"{at}.address", "invalid", "Webhooks need https."))
        if kind == ACTION_HUB_TYPE and not address:
            problems.append(_missing(f"{at}.address"))
        parameters = destination.get("parameters")
        if parameters is not None:
            try:
                parsed = json.loads(str(parameters))
            except ValueError:
                parsed = None
            if not isinstance(parsed, dict):
                problems.append(Problem(f"{at}.parameters", "invalid", "Not a JSON object."))
        return problems

    def _not_emulated(self, plan: dict[str, Any]) -> str | None:
        if plan.get("lookml_dashboard_id"):
            return "LookML dashboards"
        if plan.get("datagroup"):
            return "datagroup triggers"
        if not plan.get("look_id") and not plan.get("dashboard_id"):
            return "plans of a query_id alone"
        formats = _DASHBOARD_FORMATS if plan.get("dashboard_id") else _LOOK_FORMATS
        for destination in plan["scheduled_plan_destination"]:
            if destination["type"] not in EMULATED_TYPES:
                return f"{destination['type']} destinations"
            if destination["format"] not in formats:
                what = "dashboards" if plan.get("dashboard_id") else "Looks"
                return f"the {destination['format']} format for {what}"
        return None

    # -- runs --------------------------------------------------------------------------

    async def _run(self, plan_id: str, trigger: str, at: datetime) -> PlanRun:
        plan = self.plans[plan_id]
        owner = str(plan["user_id"])
        plan["last_run_at"] = _iso(at)
        try:
            result = self._result(plan, owner)
        except _RunFailed as exc:
            return self._ran(plan, trigger, at, "failure", (), exc.reason)
        rows = result.rows
        fingerprint = json.dumps(result.json_detail.get("data"), sort_keys=True, default=str)
        previous = self._last_data.get(plan_id)
        self._last_data[plan_id] = fingerprint
        if plan.get("require_results") and rows == 0:
            return self._ran(plan, trigger, at, "skipped", (), "no results")
        if plan.get("require_no_results") and rows > 0:
            return self._ran(plan, trigger, at, "skipped", (), "results")
        if plan.get("require_change") and previous == fingerprint:
            return self._ran(plan, trigger, at, "skipped", (), "no change")
        deliveries = tuple(
            [await self._deliver(plan, d, result) for d in plan["scheduled_plan_destination"]]
        )
        status = "success" if all(d.ok for d in deliveries) else "failure"
        return self._ran(plan, trigger, at, status, deliveries, None)

    def _ran(
        self,
        plan: dict[str, Any],
        trigger: str,
        at: datetime,
        status: str,
        deliveries: tuple[Delivery, ...],
        reason: str | None,
    ) -> PlanRun:
        plan["last_run_status"] = "failure" if status == "failure" else "success"
        run = PlanRun(plan["id"], at, trigger, status, deliveries, plan["user_id"], reason)
        self.runs.append(run)
        return run

    def _result(self, plan: dict[str, Any], owner: str) -> _Result:
        """The plan's data, run as its owner (their access filters applied)."""
        state = self._looker.state
        filters = dict(parse_qsl(str(plan.get("filters_string") or "").lstrip("?")))
        url_filters = str(plan.get("filters_string") or "")
        if url_filters and not url_filters.startswith("?"):
            url_filters = "?" + url_filters
        if plan.get("dashboard_id"):
            dashboard = self._dashboard(str(plan["dashboard_id"]), owner)
            if dashboard is None:
                raise _RunFailed("the dashboard is gone or hidden from the plan's owner")
            ids = [str(e["query_id"]) for e in dashboard["dashboard_elements"] if e.get("query_id")]
            query = state.queries.get(ids[0]) if ids else None
            detail = self._run_query(query, owner, plan) if query else _EMPTY
            return _Result(
                kind="dashboard",
                content_type="Dashboard",
                url=f"{self._looker.url}/dashboards/{dashboard['id']}{url_filters}",
                query=None,
                json_detail=detail,
                filters_differ=bool(filters),
            )
        look = self._look(str(plan["look_id"]), owner)
        if look is None:
            raise _RunFailed("the Look is gone or hidden from the plan's owner")
        query = state.queries[str(look["query_id"])]
        look_filters = {
            k[2:-1]: v for k, v in filters.items() if k.startswith("f[") and k.endswith("]")
        }
        if look_filters:
            # A schedule with its own filters runs its own query, as Looker makes one.
            base = {k: v for k, v in query.items() if k not in ("id", "slug", "client_id")}
            query = state.add_query(
                {**base, "filters": {**(query.get("filters") or {}), **look_filters}}
            )
        return _Result(
            kind="query",
            content_type="Look",
            url=f"{self._looker.url}/looks/{look['id']}{url_filters}",
            query=query,
            json_detail=self._run_query(query, owner, plan),
            filters_differ=bool(look_filters),
        )

    def _run_query(self, query: dict[str, Any], owner: str, plan: dict[str, Any]) -> dict[str, Any]:
        access = self._looker.state.access_filters.get(owner) or {}
        ran = {**query, "filters": {**(query.get("filters") or {}), **access}}
        if plan.get("send_all_results"):
            ran["limit"] = _ALL_ROWS
        try:
            return run_query(
                ran,
                self._looker.state.dataset,
                looker_url=self._looker.url,
                actions=self._looker.data_actions,
            )
        except QueryError as exc:
            raise _RunFailed(f"the query failed: {exc}") from exc

    def _attachment(self, fmt: str, result: _Result) -> tuple[str, str, bytes]:
        """(mimetype, extension, data) of the result in ``fmt``."""
        if result.kind == "dashboard":
            mimetype, extension = _DASHBOARD_FORMATS[fmt]
            return mimetype, extension, bar_chart(result.chart_values(), width=800, height=600)
        mimetype, extension = _LOOK_FORMATS[fmt]
        if fmt == "json_detail":
            return mimetype, extension, json.dumps(result.json_detail).encode()
        if fmt == "json":
            return mimetype, extension, json.dumps(result.simple_rows()).encode()
        return mimetype, extension, result.csv().encode()

    async def _deliver(
        self, plan: dict[str, Any], destination: dict[str, Any], result: _Result
    ) -> Delivery:
        fmt, kind, address = destination["format"], destination["type"], destination["address"]
        mimetype, extension, data = self._attachment(fmt, result)
        scheduled_plan: dict[str, Any] = {
            "scheduled_plan_id": int(plan["id"]),
            "title": plan.get("name"),
            "type": result.content_type,
            "url": result.url,
            "query_id": int(result.query["id"]) if result.query else None,
            "query": self._looker._query_json(result.query) if result.query else None,
            "filters_differ_from_look": result.filters_differ,
            "download_url": None,
        }
        payload: dict[str, Any] = {
            "type": result.kind,
            "scheduled_plan": scheduled_plan,
            "attachment": None,
            "data": None,
            "form_params": None,
        }
        headers = {
            "Content-Type": "application/json",
            "User-Agent": _USER_AGENT,
            "X-Looker-Instance": self.instance_id,
            "X-Looker-Webhook-Id": str(uuid.uuid4()),
        }
        secret: dict[str, str] = {}
        push = True
        url = str(address)
        if kind == ACTION_HUB_TYPE:
            found = await self._integration(str(address))
            if found is None:
                return _undelivered(destination, url, headers, payload, "no such integration")
            hub, action = found
            url = str(action.get("url") or "")
            settings = action.get("supported_download_settings") or []
            push = not settings or "push" in settings
            payload["data"] = dict(hub.params.get(str(action.get("name")), {}))
            payload["form_params"] = json.loads(destination.get("parameters") or "{}")
            secret = self._hub_headers(hub)
        elif self.webhook_token:
            secret = {"X-Looker-Webhook-Token": self.webhook_token}
        if push:
            encoded = mimetype.endswith(";base64")
            text = base64.b64encode(data).decode() if encoded else data.decode()
            payload["attachment"] = {"mimetype": mimetype, "extension": extension, "data": text}
        else:
            scheduled_plan["download_url"] = self._looker.serve_download(lambda: [data])
        body = json.dumps(payload).encode()
        try:
            status, answer = await self._post(url, body, {**headers, **secret})
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            return _undelivered(destination, url, headers, payload, str(exc) or type(exc).__name__)
        return Delivery(
            destination_id=str(destination["id"]),
            type=kind,
            address=str(address),
            format=fmt,
            url=url,
            headers=headers,
            signed=bool(secret),
            payload=payload,
            status=status,
            answer=answer,
        )

    def _hub_headers(self, hub: IntegrationHub) -> dict[str, str]:
        headers = {"User-Agent": _USER_AGENT, "X-Looker-Instance": self.instance_id}
        if hub.authorization_token:
            headers["Authorization"] = f'Token token="{hub.authorization_token}"'
        return headers

    async def _post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        """POST ``body`` in chunks (the Action API: "always sent using chunked transfer
        encoding"); the status and the answer."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(body), 64 * 1024):
                yield body[start : start + 64 * 1024]

        async with self._session.post(url, data=chunks(), headers=headers) as response:
            text = await response.text()
            try:
                answer: Any = json.loads(text) if text else None
            except ValueError:
                answer = text
            return response.status, answer


@dataclass(frozen=True)
class _Result:
    kind: str
    """The payload's ``type``: "query" or "dashboard"."""
    content_type: str
    """``scheduled_plan.type``: "Look" or "Dashboard"."""
    url: str
    query: dict[str, Any] | None
    json_detail: dict[str, Any]
    filters_differ: bool

    @property
    def rows(self) -> int:
        return len(self.json_detail.get("data") or [])

    def _names(self) -> list[tuple[str, str]]:
        fields = self.json_detail.get("fields") or {}
        return [
            (str(f["name"]), str(f.get("label") or f["name"]))
            for group in ("dimensions", "measures")
            for f in fields.get(group) or []
        ]

    def simple_rows(self) -> list[dict[str, Any]]:
        """The "json" format: one object per row, field name to value."""
        return [
            {name: _plain(row.get(name)) for name, _ in self._names()}
            for row in self.json_detail.get("data") or []
        ]

    def csv(self) -> str:
        """The "csv" format: "Comma separated values with a header" (the fields' labels)."""
        names = self._names()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([label for _, label in names])
        for row in self.simple_rows():
            writer.writerow(["" if row[n] is None else row[n] for n, _ in names])
        return out.getvalue()

    def chart_values(self) -> list[float]:
        measures = [m["name"] for m in (self.json_detail.get("fields") or {}).get("measures", [])]
        values = []
        for row in (self.json_detail.get("data") or [])[:24]:
            value = _plain(row.get(measures[0])) if measures else None
            values.append(float(value) if isinstance(value, int | float) else 1.0)
        return values or [0.0]


_EMPTY: dict[str, Any] = {"fields": {"dimensions": [], "measures": []}, "data": []}


class _RunFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _plain(cell: Any) -> Any:
    if isinstance(cell, dict) and "value" in cell:
        return cell["value"]
    if isinstance(cell, dict):  # a pivoted measure: a cell per pivot value
        return {k: _plain(v) for k, v in cell.items()}
    return cell


def _missing(name: str) -> Problem:
    return Problem(name, "missing", "This field is required.")


def _invalid(name: str, message: str) -> PlanRefusal:
    return PlanRefusal(422, "Validation Failed", [Problem(name, "invalid", message)])


def _undelivered(
    destination: dict[str, Any],
    url: str,
    headers: dict[str, str],
    payload: dict[str, Any],
    error: str,
) -> Delivery:
    return Delivery(
        destination_id=str(destination["id"]),
        type=str(destination["type"]),
        address=str(destination["address"]),
        format=str(destination["format"]),
        url=url,
        headers=headers,
        signed=False,
        payload=payload,
        status=0,
        answer=None,
        error=error,
    )


def _formats(kind: Any) -> tuple[str, ...]:
    """The formats a destination of ``kind`` may ask for: the table of methods.py, and for
    an Action Hub integration ``Integration.supported_formats``' values too."""
    table = tuple(scheduled_plan_formats())
    return (*table, *enum_values("SupportedFormats")) if kind == ACTION_HUB_TYPE else table


def _integration_problems(
    action: dict[str, Any], destination: dict[str, Any], plan: dict[str, Any], at: str
) -> list[Problem]:
    """A destination the integration does not take: a format outside its
    ``supported_formats``, content outside its ``supported_action_types`` (a Look is a
    "query", a dashboard a "dashboard"). Unspecified formats: "the default is all"."""
    problems = []
    formats = action.get("supported_formats") or []
    if formats and destination.get("format") not in formats:
        problems.append(
            Problem(f"{at}.format", "invalid", f"The integration takes {', '.join(formats)}.")
        )
    kinds = action.get("supported_action_types") or []
    kind = "dashboard" if plan.get("dashboard_id") else "query"
    if kind not in kinds:
        problems.append(
            Problem(f"{at}.address", "invalid", f"The integration does not take a {kind}.")
        )
    return problems


_WRITE_KEYS = model_fields("WriteScheduledPlan")
_DESTINATION_KEYS = frozenset(model_fields("ScheduledPlanDestination")) - {"secret_parameters"}
_DASHBOARD_ONLY = {
    name: description.startswith("Dashboard rendered")
    for name, description in scheduled_plan_formats().items()
}
