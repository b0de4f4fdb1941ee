"""The question parser: fields by label, tag and description, filters, rankings, ambiguity."""

from __future__ import annotations

import copy
import dataclasses
import random
from datetime import date

import pytest

from lookerbot.ask.dates import read_time
from lookerbot.ask.index import ValueIndex
from lookerbot.ask.parser import ExploreQuestion, parse, read_question
from lookerbot.ask.spec import (
    Ambiguity,
    InvalidQuery,
    NotUnderstood,
    QuerySpec,
    build_spec,
    escape_value,
    same_rows,
)
from lookerbot.ask.words import tokenize
from lookerbot.sandbox.looker_emulator import explore_json
from tests.ask_support import explore_question, shop, shop_index

TODAY = date(2026, 9, 30)  # a Wednesday


def ask(question: str, *, prefer: tuple[str, ...] = (), explore: ExploreQuestion | None = None):
    """``question`` read against the shop (by default), its first day unknown: periods
    before it are read, not declined (see the test of ``dated``)."""
    undated = dataclasses.replace(shop(), dated_from=None)
    return parse(question, [explore or undated], today=TODAY, prefer=prefer)


def query(question: str, **kwargs) -> QuerySpec:
    result = ask(question, **kwargs)
    assert isinstance(result, QuerySpec), result
    return result


def explore_with(change) -> ExploreQuestion:
    data = copy.deepcopy(explore_json())
    change(data)
    return ExploreQuestion(shop_index(data), shop().values)


def field_json(data: dict, name: str) -> dict:
    return next(f for group in data["fields"].values() for f in group if f.get("name") == name)


def test_labels_group_by_and_the_description_in_words():
    spec = query("Total revenue by region last month, top 5")
    assert spec.fields == ("customers.region", "orders.total_revenue")
    assert spec.filters == {"orders.created_date": "last month"}
    assert spec.sorts == ("orders.total_revenue desc",) and spec.limit == 5
    assert spec.description == "Total Revenue by Region, last month, top 5"
    assert spec.vis == "table"
    assert spec.body() == {
        "model": "thelook",
        "view": "orders",
        "fields": ["customers.region", "orders.total_revenue"],
        "filters": {"orders.created_date": "last month"},
        "sorts": ["orders.total_revenue desc"],
        "limit": "5",
        "vis_config": {"type": "table"},
    }


def test_a_time_dimension_makes_a_line_chart_and_one_measure_a_single_value():
    monthly = query("monthly revenue this year")
    assert monthly.vis == "looker_line" and monthly.sorts == ("orders.created_month",)
    assert query("revenue").vis == "single_value"


def test_tags_are_synonyms_a_lookml_developer_can_add():
    assert query("gmv").fields == ("orders.total_revenue",)
    assert isinstance(ask("turnover"), NotUnderstood)

    def tag(data):
        field_json(data, "orders.total_revenue")["tags"].append("turnover")

    assert query("turnover by region", explore=explore_with(tag)).fields == (
        "customers.region",
        "orders.total_revenue",
    )


def test_descriptions_count_when_nothing_else_names_the_word():
    # "distinct" is only in the description of Customers Count.
    assert query("distinct customers in the West").fields == ("customers.count",)


def test_hidden_fields_are_never_offered():
    def hide(data):
        field_json(data, "orders.net_revenue")["hidden"] = True

    explore = explore_with(hide)
    result = ask("net revenue last month", explore=explore)
    assert not (isinstance(result, QuerySpec) and "orders.net_revenue" in result.fields)


def test_two_measures_that_fit_equally_ask_back_and_a_pick_settles_it():
    result = ask("count by region")
    assert isinstance(result, Ambiguity)
    assert result.phrase == "count"
    assert [f.name for f in result.candidates] == ["orders.count", "customers.count"]
    picked = query("count by region", prefer=("customers.count",))
    assert picked.fields == ("customers.region", "customers.count")


def test_two_dimensions_that_fit_equally_ask_back():
    result = ask("revenue by name")
    assert isinstance(result, Ambiguity)
    assert {f.name for f in result.candidates} == {"customers.name", "products.name"}


def test_a_ranking_without_a_measure_asks_which_measure():
    result = ask("top products")
    assert isinstance(result, Ambiguity)
    assert all(f.is_measure for f in result.candidates)
    spec = query("top products", prefer=("orders.count",))
    assert spec.fields == ("products.name", "orders.count")
    assert spec.sorts == ("orders.count desc",) and spec.limit == 10


def test_words_nothing_fits_are_named_with_some_known_fields():
    result = ask("revenue by planet")
    assert isinstance(result, NotUnderstood)
    assert result.unknown == ("planet",)
    assert "Total Revenue" in result.known and "Region" in result.known
    assert len(result.known) <= 9
    nothing = ask("hello there")
    assert isinstance(nothing, NotUnderstood) and nothing.reason == "nothing"


def test_values_come_from_suggestions_and_keep_their_spelling():
    spec = query("revenue for west and EAST, excluding cancelled orders")
    assert spec.filters == {"customers.region": "West,East", "orders.status": "-cancelled"}
    assert spec.fields == ("orders.total_revenue",)
    assert isinstance(ask("revenue in Atlantis"), NotUnderstood)


def test_a_value_of_a_large_field_is_found_once_looked_up():
    base = shop()
    values = ValueIndex()
    values.add(base.index.fields["customers.name"], "Zed Shaw")
    known = ExploreQuestion(base.index, base.values.merged(values))
    assert isinstance(ask("orders for Zed Shaw"), NotUnderstood)
    assert query("orders for Zed Shaw", explore=known).filters == {"customers.name": "Zed Shaw"}


def test_filter_values_are_escaped_for_looker():
    assert escape_value("Smith, John") == "Smith^, John"
    assert escape_value("-5% off") == "^-5^% off"
    assert escape_value("NULL") == '"NULL"'


def test_money_comparisons_go_to_the_money_dimension():
    assert query("orders over $200").filters == {"orders.amount": ">200"}
    assert query("orders under 50 dollars").filters == {"orders.amount": "<50"}
    assert query("orders with an amount of at least 1,000").filters == {"orders.amount": ">=1000"}


@pytest.mark.parametrize(
    ("words", "expression", "said"),
    [
        ("today", "today", "today"),
        ("yesterday", "yesterday", "yesterday"),
        ("in the last 7 days", "7 days", "last 7 days"),
        ("over the past two weeks", "2 weeks", "last 2 weeks"),
        ("last month", "last month", "last month"),
        ("this year", "this year", "this year"),
        ("year to date", "this year", "this year so far"),
        ("last quarter", "last quarter", "last quarter"),
        ("since 2025-01-01", "after 2025/01/01", "since 2025-01-01"),
        ("since last month", "after 2026/08/01", "since last month"),
        ("in March 2025", "2025/03", "in March 2025"),
        ("in March", "2026/03", "in March 2026"),
        ("in December", "2025/12", "in December 2025"),
        ("in 2025", "2025", "in 2025"),
        ("on 2026-09-14", "2026/09/14", "on 2026-09-14"),
        ("on June 1st", "2026/06/01", "on 2026-06-01"),
        (
            "between 2025-01-01 and 2025-03-31",
            "2025/01/01 to 2025/04/01",
            "between 2025-01-01 and 2025-03-31",
        ),
        (
            "from January to March",
            "2026/01/01 to 2026/04/01",
            "between January 2026 and March 2026",
        ),
        ("before 2026-06-01", "before 2026/06/01", "before 2026-06-01"),
        ("in Q1", "2026/01/01 to 2026/04/01", "Q1 2026"),
        ("rolling 30 days", "30 days", "last 30 days"),
        ("rolling quarter", "3 months", "past 3 months"),
        ("since Q2", "after 2026/04/01", "since Q2 2026"),
        ("since Q4", "after 2025/10/01", "since Q4 2025"),
        ("between Q1 and Q2", "2026/01/01 to 2026/07/01", "between Q1 2026 and Q2 2026"),
        ("from Q4 to Q1", "2025/10/01 to 2026/04/01", "between Q4 2025 and Q1 2026"),
        ("for the last two quarters", "6 months", "last 2 quarters"),
        ("from last week", "last week", "last week"),
        ("since the start of July", "after 2026/07/01", "since July 2026"),
        ("since the beginning of Q3", "after 2026/07/01", "since Q3 2026"),
        ("in the same quarter last year", "2025/07/01 to 2025/10/01", "the same quarter of 2025"),
        ("the same month last year", "2025/09", "in September 2025"),
        ("on Christmas Day", "2025/12/25", "on 2025-12-25"),
        ("since last Christmas", "after 2025/12/25", "since 2025-12-25"),
        ("on Black Friday", "2025/11/28", "on 2025-11-28"),
        ("on Christmas 2024", "2024/12/25", "on 2024-12-25"),
    ],
)
def test_time_phrases(words, expression, said):
    tokens = tokenize(words)
    found = read_time(tokens, 0, TODAY)
    assert found is not None
    end, time = found
    assert end == len(tokens)
    assert (time.expression, time.words) == (expression, said)


def test_the_best_fitting_explore_answers():
    other_data = copy.deepcopy(explore_json())
    other_data.update(name="returns", model_name="shop", view_name="returns")
    for group in other_data["fields"].values():
        group[:] = [f for f in group if f["name"] == "orders.returned_count"]
    other = ExploreQuestion(shop_index(other_data), ValueIndex())
    result, chosen = read_question("revenue by region", [other, shop()], today=TODAY)
    assert isinstance(result, QuerySpec) and result.key == "thelook/orders"
    assert chosen is not other
    # A question that fits two Explores equally is asked back, not run on the first.
    result, chosen = read_question("returned orders", [other, shop()], today=TODAY)
    assert isinstance(result, Ambiguity)
    assert result.explores == ("shop/returns", "thelook/orders")
    assert [f.name for f in result.candidates] == ["orders.returned_count"] * 2
    # The person's pick settles it.
    result, chosen = read_question(
        "returned orders", [other], today=TODAY, prefer=("orders.returned_count",)
    )
    assert isinstance(result, QuerySpec) and result.key == "shop/returns"


def test_every_query_names_only_fields_of_the_explore():
    """Whatever the words, the parser never makes up a field (build_spec would raise
    InvalidQuery, failing the test) nor offers one as a choice."""
    rng = random.Random(10)
    fields = shop().index.fields
    vocabulary = (  # noqa: SIM905
        "revenue orders by region top 5 last month West cancelled not count name customers "
        "products brand weekly since 2026-01-01 over $100 which most least and average "
        "category status per each sorted planet the of in for 3 Boots Ada Lovelace"
    ).split()
    for _ in range(2000):
        words = rng.choices(vocabulary, k=rng.randint(1, 9))
        result = ask(" ".join(words))
        if isinstance(result, QuerySpec):
            assert set(result.fields) <= set(fields)
            assert set(result.filters) <= set(fields)
            assert all(s.split(" ")[0] in result.fields for s in result.sorts)
        elif isinstance(result, Ambiguity):
            assert {f.name for f in result.candidates} <= set(fields)


def test_build_spec_refuses_fields_that_do_not_exist_or_are_hidden():
    index = shop().index

    def build(**overrides):
        spec = {"fields": ["orders.count"], "filters": {}, "sorts": [], "limit": None}
        spec.update(overrides)
        return build_spec(index, **spec)

    assert build().fields == ("orders.count",)
    for bad in (
        {"fields": []},
        {"fields": ["orders.profit"]},
        {"fields": ["orders.count", "orders.count"]},
        {"filters": {"orders.secret": "x"}},
        {"filters": {"orders.status": " "}},
        {"sorts": ["orders.total_revenue desc"]},
        {"sorts": ["orders.count; drop"]},
        {"limit": 0},
        {"limit": 100_000},
    ):
        with pytest.raises(InvalidQuery):
            build(**bad)


@pytest.mark.parametrize(
    ("question", "fields"),
    [
        # The Explore's own things, named after another count, are what it counts.
        ("which brand had the fewest returns on Q3 orders", ["orders.returned_count"]),
        # Joined by "and" (even with "total" between), both are asked for.
        ("revenue and total orders by brand", ["orders.count", "orders.total_revenue"]),
    ],
)
def test_which_counts_a_question_asks_for(question, fields):
    result = query(question)
    assert sorted(f for f in result.fields if f != "products.brand") == fields


def test_a_metric_the_explore_lacks_is_not_read_word_by_word():
    saas = explore_question("saas/subscriptions", TODAY)
    result, _ = read_question("daily active users for Acme Corp", [saas], today=TODAY)
    assert isinstance(result, NotUnderstood)
    assert result.unknown == ("daily active users",)


def test_a_value_that_is_also_a_grain_word_names_the_kind_of_thing():
    saas = explore_question("saas/subscriptions", TODAY)
    for question in ("monthly-billed subs in the UK", "monthly subs in the UK"):
        result, _ = read_question(question, [saas], today=TODAY)
        assert isinstance(result, QuerySpec), result
        assert list(result.fields) == ["subscriptions.count"]
        assert result.filters == {
            "subscriptions.billing_period": "monthly",
            "accounts.country": "United Kingdom",
        }
    # A measure after it keeps the grain: "monthly MRR" is MRR by month.
    result, _ = read_question("monthly MRR", [saas], today=TODAY)
    assert isinstance(result, QuerySpec)
    assert "subscriptions.signup_month" in result.fields


def test_a_comparison_may_leave_out_the_second_period_unit():
    result = query("revenue this year vs last")
    assert result.filters == {"orders.created_date": "2025/01/01 to 2027/01/01"}
    assert "orders.created_year" in result.fields
    result = query("orders this month versus last")
    assert result.filters == {"orders.created_date": "2026/08/01 to 2026/10/01"}


def test_a_measure_named_by_its_tag_is_not_only_described():
    # "avg" alone fits Average Order Value's description; "basket size" is its tag.
    assert list(query("avg basket size by region").fields) == [
        "customers.region",
        "orders.average_order_value",
    ]
    assert list(query("net rev by month").fields) == ["orders.created_month", "orders.net_revenue"]


def test_new_things_the_explores_date_does_not_date_are_declined():
    # The shop's date is the day an order was placed: which customers are new, it cannot say.
    result = ask("revenue from new customers")
    assert isinstance(result, NotUnderstood) and result.reason == "no_new"
    assert result.unknown == ("new customers",)
    # Its own rows are dated by it: "new orders" are orders placed.
    assert isinstance(ask("new orders this week"), QuerySpec)
    # The subscriptions' date is the day the account signed up: new accounts it can count.
    saas = explore_question("saas/subscriptions", TODAY)
    result, _ = read_question("how many new accounts this quarter", [saas], today=TODAY)
    assert isinstance(result, QuerySpec) and list(result.fields) == ["accounts.count"]


def test_the_value_of_orders_is_their_revenue_and_a_rate_of_one_total_is_declined():
    assert list(query("total value of orders last month").fields) == ["orders.total_revenue"]
    # A share needs a breakdown to be a share of; a rate of one total is not one.
    result = ask("what percent of orders were returned")
    assert isinstance(result, NotUnderstood) and result.unknown == ("percent",)
    assert query("share of revenue by region").calculations


@pytest.mark.parametrize(
    ("question", "fields", "limit"),
    [
        ("which day had the most orders", ["orders.count", "orders.created_date"], 1),
        ("what month had the highest revenue", ["orders.created_month", "orders.total_revenue"], 1),
        ("best selling product", ["orders.total_revenue", "products.name"], 1),  # one product
    ],
)
def test_a_ranking_keeps_the_thing_it_ranks(question, fields, limit):
    result = query(question)
    assert sorted(result.fields) == fields and result.limit == limit


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("MRR growth", "growth"),
        ("orders by hour", ""),
        # a money verb says money, not which: "refunds" is only in a description
        ("how much did we pay out in refunds last quarter", "refunds"),
        # the month of each cancellation: no date keeps it (only the signup date)
        ("churn by cancellation month for the last year", "cancellation"),
    ],
)
def test_what_the_explore_cannot_show_is_declined_not_run_as_something_else(question, unknown):
    saas = explore_question("saas/subscriptions", TODAY)
    result, _ = read_question(question, [shop(), saas], today=TODAY)
    assert isinstance(result, NotUnderstood), result
    assert result.unknown == ((unknown,) if unknown else ())


def test_a_number_compared_is_each_rows_not_the_average_named_the_same():
    support = explore_question("support/tickets", TODAY)
    result, _ = read_question("tickets with resolution time over 24 hours", [support], today=TODAY)
    assert isinstance(result, QuerySpec)
    assert list(result.fields) == ["tickets.count"]
    assert result.filters == {"tickets.resolution_hours": ">24"}


def test_an_average_of_a_number_and_a_ranking_of_nothing():
    # "avg order amount": the one average measure whose description averages the amount.
    assert list(query("avg order amount").fields) == ["orders.average_order_value"]
    # One total row has nothing to rank: asked back, not run sorted.
    result = ask("smallest orders")
    assert isinstance(result, NotUnderstood) and result.unknown == ("smallest",)


def test_a_measure_per_thing_is_the_average_the_explore_describes_or_declined():
    assert list(query("revenue per order").fields) == ["orders.average_order_value"]
    result = ask("net revenue per order")  # no average of net revenue: not the AOV
    assert isinstance(result, NotUnderstood) and result.unknown == ("per order",)
    saas = explore_question("saas/subscriptions", TODAY)
    result, _ = read_question("mrr per subscription", [saas], today=TODAY)
    assert isinstance(result, NotUnderstood)
    result, _ = read_question("how much ARR does healthcare bring in", [saas], today=TODAY)
    assert isinstance(result, QuerySpec) and list(result.fields) == ["subscriptions.total_arr"]


def test_which_of_the_valued_people_ranks_them():
    support = explore_question("support/tickets", TODAY)
    result, _ = read_question(
        "Which of our Tier 1 agents resolved the most tickets in August?", [support], today=TODAY
    )
    assert isinstance(result, QuerySpec)
    assert sorted(result.fields) == ["agents.name", "tickets.solved_count"]
    assert result.filters["agents.team"] == "Tier 1" and result.limit == 1


@pytest.mark.parametrize(
    ("question", "field", "filters"),
    [
        ("list all enterprise accounts", "accounts.name", {"accounts.segment": "Enterprise"}),
        ("give me a list of accounts in Germany", "accounts.name", {"accounts.country": "Germany"}),
    ],
)
def test_a_list_of_things_is_their_names(question, field, filters):
    saas = explore_question("saas/subscriptions", TODAY)
    result, _ = read_question(question, [saas], today=TODAY)
    assert isinstance(result, QuerySpec), result
    assert list(result.fields) == [field] and dict(result.filters) == filters


def test_every_value_after_excluding_is_left_out():
    result = query("total revenue excluding cancelled and returned orders")
    assert dict(result.filters) == {"orders.status": "-cancelled,-returned"}


def test_a_ranking_of_the_things_named_or_declined():
    assert sorted(query("customers with the highest AOV").fields) == [
        "customers.name",
        "orders.average_order_value",
    ]
    # Each order's own amount, ranked, is not a measure: declined, not grouped by amount.
    result = ask("orders with the highest amount")
    assert isinstance(result, NotUnderstood) and result.unknown == ("amount",)


def test_which_thing_had_the_largest_named_measure_and_grains_no_field_has():
    result = query("which customer placed the largest order")
    assert result.sorts == ("orders.largest_order desc",) and result.limit == 1
    assert not query("largest order by region").sorts  # each region's largest, no ranking
    assert isinstance(ask("orders by day of week"), NotUnderstood)


def test_lowercase_initials_a_list_by_a_breakdown_and_things_sold():
    saas = explore_question("saas/subscriptions", TODAY)
    result, _ = read_question("past due mrr in the uk", [saas], today=TODAY)
    assert isinstance(result, QuerySpec)
    assert result.filters["accounts.country"] == "United Kingdom"
    # "us" the word is never the United States unless written in capitals
    assert "accounts.country" not in getattr(
        read_question("mrr for us", [saas], today=TODAY)[0], "filters", {}
    )
    assert query("fewest returns by brand").limit == 10  # a list, not one
    assert list(query("how many parkas did we sell in december").fields) == ["orders.count"]


def test_against_last_month_alone_compares_with_this_month():
    result = query("are we up on orders vs last month")
    assert dict(result.filters) == {"orders.created_date": "2026/08/01 to 2026/10/01"}
    assert "orders.created_month" in result.fields
    # Two values compared, and a time of their own: no second period.
    result = query("revenue West vs East last month")
    assert result.filters["orders.created_date"] == "last month"


def test_the_us_is_a_place_even_in_lower_case():
    result = ask("orders in the us")  # the shop has no country: said, not dropped
    assert isinstance(result, NotUnderstood) and result.unknown == ("us",)
    saas = explore_question("saas/subscriptions", TODAY)
    result, _ = read_question("mrr in the us", [saas], today=TODAY)
    assert isinstance(result, QuerySpec)
    assert result.filters["accounts.country"] == "United States"


def test_readings_from_the_sixth_set():
    # "... and returned ones": both left out
    result = query("Order count by month, excluding cancelled and returned ones")
    assert dict(result.filters) == {"orders.status": "-cancelled,-returned"}
    # "the first half of the year" is this year's, with no year breakdown
    result = query("% of revenue by brand in the first half of the year")
    assert "orders.created_year" not in result.fields
    assert result.filters["orders.created_date"] == "2026/01/01 to 2026/07/01"
    saas = explore_question("saas/subscriptions", TODAY)
    result, _ = read_question(
        "How many seats are on churned subscriptions in total?", [saas], today=TODAY
    )
    assert isinstance(result, QuerySpec) and list(result.fields) == ["subscriptions.total_seats"]
    result, _ = read_question("subs by tier, Enterprise customers only", [saas], today=TODAY)
    assert isinstance(result, QuerySpec)
    assert sorted(result.fields) == ["subscriptions.count", "subscriptions.plan"]


def reads(question: str, fields: list[str], filters: dict[str, str]) -> QuerySpec:
    """Assert that ``question`` reads as a query of ``fields`` (any order) and ``filters``."""
    result = three(question)
    assert isinstance(result, QuerySpec), result
    assert sorted(result.fields) == sorted(fields)
    assert result.filters == filters
    return result


def three(question: str, *, dated: bool = False):
    """``question`` read against the three Explores; ``dated``: knowing their first days
    (as the bot does), which declines periods before them."""
    explores = [
        explore_question(k, TODAY)
        for k in ("thelook/orders", "saas/subscriptions", "support/tickets")
    ]
    if not dated:
        explores = [dataclasses.replace(e, dated_from=None) for e in explores]
    return read_question(question, explores, today=TODAY)[0]


@pytest.mark.parametrize(
    "question",
    [
        "unique products sold",  # no distinct count of products
        "how many distinct brands did we sell",
        "average revenue by region",  # an average of a total, per nothing it has
        "average mrr",
        "average daily revenue",
        "avg tickets per day",
        "average tickets per agent",
        "what does churn mean for mrr",  # "mean" the verb
        "tickets by csat",  # a breakdown by a measure, of rows it cannot list
        "amount by region",  # total, average or largest amount? never rows of each amount
        "total resolution hours",  # no sum of them
        "paying accounts by country",  # accounts that pay, not their MRR
        "boots vs sneakers",  # compared by what?
        "percentage of orders returned by category",  # a return rate, not a share of returns
        "customers who spent over $1000",  # their total, not one order's amount
        "tickets per agent per day?",  # a rate, not tickets by agent by day
    ],
)
def test_traps_that_would_run_another_query_decline(question):
    assert not isinstance(three(question), QuerySpec)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        ("number of accounts by industry", ["accounts.count", "accounts.industry"], {}),
        ("count of accounts by industry", ["accounts.count", "accounts.industry"], {}),
        ("average revenue per order", ["orders.average_order_value"], {}),
        ("average mrr per account", ["subscriptions.arpu"], {}),  # "divided by the number of"
        ("mean resolution time by team", ["agents.team", "tickets.average_resolution_hours"], {}),
        ("total revenue all time", ["orders.total_revenue"], {}),
        ("returned revenue", ["orders.total_revenue"], {"orders.status": "returned"}),
        ("unique tickets by channel", ["tickets.channel", "tickets.count"], {}),
        ("agents by csat", ["agents.name", "tickets.csat"], {}),
        ("list agents with their csat", ["agents.name", "tickets.csat"], {}),
        ("resolution hours by agent", ["agents.name", "tickets.average_resolution_hours"], {}),
        ("subs with fewer than 5 seats", ["subscriptions.count"], {"subscriptions.seats": "<5"}),
        (
            "enterprise plus seats",
            ["subscriptions.total_seats"],
            {"subscriptions.plan": "Enterprise Plus"},
        ),
        (
            "pro accounts by country",
            ["accounts.count", "accounts.country"],
            {"subscriptions.plan": "Pro"},
        ),
        (
            # ARR spelled out, as its description does: not "annual" subs' recurring revenue
            "how much annual recurring revenue do mid-market accounts pay us",
            ["subscriptions.total_arr"],
            {"accounts.segment": "Mid-Market"},
        ),
        (
            # "a month" after the verb is what MRR is, not a breakdown by signup month
            "what's Blue Harbor Bank paying us a month",
            ["subscriptions.total_mrr"],
            {"accounts.name": "Blue Harbor Bank"},
        ),
        (
            # "generated by accounts that ...": who generated it, not a row per account
            "mrr generated by accounts that signed up in the past 90 days, by plan",
            ["subscriptions.plan", "subscriptions.total_mrr"],
            {"subscriptions.signup_date": "90 days"},
        ),
        (
            # the date's own verb before a time is part of the time, not a breakdown
            "trialing subscriptions by plan, signed up this month",
            ["subscriptions.count", "subscriptions.plan"],
            {"subscriptions.signup_date": "this month", "subscriptions.status": "trialing"},
        ),
        ("which support agents are on Tier 2", ["agents.name"], {"agents.team": "Tier 2"}),
        (
            "list healthcare customers on annual billing",
            ["accounts.name"],
            {"accounts.industry": "Healthcare", "subscriptions.billing_period": "annual"},
        ),
        (
            "which countries have had more than 3 subscription cancellations",
            ["accounts.country", "subscriptions.churned_count"],
            {"subscriptions.churned_count": ">3"},
        ),
        (
            # "in number of": the count, not a ranking word
            "yoy growth in number of customer accounts",
            ["accounts.count", "subscriptions.signup_year"],
            {},
        ),
        (
            # "us" before "only" is the place, not the pronoun
            "bottom 3 industries by arr, us only",
            ["accounts.industry", "subscriptions.total_arr"],
            {"accounts.country": "United States"},
        ),
        (
            # "w/" is "with", "w/o" "without"
            "tickets by channel w/o chat",
            ["tickets.channel", "tickets.count"],
            {"tickets.channel": "-Chat"},
        ),
        (
            # "their order count" after a value: asked for, not a kind of customer
            "list every customer in the West w/ their # of orders and total spend",
            ["customers.name", "orders.count", "orders.total_revenue"],
            {"customers.region": "West"},
        ),
        (
            # rows of the returned orders: the count's value is their filter
            "can i get the returned orders from august w/ order id, customer name and amount",
            ["customers.name", "orders.amount", "orders.id"],
            {"orders.created_date": "2026/08", "orders.status": "returned"},
        ),
        (
            # "orders that got returned": which orders, beside the revenue asked for
            "total revenue from orders that got returned, last 6 months",
            ["orders.total_revenue"],
            {"orders.status": "returned", "orders.created_date": "6 months"},
        ),
        (
            # "Escalations vs Tier 1": two teams, though "escalations" names a count
            "csat for Escalations vs Tier 1 teams",
            ["agents.team", "tickets.csat"],
            {"agents.team": "Escalations,Tier 1"},
        ),
        ("how many agents are on Escalations", ["agents.count"], {"agents.team": "Escalations"}),
        (
            # only the values compared with "vs" are rows; values joined by "and" filter
            "phone vs chat CSAT for Urgent and High priority, last 6 months",
            ["tickets.channel", "tickets.csat"],
            {
                "tickets.channel": "Phone,Chat",
                "tickets.priority": "Urgent,High",
                "tickets.created_date": "6 months",
            },
        ),
        (
            # "#" before a noun is "number of"; "&" is "and"
            "churn rate and # churned subs by plan",
            ["subscriptions.churn_rate", "subscriptions.churned_count", "subscriptions.plan"],
            {},
        ),
        (
            "weekly ticket volume & escalations, past 12 weeks",
            ["tickets.count", "tickets.created_week", "tickets.escalated_count"],
            {"tickets.created_date": "12 weeks"},
        ),
        (
            # a first clause that says what is not wanted is passed over
            "don't need the list, just how many distinct customers bought Jeans last month",
            ["customers.count"],
            {"orders.created_date": "last month", "products.category": "Jeans"},
        ),
        (
            "no need for names, just how many SMB customers signed up since jan 1?",
            ["accounts.count"],
            {"subscriptions.signup_date": "after 2026/01/01", "accounts.segment": "SMB"},
        ),
        # a dimension named by its label right before a measure: the measure by it
        ("channel csat", ["tickets.channel", "tickets.csat"], {}),
        ("plan mrr", ["subscriptions.plan", "subscriptions.total_mrr"], {}),
        (
            # the things a value names, joined by "and" to a measure: counted too
            "Northwind orders and revenue",
            ["orders.count", "orders.total_revenue"],
            {"products.brand": "Northwind"},
        ),
        (
            # a ranking by the money, then "and how many ...": both asked
            "which customer spent the most in august and how many orders did they place",
            ["customers.name", "orders.count", "orders.total_revenue"],
            {"orders.created_date": "2026/08"},
        ),
        (
            # "many" after a verb of selling: how many were sold, not the sales
            "are we selling many Boots this month",
            ["orders.count"],
            {"orders.created_date": "this month", "products.name": "Boots"},
        ),
        ("total MRR across all customers", ["subscriptions.total_mrr"], {}),
        (
            # the noun right after the number is what it counts, not the CSAT before it
            "bottom 5 agents by csat among those with at least 30 tickets",
            ["agents.name", "tickets.csat"],
            {"tickets.count": ">=30"},
        ),
        (
            # "billed" after the things: which subs, counted
            "subs billed in germany and france, by plan",
            ["subscriptions.count", "subscriptions.plan"],
            {"accounts.country": "Germany,France"},
        ),
        (
            "how much are we billing Pine & Co per month",
            ["subscriptions.total_mrr"],
            {"accounts.name": "Pine & Co"},
        ),
        (
            "subs with 100+ seats, by plan",
            ["subscriptions.count", "subscriptions.plan"],
            {"subscriptions.seats": ">=100"},
        ),
        (
            "orders of $500+ last month",
            ["orders.count"],
            {"orders.created_date": "last month", "orders.amount": ">=500"},
        ),
        (
            # both billing periods there are: a breakdown, no filter
            "annual vs monthly mrr",
            ["subscriptions.billing_period", "subscriptions.total_mrr"],
            {},
        ),
        (
            "tickets that took at least 3 days to resolve",
            ["tickets.count"],
            {"tickets.resolution_hours": ">=72"},
        ),
        (
            "mrr by plan for subs billed yearly",
            ["subscriptions.plan", "subscriptions.total_mrr"],
            {"subscriptions.billing_period": "annual"},
        ),
        (
            "monthly vs annual subs",
            ["subscriptions.billing_period", "subscriptions.count"],
            {},
        ),
        ("what's the revenue and how many orders", ["orders.total_revenue", "orders.count"], {}),
        ("each plan's mrr", ["subscriptions.plan", "subscriptions.total_mrr"], {}),
        (
            "products except Boots by revenue",
            ["products.name", "orders.total_revenue"],
            {"products.name": "-Boots"},
        ),
    ],
)
def test_counts_averages_and_amounts_of_values(question, fields, filters):
    result = three(question)
    assert isinstance(result, QuerySpec), result
    assert sorted(result.fields) == sorted(fields)
    assert dict(result.filters) == filters


@pytest.mark.parametrize(
    ("question", "expression"),
    [
        ("orders in the last fortnight", "2 weeks"),
        ("revenue for the last couple of weeks", "2 weeks"),
        ("revenue in the 2nd quarter", "2026/04/01 to 2026/07/01"),
        ("orders in the first quarter of 2025", "2025/01/01 to 2025/04/01"),
        ("orders since the start of the quarter", "this quarter"),
        ("revenue earlier this month", "this month"),
        ("revenue up to yesterday", "before 2026/09/30"),
        ("orders until today", "before 2026/10/01"),
        ("orders in Q4 last year", "2025/10/01 to 2026/01/01"),
        ("orders q1 this year", "2026/01/01 to 2026/04/01"),
        ("orders in August last year", "2025/08"),
        ("orders in March of this year", "2026/03"),
        ("orders H1 last year", "2025/01/01 to 2025/07/01"),
        ("orders the week before last", "2026/09/14 to 2026/09/21"),  # weeks start Monday
        ("orders the month before last", "2026/07/01 to 2026/08/01"),
    ],
)
def test_more_ways_to_say_a_time(question, expression):
    assert query(question).filters["orders.created_date"] == expression


def test_highest_paying_accounts_is_a_list_and_as_of_is_no_time():
    assert three("highest paying accounts").limit == 10
    assert three("highest paying account").limit == 1
    assert not isinstance(three("mrr as of june"), QuerySpec)  # a snapshot, not signups
    assert not isinstance(three("mrr per seat"), QuerySpec)  # a rate, not a row per seat count


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("Hopper revenue", "Grace Hopper"),  # a last name no one else has
        ("how much did van Rossum spend", "Guido van Rossum"),  # of several words
        ("Berners-Lee orders", "Tim Berners-Lee"),
        ("O'Brien csat", "James O'Brien"),
    ],
)
def test_people_by_their_last_name(question, name):
    result = three(question)
    assert isinstance(result, QuerySpec), result
    assert name in result.filters.values()


def test_slack_chatter_and_short_units():
    result = three("hey, quick one - how many tickets did we get yesterday?")
    assert isinstance(result, QuerySpec) and list(result.fields) == ["tickets.count"]
    result = three("tix by channel last wk")
    assert isinstance(result, QuerySpec)
    assert result.filters["tickets.created_date"] == "last week"
    assert query("revenue last qtr").filters["orders.created_date"] == "last quarter"


def test_the_most_common_thing_is_ranked_by_its_rows():
    result = three("most common topic")
    assert isinstance(result, QuerySpec)
    assert (result.sorts, result.limit) == (("tickets.count desc",), 1)
    result = three("least popular brand")
    assert isinstance(result, QuerySpec) and result.sorts == ("orders.count",)


@pytest.mark.parametrize(
    ("question", "limit"),
    [
        ("best month for revenue", 1),  # one month: not a list
        ("top customer by revenue", 1),
        ("top customers by revenue", 10),
        ("worst csat agents", 10),
        ("best selling products", 10),
    ],
)
def test_a_ranking_of_one_thing_or_a_list(question, limit):
    result = three(question)
    assert isinstance(result, QuerySpec), result
    assert result.limit == limit


@pytest.mark.parametrize(
    ("question", "fields"),
    [
        # who asks and what for: not part of the question
        ("support lead here — how many urgent tickets are still open?", ["tickets.count"]),
        ("CS team asking: new logos this quarter", ["accounts.count"]),
        ("quick q: revenue by region", ["customers.region", "orders.total_revenue"]),
        ("net sales by category for the board deck", ["orders.net_revenue", "products.category"]),
        ("revenue by region here, please", ["customers.region", "orders.total_revenue"]),
        # a greeting to the channel (not Agents Team), emoji codes, chat words
        ("hey team, how many tickets this week?", ["tickets.count"]),
        ("revenue by region pls :pray:", ["customers.region", "orders.total_revenue"]),
        ("can u show me orders by status", ["orders.count", "orders.status"]),
        # the Explore's own words ("Orders placed in the online shop") name the data
        ("shop revenue", ["orders.total_revenue"]),
        ("revenue from the online shop", ["orders.total_revenue"]),
    ],
)
def test_who_asks_what_for_and_the_explores_own_words_are_not_fields(question, fields):
    result = three(question)
    assert isinstance(result, QuerySpec), result
    assert sorted(result.fields) == fields


def test_rows_dated_by_the_explores_own_verb_and_percent_change():
    # "Tickets raised with customer support": raised when created; solved has no date
    result = three("tickets raised last week")
    assert isinstance(result, QuerySpec)
    assert result.filters == {"tickets.created_date": "last week"}
    assert not isinstance(three("tickets solved last week"), QuerySpec)
    # "the % change" is a change, not a share as well
    result = three("ticket volume this year vs last year, with the % change")
    assert isinstance(result, QuerySpec)
    assert [c.type for c in result.calculations] == ["percent_change"]


def test_per_the_things_a_count_counts_or_its_own_rows():
    # "subs" is a tag of Subscriptions Count; Average Seats is "per subscription"
    result = three("average seats per sub by plan")
    assert isinstance(result, QuerySpec)
    assert sorted(result.fields) == ["subscriptions.average_seats", "subscriptions.plan"]
    # an average of the tickets' own number is already per ticket
    result = three("average resolution time per ticket")
    assert isinstance(result, QuerySpec)
    assert list(result.fields) == ["tickets.average_resolution_hours"]
    assert not isinstance(three("average revenue per customer by region"), QuerySpec)
    # neither two periods, two values nor two measures: "monthly" is no grain there
    assert not isinstance(three("avg seats: annual plans vs monthly plans"), QuerySpec)
    # "hold" says whose the subscriptions are: counted, with both values
    held = three("how many Pro subscriptions do SMB customers hold")
    assert isinstance(held, QuerySpec) and list(held.fields) == ["subscriptions.count"]


def test_a_singular_thing_before_a_measure_or_after_a_is_no_count():
    result = three("order revenue by month")  # revenue of orders
    assert isinstance(result, QuerySpec) and "orders.count" not in result.fields
    result = three("how many customers placed an order over $100 so far this year?")
    assert isinstance(result, QuerySpec), result
    assert list(result.fields) == ["customers.count"]
    assert result.filters["orders.amount"] == ">100"
    result = three("escalation count, urgent only")  # a count named by its tag and "count"
    assert isinstance(result, QuerySpec) and list(result.fields) == ["tickets.escalated_count"]
    result = three("which agent solved the most tickets last month")  # who is asked for
    assert isinstance(result, QuerySpec) and "agents.name" in result.fields


def test_a_share_of_a_views_things_is_of_its_count():
    result = three("what share of our accounts comes from each industry?")
    assert isinstance(result, QuerySpec), result
    assert sorted(result.fields) == ["accounts.count", "accounts.industry"]
    assert [c.type for c in result.calculations] == ["percent_of_total"]
    assert not isinstance(three("share of products by brand"), QuerySpec)  # no count of them


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # the noun of the values left out: a filter, not a breakdown
        ("revenue from brands other than Tailspin", [], {"products.brand": "-Tailspin"}),
        ("tickets on channels other than email", [], {"tickets.channel": "-Email"}),
        # "by" asks for the breakdown too
        (
            "revenue by category except shoes",
            ["products.category"],
            {"products.category": "-Shoes"},
        ),
    ],
)
def test_the_field_of_values_left_out_is_no_breakdown(question, fields, filters):
    result = three(question)
    assert isinstance(result, QuerySpec), result
    assert [f for f in result.fields if not f.endswith(("revenue", "count"))] == fields
    assert result.filters == filters


@pytest.mark.parametrize(
    ("question", "fields", "sort"),
    [
        ("agents ranked by csat", ["agents.name", "tickets.csat"], "tickets.csat desc"),
        # what happened to the things: the count of those, not of all of them
        (
            "agents ranked by tickets solved",
            ["agents.name", "tickets.solved_count"],
            "tickets.solved_count desc",
        ),
        (
            "regions sorted by revenue",
            ["customers.region", "orders.total_revenue"],
            "orders.total_revenue desc",
        ),
    ],
)
def test_things_ranked_by_a_measure_are_listed_by_it(question, fields, sort):
    result = three(question)
    assert isinstance(result, QuerySpec), result
    assert (sorted(result.fields), result.sorts) == (fields, (sort,))


def test_up_or_down_without_the_period_it_is_from_declines():
    for question in ("is revenue up this month", "are tickets down this week"):
        assert not isinstance(three(question), QuerySpec), question
    assert not isinstance(three("is revenue up from last month"), QuerySpec)  # not last month's
    result = three("revenue up or down vs last month")  # the periods are named
    assert isinstance(result, QuerySpec)
    assert result.filters["orders.created_date"] == "2026/08/01 to 2026/10/01"
    assert three("orders up to yesterday").filters["orders.created_date"] == "before 2026/09/30"


@pytest.mark.parametrize(
    "question", ["total order value by region", "sum of csat", "total resolution time"]
)
def test_a_total_of_what_only_an_average_measures_declines(question):
    result = three(question)
    assert isinstance(result, NotUnderstood), result
    assert result.unknown[0].lower() in ("total", "sum")


def test_what_happened_to_other_things_is_their_status():
    # the subscriptions churned; the accounts are counted
    result = three("how many accounts churned")
    assert isinstance(result, QuerySpec), result
    assert list(result.fields) == ["accounts.count"]
    assert result.filters == {"subscriptions.status": "churned"}
    result = three("how many subscriptions churned")  # their own count
    assert isinstance(result, QuerySpec) and list(result.fields) == ["subscriptions.churned_count"]


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ("how fast do we respond on chat", "tickets.average_first_response_minutes"),
        ("how long does it take to resolve billing tickets", "tickets.average_resolution_hours"),
    ],
)
def test_how_long_to_do_something_is_the_average_time_named_by_its_noun(question, field):
    result = three(question)
    assert isinstance(result, QuerySpec), result
    assert list(result.fields) == [field]
    assert not isinstance(three("how long are orders"), QuerySpec)  # no time of orders


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # "how many" asks for a count; the money verb is what the counted things do
        (
            "How many Enterprise Plus subs are billed annually?",
            ["subscriptions.count"],
            {"subscriptions.plan": "Enterprise Plus", "subscriptions.billing_period": "annual"},
        ),
        # the noun right after "how many" is what is counted, not whose it is
        (
            "How many pending orders do we have from customers in the West region?",
            ["orders.count"],
            {"orders.status": "pending", "customers.region": "West"},
        ),
        (
            "How many customer accounts have a subscription with more than 100 seats?",
            ["accounts.count"],
            {"subscriptions.seats": ">100"},
        ),
        # "across all <the Explore's things>" is every row, not a pivot
        ("What's our total MRR across all subscriptions?", ["subscriptions.total_mrr"], {}),
        # "longer than" compares a duration
        (
            "How many tickets took longer than 48 hours to resolve last quarter?",
            ["tickets.count"],
            {"tickets.resolution_hours": ">48", "tickets.created_date": "last quarter"},
        ),
        # a description word naming the field beside it; what each plan does
        (
            "For our Enterprise-size customers, how much MRR does each price plan bring in?",
            ["subscriptions.plan", "subscriptions.total_mrr"],
            {"accounts.segment": "Enterprise"},
        ),
        # "billing" before a dimension says which one; "seat total" is Total Seats
        (
            "What is the seat total on active subscriptions by billing country?",
            ["accounts.country", "subscriptions.total_seats"],
            {"subscriptions.status": "active"},
        ),
        # a synonym made of the Explore's own word ("shop") is its own
        (
            "Which 5 shoppers spent the most since March?",
            ["customers.name", "orders.total_revenue"],
            {"orders.created_date": "after 2026/03/01"},
        ),
    ],
)
def test_what_how_many_counts_and_words_that_only_say_which(question, fields, filters):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    "question",
    [
        "Tickets per agent by team last month?",  # a rate per agent, within each team
        "What's the revenue per shopper in each region?",
        "What's the average number of seats per account in each segment?",
        "How many different brands did shoppers in each region buy from last month?",
        "how many plans do we have",  # no count of a dimension's values
    ],
)
def test_a_rate_per_thing_within_a_breakdown_and_counts_of_values_decline(question):
    assert not isinstance(three(question), QuerySpec)


def test_per_thing_by_breakdown_is_the_average_described_per_thing():
    result = three("MRR per account by plan")  # ARPU: MRR per account
    assert isinstance(result, QuerySpec), result
    assert sorted(result.fields) == ["subscriptions.arpu", "subscriptions.plan"]
    assert result.pivots == ()
    result = three("tickets per agent")  # one row per agent, as before
    assert isinstance(result, QuerySpec) and sorted(result.fields) == [
        "agents.name",
        "tickets.count",
    ]


def test_compared_periods_their_growth_and_which_in_the_plural():
    result = three("MRR this year versus last year, with the growth")
    assert isinstance(result, QuerySpec), result
    assert "subscriptions.plan" not in result.filters  # "the growth" is no plan here
    assert [c.type for c in result.calculations] == ["percent_change"]
    on_plan = three("MRR this year vs last year on Growth")
    assert isinstance(on_plan, QuerySpec) and on_plan.filters["subscriptions.plan"] == "Growth"
    result = three("Count of subscriptions by signup date, this quarter versus last quarter")
    assert isinstance(result, QuerySpec), result
    assert sorted(result.fields) == ["subscriptions.count", "subscriptions.signup_quarter"]
    assert result.pivots == ()
    many = three("Which agents have the lowest CSAT this quarter?")
    one = three("Which agent has the lowest CSAT this quarter?")
    assert isinstance(many, QuerySpec) and isinstance(one, QuerySpec)
    assert (many.limit, one.limit) == (10, 1)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        ("cnt of buyers by region since jun 1", ["customers.count", "customers.region"], {}),
        (
            "need cancelled orders by brand asap",
            ["orders.count", "products.brand"],
            {"orders.status": "cancelled"},
        ),
        ("pct of tickets by topic last qtr", ["tickets.count", "tickets.topic"], {}),
        # "us" before the things it places is the country; "give us orders" is not
        (
            "need arpu by plan for us accounts asap",
            ["subscriptions.arpu", "subscriptions.plan"],
            {"accounts.country": "United States"},
        ),
        ("give us orders by region", ["customers.region", "orders.count"], {}),
    ],
)
def test_hurried_shorthand(question, fields, filters):
    result = three(question)
    assert isinstance(result, QuerySpec), result
    assert sorted(result.fields) == sorted(fields)
    assert {k: v for k, v in result.filters.items() if not k.endswith("_date")} == filters


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # "changed" is the measure over time, not an event the Explore cannot date
        (
            "How has customer satisfaction on Billing tickets changed this year compared to"
            " last year?",
            ["tickets.created_year", "tickets.csat"],
            {"tickets.topic": "Billing", "tickets.created_date": "2025/01/01 to 2027/01/01"},
        ),
        # Solved Tickets already counts the solved ones: no status filter beside it
        (
            "List the 3 support agents with the highest number of solved tickets so far this month",
            ["agents.name", "tickets.solved_count"],
            {"tickets.created_date": "this month"},
        ),
        (
            "What sector shows the highest churn rate for subs on the monthly billing cycle?",
            ["accounts.industry", "subscriptions.churn_rate"],
            {"subscriptions.billing_period": "monthly"},
        ),
        # the words between "how long" and its verb are read; the tickets are a filter
        (
            "For last quarter's Urgent and High priority tickets, how long did each agent team"
            " take on average to resolve them?",
            ["agents.team", "tickets.average_resolution_hours"],
            {"tickets.created_date": "last quarter", "tickets.priority": "Urgent,High"},
        ),
        # what the asker is doing, and "moved", a trend
        (
            "I'm preparing a board update: how has net revenue moved month by month so far"
            " this year?",
            ["orders.created_month", "orders.net_revenue"],
            {"orders.created_date": "this year"},
        ),
        (
            "What share of total revenue does each product category account for over the"
            " past 90 days?",
            ["orders.total_revenue", "products.category"],
            {"orders.created_date": "90 days"},
        ),
    ],
)
def test_words_around_what_is_asked(question, fields, filters):
    reads(question, fields, filters)


def test_the_number_before_the_things_a_ranking_lists_is_its_limit():
    result = three("List the 3 support agents with the highest number of solved tickets")
    assert isinstance(result, QuerySpec), result
    assert (result.limit, list(result.sorts)) == (3, ["tickets.solved_count desc"])


def test_a_list_of_values_keeps_the_same_rows_in_any_order():
    assert same_rows("Urgent,High") == same_rows("High,Urgent") == "High,Urgent"
    assert same_rows("a^,b,c") == "a^,b,c"  # an escaped comma is part of a value
    assert same_rows("2026/01/01 to 2026/04/01") == "2026/01/01 to 2026/04/01"


@pytest.mark.parametrize(
    ("question", "fields", "filters", "limit"),
    [
        # plural things after "top" are a list, though the question starts with "what"
        (
            "What are our top products by total revenue this year?",
            ["orders.total_revenue", "products.name"],
            {"orders.created_date": "this year"},
            10,
        ),
        ("which region has the top revenue", ["customers.region", "orders.total_revenue"], {}, 1),
        # "all plans combined" is one total, not a row per plan
        ("What is MRR for all plans combined?", ["subscriptions.total_mrr"], {}, None),
        # values asked apart are a row each
        (
            "How many tickets came in through Chat and how many through Email last week?",
            ["tickets.channel", "tickets.count"],
            {"tickets.channel": "Chat,Email", "tickets.created_date": "last week"},
            None,
        ),
        (
            "Show total revenue for Jeans and for Shoes separately in Q2.",
            ["orders.total_revenue", "products.category"],
            {"products.category": "Jeans,Shoes", "orders.created_date": "2026/04/01 to 2026/07/01"},
            None,
        ),
        # a change "this month from last month": the two months
        (
            "What's the change in subscription signups this month from last month?",
            ["subscriptions.count", "subscriptions.signup_month"],
            {"subscriptions.signup_date": "2026/08/01 to 2026/10/01"},
            None,
        ),
    ],
)
def test_small_words_that_change_the_query(question, fields, filters, limit):
    assert reads(question, fields, filters).limit == limit


def test_a_status_ever_held_declines():
    question = "Of the subscriptions that signed up in 2024, how many were ever past due?"
    assert not isinstance(three(question), QuerySpec)  # the status now, not once held
    assert isinstance(three("biggest order ever"), QuerySpec)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # the things a question starts with, narrowed by "with"/"that", are what it asks
        # for: listed (a blind set lists "shoppers with cancelled orders ..."), and
        # counted when a count is asked
        ("accounts with Pro subscriptions", ["accounts.name"], {"subscriptions.plan": "Pro"}),
        (
            "number of accounts with Pro subscriptions",
            ["accounts.count"],
            {"subscriptions.plan": "Pro"},
        ),
        (
            "How many Enterprise Plus subscriptions do SMB customers hold?",
            ["subscriptions.count"],
            {"subscriptions.plan": "Enterprise Plus", "accounts.segment": "SMB"},
        ),
        # two questions joined by "and": both measures
        (
            "How many orders has she placed, and how much has she spent in total?",
            ["orders.count", "orders.total_revenue"],
            {},
        ),
    ],
)
def test_the_things_counted_and_a_second_measure_asked_after_and(question, fields, filters):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        (
            "How many accounts have a subscription of 200 seats or more?",
            ["accounts.count"],
            {"subscriptions.seats": ">=200"},
        ),
        (
            "How many tickets that took 100 hours or more to resolve were escalated, by topic?",
            ["tickets.escalated_count", "tickets.topic"],
            {"tickets.resolution_hours": ">=100"},
        ),
        (
            "How many Chat tickets had a resolution time under one hour?",
            ["tickets.count"],
            {"tickets.channel": "Chat", "tickets.resolution_hours": "<1"},
        ),
        (
            "Total seats on Enterprise Plus subscriptions over 500 seats",
            ["subscriptions.total_seats"],
            {"subscriptions.plan": "Enterprise Plus", "subscriptions.seats": ">500"},
        ),
        (
            "Which Enterprise accounts are billed in Germany?",
            ["accounts.name"],
            {"accounts.segment": "Enterprise", "accounts.country": "Germany"},
        ),
        (
            "Which product did Sophie Wilson order most often?",
            ["orders.count", "products.name"],
            {"customers.name": "Sophie Wilson"},
        ),
    ],
)
def test_numbers_with_their_units_and_things_named(question, fields, filters):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    "question",
    [
        "How many days this month had more than $10k in revenue?",  # no count of days
        "How many hours did Emma Schmidt work last week?",
        "How many agents have an average resolution time over 24 hours?",  # on an average
        "Which Tier 3 agents have the best CSAT?",  # the teams are Tier 1 and Tier 2
    ],
)
def test_counts_of_time_conditions_on_averages_and_unlisted_numbered_values_decline(question):
    assert not isinstance(three(question), QuerySpec)


def test_a_period_wholly_before_the_first_day_declines_and_one_that_overlaps_runs():
    # the emulator's orders start 365 days before 2026-09-30, on 2025-10-01
    result = three("What was shop revenue in 2024?", dated=True)
    assert isinstance(result, NotUnderstood), result
    assert (result.reason, result.unknown) == ("before_data", ("in 2024", "2025-10-01"))
    before = three("shop revenue in the same quarter last year", dated=True)  # Q3 2025
    assert isinstance(before, NotUnderstood) and before.reason == "before_data"
    overlapping = three("shop revenue between 2025-09-01 and 2025-11-01", dated=True)
    assert isinstance(overlapping, QuerySpec), overlapping
    assert isinstance(three("What was shop revenue in 2024?"), QuerySpec)  # first day unknown


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # "each Tier 1 agent": a row per agent, of those in Tier 1
        (
            "how many open tickets does each Tier 1 agent have?",
            ["agents.name", "tickets.count"],
            {"tickets.status": "open", "agents.team": "Tier 1"},
        ),
        # who wants it, or what it is for, before a colon
        ("Finance tile: MRR by plan", ["subscriptions.plan", "subscriptions.total_mrr"], {}),
        (
            "For the finance dashboard: net revenue by month this year",
            ["orders.created_month", "orders.net_revenue"],
            {"orders.created_date": "this year"},
        ),
        ("sales by region", ["customers.region", "orders.total_revenue"], {}),  # a measure
        # "by order revenue": ranked by the revenue of orders, not by their count
        (
            "top 10 shoppers by order revenue this year",
            ["customers.name", "orders.total_revenue"],
            {"orders.created_date": "this year"},
        ),
    ],
)
def test_each_of_the_valued_things_and_who_the_answer_is_for(question, fields, filters):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # the noun after other values: the status of those orders, beside the revenue
        (
            "total revenue of returned Outerwear orders",
            ["orders.total_revenue"],
            {"orders.status": "returned", "products.category": "Outerwear"},
        ),
        # a noun naming the view's count says whose the next measure is
        (
            "which country had the most subscription cancellations?",
            ["accounts.country", "subscriptions.churned_count"],
            {},
        ),
        # "number of <things> <value> <did>": what the value did, counted
        (
            "number of tickets emma schmidt resolved",
            ["tickets.solved_count"],
            {"agents.name": "Emma Schmidt"},
        ),
        ("number of orders returned", ["orders.returned_count"], {}),
        # "2026 so far", "Q3 to date": the period holding today, up to today
        (
            "what % of orders came from each region in 2026 so far",
            ["customers.region", "orders.count"],
            {"orders.created_date": "this year"},
        ),
        ("revenue Q3 to date", ["orders.total_revenue"], {"orders.created_date": "this quarter"}),
        # a percent right after a measure is its rate, not a share of it
        ("churn % by segment", ["accounts.segment", "subscriptions.churn_rate"], {}),
        ("MRR per paying account by plan", ["subscriptions.arpu", "subscriptions.plan"], {}),
        # "average hours to <verb>" is "how long to <verb>"
        ("average hours to resolve", ["tickets.average_resolution_hours"], {}),
        (
            "how long until first response by channel",
            ["tickets.average_first_response_minutes", "tickets.channel"],
            {},
        ),
    ],
)
def test_nouns_after_values_counts_by_who_did_them_rates_and_periods_so_far(
    question, fields, filters
):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    "question",
    [
        # "refund" is only a word of Total Revenue's description ("before refunds")
        "How much did we refund on returned Outerwear orders last quarter?",
        # an average of a duration no measure keeps
        "What's the average number of days from signup to cancellation for Starter subs?",
        "escalation % by team",  # a rate of escalations the Explore does not keep
    ],
)
def test_refunds_durations_and_rates_the_explores_lack_decline(question):
    assert not isinstance(three(question), QuerySpec)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # two measures asked, whoever they belong to
        (
            "what's Acme Corp's total MRR and total seat count?",
            ["subscriptions.total_mrr", "subscriptions.total_seats"],
            {"accounts.name": "Acme Corp"},
        ),
        ("csat and number of solved tickets", ["tickets.csat", "tickets.solved_count"], {}),
        (
            "total seats and avg seats per sub by segment",
            ["accounts.segment", "subscriptions.average_seats", "subscriptions.total_seats"],
            {},
        ),
        (
            "number of subs and distinct accounts by plan",
            ["accounts.count", "subscriptions.count", "subscriptions.plan"],
            {},
        ),
        # a second sentence is not a value's noun ("UK mrr")
        (
            "how's Enterprise Plus doing in the UK? mrr and total seats",
            ["subscriptions.total_mrr", "subscriptions.total_seats"],
            {"subscriptions.plan": "Enterprise Plus", "accounts.country": "United Kingdom"},
        ),
        # who did it, of those a value names: not a row per shopper
        (
            "how many orders over $250 were placed by shoppers in the South?",
            ["orders.count"],
            {"orders.amount": ">250", "customers.region": "South"},
        ),
        # lists of names
        (
            "which shoppers in the East had a cancelled order? just need the names",
            ["customers.name"],
            {"customers.region": "East", "orders.status": "cancelled"},
        ),
        (
            "which Tier 2 agents handled urgent tickets",  # those agents, listed
            ["agents.name"],
            {"agents.team": "Tier 2", "tickets.priority": "Urgent"},
        ),
        (
            "list the accounts that have a subscription with more than 100 seats",
            ["accounts.name"],
            {"subscriptions.seats": ">100"},
        ),
        (
            "list the accounts that have a Pro subscription",
            ["accounts.name"],
            {"subscriptions.plan": "Pro"},
        ),
        ("customers with the most orders", ["customers.name", "orders.count"], {}),
        ("accounts with the most subscriptions", ["accounts.name", "subscriptions.count"], {}),
        # a count per month, not monthly-billed subscriptions
        (
            "monthly count of subscriptions",
            ["subscriptions.count", "subscriptions.signup_month"],
            {},
        ),
        # "after" a day or a period starts the day after it; "since" on it
        ("orders after aug 31", ["orders.count"], {"orders.created_date": "after 2026/09/01"}),
        ("orders since aug 31", ["orders.count"], {"orders.created_date": "after 2026/08/31"}),
        ("orders after Q2", ["orders.count"], {"orders.created_date": "after 2026/07/01"}),
        # "every status but cancelled", "a plan other than Pro": left out, not broken down
        (
            "order count by status, every status but cancelled",
            ["orders.count", "orders.status"],
            {"orders.status": "-cancelled"},
        ),
        (
            "how many accounts are on a plan other than Pro",
            ["accounts.count"],
            {"subscriptions.plan": "-Pro"},
        ),
        # "completed" is the status complete, which Net Revenue already keeps
        (
            "completed orders last month",
            ["orders.count"],
            {"orders.status": "complete", "orders.created_date": "last month"},
        ),
        ("net revenue from completed orders", ["orders.net_revenue"], {}),
    ],
)
def test_two_measures_lists_of_names_after_and_but(question, fields, filters):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # a condition on a measure: a filter on it (Looker's HAVING), the groups it keeps
        (
            "Which agents have a CSAT below 4?",
            ["agents.name", "tickets.csat"],
            {"tickets.csat": "<4"},
        ),
        (
            "which customers placed more than 5 orders this year",
            ["customers.name", "orders.count"],
            {"orders.count": ">5", "orders.created_date": "this year"},
        ),
        (
            "which brands did more than $20k in sales last quarter?",
            ["products.brand", "orders.total_revenue"],
            {"orders.total_revenue": ">20000", "orders.created_date": "last quarter"},
        ),
        (
            "agents with an average resolution time over 24 hours",
            ["agents.name", "tickets.average_resolution_hours"],
            {"tickets.average_resolution_hours": ">24"},
        ),
        # each row's own number stays a filter on rows
        (
            "orders over $200 by region",
            ["customers.region", "orders.count"],
            {"orders.amount": ">200"},
        ),
        # rows of named fields, when an ID is among them
        (
            "Ada Lovelace's orders this year: order id, date, status, amount",
            ["orders.id", "orders.created_date", "orders.status", "orders.amount"],
            {"customers.name": "Ada Lovelace", "orders.created_date": "this year"},
        ),
        (
            "pending Bug Report tickets: id, priority, agent",
            ["tickets.id", "tickets.priority", "agents.name"],
            {"tickets.status": "pending", "tickets.topic": "Bug Report"},
        ),
        # which values a dimension has: the list, no count
        ("what countries do we have customers in", ["accounts.country"], {}),
        (
            "what industries are the churned subs in",
            ["accounts.industry"],
            {"subscriptions.status": "churned"},
        ),
        # a value's own count ("churned count"), and measures compared
        (
            "subs count, churned count and churn rate by plan",
            [
                "subscriptions.plan",
                "subscriptions.count",
                "subscriptions.churned_count",
                "subscriptions.churn_rate",
            ],
            {},
        ),
        (
            "resolved vs total tickets by team",
            ["agents.team", "tickets.solved_count", "tickets.count"],
            {},
        ),
    ],
)
def test_conditions_on_measures_rows_of_fields_and_lists_of_values(question, fields, filters):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    "question",
    [
        "How many agents have an average resolution time over 24 hours?",  # counts groups
        "CSAT below 4",  # a condition on the one total row
        "refund amount we paid out to each customer last quarter",  # no refunds kept
        "invoice numbers and due dates for Harbor Retail Group",  # not a typo of "invoiced"
    ],
)
def test_conditions_one_query_cannot_answer_and_kinds_of_amount_it_lacks_decline(question):
    assert not isinstance(three(question), QuerySpec)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # people named side by side: a row each, unless said together
        (
            "how much have Grace Hopper and Alan Turing each spent with us this year",
            ["customers.name", "orders.total_revenue"],
            {"customers.name": "Grace Hopper,Alan Turing", "orders.created_date": "this year"},
        ),
        (
            "csat for Maria Garcia and James O'Brien this year",
            ["agents.name", "tickets.csat"],
            {"agents.name": "Maria Garcia,James O'Brien", "tickets.created_date": "this year"},
        ),
        (
            "licenses for Cedar Health and Orchid Clinics combined",
            ["subscriptions.total_seats"],
            {"accounts.name": "Cedar Health,Orchid Clinics"},
        ),
        # "new <things>": how many
        (
            "new accounts on sept 14?",
            ["accounts.count"],
            {"subscriptions.signup_date": "2026/09/14"},
        ),
        # the things after "the most", not the money a verb names
        (
            "which signup month brought in the most new subscriptions?",
            ["subscriptions.signup_month", "subscriptions.count"],
            {},
        ),
        (
            "share of customer accounts by country",
            ["accounts.country", "accounts.count"],
            {},
        ),
    ],
)
def test_people_side_by_side_new_things_and_the_things_ranked(question, fields, filters):
    reads(question, fields, filters)


def test_a_weekday_the_explore_has_no_field_for_is_declined():
    result = three("what day of the week do we get the most orders on")
    assert isinstance(result, NotUnderstood), result
    assert result.unknown == ("what day of the week",)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # "us" beside another place is the United States, not the pronoun
        (
            "mrr by segment us and canada only",
            ["accounts.segment", "subscriptions.total_mrr"],
            {"accounts.country": "United States,Canada"},
        ),
        # products named together are one count of both
        (
            "boots + sneakers orders last week",
            ["orders.count"],
            {"products.name": "Boots,Sneakers", "orders.created_date": "last week"},
        ),
        # "AOV above $80" compares the average; "revenue over $1000 by region" may mean
        # orders over $1000, as it did
        (
            "AOV above $80 by category",
            ["products.category", "orders.average_order_value"],
            {"orders.average_order_value": ">80"},
        ),
        (
            "revenue over $1000 by region",
            ["customers.region", "orders.total_revenue"],
            {"orders.amount": ">1000"},
        ),
    ],
)
def test_us_beside_a_place_products_together_and_which_number_is_compared(
    question, fields, filters
):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # things in the plural broken down by something: how many in each, as "customers
        # by country" and "logos by plan" already were; a list only when asked for
        ("accounts by country", ["accounts.country", "accounts.count"], {}),
        (
            "accounts signed up last month by segment",
            ["accounts.segment", "accounts.count"],
            {"subscriptions.signup_date": "last month"},
        ),
        ("list accounts by country", ["accounts.country", "accounts.name"], {}),
    ],
)
def test_things_by_a_dimension_are_counted_unless_listed(question, fields, filters):
    reads(question, fields, filters)


def test_things_another_explore_names_as_its_own_are_not_answered_from_a_synonym():
    # "shoppers" are the shop's things; the subscriptions Explore knows the word only as a
    # synonym of its customers, and the shop cannot say Germany: declined, naming it
    result = three("how much did shoppers in germany spend YTD")
    assert isinstance(result, NotUnderstood), result
    assert result.explore == "thelook/orders" and result.unknown == ("germany",)
    assert isinstance(three("MRR from clients in Germany"), QuerySpec)  # clients: its own


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # counts asked side by side, however they are joined
        (
            "returned orders and total orders by category",
            ["products.category", "orders.returned_count", "orders.count"],
            {},
        ),
        (
            "resolved tickets and csat by team",
            ["agents.team", "tickets.solved_count", "tickets.csat"],
            {},
        ),
        (
            "accounts and subs by plan",
            ["subscriptions.plan", "accounts.count", "subscriptions.count"],
            {},
        ),
        (
            "churn rate + # of churned subs by segment",
            ["accounts.segment", "subscriptions.churn_rate", "subscriptions.churned_count"],
            {},
        ),
        # two values, the second said with its things
        (
            "cancelled and returned orders by brand",
            ["products.brand", "orders.count"],
            {"orders.status": "cancelled,returned"},
        ),
        # the emails of things: a list of them
        (
            "need the emails of customers in the South",
            ["customers.email"],
            {"customers.region": "South"},
        ),
    ],
)
def test_counts_side_by_side_values_with_their_things_and_lists_of_emails(
    question, fields, filters
):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # lists of things that did something: the things, without a count
        (
            "list the customers who bought Boots in the West region",
            ["customers.name"],
            {"products.name": "Boots", "customers.region": "West"},
        ),
        (
            "which tier 2 agents had billing tickets via phone or chat",
            ["agents.name"],
            {"agents.team": "Tier 2", "tickets.topic": "Billing", "tickets.channel": "Phone,Chat"},
        ),
        (
            "what brands sold sneakers or boots to South region customers in august",
            ["products.brand"],
            {
                "products.name": "Sneakers,Boots",
                "customers.region": "South",
                "orders.created_date": "2026/08",
            },
        ),
        # "pay monthly" of the things listed is how they are billed; "how much ... pay
        # monthly" the monthly amount
        (
            "list the accounts in the UK that pay monthly",
            ["accounts.name"],
            {"accounts.country": "United Kingdom", "subscriptions.billing_period": "monthly"},
        ),
        (
            "how much do SMB accounts pay monthly",
            ["subscriptions.total_mrr"],
            {"accounts.segment": "SMB"},
        ),
        # a count before a grain, joined to a measure after it
        (
            "tickets per week + avg first response time, past 10 weeks",
            ["tickets.created_week", "tickets.count", "tickets.average_first_response_minutes"],
            {"tickets.created_date": "10 weeks"},
        ),
        ("whats our yearly recurring revenue right now", ["subscriptions.total_arr"], {}),
        (
            "ARR by plan for customers based in Germany",
            ["subscriptions.plan", "subscriptions.total_arr"],
            {"accounts.country": "Germany"},
        ),
    ],
)
def test_lists_of_things_that_did_something_and_more_ways_to_say_it(question, fields, filters):
    reads(question, fields, filters)


def test_a_number_after_a_singular_order_is_not_a_count_of_orders():
    # "a pending order over 500": that order's amount (no currency said: declined), never
    # customers with more than 500 orders
    result = three("pls list the emails of customers who have a pending order over 500")
    assert not (isinstance(result, QuerySpec) and "orders.count" in result.filters)


def test_the_verb_of_a_duration_is_no_count_of_its_own():
    # "resolved in 12 hours or less": which duration is compared, not Solved Tickets
    reads(
        "ticket count by channel for bug reports resolved in 12 hours or less",
        ["tickets.channel", "tickets.count"],
        {"tickets.topic": "Bug Report", "tickets.resolution_hours": "<=12"},
    )
    reads(
        "orders over $250 by status", ["orders.status", "orders.count"], {"orders.amount": ">250"}
    )


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # a name before a measure is whose it is, not a kind of it ("cancelled orders")
        (
            "Sophie Wilson and Guido van Rossum - avg order value and # of orders for each",
            ["customers.name", "orders.average_order_value", "orders.count"],
            {"customers.name": "Sophie Wilson,Guido van Rossum"},
        ),
        # the things named side by side get a row that says whose
        (
            "industry and country for quartz software and pine & co",
            ["accounts.name", "accounts.industry", "accounts.country"],
            {"accounts.name": "Quartz Software,Pine & Co"},
        ),
        (
            "industry and country for quartz software",
            ["accounts.industry", "accounts.country"],
            {"accounts.name": "Quartz Software"},
        ),
        # every value there is, compared: a breakdown with no filter
        (
            "mid-market: how many subs on annual vs monthly billing",
            ["subscriptions.billing_period", "subscriptions.count"],
            {"accounts.segment": "Mid-Market"},
        ),
        (
            "SMB vs Enterprise MRR",
            ["accounts.segment", "subscriptions.total_mrr"],
            {"accounts.segment": "SMB,Enterprise"},
        ),
    ],
)
def test_names_before_measures_rows_of_named_things_and_every_value_compared(
    question, fields, filters
):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # the Explore's own things one by one: a row each with the fields named
        (
            "account, plan and seat count for every subscription with more than 100 seats",
            ["accounts.name", "subscriptions.plan", "subscriptions.seats"],
            {"subscriptions.seats": ">100"},
        ),
        (
            "customer name and amount for every order over $400 last week",
            ["customers.name", "orders.amount"],
            {"orders.created_date": "last week", "orders.amount": ">400"},
        ),
        # each of another view's things is still a breakdown
        ("how many orders for each customer", ["customers.name", "orders.count"], {}),
    ],
)
def test_the_explores_own_things_one_by_one_are_rows(question, fields, filters):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    "question",
    [
        "revenue for each order",  # each order's own revenue: no field named keeps it
        "how many subs are on quarterly billing?",  # no such billing period
    ],
)
def test_each_thing_with_no_field_and_unlisted_periods_are_declined(question):
    assert isinstance(three(question), NotUnderstood)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # a list of things with the fields named, each its own row, no count
        (
            "list every account in Healthcare or Education with its segment and country",
            ["accounts.name", "accounts.segment", "accounts.country"],
            {"accounts.industry": "Healthcare,Education"},
        ),
        # values given as examples of a breakdown are no filter
        (
            "how many orders do we have in each status (complete, cancelled and so on)?",
            ["orders.status", "orders.count"],
            {},
        ),
        # "for X and for Y": each on its own row
        (
            "what's the avg order value for Contoso and for Fabrikam?",
            ["products.brand", "orders.average_order_value"],
            {"products.brand": "Contoso,Fabrikam"},
        ),
    ],
)
def test_lists_with_fields_examples_of_values_and_values_said_apart(question, fields, filters):
    reads(question, fields, filters)


def test_on_average_how_many_is_never_the_total_beside_the_average():
    result = three("on average how many seats does a sub on the Growth plan have")
    assert not (isinstance(result, QuerySpec) and "subscriptions.total_seats" in result.fields)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # the things listed, by what they had
        (
            "list outerwear products that had orders under $40 last month",
            ["products.name"],
            {
                "products.category": "Outerwear",
                "orders.amount": "<40",
                "orders.created_date": "last month",
            },
        ),
        # things named by their names' word are counted as those things
        ("how many companies do we have altogether?", ["accounts.count"], {}),
        ("how many client companies do we have?", ["accounts.count"], {}),
    ],
)
def test_things_listed_by_what_they_had_and_counted_by_their_names_word(question, fields, filters):
    reads(question, fields, filters)


def test_a_count_asked_by_name_stays_when_its_noun_is_said_again():
    reads(
        "order count and total sales by category for complete orders",
        ["orders.count", "orders.total_revenue", "products.category"],
        {"orders.status": "complete"},
    )
    # "resolved ticket count": the tickets the resolved count counts, not a count of its own
    reads(
        "tier 2 agents: resolved ticket count per agent for tickets opened in may",
        ["agents.name", "tickets.solved_count"],
        {"agents.team": "Tier 2", "tickets.created_date": "2026/05"},
    )
    reads(
        "tier 2 agents: resolved ticket count per agent",
        ["agents.name", "tickets.solved_count"],
        {"agents.team": "Tier 2"},
    )


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        (
            "how many orders did we get each month over the past 6 months, plus the number of"
            " returns",
            ["orders.created_month", "orders.count", "orders.returned_count"],
            {"orders.created_date": "6 months"},
        ),
        (
            "monthly new subs over the last 6 months, with how many of those have churned",
            ["subscriptions.signup_month", "subscriptions.count", "subscriptions.churned_count"],
            {"subscriptions.signup_date": "6 months"},
        ),
    ],
)
def test_a_second_count_asked_after_the_first_keeps_both(question, fields, filters):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    "question",
    [
        "escalations by priority and why they got escalated",  # a cause
        "first response time by channel and the number of replies per ticket",  # no replies
    ],
)
def test_a_cause_or_another_form_of_a_known_word_is_declined(question):
    assert isinstance(three(question), NotUnderstood)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # "from" a period alone is that period; "from ... on(wards)" starts there
        ("orders from september", ["orders.count"], {"orders.created_date": "2026/09"}),
        ("orders from 2025", ["orders.count"], {"orders.created_date": "2025"}),
        (
            "signups from march onwards",
            ["subscriptions.count"],
            {"subscriptions.signup_date": "after 2026/03/01"},
        ),
        # "at least one order" is every customer who had one: no condition on a count
        (
            "how many shoppers had at least one order above $1,000 in the last 30 days?",
            ["customers.count"],
            {"orders.amount": ">1000", "orders.created_date": "30 days"},
        ),
        # "every account ..., with their country": the accounts listed, no count
        (
            "every account outside the US and UK, with their country pls",
            ["accounts.name", "accounts.country"],
            {"accounts.country": "-United States,-United Kingdom"},
        ),
    ],
)
def test_from_a_period_at_least_one_and_every_thing_listed(question, fields, filters):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # a count in a list after names is asked for, as the other measures are
        (
            "Margaret Hamilton and Dennis Ritchie - orders, revenue and largest order each, ytd",
            ["customers.name", "orders.count", "orders.total_revenue", "orders.largest_order"],
            {
                "customers.name": "Margaret Hamilton,Dennis Ritchie",
                "orders.created_date": "this year",
            },
        ),
        # a value set beside values of its field is one of them, not a measure
        (
            "tier 1 vs tier 2 vs escalations: ticket volume and avg ttr in Q3",
            ["agents.team", "tickets.count", "tickets.average_resolution_hours"],
            {"tickets.created_date": "2026/07/01 to 2026/10/01"},
        ),
        ("escalations by team", ["agents.team", "tickets.escalated_count"], {}),
    ],
)
def test_counts_listed_after_names_and_values_beside_values(question, fields, filters):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # the sum of a number: the sum measure whose description says so
        (
            "sum of order amounts for cancelled orders by brand - only Contoso and Fabrikam",
            ["products.brand", "orders.total_revenue"],
            {"orders.status": "cancelled", "products.brand": "Contoso,Fabrikam"},
        ),
        # values kept already leave the others out
        (
            "count of tickets in status solved (not the closed ones) by channel",
            ["tickets.channel", "tickets.count"],
            {"tickets.status": "solved"},
        ),
        # "whose status is returned": the status named for its value
        (
            "total revenue of orders whose status is returned, by category, past 6 months",
            ["products.category", "orders.total_revenue"],
            {"orders.status": "returned", "orders.created_date": "6 months"},
        ),
        # "every X except Y" beside another breakdown is a filter; alone, a breakdown
        (
            "# of orders per brand, every region except North (the region, not the Northwind"
            " brand)",
            ["products.brand", "orders.count"],
            {"customers.region": "-North"},
        ),
        (
            "aov for every brand except Tailspin",
            ["products.brand", "orders.average_order_value"],
            {"products.brand": "-Tailspin"},
        ),
        (
            "subs count by plan for Enterprise segment accounts (the segment, not the"
            " Enterprise Plus plan)",
            ["subscriptions.plan", "subscriptions.count"],
            {"accounts.segment": "Enterprise"},
        ),
    ],
)
def test_sums_of_numbers_redundant_exclusions_and_clarifications(question, fields, filters):
    reads(question, fields, filters)


def test_a_sum_of_a_number_two_measures_sum_asks_which():
    result = three("total amount by region")
    assert isinstance(result, Ambiguity)
    assert {f.name for f in result.candidates} == {"orders.total_revenue", "orders.net_revenue"}


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # a second part adds a measure beside what the first part counts
        (
            "urgent tickets by channel this quarter, with avg first response time",
            ["tickets.channel", "tickets.count", "tickets.average_first_response_minutes"],
            {"tickets.priority": "Urgent", "tickets.created_date": "this quarter"},
        ),
        (
            "monthly signups so far this year, with the mrr they bring in",
            ["subscriptions.signup_month", "subscriptions.count", "subscriptions.total_mrr"],
            {"subscriptions.signup_date": "this year"},
        ),
        (
            "how many tickets did Priya Patel and Kenji Tanaka each get in august, and their"
            " avg frt",
            ["agents.name", "tickets.count", "tickets.average_first_response_minutes"],
            {"agents.name": "Priya Patel,Kenji Tanaka", "tickets.created_date": "2026/08"},
        ),
        # the second part referring to a measure shown already
        (
            "agents with csat below 4 this quarter, with their score",
            ["agents.name", "tickets.csat"],
            {"tickets.csat": "<4", "tickets.created_date": "this quarter"},
        ),
    ],
)
def test_a_second_part_adds_a_measure_to_what_the_first_counts(question, fields, filters):
    reads(question, fields, filters)


def test_a_second_part_naming_nothing_known_is_declined():
    # "their total value": asked for, and nothing here names it
    assert isinstance(three("# of orders over $500 last week and their figures"), NotUnderstood)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # the things asked for by "which", with the fields named and no count
        (
            "which accounts have a churned subscription? name and country",
            ["accounts.name", "accounts.country"],
            {"subscriptions.status": "churned"},
        ),
        (
            "trialing subs that signed up this month - which companies?",
            ["accounts.name"],
            {"subscriptions.status": "trialing", "subscriptions.signup_date": "this month"},
        ),
        # things named with values, "with their" field: each named, with it
        (
            "healthcare and education accounts in the US, with their segment",
            ["accounts.name", "accounts.segment"],
            {"accounts.industry": "Healthcare,Education", "accounts.country": "United States"},
        ),
        # "total spend" is the money, named as a noun
        (
            "ada lovelace vs grace hopper vs alan turing - total spend and # of orders for each",
            ["customers.name", "orders.total_revenue", "orders.count"],
            {"customers.name": "Ada Lovelace,Grace Hopper,Alan Turing"},
        ),
    ],
)
def test_which_things_with_their_fields_and_money_named_as_a_noun(question, fields, filters):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        (
            "how many Enterprise-segment accounts are on the Pro plan?",
            ["accounts.count"],
            {"accounts.segment": "Enterprise", "subscriptions.plan": "Pro"},
        ),
        # "in total": a condition on the total, not on each row's number
        (
            "which clients have more than 100 seats in total? show the seat total",
            ["accounts.name", "subscriptions.total_seats"],
            {"subscriptions.total_seats": ">100"},
        ),
        ("subs with more than 100 seats", ["subscriptions.count"], {"subscriptions.seats": ">100"}),
    ],
)
def test_a_value_with_its_field_before_the_things_and_conditions_in_total(
    question, fields, filters
):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # the things counted first and a measure joined later: both asked
        (
            "returned orders by category in 2025 and the biggest single order amount in each"
            " category",
            ["products.category", "orders.returned_count", "orders.largest_order"],
            {"orders.created_date": "2025"},
        ),
        (
            "which region had the most cancelled orders last month, and what were those orders"
            " worth in total?",
            ["customers.region", "orders.count", "orders.total_revenue"],
            {"orders.status": "cancelled", "orders.created_date": "last month"},
        ),
        # "among SMB customers" is the kind of accounts, not a count asked for
        (
            "which industry has the lowest churn rate among SMB customers, and how many subs is"
            " that based on",
            ["accounts.industry", "subscriptions.churn_rate", "subscriptions.count"],
            {"accounts.segment": "SMB"},
        ),
    ],
)
def test_a_count_said_first_and_a_measure_joined_later(question, fields, filters):
    result = reads(question, fields, filters)
    if "most" in question:
        assert result.sorts == ("orders.count desc",)


def test_the_count_of_what_happened_beside_a_measure_of_all_the_things():
    result = reads(
        "which agent solved the most tickets last month, and what's their csat",
        ["agents.name", "tickets.solved_count", "tickets.csat"],
        {"tickets.created_date": "last month"},
    )
    assert result.sorts == ("tickets.solved_count desc",) and result.limit == 1


def test_by_the_date_of_an_event_the_explore_does_not_date_is_declined():
    result = three(
        "how many subs churned in each month of 2026 by the date they cancelled, and the churn rate"
    )
    assert isinstance(result, NotUnderstood) and result.reason == "no_event_date"
    reads(
        "orders by the day they were placed",
        ["orders.created_date", "orders.count"],
        {},
    )


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # things first, and which of them: those things, listed
        (
            "shoppers with cancelled orders in the last 30 days, leave out the East",
            ["customers.name"],
            {
                "orders.status": "cancelled",
                "orders.created_date": "30 days",
                "customers.region": "-East",
            },
        ),
        (
            "show me accounts that signed up in march 2025, with their segment and country",
            ["accounts.name", "accounts.segment", "accounts.country"],
            {"subscriptions.signup_date": "2025/03"},
        ),
        # a condition on a measure keeps the measure
        (
            "agents with csat under 4 this year",
            ["agents.name", "tickets.csat"],
            {"tickets.csat": "<4", "tickets.created_date": "this year"},
        ),
    ],
)
def test_things_said_first_and_which_of_them_are_listed(question, fields, filters):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # "total value" is the money; "volume" and "how many" in a list of measures count
        (
            "# of orders over $500 last week and their total value",
            ["orders.count", "orders.total_revenue"],
            {"orders.amount": ">500", "orders.created_date": "last week"},
        ),
        (
            "Billing and Login Issues tickets by channel: volume, csat and resolution time,"
            " past 90 days",
            [
                "tickets.channel",
                "tickets.count",
                "tickets.csat",
                "tickets.average_resolution_hours",
            ],
            {"tickets.topic": "Billing,Login Issues", "tickets.created_date": "90 days"},
        ),
        (
            "past due SMB subs: how many and how much MRR?",
            ["subscriptions.count", "subscriptions.total_mrr"],
            {"subscriptions.status": "past due", "accounts.segment": "SMB"},
        ),
        # a measure after a comma ends the breakdown: what is shown for each
        (
            "for each team, escalations and avg first response time, past 30 days",
            ["agents.team", "tickets.escalated_count", "tickets.average_first_response_minutes"],
            {"tickets.created_date": "30 days"},
        ),
    ],
)
def test_measures_listed_with_counts_named_by_volume_or_how_many(question, fields, filters):
    result = reads(question, fields, filters)
    assert result.sorts == ()


def test_list_every_one_of_the_explores_things_by_its_id():
    reads(
        "list every order Ada Lovelace placed in the last 60 days with the date and amount",
        ["orders.id", "orders.created_date", "orders.amount"],
        {"customers.name": "Ada Lovelace", "orders.created_date": "60 days"},
    )


def test_list_the_things_named_with_their_values_not_what_they_have():
    reads(
        "list the UK accounts that have a past due subscription",
        ["accounts.name"],
        {"accounts.country": "United Kingdom", "subscriptions.status": "past due"},
    )


def test_a_ranking_by_a_count_named_after_it_wins_over_a_verb_of_money():
    result = reads(
        "5 lowest selling products by # of orders, last 30 days",
        ["products.name", "orders.count"],
        {"orders.created_date": "30 days"},
    )
    assert result.sorts == ("orders.count",) and result.limit == 5


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        (
            "chat vs phone - frt and csat this quarter",
            ["tickets.channel", "tickets.average_first_response_minutes", "tickets.csat"],
            {"tickets.channel": "Chat,Phone", "tickets.created_date": "this quarter"},
        ),
        (
            "new signups and seats by quarter for the past 2 years",
            ["subscriptions.signup_quarter", "subscriptions.count", "subscriptions.total_seats"],
            {"subscriptions.signup_date": "2 years"},
        ),
        # a comma before things that say which is no list of measures
        (
            "top 3 industries by seats, signups in the past 6 months",
            ["accounts.industry", "subscriptions.total_seats"],
            {"subscriptions.signup_date": "6 months"},
        ),
    ],
)
def test_measures_after_values_compared_and_counts_joined_to_a_number(question, fields, filters):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # a field named by its own word stays, though the view's noun names it too
        (
            "show name, industry, total seats and mrr for accounts with over 100 seats in total",
            [
                "accounts.name",
                "accounts.industry",
                "subscriptions.total_seats",
                "subscriptions.total_mrr",
            ],
            {"subscriptions.total_seats": ">100"},
        ),
        # the revenue named beside "sold" is asked for
        (
            "which products in Outerwear sold in the South this quarter? product name and"
            " revenue pls",
            ["products.name", "orders.total_revenue"],
            {
                "products.category": "Outerwear",
                "customers.region": "South",
                "orders.created_date": "this quarter",
            },
        ),
        ("what brands sold sneakers", ["products.brand"], {"products.name": "Sneakers"}),
    ],
)
def test_fields_named_by_their_own_words_and_revenue_named_beside_sold(question, fields, filters):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        (
            "list UK and France accounts on Enterprise Plus with signup date and billing period",
            ["accounts.name", "subscriptions.signup_date", "subscriptions.billing_period"],
            {"accounts.country": "United Kingdom,France", "subscriptions.plan": "Enterprise Plus"},
        ),
        (
            "list enterprise accounts in germany with their plan and seats",
            ["accounts.name", "subscriptions.plan", "subscriptions.seats"],
            {"accounts.segment": "Enterprise", "accounts.country": "Germany"},
        ),
    ],
)
def test_list_things_named_with_values_with_fields_of_theirs(question, fields, filters):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # a dash between spaces separates, as a comma does
        (
            "list open urgent tickets — id, topic, agent, created date",
            ["tickets.id", "tickets.topic", "agents.name", "tickets.created_date"],
            {"tickets.status": "open", "tickets.priority": "Urgent"},
        ),
        # a thing's noun in a list of counts is its count
        (
            "healthcare vs financial services: accounts, subs, churn rate",
            [
                "accounts.industry",
                "accounts.count",
                "subscriptions.count",
                "subscriptions.churn_rate",
            ],
            {"accounts.industry": "Healthcare,Financial Services"},
        ),
    ],
)
def test_dashes_separate_and_nouns_in_a_list_of_counts_are_counted(question, fields, filters):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # the Explore's own things, then the columns wanted of each: rows of them
        (
            "show the Enterprise Plus subs with under 50 seats - account, seats, signup date",
            ["accounts.name", "subscriptions.seats", "subscriptions.signup_date"],
            {"subscriptions.plan": "Enterprise Plus", "subscriptions.seats": "<50"},
        ),
        (
            "trialing subs on Growth that signed up in the last 30 days: account name, country,"
            " seats",
            ["accounts.name", "accounts.country", "subscriptions.seats"],
            {
                "subscriptions.status": "trialing",
                "subscriptions.plan": "Growth",
                "subscriptions.signup_date": "30 days",
            },
        ),
        # a breakdown is no list of columns
        (
            "subs by plan and segment",
            ["subscriptions.plan", "accounts.segment", "subscriptions.count"],
            {},
        ),
    ],
)
def test_the_explores_things_then_the_columns_wanted_are_rows(question, fields, filters):
    reads(question, fields, filters)


def test_values_compared_beside_two_periods_are_rows_with_the_periods_pivoted():
    result = three("North vs South revenue, this month vs last month")
    assert isinstance(result, QuerySpec), result
    assert sorted(result.fields) == [
        "customers.region",
        "orders.created_month",
        "orders.total_revenue",
    ]
    assert result.pivots == ("orders.created_month",)
    assert result.filters == {
        "orders.created_date": "2026/08/01 to 2026/10/01",
        "customers.region": "North,South",
    }


def test_shorthand_for_one_thing_is_one_answer():
    result = three("which acct has the most seats")
    assert isinstance(result, QuerySpec), result
    assert result.limit == 1
    assert three("which accts have the most seats").limit == 10  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("question", "fields", "filters", "sorts", "limit"),
    [
        # a value said of the things ranked: those things, named and ranked
        (
            "top 5 enterprise accounts by mrr",
            ["accounts.name", "subscriptions.total_mrr"],
            {"accounts.segment": "Enterprise"},
            ("subscriptions.total_mrr desc",),
            5,
        ),
        (
            "bottom 5 mid-market accounts by mrr",
            ["accounts.name", "subscriptions.total_mrr"],
            {"accounts.segment": "Mid-Market"},
            ("subscriptions.total_mrr",),
            5,
        ),
        # ... and not also counted
        (
            "the 3 biggest healthcare customers by seat count, plus their arr",
            ["accounts.name", "subscriptions.total_seats", "subscriptions.total_arr"],
            {"accounts.industry": "Healthcare"},
            ("subscriptions.total_seats desc",),
            3,
        ),
        # "sold" gives way to the measure the ranking names, as a verb of money does
        (
            "what sold best in the South last month? top 3 products by # of orders",
            ["products.name", "orders.count"],
            {"customers.region": "South", "orders.created_date": "last month"},
            ("orders.count desc",),
            3,
        ),
    ],
)
def test_rankings_of_things_a_value_is_said_of(question, fields, filters, sorts, limit):
    result = reads(question, fields, filters)
    assert result.sorts == sorts
    assert result.limit == limit


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # money a row brings in is dated by the row's own date
        (
            "revenue generated last month",
            ["orders.total_revenue"],
            {"orders.created_date": "last month"},
        ),
        (
            "how much was charged in Q2",
            ["orders.total_revenue"],
            {"orders.created_date": "2026/04/01 to 2026/07/01"},
        ),
        # "gross": the money measure before anything is taken off
        ("how much did we gross by region", ["customers.region", "orders.total_revenue"], {}),
        (
            "gross vs net revenue per category",
            ["products.category", "orders.total_revenue", "orders.net_revenue"],
            {},
        ),
        # a rate after a verb of money that only another money measure says
        (
            "what are education customers paying us annually",
            ["subscriptions.total_arr"],
            {"accounts.industry": "Education"},
        ),
        # shorthand for time
        (
            "which topic had the most tickets in the last 90d",
            ["tickets.topic", "tickets.count"],
            {"tickets.created_date": "90 days"},
        ),
        (
            "revenue this calendar year",
            ["orders.total_revenue"],
            {"orders.created_date": "this year"},
        ),
        (
            "order count by status for the month so far",
            ["orders.status", "orders.count"],
            {"orders.created_date": "this month"},
        ),
        (
            "how many subs are trialing at the moment",
            ["subscriptions.count"],
            {"subscriptions.status": "trialing"},
        ),
    ],
)
def test_money_verbs_rates_and_time_shorthand(question, fields, filters):
    reads(question, fields, filters)


def test_a_period_compared_with_the_last_one_whose_unit_is_left_out():
    result = three("csat this month compared with last")
    assert isinstance(result, QuerySpec), result
    assert sorted(result.fields) == ["tickets.created_month", "tickets.csat"]
    assert result.filters == {"tickets.created_date": "2026/08/01 to 2026/10/01"}


def test_a_percent_beside_a_change_is_the_change_as_a_percent():
    result = three("net revenue - how much did it change from last month? % please")
    assert isinstance(result, QuerySpec), result
    assert [c.type for c in result.calculations] == ["percent_change"]
    shared = three("% of orders by status, last 30d")
    assert isinstance(shared, QuerySpec), shared
    assert [c.type for c in shared.calculations] == ["percent_of_total"]


@pytest.mark.parametrize(
    ("question", "fields", "filters", "sorts", "limit"),
    [
        # "what did ... spend": how much, not which of them
        (
            "what have customers spent on shoes so far this year",
            ["orders.total_revenue"],
            {"products.category": "Shoes", "orders.created_date": "this year"},
            (),
            None,
        ),
        # the biggest one of the things a value names
        (
            "which jeans product had the biggest single order",
            ["products.name", "orders.largest_order"],
            {"products.category": "Jeans"},
            ("orders.largest_order desc",),
            1,
        ),
        # a value said as a verb right before the ranking: the count the Explore keeps
        (
            "which tier 1 agent solved the most tickets in september?",
            ["agents.name", "tickets.solved_count"],
            {"agents.team": "Tier 1", "tickets.created_date": "2026/09"},
            ("tickets.solved_count desc",),
            1,
        ),
        # new things by a timeframe: how many, not their names
        (
            "weekly new customer accounts since aug 15",
            ["subscriptions.signup_week", "accounts.count"],
            {"subscriptions.signup_date": "after 2026/08/15"},
            ("subscriptions.signup_week",),
            None,
        ),
        # a change from one year to another: by year
        (
            "how much did billing tickets grow from 2024 to 2025",
            ["tickets.created_year", "tickets.count"],
            {"tickets.topic": "Billing", "tickets.created_date": "2024/01/01 to 2026/01/01"},
            ("tickets.created_year",),
            None,
        ),
    ],
)
def test_amounts_the_biggest_of_things_named_and_years_compared(
    question, fields, filters, sorts, limit
):
    result = reads(question, fields, filters)
    assert (result.sorts, result.limit) == (sorts, limit)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # the Explore named by its own description ("Orders placed in the online shop")
        ("YoY revenue growth for the shop", ["orders.created_year", "orders.total_revenue"], {}),
        (
            "how many unique buyers did the shop have in each region this quarter?",
            ["customers.region", "customers.count"],
            {"orders.created_date": "this quarter"},
        ),
        # "rn", "we saw": nothing asked; ", phone excluded": excluding it
        (
            "how many subs are past due rn",
            ["subscriptions.count"],
            {"subscriptions.status": "past due"},
        ),
        (
            "whats the max order value we saw in Q2",
            ["orders.largest_order"],
            {"orders.created_date": "2026/04/01 to 2026/07/01"},
        ),
        (
            "first response time by channel, phone excluded",
            ["tickets.channel", "tickets.average_first_response_minutes"],
            {"tickets.channel": "-Phone"},
        ),
        # a verb that names no measure in an Explore without money
        ("which topic generates the most tickets?", ["tickets.topic", "tickets.count"], {}),
        # things listed with a measure of theirs
        (
            "list the past due accounts with their MRR",
            ["accounts.name", "subscriptions.total_mrr"],
            {"subscriptions.status": "past due"},
        ),
        (
            "list the enterprise accounts with their MRR",
            ["accounts.name", "subscriptions.total_mrr"],
            {"accounts.segment": "Enterprise"},
        ),
    ],
)
def test_the_explore_named_words_that_ask_nothing_and_lists_with_a_measure(
    question, fields, filters
):
    reads(question, fields, filters)


def test_a_cause_is_declined():
    for question in (
        "why did churn spike in Q1?",
        "escalations by priority and why they got escalated",
    ):
        assert not isinstance(three(question), QuerySpec), question


def test_a_time_series_with_another_breakdown_beside_it_is_not_sorted_by_time():
    # convention 5 of the sets: a time series is a time grain and no other dimension
    pivoted = three("new subs by month by plan, ytd")
    assert isinstance(pivoted, QuerySpec), pivoted
    assert (pivoted.pivots, pivoted.sorts) == (("subscriptions.plan",), ())
    alone = three("new subs by month, ytd")
    assert isinstance(alone, QuerySpec), alone
    assert alone.sorts == ("subscriptions.signup_month",)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # a grain word before a count of some of the things: by that grain
        (
            "monthly cancellations over the past 6 months for healthcare accounts",
            ["subscriptions.signup_month", "subscriptions.churned_count"],
            {"accounts.industry": "Healthcare", "subscriptions.signup_date": "6 months"},
        ),
        # ... and before the things themselves: the value ("monthly subs")
        (
            "monthly subs by plan",
            ["subscriptions.plan", "subscriptions.count"],
            {"subscriptions.billing_period": "monthly"},
        ),
        # a value's things by a breakdown: those things counted
        (
            "healthcare and financial services accounts by country",
            ["accounts.country", "accounts.count"],
            {"accounts.industry": "Healthcare,Financial Services"},
        ),
        # ... not a field named beside its value ("the escalations team")
        (
            "solved tickets by agent by quarter for the escalations team",
            ["agents.name", "tickets.created_quarter", "tickets.solved_count"],
            {"agents.team": "Escalations"},
        ),
        # whose the things are ("for customers in the East"), not a count of them
        (
            "returns by category for customers in the east, past 30 days",
            ["products.category", "orders.returned_count"],
            {"customers.region": "East", "orders.created_date": "30 days"},
        ),
    ],
)
def test_grain_words_things_of_a_value_and_whose_things(question, fields, filters):
    reads(question, fields, filters)


def test_a_word_of_a_description_beside_a_verb_of_money_is_no_name_of_it():
    # "before refunds" describes Total Revenue; refunds paid out are no revenue
    result = three("total refunds paid out to customers in july")
    assert not isinstance(result, QuerySpec), result


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # a verb of money with a time: money made then, not a rate of the rows dated then
        (
            "how much did we earn last month?",
            ["orders.total_revenue"],
            {"orders.created_date": "last month"},
        ),
        (
            "who spent the most with us in 2025?",
            ["customers.name", "orders.total_revenue"],
            {"orders.created_date": "2025"},
        ),
        # ... unless the rate is named: MRR of the subscriptions that signed up then
        (
            "how much MRR did we bring in last month",
            ["subscriptions.total_mrr"],
            {"subscriptions.signup_date": "last month"},
        ),
        # everyday words for amounts and counts
        (
            "how many dollars worth of Shoes did we sell in Q1",
            ["orders.total_revenue"],
            {"products.category": "Shoes", "orders.created_date": "2026/01/01 to 2026/04/01"},
        ),
        (
            "how many times has Ada Lovelace bought from us this year",
            ["orders.count"],
            {"customers.name": "Ada Lovelace", "orders.created_date": "this year"},
        ),
        (
            "how much MRR are mid-market accounts bringing in?",
            ["subscriptions.total_mrr"],
            {"accounts.segment": "Mid-Market"},
        ),
        (
            "jeans revenue in 2025, not counting returned orders",
            ["orders.total_revenue"],
            {
                "products.category": "Jeans",
                "orders.created_date": "2025",
                "orders.status": "-returned",
            },
        ),
        (
            "how many orders did West customers send back in august",
            ["orders.returned_count"],
            {"customers.region": "West", "orders.created_date": "2026/08"},
        ),
        (
            "tickets by team, this month vs the previous one",
            ["agents.team", "tickets.created_month", "tickets.count"],
            {"tickets.created_date": "2026/08/01 to 2026/10/01"},
        ),
        ("orders over 100 dollars", ["orders.count"], {"orders.amount": ">100"}),
    ],
)
def test_money_made_in_a_period_and_everyday_words_for_amounts(question, fields, filters):
    reads(question, fields, filters)


def test_a_mix_is_a_share():
    result = three("mrr mix by segment")
    assert isinstance(result, QuerySpec), result
    assert [c.type for c in result.calculations] == ["percent_of_total"]


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # the Explore's own things listed "with" the columns wanted: one row each, by id
        (
            "list churned subs that signed up in the last 90 days w/ account name and plan",
            ["subscriptions.id", "accounts.name", "subscriptions.plan"],
            {"subscriptions.status": "churned", "subscriptions.signup_date": "90 days"},
        ),
        (
            "Kenji Tanaka's open tickets, list them w/ priority",
            ["tickets.id", "tickets.priority"],
            {"agents.name": "Kenji Tanaka", "tickets.status": "open"},
        ),
        (
            "list returned orders from the past 30 days w/ the customer's email",
            ["orders.id", "customers.email"],
            {"orders.status": "returned", "orders.created_date": "30 days"},
        ),
        # the value said ("closed"), a tag of the count, not the count's own label
        (
            "list yesterday's closed account changes tickets with the agent name",
            ["tickets.id", "agents.name"],
            {
                "tickets.status": "closed",
                "tickets.topic": "Account Changes",
                "tickets.created_date": "yesterday",
            },
        ),
    ],
)
def test_rows_of_the_explores_things_with_the_columns_wanted(question, fields, filters):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    "question",
    [
        "top 10 customers by refund $ this year",  # "before refunds" describes revenue
        "customers sorted by refunds",
        "mrr broken out by plan price",  # "monthly price" describes MRR
        "how many quarterly-billed Pro subs have more than 20 seats?",  # no such period
    ],
)
def test_breakdowns_and_values_the_explore_does_not_have_are_declined(question):
    assert not isinstance(three(question), QuerySpec), question


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # a word of a dimension's description naming it with its label ("Sales region of
        # the customer's address"), not the sales
        ("which sales region has the fewest shoppers", ["customers.region", "customers.count"], {}),
        (
            "how many accounts signed up in 2025",
            ["accounts.count"],
            {"subscriptions.signup_date": "2025"},
        ),
        # "... does each segment account for": a share of each segment
        (
            "what % of ARR does each segment account for",
            ["accounts.segment", "subscriptions.total_arr"],
            {},
        ),
    ],
)
def test_a_dimension_named_by_its_description_and_account_for(question, fields, filters):
    reads(question, fields, filters)


@pytest.mark.parametrize(
    ("question", "fields", "filters"),
    [
        # how much, and how many: both
        (
            "how much has Grace Hopper spent with us this year and how many orders did she place",
            ["orders.total_revenue", "orders.count"],
            {"customers.name": "Grace Hopper", "orders.created_date": "this year"},
        ),
        (
            "past due subs by country: how many, and how much MRR",
            ["accounts.country", "subscriptions.count", "subscriptions.total_mrr"],
            {"subscriptions.status": "past due"},
        ),
        (
            "cancelled orders last week - how many and what's the $ value",
            ["orders.count", "orders.total_revenue"],
            {"orders.status": "cancelled", "orders.created_date": "last week"},
        ),
        # "I'd" is no ID
        (
            "I'd like total revenue by region for Q2 2026.",
            ["customers.region", "orders.total_revenue"],
            {"orders.created_date": "2026/04/01 to 2026/07/01"},
        ),
        # "amount spent", "spend" after "by": the money the verb names, made in the period
        (
            "top 5 customers by amount spent since june 1",
            ["customers.name", "orders.total_revenue"],
            {"orders.created_date": "after 2026/06/01"},
        ),
        (
            "avg amount paid per order in the east region",
            ["orders.average_order_value"],
            {"customers.region": "East"},
        ),
    ],
)
def test_how_much_and_how_many_and_money_said_other_ways(question, fields, filters):
    reads(question, fields, filters)


def test_a_rate_its_one_measure_is_and_a_list_of_the_smallest():
    rate = three("how much recurring revenue does Blue Harbor Bank bring us each month?")
    assert isinstance(rate, QuerySpec), rate
    assert rate.fields == ("subscriptions.total_mrr",)
    several = three("which countries have the smallest ARR")
    one = three("which country has the smallest ARR")
    assert isinstance(several, QuerySpec) and isinstance(one, QuerySpec)
    assert (several.limit, one.limit) == (10, 1)
