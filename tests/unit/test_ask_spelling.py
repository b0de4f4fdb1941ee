"""Typos: a word nothing knows, one keystroke from exactly one word something knows."""

from __future__ import annotations

import pytest

from lookerbot.ask.spec import QuerySpec
from lookerbot.ask.spelling import Vocabulary, corrected, corrections, one_edit
from tests.unit.test_ask_parser import three


@pytest.mark.parametrize(
    ("typed", "word", "near"),
    [
        ("regoin", "region", True),  # two neighbours swapped
        ("revenu", "revenue", True),  # one dropped
        ("industy", "industry", True),
        ("catagory", "category", True),  # one changed
        ("tickets", "tickets", False),  # the same word is no typo
        ("ergino", "region", False),  # two swaps
        ("reg", "region", False),
    ],
)
def test_one_edit(typed, word, near):
    assert one_edit(typed, word) is near


def test_corrections_need_one_known_word_and_five_letters():
    known = [Vocabulary(["region", "ticket", "starter"]), Vocabulary(["cost", "host"])]
    assert corrections("rev by regoin, tikcets", known) == {
        "regoin": "region",
        "tikcets": "tickets",
    }
    assert corrections("cots by month", known) == {}  # four letters: too close to guess
    assert corrections("subs started in May", known) == {}  # a verb, not "Starter"
    # another form of a known word is that word, not a typo ("replies" is no "replied")
    assert corrections("number of replies", [Vocabulary(["replied"])]) == {}
    assert corrected("Regoin and regoin", {"Regoin": "region"}) == "region and regoin"


def test_a_typo_is_read_as_the_word_and_the_answer_says_so():
    result = three("rev by regoin last qtr")
    assert isinstance(result, QuerySpec), result
    assert sorted(result.fields) == ["customers.region", "orders.total_revenue"]
    assert result.description.endswith("(read “regoin” as “region”)")
    result = three("urgent tikcets by topic ytd")
    assert isinstance(result, QuerySpec) and result.filters["tickets.priority"] == "Urgent"


def test_a_typo_never_makes_an_unknown_word_known():
    # the typo is read as "region"; the margin is still unknown
    assert not isinstance(three("profit margin by regoin"), QuerySpec)
    # "started" is the verb, not a typo of the Starter plan
    result = three("How many subscriptions were started in each month of this year?")
    assert not isinstance(result, QuerySpec) or "subscriptions.plan" not in result.filters
