"""The Looker emulator serves the three Explores of tests/fixtures/ask_explores.md through its
API, as the official looker_sdk (and the bot's own client) reads them: models, Explore
metadata, value suggestions and queries (saved and inline), with 404 for what is not there."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from looker_sdk import error as sdk_error
from looker_sdk.sdk.api40 import models as mdls

from lookerbot.looker.sdk_client import SdkLookerClient
from lookerbot.sandbox.demo import DEMO_ASK_EXPLORES, Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from tests.explore_spec import spec_explores
from tests.helpers import text_of
from tests.integration.test_looker_contract import official_sdk, refused, sdk_call

SPEC = spec_explores()
FORMATS = {"money": "$#,##0.00", "percent": "0.0%", None: None}


def write_query(model: str, view: str, fields: list[str], **extra: Any) -> mdls.WriteQuery:
    return mdls.WriteQuery(model=model, view=view, fields=fields, **extra)


def rows_of(raw: str | bytes) -> list[dict[str, Any]]:
    """A ``json`` result: one dict of values per row."""
    return list(json.loads(raw))


@pytest.fixture
def sdk(looker: LookerEmulator):
    return official_sdk(looker)


# -- models and Explores -------------------------------------------------------------------


async def test_the_models_list_the_three_explores(sdk, looker):
    models = await sdk_call(sdk.all_lookml_models)
    assert [(m.name, m.label, [e.name for e in m.explores]) for m in models] == [
        ("thelook", "The Look", ["orders"]),
        ("saas", "SaaS", ["subscriptions"]),
        ("support", "Support", ["tickets"]),
    ]
    assert [m.name for m in await sdk_call(lambda: sdk.all_lookml_models(limit=1, offset=1))] == [
        "saas"
    ]
    saas = await sdk_call(lambda: sdk.lookml_model("saas"))
    (nav,) = saas.explores
    assert (nav.label, nav.description) == (
        SPEC["saas/subscriptions"].label,
        SPEC["saas/subscriptions"].description,
    )
    assert refused(looker) == [] and looker.contract_violations == []


@pytest.mark.parametrize("key", list(SPEC))
async def test_each_explore_has_the_pages_fields_labels_tags_and_formats(sdk, looker, key):
    spec = SPEC[key]
    model, name = key.split("/")
    explore = await sdk_call(lambda: sdk.lookml_model_explore(model, name))
    assert (explore.model_name, explore.name, explore.view_name) == (model, name, name)
    assert (explore.label, explore.description) == (spec.label, spec.description)
    fields = [*(explore.fields.dimensions or []), *(explore.fields.measures or [])]
    assert [f.name for f in fields] == list(spec.fields)
    assert {f.view for f in fields} == set(explore.scopes or [])
    for f in fields:
        want = spec.fields[f.name]
        assert f.category is not None and f.category.value == want.category, f.name
        assert (f.label, f.type, f.tags) == (want.label, want.type, list(want.tags)), f.name
        assert f.label == f"{f.view_label} {f.label_short}", f.name
        assert f.value_format == FORMATS[want.value_format], f.name
        assert f.primary_key == want.primary_key, f.name
        # A dimension group's description is its date's (as in the shop's Explore).
        described = want.group_description if f.type == "date_date" else want.description
        assert f.description == described, f.name
        assert f.suggestable == (f.name in spec.values), f.name
        assert f.is_numeric == (f.type != "string" and not f.type.startswith("date")), f.name
        if f.suggestable:
            assert (f.suggest_explore, f.suggest_dimension) == (name, f.name)
    assert refused(looker) == [] and looker.contract_violations == []


async def test_the_bots_client_reads_the_new_explores(looker):
    client = SdkLookerClient(instance=looker.instance_settings(), timeout=10)
    try:
        tickets = await client.explore("support", "tickets")
        subscriptions = await client.explore("saas", "subscriptions")
    finally:
        await client.aclose()
    assert tickets.label == "Support Tickets" and len(tickets.fields) == len(
        SPEC["support/tickets"].fields
    )
    churn = next(f for f in subscriptions.fields if f.name == "subscriptions.churn_rate")
    assert (churn.label, churn.type, churn.value_format) == (
        "Subscriptions Churn Rate",
        "number",
        "0.0%",
    )


# -- suggestions ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(SPEC))
async def test_suggestions_are_exactly_the_pages_values(sdk, looker, key):
    model, name = key.split("/")
    for field, listed in SPEC[key].values.items():
        found = await sdk_call(
            lambda field=field: sdk.model_fieldname_suggestions(model, name, field)
        )
        assert found.suggestions == sorted(listed), field
        assert found.hit_limit is False
    assert refused(looker) == [] and looker.contract_violations == []


async def test_suggestions_take_a_term(sdk):
    found = await sdk_call(
        lambda: sdk.model_fieldname_suggestions(
            "saas", "subscriptions", "accounts.country", "united"
        )
    )
    assert found.suggestions == ["United Kingdom", "United States"]


async def test_an_access_filter_limits_the_explores_that_have_its_field(looker):
    # Bob (user 3) sees SMB accounts only, and East in the shop; tickets have neither field.
    looker.state.access_filters["3"] = {"accounts.segment": "SMB", "customers.region": "East"}
    admin = SdkLookerClient(instance=looker.instance_settings(), timeout=10)
    bob = admin.as_user("3")
    try:
        names = await bob.field_suggestions("saas", "subscriptions", "accounts.name")
        regions = await bob.field_suggestions("thelook", "orders", "customers.region")
        teams = await bob.field_suggestions("support", "tickets", "agents.team")
        query = await bob.create_query(
            {
                "model": "saas",
                "view": "subscriptions",
                "fields": ["accounts.segment", "subscriptions.count"],
            }
        )
        result = await bob.run_query(query.id)
    finally:
        await admin.aclose()
    smb = sorted(
        {
            r["accounts.name"]
            for r in looker.state.datasets["saas/subscriptions"].rows
            if r["accounts.segment"] == "SMB"
        }
    )
    assert list(names.values) == smb and len(smb) == 6
    assert list(regions.values) == ["East"]
    assert list(teams.values) == ["Escalations", "Tier 1", "Tier 2"]
    assert [row["accounts.segment"].value for row in result.rows] == ["SMB"]


# -- queries ---------------------------------------------------------------------------------


async def test_an_inline_query_sums_mrr_by_segment(sdk, looker):
    by_segment = rows_of(
        await sdk_call(
            lambda: sdk.run_inline_query(
                "json",
                write_query(
                    "saas",
                    "subscriptions",
                    ["accounts.segment", "subscriptions.total_mrr", "subscriptions.total_arr"],
                    sorts=["accounts.segment"],
                ),
            )
        )
    )
    assert [r["accounts.segment"] for r in by_segment] == ["Enterprise", "Mid-Market", "SMB"]
    rows = looker.state.datasets["saas/subscriptions"].rows
    for row in by_segment:
        by_hand = sum(
            r["subscriptions.monthly_price"]
            for r in rows
            if r["accounts.segment"] == row["accounts.segment"]
            and r["subscriptions.status"] in ("active", "past due")
        )
        assert row["subscriptions.total_mrr"] == pytest.approx(by_hand, abs=0.01)
        assert row["subscriptions.total_arr"] == pytest.approx(
            12 * row["subscriptions.total_mrr"], abs=0.01
        )
    (total,) = rows_of(
        await sdk_call(
            lambda: sdk.run_inline_query(
                "json", write_query("saas", "subscriptions", ["subscriptions.total_mrr"])
            )
        )
    )
    assert sum(r["subscriptions.total_mrr"] for r in by_segment) == pytest.approx(
        total["subscriptions.total_mrr"], abs=0.01
    )
    # The limit parameter overrides the query's own.
    limited = await sdk_call(
        lambda: sdk.run_inline_query(
            "json", write_query("saas", "subscriptions", ["accounts.name"]), limit=3
        )
    )
    assert len(rows_of(limited)) == 3
    assert refused(looker) == [] and looker.contract_violations == []


async def test_a_saved_query_counts_tickets_by_priority_last_month(sdk, looker):
    query = await sdk_call(
        lambda: sdk.create_query(
            write_query(
                "support",
                "tickets",
                ["tickets.priority", "tickets.count"],
                filters={"tickets.created_date": "last month"},
                sorts=["tickets.count desc"],
            )
        )
    )
    assert query.url is not None and query.url.startswith(
        "/explore/support/tickets?fields=tickets.priority,tickets.count&qid="
    )
    result = json.loads(await sdk_call(lambda: sdk.run_query(query.id, "json_detail")))
    counts = {r["tickets.priority"]["value"]: r["tickets.count"]["value"] for r in result["data"]}
    assert list(counts.values()) == sorted(counts.values(), reverse=True)
    in_august = [
        r
        for r in looker.state.datasets["support/tickets"].rows
        if date(2026, 8, 1) <= r["tickets.created_date"] < date(2026, 9, 1)
    ]
    assert sum(counts.values()) == len(in_august) > 0
    assert counts == {p: sum(1 for r in in_august if r["tickets.priority"] == p) for p in counts}
    link = result["data"][0]["tickets.count"]["links"][0]["url"]
    assert link.startswith("/explore/support/tickets?fields=tickets.id,")
    everything = rows_of(
        await sdk_call(
            lambda: sdk.run_inline_query(
                "json", write_query("support", "tickets", ["tickets.priority", "tickets.count"])
            )
        )
    )
    assert sum(r["tickets.count"] for r in everything) == 1500 > sum(counts.values())
    assert refused(looker) == [] and looker.contract_violations == []


async def test_churn_rate_is_a_percent_of_all_subscriptions(sdk):
    result = json.loads(
        await sdk_call(
            lambda: sdk.run_inline_query(
                "json_detail",
                write_query(
                    "saas",
                    "subscriptions",
                    [
                        "subscriptions.churn_rate",
                        "subscriptions.churned_count",
                        "subscriptions.count",
                    ],
                ),
            )
        )
    )
    (row,) = result["data"]
    churned, count = (
        row["subscriptions.churned_count"]["value"],
        row["subscriptions.count"]["value"],
    )
    rate = row["subscriptions.churn_rate"]
    assert rate["value"] == round(churned / count, 4)
    assert rate["rendered"] == f"{100 * churned / count:.1f}%"


# -- what is not there -----------------------------------------------------------------------


async def test_an_unknown_model_or_explore_is_not_found(sdk, looker):
    calls = [
        lambda: sdk.lookml_model("nope"),
        lambda: sdk.lookml_model_explore("saas", "orders"),
        lambda: sdk.lookml_model_explore("nope", "tickets"),
        lambda: sdk.model_fieldname_suggestions("support", "subscriptions", "accounts.name"),
        # A field of another Explore is no field of this one.
        lambda: sdk.model_fieldname_suggestions("saas", "subscriptions", "customers.region"),
        lambda: sdk.run_inline_query("json", write_query("saas", "tickets", ["tickets.count"])),
    ]
    for call in calls:
        with pytest.raises(sdk_error.SDKError) as failed:
            await sdk_call(call)
        assert "Not found" in str(failed.value)
    saved = await sdk_call(
        lambda: sdk.create_query(write_query("support", "orders", ["orders.count"]))
    )
    with pytest.raises(sdk_error.SDKError):
        await sdk_call(lambda: sdk.run_query(saved.id, "json"))
    assert [r.split()[-1] for r in refused(looker)] == ["404"] * (len(calls) + 1)


# -- the demo's ask ----------------------------------------------------------------------------


async def test_the_demo_asks_all_three_explores(looker):
    assert DEMO_ASK_EXPLORES == ("thelook/orders", "saas/subscriptions", "support/tickets")
    async with Sandbox(looker=looker, ask_explores=DEMO_ASK_EXPLORES) as sandbox:
        for question in ("ask churn rate by segment", "ask tickets by priority last month"):
            await sandbox.driver.dm(question, user="U0ALICE")
            await sandbox.settle()
        messages = sandbox.slack.visible_messages(sandbox.slack.dm_channel("U0ALICE"))
        answers = [text_of(m) for m in messages if not m.files]
    created = [r.body for r in looker.requests_to("^/queries$", method="POST")]
    assert [(q["model"], q["view"], q["fields"]) for q in created] == [
        ("saas", "subscriptions", ["accounts.segment", "subscriptions.churn_rate"]),
        ("support", "tickets", ["tickets.priority", "tickets.count"]),
    ]
    assert any("Churn Rate by Segment" in a and "%" in a for a in answers)
    assert any(f"{looker.url}/explore/support/tickets?" in a for a in answers)
