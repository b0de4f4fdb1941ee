"""Query results as Slack messages: single values, records and tables (pure functions).

Lookerbot's rules: hidden fields are left out, measures come first, values are shown as
Looker renders them, measures link to their drill, nulls show as ``∅``, labels include the
view name unless the visualization hides view names, an empty result says "No results.", and
Looker's query errors are shown. New: pivoted results are shown, and a large table is shown
as aligned rows cut to fit Slack, with the whole result as CSV for attaching.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lookerbot.formatting.message import Block, Message, context, section, truncate
from lookerbot.formatting.slack_text import escape, link
from lookerbot.looker.models import Cell, PivotCells, Query, QueryResult, ResultField

TEXT_VISUALIZATIONS = frozenset({"table", "looker_grid", "single_value", "looker_single_record"})
NULL = "∅"
MAX_TABLE_ROWS = 50
MAX_TABLE_CHARS = 12_000
MAX_COLUMN_WIDTH = 40
_SECTION_BUDGET = 2_900  # a code block per section, under Slack's 3,000


def is_text_visualization(vis_type: str) -> bool:
    """Whether results of this visualization are shown as text (else as a chart image)."""
    return vis_type in TEXT_VISUALIZATIONS


@dataclass(frozen=True)
class ResultLink:
    """Where the result comes from, shown with it (a dashboard, a Look, a share URL)."""

    url: str
    label: str

    def mrkdwn(self) -> str:
        """The link as Slack mrkdwn."""
        return link(self.url, self.label)


@dataclass(frozen=True)
class Column:
    """A column to show: a field, or one pivot value of a pivoted measure."""

    field: ResultField
    label: str
    pivot_key: str | None = None

    def cell(self, row: dict[str, Any]) -> Cell | None:
        """This column's cell in ``row``."""
        value = row.get(self.field.name)
        if self.pivot_key is not None:
            value = value.get(self.pivot_key) if isinstance(value, PivotCells) else None
        return value if isinstance(value, Cell) else None


@dataclass(frozen=True)
class FormattedResult:
    """A result ready to post.

    Attributes:
        message: the message.
        csv: the whole result as CSV when the message shows only part of it.
        single_value: the field and cell of a single-value result (for data action buttons).
        shown_rows: how many rows the message shows.
    """

    message: Message
    csv: bytes | None = None
    single_value: tuple[ResultField, Cell] | None = None
    shown_rows: int = 0


def columns_of(query: Query, result: QueryResult) -> list[Column]:
    """The columns to show: hidden fields dropped, measures first, pivots expanded."""
    hidden = set(query.vis_config.get("hidden_fields") or [])
    show_view_names = query.vis_config.get("show_view_names", True) is not False
    visible = [f for f in result.fields if f.name not in hidden and not f.hidden]
    measures = [f for f in visible if f.is_measure]
    dimensions = [f for f in visible if not f.is_measure]

    def label(field: ResultField) -> str:
        return field.label if show_view_names else field.label_short

    if result.pivots:
        columns = [Column(f, label(f)) for f in dimensions]
        for measure in measures:
            columns += [
                Column(measure, f"{label(measure)} · {p.label}", p.key) for p in result.pivots
            ]
        return columns
    return [Column(f, label(f)) for f in [*measures, *dimensions]]


def cell_text(cell: Cell | None, *, looker_url: str | None = None) -> str:
    """A cell as mrkdwn: its rendered value, escaped; a drill link when ``looker_url`` is given."""
    text = None if cell is None else cell.text
    if text is None:
        return NULL
    if looker_url and cell is not None:
        drill = next((lk for lk in cell.links if lk.type == "measure_default" and lk.url), None)
        if drill is not None:
            url = drill.url if drill.url.startswith("http") else looker_url + drill.url
            return link(url, text)
    return escape(text)


def _plain(cell: Cell | None) -> str:
    text = None if cell is None else cell.text
    return NULL if text is None else text


def format_result(
    query: Query,
    result: QueryResult,
    *,
    looker_url: str,
    source: ResultLink | None = None,
) -> FormattedResult:
    """The message for a text visualization's result."""
    link_line = source.mrkdwn() if source else ""
    if not result.rows:
        if result.errors:
            details = "\n".join(f"```{_code(e)}```" for e in result.errors)
            text = f":warning: {link_line}\n{details}".replace(":warning: \n", ":warning: ")
            return FormattedResult(Message.from_blocks([section(text)], text))
        text = f"{link_line}\nNo results.".strip()
        return FormattedResult(Message.from_blocks([section(text)], text))

    columns = columns_of(query, result)
    if not columns:
        text = f"{link_line}\nNo visible fields in this result.".strip()
        return FormattedResult(Message.from_blocks([section(text)], text))

    vis = query.vis_type
    if vis == "single_value" and not result.pivots:
        column = next((c for c in columns if c.field.is_measure), columns[0])
        cell = column.cell(result.rows[0])
        value = cell_text(cell, looker_url=looker_url)
        blocks = [section(f"*{value}*")]
        if link_line:
            blocks.append(context(link_line))
        fallback = escape(_plain(cell))
        single = (column.field, cell) if cell is not None else None
        return FormattedResult(
            Message.from_blocks(blocks, fallback), single_value=single, shown_rows=1
        )

    if (len(result.rows) == 1 or vis == "looker_single_record") and not result.pivots:
        return _record(columns, result.rows[0], looker_url=looker_url, link_line=link_line)

    return _table(columns, result, link_line=link_line)


def _record(
    columns: Sequence[Column], row: dict[str, Any], *, looker_url: str, link_line: str
) -> FormattedResult:
    fields = [
        {
            "type": "mrkdwn",
            "text": truncate(
                f"*{escape(c.label)}*\n{cell_text(c.cell(row), looker_url=looker_url)}", 2000
            ),
        }
        for c in columns
    ]
    blocks: list[Block] = [
        {"type": "section", "fields": fields[i : i + 10]} for i in range(0, len(fields), 10)
    ]
    if link_line:
        blocks.append(context(link_line))
    fallback = ", ".join(f"{escape(c.label)}: {escape(_plain(c.cell(row)))}" for c in columns)
    return FormattedResult(Message.from_blocks(blocks, truncate(fallback, 3000)), shown_rows=1)


def _code(text: str) -> str:
    """Untrusted text for inside a code block: escaped, and a backtick (which would end the
    block) shown as a look-alike."""
    return escape(text).replace("`", "\u02cb")


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(columns: Sequence[Column], result: QueryResult, *, link_line: str) -> FormattedResult:
    header = [_fit(c.label, MAX_COLUMN_WIDTH) for c in columns]
    shown_rows = result.rows[:MAX_TABLE_ROWS]
    body = [[_fit(_plain(c.cell(row)), MAX_COLUMN_WIDTH) for c in columns] for row in shown_rows]
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        padded = [
            cell.rjust(width) if columns[i].field.is_measure else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return _code("  ".join(padded).rstrip())

    lines = [line(header), "  ".join("-" * w for w in widths)]
    chars = sum(len(x) + 1 for x in lines)
    shown = 0
    for cells in body:
        text = line(cells)
        if chars + len(text) + 1 > MAX_TABLE_CHARS:
            break
        lines.append(text)
        chars += len(text) + 1
        shown += 1

    blocks: list[Block] = []
    chunk: list[str] = []
    for text in lines:
        if chunk and sum(len(x) + 1 for x in chunk) + len(text) > _SECTION_BUDGET - 6:
            blocks.append(section("```" + "\n".join(chunk) + "```"))
            chunk = []
        chunk.append(text[: _SECTION_BUDGET - 6])
    if chunk:
        blocks.append(section("```" + "\n".join(chunk) + "```"))

    total = len(result.rows)
    notes = []
    if shown < total:
        notes.append(f"_… and {total - shown:,} more rows. The whole result is attached as CSV._")
    if link_line:
        notes.append(link_line)
    if notes:
        blocks.append(context(*notes))
    fallback = f"{total:,} rows: " + ", ".join(escape(c.label) for c in columns)
    csv_bytes = to_csv(columns, result) if shown < total else None
    return FormattedResult(
        Message.from_blocks(blocks, truncate(fallback, 3000)), csv=csv_bytes, shown_rows=shown
    )


def to_csv(columns: Sequence[Column], result: QueryResult) -> bytes:
    """The whole result as CSV: a header of labels, then raw values."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.label for c in columns])
    for row in result.rows:
        writer.writerow([_csv_value(c.cell(row)) for c in columns])
    return out.getvalue().encode("utf-8")


def _csv_value(cell: Cell | None) -> Any:
    if cell is None or cell.value is None:
        return ""
    value = cell.value
    # A text cell starting like a formula would run as one in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
