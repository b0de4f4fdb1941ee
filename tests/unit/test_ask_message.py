"""A question among other sentences of a Slack message: context before it, refinements
after it."""

from __future__ import annotations

from datetime import date

import pytest

from lookerbot.ask.message import asks, read_message, sentences
from lookerbot.ask.spec import QuerySpec
from tests.ask_support import explore_question

TODAY = date(2026, 9, 30)


def read(text: str):
    explores = [
        explore_question(k, TODAY)
        for k in ("thelook/orders", "saas/subscriptions", "support/tickets")
    ]
    return read_message(text, explores, today=TODAY)[0]


def reads(text: str, fields: list[str], filters: dict[str, str]) -> None:
    """Assert that the message ``text`` reads as a query of ``fields`` and ``filters``."""
    result = read(text)
    assert isinstance(result, QuerySpec), result
    assert sorted(result.fields) == sorted(fields)
    assert result.filters == filters


def test_sentences_and_which_one_asks():
    assert sentences("We met. What was revenue vs. last month? (Net, not gross.)") == [
        "We met.",
        "What was revenue vs. last month?",
        "Net, not gross",
    ]
    assert asks("Show me revenue by brand.") and asks("revenue by brand?")
    assert not asks("Our West team says it's been quiet.")


@pytest.mark.parametrize(
    ("text", "fields", "filters"),
    [
        (
            "Our outerwear buyer is asking how the brands did. Show me revenue by brand."
            " Only Outerwear, and just last quarter.",
            ["orders.total_revenue", "products.brand"],
            {"products.category": "Outerwear", "orders.created_date": "last quarter"},
        ),
        (
            "Acme Corp's renewal is coming up. How many subscriptions do they have with us,"
            " and what's their total ARR?",
            ["subscriptions.count", "subscriptions.total_arr"],
            {"accounts.name": "Acme Corp"},
        ),
        (
            "The East team claims they carry the business. What percent of total revenue"
            " comes from each region?",
            ["customers.region", "orders.total_revenue"],
            {},
        ),
    ],
)
def test_the_question_its_refinements_and_what_its_pronouns_refer_to(text, fields, filters):
    reads(text, fields, filters)


@pytest.mark.parametrize(
    "text",
    [
        # a sentence after the question that cannot be applied may change it
        "Can you give me net revenue by month for Q2? Net sales, not gross.",
        # a sentence before it that limits, or names a time the question leaves out
        "Only Enterprise matters. What's MRR by plan?",
        "We changed the checkout in March. What's the average order value by month?",
        # two sentences that ask: which one, it cannot tell
        "What's MRR by plan? What's ARR by segment?",
        # a value before it with no pronoun to refer to it
        "Acme Corp is renewing. How many subscriptions are there by plan?",
    ],
)
def test_what_a_question_may_lean_on_declines(text):
    assert not isinstance(read(text), QuerySpec)


def test_sentences_of_messages_typed_in_lower_case_and_around_the_question():
    assert sentences("hey! quick one — how many orders last week? need it for the sync, thx") == [
        "hey!",
        "quick one",
        "how many orders last week?",
        "need it for the sync, thx",
    ]
    # the asker's words before what they need, and after the question
    assert sentences("For the exec summary I need our yearly revenue please.") == [
        "For the exec summary",
        "need our yearly revenue please.",
    ]
    assert sentences("weekly orders in the South? and only pending, we're chasing them") == [
        "weekly orders in the South?",
        "and only pending",
        "we're chasing them",
    ]
    # a colon after a thing named ("login problems") is part of the question
    assert sentences("login problems: how many tickets by priority?") == [
        "login problems: how many tickets by priority?"
    ]
    assert sentences("so I want to settle it: how many subs?") == [
        "so I want to settle it",
        "how many subs?",
    ]
    assert not asks("we're thinking about dropping a few SKUs")


@pytest.mark.parametrize(
    ("text", "fields", "filters"),
    [
        (
            "hey! quick one — how many orders did we get last week? need it for a deck, thx 🙏",
            ["orders.count"],
            {"orders.created_date": "last week"},
        ),
        (
            "hiya, what's our AOV by region so far this year? finance asked, no rush",
            ["customers.region", "orders.average_order_value"],
            {"orders.created_date": "this year"},
        ),
        (
            "Hi all, hope everyone's well. I'm putting together a deck for the QBR and need"
            " total revenue by product category for Q2 2026. thanks a ton!",
            ["products.category", "orders.total_revenue"],
            {"orders.created_date": "2026/04/01 to 2026/07/01"},
        ),
        (
            "hiya — weekly orders from the South region over the last 10 weeks? and only the"
            " pending ones pls, we're chasing fulfilment",
            ["orders.created_week", "orders.count"],
            {
                "orders.created_date": "10 weeks",
                "customers.region": "South",
                "orders.status": "pending",
            },
        ),
        (
            "hello! weekly subscription signups over the past 6 weeks pls — marketing launched"
            " a campaign and wants to see if it moved the needle",
            ["subscriptions.signup_week", "subscriptions.count"],
            {"subscriptions.signup_date": "6 weeks"},
        ),
        # a clause before the question that says what the asker is doing, or apologises
        (
            "for the QBR deck, ticket volume by channel last quarter",
            ["tickets.channel", "tickets.count"],
            {"tickets.created_date": "last quarter"},
        ),
        (
            "sorry if this is obvious but which brand brought in the most revenue this year?",
            ["products.brand", "orders.total_revenue"],
            {"orders.created_date": "this year"},
        ),
        (
            "putting together the merch review, can someone pull the top 3 product categories"
            " by net sales last month",
            ["products.category", "orders.net_revenue"],
            {"orders.created_date": "last month"},
        ),
        (
            "context for the CS kickoff: number of distinct customers on Enterprise Plus by"
            " country",
            ["accounts.country", "accounts.count"],
            {"subscriptions.plan": "Enterprise Plus"},
        ),
    ],
)
def test_greetings_reasons_and_thanks_around_the_question_are_passed_over(text, fields, filters):
    reads(text, fields, filters)


@pytest.mark.parametrize(
    "text",
    [
        # after the question: a value it does not use, a field it does not show, a limit
        "hey, what's the churn rate by segment? CS wants to know if SMB is as bad as we think",
        "how many subs signed up in March? checking something for the Pro plan",
        "what's MRR by plan? thinking about excluding trials",
        # a question that asks why, and its details after it
        "why did lumen labs churn? pull the cancellation reason",
        # a name before a colon is what is asked about
        "login problems: how many tickets by priority and channel?",
    ],
)
def test_what_may_change_the_question_around_it_declines(text):
    assert not isinstance(read(text), QuerySpec)


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("hi! top 5 agents by csat over the past 45 days? for the team awards 🏆", None),
        ("hey! Priya Patel's csat for last quarter? for her review on friday", ["tickets.csat"]),
        ("hi! can i get signups by week for the last 3 months? for the growth sync, ty", None),
        ("hey! quick one for the weekly sync, how many orders did we get last week?", None),
    ],
)
def test_what_the_answer_is_for_after_the_question_is_passed_over(text, fields):
    result = read(text)
    assert isinstance(result, QuerySpec), result
    assert fields is None or list(result.fields) == fields


def test_a_lead_clause_that_names_a_value_or_limits_is_not_passed_over():
    assert sentences("for the QBR deck, ticket volume by channel") == [
        "for the QBR deck",
        "ticket volume by channel",
    ]
    # what it names may be what the question means
    assert not isinstance(read("for the enterprise team review, MRR by plan"), QuerySpec)
    reads(
        "sorry, only the West: revenue by month",
        ["orders.created_month", "orders.total_revenue"],
        {"customers.region": "West"},
    )
