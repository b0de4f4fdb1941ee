"""Runs a Looker query against a sample dataset, as Looker's ``json_detail`` would answer.

Any of the emulator's Explores (the dataset says which): dimensions (with date timeframes),
the Explore's measures (count, count_distinct, sum, average, max, and number measures
computed from others), Looker filter expressions for strings, numbers and dates, sorts,
limits and pivots.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from lookerbot.sandbox.sample_data import ORDERS, Dataset, ExploreDef, FieldDef


class QueryError(ValueError):
    """The query cannot run; the message is what Looker would say."""


# -- values ----------------------------------------------------------------------------------


_TIMEFRAME = re.compile(r"(.+)_(date|week|month|quarter|year)")


def dimension_value(row: dict[str, Any], name: str) -> Any:
    """The value of dimension ``name`` for one row (a timeframe of dimension group
    ``view.group`` from the row's ``view.group_date``)."""
    timeframe_of = _TIMEFRAME.fullmatch(name)
    day = row.get(f"{timeframe_of.group(1)}_date") if timeframe_of else None
    if timeframe_of and isinstance(day, date):
        timeframe = timeframe_of.group(2)
        if timeframe == "date":
            return day.isoformat()
        if timeframe == "week":
            return (day - timedelta(days=day.weekday())).isoformat()
        if timeframe == "month":
            return f"{day.year:04d}-{day.month:02d}"
        if timeframe == "quarter":
            return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
        if timeframe == "year":
            return day.year
    return row[name]


def render(field: FieldDef, value: Any) -> str | None:
    """The value as Looker renders it (value formats, thousands separators)."""
    if value is None:
        return None
    if field.value_format == "$#,##0.00":
        return f"${value:,.2f}"
    percent = re.fullmatch(r"0(?:\.(0+))?%", field.value_format or "")
    if percent:
        return f"{value * 100:.{len(percent.group(1) or '')}f}%"
    if isinstance(value, int) and field.category == "measure":
        return f"{value:,}"
    return str(value)


# -- filters ---------------------------------------------------------------------------------

_UNITS = {"day": 1, "week": 7, "month": 30, "quarter": 91, "year": 365}


def _quarter_start(day: date) -> date:
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def _date_range(expr: str, today: date) -> tuple[date, date] | None:
    """[start, end) for a Looker date filter expression, or None if not understood."""
    e = expr.strip().lower()
    if e == "today":
        return today, today + timedelta(days=1)
    if e == "yesterday":
        return today - timedelta(days=1), today
    m = re.fullmatch(r"(?:last )?(\d+) (day|week|month|quarter|year)s?", e)
    if m:
        days = int(m.group(1)) * _UNITS[m.group(2)]
        return today - timedelta(days=days - 1), today + timedelta(days=1)
    m = re.fullmatch(r"(this|last) (week|month|quarter|year)", e)
    if m:
        start_this = {
            "week": today - timedelta(days=today.weekday()),
            "month": today.replace(day=1),
            "quarter": _quarter_start(today),
            "year": today.replace(month=1, day=1),
        }[m.group(2)]
        if m.group(1) == "this":
            return start_this, today + timedelta(days=1)
        if m.group(2) == "week":
            return start_this - timedelta(days=7), start_this
        if m.group(2) == "month":
            previous = (start_this - timedelta(days=1)).replace(day=1)
            return previous, start_this
        if m.group(2) == "quarter":
            return _quarter_start(start_this - timedelta(days=1)), start_this
        return start_this.replace(year=start_this.year - 1), start_this
    m = re.fullmatch(r"(\d{4})(?:[-/](\d{1,2}))?(?:[-/](\d{1,2}))?", e)
    if m:
        year, month, day = int(m.group(1)), m.group(2), m.group(3)
        if day:
            start = date(year, int(month), int(day))
            return start, start + timedelta(days=1)
        if month:
            start = date(year, int(month), 1)
            end = date(year + (start.month == 12), start.month % 12 + 1, 1)
            return start, end
        return date(year, 1, 1), date(year + 1, 1, 1)
    m = re.fullmatch(r"after (.+)", e)
    if m and (r := _date_range(m.group(1), today)):
        return r[0], date.max
    m = re.fullmatch(r"before (.+)", e)
    if m and (r := _date_range(m.group(1), today)):
        return date.min, r[0]
    m = re.fullmatch(r"(.+?) (?:to|until) (.+)", e)
    if m and (a := _date_range(m.group(1), today)) and (b := _date_range(m.group(2), today)):
        return a[0], b[0]
    return None


def compile_filter(
    name: str, expr: str, today: date, explore: ExploreDef = ORDERS
) -> Callable[[dict[str, Any]], bool]:
    """A predicate over ``explore``'s rows for Looker filter expression ``expr`` on field
    ``name``."""
    field = explore.fields_by_name.get(name)
    if field is None:
        raise QueryError(f"Unknown field {name} in filters")
    if field.category == "measure":
        # Looker puts a filter on a measure in the HAVING clause: see ``having``.
        raise QueryError(f"{name} is a measure: its filter applies to groups, not rows")
    if field.type.startswith("date"):
        span = _date_range(expr, today)
        if span is None:
            raise QueryError(f'Invalid date filter "{expr}" for {field.label}')
        start, end = span
        column = f"{field.dimension_group}_date" if field.dimension_group else name
        return lambda row: row[column] is not None and start <= row[column] < end
    if field.is_numeric:
        return _number_filter(name, expr, field)
    return _string_filter(name, expr)


def having(filters: dict[str, str], explore: ExploreDef) -> Callable[[list[dict[str, Any]]], bool]:
    """Whether a group of rows passes the filters on measures: each measure, computed over
    the group, meets its number expression. Looker applies a filter on a measure in the SQL
    HAVING clause, after grouping (Looker's field reference on measures and filters; its
    knowledge base: "When you filter on them, they go in the HAVING clause instead of the
    WHERE clause")."""
    checks: list[Callable[[list[dict[str, Any]]], bool]] = []
    for name, expr in filters.items():
        field = explore.fields_by_name[name]
        if not field.is_numeric:
            raise QueryError(f'Invalid filter "{expr}" on measure {field.label}')
        checks.append(_group_check(name, _number_filter(name, expr, field), explore))
    return lambda rows: all(check(rows) for check in checks)


def _group_check(
    name: str, passes: Callable[[dict[str, Any]], bool], explore: ExploreDef
) -> Callable[[list[dict[str, Any]]], bool]:
    measure = explore.measures[name]
    return lambda rows: passes({name: measure(rows)})


def _number_filter(name: str, expr: str, field: FieldDef) -> Callable[[dict[str, Any]], bool]:
    e = expr.strip()
    m = re.fullmatch(r"(>=|<=|>|<|=|!=|not)?\s*(-?\d+(?:\.\d+)?)", e, re.IGNORECASE)
    if m:
        op, number = (m.group(1) or "=").lower(), float(m.group(2))
        ops: dict[str, Callable[[float], bool]] = {
            ">": lambda v: v > number,
            "<": lambda v: v < number,
            ">=": lambda v: v >= number,
            "<=": lambda v: v <= number,
            "=": lambda v: v == number,
            "!=": lambda v: v != number,
            "not": lambda v: v != number,
        }
        check = ops[op]
        # A null matches no number filter, as in SQL.
        return lambda row: (v := dimension_value(row, name)) is not None and check(float(v))
    m = re.fullmatch(r"\[?\s*(-?\d+(?:\.\d+)?)\s*(?:,| to )\s*(-?\d+(?:\.\d+)?)\s*\]?", e)
    if m:
        low, high = float(m.group(1)), float(m.group(2))
        return lambda row: (v := dimension_value(row, name)) is not None and low <= float(v) <= high
    raise QueryError(f'Invalid number filter "{expr}" for {field.label}')


def _string_filter(name: str, expr: str) -> Callable[[dict[str, Any]], bool]:
    includes: list[Callable[[str], bool]] = []
    excludes: list[Callable[[str], bool]] = []
    for part in _split_alternatives(expr):
        negate = part.startswith("-")
        term = part[1:] if negate else part
        check = _string_term(term)
        (excludes if negate else includes).append(check)

    def predicate(row: dict[str, Any]) -> bool:
        value = str(dimension_value(row, name)).lower()
        if any(check(value) for check in excludes):
            return False
        return not includes or any(check(value) for check in includes)

    return predicate


def _split_alternatives(expr: str) -> list[str]:
    parts, current, escaped = [], "", False
    for char in expr:
        if escaped:
            current += char
            escaped = False
        elif char == "^":
            escaped = True
        elif char == ",":
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [p for p in parts if p]


def _string_term(term: str) -> Callable[[str], bool]:
    t = term.lower()
    if "%" in t or "_" in t:
        pattern = re.compile(
            "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in t), re.DOTALL
        )
        return lambda v: pattern.fullmatch(v) is not None
    return lambda v: v == t


def _sort_key(name: str) -> Callable[[dict[str, Any]], tuple[bool, Any]]:
    def key(result: dict[str, Any]) -> tuple[bool, Any]:
        return (result[name] is None, result[name])

    return key


# -- running -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TableCalculation:
    """A table calculation of a query's ``dynamic_fields`` the emulator evaluates.

    Looker evaluates any expression of its table-calculation language, after the query,
    down each column of the result (per pivot column), as
    https://cloud.google.com/looker/docs/table-calculations describes. The emulator knows
    three of those expressions: a share of the column's total, ``${f} / sum(${f})``, the
    change from the row above, ``${f} / offset(${f}, -1) - 1``, and the change from the
    pivot column before, ``${f} / pivot_offset(${f}, -1) - 1`` (``pivot_offset`` in Looker's
    "Functions and operators": the value in the pivot column ``col_offset`` away, in the
    same row); anything else is refused (so a test never passes on a calculation nobody
    computed).
    """

    name: str
    label: str
    kind: str
    field: str
    expression: str
    value_format_name: str | None

    def value(self, column: list[Any], row: int) -> float | None:
        values = [v if isinstance(v, int | float) else None for v in column]
        here = values[row]
        if here is None:
            return None
        if self.kind == "share":
            total = sum(v for v in values if v is not None)
            return here / total if total else None
        previous = values[row - 1] if row > 0 else None
        return here / previous - 1 if previous else None

    def metadata(self) -> dict[str, Any]:
        """As Looker lists a table calculation in a result's ``fields``."""
        return {
            "name": self.name,
            "label": self.label,
            "label_short": self.label,
            "expression": self.expression,
            "value_format": None,
            "value_format_name": self.value_format_name,
            "is_numeric": True,
            "measure": True,
            "is_table_calculation": True,
            "can_pivot": True,
            "sortable": True,
        }


_SHARE = re.compile(r"^\$\{([\w.]+)\}\s*/\s*sum\(\s*\$\{([\w.]+)\}\s*\)$")
_CHANGE = re.compile(r"^\$\{([\w.]+)\}\s*/\s*offset\(\s*\$\{([\w.]+)\}\s*,\s*-1\s*\)\s*-\s*1$")
_PIVOT_CHANGE = re.compile(
    r"^\$\{([\w.]+)\}\s*/\s*pivot_offset\(\s*\$\{([\w.]+)\}\s*,\s*-1\s*\)\s*-\s*1$"
)


def table_calculations(query: dict[str, Any], names: list[str]) -> list[TableCalculation]:
    """The table calculations in ``query["dynamic_fields"]`` (a JSON string, as
    ``WriteQuery.dynamic_fields`` is in looker_sdk's models)."""
    raw = query.get("dynamic_fields")
    if not raw:
        return []
    try:
        entries = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as exc:
        raise QueryError(f"dynamic_fields is not valid JSON: {exc}") from exc
    found = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("category") != "table_calculation":
            continue
        expression = str(entry.get("expression") or "").strip()
        for kind, pattern in (
            ("share", _SHARE),
            ("change", _CHANGE),
            ("pivot_change", _PIVOT_CHANGE),
        ):
            m = pattern.match(expression)
            if m and m.group(1) == m.group(2):
                if m.group(1) not in names:
                    raise QueryError(f"Table calculation refers to {m.group(1)}, not in the query")
                name = str(entry.get("table_calculation") or "")
                found.append(
                    TableCalculation(
                        name=name,
                        label=str(entry.get("label") or name),
                        kind=kind,
                        field=m.group(1),
                        expression=expression,
                        value_format_name=entry.get("value_format_name"),
                    )
                )
                break
        else:
            raise QueryError(f"The emulator cannot evaluate the expression {expression!r}")
    return found


def _calc_cell(value: float | None) -> dict[str, Any]:
    cell: dict[str, Any] = {"value": value}
    if value is not None:
        cell["rendered"] = f"{value:.1%}"
    return cell


def run_query(
    query: dict[str, Any],
    dataset: Dataset,
    *,
    looker_url: str,
    actions: dict[str, list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """The ``json_detail`` result of ``query``; ``actions`` are LookML data actions by field,
    added to every cell of that field (with ``{{ value }}`` filled in)."""
    explore = dataset.explore
    model, view = query.get("model", explore.model), query.get("view", explore.name)
    if (model, view) != (explore.model, explore.name):
        raise QueryError(f"The data is of {explore.key}, not of the query's {model}/{view}")
    names = [str(f) for f in query.get("fields") or []]
    if not names:
        raise QueryError("Must query at least one dimension or measure")
    fields = []
    for name in names:
        field = explore.fields_by_name.get(name)
        if field is None:
            raise QueryError(f"Unknown field {name} in the explore {view}")
        fields.append(field)
    pivot_names = [str(p) for p in query.get("pivots") or []]
    for name in pivot_names:
        if name not in names:
            raise QueryError(f"Pivot {name} must also be one of the query's fields")
    dimensions = [f for f in fields if f.category == "dimension" and f.name not in pivot_names]
    pivot_fields = [f for f in fields if f.name in pivot_names]
    measures = [f for f in fields if f.category == "measure"]

    filters = {
        name: str(expr)
        for name, expr in (query.get("filters") or {}).items()
        if expr not in (None, "")
    }
    on_measures = {
        name: expr
        for name, expr in filters.items()
        if (f := explore.fields_by_name.get(name)) is not None and f.category == "measure"
    }
    if on_measures and pivot_fields:
        raise QueryError("The emulator does not evaluate filters on measures in pivoted queries")
    keep_group = having(on_measures, explore)
    predicates = [
        compile_filter(name, expr, dataset.today, explore)
        for name, expr in filters.items()
        if name not in on_measures
    ]
    rows = [r for r in dataset.rows if all(p(r) for p in predicates)]

    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in rows:
        key = tuple(dimension_value(row, d.name) for d in dimensions)
        groups.setdefault(key, []).append(row)
    if not dimensions and not groups:
        groups[()] = []

    def pivot_key(row: dict[str, Any]) -> str:
        return "|FIELD|".join(str(dimension_value(row, p.name)) for p in pivot_fields)

    pivot_keys = sorted({pivot_key(r) for r in rows}) if pivot_fields else []

    results = []
    for key, members in groups.items():
        if not keep_group(members):
            continue
        result: dict[str, Any] = {d.name: v for d, v in zip(dimensions, key, strict=True)}
        for m in measures:
            if pivot_fields:
                result[m.name] = {
                    pk: explore.measures[m.name]([r for r in members if pivot_key(r) == pk])
                    for pk in pivot_keys
                }
            else:
                result[m.name] = explore.measures[m.name](members)
        results.append(result)

    for sort in reversed(query.get("sorts") or [f"{names[0]}"]):
        name, _, direction = str(sort).partition(" ")
        if name in explore.fields_by_name and name in names and name not in pivot_names:
            if pivot_fields and explore.fields_by_name[name].category == "measure":
                continue
            results.sort(key=_sort_key(name), reverse=direction.lower() == "desc")
    limit = int(query.get("limit") or 500)
    results = results[:limit]

    explore_url = f"/explore/{model}/{view}"
    drill_fields = ",".join(explore.drill_fields)

    def cell_for(field: FieldDef, value: Any, result: dict[str, Any]) -> dict[str, Any]:
        cell: dict[str, Any] = {"value": value}
        rendered = render(field, value)
        if rendered is not None and rendered != str(value):
            cell["rendered"] = rendered
        cell["links"] = []
        if field.category == "measure":
            drill_filters = "&".join(
                f"f[{d.name}]={quote(str(result[d.name]))}" for d in dimensions
            )
            cell["links"] = [
                {
                    "label": f"Show All {value}",
                    "url": f"{explore_url}?fields={drill_fields}&{drill_filters}",
                    "type": "measure_default",
                }
            ]
        for action in (actions or {}).get(field.name, []):
            filled = json.loads(json.dumps(action).replace("{{ value }}", str(value)))
            cell["links"].append({"type": "action", **filled})
        return cell

    calculations = table_calculations(query, names)
    data = []
    for n, result in enumerate(results):
        cells: dict[str, Any] = {}
        for field in [*dimensions, *measures]:
            value = result[field.name]
            if isinstance(value, dict):
                cells[field.name] = {pk: cell_for(field, v, result) for pk, v in value.items()}
            else:
                cells[field.name] = cell_for(field, value, result)
        for calc in calculations:
            source = [r[calc.field] for r in results]
            if calc.kind == "pivot_change":
                if not pivot_fields:
                    raise QueryError("pivot_offset needs a pivoted query")
                across = [source[n][pk] for pk in pivot_keys]
                cells[calc.name] = {
                    pk: _calc_cell(calc.value(across, j)) for j, pk in enumerate(pivot_keys)
                }
            elif pivot_fields:
                cells[calc.name] = {
                    pk: _calc_cell(calc.value([s[pk] for s in source], n)) for pk in pivot_keys
                }
            else:
                cells[calc.name] = _calc_cell(calc.value(source, n))
        data.append(cells)

    pivots = [
        {
            "key": pk,
            "is_total": False,
            "data": dict(zip([p.name for p in pivot_fields], pk.split("|FIELD|"), strict=True)),
            "sort_values": {},
        }
        for pk in pivot_keys
    ]
    return {
        "fields": {
            "dimensions": [d.metadata() for d in dimensions],
            "measures": [m.metadata() for m in measures],
            "table_calculations": [c.metadata() for c in calculations],
            "pivots": [p.metadata() for p in pivot_fields],
        },
        "pivots": pivots,
        "has_totals": False,
        "has_row_totals": False,
        "data": data,
        "sql": f"-- emulated query on {len(rows)} {explore.row_noun}",
        "looker_url": looker_url,
    }
