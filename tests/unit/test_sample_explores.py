"""The emulator's three Explores: their rows hold what tests/fixtures/ask_explores.md lists,
look like real data, and the query engine answers every kind of measure they have."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest

from lookerbot.sandbox.query_engine import QueryError, run_query
from lookerbot.sandbox.sample_data import (
    EXPLORES,
    SUBSCRIPTIONS,
    TICKETS,
    Dataset,
    generate,
    generate_all,
)
from tests.explore_spec import spec_explores

TODAY = date(2026, 9, 30)
DATA = generate_all(TODAY)
SUBS = DATA["saas/subscriptions"]
TICKET_DATA = DATA["support/tickets"]


def values(dataset: Dataset, query: dict[str, Any]) -> list[dict[str, Any]]:
    """The result's values, row by row (pivoted measures as {pivot key: value})."""
    explore = dataset.explore
    result = run_query(
        {"model": explore.model, "view": explore.name, **query}, dataset, looker_url=""
    )
    return [
        {
            name: {k: c["value"] for k, c in cell.items()} if "value" not in cell else cell["value"]
            for name, cell in row.items()
        }
        for row in result["data"]
    ]


def single(dataset: Dataset, fields: list[str], **query: Any) -> dict[str, Any]:
    (row,) = values(dataset, {"fields": fields, **query})
    return row


# -- what the page lists ---------------------------------------------------------------------


def test_the_emulator_has_the_pages_three_explores():
    assert (
        list(EXPLORES)
        == list(spec_explores())
        == [
            "thelook/orders",
            "saas/subscriptions",
            "support/tickets",
        ]
    )
    for key, spec in spec_explores().items():
        explore = EXPLORES[key]
        assert [f.name for f in explore.fields] == list(spec.fields), key
        assert (explore.label, explore.description) == (spec.label, spec.description)


@pytest.mark.parametrize("key", list(EXPLORES))
def test_every_listed_value_occurs_and_only_those(key):
    spec = spec_explores()[key]
    rows = DATA[key].rows
    for name, listed in spec.values.items():
        assert {r[name] for r in rows} == set(listed), name
    suggestable = {f.name for f in EXPLORES[key].fields if f.suggestable}
    assert suggestable == set(spec.values)


@pytest.mark.parametrize("key", list(EXPLORES))
def test_rows_are_dated_over_the_pages_span_up_to_today(key):
    spec = spec_explores()[key]
    group = next(f.dimension_group for f in EXPLORES[key].fields if f.dimension_group)
    days = [r[f"{group}_date"] for r in DATA[key].rows]
    first = TODAY - timedelta(days=spec.span_days - 1)
    assert first <= min(days) < first + timedelta(days=14)
    assert TODAY - timedelta(days=3) <= max(days) <= TODAY


def test_rows_follow_from_today_and_seed():
    again = generate_all(TODAY)
    assert {k: d.rows for k, d in again.items()} == {k: d.rows for k, d in DATA.items()}
    assert generate_all(TODAY, seed=8)["saas/subscriptions"].rows != SUBS.rows
    # The shop's orders are those the single-Explore emulator generated.
    assert DATA["thelook/orders"].rows == generate(TODAY).rows
    later = generate_all(TODAY + timedelta(days=10))["support/tickets"].rows
    shifted = [
        {**r, "tickets.created_date": r["tickets.created_date"] - timedelta(days=10)} for r in later
    ]
    assert shifted == TICKET_DATA.rows


def test_row_counts():
    assert {k: len(d.rows) for k, d in DATA.items()} == {
        "thelook/orders": 600,
        "saas/subscriptions": 300,
        "support/tickets": 1500,
    }
    assert len(SUBSCRIPTIONS.dataset(TODAY, rows=40).rows) == 40


# -- realistic ---------------------------------------------------------------------------------


def test_each_account_keeps_its_segment_industry_and_country_and_each_agent_its_team():
    accounts: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for r in SUBS.rows:
        accounts[r["accounts.name"]].add(
            (r["accounts.segment"], r["accounts.industry"], r["accounts.country"])
        )
    assert len(accounts) == 20 and all(len(kinds) == 1 for kinds in accounts.values())
    teams: dict[str, set[str]] = defaultdict(set)
    for r in TICKET_DATA.rows:
        teams[r["agents.name"]].add(r["agents.team"])
    assert len(teams) == 10 and all(len(t) == 1 for t in teams.values())


def test_bigger_accounts_have_more_seats_and_mrr_and_churn_less():
    by_segment = {
        row["accounts.segment"]: row
        for row in values(
            SUBS,
            {
                "fields": [
                    "accounts.segment",
                    "accounts.count",
                    "subscriptions.average_seats",
                    "subscriptions.arpu",
                    "subscriptions.churn_rate",
                ]
            },
        )
    }
    smb, mid, ent = (by_segment[s] for s in ("SMB", "Mid-Market", "Enterprise"))
    for measure in ("subscriptions.average_seats", "subscriptions.arpu"):
        assert smb[measure] < mid[measure] < ent[measure], measure
    assert smb["subscriptions.churn_rate"] > mid["subscriptions.churn_rate"]
    assert mid["subscriptions.churn_rate"] > ent["subscriptions.churn_rate"]


def test_trials_are_recent_and_bring_no_mrr():
    trials = [r for r in SUBS.rows if r["subscriptions.status"] == "trialing"]
    assert trials and all(TODAY - r["subscriptions.signup_date"] < timedelta(30) for r in trials)
    row = single(
        SUBS,
        ["subscriptions.total_mrr", "subscriptions.count"],
        filters={"subscriptions.status": "trialing"},
    )
    assert row == {"subscriptions.total_mrr": 0, "subscriptions.count": len(trials)}


def test_urgent_tickets_are_answered_and_resolved_faster():
    rows = values(
        TICKET_DATA,
        {
            "fields": [
                "tickets.priority",
                "tickets.average_resolution_hours",
                "tickets.average_first_response_minutes",
            ]
        },
    )
    hours = {r["tickets.priority"]: r["tickets.average_resolution_hours"] for r in rows}
    assert hours["Urgent"] < hours["High"] < hours["Normal"] < hours["Low"]
    minutes = {r["tickets.priority"]: r["tickets.average_first_response_minutes"] for r in rows}
    assert minutes["Urgent"] < minutes["Low"]


def test_only_solved_tickets_have_a_resolution_time_and_a_rating():
    for r in TICKET_DATA.rows:
        solved = r["tickets.status"] in ("solved", "closed")
        assert (r["tickets.resolution_hours"] is not None) == solved
        assert r["tickets.csat_rating"] is None or (solved and 1 <= r["tickets.csat_rating"] <= 5)
        assert r["tickets.is_escalated"] == (r["agents.team"] == "Escalations")
    ratings = [r["tickets.csat_rating"] for r in TICKET_DATA.rows if r["tickets.csat_rating"]]
    assert len(set(ratings)) == 5
    (row,) = values(TICKET_DATA, {"fields": ["tickets.csat"]})
    assert row["tickets.csat"] == round(sum(ratings) / len(ratings), 2)
    assert 3.5 < row["tickets.csat"] < 4.5


# -- the query engine on the new Explores ---------------------------------------------------


def test_mrr_by_segment_adds_up_and_arr_is_twelve_times_mrr():
    by_segment = values(
        SUBS,
        {
            "fields": ["accounts.segment", "subscriptions.total_mrr", "subscriptions.total_arr"],
            "sorts": ["subscriptions.total_mrr desc"],
        },
    )
    assert [r["accounts.segment"] for r in by_segment] == ["Enterprise", "Mid-Market", "SMB"]
    total = single(SUBS, ["subscriptions.total_mrr", "subscriptions.total_arr"])
    paying = [r for r in SUBS.rows if r["subscriptions.status"] in ("active", "past due")]
    assert total["subscriptions.total_mrr"] == round(
        sum(r["subscriptions.monthly_price"] for r in paying), 2
    )
    assert sum(r["subscriptions.total_mrr"] for r in by_segment) == pytest.approx(
        total["subscriptions.total_mrr"], abs=0.01
    )
    for row in [*by_segment, total]:
        assert row["subscriptions.total_arr"] == pytest.approx(
            12 * row["subscriptions.total_mrr"], abs=0.01
        )


def test_churn_rate_and_arpu_are_computed_from_other_columns():
    row = single(
        SUBS,
        [
            "subscriptions.churn_rate",
            "subscriptions.churned_count",
            "subscriptions.count",
            "subscriptions.arpu",
            "subscriptions.total_mrr",
        ],
    )
    churned = sum(1 for r in SUBS.rows if r["subscriptions.status"] == "churned")
    assert row["subscriptions.churned_count"] == churned > 0
    assert row["subscriptions.churn_rate"] == round(churned / len(SUBS.rows), 4)
    paying_accounts = {
        r["accounts.name"] for r in SUBS.rows if r["subscriptions.status"] in ("active", "past due")
    }
    assert row["subscriptions.arpu"] == round(
        row["subscriptions.total_mrr"] / len(paying_accounts), 2
    )
    result = run_query(
        {"model": "saas", "view": "subscriptions", "fields": ["subscriptions.churn_rate"]},
        SUBS,
        looker_url="",
    )
    cell = result["data"][0]["subscriptions.churn_rate"]
    assert cell["rendered"] == f"{row['subscriptions.churn_rate'] * 100:.1f}%"
    assert result["fields"]["measures"][0]["value_format"] == "0.0%"


def test_tickets_by_priority_add_up_to_all_tickets_and_a_date_filter_restricts_them():
    by_priority = values(TICKET_DATA, {"fields": ["tickets.priority", "tickets.count"]})
    assert sorted(r["tickets.priority"] for r in by_priority) == [
        "High",
        "Low",
        "Normal",
        "Urgent",
    ]
    assert sum(r["tickets.count"] for r in by_priority) == len(TICKET_DATA.rows) == 1500
    last_month = values(
        TICKET_DATA,
        {
            "fields": ["tickets.priority", "tickets.count"],
            "filters": {"tickets.created_date": "last month"},
        },
    )
    in_august = sum(
        1
        for r in TICKET_DATA.rows
        if date(2026, 8, 1) <= r["tickets.created_date"] < date(2026, 9, 1)
    )
    assert sum(r["tickets.count"] for r in last_month) == in_august
    assert 0 < in_august < 1500 / 12


def test_timeframes_number_filters_pivots_sorts_and_limits():
    months = values(
        SUBS,
        {
            "fields": ["subscriptions.signup_month", "subscriptions.count"],
            "sorts": ["subscriptions.signup_month"],
        },
    )
    assert [m["subscriptions.signup_month"] for m in months][:2] == ["2024-10", "2024-11"]
    assert months[-1]["subscriptions.signup_month"] == "2026-09"
    assert len(months) == 24
    # A null resolution time (an open ticket) matches no number filter.
    (slow,) = values(
        TICKET_DATA,
        {"fields": ["tickets.count"], "filters": {"tickets.resolution_hours": ">24"}},
    )
    assert slow["tickets.count"] == sum(
        1 for r in TICKET_DATA.rows if (r["tickets.resolution_hours"] or 0) > 24
    )
    pivoted = values(
        TICKET_DATA,
        {
            "fields": ["agents.team", "tickets.priority", "tickets.count"],
            "pivots": ["tickets.priority"],
        },
    )
    for row in pivoted:
        team_total = sum(1 for r in TICKET_DATA.rows if r["agents.team"] == row["agents.team"])
        assert sum(row["tickets.count"].values()) == team_total
    top = values(
        TICKET_DATA,
        {
            "fields": ["agents.name", "tickets.escalated_count"],
            "sorts": ["tickets.escalated_count desc"],
            "limit": "2",
        },
    )
    assert {r["agents.name"] for r in top} == {"Olivia Brown", "Noah Williams"}


def test_a_drill_link_opens_the_queries_own_explore():
    result = run_query(
        {"model": "support", "view": "tickets", "fields": ["agents.team", "tickets.count"]},
        TICKET_DATA,
        looker_url="",
    )
    (link,) = result["data"][0]["tickets.count"]["links"]
    assert link["url"].startswith(
        "/explore/support/tickets?fields=tickets.id,tickets.priority,tickets.status,agents.name&"
        "f[agents.team]="
    )
    assert result["sql"] == "-- emulated query on 1500 tickets"


def test_a_query_on_another_explore_or_field_is_refused():
    with pytest.raises(QueryError, match="support/tickets"):
        run_query(
            {"model": "thelook", "view": "orders", "fields": ["orders.count"]},
            TICKET_DATA,
            looker_url="",
        )
    with pytest.raises(QueryError, match=r"Unknown field orders\.count"):
        run_query(
            {"model": "support", "view": "tickets", "fields": ["orders.count"]},
            TICKET_DATA,
            looker_url="",
        )
    assert TICKETS.fields_by_name.get("tickets.csat_rating") is None  # a column, no field
