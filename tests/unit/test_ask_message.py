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
    result = read(text)
    assert isinstance(result, QuerySpec), result
    assert sorted(result.fields) == sorted(fields)
    assert result.filters == filters


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
