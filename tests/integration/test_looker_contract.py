"""The Looker emulator holds callers to API 4.0 as generated into looker-sdk.

For each rule (see lookerbot/sandbox/looker_contract.py for the source of each): a request
that breaks it is refused, and the official looker_sdk's own calls, and the bot's, pass it.
"""

from __future__ import annotations

import asyncio
import json
import struct
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from looker_sdk.rtl import api_settings, auth_session, requests_transport, serialize
from looker_sdk.sdk import constants as sdk_constants
from looker_sdk.sdk.api40 import methods as sdk_methods
from looker_sdk.sdk.api40 import models as mdls

from lookerbot.looker.models import QUERY_COPY_KEYS, WRITE_QUERY_KEYS
from lookerbot.looker.sdk_client import SdkLookerClient
from lookerbot.sandbox.looker_contract import (
    contract,
    model_fields,
    parse_fields,
    render_task_statuses,
)
from lookerbot.sandbox.looker_emulator import LookerEmulator
from tests.conftest import TODAY

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# -- callers ---------------------------------------------------------------------------------


class Raw:
    """Hand-built requests, to break the rules on purpose."""

    def __init__(self, looker: LookerEmulator, session: aiohttp.ClientSession) -> None:
        self.looker, self.session, self.token = looker, session, ""

    async def login(self) -> dict[str, Any]:
        async with self.session.post(
            f"{self.looker.url}/api/4.0/login",
            data={"client_id": self.looker.client_id, "client_secret": self.looker.client_secret},
        ) as r:
            assert r.status == 200
            answer = await r.json()
        self.token = answer["access_token"]
        return answer

    async def call(
        self, method: str, path: str, *, params: Any = None, json_body: Any = None
    ) -> tuple[int, Any]:
        async with self.session.request(
            method,
            f"{self.looker.url}/api/4.0{path}",
            params=params,
            json=json_body,
            headers={"Authorization": f"Bearer {self.token}"},
        ) as r:
            raw = await r.read()
            if r.content_type == "application/json" and raw:
                return r.status, json.loads(raw)
            return r.status, raw


@pytest.fixture
async def raw(looker: LookerEmulator):
    async with aiohttp.ClientSession() as session:
        caller = Raw(looker, session)
        await caller.login()
        yield caller


class _SdkSettings(api_settings.ApiSettings):
    """looker_sdk's settings, read from the emulator (like ``_Settings`` in sdk_client.py)."""

    def __init__(self, looker: LookerEmulator) -> None:
        self._looker = looker
        super().__init__(sdk_version=sdk_constants.sdk_version)
        self.base_url = looker.url
        self.timeout = 10

    def read_config(self) -> api_settings.SettingsConfig:
        return {
            "client_id": self._looker.client_id,
            "client_secret": self._looker.client_secret,
            "base_url": self._looker.url,
        }


def official_sdk(looker: LookerEmulator) -> sdk_methods.Looker40SDK:
    """The official SDK as ``looker_sdk.init40()`` builds it, pointed at the emulator."""
    settings = _SdkSettings(looker)
    transport = requests_transport.RequestsTransport.configure(settings)
    return sdk_methods.Looker40SDK(
        auth_session.AuthSession(settings, transport, serialize.deserialize40, "4.0"),
        serialize.deserialize40,
        serialize.serialize40,
        transport,
        "4.0",
    )


async def sdk_call(call: Callable[[], Any]) -> Any:
    """The SDK blocks on ``requests``: run it off the loop the emulator serves on."""
    return await asyncio.to_thread(call)


@pytest.fixture
async def client(looker: LookerEmulator):
    bot = SdkLookerClient(instance=looker.instance_settings(), timeout=10)
    yield bot
    await bot.aclose()


def refused(looker: LookerEmulator) -> list[str]:
    """Requests the emulator answered with a client error (4xx)."""
    return [f"{r.method} {r.path} {r.status}" for r in looker.requests if 400 <= r.status < 500]


def validation_error(body: Any) -> mdls.ValidationError:
    """Looker's 422 body, structured by the SDK's own converter (proves its shape)."""
    error = serialize.deserialize40(data=json.dumps(body), structure=mdls.ValidationError)
    assert isinstance(error, mdls.ValidationError) and error.message == "Validation Failed"
    return error


def problems(body: Any) -> set[tuple[str | None, str | None]]:
    return {(e.field, e.code) for e in validation_error(body).errors or []}


# -- rule 1: requests --------------------------------------------------------------------------


def test_the_route_table_is_the_sdks():
    table = contract()
    create_query = table.by_name["create_query"]
    assert (create_query.method, create_query.template) == ("POST", "/queries")
    assert create_query.body == "mdls.WriteQuery" and create_query.structure == "mdls.Query"
    render = table.by_name["create_query_render_task"]
    assert render.template == "/render_tasks/queries/{query_id}/{result_format}"
    assert render.required_query == {"width", "height"}
    assert "fields" in render.query_params
    assert table.match("GET", "/looks/search")[0].name == "search_looks"  # type: ignore[index]
    assert table.match("GET", "/looks/7") == (table.by_name["look"], {"look_id": "7"})
    assert table.match("GET", "/looks/7/extra") is None
    assert table.match("PUT", "/user") is None


def test_every_endpoint_the_emulator_serves_is_an_sdk_method(looker):
    assert looker.served() <= set(contract().by_name)
    assert {"me", "create_query", "run_query", "create_dashboard_render_task"} <= looker.served()


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/user", {"limit": "5"}, "limit"),  # a search_users parameter, not me's
        ("/looks/1", {"title": "x"}, "title"),
        ("/folders/2/dashboards", {"fields": "id", "deleted": "false"}, "deleted"),
    ],
)
async def test_a_query_parameter_not_of_the_endpoint_is_refused(raw, path, params, field):
    status, body = await raw.call("GET", path, params=params)
    assert status == 422
    assert problems(body) == {(field, "invalid")}


async def test_a_path_that_is_no_endpoint_is_not_found(raw):
    assert (await raw.call("GET", "/looks/1/extra"))[0] == 404
    assert (await raw.call("POST", "/user"))[0] == 404  # me is GET only
    assert (await raw.call("POST", "/logout"))[0] == 404  # logout is DELETE


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"view": "orders", "fields": ["orders.count"]}, {("model", "missing")}),
        ({"model": "thelook", "fields": ["orders.count"]}, {("view", "missing")}),
        ({"model": "thelook", "view": None}, {("view", "missing")}),
        (
            {"model": "thelook", "view": "orders", "id": "1", "slug": "abc"},
            {("id", "invalid"), ("slug", "invalid")},
        ),
        ({"model": "thelook", "view": "orders", "limit": 10}, {("limit", "invalid")}),
        ({"model": "thelook", "view": "orders", "fields": "orders.count"}, {("fields", "invalid")}),
        (None, {("body", "missing")}),
    ],
)
async def test_create_query_takes_a_write_query(raw, looker, body, expected):
    stored = len(looker.state.queries)
    status, answer = await raw.call("POST", "/queries", json_body=body)
    assert status == 422
    assert problems(answer) == expected
    assert len(looker.state.queries) == stored


async def test_a_dashboard_render_takes_its_body_model(raw):
    path = "/render_tasks/dashboards/1/png"
    size = {"width": "300", "height": "200"}
    status, body = await raw.call("POST", path, params=size)
    assert status == 422 and problems(body) == {("body", "missing")}
    status, body = await raw.call("POST", path, params=size, json_body={"filters": "a=1"})
    assert status == 422 and problems(body) == {("filters", "invalid")}
    status, _ = await raw.call(
        "POST", path, params=size, json_body={"dashboard_filters": "Region=West"}
    )
    assert status == 200


def test_the_bots_query_copies_keep_only_write_query_keys():
    assert set(model_fields("WriteQuery")) == WRITE_QUERY_KEYS
    assert QUERY_COPY_KEYS < WRITE_QUERY_KEYS


async def test_the_official_sdks_calls_pass(looker):
    sdk = official_sdk(looker)
    me = await sdk_call(sdk.me)
    assert (me.id, me.display_name) == ("1", "Lookerbot API")
    looks = await sdk_call(lambda: sdk.search_looks(title="%revenue%", deleted=False, limit=5))
    assert {lk.title for lk in looks} == {
        "Revenue by Region",
        "Total Revenue",
        "Revenue by Category",
    }
    look = await sdk_call(lambda: sdk.look("1"))
    assert look.query is not None and look.query.fields == [
        "customers.region",
        "orders.total_revenue",
    ]
    dashboards = await sdk_call(lambda: sdk.search_dashboards(title="Sales%"))
    assert [d.id for d in dashboards] == ["1"]
    dashboard = await sdk_call(lambda: sdk.dashboard("1"))
    assert dashboard.dashboard_filters[0].dimension == "customers.region"
    folder = await sdk_call(lambda: sdk.folder("2"))
    assert folder.name == "Sales" and {d.id for d in folder.dashboards or []} == {"1"}
    children = await sdk_call(lambda: sdk.folder_children("10"))
    assert {f.name for f in children} == {"Finance", "Ops [hidden]"}
    in_folder = await sdk_call(lambda: sdk.folder_dashboards("10"))
    assert {d.title for d in in_folder} == {"Revenue", "Orders Today", "Weekly Business Review"}
    query = await sdk_call(
        lambda: sdk.create_query(
            mdls.WriteQuery(
                model="thelook",
                view="orders",
                fields=["orders.status", "orders.count"],
                limit="10",
                vis_config={"type": "table"},
            )
        )
    )
    assert query.id and query.slug and query.model == "thelook"
    assert (await sdk_call(lambda: sdk.query_for_slug(query.slug))).id == query.id
    assert (await sdk_call(lambda: sdk.query(query.id))).fields == [
        "orders.status",
        "orders.count",
    ]
    result = json.loads(await sdk_call(lambda: sdk.run_query(query.id, "json_detail")))
    assert result["data"] and "orders.count" in result["data"][0]
    explore = await sdk_call(lambda: sdk.lookml_model_explore("thelook", "orders"))
    assert explore.fields is not None and any(
        f.name == "customers.region" for f in explore.fields.dimensions or []
    )
    suggestions = await sdk_call(
        lambda: sdk.model_fieldname_suggestions("thelook", "orders", "customers.region")
    )
    assert suggestions.suggestions and not suggestions.hit_limit
    alice = await sdk_call(lambda: sdk.user_for_credential("email", "alice@example.com"))
    assert alice.id == "2"
    users = await sdk_call(lambda: sdk.search_users(is_disabled=False, limit=2, fields="id"))
    assert [u.id for u in users] == ["1", "2"]
    assert (await sdk_call(lambda: sdk.user("3"))).display_name == "Bob Builder"
    with pytest.warns(UserWarning, match="login_user behavior changed"):  # the SDK's own
        token = await sdk_call(lambda: sdk.login_user("2"))
    assert token.access_token and token.expires_in == 3600
    done = await sdk_call(
        lambda: sdk.perform_data_action(mdls.DataActionRequest(action={"url": "x"}))
    )
    assert done.success is True
    form = await sdk_call(lambda: sdk.fetch_remote_data_action_form({"action": {}}))
    assert [f.name for f in form.fields or []] == ["message"]
    assert refused(looker) == [] and looker.contract_violations == []


async def test_the_bots_calls_pass(client, looker):
    await client.me()
    await client.some_users(5)
    assert (await client.find_user_by_email("alice@example.com")) is not None
    await client.search_content("look", "%", limit=50)
    await client.search_content("dashboard", "%", limit=50)
    look = await client.look("1")
    dashboard = await client.dashboard("1")
    await client.folder("10")
    await client.folder_children("10")
    await client.folder_dashboards("10")
    assert look.query is not None
    copy = await client.create_query(look.query.copy_with_filters({"customers.region": "West"}))
    assert copy.filters == {"customers.region": "West"}
    tile = dashboard.elements[0].runnable_query
    assert tile is not None
    await client.create_query(tile.copy_with_filters({"customers.region": "East"}))
    assert (await client.query_for_slug(copy.slug)).id == copy.id
    await client.run_query(copy.id)
    await client.explore("thelook", "orders")
    await client.field_suggestions("thelook", "orders", "customers.region", term="we")
    for kind, target, body in (
        ("query", copy.id, None),
        ("look", "1", None),
        ("dashboard", "1", {"dashboard_filters": "Region=West", "dashboard_style": "tiled"}),
    ):
        task = await client.create_render_task(kind, target, width=300, height=200, body=body)
        await client.render_task(task.id)
    await client.perform_data_action({"url": "x"}, form_values={"message": "hi"})
    await client.fetch_data_action_form({"url": "x"})
    await client.as_user("2").me()
    assert refused(looker) == [] and looker.contract_violations == []


# -- rule 2: fields= ---------------------------------------------------------------------------


def test_fields_syntax_nests():
    assert parse_fields("id,title,folder(id,name),query(model,vis_config)") == {
        "id": None,
        "title": None,
        "folder": {"id": None, "name": None},
        "query": {"model": None, "vis_config": None},
    }


async def test_an_answer_holds_only_the_fields_asked_for(raw):
    status, look = await raw.call("GET", "/looks/1", params={"fields": "id,title,folder(id)"})
    assert status == 200
    assert look == {"id": "1", "title": "Revenue by Region", "folder": {"id": "2"}}
    status, children = await raw.call("GET", "/folders/10/children", params={"fields": "name"})
    assert status == 200 and children == [{"name": "Finance"}, {"name": "Ops [hidden]"}]
    status, full = await raw.call("GET", "/looks/1")
    assert "query" in full and "folder_id" in full


async def test_the_official_sdk_gets_only_the_fields_it_asks_for(looker):
    sdk = official_sdk(looker)
    look = await sdk_call(lambda: sdk.look("1", fields="id,title"))
    assert (look.id, look.title, look.query, look.folder) == ("1", "Revenue by Region", None, None)
    found = await sdk_call(lambda: sdk.search_looks(title="Total%", fields="id,folder(name)"))
    assert [(lk.id, lk.title, lk.folder.name) for lk in found] == [("2", None, "Sales")]


async def test_what_the_bot_did_not_ask_for_it_does_not_get(client, looker):
    # folder_dashboards asks for id,title,description,deleted: no folder comes back.
    (revenue, *_) = await client.folder_dashboards("10")
    assert revenue.folder is None
    (request,) = looker.requests_to("/folders/10/dashboards")
    assert request.query["fields"] == "id,title,description,deleted"
    # search asks for folder(id,name), so its results have it.
    (sales,) = await client.search_content("dashboard", "Sales%", limit=5)
    assert sales.folder is not None and sales.folder.name == "Sales"


# -- rule 3: answers structure into the SDK's models ------------------------------------------

ANSWERS: list[tuple[str, str, str, dict[str, str] | None, Any, Callable[[Any], bool]]] = [
    (
        "me",
        "GET",
        "/user",
        None,
        None,
        lambda u: u.id == "1" and u.is_disabled is False and u.personal_folder_id == "101",
    ),
    (
        "search_looks",
        "GET",
        "/looks/search",
        {"title": "Top%"},
        None,
        lambda ls: [(lk.id, lk.folder.name) for lk in ls] == [("4", "Sales")],
    ),
    (
        "search_dashboards",
        "GET",
        "/dashboards/search",
        {"title": "Channel%"},
        None,
        lambda ds: [d.id for d in ds] == ["8"],
    ),
    (
        "look",
        "GET",
        "/looks/2",
        None,
        None,
        lambda lk: lk.query.vis_config == {"type": "single_value"} and lk.folder_id == "2",
    ),
    (
        "dashboard",
        "GET",
        "/dashboards/8",
        None,
        None,
        lambda d: d.dashboard_elements[0].result_maker.merge_result_id == "m1",
    ),
    (
        "dashboard",
        "GET",
        "/dashboards/1",
        None,
        None,
        lambda d: (
            d.dashboard_elements[0].result_maker.filterables[0].listen[0].field
            == "customers.region"
        ),
    ),
    (
        "folder",
        "GET",
        "/folders/2",
        None,
        None,
        lambda f: f.parent_id == "1" and "4" in {lk.id for lk in f.looks},
    ),
    (
        "folder_children",
        "GET",
        "/folders/1/children",
        None,
        None,
        lambda fs: {f.id for f in fs} == {"2", "3", "10"},
    ),
    (
        "folder_dashboards",
        "GET",
        "/folders/11/dashboards",
        None,
        None,
        lambda ds: {d.id for d in ds} == {"4", "8"},
    ),
    (
        "folder_looks",
        "GET",
        "/folders/3/looks",
        None,
        None,
        lambda ls: {lk.id for lk in ls} == {"5", "6"} and ls[0].query.model == "thelook",
    ),
    ("query", "GET", "/queries/2", None, None, lambda q: q.id == "2" and q.limit == "500"),
    (
        "query_for_slug",
        "GET",
        "/queries/slug/{slug_of_query_3}",
        None,
        None,
        lambda q: q.id == "3" and q.filters == {"orders.created_date": "30 days"},
    ),
    (
        "create_query",
        "POST",
        "/queries",
        None,
        {"model": "thelook", "view": "orders", "fields": ["orders.count"], "limit": "1"},
        lambda q: q.fields == ["orders.count"] and q.limit == "1" and q.slug,
    ),
    (
        "create_look",
        "POST",
        "/looks",
        None,
        {"title": "Saved", "query_id": "1", "folder_id": "101"},
        lambda lk: lk.title == "Saved" and lk.folder_id == "101" and lk.query.id == "1",
    ),
    (
        "create_query_render_task",
        "POST",
        "/render_tasks/queries/1/png",
        {"width": "300", "height": "200"},
        None,
        lambda t: (t.query_id, t.width, t.status) == ("1", 300, "enqueued_for_query"),
    ),
    (
        "create_look_render_task",
        "POST",
        "/render_tasks/looks/1/jpg",
        {"width": "30", "height": "20"},
        None,
        lambda t: (t.look_id, t.result_format, t.height) == ("1", "jpg", 20),
    ),
    (
        "create_dashboard_render_task",
        "POST",
        "/render_tasks/dashboards/1/png",
        {"width": "300", "height": "200"},
        {"dashboard_style": "tiled"},
        lambda t: (t.dashboard_id, t.dashboard_style) == ("1", "tiled"),
    ),
    (
        "perform_data_action",
        "POST",
        "/data_actions",
        None,
        {"action": {"url": "x"}},
        lambda r: r.success is True and r.message == "Done",
    ),
    (
        "fetch_remote_data_action_form",
        "POST",
        "/data_actions/form",
        None,
        {"action": {}},
        lambda f: f.fields[0].required is True,
    ),
    (
        "all_lookml_models",
        "GET",
        "/lookml_models",
        None,
        None,
        lambda ms: (
            [(m.name, [e.name for e in m.explores]) for m in ms]
            == [("thelook", ["orders"]), ("saas", ["subscriptions"]), ("support", ["tickets"])]
        ),
    ),
    (
        "lookml_model",
        "GET",
        "/lookml_models/support",
        None,
        None,
        lambda m: m.label == "Support" and m.explores[0].label == "Support Tickets",
    ),
    (
        "lookml_model_explore",
        "GET",
        "/lookml_models/saas/explores/subscriptions",
        None,
        None,
        lambda e: (
            e.model_name == "saas"
            and e.fields.measures[0].category == mdls.Category.measure
            and e.fields.dimensions[1].suggest_explore == "subscriptions"
        ),
    ),
    (
        "model_fieldname_suggestions",
        "GET",
        "/models/support/views/tickets/fields/agents.team/suggestions",
        None,
        None,
        lambda s: s.suggestions == ["Escalations", "Tier 1", "Tier 2"],
    ),
    (
        "lookml_model_explore",
        "GET",
        "/lookml_models/thelook/explores/orders",
        None,
        None,
        lambda e: (
            e.model_name == "thelook" and e.fields.measures[0].category == mdls.Category.measure
        ),
    ),
    (
        "model_fieldname_suggestions",
        "GET",
        "/models/thelook/views/orders/fields/customers.region/suggestions",
        {"term": "e"},
        None,
        lambda s: s.suggestions and all("e" in v.lower() for v in s.suggestions),
    ),
    (
        "search_users",
        "GET",
        "/users/search",
        {"email": "bob@%"},
        None,
        lambda us: [u.id for u in us] == ["3"],
    ),
    (
        "user_for_credential",
        "GET",
        "/users/credential/email/alice@example.com",
        None,
        None,
        lambda u: u.display_name == "Alice Analyst",
    ),
    ("user", "GET", "/users/2", None, None, lambda u: u.email == "alice@example.com"),
    (
        "login_user",
        "POST",
        "/login/3",
        None,
        None,
        lambda t: t.token_type == "Bearer" and t.expires_in == 3600,
    ),
]


@pytest.mark.parametrize(
    ("name", "method", "path", "params", "body", "expected"),
    ANSWERS,
    ids=[f"{a[0]}:{a[2]}" for a in ANSWERS],
)
async def test_every_answer_structures_into_the_sdks_model(
    raw, looker, name, method, path, params, body, expected
):
    path = path.format(slug_of_query_3=looker.state.queries["3"]["slug"])
    route, _ = contract().match(method, path) or (None, None)
    assert route is not None and route.name == name
    status, answer = await raw.call(method, path, params=params, json_body=body)
    assert status == 200, answer
    model = serialize.deserialize40(data=json.dumps(answer), structure=route.structure_type)
    assert expected(model)
    assert contract().check_answer(route, answer) == []


def test_every_served_endpoint_has_its_answer_checked(looker):
    checked = {a[0] for a in ANSWERS} | {
        "logout",  # 204, no body (its structure is str)
        "run_query",  # raw text (Union[str, bytes]): see the SDK tests above
        "run_inline_query",  # likewise: see tests/integration/test_emulator_explores.py
        "render_task",  # see the render task tests below
        "render_task_results",
        # Scheduled plans: every answer structured by the SDK in
        # test_scheduled_plans_emulator.py (the plans must exist first).
        "create_scheduled_plan",
        "update_scheduled_plan",
        "scheduled_plan",
        "delete_scheduled_plan",
        "all_scheduled_plans",
        "scheduled_plans_for_look",
        "scheduled_plans_for_dashboard",
        "scheduled_plan_run_once",
        "scheduled_plan_run_once_by_id",
        "all_integration_hubs",  # likewise, once a hub is connected
    }
    assert looker.served() <= checked


async def test_the_emulator_refuses_to_give_an_answer_off_the_contract(raw, looker):
    looker.state.users["1"]["id"] = 1  # ids are strings in API 4.0
    status, body = await raw.call("GET", "/user")
    assert status == 500 and "id: 1 is not a string" in body["message"]
    looker.state.looks["1"]["surprise"] = True
    status, _ = await raw.call("GET", "/looks/1")
    assert status == 500
    assert any("surprise: not a field of LookWithQuery" in v for v in looker.contract_violations)


# -- rule 4: tokens expire ---------------------------------------------------------------------


async def test_login_says_when_the_token_expires(raw):
    answer = await raw.login()
    token = serialize.deserialize40(data=json.dumps(answer), structure=mdls.AccessToken)
    assert token.expires_in == 3600 and token.token_type == "Bearer"


async def test_an_expired_token_is_refused():
    async with (
        LookerEmulator(today=TODAY, expires_in=1) as looker,
        aiohttp.ClientSession() as session,
    ):
        raw = Raw(looker, session)
        assert (await raw.login())["expires_in"] == 1
        assert (await raw.call("GET", "/user"))[0] == 200
        sudo_status, sudo = await raw.call("POST", "/login/2")
        assert sudo_status == 200 and sudo["expires_in"] == 1
        await asyncio.sleep(1.05)
        assert (await raw.call("GET", "/user"))[0] == 401
        raw.token = sudo["access_token"]
        assert (await raw.call("GET", "/user"))[0] == 401


async def test_the_bot_renews_tokens_before_they_expire():
    # looker-sdk's AuthToken counts a token expired 10 s early (lag_time): with 11 s, the
    # bot must log in again after 1 s, long before Looker would refuse the token.
    async with LookerEmulator(today=TODAY, expires_in=11) as looker:
        bot = SdkLookerClient(instance=looker.instance_settings(), timeout=10)
        alice = bot.as_user("2")
        try:
            assert (await bot.me()).id == "1" and (await alice.me()).id == "2"
            assert looker.logins == 1 and len(looker.requests_to("^/login/2$")) == 1
            await asyncio.sleep(1.1)
            assert (await bot.me()).id == "1" and (await alice.me()).id == "2"
        finally:
            await bot.aclose()
        assert looker.logins == 2  # the API user's session, renewed on expiry
        assert len(looker.requests_to("^/login/2$")) == 2  # and the sudo session
        assert [r for r in looker.requests if r.status == 401] == []


async def test_the_official_sdk_renews_tokens_before_they_expire():
    async with LookerEmulator(today=TODAY, expires_in=11) as looker:
        sdk = official_sdk(looker)
        await sdk_call(sdk.me)
        await asyncio.sleep(1.1)
        await sdk_call(sdk.me)
        assert looker.logins == 2
        assert [r for r in looker.requests if r.status == 401] == []


# -- rule 5: render tasks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "missing"),
    [
        ("/render_tasks/looks/1/png", {}, {("width", "missing"), ("height", "missing")}),
        ("/render_tasks/queries/1/png", {"width": "300"}, {("height", "missing")}),
        ("/render_tasks/looks/1/png", {"width": "wide", "height": "200"}, {("width", "invalid")}),
    ],
)
async def test_a_render_task_needs_a_width_and_height(raw, looker, path, params, missing):
    status, body = await raw.call("POST", path, params=params)
    assert status == 422 and problems(body) == missing
    assert looker.render_tasks == {}


async def poll_statuses(raw: Raw, task_id: str, first: str) -> list[str]:
    """Every status the task reports, each once, from its first (as created)."""
    seen = [first]
    for _ in range(200):
        status, task = await raw.call("GET", f"/render_tasks/{task_id}")
        assert status == 200
        if seen[-1] != task["status"]:
            seen.append(task["status"])
        if seen[-1] in ("success", "failure"):
            return seen
        await asyncio.sleep(0.01)
    return seen


@pytest.mark.parametrize("outcome", ["success", "failure"])
async def test_a_render_task_passes_through_lookers_statuses(raw, looker, outcome):
    statuses = render_task_statuses()
    assert statuses == (
        "enqueued_for_query",
        "querying",
        "enqueued_for_render",
        "rendering",
        "success",
        "failure",
    )
    looker.render_seconds, looker.render_outcome = 0.8, outcome  # 0.2 s a status
    status, task = await raw.call(
        "POST", "/render_tasks/queries/1/png", params={"width": "300", "height": "200"}
    )
    assert status == 200 and task["status"] == "enqueued_for_query"
    seen = await poll_statuses(raw, task["id"], task["status"])
    assert seen == [*statuses[:4], outcome]  # each once, in order


async def test_the_official_sdk_renders_through_the_statuses(looker):
    looker.render_seconds = 0.4
    sdk = official_sdk(looker)
    task = await sdk_call(lambda: sdk.create_query_render_task("1", "png", 320, 240))
    seen = [task.status]
    started = time.monotonic()
    while seen[-1] != "success" and time.monotonic() - started < 10:
        await asyncio.sleep(0.02)
        current = await sdk_call(lambda: sdk.render_task(task.id))
        if current.status != seen[-1]:
            seen.append(current.status)
    assert seen[0] == "enqueued_for_query" and seen[-1] == "success"
    assert set(seen) <= set(render_task_statuses())
    image = await sdk_call(lambda: sdk.render_task_results(task.id))
    assert image.startswith(PNG_SIGNATURE)
    assert struct.unpack(">II", image[16:24]) == (320, 240)
    assert refused(looker) == []


async def test_a_look_is_saved_only_where_the_caller_may_see(raw, looker):
    # Another user's personal folder is private to them (and admins).
    looker.admin_user_ids = set()
    body = {"title": "Mine", "query_id": "1", "folder_id": "102"}
    status, _ = await raw.call("POST", "/looks", json_body=body)
    assert status == 404
    # What Looker answers for an unknown query or no folder, no source says: not made up.
    status, _ = await raw.call("POST", "/looks", json_body={**body, "query_id": "9999"})
    assert status == 501
    status, _ = await raw.call("POST", "/looks", json_body={"title": "x", "query_id": "1"})
    assert status == 501
    # A body off WriteLookWithQuery is refused by the contract.
    status, _ = await raw.call("POST", "/looks", json_body={**body, "surprise": 1})
    assert status == 422
