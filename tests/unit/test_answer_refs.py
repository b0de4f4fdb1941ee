"""Answer references in buttons, filter menus' ids, schedules in words, and crontabs."""

from __future__ import annotations

import json

import pytest

from lookerbot import messages
from lookerbot.answers import blocks as kit
from lookerbot.answers.refs import MAX_VALUE, Answer, AnswerRef
from lookerbot.answers.subscriptions import Choice
from lookerbot.looker.models import DashboardFilter

REF = AnswerRef(
    kind="command",
    looker="https://acme.looker.com",
    target="2",
    title="Revenue <!channel> & co",
    filters={"Region": "West"},
    command="revenue",
)


def test_a_reference_survives_its_button_and_reads_as_no_markup():
    value = REF.encode()
    assert value is not None and len(value) <= MAX_VALUE
    assert "<" not in value and ">" not in value and "&" not in value
    assert AnswerRef.decode(value) == REF


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "not json",
        "[1, 2]",
        '{"k":"x","u":"https://a","t":"1","n":"t","v":"t"}',
        '{"k":"c","u":"","t":"1","n":"t","v":"t"}',
        '{"k":"c","u":"https://a","t":"1","n":"t","v":"t","f":{"a":1}}',
        '{"k":"c","u":"https://a","t":1,"n":"t","v":"t"}',
        "x" * (MAX_VALUE + 1),
    ],
)
def test_a_damaged_or_forged_value_is_refused_whole(value):
    assert AnswerRef.decode(value) is None


def test_an_answer_too_large_for_a_button_keeps_only_open_in_looker():
    huge = AnswerRef(
        kind="command", looker="https://a", target="1", title="t", filters={"f": "x" * 3000}
    )
    assert huge.encode() is None
    blocks = kit.answer_blocks(Answer(ref=huge, open_url="https://a/dashboards/1"), subscribe=True)
    (actions,) = blocks
    assert [e["action_id"] for e in actions["elements"]] == [kit.OPEN]


def test_a_query_answer_drops_its_explore_link_before_giving_up():
    long = AnswerRef(
        kind="query", looker="https://a", target="9", title="t", source="https://a/x?" + "q" * 2500
    )
    value = long.encode()
    assert value is not None and AnswerRef.decode(value).source == ""  # type: ignore[union-attr]


def test_filter_menus_carry_their_filter_and_at_most_five():
    filters = [
        DashboardFilter(f"F{i}", f"Filter {i}", "", "customers.region", "field_filter", "m", "e")
        for i in range(7)
    ]
    menus = kit.filter_menus(REF, filters)
    assert menus is not None and len(menus["elements"]) == 5
    first = menus["elements"][0]
    assert kit.filter_spec(first["action_id"]) == ("F0", "m", "e", "customers.region")
    assert menus["block_id"] == "answer_filters:https://acme.looker.com"
    assert kit.filter_spec("answer_filter:[1]") is None
    assert kit.filter_spec("answer_filter:{") is None


def test_subscribe_is_offered_only_when_subscriptions_are_available():
    query = AnswerRef(kind="query", looker="https://a", target="9", title="t")
    for available in (True, False):
        blocks = kit.answer_blocks(Answer(query, "https://a/x/1"), subscribe=available)
        ids = [e["action_id"] for e in blocks[0]["elements"]]
        assert (kit.SUBSCRIBE in ids) is available and kit.REFRESH in ids


@pytest.mark.parametrize(
    ("frequency", "day", "time", "crontab", "words"),
    [
        ("daily", "1", "09:00", "0 9 * * *", "Every day at 09:00 (UTC)"),
        ("weekdays", "1", "08:30", "30 8 * * 1-5", "Every weekday at 08:30 (UTC)"),
        ("weekly", "5", "17:00", "0 17 * * 5", "Every Friday at 17:00 (UTC)"),
        ("monthly", "1", "07:30", "30 7 1 * *", "On the 1st of every month at 07:30 (UTC)"),
    ],
)
def test_the_forms_choices_become_a_crontab_and_read_back(frequency, day, time, crontab, words):
    choice = Choice(frequency=frequency, day=day, time=time, timezone="UTC", to_dm=False)
    assert choice.crontab() == crontab
    assert messages.describe_schedule(crontab, "UTC") == words


def test_a_crontab_the_bot_did_not_write_is_shown_as_it_is():
    assert messages.describe_schedule("*/5 * * * *", "") == "On the schedule `*/5 * * * *`"


def test_a_subscription_menu_value_is_checked():
    good = json.dumps({"u": "https://a", "p": "3", "a": "delete"})
    assert kit.menu_choice(good) == ("https://a", "3", "delete")
    assert kit.menu_choice(json.dumps({"u": "https://a", "p": "3", "a": "drop"})) is None
    assert kit.menu_choice("nope") is None
