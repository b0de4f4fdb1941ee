"""json_detail query results for the emulators: whole, or generated part by part.

:func:`json_detail_parts` yields the text of a result in parts without building it, so the
Looker emulator can stream a 100,000-row result while holding a few hundred rows at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any


def field(name: str, *, tags: Sequence[str] = (), type: str = "string") -> dict[str, Any]:
    """A json_detail field description (``view.field`` names)."""
    view = name.split(".", 1)[0]
    label = name.split(".", 1)[-1].replace("_", " ").title()
    return {
        "name": name,
        "label": f"{view.title()} {label}",
        "label_short": label,
        "type": type,
        "tags": list(tags),
        "view": view,
    }


def cells(values: dict[str, Any]) -> dict[str, Any]:
    """A row: each value as a json_detail cell."""
    return {name: {"value": value} for name, value in values.items()}


def json_detail(
    dimensions: Sequence[dict[str, Any]],
    rows: Iterable[dict[str, Any]],
    *,
    measures: Sequence[dict[str, Any]] = (),
    ran_at: str | None = "2026-09-30T08:00:00+00:00",
) -> dict[str, Any]:
    """A whole json_detail result (rows as plain values)."""
    result: dict[str, Any] = {
        "fields": {
            "dimensions": list(dimensions),
            "measures": list(measures),
            "table_calculations": [],
            "pivots": [],
        },
    }
    if ran_at:
        result["ran_at"] = ran_at
    result["data"] = [cells(r) for r in rows]
    return result


def json_detail_parts(
    dimensions: Sequence[dict[str, Any]],
    rows: Iterable[dict[str, Any]],
    *,
    rows_per_part: int = 500,
    ran_at: str | None = "2026-09-30T08:00:00+00:00",
) -> Iterator[bytes]:
    """The text of a json_detail result, a few rows per part, fields first."""
    head = {
        "fields": {"dimensions": list(dimensions), "measures": [], "table_calculations": []},
        "ran_at": ran_at,
    }
    yield (json.dumps(head)[:-1] + ', "data": [').encode()
    part: list[str] = []
    first = True
    for row in rows:
        part.append(json.dumps(cells(row)))
        if len(part) >= rows_per_part:
            yield (("" if first else ",") + ",".join(part)).encode()
            first, part = False, []
    if part:
        yield (("" if first else ",") + ",".join(part)).encode()
    yield b"]}"
