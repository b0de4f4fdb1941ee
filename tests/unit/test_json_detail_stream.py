"""Reading json_detail incrementally: any split of the text gives the same rows."""

from __future__ import annotations

import json

import pytest

from lookerbot.actions.results import JsonDetailParser
from lookerbot.errors import ResultError

DOCUMENT = {
    "fields": {"dimensions": [{"name": "users.id", "tags": ["braze_id"]}], "measures": []},
    "ran_at": "2026-09-30T08:00:00Z",
    "data": [
        {"users.id": {"value": 'quote " and \\ slash é ✓'}},
        {"users.id": {"value": 12345.5e3}, "n": {"value": -7}},
        {"users.id": {"value": True}, "x": {"value": None}, "u": {"value": "\u2603"}},
        {"users.id": {"value": False}, "p": {"a": {"value": 1}, "b": {"value": [1, 2]}}},
    ],
    "sql": "SELECT 1",
    "count": 1234567,
    "done": True,
}


def parse(parts: list[str], **options) -> list:
    parser = JsonDetailParser(**options)
    events = []
    for part in parts:
        events += parser.feed(part)
    events += parser.close()
    parser.check_complete()
    return events


@pytest.mark.parametrize("indent", [None, 2])
def test_every_split_of_the_text_gives_the_same_events(indent):
    text = json.dumps(DOCUMENT, indent=indent, ensure_ascii=False)
    whole = parse([text])
    assert [kind for kind, _ in whole] == [
        "fields",
        "ran_at",
        "row",
        "row",
        "row",
        "row",
        "sql",
        "count",
        "done",
    ]
    assert [v for k, v in whole if k == "row"] == DOCUMENT["data"]
    for i in range(len(text) + 1):
        for j in range(i, min(len(text), i + 24) + 1):
            assert parse([text[:i], text[i:j], text[j:]]) == whole, (i, j)
    assert parse(list(text)) == whole


def test_a_large_row_arriving_in_small_pieces():
    row = {"users.id": {"value": "x" * 300_000}}
    text = json.dumps({"fields": {}, "data": [row, row]})
    events = parse([text[i : i + 1000] for i in range(0, len(text), 1000)])
    assert [v for k, v in events if k == "row"] == [row, row]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]", "does not start with '{'"),
        ("<html>Not found</html>", "does not start with '{'"),
        ('{"data": 5}', "data is not a list of rows"),
        ('{"data": [{"a": 1} {"b": 2}]}', "not valid JSON after row 1: expected ',' or ']'"),
        ('{"fields": {}, "data": [{"a": tru}]}', "not valid JSON after row 0"),
        ('{"data": []} trailing', "text after the end"),
        ("{5: 1}", "expected a key"),
    ],
)
def test_text_that_is_not_json_detail(text, message):
    with pytest.raises(ResultError, match="query result") as error:
        parse([text])
    assert message in error.value.reason


def test_a_result_that_ends_early():
    text = json.dumps(DOCUMENT)
    cut = text.index('"sql"')
    with pytest.raises(ResultError) as error:
        parse([text[:cut]])
    assert error.value.reason == "The query result ended early, after row 4."


def test_a_row_larger_than_the_limit():
    text = json.dumps({"data": [{"a": {"value": "x" * 5000}}]})
    with pytest.raises(ResultError, match="larger than"):
        parse([text[i : i + 100] for i in range(0, len(text), 100)], max_value=1000)
