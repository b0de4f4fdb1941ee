"""The Action Hub beyond Slack: Braze and RudderStack, through the real app and emulators."""

from __future__ import annotations

import base64
import contextlib
import json
import tracemalloc
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from lookerbot.actions.batches import RetryPolicy
from lookerbot.actions.endpoints import LoopbackAllowance
from lookerbot.actions.registry import ActionHubOptions
from lookerbot.app import Deps
from lookerbot.delivery.auth import action_hub_key
from lookerbot.sandbox.braze_emulator import DEFAULT_API_KEY, BrazeEmulator
from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.json_detail import field, json_detail, json_detail_parts
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.rudderstack_emulator import DEFAULT_WRITE_KEY, RudderStackEmulator
from lookerbot.settings import Secret

TOKEN = "lookerbot-auth-token"
AUTH = {"Authorization": f'Token token="{TOKEN}"'}
FAST_RETRY = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05, timeout=10)

USER_FIELDS = [
    field("users.id", tags=["braze_id", "user_id"]),
    field("users.email", tags=["email"]),
    field("users.first_name", tags=["braze[first_name]"]),
    field("users.lifetime_orders", tags=["braze[lifetime_orders]"], type="number"),
    field("users.is_vip", tags=["braze[vip]"], type="yesno"),
    field("users.signed_up_date", tags=["braze[signed_up]"], type="date_date"),
    field("users.plan", tags=["other-tag"]),
]


def user(i: int) -> dict[str, Any]:
    return {
        "users.id": f"user-{i:06d}",
        "users.email": f"u{i}@example.com",
        "users.first_name": f"Name {i}",
        "users.lifetime_orders": i % 7,
        "users.is_vip": "Yes" if i % 2 else "No",
        "users.signed_up_date": "2026-01-31",
        "users.plan": "gold",
    }


def users(count: int, start: int = 1) -> list[dict[str, Any]]:
    return [user(i) for i in range(start, start + count)]


def inline(rows: list[dict[str, Any]], fields: list[dict[str, Any]] = USER_FIELDS) -> dict:
    return {"mimetype": "application/json", "data": json.dumps(json_detail(fields, rows))}


BRAZE_PARAMS = {"braze_api_key": DEFAULT_API_KEY}


def braze_payload(braze: BrazeEmulator, **parts: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "query",
        "scheduled_plan": {"title": "VIPs", "type": "Look"},
        "data": {**BRAZE_PARAMS, "braze_api_endpoint": braze.url},
        "form_params": {"braze_key": "external_id", "braze_segment": "SPRING_VIPS"},
    }
    payload.update(parts)
    return payload


def rudder_payload(rudder: RudderStackEmulator, **parts: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "query",
        "scheduled_plan": {
            "title": "Users",
            "query": {"vis_config": {"hidden_fields": ["users.plan"]}},
        },
        "data": {"rudder_write_key": DEFAULT_WRITE_KEY, "rudder_server_url": rudder.url},
        "form_params": {},
    }
    payload.update(parts)
    return payload


@contextlib.asynccontextmanager
async def hub(looker: LookerEmulator, *services: Any, **options: Any) -> AsyncIterator[Sandbox]:
    """The bot with an Action Hub whose actions may call the given emulators."""
    settings = {
        "retry": FAST_RETRY,
        "loopback": LoopbackAllowance(s.url for s in services),
        **options,
    }
    async with Sandbox(
        looker=looker,
        lookers=(looker.instance_settings(),),
        lookerbot_auth_token=Secret(TOKEN),
        public_url="https://bot.example.com",
        deps=Deps(action_hub=ActionHubOptions(**settings)),
    ) as sandbox:
        yield sandbox


@pytest.fixture
async def braze() -> AsyncIterator[BrazeEmulator]:
    async with BrazeEmulator() as emulator:
        yield emulator


@pytest.fixture
async def rudder() -> AsyncIterator[RudderStackEmulator]:
    async with RudderStackEmulator() as emulator:
        yield emulator


@pytest.fixture
async def sandbox(looker, braze, rudder) -> AsyncIterator[Sandbox]:
    async with hub(looker, braze, rudder) as running:
        yield running


async def post(
    sandbox: Sandbox, path: str, payload: Any = None, headers: dict | None = AUTH
) -> tuple[int, Any]:
    async with sandbox.session.post(
        sandbox.bot_url + path, json=payload, headers=headers
    ) as response:
        return response.status, json.loads(await response.text())


# -- the listing and the forms ----------------------------------------------------------------


async def test_the_listing_adds_braze_and_rudderstack_after_slack(sandbox: Sandbox):
    status, body = await post(sandbox, "/")
    assert status == 200
    slack, *others = body["integrations"]
    assert slack["name"] == "post" and slack["url"].endswith("/slack/post_from_query_action")
    assert slack["supported_formats"] == ["json_detail", "wysiwyg_png"] and slack["params"] == []
    # Query results (data actions, Looks) and dashboards as Looker renders them
    # (subscriptions made in Slack).
    assert slack["supported_action_types"] == ["query", "dashboard"]
    assert [a["name"] for a in others] == [
        "braze",
        "rudderstack_identify",
        "rudderstack_track",
        "rudderstack_group",
    ]
    braze, identify, track, group = others
    assert braze["url"] == "https://bot.example.com/actions/braze/execute"
    assert braze["form_url"] == "https://bot.example.com/actions/braze/form"
    assert [(p["name"], p["required"], p["sensitive"]) for p in braze["params"]] == [
        ("braze_api_key", True, True),
        ("braze_api_endpoint", True, False),
    ]
    assert braze["required_fields"] == [{"tag": "braze_id"}]
    for action in others:
        assert action["supported_formats"] == ["json_detail_lite_stream", "json_detail"]
        assert action["supported_download_settings"] == ["url"]
        assert action["supported_action_types"] == ["query"]
        assert action["icon_data_uri"].startswith("data:image/svg+xml;base64,")
    assert [p["name"] for p in identify["params"]] == ["rudder_write_key", "rudder_server_url"]
    ids = {"any_tag": ["email", "user_id", "rudder_anonymous_id"]}
    assert identify["required_fields"] == [ids] and identify["form_url"] is None
    assert track["form_url"] == "https://bot.example.com/actions/rudderstack_track/form"
    assert group["required_fields"] == [ids, {"tag": "rudder_group_id"}]


async def test_the_forms(sandbox: Sandbox):
    status, form = await post(sandbox, "/actions/braze/form", {})
    assert status == 200
    key, label = form
    assert (key["name"], key["type"], key["default"]) == ("braze_key", "select", "external_id")
    assert [o["name"] for o in key["options"]] == ["external_id", "braze_id"]
    assert (label["name"], label["default"]) == ("braze_segment", "LOOKER_EXPORT")
    status, form = await post(sandbox, "/actions/rudderstack_track/form")
    assert status == 200 and [(f["name"], f["required"]) for f in form] == [("event", True)]
    status, body = await post(sandbox, "/actions/nope/form")
    assert status == 404 and "braze, rudderstack_identify" in body["looker"]["message"]


@pytest.mark.parametrize(
    "path", ["/actions/braze/execute", "/actions/braze/form", "/actions/rudderstack_track/execute"]
)
async def test_unauthenticated_requests_get_401_and_nothing_is_sent(
    sandbox: Sandbox, braze, rudder, path
):
    url = sandbox.looker.serve_download(
        lambda: [json.dumps(json_detail(USER_FIELDS, users(3))).encode()]
    )
    payload = braze_payload(braze, scheduled_plan={"download_url": url})
    for headers in ({}, {"Authorization": 'Token token="wrong"'}):
        status, body = await post(sandbox, path, payload, headers=headers)
        assert status == 401 and body["looker"]["success"] is False
        assert body["reason"] == "Invalid authorization headers."
    assert braze.batches == [] and rudder.batches == []
    assert sandbox.looker.requests_to("^/downloads") == []  # the one-time URL is intact


# -- Braze ------------------------------------------------------------------------------------------


async def test_braze_sends_rows_in_batches_of_75(sandbox: Sandbox, braze: BrazeEmulator):
    status, body = await post(
        sandbox, "/actions/braze/execute", braze_payload(braze, attachment=inline(users(160)))
    )
    assert (status, body) == (
        200,
        {
            "looker": {
                "success": True,
                "message": "Sent 160 rows to Braze in 3 batches.",
                "validation_errors": {},
            }
        },
    )
    assert sorted(b.count for b in braze.batches) == [10, 75, 75]
    assert {b.authorization for b in braze.batches} == {f"Bearer {DEFAULT_API_KEY}"}
    records = sorted(braze.records(), key=lambda r: r["external_id"])
    assert [r["external_id"] for r in records] == [f"user-{i:06d}" for i in range(1, 161)]
    assert list(records[0].items()) == [
        ("external_id", "user-000001"),
        ("first_name", "Name 1"),
        ("lifetime_orders", 1),
        ("vip", True),
        ("signed_up", "2026-01-31T00:00:00"),
        ("_update_existing_only", True),
        ("looker_export", {"add": ["SPRING_VIPS"]}),
    ]
    assert records[1]["vip"] is False


async def test_braze_id_key_default_label_and_rows_without_an_id(sandbox, braze):
    rows = users(3)
    rows[1]["users.id"] = None
    payload = braze_payload(
        braze,
        attachment=inline(rows),
        form_params={"braze_key": "braze_id", "braze_segment": " "},
    )
    status, body = await post(sandbox, "/actions/braze/execute", payload)
    assert status == 200 and body["looker"]["success"] is True
    assert body["looker"]["message"] == (
        "Sent 2 rows to Braze in 1 batch. Skipped 1 row with no value in users.id "
        "(tagged braze_id)."
    )
    assert [(r["braze_id"], r["looker_export"]) for r in braze.records()] == [
        ("user-000001", {"add": ["LOOKER_EXPORT"]}),
        ("user-000003", {"add": ["LOOKER_EXPORT"]}),
    ]


async def test_braze_streams_the_download_url_once(sandbox: Sandbox, braze: BrazeEmulator):
    url = sandbox.looker.serve_download(
        lambda: json_detail_parts(USER_FIELDS, users(100), rows_per_part=7)
    )
    payload = braze_payload(braze, scheduled_plan={"download_url": url})
    status, body = await post(sandbox, "/actions/braze/execute", payload)
    assert status == 200 and body["looker"]["message"] == "Sent 100 rows to Braze in 2 batches."
    assert braze.accepted_count() == 100
    assert len(sandbox.looker.requests_to("^/downloads$")) == 1
    # Looker's URL works once: a second run is told so, and sends nothing.
    status, body = await post(sandbox, "/actions/braze/execute", payload)
    assert (
        status == 502
        and "Looker answered 404 to the result's download_url" in (body["looker"]["message"])
    )
    assert braze.accepted_count() == 100


async def test_a_failing_braze_batch_is_retried(sandbox: Sandbox, braze: BrazeEmulator):
    braze.fail_batch("user-000080", status=503, times=2)
    status, body = await post(
        sandbox, "/actions/braze/execute", braze_payload(braze, attachment=inline(users(150)))
    )
    assert status == 200 and body["looker"]["message"] == "Sent 150 rows to Braze in 2 batches."
    second = [b for b in braze.batches if b.first_id == "user-000076"]
    assert [b.status for b in second] == [503, 503, 201]
    assert braze.accepted_count() == 150


async def test_a_braze_batch_that_keeps_failing_is_reported(sandbox: Sandbox, braze):
    braze.fail_batch("user-000080", status=500, times=None, body={"message": "boom"})
    status, body = await post(
        sandbox, "/actions/braze/execute", braze_payload(braze, attachment=inline(users(160)))
    )
    assert status == 502
    assert body["looker"] == {
        "success": False,
        "message": "Sent 85 of 160 rows to Braze (3 batches). 1 of 3 batches failed: batch 2 "
        "(rows 76–150): Braze answered 500 (boom), 4 attempts.",
        "validation_errors": {},
    }
    assert [b.status for b in braze.batches if b.first_id == "user-000076"] == [500] * 4
    assert braze.accepted_count() == 85


async def test_a_refused_braze_key_stops_the_run(sandbox: Sandbox, braze: BrazeEmulator, caplog):
    payload = braze_payload(braze, attachment=inline(users(75 * 20)))
    payload["data"]["braze_api_key"] = "revoked-key"
    status, body = await post(sandbox, "/actions/braze/execute", payload)
    assert status == 502 and body["looker"]["success"] is False
    message = body["looker"]["message"]
    assert message.startswith("Sent 0 of the ") and " rows read to Braze" in message
    assert "Stopped early: Braze refused the credentials (401: Invalid API key: ***)" in message
    # Not retried, and the run stopped: only the batches already in flight were tried.
    assert 1 <= len(braze.batches) <= 4
    assert "revoked-key" not in message and "revoked-key" not in caplog.text
    assert braze.batches[0].authorization == "Bearer revoked-key"  # it was sent, not shown


async def test_redirects_are_not_followed(sandbox: Sandbox, braze, rudder):
    # Braze answers with a redirect to another server: the bot does not go there.
    braze.fail_batch(status=307, times=None, headers={"Location": f"{rudder.url}/v1/batch"})
    status, body = await post(
        sandbox, "/actions/braze/execute", braze_payload(braze, attachment=inline(users(3)))
    )
    assert status == 502 and "batch 1 (rows 1–3): Braze answered 307" in body["looker"]["message"]
    assert [b.status for b in braze.batches] == [307] and rudder.batches == []


async def test_an_action_hub_key_authorizes(sandbox: Sandbox, braze):
    key = action_hub_key(TOKEN, "a-nonce")
    headers = {"Authorization": f'Token token="{key}"'}
    payload = braze_payload(braze, attachment=inline(users(2)))
    status, body = await post(sandbox, "/actions/braze/execute", payload, headers=headers)
    assert status == 200 and braze.accepted_count() == 2
    status, body = await post(sandbox, "/actions/braze/form", headers=headers)
    assert status == 200 and body[0]["name"] == "braze_key"


async def test_braze_stops_at_its_limit_per_run(looker, braze: BrazeEmulator):
    async with hub(looker, braze, braze_max_rows=100) as sandbox:
        status, body = await post(
            sandbox, "/actions/braze/execute", braze_payload(braze, attachment=inline(users(130)))
        )
    assert status == 200 and body["looker"]["success"] is False
    assert body["looker"]["message"] == (
        "Sent 100 rows to Braze in 2 batches. Stopped after 100 rows, the most Braze takes per "
        "run: the rest of the result was not sent."
    )
    assert braze.accepted_count() == 100


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        (
            {"braze_api_endpoint": "https://rest.iad-01.braze.com"},
            {"braze_api_key": "Braze REST API Key (braze_api_key) is required"},
        ),
        (
            {"braze_api_key": "k", "braze_api_endpoint": "https://evil.example.com"},
            {"braze_api_endpoint": "must be your instance's REST endpoint"},
        ),
        (
            {"braze_api_key": "k", "braze_api_endpoint": "http://rest.iad-01.braze.com"},
            {"braze_api_endpoint": "an https URL"},
        ),
        (
            {"braze_api_key": "k", "braze_api_endpoint": "https://rest.iad-01.braze.com/x"},
            {"braze_api_endpoint": "nothing after the host"},
        ),
        (
            {"braze_api_key": "k", "braze_api_endpoint": "https://rest.iad-01.braze.com.evil.io"},
            {"braze_api_endpoint": "rest.<cluster>.braze.com"},
        ),
        (
            {"braze_api_key": "k", "braze_api_endpoint": "http://127.0.0.1:9/"},
            {"braze_api_endpoint": "an https URL"},
        ),
        ({}, {"braze_api_key": "is required", "braze_api_endpoint": "is required"}),
    ],
)
async def test_bad_braze_params_are_rejected_before_anything_is_sent(
    sandbox: Sandbox, braze, params, errors
):
    url = sandbox.looker.serve_download(
        lambda: [json.dumps(json_detail(USER_FIELDS, users(3))).encode()]
    )
    payload = braze_payload(braze, scheduled_plan={"download_url": url}, data=params)
    status, body = await post(sandbox, "/actions/braze/execute", payload)
    assert status == 400 and body["looker"]["success"] is False
    found = body["looker"]["validation_errors"]
    assert set(found) == set(errors)
    for name, text in errors.items():
        assert text in found[name] and text in body["looker"]["message"]
    assert braze.batches == []
    assert sandbox.looker.requests_to("^/downloads") == []  # the one-time URL is not used up


async def test_bad_braze_form_values(sandbox: Sandbox, braze):
    payload = braze_payload(
        braze,
        attachment=inline(users(2)),
        form_params={"braze_key": "email", "braze_segment": "x" * 300},
    )
    status, body = await post(sandbox, "/actions/braze/execute", payload)
    assert status == 400
    assert body["looker"]["validation_errors"] == {
        "braze_key": "Unique Key must be external_id or braze_id.",
        "braze_segment": "Export Label must be text of at most 255 characters.",
    }
    assert braze.batches == []


@pytest.mark.parametrize(
    ("fields", "key", "text"),
    [
        ([field("users.id"), field("users.email")], "braze_id", "No field is tagged braze_id"),
        (
            [field("users.id", tags=["braze_id"]), field("users.other", tags=["braze_id"])],
            "braze_id",
            "Only one field may be tagged braze_id; these are: users.id, users.other.",
        ),
        (
            [field("users.id", tags=["braze_id"]), field("users.name", tags=["braze[first_name"])],
            "braze[first_name",
            'The tag "braze[first_name" on users.name is not braze[<attribute>]',
        ),
        (
            [field("users.id", tags=["braze_id"]), field("users.name", tags=["braze[]"])],
            "braze[]",
            "is not braze[<attribute>]",
        ),
        (
            [field("users.id", tags=["braze_id"]), field("users.x", tags=["braze[looker_export]"])],
            "braze[looker_export]",
            "names an attribute the action sets itself",
        ),
    ],
)
async def test_bad_braze_tags_are_rejected_before_anything_is_sent(
    sandbox: Sandbox, braze, fields, key, text
):
    rows = [{f["name"]: "v" for f in fields}]
    status, body = await post(
        sandbox, "/actions/braze/execute", braze_payload(braze, attachment=inline(rows, fields))
    )
    assert status == 400 and body["looker"]["success"] is False
    assert text in body["looker"]["validation_errors"][key]
    assert braze.batches == []


async def test_braze_refuses_pivoted_results(sandbox: Sandbox, braze):
    result = json_detail(USER_FIELDS, users(2))
    result["fields"]["pivots"] = [{"name": "users.plan"}]
    payload = braze_payload(braze, attachment={"data": json.dumps(result)})
    status, body = await post(sandbox, "/actions/braze/execute", payload)
    assert status == 400 and "pivoted" in body["looker"]["validation_errors"]["pivots"]
    assert braze.batches == []


@pytest.mark.parametrize(
    ("download_url", "text"),
    [
        ("https://evil.example.com/downloads/x", "must point to one of the bot's Looker"),
        ("ftp://x/y", "must be an http(s) URL"),
        (None, "The request carries no query result"),
    ],
)
async def test_results_only_come_from_looker(sandbox: Sandbox, braze, download_url, text):
    plan = {"download_url": download_url} if download_url else {}
    status, body = await post(
        sandbox, "/actions/braze/execute", braze_payload(braze, scheduled_plan=plan)
    )
    assert status == 400 and text in body["looker"]["message"]
    assert braze.batches == []


async def test_a_result_that_breaks_off_is_reported(sandbox: Sandbox, braze):
    def broken():
        parts = list(json_detail_parts(USER_FIELDS, users(100), rows_per_part=10))
        yield from parts[:6]  # the header and 50 rows, then the stream ends mid-document

    url = sandbox.looker.serve_download(broken)
    status, body = await post(
        sandbox,
        "/actions/braze/execute",
        braze_payload(braze, scheduled_plan={"download_url": url}),
    )
    assert status == 502 and body["looker"]["success"] is False
    assert body["looker"]["message"] == (
        "Sent 50 rows to Braze in 1 batch. Stopped early: The query result ended early, after "
        "row 50."
    )
    assert braze.accepted_count() == 50


@pytest.mark.timeout(180)  # tracemalloc slows everything down several times
async def test_a_100000_row_stream_is_sent_with_bounded_memory(looker: LookerEmulator):
    rows, served = 100_000, [0]
    fields = [
        field("users.id", tags=["braze_id"]),
        field("users.first_name", tags=["braze[first_name]"]),
        field("users.notes"),  # not sent to Braze, but part of the result
    ]

    def result():
        generated = (
            {"users.id": f"user-{i:06d}", "users.first_name": f"Name {i}", "users.notes": "n" * 180}
            for i in range(1, rows + 1)
        )
        for part in json_detail_parts(fields, generated, rows_per_part=200):
            served[0] += len(part)
            yield part

    async with BrazeEmulator(keep_records=False) as braze, hub(looker, braze) as sandbox:
        url = looker.serve_download(result)
        payload = braze_payload(braze, scheduled_plan={"download_url": url})
        tracemalloc.start()
        try:
            before, _ = tracemalloc.get_traced_memory()
            status, body = await post(sandbox, "/actions/braze/execute", payload)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert status == 200
    assert body["looker"]["message"] == "Sent 100,000 rows to Braze in 1,334 batches."
    assert braze.accepted_count() == rows and len(braze.accepted) == 1334
    assert {b.first_id for b in braze.accepted} >= {"user-000001", "user-099976"}
    growth = peak - before
    print(
        f"\n100,000 rows: {served[0] / 1e6:.1f} MB of JSON streamed; peak growth {growth / 1e6:.2f} MB"
    )
    # Everything (the bot, the Looker and Braze emulators, this client) runs in this process
    # and is traced. Holding the result once, as text, would already exceed the bound.
    bound = 8 * 1024 * 1024
    assert served[0] > 3 * bound
    assert growth < bound


async def test_a_long_run_keeps_the_connection_alive(looker, braze: BrazeEmulator):
    async with hub(looker, braze, keepalive_after=0.05, keepalive_every=0.02) as sandbox:
        braze.hold()
        async with sandbox.session.post(
            sandbox.bot_url + "/actions/braze/execute",
            json=braze_payload(braze, attachment=inline(users(5))),
            headers=AUTH,
        ) as response:
            # The bot answered 200 before Braze did.
            assert response.status == 200
            assert braze.waiting.is_set() and braze.batches == []
            braze.release()
            text = await response.text()
    assert text.startswith("\n") and text.strip().startswith("{")
    assert json.loads(text)["looker"]["message"] == "Sent 5 rows to Braze in 1 batch."


# -- RudderStack ------------------------------------------------------------------------------------

RUDDER_FIELDS = [
    field("users.id", tags=["user_id"]),
    field("users.email", tags=["email"]),
    field("users.first_name"),
    field("users.lifetime_orders", type="number"),
    field("users.plan"),  # hidden in the query's visualization
]


def rudder_rows(count: int) -> list[dict[str, Any]]:
    return [
        {
            "users.id": f"user-{i:06d}",
            "users.email": f"u{i}@example.com",
            "users.first_name": f"Name {i}",
            "users.lifetime_orders": i,
            "users.plan": "gold",
        }
        for i in range(1, count + 1)
    ]


def basic(write_key: str) -> str:
    return "Basic " + base64.b64encode(f"{write_key}:".encode()).decode()


async def test_rudderstack_identify(sandbox: Sandbox, rudder: RudderStackEmulator):
    payload = rudder_payload(rudder, attachment=inline(rudder_rows(250), RUDDER_FIELDS))
    status, body = await post(sandbox, "/actions/rudderstack_identify/execute", payload)
    assert status == 200
    assert body["looker"]["message"] == "Sent 250 rows to RudderStack in 3 batches."
    assert sorted(b.count for b in rudder.batches) == [50, 100, 100]
    assert {b.authorization for b in rudder.batches} == {basic(DEFAULT_WRITE_KEY)}
    assert all(b.extra["sentAt"].endswith("Z") for b in rudder.batches)
    calls = sorted(rudder.records(), key=lambda c: c["userId"])
    first = calls[0]
    assert uuid.UUID(first["messageId"]) and len({c["messageId"] for c in calls}) == 250
    del first["messageId"]
    assert first == {
        "type": "identify",
        "userId": "user-000001",
        "traits": {
            "users.first_name": "Name 1",
            "users.lifetime_orders": 1,
            "email": "u1@example.com",
        },
        "context": {
            "library": {"name": "lookerbot", "version": first["context"]["library"]["version"]}
        },
        "timestamp": "2026-09-30T08:00:00.000Z",
    }


async def test_rudderstack_track_and_group(sandbox: Sandbox, rudder: RudderStackEmulator):
    fields = [*RUDDER_FIELDS, field("accounts.id", tags=["rudder_group_id"])]
    rows = [{**r, "accounts.id": f"acct-{i % 2}"} for i, r in enumerate(rudder_rows(3))]
    track = rudder_payload(
        rudder, attachment=inline(rows, fields), form_params={"event": "Plan Renewed"}
    )
    status, body = await post(sandbox, "/actions/rudderstack_track/execute", track)
    assert status == 200 and body["looker"]["success"] is True
    call = next(c for c in rudder.records() if c["userId"] == "user-000002")
    assert (call["type"], call["event"]) == ("track", "Plan Renewed")
    assert call["properties"] == {"users.first_name": "Name 2", "users.lifetime_orders": 2}
    assert call["context"]["traits"] == {"email": "u2@example.com"}
    group = rudder_payload(rudder, attachment=inline(rows, fields))
    status, body = await post(sandbox, "/actions/rudderstack_group/execute", group)
    assert status == 200 and body["looker"]["message"] == "Sent 3 rows to RudderStack in 1 batch."
    calls = [c for c in rudder.records() if c["type"] == "group"]
    assert [(c["userId"], c["groupId"]) for c in calls] == [
        ("user-000001", "acct-0"),
        ("user-000002", "acct-1"),
        ("user-000003", "acct-0"),
    ]


async def test_rows_identified_by_email_only_get_a_stable_anonymous_id(sandbox, rudder):
    fields = [field("users.email", tags=["email"]), field("users.city")]
    rows = [
        {"users.email": "a@example.com", "users.city": "Paris"},
        {"users.email": None, "users.city": "Oslo"},
    ]
    for _ in range(2):
        status, body = await post(
            sandbox,
            "/actions/rudderstack_identify/execute",
            rudder_payload(rudder, attachment=inline(rows, fields)),
        )
        assert (
            status == 200
            and "Skipped 1 row with no user (or group) id." in body["looker"]["message"]
        )
    first, second = rudder.records()
    assert "userId" not in first and first["anonymousId"] == second["anonymousId"]
    assert first["traits"] == {"users.city": "Paris", "email": "a@example.com"}


async def test_a_failing_rudderstack_batch_is_retried_and_reported(sandbox: Sandbox, rudder):
    rudder.fail_batch("user-000150", status=429, times=1, headers={"Retry-After": "0"})
    rudder.fail_batch("user-000250", status=502, times=None)
    payload = rudder_payload(rudder, attachment=inline(rudder_rows(300), RUDDER_FIELDS))
    status, body = await post(sandbox, "/actions/rudderstack_identify/execute", payload)
    assert status == 502
    assert body["looker"]["message"] == (
        "Sent 200 of 300 rows to RudderStack (3 batches). 1 of 3 batches failed: batch 3 "
        "(rows 201–300): RudderStack answered 502 (emulated failure), 4 attempts."
    )
    by_batch = {}
    for batch in rudder.batches:
        by_batch.setdefault(batch.first_id, []).append(batch.status)
    assert by_batch == {"user-000001": [200], "user-000101": [429, 200], "user-000201": [502] * 4}


@pytest.mark.parametrize(
    ("action", "fields", "form", "errors"),
    [
        (
            "rudderstack_identify",
            [field("users.id"), field("users.name")],
            {},
            {"identifier": "No field identifies the user: tag one field user_id, email or "},
        ),
        (
            "rudderstack_group",
            [field("users.id", tags=["user_id"])],
            {},
            {"rudder_group_id": "No field is tagged rudder_group_id"},
        ),
        (
            "rudderstack_identify",
            [field("users.id", tags=["user_id"]), field("users.other", tags=["user_id"])],
            {},
            {"user_id": "Only one field may be tagged user_id"},
        ),
        (
            "rudderstack_track",
            [field("users.id", tags=["user_id"])],
            {"event": " "},
            {"event": "Event Name is required"},
        ),
    ],
)
async def test_bad_rudderstack_tags_and_forms_are_rejected(
    sandbox: Sandbox, rudder, action, fields, form, errors
):
    rows = [{f["name"]: "x" for f in fields}]
    payload = rudder_payload(rudder, attachment=inline(rows, fields), form_params=form)
    status, body = await post(sandbox, f"/actions/{action}/execute", payload)
    assert status == 400 and body["looker"]["success"] is False
    found = body["looker"]["validation_errors"]
    assert set(found) == set(errors)
    for key, text in errors.items():
        assert text in found[key]
    assert rudder.batches == []


@pytest.mark.parametrize(
    ("params", "key", "text"),
    [
        ({"rudder_server_url": "https://hosted.rudderlabs.com"}, "rudder_write_key", "is required"),
        (
            {"rudder_write_key": "k", "rudder_server_url": "http://hosted.rudderlabs.com"},
            "rudder_server_url",
            "must be an https URL",
        ),
        (
            {"rudder_write_key": "k", "rudder_server_url": "https://10.1.2.3/v1/batch"},
            "rudder_server_url",
            "private",
        ),
        (
            {"rudder_write_key": "k", "rudder_server_url": "https://localhost:8080"},
            "rudder_server_url",
            "loopback",
        ),
        (
            {"rudder_write_key": "k", "rudder_server_url": "https://u:p@hosted.rudderlabs.com"},
            "rudder_server_url",
            "without a user name",
        ),
    ],
)
async def test_bad_rudderstack_params_are_rejected(sandbox: Sandbox, rudder, params, key, text):
    payload = rudder_payload(rudder, attachment=inline(rudder_rows(1), RUDDER_FIELDS), data=params)
    status, body = await post(sandbox, "/actions/rudderstack_identify/execute", payload)
    assert status == 400 and text in body["looker"]["validation_errors"][key]
    assert rudder.batches == []


async def test_a_wrong_write_key_stops_the_run(sandbox: Sandbox, rudder):
    payload = rudder_payload(rudder, attachment=inline(rudder_rows(3), RUDDER_FIELDS))
    payload["data"]["rudder_write_key"] = "wrong"
    status, body = await post(sandbox, "/actions/rudderstack_identify/execute", payload)
    assert status == 502
    assert (
        "RudderStack refused the credentials (401: Invalid write key)" in body["looker"]["message"]
    )
    assert [b.status for b in rudder.batches] == [401]


async def test_a_dashboard_without_its_rendering_is_refused_with_a_reason(sandbox: Sandbox):
    payload = {
        "type": "dashboard",
        "scheduled_plan": {
            "scheduled_plan_id": 1,
            "title": "Revenue",
            "type": "Dashboard",
            "url": f"{sandbox.looker.url}/dashboards/2",
        },
        "attachment": {"mimetype": "image/png;base64", "extension": "png", "data": "bm90IGEgcG5n"},
        "form_params": {"channel": "C0GENERAL"},
        "data": None,
    }
    status, body = await post(sandbox, "/slack/post_from_query_action", payload)
    assert status == 400
    assert body["looker"]["success"] is False and "wysiwyg_png" in body["looker"]["message"]
    assert not sandbox.slack.visible_messages("C0GENERAL")
