"""What a question turns into: a query to run, a question back, or words not understood.

:func:`check_query` is the one gate every query passes before it runs, whoever wrote it
(the parser or a language model): every field must be a visible field of the Explore.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lookerbot.ask.index import ExploreIndex
from lookerbot.looker.models import ExploreField

DEFAULT_LIMIT = 500
MAX_LIMIT = 5000
MAX_FIELDS = 20
MAX_FILTER_LENGTH = 500
_SORT = re.compile(r"^(?P<field>[A-Za-z0-9_]+\.[A-Za-z0-9_]+)(?:\s+(?P<dir>asc|desc))?$", re.I)


class InvalidQuery(ValueError):
    """A query that must not run; the message says why (for logs)."""


CALCULATIONS = ("percent_of_total", "percent_change")
"""The table calculations a question can ask for: a measure's share of its column's total
("share of revenue by region"), and its change from the row before ("MoM growth")."""


@dataclass(frozen=True)
class Calculation:
    """A Looker table calculation on one measure of the query.

    Attributes:
        type: one of :data:`CALCULATIONS`.
        field: the measure it is computed from.
    """

    type: str
    field: str
    across: bool = dataclasses.field(default=False, compare=False)
    """A change between pivot columns (the periods are pivoted beside another breakdown),
    not down the rows."""

    @property
    def name(self) -> str:
        """The table calculation's id (lower case, as Looker requires)."""
        return f"{self.type}_{self.field.replace('.', '_')}".lower()

    def expression(self) -> str:
        """Looker's expression: ``sum`` and ``offset`` work down the column (per pivot)."""
        f = "${" + self.field + "}"
        if self.type == "percent_of_total":
            return f"{f} / sum({f})"
        if self.across:
            return f"{f} / pivot_offset({f}, -1) - 1"
        return f"{f} / offset({f}, -1) - 1"

    def label(self, names: Mapping[str, str]) -> str:
        name = names.get(self.field, self.field)
        return f"Share of {name}" if self.type == "percent_of_total" else f"{name} change"

    def dynamic_field(self, names: Mapping[str, str]) -> dict[str, Any]:
        """The table calculation as an entry of a query's ``dynamic_fields``."""
        return {
            "category": "table_calculation",
            "table_calculation": self.name,
            "label": self.label(names),
            "expression": self.expression(),
            "value_format": None,
            "value_format_name": "percent_1",
            "_kind_hint": "measure",
            "_type_hint": "number",
        }


@dataclass(frozen=True)
class QuerySpec:
    """A query for one Explore, checked against its fields.

    Attributes:
        model: the LookML model.
        explore: the Explore.
        fields: dimensions first, then measures.
        filters: field -> Looker filter expression.
        sorts: ``field`` (ascending) or ``field desc``.
        limit: the row limit, or ``None`` for Looker's default.
        vis: the visualization: ``looker_line`` with a time dimension, ``single_value``
            for one measure alone, else ``table``.
        description: what the query asks, in words.
        pivots: dimensions (of ``fields``) whose values become columns.
        calculations: table calculations on measures of ``fields``.
        labels: display names of the fields (for the table calculations' labels).
    """

    model: str
    explore: str
    fields: tuple[str, ...]
    filters: Mapping[str, str] = field(default_factory=dict)
    sorts: tuple[str, ...] = ()
    limit: int | None = None
    vis: str = "table"
    description: str = ""
    pivots: tuple[str, ...] = ()
    calculations: tuple[Calculation, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def key(self) -> str:
        """``model/explore``."""
        return f"{self.model}/{self.explore}"

    def body(self) -> dict[str, Any]:
        """The body to create the query with (``POST /queries``)."""
        body: dict[str, Any] = {
            "model": self.model,
            "view": self.explore,
            "fields": list(self.fields),
            "filters": dict(self.filters),
            "sorts": list(self.sorts),
            "limit": str(self.limit or DEFAULT_LIMIT),
            "vis_config": {"type": self.vis},
        }
        if self.pivots:
            body["pivots"] = list(self.pivots)
        if self.calculations:
            # WriteQuery.dynamic_fields is a string: the JSON of the table calculations.
            body["dynamic_fields"] = json.dumps(
                [c.dynamic_field(self.labels) for c in self.calculations]
            )
        return body

    def comparable(self) -> dict[str, Any]:
        """Fields as a set, the rest as they are (for comparing with an expected query)."""
        return {
            "fields": sorted(self.fields),
            "filters": {name: same_rows(e) for name, e in self.filters.items()},
            "sorts": list(self.sorts),
            "limit": self.limit,
            "pivots": sorted(self.pivots),
            "calculations": sorted(
                ({"type": c.type, "field": c.field} for c in self.calculations),
                key=lambda c: (c["type"], c["field"]),
            ),
        }

    def to_json(self) -> dict[str, Any]:
        """The query as plain data (kept with a thread, for follow-up questions)."""
        return {
            "model": self.model,
            "explore": self.explore,
            "fields": list(self.fields),
            "filters": dict(self.filters),
            "sorts": list(self.sorts),
            "limit": self.limit,
            "pivots": list(self.pivots),
            "calculations": [{"type": c.type, "field": c.field} for c in self.calculations],
        }


@dataclass(frozen=True)
class Ambiguity:
    """Several fields fit a phrase equally well: the person picks one.

    Attributes:
        explore: ``model/explore`` the question was read against.
        phrase: the words that fit several fields (as typed).
        candidates: the fields that fit, best first.
    """

    explore: str
    phrase: str
    candidates: tuple[ExploreField, ...]
    explores: tuple[str, ...] = ()
    """When the question fits several Explores equally: each candidate's Explore
    (``model/explore``), in the same order."""


@dataclass(frozen=True)
class NotUnderstood:
    """Nothing (or not everything) in the question fits the Explore.

    Attributes:
        explore: ``model/explore`` the question was read against.
        unknown: the words that fit nothing, as typed.
        known: a few fields the Explore has, to suggest.
        reason: why, when it is not unknown words ("two_questions": ``unknown`` holds the
            questions a message asks at once; "before_data": the period asked and the
            Explore's first day).
        matched: how many words of the question fit something.
    """

    explore: str
    unknown: tuple[str, ...]
    known: tuple[str, ...]
    reason: str = ""
    matched: int = 0


ParseResult = QuerySpec | Ambiguity | NotUnderstood


def same_rows(expression: str) -> str:
    """``expression`` with the values of a list in one order ("Urgent,High" and "High,Urgent"
    keep the same rows in Looker), for comparing two queries."""
    values = re.split(r"(?<!\^),", expression)
    return ",".join(sorted(values)) if len(values) > 1 else expression


def vis_for(index: ExploreIndex, fields: Sequence[str]) -> str:
    """A line chart for a time series, a single value for one measure alone, else a table
    (always for rows listed by their ID, dated or not)."""
    chosen = [index.fields[name] for name in fields]
    if any(f.primary_key for f in chosen):
        return "table"
    if any(not f.is_measure and f.is_timeframe for f in chosen):
        return "looker_line"
    if len(chosen) == 1 and chosen[0].is_measure:
        return "single_value"
    return "table"


def filter_words(f: ExploreField, expression: str, name: str) -> str:
    """A filter in words: ``Region is West or East``, ``Status is not cancelled``."""
    e = expression.strip()
    if f.is_timeframe:
        return _time_words(e)
    if f.is_numeric:
        m = re.fullmatch(r"(>=|<=|>|<|=|!=)?\s*(-?[\d.]+)", e)
        if m:
            op = {">": "over", "<": "under", ">=": "at least", "<=": "at most", "!=": "not"}.get(
                m.group(1) or "", "is"
            )
            return f"{name} {op} {m.group(2)}"
        return f"{name}: {e}"
    parts = [p.strip() for p in _split(e) if p.strip()]
    excluded = [_unescape(p[1:]) for p in parts if p.startswith("-")]
    included = [_unescape(p) for p in parts if not p.startswith("-")]
    words = []
    if included:
        words.append(f"{name} is {' or '.join(included)}")
    if excluded:
        words.append(f"{name} is not {' or '.join(excluded)}")
    return ", ".join(words) or f"{name}: {e}"


def _time_words(e: str) -> str:
    lowered = e.lower()
    if re.fullmatch(r"\d+ (day|week|month|quarter|year)s?", lowered):
        return f"last {lowered}"
    if lowered.startswith("after "):
        return "since " + e[6:].replace("/", "-")
    return e.replace("/", "-")


def _split(expression: str) -> list[str]:
    parts, current, escaped = [], "", False
    for char in expression:
        if escaped:
            current += "^" + char
            escaped = False
        elif char == "^":
            escaped = True
        elif char == ",":
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def _unescape(text: str) -> str:
    return re.sub(r"\^(.)", r"\1", text)


def escape_value(value: str) -> str:
    """``value`` as one literal value in a Looker string filter expression."""
    escaped = re.sub(r"([,^%_\"])", r"^\1", value)
    if escaped.startswith("-"):
        escaped = "^" + escaped
    if value.strip().upper() in ("NULL", "EMPTY"):
        escaped = f'"{value}"'
    return escaped


def describe(
    index: ExploreIndex,
    *,
    fields: Sequence[str],
    filters: Mapping[str, str],
    sorts: Sequence[str],
    limit: int | None,
    filter_phrases: Mapping[str, str] | None = None,
    pivots: Sequence[str] = (),
    calculations: Sequence[Calculation] = (),
) -> str:
    """A query in words: "Total Revenue by Region, last month, top 5"."""
    names = index.display_name
    chosen = [index.fields[n] for n in fields]
    measures = [names[f.name] for f in chosen if f.is_measure]
    dimensions = [names[f.name] for f in chosen if not f.is_measure and f.name not in pivots]
    if measures:
        text = _and(measures)
        if dimensions:
            text += " by " + _and(dimensions)
    else:
        text = _and(dimensions)
    if pivots:
        text += " across " + _and([names[p] for p in pivots])
    for calculation in calculations:
        name = names.get(calculation.field, calculation.field)
        text += (
            f", with each one's share of the total {name}"
            if calculation.type == "percent_of_total"
            else f", with the change in {name} from the row before"
        )
    parts = [text]
    for name, expression in filters.items():
        phrase = (filter_phrases or {}).get(name)
        parts.append(phrase or filter_words(index.fields[name], expression, names[name]))
    if sorts:
        first, _, direction = sorts[0].partition(" ")
        descending = direction.lower() == "desc"
        sorted_by = index.fields.get(first)
        is_time = sorted_by is not None and sorted_by.is_timeframe and not sorted_by.is_measure
        if limit is not None and not is_time:
            parts.append(f"{'top' if descending else 'lowest'} {limit}")
        elif not is_time:
            parts.append(f"{'highest' if descending else 'lowest'} {names.get(first, first)} first")
    elif limit is not None:
        parts.append(f"first {limit} rows")
    return ", ".join(parts)


def _and(items: Sequence[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def check_query(
    index: ExploreIndex,
    *,
    fields: Sequence[str],
    filters: Mapping[str, str],
    sorts: Sequence[str],
    limit: int | None,
    pivots: Sequence[str] = (),
    calculations: Sequence[Calculation] = (),
) -> None:
    """Refuse a query that names a field the Explore does not have (or hides).

    Raises:
        InvalidQuery: with the reason.
    """
    if not fields:
        raise InvalidQuery("no fields")
    if len(fields) > MAX_FIELDS:
        raise InvalidQuery(f"more than {MAX_FIELDS} fields")
    if len(set(fields)) != len(fields):
        raise InvalidQuery("a field is listed twice")
    for name in (*fields, *filters):
        if name not in index.fields:
            raise InvalidQuery(f"{name!r} is not a visible field of {index.explore.key}")
    for name, expression in filters.items():
        if not isinstance(expression, str) or not expression.strip():
            raise InvalidQuery(f"the filter on {name} is empty")
        if len(expression) > MAX_FILTER_LENGTH:
            raise InvalidQuery(f"the filter on {name} is too long")
    for sort in sorts:
        m = _SORT.match(sort.strip()) if isinstance(sort, str) else None
        if m is None or m.group("field") not in fields:
            raise InvalidQuery(f"sort {sort!r} is not a field of the query")
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise InvalidQuery(f"limit {limit} is not between 1 and {MAX_LIMIT}")
    for name in pivots:
        if name not in fields or index.fields[name].is_measure:
            raise InvalidQuery(f"pivot {name!r} is not a dimension of the query")
    if pivots and not any(index.fields[n].is_measure for n in fields):
        raise InvalidQuery("a pivot needs a measure")
    for calculation in calculations:
        if calculation.type not in CALCULATIONS:
            raise InvalidQuery(f"unknown calculation {calculation.type!r}")
        if calculation.field not in fields or not index.fields[calculation.field].is_measure:
            raise InvalidQuery(f"calculation on {calculation.field!r}, not a measure of the query")


def build_spec(
    index: ExploreIndex,
    *,
    fields: Sequence[str],
    filters: Mapping[str, str],
    sorts: Sequence[str],
    limit: int | None,
    filter_phrases: Mapping[str, str] | None = None,
    pivots: Sequence[str] = (),
    calculations: Sequence[Calculation] = (),
) -> QuerySpec:
    """A checked :class:`QuerySpec` (see :func:`check_query`), with its words.

    Raises:
        InvalidQuery: the query names a field the Explore does not have.
    """
    check_query(
        index,
        fields=fields,
        filters=filters,
        sorts=sorts,
        limit=limit,
        pivots=pivots,
        calculations=calculations,
    )
    chosen = [index.fields[n] for n in fields]
    time_pivoted = any(index.fields[p].is_timeframe for p in pivots)
    ordered = tuple(
        f.name for f in sorted(chosen, key=lambda f: f.is_measure)
    )  # dimensions first, stable
    return QuerySpec(
        model=index.explore.model,
        explore=index.explore.name,
        fields=ordered,
        filters=dict(filters),
        sorts=tuple(sorts),
        limit=limit,
        vis="table" if pivots or calculations else vis_for(index, ordered),
        description=describe(
            index,
            fields=ordered,
            filters=filters,
            sorts=sorts,
            limit=limit,
            filter_phrases=filter_phrases,
            pivots=pivots,
            calculations=calculations,
        ),
        pivots=tuple(pivots),
        calculations=tuple(
            dataclasses.replace(c, across=c.type == "percent_change" and time_pivoted)
            for c in calculations
        ),
        labels={n: index.display_name.get(n, n) for n in ordered},
    )
