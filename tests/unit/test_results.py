"""Query results as Slack messages (Lookerbot's rules, plus pivots and large tables)."""

from __future__ import annotations

import csv
import io
import time

from lookerbot.formatting.message import MAX_BLOCKS, MAX_SECTION_TEXT
from lookerbot.formatting.results import ResultLink, format_result, is_text_visualization
from lookerbot.looker.models import Query, QueryResult
from lookerbot.sandbox.render import message_to_text

LOOKER = "https://co.looker.com"


def query(vis: str = "table", **vis_config) -> Query:
    return Query.from_api(
        {
            "id": "1",
            "model": "m",
            "view": "v",
            "fields": [],
            "vis_config": {"type": vis, **vis_config},
        }
    )


def field(name: str, label: str, *, measure: bool = False) -> dict:
    return {"name": name, "label": label, "label_short": label.split(" ", 1)[-1]}


def result(
    rows: list[dict], *, dims=("orders.region",), measures=("orders.count",), **extra
) -> QueryResult:
    labels = {
        "orders.region": "Orders Region",
        "orders.count": "Orders Count",
        "orders.revenue": "Orders Revenue",
        "orders.status": "Orders Status",
    }
    return QueryResult.from_api(
        {
            "fields": {
                "dimensions": [field(d, labels[d]) for d in dims],
                "measures": [field(m, labels[m]) for m in measures],
                "table_calculations": [],
            },
            "data": rows,
            **extra,
        }
    )


def cell(value, rendered=None, links=()):
    data = {"value": value, "links": list(links)}
    if rendered is not None:
        data["rendered"] = rendered
    return data


def text(formatted) -> str:
    return message_to_text(formatted.message.text, list(formatted.message.blocks))


def test_text_visualizations():
    for vis in ("table", "looker_grid", "single_value", "looker_single_record"):
        assert is_text_visualization(vis)
    assert not is_text_visualization("looker_line")


def test_single_value_is_bold_with_its_drill_link_and_source():
    drill = {"type": "measure_default", "url": "/explore/m/v?fields=x", "label": "Show"}
    r = result([{"orders.count": cell(1234, "1,234", [drill])}], dims=())
    formatted = format_result(
        query("single_value"), r, looker_url=LOOKER, source=ResultLink(f"{LOOKER}/looks/2", "Total")
    )
    (value_block, link_block) = formatted.message.blocks
    assert value_block["text"]["text"] == f"*<{LOOKER}/explore/m/v?fields=x|1,234>*"
    assert f"<{LOOKER}/looks/2|Total>" in link_block["elements"][0]["text"]
    assert formatted.message.text == "1,234"
    assert formatted.single_value is not None


def test_one_row_shows_fields_measures_first():
    r = result([{"orders.region": cell("West"), "orders.count": cell(5)}])
    formatted = format_result(query(), r, looker_url=LOOKER)
    (block,) = formatted.message.blocks
    labels = [f["text"].split("\n")[0] for f in block["fields"]]
    assert labels == ["*Orders Count*", "*Orders Region*"]


def test_nulls_show_as_empty_set_and_view_names_can_be_hidden():
    r = result([{"orders.region": cell(None), "orders.count": cell(5)}])
    formatted = format_result(
        query("looker_single_record", show_view_names=False), r, looker_url=LOOKER
    )
    fields = formatted.message.blocks[0]["fields"]
    assert fields[1]["text"] == "*Region*\n∅"
    assert fields[0]["text"].startswith("*Count*")


def test_hidden_fields_are_left_out():
    r = result([{"orders.region": cell("West"), "orders.count": cell(5)}] * 2)
    formatted = format_result(query(hidden_fields=["orders.count"]), r, looker_url=LOOKER)
    assert "Count" not in text(formatted)


def test_table_is_aligned_monospace_with_measures_right_aligned():
    rows = [
        {"orders.region": cell(r), "orders.count": cell(n, f"{n:,}")}
        for r, n in (("West", 1200), ("East", 7))
    ]
    formatted = format_result(query(), result(rows), looker_url=LOOKER)
    body = formatted.message.blocks[0]["text"]["text"]
    assert body.startswith("```") and body.endswith("```")
    lines = body.strip("`").splitlines()
    assert lines[0] == "Orders Count  Orders Region"
    assert lines[2] == "       1,200  West"
    assert lines[3] == "           7  East"
    assert formatted.csv is None


def test_empty_result_and_query_errors():
    link = ResultLink(f"{LOOKER}/looks/1", "Revenue")
    empty = format_result(query(), result([]), looker_url=LOOKER, source=link)
    assert text(empty) == f"Revenue ({LOOKER}/looks/1)\nNo results."
    broken = result([], errors=[{"message": "Unknown field", "message_details": "orders.x"}])
    formatted = format_result(query(), broken, looker_url=LOOKER, source=link)
    assert formatted.message.text.startswith(":warning: ")
    assert "```Unknown field orders.x```" in formatted.message.text


def test_looker_text_is_escaped_everywhere():
    evil = "&lt; <!channel> <@U1> <https://evil.example|ok>"
    rows = [{"orders.region": cell(evil), "orders.count": cell(1)}] * 2
    r = QueryResult.from_api(
        {
            "fields": {
                "dimensions": [{"name": "orders.region", "label": evil}],
                "measures": [{"name": "orders.count", "label": "Count"}],
            },
            "data": rows,
        }
    )
    formatted = format_result(query(), r, looker_url=LOOKER)
    raw = str(formatted.message.blocks)
    assert "<!channel>" not in raw and "<@U1>" not in raw and "<https://evil" not in raw
    assert "&lt;!channel&gt;" in raw and "&amp;lt;" in raw


def test_pivoted_results_are_shown():
    r = QueryResult.from_api(
        {
            "fields": {
                "dimensions": [{"name": "orders.status", "label": "Orders Status"}],
                "measures": [{"name": "orders.count", "label": "Orders Count"}],
                "pivots": [{"name": "orders.region", "label": "Orders Region"}],
            },
            "pivots": [
                {"key": "East", "data": {"orders.region": "East"}},
                {"key": "West", "data": {"orders.region": "West"}},
            ],
            "data": [
                {
                    "orders.status": cell("complete"),
                    "orders.count": {"East": cell(3), "West": cell(None)},
                },
                {
                    "orders.status": cell("pending"),
                    "orders.count": {"East": cell(1), "West": cell(2)},
                },
            ],
        }
    )
    formatted = format_result(query(), r, looker_url=LOOKER)
    lines = formatted.message.blocks[0]["text"]["text"].strip("`").splitlines()
    assert lines[0].split("  ")[0] == "Orders Status"
    assert "Orders Count · East" in lines[0] and "Orders Count · West" in lines[0]
    assert lines[2].split() == ["complete", "3", "∅"]


def test_ten_thousand_rows_fit_slack_and_come_whole_as_csv():
    rows = [
        {"orders.region": cell(f"Region {i} with a longish name"), "orders.count": cell(i)}
        for i in range(10_000)
    ]
    r = result(rows)
    started = time.perf_counter()
    formatted = format_result(query(), r, looker_url=LOOKER)
    elapsed = time.perf_counter() - started
    assert elapsed < 5  # a sanity bound, not a benchmark (see benchmarks/)
    payload = formatted.message.payload()
    assert len(payload["blocks"]) <= MAX_BLOCKS
    assert all(
        len(b["text"]["text"]) <= MAX_SECTION_TEXT
        for b in payload["blocks"]
        if b["type"] == "section"
    )
    assert 0 < formatted.shown_rows < 10_000
    note = payload["blocks"][-1]["elements"][0]["text"]
    assert f"and {10_000 - formatted.shown_rows:,} more rows" in note
    table = list(csv.reader(io.StringIO(formatted.csv.decode())))
    assert table[0] == ["Orders Count", "Orders Region"]
    assert len(table) == 10_001 and table[-1] == ["9999", "Region 9999 with a longish name"]


def test_csv_defuses_formulas():
    rows = [{"orders.region": cell('=HYPERLINK("x")'), "orders.count": cell(-5)}] * 100
    formatted = format_result(query(), result(rows), looker_url=LOOKER)
    if formatted.csv is None:  # fits without CSV; force the CSV writer directly
        from lookerbot.formatting.results import columns_of, to_csv

        data = to_csv(columns_of(query(), result(rows)), result(rows))
    else:
        data = formatted.csv
    first_row = list(csv.reader(io.StringIO(data.decode())))[1]
    assert first_row == ["-5", '\'=HYPERLINK("x")']
