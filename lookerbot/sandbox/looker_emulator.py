"""A Looker API 4.0 emulator: an aiohttp server on loopback that the bot's SDK client talks to.

It serves a small shop's Looks and dashboards, and three Explores (``thelook/orders``,
``saas/subscriptions`` and ``support/tickets``, with their models, field metadata and value
suggestions; see :mod:`lookerbot.sandbox.sample_data`) over sample data, runs queries on
them (saved or inline), checks logins and tokens like
Looker, records every request (without credentials), serves one-time result download URLs
as Looker gives actions, and can be told to fail or stall on any path. The demo and the
tests both use it.

It holds the bot to API 4.0 as generated into looker-sdk (see
:mod:`lookerbot.sandbox.looker_contract`, where each rule names its source): a request to a
path that is no endpoint of ``Looker40SDK`` gets 404; a query parameter that is not the
endpoint's own, a missing required one (``width``/``height`` of render tasks) or a body that
is not the endpoint's ``Write*`` model gets 422 "Validation Failed"; a ``fields=`` answer
holds only the fields asked for; every answer it gives must structure into the SDK's model
for the endpoint (else it answers 500, and records why in ``contract_violations``); tokens
expire after ``expires_in`` seconds; render tasks pass through Looker's statuses.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import functools
import inspect
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from aiohttp import web

from lookerbot.sandbox import canary
from lookerbot.sandbox.looker_contract import (
    Problem,
    Route,
    contract,
    model_fields,
    parse_fields,
    render_task_statuses,
    select_fields,
)
from lookerbot.sandbox.looker_schedules import PlanRefusal, ScheduledPlans
from lookerbot.sandbox.loopback import LoopbackServer
from lookerbot.sandbox.png import bar_chart
from lookerbot.sandbox.query_engine import QueryError, dimension_value, run_query
from lookerbot.sandbox.sample_data import EXPLORES, Dataset, ExploreDef, explore_def, generate_all
from lookerbot.settings import LookerInstanceSettings, Secret

API = "/api/4.0"
RENDER_STATUSES = render_task_statuses()
RENDER_WORKING = RENDER_STATUSES[:-2]
"""enqueued_for_query, querying, enqueued_for_render, rendering"""
RENDER_DONE = RENDER_STATUSES[-2:]
"""success, failure"""
assert RENDER_DONE == ("success", "failure"), RENDER_STATUSES
DEFAULT_CLIENT_ID = "lookerbot-demo"
DEFAULT_CLIENT_SECRET = "demo-CANARY-client-secret"


@dataclass(frozen=True)
class RecordedRequest:
    """One request the emulator received (credentials left out)."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    user_id: str | None
    elapsed: float = 0.0
    """Seconds the emulator spent answering (for benchmarks: Looker's share of a command)."""
    status: int = 0
    """The HTTP status the emulator answered with."""


@dataclass
class _Fault:
    method: str | None
    path: re.Pattern[str]
    status: int
    body: Any
    times: int | None
    delay: float
    content_type: str


@dataclass
class LookerState:
    """Everything the emulated Looker holds; tests may change it directly."""

    datasets: dict[str, Dataset]
    """Each Explore's rows, by ``model/explore``."""
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    folders: dict[str, dict[str, Any]] = field(default_factory=dict)
    looks: dict[str, dict[str, Any]] = field(default_factory=dict)
    dashboards: dict[str, dict[str, Any]] = field(default_factory=dict)
    queries: dict[str, dict[str, Any]] = field(default_factory=dict)
    hidden_folders: dict[str, set[str]] = field(default_factory=dict)
    """Folders (and what is in them) a user may not see, by Looker user id."""
    admins: set[str] = field(default_factory=lambda: {"1"})
    """Users who may act as others and see every personal folder (the API user is user 1)."""
    access_filters: dict[str, dict[str, str]] = field(default_factory=dict)
    """Row-level filters applied to every query a user runs, by Looker user id: a filter
    applies to the Explores that have its field (as a LookML ``access_filter`` names a field
    of its own Explore)."""

    @property
    def dataset(self) -> Dataset:
        """The shop's orders (``thelook/orders``)."""
        return self.datasets["thelook/orders"]

    def dataset_for(self, model: Any, explore: Any) -> Dataset | None:
        """The rows of Explore ``model/explore``, or ``None`` when there is no such Explore."""
        return self.datasets.get(f"{model}/{explore}")

    def access_for(self, user_id: str | None, explore: ExploreDef) -> dict[str, str]:
        """The access filters of ``user_id`` that apply to ``explore``."""
        access = self.access_filters.get(str(user_id)) or {}
        return {name: expr for name, expr in access.items() if name in explore.fields_by_name}

    def visible(self, user_id: str | None, folder_id: Any) -> bool:
        """Whether ``user_id`` may see a folder (and so the content in it): a personal folder
        only its owner and admins (Looker's "Personal folders" are private to their user)."""
        folder = self.folders.get(str(folder_id)) or {}
        if folder.get("is_personal") and str(user_id) not in {
            str(folder.get("creator_id")),
            *self.admins,
        }:
            return False
        return str(folder_id) not in self.hidden_folders.get(str(user_id), set())

    def add_query(self, query: dict[str, Any]) -> dict[str, Any]:
        """Store a query, giving it an id and slug like Looker does."""
        query_id = str(max((int(q) for q in self.queries), default=0) + 1)
        stored = {
            "model": "thelook",
            "view": "orders",
            "fields": [],
            "filters": {},
            "sorts": [],
            "limit": "500",
            "pivots": None,
            "vis_config": {"type": "table"},
            "dynamic_fields": None,
            "filter_config": None,
            "client_id": secrets.token_hex(8),
            **copy.deepcopy(query),
            "id": query_id,
            "slug": secrets.token_hex(4),
        }
        self.queries[query_id] = stored
        return stored


def _query(fields: list[str], vis: str, **extra: Any) -> dict[str, Any]:
    return {"fields": fields, "vis_config": {"type": vis}, **extra}


def default_state(today: date, *, orders: int = 600, seed: int = 7) -> LookerState:
    """The demo shop: folders, Looks, dashboards and users, and every Explore's rows."""
    state = LookerState(datasets=generate_all(today, seed=seed, rows={"thelook/orders": orders}))
    state.users = {
        "1": {
            "id": "1",
            "display_name": "Lookerbot API",
            "email": "lookerbot@example.com",
            "is_disabled": False,
        },
        "2": {
            "id": "2",
            "display_name": "Alice Analyst",
            "email": "alice@example.com",
            "is_disabled": False,
        },
        "3": {
            "id": "3",
            "display_name": "Bob Builder",
            "email": "bob@example.com",
            "is_disabled": False,
        },
    }
    folders = [
        ("1", "Shared", None),
        ("2", "Sales", "1"),
        ("3", "Marketing", "1"),
        ("10", "Slack Commands", "1"),
        ("11", "Finance", "10"),
        ("12", "Ops [hidden]", "10"),
    ]
    state.folders = {
        fid: {"id": fid, "name": name, "parent_id": parent, "is_personal": False}
        for fid, name, parent in folders
    }
    for uid, user in state.users.items():
        # Each user's personal folder (the User model's ``personal_folder_id``).
        personal = str(100 + int(uid))
        user["personal_folder_id"] = personal
        state.folders[personal] = {
            "id": personal,
            "name": user["display_name"],
            "parent_id": None,
            "is_personal": True,
            "creator_id": uid,
        }
    q = state.add_query
    revenue_by_region = q(
        _query(
            ["customers.region", "orders.total_revenue"],
            "table",
            sorts=["orders.total_revenue desc"],
        )
    )
    total_revenue = q(_query(["orders.total_revenue"], "single_value"))
    orders_per_day = q(
        _query(
            ["orders.created_date", "orders.count"],
            "looker_line",
            filters={"orders.created_date": "30 days"},
            sorts=["orders.created_date"],
        )
    )
    top_customers = q(
        _query(
            ["customers.name", "orders.count", "orders.total_revenue"],
            "table",
            sorts=["orders.total_revenue desc"],
            limit="10",
        )
    )
    by_category = q(
        _query(
            ["products.category", "orders.total_revenue"],
            "looker_column",
            sorts=["orders.total_revenue desc"],
        )
    )
    by_status = q(_query(["orders.status", "orders.count"], "looker_pie"))
    region_command = q(
        _query(
            ["customers.region", "orders.total_revenue"],
            "table",
            sorts=["orders.total_revenue desc"],
        )
    )
    orders_today = q(
        _query(["orders.count"], "single_value", filters={"orders.created_date": "today"})
    )
    customer_lookup = q(
        _query(
            ["customers.name", "customers.region", "orders.count", "orders.total_revenue"],
            "table",
            sorts=["orders.total_revenue desc"],
            limit="10",
        )
    )

    def look(lid: str, title: str, folder: str, query: dict[str, Any], **extra: Any) -> None:
        state.looks[lid] = {
            "id": lid,
            "title": title,
            "description": extra.pop("description", ""),
            "folder_id": folder,
            "query_id": query["id"],
            "short_url": f"/looks/{lid}",
            "public": False,
            "deleted": extra.pop("deleted", False),
            **extra,
        }

    look(
        "1",
        "Revenue by Region",
        "2",
        revenue_by_region,
        description="Total revenue per sales region, all time.",
    )
    look("2", "Total Revenue", "2", total_revenue)
    look("3", "Orders per Day", "2", orders_per_day)
    look("4", "Top Customers", "2", top_customers)
    look("5", "Revenue by Category", "3", by_category)
    look("6", "Order Status Breakdown", "3", by_status)
    look("7", "Revenue Forecast (retired)", "2", total_revenue, deleted=True)

    def dashboard(
        did: str,
        title: str,
        folder: str,
        tiles: list[dict[str, Any]],
        filters: Sequence[dict[str, Any]] = (),
        description: str = "",
    ) -> None:
        elements = []
        for index, tile in enumerate(tiles, start=1):
            query = tile["query"]
            listen = tile.get("listen", {})
            elements.append(
                {
                    "id": f"{did}{index:02d}",
                    "title": tile.get("title", ""),
                    "type": "vis",
                    "query_id": query["id"],
                    "look_id": None,
                    "look": None,
                    "result_maker": {
                        "query_id": query["id"],
                        "filterables": [
                            {
                                "model": query["model"],
                                "view": query["view"],
                                "listen": [
                                    {"dashboard_filter_name": k, "field": v}
                                    for k, v in listen.items()
                                ],
                            }
                        ],
                    },
                }
            )
        state.dashboards[did] = {
            "id": did,
            "title": title,
            "description": description,
            "folder_id": folder,
            "deleted": False,
            "dashboard_elements": elements,
            "dashboard_filters": [
                {
                    "id": f"{did}f{i}",
                    "name": f["name"],
                    "title": f.get("title", f["name"]),
                    "type": "field_filter",
                    "default_value": f.get("default", ""),
                    "model": "thelook",
                    "explore": "orders",
                    "dimension": f["dimension"],
                }
                for i, f in enumerate(filters, start=1)
            ],
        }

    region_filter = {"name": "Region", "dimension": "customers.region"}
    dashboard(
        "1",
        "Sales Overview",
        "2",
        [
            {
                "title": "Revenue by Region",
                "query": revenue_by_region,
                "listen": {"Region": "customers.region"},
            },
            {
                "title": "Total Revenue",
                "query": total_revenue,
                "listen": {"Region": "customers.region"},
            },
            {
                "title": "Orders per Day",
                "query": orders_per_day,
                "listen": {"Region": "customers.region"},
            },
        ],
        [region_filter],
        "Revenue and orders at a glance.",
    )
    dashboard(
        "2",
        "Revenue",
        "10",
        [
            {
                "title": "Revenue by Region",
                "query": region_command,
                "listen": {"Region": "customers.region"},
            },
        ],
        [region_filter],
        "Revenue per region; give a region to narrow it.",
    )
    dashboard(
        "3",
        "Orders Today",
        "10",
        [
            {"title": "Orders Today", "query": orders_today},
        ],
        [],
        "How many orders came in today.",
    )
    dashboard(
        "4",
        "Customer Lookup",
        "11",
        [
            {
                "title": "Customers",
                "query": customer_lookup,
                "listen": {"Customer Name": "customers.name"},
            },
        ],
        [{"name": "Customer Name", "dimension": "customers.name"}],
        "Orders of one customer.",
    )
    dashboard(
        "5",
        "Category Mix",
        "12",
        [
            {"title": "Revenue by Category", "query": by_category},
        ],
    )
    dashboard(
        "6",
        "Marketing Overview",
        "3",
        [
            {"title": "Revenue by Category", "query": by_category},
            {"title": "Order Status", "query": by_status},
        ],
    )
    dashboard(
        "7",
        "Weekly Business Review",
        "10",
        [
            {
                "title": "Revenue by Region",
                "query": revenue_by_region,
                "listen": {"Region": "customers.region"},
            },
            {
                "title": "Orders per Day",
                "query": orders_per_day,
                "listen": {"Region": "customers.region"},
            },
        ],
        [region_filter],
        "Revenue and orders, for the Monday meeting.",
    )
    dashboard(
        "8",
        "Channel Mix",
        "11",
        [{"title": "Web vs Store", "query": by_category}],
        description="Merged results of web and store sales.",
    )
    # A merged-results tile has no query of its own.
    merged = state.dashboards["8"]["dashboard_elements"][0]
    merged.update({"query_id": None, "merge_result_id": "m1"})
    merged["result_maker"] = {"merge_result_id": "m1", "filterables": []}
    return state


class LookerEmulator:
    """Serves the Looker API 4.0 on 127.0.0.1.

    Args:
        client_id: the API client ID it accepts.
        client_secret: the API client secret it accepts.
        today: the date the sample data and relative date filters count from.
        orders: how many orders the sample data has.
        seed: the seed the sample data is generated from.
        expires_in: seconds an access token lives (Looker's default session is an hour).
    """

    def __init__(
        self,
        *,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        today: date | None = None,
        orders: int = 600,
        seed: int = 7,
        expires_in: int = 3600,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.state = default_state(today or date.today(), orders=orders, seed=seed)
        self.requests: list[RecordedRequest] = []
        self.logins = 0
        self.expires_in = expires_in
        """Seconds a token lives: ``/login`` answers it as ``expires_in``; later, 401."""
        self.contract_violations: list[str] = []
        """Answers the emulator refused to give because they break the SDK's models."""
        self.suggestion_limit = 1000
        """How many values a field suggestion answer holds at most (Looker's own cap)."""
        self.render_outcome = "success"
        """How render tasks end: "success", "failure", "hang" (never finish) or "empty"."""
        self.render_seconds = 0.2
        self.render_failure_detail = "Rendering failed: the query timed out"
        self.render_tasks: dict[str, dict[str, Any]] = {}
        self.rendered: list[bytes] = []
        """Every image a render task returned, in order."""
        self.data_action_result: dict[str, Any] = {"success": True, "message": "Done"}
        """What POST /data_actions answers."""
        self.data_action_delay = 0.0
        """Seconds POST /data_actions takes."""
        self.data_actions: dict[str, list[dict[str, Any]]] = {
            "orders.count": [
                {
                    "label": "Ping #sales",
                    "url": "https://lookerbot.example.com/data_actions",
                    "params": [
                        {"name": "message", "value": ":bell: {{ value }} orders so far today"},
                        {"name": "channel", "value": "#sales"},
                    ],
                },
                {
                    "label": "Ask a question",
                    "url": "https://lookerbot.example.com/data_actions",
                    "params": [{"name": "channel", "value": "#sales"}],
                    "form": [
                        {
                            "name": "message",
                            "label": "Question",
                            "type": "textarea",
                            "required": True,
                            "default": "Why {{ value }}?",
                        },
                        {
                            "name": "urgency",
                            "label": "Urgency",
                            "type": "select",
                            "default": "low",
                            "options": [
                                {"name": "low", "label": "Low"},
                                {"name": "high", "label": "High"},
                            ],
                        },
                    ],
                },
            ]
        }
        """LookML data actions offered on result cells, by field."""
        self._tokens: dict[str, tuple[str, float]] = {}
        """Access token -> (Looker user id, monotonic time it expires)."""
        self._downloads: dict[str, Callable[[], Iterable[bytes]]] = {}
        self._faults: list[_Fault] = []
        self._server: LoopbackServer | None = None
        self.url = ""
        self.schedules = ScheduledPlans(self, clock=lambda: datetime.now(UTC))
        """Scheduled plans: their store, runs (``runs``), Action Hubs (``add_hub``), clock,
        and the test hooks ``run_due(at)`` and ``settle()``."""

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self, port: int = 0) -> LookerEmulator:
        """Listen on 127.0.0.1 (a free port unless ``port`` is given)."""
        app = web.Application(middlewares=[self._middleware])
        app.router.add_route("*", API + "/{path:.*}", self._dispatch)
        app.router.add_get("/downloads/{token}", self._download)
        self._server = LoopbackServer.of(app)
        self.url = await self._server.start(port)
        await self.schedules.start()
        return self

    async def stop(self) -> None:
        """Stop serving (and running scheduled plans)."""
        await self.schedules.stop()
        if self._server is not None:
            await self._server.stop()
            self._server = None

    async def __aenter__(self) -> LookerEmulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def instance_settings(self, **overrides: Any) -> LookerInstanceSettings:
        """Settings that point the bot at this emulator (``url`` etc. may be overridden)."""
        settings = LookerInstanceSettings(
            url=self.url,
            api_base_url=self.url,
            client_id=self.client_id,
            client_secret=Secret(self.client_secret),
        )
        return dataclasses.replace(settings, **overrides)

    # -- test controls ---------------------------------------------------------------------

    def fail(
        self,
        path: str,
        *,
        status: int = 500,
        body: Any = None,
        times: int | None = 1,
        method: str | None = None,
        delay: float = 0.0,
        content_type: str = "application/json",
    ) -> None:
        """Answer requests whose API path matches regex ``path`` with ``status`` and ``body``.

        ``times=None`` fails every matching request; ``delay`` stalls before answering.
        A status of 0 stalls for ``delay`` and then answers normally.
        """
        self._faults.append(
            _Fault(method, re.compile(path), status, body, times, delay, content_type)
        )

    def serve_download(self, parts: Callable[[], Iterable[bytes]]) -> str:
        """A one-time download URL (as Looker gives actions) streaming ``parts()``.

        The parts are produced as they are sent, so a large result is never held whole.
        A second request to the URL gets 404, as from Looker.
        """
        token = secrets.token_urlsafe(16)
        self._downloads[token] = parts
        return f"{self.url}/downloads/{token}"

    def clear_faults(self) -> None:
        """Stop failing."""
        self._faults.clear()

    def revoke_tokens(self) -> None:
        """Forget every access token, as when Looker restarts (clients must log in again)."""
        self._tokens.clear()

    def served(self) -> frozenset[str]:
        """The API 4.0 endpoints the emulator serves, by their looker-sdk method name."""
        return frozenset(self._served_by_method)

    def requests_to(self, pattern: str, method: str | None = None) -> list[RecordedRequest]:
        """Recorded requests whose path matches regex ``pattern``."""
        regex = re.compile(pattern)
        return [
            r
            for r in self.requests
            if regex.search(r.path) and (method is None or r.method == method)
        ]

    # -- plumbing --------------------------------------------------------------------------

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        started, recorded = time.perf_counter(), len(self.requests)
        status = 500
        try:
            response = await self._answer(request, handler)
            status = response.status
            return response
        finally:
            if len(self.requests) > recorded:  # time the request it recorded
                self.requests[recorded] = dataclasses.replace(
                    self.requests[recorded], elapsed=time.perf_counter() - started, status=status
                )

    async def _answer(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        path = request.path.removeprefix(API)
        for fault in list(self._faults):
            if fault.path.search(path) and fault.method in (None, request.method):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                if fault.status:
                    await request.read()
                    self._record(request, path, None, None)
                    if isinstance(fault.body, dict | list):
                        return web.json_response(fault.body, status=fault.status)
                    return web.Response(
                        status=fault.status,
                        text=str(fault.body or ""),
                        content_type=fault.content_type,
                    )
                break
        return await handler(request)

    def _record(self, request: web.Request, path: str, body: Any, user_id: str | None) -> None:
        canary.check(f"Looker {request.method} {path}", f"{dict(request.query)} {body}")
        self.requests.append(
            RecordedRequest(request.method, path, dict(request.query), body, user_id)
        )

    def _user_for(self, request: web.Request) -> str | None:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in ("bearer", "token"):
            return None
        entry = self._tokens.get(token.strip())
        if entry is None:
            return None
        user_id, expires = entry
        if time.monotonic() >= expires:
            # Source: AccessToken.expires_in in looker_sdk/sdk/api40/models.py ("Number of
            # seconds before the token expires"): after that, Looker answers 401.
            del self._tokens[token.strip()]
            return None
        return user_id

    def _issue_token(self, user_id: str) -> web.Response:
        token = canary.MARKER + secrets.token_urlsafe(24)
        self._tokens[token] = (user_id, time.monotonic() + self.expires_in)
        # The AccessToken model of looker_sdk/sdk/api40/models.py.
        return web.json_response(
            {"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in}
        )

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        if path == "/login" and request.method == "POST":
            return await self._login(request)
        user_id = self._user_for(request)
        body: Any = None
        raw = await request.read() if request.can_read_body else b""
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                self._record(request, path, None, user_id)
                return _error(400, "Invalid JSON in request body")
        self._record(request, path, body, user_id)
        if user_id is None:
            return _error(401, "Requires authentication.")
        # Source: the routes of Looker40SDK in looker_sdk/sdk/api40/methods.py. A path that
        # is no endpoint there is not found, as in Looker; one the emulator does not serve,
        # too.
        matched = contract().match(request.method, path)
        handler = self._served_by_method.get(matched[0].name) if matched else None
        if matched is None or handler is None:
            return _error(404, "Not found")
        route, params = matched
        # Source: each method's query_params and body in methods.py, and the body's model
        # in looker_sdk/sdk/api40/models.py (its fields; required: no default in __init__).
        problems = contract().check_query(route, request.query)
        problems += contract().check_body(route, body, present=bool(raw))
        if problems:
            return _validation_failed(route, problems)
        response = await handler(request, user_id, body, *params.values())
        return self._as_contracted(request, route, response)

    def _as_contracted(
        self, request: web.Request, route: Route, response: web.StreamResponse
    ) -> web.StreamResponse:
        """The answer as the contract has it: structurable into the SDK's model for the
        route (``structure=`` in methods.py), with only the ``fields=`` asked for."""
        if (
            not isinstance(response, web.Response)
            or response.status >= 300
            or response.content_type != "application/json"
            or route.raw_answer
            or not isinstance(response.body, bytes)
        ):
            return response
        data = json.loads(response.body)
        problems = contract().check_answer(route, data)
        if problems:
            detail = f"{route.name} answer breaks {route.structure}: " + "; ".join(problems[:5])
            self.contract_violations.append(detail)
            return _error(500, f"Emulator error: {detail}")
        spec = request.query.get("fields")
        if spec and "fields" in route.query_params:
            # Source: the "fields: Requested fields" parameter of methods.py; Looker answers
            # with those fields only (``folder(id,name)`` selects inside ``folder``).
            return web.json_response(select_fields(data, parse_fields(spec)))
        return response

    async def _download(self, request: web.Request) -> web.StreamResponse:
        self._record(request, "/downloads", None, None)  # the token is a secret: not recorded
        parts = self._downloads.pop(request.match_info["token"], None)
        if parts is None:
            return _error(404, "Not found")
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        for part in parts():
            await response.write(part)
        await response.write_eof()
        return response

    @property
    def admin_user_ids(self) -> set[str]:
        """Users who may act as others (the API user is user 1)."""
        return self.state.admins

    @admin_user_ids.setter
    def admin_user_ids(self, users: set[str]) -> None:
        self.state.admins = users

    @functools.cached_property
    def _served_by_method(self) -> dict[str, Callable[..., Awaitable[web.StreamResponse]]]:
        """What the emulator serves, by the SDK method (looker_sdk/sdk/api40/methods.py)."""
        return {
            "login_user": self._login_user,
            "logout": self._logout,
            "me": self._me,
            "search_looks": self._search_looks,
            "search_dashboards": self._search_dashboards,
            "look": self._look,
            "dashboard": self._dashboard,
            "folder": self._folder,
            "folder_children": self._folder_children,
            "folder_dashboards": self._folder_dashboards,
            "folder_looks": self._folder_looks,
            "query_for_slug": self._query_by_slug,
            "query": self._query,
            "create_query": self._create_query,
            "create_look": self._create_look,
            "run_query": self._run_query,
            "run_inline_query": self._run_inline_query,
            "create_query_render_task": functools.partial(self._render, kind="queries"),
            "create_look_render_task": functools.partial(self._render, kind="looks"),
            "create_dashboard_render_task": functools.partial(self._render, kind="dashboards"),
            "render_task": self._render_status,
            "render_task_results": self._render_results,
            "perform_data_action": self._data_action,
            "fetch_remote_data_action_form": self._data_action_form,
            "all_lookml_models": self._lookml_models,
            "lookml_model": self._lookml_model,
            "lookml_model_explore": self._explore,
            "model_fieldname_suggestions": self._suggest,
            "search_users": self._users_search,
            "user_for_credential": self._user_for_credential,
            "user": self._user,
            "create_scheduled_plan": self._create_scheduled_plan,
            "update_scheduled_plan": self._update_scheduled_plan,
            "scheduled_plan": self._scheduled_plan,
            "delete_scheduled_plan": self._delete_scheduled_plan,
            "all_scheduled_plans": self._all_scheduled_plans,
            "scheduled_plans_for_look": self._scheduled_plans_for_look,
            "scheduled_plans_for_dashboard": self._scheduled_plans_for_dashboard,
            "scheduled_plan_run_once": self._scheduled_plan_run_once,
            "scheduled_plan_run_once_by_id": self._scheduled_plan_run_once_by_id,
            "all_integration_hubs": self._integration_hubs,
        }

    # -- handlers ------------------------------------------------------------------------

    async def _login(self, request: web.Request) -> web.Response:
        form = await request.post()
        self.logins += 1
        # Recorded without the credentials.
        self._record(request, "/login", {"client_id": str(form.get("client_id", ""))}, None)
        client_id, client_secret = (
            str(form.get("client_id", "")),
            str(form.get("client_secret", "")),
        )
        if not (
            secrets.compare_digest(client_id, self.client_id)
            and secrets.compare_digest(client_secret, self.client_secret)
        ):
            return _error(404, "Not found")
        return self._issue_token("1")

    async def _logout(self, request: web.Request, user_id: str, body: Any) -> web.Response:
        _, _, token = request.headers.get("Authorization", "").partition(" ")
        self._tokens.pop(token.strip(), None)
        return web.Response(status=204)  # logout's structure is str: no body

    async def _me(self, request: web.Request, user_id: str, body: Any) -> web.Response:
        return web.json_response(self.state.users[user_id])

    def _folder_ref(self, folder_id: str | None) -> dict[str, Any] | None:
        folder = self.state.folders.get(str(folder_id))
        return {"id": folder["id"], "name": folder["name"]} if folder else None

    def _look_json(self, look: dict[str, Any]) -> dict[str, Any]:
        query = self.state.queries.get(str(look["query_id"]))
        return {
            **look,
            "folder": self._folder_ref(look["folder_id"]),
            "query": self._query_json(query) if query else None,
        }

    def _dashboard_json(self, dashboard: dict[str, Any]) -> dict[str, Any]:
        elements = []
        for element in dashboard["dashboard_elements"]:
            query = self.state.queries.get(str(element.get("query_id")))
            elements.append({**element, "query": self._query_json(query) if query else None})
        return {
            **dashboard,
            "folder": self._folder_ref(dashboard["folder_id"]),
            "dashboard_elements": elements,
        }

    def _query_json(self, query: dict[str, Any]) -> dict[str, Any]:
        fields = ",".join(query["fields"])
        return {
            **query,
            "share_url": f"{self.url}/x/{query['slug']}",
            "url": f"/explore/{query['model']}/{query['view']}?fields={fields}&qid={query['slug']}",
        }

    async def _search(
        self,
        request: web.Request,
        items: list[dict[str, Any]],
        render: Callable[[dict[str, Any]], dict[str, Any]],
        user_id: str,
    ) -> web.Response:
        title = request.query.get("title")
        deleted = request.query.get("deleted", "false").lower() == "true"
        limit = int(request.query.get("limit", "0") or 0)
        matches = [
            i
            for i in items
            if bool(i.get("deleted")) == deleted and self.state.visible(user_id, i["folder_id"])
        ]
        if title:
            pattern = _like(title)
            matches = [i for i in matches if pattern.fullmatch(i["title"])]
        if limit:
            matches = matches[:limit]
        return web.json_response([render(i) for i in matches])

    async def _search_looks(self, request: web.Request, user_id: str, body: Any) -> web.Response:
        # search_looks answers Sequence[Look]: a Look without its query.
        return await self._search(
            request,
            list(self.state.looks.values()),
            lambda look: _as("Look", self._look_json(look)),
            user_id,
        )

    async def _search_dashboards(
        self, request: web.Request, user_id: str, body: Any
    ) -> web.Response:
        return await self._search(
            request, list(self.state.dashboards.values()), self._dashboard_json, user_id
        )

    async def _look(self, request: web.Request, user_id: str, body: Any, lid: str) -> web.Response:
        look = self.state.looks.get(lid)
        if (
            look is None
            or look.get("deleted")
            or not self.state.visible(user_id, look["folder_id"])
        ):
            return _error(404, "Not found")
        return web.json_response(self._look_json(look))

    async def _dashboard(
        self, request: web.Request, user_id: str, body: Any, did: str
    ) -> web.Response:
        dashboard = self.state.dashboards.get(did)
        if (
            dashboard is None
            or dashboard.get("deleted")
            or not self.state.visible(user_id, dashboard["folder_id"])
        ):
            return _error(404, "Not found")
        return web.json_response(self._dashboard_json(dashboard))

    async def _folder(
        self, request: web.Request, user_id: str, body: Any, fid: str
    ) -> web.Response:
        folder = self.state.folders.get(fid)
        if folder is None or not self.state.visible(user_id, fid):
            return _error(404, "Not found")
        return web.json_response(
            {
                **folder,
                "dashboards": [
                    _as("DashboardBase", self._dashboard_json(d))
                    for d in self.state.dashboards.values()
                    if d["folder_id"] == fid and not d.get("deleted")
                ],
                "looks": [
                    _as("LookWithDashboards", self._look_json(lk))
                    for lk in self.state.looks.values()
                    if lk["folder_id"] == fid and not lk.get("deleted")
                ],
            }
        )

    async def _folder_children(
        self, request: web.Request, user_id: str, body: Any, fid: str
    ) -> web.Response:
        if fid not in self.state.folders or not self.state.visible(user_id, fid):
            return _error(404, "Not found")
        return web.json_response(
            [
                f
                for f in self.state.folders.values()
                if f["parent_id"] == fid and self.state.visible(user_id, f["id"])
            ]
        )

    async def _folder_dashboards(
        self, request: web.Request, user_id: str, body: Any, fid: str
    ) -> web.Response:
        if fid not in self.state.folders or not self.state.visible(user_id, fid):
            return _error(404, "Not found")
        return web.json_response(
            [
                self._dashboard_json(d)
                for d in self.state.dashboards.values()
                if d["folder_id"] == fid and not d.get("deleted")
            ]
        )

    async def _folder_looks(
        self, request: web.Request, user_id: str, body: Any, fid: str
    ) -> web.Response:
        if fid not in self.state.folders or not self.state.visible(user_id, fid):
            return _error(404, "Not found")
        return web.json_response(
            [
                self._look_json(lk)
                for lk in self.state.looks.values()
                if lk["folder_id"] == fid and not lk.get("deleted")
            ]
        )

    async def _query(self, request: web.Request, user_id: str, body: Any, qid: str) -> web.Response:
        query = self.state.queries.get(qid)
        if query is None:
            return _error(404, "Not found")
        return web.json_response(self._query_json(query))

    async def _query_by_slug(
        self, request: web.Request, user_id: str, body: Any, slug: str
    ) -> web.Response:
        query = next((q for q in self.state.queries.values() if q["slug"] == slug), None)
        if query is None:
            return _error(404, "Not found")
        return web.json_response(self._query_json(query))

    async def _create_query(self, request: web.Request, user_id: str, body: Any) -> web.Response:
        # The body is a WriteQuery (checked in _dispatch): no id, slug or share_url.
        return web.json_response(self._query_json(self.state.add_query(body)))

    async def _create_look(self, request: web.Request, user_id: str, body: Any) -> web.Response:
        """``POST /looks``: a Look of a saved query, in a folder the caller can see (a folder
        it cannot see is not found, as ``folder``'s). The body is a WriteLookWithQuery
        (checked in _dispatch). What Looker does with a Look without a folder, a query given
        inline, or a query that does not exist, no source says: refused (501), never
        guessed."""
        folder_id, query_id = body.get("folder_id"), body.get("query_id")
        if not folder_id:
            return _error(501, "The Looker emulator does not emulate a Look without folder_id.")
        if body.get("query") is not None or not query_id:
            return _error(501, "The Looker emulator emulates a Look of a saved query_id only.")
        if str(query_id) not in self.state.queries:
            return _error(501, "The Looker emulator does not emulate a Look of an unknown query.")
        if str(folder_id) not in self.state.folders or not self.state.visible(user_id, folder_id):
            return _error(404, "Not found")
        look_id = str(max((int(i) for i in self.state.looks), default=0) + 1)
        look = {
            "id": look_id,
            "title": str(body.get("title") or ""),
            "description": str(body.get("description") or ""),
            "folder_id": str(folder_id),
            "query_id": str(query_id),
            "short_url": f"/looks/{look_id}",
            "public": bool(body.get("public")),
            "deleted": False,
            "user_id": user_id,
        }
        self.state.looks[look_id] = look
        return web.json_response(self._look_json(look))

    async def _run_query(
        self, request: web.Request, user_id: str, body: Any, qid: str, fmt: str
    ) -> web.Response:
        query = self.state.queries.get(qid)
        if query is None:
            return _error(404, "Not found")
        return self._query_results(query, user_id, fmt)

    async def _run_inline_query(
        self, request: web.Request, user_id: str, body: Any, fmt: str
    ) -> web.Response:
        """``POST /queries/run/{result_format}``: a query run without saving it. The body is
        a WriteQuery (checked in _dispatch); ``limit`` overrides the query's own."""
        query = {"limit": "500", **body}
        limit = request.query.get("limit")
        if limit:
            query["limit"] = limit
        return self._query_results(query, user_id, fmt)

    def _query_results(self, query: dict[str, Any], user_id: str, fmt: str) -> web.Response:
        """The results of ``query`` in ``fmt``, run by ``user_id`` (their access filters
        applied); 404 for a query on no Explore, as from Looker."""
        dataset = self.state.dataset_for(query.get("model"), query.get("view"))
        if dataset is None:
            return _error(404, "Not found")
        if fmt not in ("json_detail", "json"):
            return _error(400, f"Unsupported result format {fmt}")
        access = self.state.access_for(user_id, dataset.explore)
        if access:
            query = {**query, "filters": {**(query.get("filters") or {}), **access}}
        try:
            result = run_query(query, dataset, looker_url=self.url, actions=self.data_actions)
        except QueryError as exc:
            # Looker answers 200 with the error inside the result.
            return web.json_response(
                {
                    "fields": {"dimensions": [], "measures": [], "table_calculations": []},
                    "data": [],
                    "errors": [{"message": str(exc), "message_details": str(exc)}],
                }
            )
        if fmt == "json":
            rows = [{k: v.get("value") for k, v in row.items()} for row in result["data"]]
            return web.json_response(rows)
        return web.json_response(result)

    # -- explores ----------------------------------------------------------------------

    async def _lookml_models(self, request: web.Request, user_id: str, body: Any) -> web.Response:
        """``GET /lookml_models``: every model, with its Explores (``limit``/``offset``)."""
        models = [lookml_model_json(model) for model in lookml_model_names()]
        offset = int(request.query.get("offset", "0") or 0)
        limit = request.query.get("limit", "")
        end = offset + int(limit) if limit.isdigit() else None
        return web.json_response(models[offset:end])

    async def _lookml_model(
        self, request: web.Request, user_id: str, body: Any, model: str
    ) -> web.Response:
        if model not in lookml_model_names():
            return _error(404, "Not found")
        return web.json_response(lookml_model_json(model))

    async def _explore(
        self, request: web.Request, user_id: str, body: Any, model: str, explore: str
    ) -> web.Response:
        if explore_def(model, explore) is None:
            return _error(404, "Not found")
        return web.json_response(explore_json(model, explore))

    async def _suggest(
        self, request: web.Request, user_id: str, body: Any, model: str, view: str, name: str
    ) -> web.Response:
        # ``view`` is the Explore (``suggest_explore`` of the field's metadata).
        dataset = self.state.dataset_for(model, view)
        field = dataset.explore.fields_by_name.get(name) if dataset else None
        if dataset is None or field is None:
            return _error(404, "Not found")
        term = request.query.get("term", "").lower()
        values = sorted(
            {
                str(value)
                for row in dataset.rows
                if field.category == "dimension"
                and (value := dimension_value(row, name)) is not None
            }
        )
        access = self.state.access_for(user_id, dataset.explore)
        if access and field.category == "dimension":
            # An Explore with an access_filter suggests with the Explore's logic, so the
            # person's access filter limits the values too (LookML full_suggestions: "For
            # Explores that use sql_always_where or access_filter ... Looker defaults to
            # full_suggestions: yes").
            seen = run_query(
                {
                    "model": model,
                    "view": view,
                    "fields": [name],
                    "filters": access,
                    "limit": "5000",
                },
                dataset,
                looker_url=self.url,
            )
            allowed = {str(row[name]["value"]) for row in seen["data"]}
            values = [v for v in values if v in allowed]
        values = [v for v in values if term in v.lower()]
        limited = values[: self.suggestion_limit]
        return web.json_response(
            {
                "suggestions": limited,
                "error": None,
                "from_cache": False,
                "hit_limit": len(limited) < len(values),
                "used_calcite_materialization": False,
            }
        )

    # -- users -------------------------------------------------------------------------

    async def _login_user(
        self, request: web.Request, user_id: str, body: Any, target: str
    ) -> web.Response:
        """``POST /login/{user_id}``: a token acting as another user (admins only)."""
        if user_id not in self.admin_user_ids:
            return _error(403, "Only admins may log in as another user")
        user = self.state.users.get(target)
        if user is None:
            return _error(404, "Not found")
        if user.get("is_disabled"):
            return _error(403, "User is disabled")
        return self._issue_token(target)

    async def _users_search(self, request: web.Request, user_id: str, body: Any) -> web.Response:
        email = request.query.get("email")
        users = [
            u
            for u in self.state.users.values()
            if email is None or _like(email).fullmatch(u.get("email") or "")
        ]
        disabled = request.query.get("is_disabled")
        if disabled is not None:
            users = [u for u in users if bool(u.get("is_disabled")) == (disabled == "true")]
        limit = request.query.get("limit", "")
        return web.json_response(users[: int(limit)] if limit.isdigit() else users)

    async def _user_for_credential(
        self, request: web.Request, user_id: str, body: Any, kind: str, email: str
    ) -> web.Response:
        """``GET /users/credential/{credential_type}/{credential_id}`` (email logins only)."""
        if kind != "email":
            return _error(404, "Not found")
        for user in self.state.users.values():
            if str(user.get("email") or "").lower() == email.lower():
                return web.json_response(user)
        return _error(404, "Not found")

    async def _user(self, request: web.Request, user_id: str, body: Any, uid: str) -> web.Response:
        user = self.state.users.get(uid)
        return web.json_response(user) if user else _error(404, "Not found")

    # -- data actions --------------------------------------------------------------------

    async def _data_action(self, request: web.Request, user_id: str, body: Any) -> web.Response:
        if not isinstance(body, dict) or not isinstance(body.get("action"), dict):
            return _error(
                422,
                "Validation Failed",
                [{"field": "action", "code": "missing", "message": "This field is required."}],
            )
        if self.data_action_delay:
            await asyncio.sleep(self.data_action_delay)
        return web.json_response(self.data_action_result)

    async def _data_action_form(
        self, request: web.Request, user_id: str, body: Any
    ) -> web.Response:
        return web.json_response(
            {
                "state": None,
                "fields": [
                    {
                        "name": "message",
                        "label": "Message",
                        "type": "textarea",
                        "required": True,
                        "default": "",
                    },
                ],
            }
        )

    # -- scheduled plans (the rules and their sources: looker_schedules.py) -------------------

    async def _integration_hubs(
        self, request: web.Request, user_id: str, body: Any
    ) -> web.Response:
        """``GET /integration_hubs``: the Action Hubs connected (looker_sdk's
        ``IntegrationHub``: ``authorization_token`` is write-only, so only
        ``has_authorization_token`` is shown)."""
        return web.json_response(
            [
                {
                    "id": hub.id,
                    "url": hub.url,
                    "label": f"Action Hub {hub.id}",
                    "official": False,
                    "fetch_error_message": None,
                    "has_authorization_token": hub.authorization_token is not None,
                    "legal_agreement_signed": False,
                    "legal_agreement_required": False,
                    "legal_agreement_text": None,
                }
                for hub in self.schedules.hubs.values()
            ]
        )

    async def _plans(self, name: str, work: Callable[[], Any]) -> web.Response:
        """``work``'s answer as JSON (``None``: 204, as a delete answers), or Looker's
        refusal: 422 ``ValidationError`` with each problem, or an error status."""
        try:
            answer = work()
            if inspect.isawaitable(answer):
                answer = await answer
        except PlanRefusal as refusal:
            if refusal.problems:
                return _validation_failed(contract().by_name[name], refusal.problems)
            return _error(refusal.status, refusal.message)
        return web.Response(status=204) if answer is None else web.json_response(answer)

    async def _create_scheduled_plan(
        self, request: web.Request, user_id: str, body: Any
    ) -> web.Response:
        return await self._plans(
            "create_scheduled_plan", lambda: self.schedules.create(user_id, body)
        )

    async def _update_scheduled_plan(
        self, request: web.Request, user_id: str, body: Any, plan_id: str
    ) -> web.Response:
        return await self._plans(
            "update_scheduled_plan", lambda: self.schedules.update(user_id, plan_id, body)
        )

    async def _scheduled_plan(
        self, request: web.Request, user_id: str, body: Any, plan_id: str
    ) -> web.Response:
        return await self._plans("scheduled_plan", lambda: self.schedules.get(user_id, plan_id))

    async def _delete_scheduled_plan(
        self, request: web.Request, user_id: str, body: Any, plan_id: str
    ) -> web.Response:
        return await self._plans(
            "delete_scheduled_plan", lambda: self.schedules.delete(user_id, plan_id)
        )

    def _plan_listing(
        self, request: web.Request, user_id: str, **content: str
    ) -> Callable[[], list[dict[str, Any]]]:
        return lambda: self.schedules.listing(
            user_id,
            user_id=request.query.get("user_id") or None,
            all_users=request.query.get("all_users", "").lower() == "true",
            **content,
        )

    async def _all_scheduled_plans(
        self, request: web.Request, user_id: str, body: Any
    ) -> web.Response:
        return await self._plans("all_scheduled_plans", self._plan_listing(request, user_id))

    async def _scheduled_plans_for_look(
        self, request: web.Request, user_id: str, body: Any, look_id: str
    ) -> web.Response:
        return await self._plans(
            "scheduled_plans_for_look", self._plan_listing(request, user_id, look_id=look_id)
        )

    async def _scheduled_plans_for_dashboard(
        self, request: web.Request, user_id: str, body: Any, dashboard_id: str
    ) -> web.Response:
        return await self._plans(
            "scheduled_plans_for_dashboard",
            self._plan_listing(request, user_id, dashboard_id=dashboard_id),
        )

    async def _scheduled_plan_run_once(
        self, request: web.Request, user_id: str, body: Any
    ) -> web.Response:
        return await self._plans(
            "scheduled_plan_run_once", lambda: self.schedules.run_once(user_id, body)
        )

    async def _scheduled_plan_run_once_by_id(
        self, request: web.Request, user_id: str, body: Any, plan_id: str
    ) -> web.Response:
        return await self._plans(
            "scheduled_plan_run_once_by_id",
            lambda: self.schedules.run_once_by_id(user_id, plan_id, body),
        )

    # -- render tasks ----------------------------------------------------------------------

    def _chart_values(self, kind: str, target: str) -> list[float] | None:
        if kind == "queries":
            query = self.state.queries.get(target)
        elif kind == "looks":
            look = self.state.looks.get(target)
            query = self.state.queries.get(str(look["query_id"])) if look else None
        else:
            dashboard = self.state.dashboards.get(target)
            elements = dashboard["dashboard_elements"] if dashboard else []
            ids = [str(e["query_id"]) for e in elements if e.get("query_id")]
            query = self.state.queries.get(ids[0]) if ids else None
        if query is None:
            return None
        dataset = self.state.dataset_for(query.get("model"), query.get("view"))
        if dataset is None:
            return [1.0]
        try:
            result = run_query(query, dataset, looker_url=self.url)
        except QueryError:
            return [1.0]
        measures = [m["name"] for m in result["fields"]["measures"]] or [None]
        values = []
        for row in result["data"][:24]:
            cell = row.get(measures[0]) if measures[0] else None
            value = cell.get("value") if isinstance(cell, dict) else None
            values.append(float(value) if isinstance(value, int | float) else 1.0)
        return values or [0.0]

    async def _render(
        self, request: web.Request, user_id: str, body: Any, target: str, fmt: str, *, kind: str
    ) -> web.Response:
        """``create_{query,look,dashboard}_render_task``: ``width`` and ``height`` are
        required query parameters (checked in _dispatch, from methods.py)."""
        if fmt not in ("png", "jpg"):
            return _error(400, f"Unsupported render format {fmt}")
        values = self._chart_values(kind, target)
        if values is None:
            return _error(404, "Not found")
        task_id = secrets.token_hex(8)
        body = body if isinstance(body, dict) else {}
        self.render_tasks[task_id] = {
            "json": {
                "id": task_id,
                "status": RENDER_STATUSES[0],
                "status_detail": None,
                "created_at": _now_iso(),
                "finalized_at": None,
                "width": int(request.query["width"]),
                "height": int(request.query["height"]),
                "dashboard_id": target if kind == "dashboards" else None,
                "look_id": target if kind == "looks" else None,
                "query_id": target if kind == "queries" else None,
                "dashboard_filters": body.get("dashboard_filters"),
                "dashboard_style": body.get("dashboard_style"),
                "result_format": fmt,
                "user_id": user_id,
            },
            "started": time.monotonic(),
            "values": values,
            "body": body,
            "outcome": self.render_outcome,
        }
        return web.json_response(self._render_json(task_id))

    def _render_json(self, task_id: str) -> dict[str, Any]:
        """The task as Looker reports it. Source: RenderTask.status in
        looker_sdk/sdk/api40/models.py: "enqueued_for_query, querying, enqueued_for_render,
        rendering, success, failure". The four working statuses share ``render_seconds``
        and follow each other in order; a task never goes back."""
        task = self.render_tasks[task_id]
        state = task["json"]
        if state["status"] in RENDER_DONE:
            return dict(state)
        elapsed = time.monotonic() - task["started"]
        if task["outcome"] != "hang" and elapsed >= self.render_seconds:
            failed = task["outcome"] == "failure"
            state["status"] = RENDER_DONE[1] if failed else RENDER_DONE[0]
            state["status_detail"] = self.render_failure_detail if failed else None
            state["finalized_at"] = _now_iso()
            state["runtime"] = round(elapsed, 3)
        else:
            share = elapsed / self.render_seconds if self.render_seconds > 0 else 1.0
            phase = min(int(share * len(RENDER_WORKING)), len(RENDER_WORKING) - 1)
            phase = max(phase, RENDER_WORKING.index(state["status"]))
            state["status"] = RENDER_WORKING[phase]
        return dict(state)

    async def _render_status(
        self, request: web.Request, user_id: str, body: Any, task_id: str
    ) -> web.Response:
        if task_id not in self.render_tasks:
            return _error(404, "Not found")
        return web.json_response(self._render_json(task_id))

    async def _render_results(
        self, request: web.Request, user_id: str, body: Any, task_id: str
    ) -> web.Response:
        if task_id not in self.render_tasks:
            return _error(404, "Not found")
        task = self._render_json(task_id)
        if task["status"] != RENDER_DONE[0]:
            return web.json_response({"message": f"Render task is {task['status']}"}, status=202)
        stored = self.render_tasks[task_id]
        if stored["outcome"] == "empty":
            return web.Response(body=b"", content_type="image/png")
        size = stored["json"]
        image = bar_chart(stored["values"], width=size["width"], height=size["height"])
        self.rendered.append(image)
        return web.Response(body=image, content_type="image/png")


def explore_json(model: str = "thelook", explore: str = "orders") -> dict[str, Any]:
    """Explore ``model/explore`` (the shop's orders unless said) as Looker's API describes it
    (``LookmlModelExplore``); KeyError when there is no such Explore."""
    found = explore_def(model, explore)
    if found is None:
        raise KeyError(f"{model}/{explore}")
    return {
        "id": f"{found.model}::{found.name}",
        "name": found.name,
        "label": found.label,
        "title": found.label,
        "model_name": found.model,
        "view_name": found.name,
        "description": found.description,
        "group_label": found.model_label,
        "hidden": False,
        "scopes": found.scopes,
        "can_total": True,
        "fields": {
            "dimensions": [f.metadata() for f in found.fields if f.category == "dimension"],
            "measures": [f.metadata() for f in found.fields if f.category == "measure"],
            "filters": [],
            "parameters": [],
        },
    }


def lookml_model_names() -> list[str]:
    """The LookML models, in order."""
    return list(dict.fromkeys(e.model for e in EXPLORES.values()))


def lookml_model_json(model: str) -> dict[str, Any]:
    """LookML model ``model`` as Looker's API describes it (``LookmlModel``, its Explores as
    ``LookmlModelNavExplore``)."""
    explores = [e for e in EXPLORES.values() if e.model == model]
    return {
        "name": model,
        "label": explores[0].model_label,
        "project_name": "lookerbot_demo",
        "allowed_db_connection_names": ["demo"],
        "unlimited_db_connections": False,
        "has_content": True,
        "can": {"index": True, "show": True},
        "explores": [
            {
                "name": e.name,
                "description": e.description,
                "label": e.label,
                "hidden": False,
                "group_label": e.model_label,
            }
            for e in explores
        ],
    }


def _as(model: str, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as Looker serializes it as a ``model`` (models.py): that model's fields only."""
    keys = model_fields(model)
    return {k: v for k, v in data.items() if k in keys}


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _like(pattern: str) -> re.Pattern[str]:
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.compile(regex, re.IGNORECASE | re.DOTALL)


def _error(status: int, message: str, errors: list[dict[str, str]] | None = None) -> web.Response:
    body: dict[str, Any] = {
        "message": message,
        "documentation_url": f"https://cloud.google.com/looker/docs/r/err/4.0/{status}/emulator",
    }
    if errors:
        body["errors"] = [{**e, "documentation_url": body["documentation_url"]} for e in errors]
    return web.json_response(body, status=status)


def _validation_failed(route: Route, problems: list[Problem]) -> web.Response:
    """Looker's 422: the ``ValidationError`` model of looker_sdk/sdk/api40/models.py, each
    item a ``ValidationErrorDetail`` (``field``, ``code``, ``message``, ``documentation_url``).
    """
    return web.json_response(
        {
            "message": "Validation Failed",
            "errors": [
                {
                    "field": p.field,
                    "code": p.code,
                    "message": p.message,
                    "documentation_url": route.documentation_url,
                }
                for p in problems
            ],
            "documentation_url": route.documentation_url,
        },
        status=422,
    )
