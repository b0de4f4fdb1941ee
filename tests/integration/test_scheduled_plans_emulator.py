"""The Looker emulator's scheduled plans, driven with the official looker_sdk over HTTP.

Each rule (see lookerbot/sandbox/looker_schedules.py for its source) refuses a request that
breaks it, and the SDK's own calls pass it; runs deliver the requests Looker sends, to a
small receiver on 127.0.0.1 standing in for the bot: a webhook, or an Action Hub.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from looker_sdk.rtl import serialize
from looker_sdk.sdk.api40 import methods as sdk_methods
from looker_sdk.sdk.api40 import models as mdls

from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_contract import contract
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.settings import Secret
from tests.integration.test_looker_contract import Raw, official_sdk, problems, sdk_call

NOW = datetime(2026, 9, 30, 8, 0, tzinfo=UTC)
"""The emulator's clock: Wednesday 30 September 2026, 08:00 UTC (10:00 in Amsterdam)."""
ALICE, BOB = "2", "3"
WEBHOOK_TOKEN = "looker-webhook-token"
HUB_TOKEN = "action-hub-token"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: Any
    chunked: bool


@dataclass
class Receiver:
    """A stand-in for the bot on 127.0.0.1: records what it gets, answers ``status``; at
    ``/hub`` it lists ``integrations`` as an Action Hub does."""

    url: str = ""
    got: list[Received] = field(default_factory=list)
    status: int = 200
    integrations: list[dict[str, Any]] = field(default_factory=list)

    def to(self, path: str) -> list[Received]:
        return [r for r in self.got if r.path == path]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver()

    async def record(request: web.Request) -> web.Response:
        raw = await request.read()
        state.got.append(
            Received(
                request.path,
                dict(request.headers),
                json.loads(raw) if raw else None,
                request.headers.get("Transfer-Encoding") == "chunked",
            )
        )
        if request.path == "/hub":
            return web.json_response({"label": "Test hub", "integrations": state.integrations})
        if request.path.startswith("/actions/"):
            ok = state.status < 300
            return web.json_response({"looker": {"success": ok}}, status=state.status)
        return web.json_response({"success": state.status < 300}, status=state.status)

    app = web.Application()
    app.router.add_post("/{tail:.*}", record)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    state.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield state
    finally:
        await runner.cleanup()


@pytest.fixture
async def looker() -> AsyncIterator[LookerEmulator]:
    async with LookerEmulator(today=NOW.date()) as emulator:
        emulator.schedules.clock = lambda: NOW
        emulator.schedules.webhook_token = WEBHOOK_TOKEN
        # Alice may see the West only (a row-level access filter, as Looker applies).
        emulator.state.access_filters[ALICE] = {"customers.region": "West"}
        yield emulator


@pytest.fixture
def sdk(looker: LookerEmulator) -> sdk_methods.Looker40SDK:
    """The official SDK as the API user (user 1, an admin)."""
    return official_sdk(looker)


async def as_user(looker: LookerEmulator, user_id: str) -> sdk_methods.Looker40SDK:
    """The official SDK acting as ``user_id`` (a sudo login, ``AuthSession.login_user``)."""
    sdk = official_sdk(looker)
    await sdk_call(lambda: sdk.auth.login_user(user_id))  # type: ignore[arg-type]
    return sdk


@pytest.fixture
async def raw(looker: LookerEmulator) -> AsyncIterator[Raw]:
    async with aiohttp.ClientSession() as session:
        caller = Raw(looker, session)
        await caller.login()
        yield caller


def webhook(
    receiver: Receiver, path: str = "/slack/post/channel/general", fmt: str = "json_detail"
) -> mdls.ScheduledPlanDestination:
    return mdls.ScheduledPlanDestination(type="webhook", format=fmt, address=receiver.url + path)


def look_plan(receiver: Receiver, **extra: Any) -> mdls.WriteScheduledPlan:
    fields: dict[str, Any] = {
        "name": "Revenue every morning",
        "look_id": "1",
        "crontab": "0 9 * * *",
        "timezone": "Europe/Amsterdam",
        "require_results": False,
        "require_no_results": False,
        "require_change": False,
        "scheduled_plan_destination": [webhook(receiver)],
        **extra,
    }
    return mdls.WriteScheduledPlan(**fields)


def raw_plan(receiver: Receiver, **extra: Any) -> dict[str, Any]:
    plan = json.loads(serialize.serialize40(api_model=look_plan(receiver)))  # type: ignore[arg-type]
    plan.update(extra)
    return {k: v for k, v in plan.items() if v is not ...}


async def sudo(raw: Raw, user_id: str) -> Raw:
    """Hand-made requests as ``user_id`` (the admin's ``POST /login/{user_id}``)."""
    status, token = await raw.call("POST", f"/login/{user_id}")
    assert status == 200
    caller = Raw(raw.looker, raw.session)
    caller.token = token["access_token"]
    return caller


def regions(payload: dict[str, Any]) -> set[str]:
    detail = json.loads(payload["attachment"]["data"])
    return {row["customers.region"]["value"] for row in detail["data"]}


# -- the life of a plan, through the official SDK -------------------------------------------


async def test_create_list_update_pause_and_run_once(looker, receiver):
    alice = await as_user(looker, ALICE)
    plan = await sdk_call(lambda: alice.create_scheduled_plan(look_plan(receiver)))
    assert plan.id and plan.user_id == ALICE and plan.enabled is True
    assert plan.user is not None and plan.user.display_name == "Alice Analyst"
    # 09:00 in Amsterdam (summer time) is 07:00 UTC; at 10:00 there it is tomorrow's.
    assert plan.next_run_at == datetime(2026, 10, 1, 7, 0, tzinfo=UTC)
    assert plan.last_run_at is None and plan.content_title == "Revenue by Region"
    (listed,) = await sdk_call(lambda: alice.all_scheduled_plans())
    assert listed.id == plan.id
    assert [p.id for p in await sdk_call(lambda: alice.scheduled_plans_for_look("1"))] == [plan.id]
    assert await sdk_call(lambda: alice.scheduled_plans_for_look("2")) == []

    renamed = await sdk_call(
        lambda: alice.update_scheduled_plan(
            plan.id, mdls.WriteScheduledPlan(name="Revenue on weekdays", crontab="30 8 * * 1-5")
        )
    )
    assert (renamed.name, renamed.crontab) == ("Revenue on weekdays", "30 8 * * 1-5")
    assert renamed.next_run_at == datetime(2026, 10, 1, 6, 30, tzinfo=UTC)
    # Destinations were not in the update: they remain.
    assert [d.address for d in renamed.scheduled_plan_destination or []] == [
        receiver.url + "/slack/post/channel/general"
    ]
    paused = await sdk_call(
        lambda: alice.update_scheduled_plan(plan.id, mdls.WriteScheduledPlan(enabled=False))
    )
    assert paused.enabled is False

    once = await sdk_call(lambda: alice.scheduled_plan_run_once_by_id(plan.id))
    assert once.id != plan.id and once.run_once is True and once.next_run_at is None
    (run,) = await looker.schedules.settle()
    assert (run.plan_id, run.trigger, run.status, run.user_id) == (
        once.id,
        "run_once",
        "success",
        ALICE,
    )
    (delivery,) = run.deliveries
    assert delivery.status == 200 and delivery.ok

    (posted,) = receiver.to("/slack/post/channel/general")
    assert posted.chunked  # "always sent using chunked transfer encoding"
    assert posted.headers["X-Looker-Webhook-Token"] == WEBHOOK_TOKEN
    assert posted.headers["User-Agent"].startswith("LookerOutgoingWebhook/")
    assert posted.headers["X-Looker-Instance"] == looker.schedules.instance_id
    body = posted.body
    assert body["type"] == "query" and body["data"] is None and body["form_params"] is None
    scheduled = body["scheduled_plan"]
    assert scheduled == {
        "scheduled_plan_id": int(once.id),
        "title": "Revenue on weekdays",
        "type": "Look",
        "url": f"{looker.url}/looks/1",
        "query_id": 1,
        "query": scheduled["query"],
        "filters_differ_from_look": False,
        "download_url": None,
    }
    assert scheduled["query"]["fields"] == ["customers.region", "orders.total_revenue"]
    assert (body["attachment"]["mimetype"], body["attachment"]["extension"]) == (
        "application/json",
        "json",
    )
    assert regions(body) == {"West"}  # Alice's data: her access filter applied

    # The run is Looker's to tell: last_run_at on the copy; the original is as it was.
    copy = await sdk_call(lambda: alice.scheduled_plan(once.id))
    assert copy.last_run_at == NOW and copy.last_run_status == "success"
    original = await sdk_call(lambda: alice.scheduled_plan(plan.id))
    assert original.enabled is False and original.last_run_at is None
    # A run-once plan is not among the plans listed.
    assert [p.id for p in await sdk_call(lambda: alice.all_scheduled_plans())] == [plan.id]
    assert looker.contract_violations == []


async def test_run_once_creates_a_plan_that_runs_now_and_answers_it(looker, sdk, receiver):
    plan = look_plan(receiver, crontab=None, timezone=None)
    once = await sdk_call(lambda: sdk.scheduled_plan_run_once(plan))
    assert once.run_once is True and once.id and once.user_id == "1"
    (run,) = await looker.schedules.settle()
    assert run.plan_id == once.id and run.status == "success"
    (posted,) = receiver.got
    assert "West" in regions(posted.body) and "East" in regions(posted.body)  # no filter


async def test_the_schedule_fires_enabled_plans_only(looker, sdk, receiver):
    daily = await sdk_call(lambda: sdk.create_scheduled_plan(look_plan(receiver, name="On")))
    paused = await sdk_call(
        lambda: sdk.create_scheduled_plan(look_plan(receiver, name="Off", enabled=False))
    )
    assert daily.next_run_at == paused.next_run_at == datetime(2026, 10, 1, 7, 0, tzinfo=UTC)
    assert await looker.schedules.run_due(datetime(2026, 10, 1, 6, 59, tzinfo=UTC)) == []
    due = datetime(2026, 10, 1, 7, 0, tzinfo=UTC)
    (run,) = await looker.schedules.run_due(due)
    assert (run.plan_id, run.trigger, run.status) == (daily.id, "schedule", "success")
    assert [r.body["scheduled_plan"]["title"] for r in receiver.got] == ["On"]
    fired = await sdk_call(lambda: sdk.scheduled_plan(daily.id))
    assert fired.last_run_at == due
    assert fired.next_run_at == datetime(2026, 10, 2, 7, 0, tzinfo=UTC)
    # Once run, it is not due again until its next time.
    assert await looker.schedules.run_due(due) == []
    # Enabled again, the paused one fires at its time too.
    await sdk_call(
        lambda: sdk.update_scheduled_plan(paused.id, mdls.WriteScheduledPlan(enabled=True))
    )
    runs = await looker.schedules.run_due(datetime(2026, 10, 2, 7, 0, tzinfo=UTC))
    assert sorted(r.plan_id for r in runs) == sorted([daily.id, paused.id])


async def test_a_failed_delivery_is_recorded_as_looker_shows_it(looker, sdk, receiver):
    receiver.status = 502
    once = await sdk_call(lambda: sdk.scheduled_plan_run_once(look_plan(receiver)))
    (run,) = await looker.schedules.settle()
    assert run.status == "failure" and run.deliveries[0].status == 502
    assert (await sdk_call(lambda: sdk.scheduled_plan(once.id))).last_run_status == "failure"


async def test_a_plan_with_its_own_filters_and_require_results(looker, sdk, receiver):
    east = look_plan(receiver, filters_string="?f[customers.region]=East", require_results=True)
    await sdk_call(lambda: sdk.scheduled_plan_run_once(east))
    nowhere = look_plan(
        receiver, filters_string="?f[customers.region]=Nowhere", require_results=True
    )
    await sdk_call(lambda: sdk.scheduled_plan_run_once(nowhere))
    runs = await looker.schedules.settle()
    assert sorted(r.status for r in runs) == ["skipped", "success"]
    (posted,) = receiver.got  # nothing was sent for the plan with no results
    scheduled = posted.body["scheduled_plan"]
    assert scheduled["filters_differ_from_look"] is True
    assert scheduled["url"] == f"{looker.url}/looks/1?f[customers.region]=East"
    assert scheduled["query_id"] != 1  # its own query, with the filter
    assert regions(posted.body) == {"East"}


async def test_a_dashboard_plan_sends_its_rendering(looker, sdk, receiver):
    plan = mdls.WriteScheduledPlan(
        name="Sales",
        dashboard_id="1",
        crontab="0 8 * * 1",
        scheduled_plan_destination=[
            mdls.ScheduledPlanDestination(
                type="webhook", format="wysiwyg_png", address=receiver.url + "/hook"
            )
        ],
    )
    await sdk_call(lambda: sdk.scheduled_plan_run_once(plan))
    await looker.schedules.settle()
    (posted,) = receiver.got
    assert posted.body["type"] == "dashboard"
    assert posted.body["scheduled_plan"]["type"] == "Dashboard"
    assert posted.body["scheduled_plan"]["query"] is None
    attachment = posted.body["attachment"]
    assert (attachment["mimetype"], attachment["extension"]) == ("image/png;base64", "png")
    assert base64.b64decode(attachment["data"]).startswith(PNG_SIGNATURE)


async def test_json_and_csv_attachments(looker, sdk, receiver):
    for fmt in ("json", "csv"):
        plan = look_plan(receiver, scheduled_plan_destination=[webhook(receiver, f"/{fmt}", fmt)])
        await sdk_call(lambda plan=plan: sdk.scheduled_plan_run_once(plan))
    await looker.schedules.settle()
    (as_json,) = receiver.to("/json")
    rows = json.loads(as_json.body["attachment"]["data"])
    assert {"customers.region", "orders.total_revenue"} == set(rows[0])
    (as_csv,) = receiver.to("/csv")
    assert as_csv.body["attachment"]["mimetype"] == "text/csv"
    header, *lines = as_csv.body["attachment"]["data"].splitlines()
    assert header.count(",") == 1 and len(lines) == len(rows)


async def test_the_bots_webhook_route_takes_what_the_emulator_sends(looker, sdk):
    # Not a test of the bot: a check that the delivery is one its existing route reads.
    lookers = (looker.instance_settings(webhook_token=Secret(WEBHOOK_TOKEN)),)
    async with Sandbox(looker=looker, lookers=lookers) as sandbox:
        address = f"{sandbox.bot_url}/slack/post/channel/general"
        destination = mdls.ScheduledPlanDestination(
            type="webhook", format="json_detail", address=address
        )
        plan = look_plan_for(destination)
        await sdk_call(lambda: sdk.scheduled_plan_run_once(plan))
        (run,) = await looker.schedules.settle()
        (delivery,) = run.deliveries
        assert delivery.status == 200 and delivery.answer["success"] is True, delivery.answer
        assert len(sandbox.slack.visible_messages("C0GENERAL")) == 1


def look_plan_for(destination: mdls.ScheduledPlanDestination) -> mdls.WriteScheduledPlan:
    return mdls.WriteScheduledPlan(
        name="Revenue",
        look_id="1",
        require_results=False,
        require_no_results=False,
        require_change=False,
        scheduled_plan_destination=[destination],
    )


# -- whose plans -------------------------------------------------------------------------------


async def test_someone_else_cannot_see_change_or_delete_a_plan(looker, raw, receiver):
    alice = await as_user(looker, ALICE)
    plan = await sdk_call(lambda: alice.create_scheduled_plan(look_plan(receiver)))
    bob = await sudo(raw, BOB)
    path = f"/scheduled_plans/{plan.id}"
    # Refusals through hand-made requests: the SDK's error path looks its documentation up
    # on the internet.
    for method, where, body in [
        ("DELETE", path, None),
        ("GET", path, None),
        ("PATCH", path, {"name": "Mine"}),
        ("POST", path + "/run_once", None),
    ]:
        status, _ = await bob.call(method, where, json_body=body)
        assert status == 404, (method, where)  # as for any content one may not see
    assert await bob.call("GET", "/scheduled_plans") == (200, [])
    # "The caller must have see_schedules permission to see other users' scheduled plans."
    assert (await bob.call("GET", "/scheduled_plans", params={"user_id": ALICE}))[0] == 403
    assert (await bob.call("GET", "/scheduled_plans", params={"all_users": "true"}))[0] == 403
    # "Non-admin users may not create or modify scheduled plans by or for other users."
    for_alice = raw_plan(receiver, user_id=ALICE)
    assert (await bob.call("POST", "/scheduled_plans", json_body=for_alice))[0] == 403
    assert (await bob.call("POST", "/scheduled_plans/run_once", json_body=for_alice))[0] == 403
    assert list(looker.schedules.plans) == [plan.id]
    assert (await sdk_call(lambda: alice.scheduled_plan(plan.id))).name == plan.name
    assert receiver.got == []


async def test_an_admin_can_see_change_and_delete_anyones_plan(looker, sdk, raw, receiver):
    alice = await as_user(looker, ALICE)
    plan = await sdk_call(lambda: alice.create_scheduled_plan(look_plan(receiver)))
    assert await sdk_call(lambda: sdk.all_scheduled_plans()) == []  # the admin's own
    assert [p.id for p in await sdk_call(lambda: sdk.all_scheduled_plans(user_id=ALICE))] == [
        plan.id
    ]
    assert [p.id for p in await sdk_call(lambda: sdk.all_scheduled_plans(all_users=True))] == [
        plan.id
    ]
    changed = await sdk_call(
        lambda: sdk.update_scheduled_plan(plan.id, mdls.WriteScheduledPlan(name="Checked"))
    )
    assert changed.name == "Checked" and changed.user_id == ALICE
    # An admin's run of Alice's plan still sends Alice's data.
    await sdk_call(lambda: sdk.scheduled_plan_run_once_by_id(plan.id))
    (run,) = await looker.schedules.settle()
    assert run.user_id == ALICE and regions(receiver.got[0].body) == {"West"}
    assert await sdk_call(lambda: sdk.delete_scheduled_plan(plan.id)) == ""
    assert plan.id not in looker.schedules.plans
    assert await sdk_call(lambda: alice.all_scheduled_plans()) == []
    # An admin may make a plan for someone else.
    for_bob = await sdk_call(lambda: sdk.create_scheduled_plan(look_plan(receiver, user_id=BOB)))
    assert for_bob.user_id == BOB


# -- the rules of WriteScheduledPlan ---------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"name": None}, {("name", "missing")}),
        ({"crontab": "0 25 * * *"}, {("crontab", "invalid")}),
        ({"crontab": "0 9 * *"}, {("crontab", "invalid")}),
        ({"crontab": "0 9 * * mon-fri"}, {("crontab", "invalid")}),
        ({"crontab": None}, {("crontab", "missing")}),
        ({"datagroup": "nightly"}, {("datagroup", "invalid")}),
        ({"timezone": "Mars/Olympus"}, {("timezone", "invalid")}),
        ({"scheduled_plan_destination": []}, {("scheduled_plan_destination", "missing")}),
        ({"scheduled_plan_destination": None}, {("scheduled_plan_destination", "missing")}),
        (
            {"scheduled_plan_destination": [{"type": "webhook", "address": "{hook}"}]},
            {("scheduled_plan_destination[0].format", "missing")},
        ),
        (
            {"scheduled_plan_destination": [{"format": "json_detail", "address": "{hook}"}]},
            {("scheduled_plan_destination[0].type", "missing")},
        ),
        (
            {"scheduled_plan_destination": [{"type": "fax", "format": "csv", "address": "1"}]},
            {("scheduled_plan_destination[0].type", "invalid")},
        ),
        (
            {
                "scheduled_plan_destination": [
                    {"type": "webhook", "format": "wysiwyg_pdf", "address": "{hook}"}
                ]
            },
            {("scheduled_plan_destination[0].format", "invalid")},  # dashboards only
        ),
        (
            {
                "scheduled_plan_destination": [
                    {"type": "webhook", "format": "csv", "address": "http://bot.example.com/x"}
                ]
            },
            {("scheduled_plan_destination[0].address", "invalid")},  # webhooks need https
        ),
        ({"look_id": "999"}, {("look_id", "invalid")}),
        ({"look_id": "7"}, {("look_id", "invalid")}),  # deleted
        ({"look_id": None}, {("look_id", "missing")}),
        ({"dashboard_id": "999", "look_id": None}, {("dashboard_id", "invalid")}),
        ({"dashboard_id": "1"}, {("dashboard_id", "invalid")}),  # a Look or a dashboard
        ({"require_change": None}, {("require_change", "missing")}),
        ({"user_id": "999"}, {("user_id", "invalid")}),
    ],
)
async def test_a_plan_looker_would_refuse_is_refused(raw, looker, receiver, change, expected):
    body = raw_plan(receiver)
    for key, value in change.items():
        if isinstance(value, list):
            value = json.loads(json.dumps(value).replace("{hook}", receiver.url + "/hook"))
        body[key] = value
    body = {k: v for k, v in body.items() if v is not None or k in ("name",)}
    status, answer = await raw.call("POST", "/scheduled_plans", json_body=body)
    assert status == 422, answer
    assert problems(answer) == expected
    assert looker.schedules.plans == {}


async def test_an_update_that_empties_the_destinations_is_refused(raw, looker, sdk, receiver):
    plan = await sdk_call(lambda: sdk.create_scheduled_plan(look_plan(receiver)))
    status, answer = await raw.call(
        "PATCH", f"/scheduled_plans/{plan.id}", json_body={"scheduled_plan_destination": []}
    )
    assert status == 422 and problems(answer) == {("scheduled_plan_destination", "invalid")}
    other = webhook(receiver, "/elsewhere")
    replaced = await sdk_call(
        lambda: sdk.update_scheduled_plan(
            plan.id, mdls.WriteScheduledPlan(scheduled_plan_destination=[other])
        )
    )
    (destination,) = replaced.scheduled_plan_destination or []
    assert destination.address == receiver.url + "/elsewhere"
    assert destination.scheduled_plan_id == plan.id


async def test_a_body_that_is_no_write_scheduled_plan_is_refused(raw, receiver):
    body = {**raw_plan(receiver), "id": "5", "next_run_at": "2026-10-01T07:00:00Z"}
    status, answer = await raw.call("POST", "/scheduled_plans", json_body=body)
    assert status == 422
    assert problems(answer) == {("id", "invalid"), ("next_run_at", "invalid")}


async def test_what_the_emulator_cannot_show_is_501_not_a_made_up_delivery(raw, looker, receiver):
    email = {"type": "email", "format": "csv", "address": "alice@example.com"}
    status, answer = await raw.call(
        "POST", "/scheduled_plans", json_body=raw_plan(receiver, scheduled_plan_destination=[email])
    )
    assert status == 501 and "email destinations" in answer["message"]
    assert looker.schedules.plans == {}


# -- Action Hub destinations ---------------------------------------------------------------


def action(receiver: Receiver, **extra: Any) -> dict[str, Any]:
    return {
        "name": "post",
        "label": "Slack",
        "url": receiver.url + "/actions/post/execute",
        "supported_action_types": ["query"],
        "supported_formats": ["json_detail"],
        "supported_download_settings": ["push"],
        **extra,
    }


def to_hub(address: str = "1::post", **extra: Any) -> mdls.ScheduledPlanDestination:
    return mdls.ScheduledPlanDestination(
        type="looker-integration",
        format="json_detail",
        address=address,
        parameters=json.dumps({"channel": "C0SALES"}),
        **extra,
    )


async def test_an_action_hub_destination_gets_the_execute_request(looker, sdk, receiver):
    receiver.integrations = [action(receiver)]
    hub = looker.schedules.add_hub(
        receiver.url + "/hub", authorization_token=HUB_TOKEN, params={"post": {"team": "acme"}}
    )
    assert hub == "1"
    plan = look_plan(receiver, scheduled_plan_destination=[to_hub()])
    created = await sdk_call(lambda: sdk.create_scheduled_plan(plan))
    (shown,) = created.scheduled_plan_destination or []
    assert (shown.type, shown.address) == ("looker-integration", "1::post")
    await sdk_call(lambda: sdk.scheduled_plan_run_once_by_id(created.id))
    (run,) = await looker.schedules.settle()
    assert run.status == "success"
    listing, execute = receiver.to("/hub")[-1], receiver.to("/actions/post/execute")[0]
    assert listing.body is None  # the list is asked for with an empty body
    for request in (listing, execute):
        assert request.headers["Authorization"] == f'Token token="{HUB_TOKEN}"'
    body = execute.body
    assert body["type"] == "query"
    assert body["form_params"] == {"channel": "C0SALES"}
    assert body["data"] == {"team": "acme"}
    assert body["scheduled_plan"]["title"] == "Revenue every morning"
    assert body["scheduled_plan"]["download_url"] is None
    assert json.loads(body["attachment"]["data"])["fields"]["measures"][0]["name"] == (
        "orders.total_revenue"
    )
    assert "X-Looker-Webhook-Token" not in execute.headers


async def test_an_action_that_streams_gets_a_one_time_download_url(looker, sdk, receiver):
    receiver.integrations = [action(receiver, supported_download_settings=["url"])]
    looker.schedules.add_hub(receiver.url + "/hub")
    await sdk_call(
        lambda: sdk.scheduled_plan_run_once(
            look_plan(receiver, scheduled_plan_destination=[to_hub()])
        )
    )
    await looker.schedules.settle()
    (execute,) = receiver.to("/actions/post/execute")
    assert execute.body["attachment"] is None
    url = execute.body["scheduled_plan"]["download_url"]
    assert url.startswith(looker.url)
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as first:
            detail = await first.json()
        async with session.get(url) as second:
            assert second.status == 404  # "The temporary URL will expire after one use"
    assert {"customers.region"} <= {d["name"] for d in detail["fields"]["dimensions"]}


@pytest.mark.parametrize(
    ("listed", "destination", "field"),
    [
        ({}, {"address": "1::nope"}, "scheduled_plan_destination[0].address"),
        ({}, {"address": "9::post"}, "scheduled_plan_destination[0].address"),
        ({"supported_formats": ["csv"]}, {}, "scheduled_plan_destination[0].format"),
        ({"supported_action_types": ["cell"]}, {}, "scheduled_plan_destination[0].address"),
        ({}, {"parameters": "[1, 2]"}, "scheduled_plan_destination[0].parameters"),
    ],
)
async def test_an_action_hub_destination_the_integration_does_not_take_is_refused(
    raw, looker, receiver, listed, destination, field
):
    receiver.integrations = [action(receiver, **listed)]
    looker.schedules.add_hub(receiver.url + "/hub")
    target = {
        "type": "looker-integration",
        "format": "json_detail",
        "address": "1::post",
        "parameters": '{"channel": "C0SALES"}',
        **destination,
    }
    status, answer = await raw.call(
        "POST",
        "/scheduled_plans",
        json_body=raw_plan(receiver, scheduled_plan_destination=[target]),
    )
    assert status == 422 and problems(answer) == {(field, "invalid")}


# -- the contract ----------------------------------------------------------------------------


PLAN_METHODS = {
    "create_scheduled_plan": ("POST", "/scheduled_plans"),
    "update_scheduled_plan": ("PATCH", "/scheduled_plans/{scheduled_plan_id}"),
    "scheduled_plan": ("GET", "/scheduled_plans/{scheduled_plan_id}"),
    "delete_scheduled_plan": ("DELETE", "/scheduled_plans/{scheduled_plan_id}"),
    "all_scheduled_plans": ("GET", "/scheduled_plans"),
    "scheduled_plans_for_look": ("GET", "/scheduled_plans/look/{look_id}"),
    "scheduled_plans_for_dashboard": ("GET", "/scheduled_plans/dashboard/{dashboard_id}"),
    "scheduled_plan_run_once": ("POST", "/scheduled_plans/run_once"),
    "scheduled_plan_run_once_by_id": ("POST", "/scheduled_plans/{scheduled_plan_id}/run_once"),
}


def test_the_plan_endpoints_are_the_sdks(looker):
    table = contract().by_name
    for name, (method, template) in PLAN_METHODS.items():
        assert (table[name].method, table[name].template) == (method, template)
    assert set(PLAN_METHODS) <= looker.served()
    assert table["create_scheduled_plan"].body == "mdls.WriteScheduledPlan"
    assert table["all_scheduled_plans"].structure == "Sequence[mdls.ScheduledPlan]"


async def test_every_plan_answer_structures_into_the_sdks_model(looker, sdk, receiver):
    plan = await sdk_call(lambda: sdk.create_scheduled_plan(look_plan(receiver)))
    assert isinstance(plan, mdls.ScheduledPlan)
    answers = [
        await sdk_call(lambda: sdk.scheduled_plan(plan.id, fields="id,name,user(id)")),
        *await sdk_call(lambda: sdk.all_scheduled_plans(all_users=True)),
        *await sdk_call(lambda: sdk.scheduled_plans_for_look("1", all_users=True)),
        *await sdk_call(lambda: sdk.scheduled_plans_for_dashboard("1")),
        await sdk_call(
            lambda: sdk.scheduled_plan_run_once_by_id(
                plan.id, mdls.WriteScheduledPlan(name="Once more")
            )
        ),
    ]
    assert all(isinstance(a, mdls.ScheduledPlan) for a in answers)
    assert answers[0].name == plan.name and answers[0].crontab is None  # fields= asked
    assert answers[-1].name == "Once more"
    await looker.schedules.settle()
    assert looker.contract_violations == []


async def test_the_plans_of_content_that_is_not_there_are_not_found(raw):
    assert (await raw.call("GET", "/scheduled_plans/look/999"))[0] == 404
    assert (await raw.call("GET", "/scheduled_plans/dashboard/999"))[0] == 404
    assert (await raw.call("GET", "/scheduled_plans/42"))[0] == 404


async def test_connected_action_hubs_are_listed_as_the_sdk_reads_them(looker, sdk, receiver):
    hub_id = looker.schedules.add_hub(receiver.url + "/hub", authorization_token=HUB_TOKEN)
    (hub,) = await sdk_call(lambda: sdk.all_integration_hubs())
    assert (hub.id, hub.url) == (hub_id, receiver.url + "/hub")
    # The token is write-only: Looker says only that there is one.
    assert hub.has_authorization_token is True and hub.authorization_token is None
    assert looker.contract_violations == []
