"""QueryResult.from_json (msgspec, straight from the bytes) reads a json_detail result exactly
as QueryResult.from_api reads it after json.loads, errors included."""

from __future__ import annotations

import copy
import gc
import json
from collections.abc import Callable
from typing import Any

import pytest

from lookerbot.looker.models import Cell, Link, PivotCells, QueryResult
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.query_engine import run_query
from tests.conftest import TODAY

EMULATOR = LookerEmulator(today=TODAY)  # its data and data actions; no server is started


def emulator_result(fields: list[str], **query: Any) -> dict[str, Any]:
    """A json_detail result as the Looker emulator's query engine answers it."""
    return run_query(
        {"model": "thelook", "view": "orders", "fields": fields, **query},
        EMULATOR.state.dataset,
        looker_url="https://looker.example.com",
        actions=EMULATOR.data_actions,
    )


def with_table_calculation(result: dict[str, Any]) -> dict[str, Any]:
    """``result`` with a table calculation, and cells carrying ``html`` and
    ``filterable_value`` as Looker's do."""
    result = copy.deepcopy(result)
    result["fields"]["table_calculations"] = [
        {"name": "share", "label": "Share", "label_short": "Share", "is_measure": True}
    ]
    for i, row in enumerate(result["data"]):
        row["share"] = {"value": None if i % 3 == 0 else i / 7, "rendered": f"{i}%", "links": []}
        row["customers.region"]["html"] = "<b>x</b>"
        row["customers.region"]["filterable_value"] = row["customers.region"]["value"]
    return result


EMULATOR_RESULTS = {
    "table with drill links and data actions": emulator_result(
        ["customers.region", "orders.count", "orders.total_revenue"],
        sorts=["orders.total_revenue desc"],
    ),
    "pivoted, with nulls": emulator_result(
        ["orders.created_date", "orders.status", "orders.average_order_value", "orders.count"],
        pivots=["orders.status"],
        filters={"orders.created_date": "30 days"},
    ),
    "single value": emulator_result(["orders.total_revenue"]),
    "no rows": emulator_result(
        ["orders.created_date", "orders.count"], filters={"orders.created_date": "2001-01-01"}
    ),
    "table calculation, html and filterable values": with_table_calculation(
        emulator_result(["customers.region", "orders.count"])
    ),
    "query error": {  # as the emulator answers a query Looker refuses
        "fields": {"dimensions": [], "measures": [], "table_calculations": []},
        "data": [],
        "errors": [{"message": "Unknown field", "message_details": "orders.nope"}],
    },
}


def same(new: QueryResult, old: QueryResult) -> None:
    """Equal, down to the types of the values (``1 == 1.0``, but their reprs differ)."""
    assert new == old
    assert repr(new) == repr(old)


@pytest.mark.parametrize("name", list(EMULATOR_RESULTS))
@pytest.mark.parametrize("separators", [(", ", ": "), (",", ":")], ids=["spaced", "compact"])
def test_emulator_results_read_the_same_both_ways(name: str, separators: tuple[str, str]) -> None:
    raw = json.dumps(EMULATOR_RESULTS[name], separators=separators).encode()
    same(QueryResult.from_json(raw), QueryResult.from_api(json.loads(raw)))


def test_what_the_fast_read_gives_is_whole() -> None:
    table = EMULATOR_RESULTS["table with drill links and data actions"]
    raw = json.dumps(table).encode()
    result = QueryResult.from_json(raw)
    assert [f.name for f in result.fields] == [
        "customers.region",
        "orders.count",
        "orders.total_revenue",
    ]
    assert [f.is_measure for f in result.fields] == [False, True, True]
    first = result.rows[0]
    assert isinstance(first["customers.region"], Cell)
    count = first["orders.count"]
    labels = [link.label for link in count.links]
    assert labels[0].startswith("Show All") and labels[1:] == ["Ping #sales", "Ask a question"]
    # The data action goes back to Looker as it came (Looker's API says: unmodified).
    action = table["data"][0]["orders.count"]["links"][2]
    assert count.links[2] == Link.from_api(action)
    assert count.links[2].raw == action
    revenue = first["orders.total_revenue"]
    assert revenue.rendered is not None and revenue.rendered.startswith("$")
    assert revenue.text == revenue.rendered
    # Neither cells nor rows are tracked by the garbage collector: that is what keeps a
    # large result from setting off collections while it is read.
    assert not gc.is_tracked(count)
    assert not any(gc.is_tracked(row) for row in result.rows)


def test_pivoted_rows_and_nulls() -> None:
    raw = json.dumps(EMULATOR_RESULTS["pivoted, with nulls"]).encode()
    result = QueryResult.from_json(raw)
    assert [p.key for p in result.pivots] == ["cancelled", "complete", "pending", "returned"]
    assert [f.name for f in result.fields] == [
        "orders.created_date",
        "orders.average_order_value",
        "orders.count",
    ]
    pivoted = [row["orders.average_order_value"] for row in result.rows]
    assert all(set(cells) == {p.key for p in result.pivots} for cells in pivoted)
    nulls = [cell for cells in pivoted for cell in cells.values() if cell.value is None]
    assert nulls and all(cell.text is None for cell in nulls)
    assert all(isinstance(cells, PivotCells) for cells in pivoted)
    assert not any(gc.is_tracked(row) for row in result.rows)


def test_pivot_cells_read_like_a_mapping() -> None:
    cells = PivotCells({"West": Cell(1, "1"), "East": Cell(None, None)})
    assert cells.get("West") == Cell(1, "1") and cells.get("North") is None
    assert cells["East"] == Cell(None, None)
    assert "West" in cells and "North" not in cells
    assert list(cells) == ["West", "East"] and len(cells) == 2
    assert dict(cells.items()) == cells.cells and list(cells.values()) == list(cells.cells.values())
    with pytest.raises(KeyError):
        cells["North"]


def test_table_calculations_keep_their_nulls_and_rendered_text() -> None:
    raw = json.dumps(EMULATOR_RESULTS["table calculation, html and filterable values"]).encode()
    result = QueryResult.from_json(raw)
    assert result.fields[-1].name == "share" and result.fields[-1].is_measure
    assert result.rows[0]["share"] == Cell(None, "0%")
    assert result.rows[1]["share"] == Cell(1 / 7, "1%")


def test_cells_are_equal_by_what_they_hold() -> None:
    link = {"label": "Show", "url": "/x", "type": "measure_default"}
    result = {"data": [{"a": {"value": 1, "links": [link]}}]}
    spaced = QueryResult.from_json(json.dumps(result).encode())
    compact = QueryResult.from_json(json.dumps(result, separators=(",", ":")).encode())
    assert spaced.rows[0]["a"].raw_links != compact.rows[0]["a"].raw_links  # other text,
    assert spaced == compact  # the same links
    assert Cell.from_api({"value": 1, "links": [link]}) == spaced.rows[0]["a"]
    assert Cell.from_api({"value": 1, "links": [link]}) != Cell.from_api({"value": 1})
    assert Cell.from_api({"value": 1}) != Cell.from_api({"value": 2})
    assert Cell.from_api({"value": 1}) != Cell.from_api({"value": 1, "rendered": "one"})
    assert hash(Cell(1, "one")) == hash(Cell.from_api({"value": 1, "rendered": "one"}))
    assert repr(spaced.rows[0]["a"]) == (
        "Cell(value=1, rendered=None, links=(Link(label='Show', url='/x', "
        "type='measure_default', raw={'label': 'Show', 'url': '/x', 'type': 'measure_default'}),))"
    )


def outcome(read: Callable[[], QueryResult]) -> tuple[str, str]:
    """What reading gives: the result's repr, or the error's type and message."""
    try:
        return "result", repr(read())
    except Exception as exc:
        return type(exc).__name__, str(exc)


SHAPES = {
    "empty answer": b"",
    "not an object": b"[]",
    "a string": b'"result"',
    "null": b"null",
    "empty object": b"{}",
    "data null": b'{"data": null}',
    "data not a list": b'{"data": 5}',
    "data an object": b'{"data": {"a": {"value": 1}}}',
    "rows that are not objects": b'{"data": [1, "x", null, [], {}, {"a": {"value": 1}}]}',
    "a cell that is not an object": b'{"data": [{"a": 5, "b": {"value": 1}}, {"a": [1]}]}',
    "a rendered number": b'{"data": [{"a": {"value": 1, "rendered": 2}}]}',
    "links null": b'{"data": [{"a": {"value": 1, "links": null}}]}',
    "links not a list": b'{"data": [{"a": {"value": 1, "links": "abc"}}]}',
    "links a number": b'{"data": [{"a": {"value": 1, "links": 5}}]}',
    "links an object": b'{"data": [{"a": {"value": 1, "links": {"url": "/x"}}}]}',
    "links with NaN and a large number": (
        b'{"data": [{"a": {"value": 1, "links": [{"url": NaN, "label": 1e400}]}}]}'
    ),
    "links with non-objects": b'{"data": [{"a": {"value": 1, "links": [1, {"url": "/x"}]}}]}',
    "a cell without value": b'{"data": [{"a": {"x": {"value": 1}}}]}',
    "a pivot with a cell without value": (
        b'{"pivots": [{"key": "x", "data": {"s": "x"}}], '
        b'"data": [{"a": {"x": {"value": 1}}, "b": {"value": 2}, "c": 3}]}'
    ),
    "pivoted cells that are not objects": (
        b'{"pivots": [{"key": "x"}], "data": [{"a": {"x": 1, "y": {"value": 2}}, "b": {}}]}'
    ),
    "a pivoted rendered number": (
        b'{"pivots": [{"key": "x"}], "data": [{"a": {"x": {"value": 1, "rendered": 2}}}]}'
    ),
    "pivoted duplicate keys": (
        b'{"pivots": [{"key": "x"}], '
        b'"data": [{"a": {"x": {"value": 1}, "y": {}, "x": {"value": 2}}, "b": {"value": 1, '
        b'"value": 3}}]}'
    ),
    "a pivoted value that is not an object": (
        b'{"pivots": [{"key": "x"}], "data": [{"a": [1], "b": "c", "d": null}]}'
    ),
    "fields not an object": b'{"fields": [1], "data": []}',
    "fields with non-objects": (
        b'{"fields": {"dimensions": [1, {"name": "a"}], "measures": "m"}, "data": []}'
    ),
    "pivots not a list": b'{"pivots": 5, "data": []}',
    "pivot data not an object": b'{"pivots": [{"key": "k", "data": [1]}], "data": []}',
    "errors": b'{"errors": [{"message": "m", "message_details": "d"}, "x", {}], "data": []}',
    "duplicate keys": b'{"data": [{"a": {"value": 1, "value": 2}}], "data": []}',
    "duplicate keys in a cell": b'{"data": [{"a": {"value": 1, "rendered": "1", "value": 2}}]}',
    "NaN and Infinity": b'{"data": [{"a": {"value": NaN}, "b": {"value": -Infinity}}]}',
    "a number too large for a float": b'{"data": [{"a": {"value": 1e400}}]}',
    "a large integer": b'{"data": [{"a": {"value": 123456789012345678901234567890}}]}',
    "an integer too long to read": b'{"data": [{"a": {"value": ' + b"7" * 5000 + b"}}]}",
    "a lone surrogate": b'{"data": [{"a": {"value": "\\ud800"}}]}',
    "a byte-order mark": b'\xef\xbb\xbf{"data": [{"a": {"value": 1}}]}',
    "ints and floats": b'{"data": [{"a": {"value": 1}, "b": {"value": 1.0}, "c": {"value": -0.0}}]}',
    "nested values": b'{"data": [{"a": {"value": {"x": [1, true, null]}, "rendered": null}}]}',
    "not JSON": b"{not json",
    "cut short": b'{"data": [{"a": {"value": 1}',
    "text after the end": b'{"data": []} x',
    "not UTF-8": b'{"data": [{"a": {"value": "\xff"}}]}',
    "not UTF-8 in links": b'{"data": [{"a": {"value": 1, "links": [{"url": "\xff"}]}}]}',
    "not UTF-8 in what is skipped": b'{"sql": "\xff", "data": [{"a": {"html": "\xc3"}}]}',
    "a surrogate encoded in UTF-8": b'{"data": [{"a": {"value": "\xed\xa0\x80"}}]}',
    "UTF-8": '{"data": [{"a": {"value": "Perlm\u00e4n \u2603", "html": "\u00e9"}}]}'.encode(),
}


@pytest.mark.parametrize("name", list(SHAPES))
def test_odd_answers_read_the_same_both_ways(name: str) -> None:
    raw = SHAPES[name]
    old = outcome(lambda: QueryResult.from_api(json.loads(raw) if raw else None))
    assert outcome(lambda: QueryResult.from_json(raw)) == old


def test_what_odd_answers_give() -> None:
    """A few of the answers above, spelled out (so that the comparison cannot pass by both
    ways going wrong together)."""
    unreadable = QueryResult(fields=(), rows=(), errors=("Looker returned an unreadable result.",))
    assert QueryResult.from_json(SHAPES["not an object"]) == unreadable
    assert QueryResult.from_json(SHAPES["empty answer"]) == unreadable
    rows = QueryResult.from_json(SHAPES["rows that are not objects"]).rows
    assert rows == ({}, {"a": Cell(1, None)})
    rows = QueryResult.from_json(SHAPES["a cell that is not an object"]).rows
    assert rows == ({"a": Cell(5, None), "b": Cell(1, None)}, {"a": Cell([1], None)})
    assert QueryResult.from_json(SHAPES["a rendered number"]).rows[0]["a"].rendered == "2"
    (cell,) = QueryResult.from_json(SHAPES["links with non-objects"]).rows[0].values()
    assert cell.links == (Link(label="", url="/x", type="", raw={"url": "/x"}),)
    # Links that are not a list are no links (from_api used to fail on a number).
    assert QueryResult.from_json(SHAPES["links a number"]).rows[0]["a"].links == ()
    assert QueryResult.from_json(SHAPES["links an object"]).rows[0]["a"].links == ()
    (link,) = QueryResult.from_json(SHAPES["links with NaN and a large number"]).rows[0]["a"].links
    assert link.label == "inf" and link.url == "nan"
    row = QueryResult.from_json(SHAPES["a pivot with a cell without value"]).rows[0]
    assert row == {"a": PivotCells({"x": Cell(1, None)}), "b": Cell(2, None), "c": Cell(3, None)}
    assert QueryResult.from_json(SHAPES["a cell without value"]).rows[0]["a"] == Cell(None, None)
    row = QueryResult.from_json(SHAPES["pivoted cells that are not objects"]).rows[0]
    assert row == {"a": PivotCells({"x": Cell(1, None), "y": Cell(2, None)}), "b": PivotCells({})}
    row = QueryResult.from_json(SHAPES["pivoted duplicate keys"]).rows[0]
    assert row == {"a": PivotCells({"x": Cell(2, None), "y": Cell(None, None)}), "b": Cell(3, None)}
    assert QueryResult.from_json(SHAPES["errors"]).errors == ("m d", "")
    (row,) = QueryResult.from_json(SHAPES["a number too large for a float"]).rows
    assert row["a"].value == float("inf")
    with pytest.raises(ValueError, match="Expecting property name"):
        QueryResult.from_json(SHAPES["not JSON"])
    with pytest.raises(ValueError, match="integer string conversion"):
        QueryResult.from_json(SHAPES["an integer too long to read"])
    with pytest.raises(TypeError):
        QueryResult.from_json(SHAPES["data not a list"])  # as from_api: a bug, not Looker's
