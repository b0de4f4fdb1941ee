"""Follow-up questions in the thread of an ask answer (issue 17), through the real app: they
refine the answer's query, say what was run, draw it as a chart, survive a restart, and run
as the person who writes them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from lookerbot.ask.followup import refine
from lookerbot.ask.parser import parse
from lookerbot.ask.spec import NotUnderstood, QuerySpec
from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.slack_emulator import PostedMessage, SlackEmulator
from lookerbot.state import MemoryState, SqliteState
from tests.ask_support import explore_question, shop
from tests.helpers import text_of

EXPLORES = ("thelook/orders",)


def created(looker: LookerEmulator) -> list[dict]:
    return [r.body for r in looker.requests_to("^/queries$", method="POST")]


async def dm(
    sandbox: Sandbox, text: str, *, user: str = "U0ALICE", thread_ts: str | None = None
) -> PostedMessage:
    """DM the bot (in a thread); its last answer that is not a file."""
    await sandbox.driver.dm(text, user=user, thread_ts=thread_ts)
    await sandbox.settle()
    channel = sandbox.slack.dm_channel(user)
    return [m for m in sandbox.slack.visible_messages(channel) if not m.files][-1]


async def test_a_follow_up_in_the_thread_refines_the_answer(looker: LookerEmulator):
    async with Sandbox(looker=looker, ask_explores=EXPLORES) as sandbox:
        answer = await dm(sandbox, "ask revenue by region last month")
        follow = await dm(sandbox, "now by category", thread_ts=answer.ts)
        assert follow.thread_ts == answer.ts  # answered in the thread
        assert text_of(follow).startswith(":mag: *Total Revenue by Category, last month*")
        only = await dm(sandbox, "just Jeans and Shoes", thread_ts=answer.ts)
        top = await dm(sandbox, "top 2 instead", thread_ts=answer.ts)
    bodies = created(looker)
    assert [(b["fields"], b["filters"], b["sorts"], b["limit"]) for b in bodies] == [
        (
            ["customers.region", "orders.total_revenue"],
            {"orders.created_date": "last month"},
            [],
            "500",
        ),
        (
            ["products.category", "orders.total_revenue"],
            {"orders.created_date": "last month"},
            [],
            "500",
        ),
        (
            ["products.category", "orders.total_revenue"],
            {"orders.created_date": "last month", "products.category": "Jeans,Shoes"},
            [],
            "500",
        ),
        (
            ["products.category", "orders.total_revenue"],
            {"orders.created_date": "last month", "products.category": "Jeans,Shoes"},
            ["orders.total_revenue desc"],
            "2",
        ),
    ]
    assert "Jeans or Shoes" in text_of(only) and "top 2" in text_of(top)


async def test_the_same_words_outside_the_thread_are_not_a_follow_up(looker: LookerEmulator):
    async with Sandbox(looker=looker, ask_explores=EXPLORES) as sandbox:
        await dm(sandbox, "ask revenue by region last month")
        alone = await dm(sandbox, "top 2 instead")
    assert len(created(looker)) == 1
    assert text_of(alone).startswith(":warning:")


async def test_why_says_which_fields_and_filters_ran_without_running_again(looker):
    async with Sandbox(looker=looker, ask_explores=EXPLORES) as sandbox:
        answer = await dm(sandbox, "ask revenue by region last month")
        why = text_of(await dm(sandbox, "why?", thread_ts=answer.ts))
        again = await dm(sandbox, "now by brand", thread_ts=answer.ts)
    assert why.splitlines() == [
        "I read your question against the *Orders* Explore (`thelook/orders`):",
        "• dimension *Region* (`customers.region`)",
        "• measure *Total Revenue* (`orders.total_revenue`)",
        "• filter: last month (`orders.created_date`)",
    ]
    assert len(created(looker)) == 2  # "why?" ran nothing; the follow-up after it did
    assert "Total Revenue by Brand, last month" in text_of(again)


async def test_as_a_chart_draws_the_same_query(looker: LookerEmulator):
    async with Sandbox(looker=looker, ask_explores=EXPLORES) as sandbox:
        answer = await dm(sandbox, "ask revenue by region last month")
        await sandbox.driver.dm("as a chart", thread_ts=answer.ts)
        await sandbox.settle()
    first, chart = created(looker)
    assert chart["fields"] == first["fields"] and chart["filters"] == first["filters"]
    assert (first["vis_config"]["type"], chart["vis_config"]["type"]) == ("table", "looker_column")
    assert looker.rendered  # drawn as a PNG by Looker's render task


async def test_a_follow_up_by_mention_in_a_channel_thread(looker: LookerEmulator):
    async with Sandbox(looker=looker, ask_explores=EXPLORES) as sandbox:
        await sandbox.driver.mention("ask orders by status this year")
        await sandbox.settle()
        (answer,) = sandbox.slack.visible_messages("C0GENERAL")
        await sandbox.driver.mention("what about last year?", thread_ts=answer.ts)
        await sandbox.settle()
        replies = [m for m in sandbox.slack.visible_messages("C0GENERAL") if m.thread_ts]
    assert [b["filters"] for b in created(looker)] == [
        {"orders.created_date": "this year"},
        {"orders.created_date": "last year"},
    ]
    assert "Count by Status, last year" in text_of(replies[-1])


async def test_a_follow_up_after_a_restart_still_refines(looker: LookerEmulator, tmp_path: Path):
    async with SlackEmulator() as slack:
        settings = {
            "looker": looker,
            "slack": slack,
            "ask_explores": EXPLORES,
            "data_dir": tmp_path / "data",
        }
        async with Sandbox(**settings) as first:
            answer = await dm(first, "ask revenue by region last month")
        async with Sandbox(**settings) as second:
            await dm(second, "only the West", thread_ts=answer.ts)
    assert created(looker)[-1]["filters"] == {
        "orders.created_date": "last month",
        "customers.region": "West",
    }


async def test_a_follow_up_runs_as_the_person_who_writes_it(looker: LookerEmulator):
    # Bob's Looker user sees only the East region. Alice asks in a channel; Bob follows up
    # in her answer's thread: his follow-up runs in his own session, with his data.
    looker.state.access_filters["3"] = {"customers.region": "East"}
    instance = looker.instance_settings(run_as_user="email", ask_explores=EXPLORES)
    async with Sandbox(looker=looker, lookers=(instance,)) as sandbox:
        await sandbox.driver.mention("ask revenue by region", user="U0ALICE")
        await sandbox.settle()
        (answer,) = sandbox.slack.visible_messages("C0GENERAL")
        await sandbox.driver.mention("what about last month?", user="U0BOB", thread_ts=answer.ts)
        await sandbox.settle()
        (reply,) = [m for m in sandbox.slack.visible_messages("C0GENERAL") if m.thread_ts]
    assert [r.user_id for r in looker.requests_to("/run/json_detail", method="GET")] == ["2", "3"]
    # each reads the Explore's first day in their own session too
    first_days = looker.requests_to("^/queries/run/json_detail$", method="POST")
    assert [r.user_id for r in first_days] == ["2", "3"]
    text = text_of(reply)
    assert "East" in text and "West" not in text


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
async def test_old_threads_expire(kind: str, tmp_path: Path):
    now = [1000.0]
    store = (
        MemoryState(clock=lambda: now[0])
        if kind == "memory"
        else SqliteState(tmp_path / "state.sqlite3", clock=lambda: now[0])
    )
    if isinstance(store, SqliteState):
        await store.open()
    try:
        await store.put("thread:D1:1.0", {"kind": "ask"}, ttl=60)
        assert await store.get("thread:D1:1.0") == {"kind": "ask"}
        now[0] += 61
        assert await store.get("thread:D1:1.0") is None
    finally:
        await store.close()


def test_refine_keeps_what_the_follow_up_does_not_change():
    today = date(2026, 9, 30)
    explore = shop(today)
    first = parse("revenue by month this year", [explore], today=today)
    assert isinstance(first, QuerySpec)
    cases = {
        "excluding Jeans": {"products.category": "-Jeans"},
        "split by region": None,
        "what about net revenue?": None,
    }
    results = {text: refine(first, text, explore, today=today) for text in cases}
    assert all(isinstance(r, QuerySpec) for r in results.values())
    excluded = results["excluding Jeans"]
    assert isinstance(excluded, QuerySpec)
    assert excluded.filters == {"orders.created_date": "this year", "products.category": "-Jeans"}
    assert excluded.sorts == ("orders.created_month",)
    split = results["split by region"]
    assert isinstance(split, QuerySpec)
    assert split.pivots == ("customers.region",)
    net = results["what about net revenue?"]
    assert isinstance(net, QuerySpec)
    assert json.loads(json.dumps(net.to_json()))["fields"] == [
        "orders.created_month",
        "orders.net_revenue",
    ]
    # A whole question of its own is not a follow-up.
    assert refine(first, "orders by status last week", explore, today=today) is None


@pytest.mark.parametrize(
    ("follow_up", "fields", "filters", "sorts"),
    [
        ("and by category", ["customers.region", "products.category"], None, ()),
        ("same for Q2", ["customers.region"], "2026/04/01 to 2026/07/01", ()),
        ("sorted by region descending", ["customers.region"], None, ("customers.region desc",)),
        ("order by revenue", ["customers.region"], None, ("orders.total_revenue desc",)),
    ],
)
def test_more_ways_to_refine(follow_up, fields, filters, sorts):
    today = date(2026, 9, 30)
    explore = shop(today)
    first = parse("revenue by region last month", [explore], today=today)
    assert isinstance(first, QuerySpec)
    result = refine(first, follow_up, explore, today=today)
    assert isinstance(result, QuerySpec), result
    assert sorted(result.fields) == sorted([*fields, "orders.total_revenue"])
    assert result.filters["orders.created_date"] == (filters or "last month")
    assert result.sorts == sorts


def test_only_a_value_all_time_and_comparisons_a_thread_cannot_place():
    today = date(2026, 9, 30)
    explore = shop(today)
    first = parse("revenue by region last month", [explore], today=today)
    assert isinstance(first, QuerySpec)
    for said in ("only returned", "just returned orders"):
        # "Returned Orders" is also a measure: after "only" it is the status
        result = refine(first, said, explore, today=today)
        assert isinstance(result, QuerySpec), result
        assert "orders.total_revenue" in result.fields
        assert result.filters["orders.status"] == "returned"
    result = refine(first, "what about all time?", explore, today=today)
    assert isinstance(result, QuerySpec)
    assert "orders.created_date" not in result.filters
    for said in ("and net revenue", "plus net revenue", "net revenue too"):
        result = refine(first, said, explore, today=today)  # one more measure, beside
        assert isinstance(result, QuerySpec), result
        assert {"orders.total_revenue", "orders.net_revenue"} <= set(result.fields)
    result = refine(first, "what about net revenue?", explore, today=today)
    assert isinstance(result, QuerySpec) and "orders.total_revenue" not in result.fields
    for said, sort, limit in (
        ("which was highest?", "orders.total_revenue desc", 1),  # one answer
        ("highest first", "orders.total_revenue desc", None),
        ("reverse it", "orders.total_revenue", None),  # unsorted: Looker's largest first
    ):
        result = refine(first, said, explore, today=today)
        assert isinstance(result, QuerySpec), result
        assert (result.sorts, result.limit) == ((sort,), limit)
    result = refine(first, "without returned orders", explore, today=today)
    assert isinstance(result, QuerySpec) and result.filters["orders.status"] == "-returned"
    result = refine(first, "drop region", explore, today=today)
    assert isinstance(result, QuerySpec) and list(result.fields) == ["orders.total_revenue"]
    result = refine(first, "remove the date filter", explore, today=today)
    assert isinstance(result, QuerySpec) and "orders.created_date" not in result.filters
    result = refine(first, "without the West", explore, today=today)  # an exclusion
    assert isinstance(result, QuerySpec) and result.filters["customers.region"] == "-West"
    # Which period against which? Declined, not run as last year alone.
    result = refine(first, "compare to last year", explore, today=today)
    assert isinstance(result, NotUnderstood) and result.unknown == ("compare",)


def test_a_reply_that_first_acknowledges_and_the_measure_of_a_number():
    today = date(2026, 9, 30)
    explore = shop(today)
    first = parse("revenue by region last month", [explore], today=today)
    assert isinstance(first, QuerySpec)
    # "hmm", "ok ... then", "cool": a reply's acknowledgement, not part of the change
    result = refine(first, "hmm and by category", explore, today=today)
    assert isinstance(result, QuerySpec), result
    assert {"customers.region", "products.category"} <= set(result.fields)
    result = refine(first, "ok what about last week then", explore, today=today)
    assert isinstance(result, QuerySpec), result
    assert result.filters["orders.created_date"] == "last week"
    assert "customers.region" in result.fields
    result = refine(first, "cool, only Jeans", explore, today=today)
    assert isinstance(result, QuerySpec) and result.filters["products.category"] == "Jeans"
    # the largest of each order's amount: no row per amount beside it
    result = refine(first, "what about max order amount?", explore, today=today)
    assert isinstance(result, QuerySpec), result
    assert sorted(result.fields) == ["customers.region", "orders.largest_order"]


async def test_a_share_and_a_change_come_back_as_table_calculations(looker: LookerEmulator):
    async with Sandbox(looker=looker, ask_explores=EXPLORES) as sandbox:
        share = text_of(await dm(sandbox, "ask share of revenue by category"))
        change = text_of(await dm(sandbox, "ask revenue MoM growth"))
    first, second = created(looker)
    assert json.loads(first["dynamic_fields"])[0]["expression"] == (
        "${orders.total_revenue} / sum(${orders.total_revenue})"
    )
    assert second["fields"] == ["orders.created_month", "orders.total_revenue"]
    assert "Share of Total Revenue" in share
    shares = [float(w.rstrip("%")) for w in share.split() if w.endswith("%")]
    assert len(shares) == 5 and abs(sum(shares) - 100) < 0.6  # five categories, one whole
    assert "Total Revenue change" in change


async def test_a_change_between_pivoted_periods_is_across_the_pivot(looker: LookerEmulator):
    async with Sandbox(looker=looker, ask_explores=EXPLORES) as sandbox:
        text = text_of(await dm(sandbox, "ask revenue by region, this year vs last year"))
        growth = text_of(await dm(sandbox, "ask by region, revenue change from last year"))
    bodies = created(looker)
    (calc,) = json.loads(bodies[-1]["dynamic_fields"])
    assert bodies[-1]["pivots"] == ["orders.created_year"]
    # Between the two years of a region's row, not between one region and the next.
    assert calc["expression"] == (
        "${orders.total_revenue} / pivot_offset(${orders.total_revenue}, -1) - 1"
    )
    assert "West" in text and "Total Revenue change" in growth
    from lookerbot.sandbox.query_engine import run_query

    dataset = looker.state.dataset
    result = run_query(bodies[-1], dataset, looker_url=looker.url)
    months = [p["key"] for p in result["pivots"]]
    for row in result["data"]:
        values = [row["orders.total_revenue"][m]["value"] for m in months]
        change = row[calc["table_calculation"]][months[1]]["value"]
        assert change == pytest.approx(values[1] / values[0] - 1)
        assert row[calc["table_calculation"]][months[0]]["value"] is None


async def test_the_emulator_refuses_a_table_calculation_it_cannot_evaluate(looker):
    from lookerbot.sandbox.query_engine import QueryError, table_calculations

    query = {
        "dynamic_fields": json.dumps(
            [
                {
                    "category": "table_calculation",
                    "expression": "mean(${a.b})",
                    "table_calculation": "x",
                }
            ]
        )
    }
    with pytest.raises(QueryError, match="cannot evaluate"):
        table_calculations(query, ["a.b"])


async def test_the_emulator_refuses_pivot_offset_without_a_pivot(looker):
    from lookerbot.sandbox.query_engine import QueryError, run_query

    query = {
        "model": "thelook",
        "view": "orders",
        "fields": ["customers.region", "orders.total_revenue"],
        "dynamic_fields": json.dumps(
            [
                {
                    "category": "table_calculation",
                    "table_calculation": "change",
                    "expression": (
                        "${orders.total_revenue} / pivot_offset(${orders.total_revenue}, -1) - 1"
                    ),
                }
            ]
        ),
    }
    with pytest.raises(QueryError, match="pivot"):
        run_query(query, looker.state.dataset, looker_url=looker.url)


def test_add_adds_and_remove_takes_a_value_out():
    today = date(2026, 9, 30)
    explore = shop(today)
    first = parse("revenue by region last month", [explore], today=today)
    assert isinstance(first, QuerySpec)
    result = refine(first, "add AOV", explore, today=today)  # beside, not instead
    assert isinstance(result, QuerySpec), result
    assert {"orders.total_revenue", "orders.average_order_value"} <= set(result.fields)
    for said in ("add category", "by category too", "by category as well"):
        result = refine(first, said, explore, today=today)  # beside the region
        assert isinstance(result, QuerySpec) and "customers.region" in result.fields, said
        assert "products.category" in result.fields
    result = refine(first, "remove west", explore, today=today)  # a value: left out
    assert isinstance(result, QuerySpec) and result.filters["customers.region"] == "-West"
    kept = parse("revenue in the west and south last month", [explore], today=today)
    assert isinstance(kept, QuerySpec)
    result = refine(kept, "remove west", explore, today=today)  # from the values it keeps
    assert isinstance(result, QuerySpec) and result.filters["customers.region"] == "South"


def test_as_a_percentage_adds_the_share_of_the_total():
    today = date(2026, 9, 30)
    explore = shop(today)
    first = parse("revenue by region last month", [explore], today=today)
    assert isinstance(first, QuerySpec)
    for said in ("as a percentage", "share of total", "show it as % of total"):
        result = refine(first, said, explore, today=today)
        assert isinstance(result, QuerySpec), (said, result)
        assert [(c.type, c.field) for c in result.calculations] == [
            ("percent_of_total", "orders.total_revenue")
        ]
    one_row = parse("revenue last month", [explore], today=today)
    assert isinstance(one_row, QuerySpec)  # a single total is all of itself: declined
    assert isinstance(refine(one_row, "as a percentage", explore, today=today), NotUnderstood)


def test_a_follow_up_with_a_typo_is_read_as_the_word_and_says_so():
    today = date(2026, 9, 30)
    explore = shop(today)
    first = parse("revenue by brand last month", [explore], today=today)
    assert isinstance(first, QuerySpec)
    result = refine(first, "now by regoin", explore, today=today)
    assert isinstance(result, QuerySpec), result
    assert sorted(result.fields) == ["customers.region", "orders.total_revenue"]
    assert result.description.endswith("(read “regoin” as “region”)")
    assert not isinstance(refine(first, "only the wset", explore, today=today), QuerySpec)


def test_only_a_value_that_is_also_a_grain_word_is_the_value():
    today = date(2026, 9, 30)
    explore = explore_question("saas/subscriptions", today)
    first = parse("MRR by plan for annual subscriptions", [explore], today=today)
    assert isinstance(first, QuerySpec)
    for said in ("only monthly", "only monthly ones"):
        result = refine(first, said, explore, today=today)
        assert isinstance(result, QuerySpec), result
        assert sorted(result.fields) == ["subscriptions.plan", "subscriptions.total_mrr"]
        assert result.filters == {"subscriptions.billing_period": "monthly"}


def test_a_follow_up_to_a_period_before_the_first_day_is_declined():
    today = date(2026, 9, 30)
    explore = shop(today)  # its orders start on 2025-10-01
    first = parse("revenue by region last month", [explore], today=today)
    assert isinstance(first, QuerySpec)
    result = refine(first, "what about 2024?", explore, today=today)
    assert isinstance(result, NotUnderstood), result
    assert (result.reason, result.unknown) == ("before_data", ("in 2024", "2025-10-01"))
    assert isinstance(refine(first, "what about last year?", explore, today=today), QuerySpec)


def test_rows_of_fields_refined_to_a_value_then_to_their_totals():
    today = date(2026, 9, 30)
    explore = explore_question("saas/subscriptions", today)
    rows = parse("Acme Corp's subscriptions: sub id, plan, status, seats", [explore], today=today)
    assert isinstance(rows, QuerySpec)
    assert sorted(rows.fields) == [
        "subscriptions.id",
        "subscriptions.plan",
        "subscriptions.seats",
        "subscriptions.status",
    ]
    only = refine(rows, "only the active ones", explore, today=today)
    assert isinstance(only, QuerySpec) and only.fields == rows.fields
    assert only.filters["subscriptions.status"] == "active"
    totals = refine(only, "ok just give me total seats and mrr for those", explore, today=today)
    assert isinstance(totals, QuerySpec), totals
    assert sorted(totals.fields) == ["subscriptions.total_mrr", "subscriptions.total_seats"]
    assert totals.filters == only.filters


def test_add_a_value_beside_the_values_kept_and_a_refund_is_not_revenue():
    today = date(2026, 9, 30)
    tickets = explore_question("support/tickets", today)
    first = parse("tickets by channel for chat vs email", [tickets], today=today)
    assert isinstance(first, QuerySpec) and first.filters["tickets.channel"] == "Chat,Email"
    result = refine(first, "add phone too", tickets, today=today)
    assert isinstance(result, QuerySpec) and result.filters["tickets.channel"] == "Chat,Email,Phone"
    shop_first = parse("weekly revenue the last 4 weeks", [shop(today)], today=today)
    assert isinstance(shop_first, QuerySpec)
    refund = refine(shop_first, "how much did we refund on those?", shop(today), today=today)
    assert isinstance(refund, NotUnderstood) and refund.unknown == ("refund",)


def test_versus_another_period_and_the_change_between_them():
    today = date(2026, 9, 30)
    tickets = explore_question("support/tickets", today)
    first = parse("avg first response time by channel this week", [tickets], today=today)
    assert isinstance(first, QuerySpec)
    both = refine(first, "vs last week?", tickets, today=today)
    assert isinstance(both, QuerySpec), both
    assert both.filters == {"tickets.created_date": "2026/09/21 to 2026/10/05"}
    assert both.pivots == ("tickets.created_week",)  # beside the channels
    changed = refine(both, "and the % change?", tickets, today=today)
    assert isinstance(changed, QuerySpec), changed
    assert [(c.type, c.field) for c in changed.calculations] == [
        ("percent_change", "tickets.average_first_response_minutes")
    ]
    no_periods = parse("tickets by channel", [tickets], today=today)
    assert isinstance(no_periods, QuerySpec)  # a change from what: declined
    assert isinstance(refine(no_periods, "and the % change?", tickets, today=today), NotUnderstood)
    shop_first = parse(
        "orders by status last 30 days, excluding cancelled", [shop(today)], today=today
    )
    assert isinstance(shop_first, QuerySpec)
    dropped = refine(shop_first, "also drop returned", shop(today), today=today)
    assert (
        isinstance(dropped, QuerySpec)
        and dropped.filters["orders.status"] == "-cancelled,-returned"
    )


def test_swaps_reslices_same_but_and_split_out():
    today = date(2026, 9, 30)
    subs = explore_question("saas/subscriptions", today)
    first = parse("mrr by segment", [subs], today=today)
    assert isinstance(first, QuerySpec)
    cases = {
        "switch to plan": ["subscriptions.plan", "subscriptions.total_mrr"],
        "re-slice by industry": ["accounts.industry", "subscriptions.total_mrr"],
        "swap in ARR": ["accounts.segment", "subscriptions.total_arr"],
        "same but ARR": ["accounts.segment", "subscriptions.total_arr"],
        "hmm, split that out by plan": [
            "accounts.segment",
            "subscriptions.plan",
            "subscriptions.total_mrr",
        ],
    }
    for said, fields in cases.items():
        result = refine(first, said, subs, today=today)
        assert isinstance(result, QuerySpec), (said, result)
        assert sorted(result.fields) == sorted(fields), said
    assert refine(first, "hmm, split that out by plan", subs, today=today).pivots == (
        "subscriptions.plan",
    )


def test_also_split_by_is_a_pivot():
    today = date(2026, 9, 30)
    tickets = explore_question("support/tickets", today)
    first = parse("avg first response time by team last month", [tickets], today=today)
    assert isinstance(first, QuerySpec)
    result = refine(first, "also split by channel", tickets, today=today)
    assert isinstance(result, QuerySpec), result
    assert "agents.team" in result.fields and result.pivots == ("tickets.channel",)


def test_a_count_then_list_their_names_instead_lists_the_things():
    today = date(2026, 9, 30)
    explore = explore_question("saas/subscriptions", today)
    first = parse("how many UK accounts are past due?", [explore], today=today)
    assert isinstance(first, QuerySpec) and first.fields == ("accounts.count",)
    names = refine(first, "list their names instead", explore, today=today)
    assert isinstance(names, QuerySpec), names
    assert names.fields == ("accounts.name",)
    assert names.filters == first.filters


def test_a_share_asked_in_a_thread_is_applied_and_instead_in_the_middle_is_read():
    today = date(2026, 9, 30)
    explore = explore_question("support/tickets", today)
    first = parse("tickets by topic in the last 7 days", [explore], today=today)
    assert isinstance(first, QuerySpec)
    shares = refine(first, "what % of them is each topic", explore, today=today)
    assert isinstance(shares, QuerySpec), shares
    assert [c.type for c in shares.calculations] == ["percent_of_total"]
    weekly = parse("ticket count by week for the last 8 weeks", [explore], today=today)
    assert isinstance(weekly, QuerySpec)
    monthly = refine(weekly, "monthly instead, last 6 months", explore, today=today)
    assert isinstance(monthly, QuerySpec), monthly
    assert "tickets.created_month" in monthly.fields
    assert monthly.filters["tickets.created_date"] == "6 months"


def test_split_by_said_after_values_is_a_pivot_beside_the_breakdown():
    today = date(2026, 9, 30)
    explore = explore_question("saas/subscriptions", today)
    first = parse("mrr by country for healthcare", [explore], today=today)
    assert isinstance(first, QuerySpec)
    both = refine(first, "healthcare and retail together, split by industry", explore, today=today)
    assert isinstance(both, QuerySpec), both
    assert sorted(both.fields) == [
        "accounts.country",
        "accounts.industry",
        "subscriptions.total_mrr",
    ]
    assert both.pivots == ("accounts.industry",)
    assert both.filters == {"accounts.industry": "Healthcare,Retail"}


@pytest.mark.parametrize(
    ("explore", "first", "follow_up", "fields", "filters"),
    [
        # "signups" are when subscriptions are dated (Signup Date): the time changes
        (
            "saas/subscriptions",
            "churn rate by segment for monthly subs",
            "what about signups since jan 1?",
            ["accounts.segment", "subscriptions.churn_rate"],
            {"subscriptions.signup_date": "after 2026/01/01"},
        ),
        # ranked by a measure the rows show: the other measure stays
        (
            "support/tickets",
            "avg resolution time and csat by agent this month",
            "top 3 by csat instead",
            ["agents.name", "tickets.average_resolution_hours", "tickets.csat"],
            {},
        ),
        # "only subs that signed up ...": which of them, by time; the churn counted stays
        (
            "saas/subscriptions",
            "top 5 industries by churned subs",
            "only subs that signed up in the last 12 months",
            ["accounts.industry", "subscriptions.churned_count"],
            {"subscriptions.signup_date": "12 months"},
        ),
        # "and churn rate?" asked as a question replaces the measure
        (
            "saas/subscriptions",
            "weekly signups for monthly billed subs, last 12 weeks",
            "and churn rate?",
            ["subscriptions.churn_rate", "subscriptions.signup_week"],
            {},
        ),
        # "... too" adds it
        (
            "saas/subscriptions",
            "weekly signups for monthly billed subs, last 12 weeks",
            "and churn rate too",
            ["subscriptions.churn_rate", "subscriptions.count", "subscriptions.signup_week"],
            {},
        ),
        # "only the ones billed monthly": the billing period; the count stays
        (
            "saas/subscriptions",
            "growth plan subs by month last year",
            "only the ones billed monthly",
            ["subscriptions.count", "subscriptions.signup_month"],
            {"subscriptions.billing_period": "monthly"},
        ),
        # "break it down by agent": a breakdown, not the agents counted
        (
            "support/tickets",
            "avg resolution time by team last quarter",
            "break it down by agent instead",
            ["agents.name", "tickets.average_resolution_hours"],
            {"tickets.created_date": "last quarter"},
        ),
    ],
)
def test_what_a_follow_up_changes_and_what_it_keeps(explore, first, follow_up, fields, filters):
    today = date(2026, 9, 30)
    question = explore_question(explore, today)
    previous = parse(first, [question], today=today)
    assert isinstance(previous, QuerySpec), previous
    result = refine(previous, follow_up, question, today=today)
    assert isinstance(result, QuerySpec), result
    assert sorted(result.fields) == fields
    assert filters.items() <= dict(result.filters).items()
    if follow_up.startswith("top 3"):
        assert (result.sorts, result.limit) == (("tickets.csat desc",), 3)


def test_one_breakdown_swapped_for_another_keeps_the_rest_and_periods_stay_side_by_side():
    today = date(2026, 9, 30)
    question = explore_question("support/tickets", today)
    previous = parse("ticket volume by topic by priority this month", [question], today=today)
    assert isinstance(previous, QuerySpec), previous
    # "channel instead of topic": the topic swapped, the priorities still pivoted
    swapped = refine(previous, "channel instead of topic", question, today=today)
    assert isinstance(swapped, QuerySpec), swapped
    assert sorted(swapped.fields) == ["tickets.channel", "tickets.count", "tickets.priority"]
    assert swapped.pivots == ("tickets.priority",)
    # "by agent instead": every breakdown replaced
    replaced = refine(swapped, "by agent instead", question, today=today)
    assert isinstance(replaced, QuerySpec), replaced
    assert sorted(replaced.fields) == ["agents.name", "tickets.count"]
    # two periods side by side, then another breakdown: the periods are pivoted, as a
    # question saying both would be ("escalations by topic this year vs last year")
    years = parse("escalations this year vs last year", [question], today=today)
    assert isinstance(years, QuerySpec), years
    by_topic = refine(years, "also by topic", question, today=today)
    assert isinstance(by_topic, QuerySpec), by_topic
    assert by_topic.pivots == ("tickets.created_year",)
    said = parse("escalations by topic this year vs last year", [question], today=today)
    assert isinstance(said, QuerySpec), said
    assert (by_topic.fields, by_topic.pivots) == (said.fields, said.pivots)


def test_a_follow_up_that_asks_why_something_happened_is_declined():
    today = date(2026, 9, 30)
    question = explore_question("saas/subscriptions", today)
    previous = parse("top 5 countries by churned subs for SMB", [question], today=today)
    assert isinstance(previous, QuerySpec), previous
    assert not isinstance(
        refine(previous, "and why did they churn?", question, today=today), QuerySpec
    )
