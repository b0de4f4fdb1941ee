"""The emulator's query engine answers the measures, timeframes and filters ask relies on."""

from __future__ import annotations

from datetime import date

from lookerbot.sandbox.query_engine import run_query
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
