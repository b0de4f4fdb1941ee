"""The emulator's query engine answers the measures, timeframes and filters ask relies on."""

from __future__ import annotations

from datetime import date

import pytest

from lookerbot.sandbox.query_engine import QueryError, run_query
from lookerbot.sandbox.sample_data import generate

TODAY = date(2026, 9, 30)
DATA = generate(TODAY)


def values(query: dict) -> list[dict]:
    result = run_query({"model": "thelook", "view": "orders", **query}, DATA, looker_url="")
    return [{k: cell["value"] for k, cell in row.items()} for row in result["data"]]


def test_net_revenue_returned_orders_and_largest_order():
    (row,) = values(
        {
            "fields": [
                "orders.total_revenue",
                "orders.net_revenue",
                "orders.returned_count",
                "orders.largest_order",
            ]
        }
    )
    rows = DATA.rows
    complete = [r["orders.amount"] for r in rows if r["orders.status"] == "complete"]
    assert row["orders.net_revenue"] == round(sum(complete), 2)
    assert 0 < row["orders.net_revenue"] < row["orders.total_revenue"]
    assert row["orders.returned_count"] == sum(1 for r in rows if r["orders.status"] == "returned")
    assert row["orders.largest_order"] == max(r["orders.amount"] for r in rows)


def test_quarters_group_and_filter():
    quarters = values(
        {"fields": ["orders.created_quarter", "orders.count"], "sorts": ["orders.created_quarter"]}
    )
    assert [q["orders.created_quarter"] for q in quarters] == [
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
    ]
    (last,) = values(
        {"fields": ["orders.count"], "filters": {"orders.created_date": "last quarter"}}
    )
    in_q2 = sum(
        1 for r in DATA.rows if date(2026, 4, 1) <= r["orders.created_date"] < date(2026, 7, 1)
    )
    assert last["orders.count"] == in_q2 > 0


def test_a_filter_on_a_measure_keeps_the_groups_whose_measure_meets_it():
    # Looker applies a filter on a measure to each group (SQL HAVING), not to each row
    every = values({"fields": ["customers.region", "orders.count"]})
    counts = sorted(r["orders.count"] for r in every)
    threshold = counts[len(counts) // 2]  # some regions above it, some not
    kept = values(
        {
            "fields": ["customers.region", "orders.count"],
            "filters": {"orders.count": f">{threshold}"},
        }
    )
    assert kept and len(kept) < len(every)
    assert sorted(r["customers.region"] for r in kept) == sorted(
        r["customers.region"] for r in every if r["orders.count"] > threshold
    )
    # a measure that is not a field of the query filters its groups too
    same = values({"fields": ["customers.region"], "filters": {"orders.count": f">{threshold}"}})
    assert sorted(r["customers.region"] for r in same) == sorted(
        r["customers.region"] for r in kept
    )


def test_a_filter_on_a_measure_in_a_pivoted_query_is_refused_with_its_reason():
    query = {
        "fields": ["customers.region", "orders.status", "orders.count"],
        "pivots": ["orders.status"],
        "filters": {"orders.count": ">5"},
    }
    with pytest.raises(QueryError, match="measures in pivoted queries"):
        values(query)
