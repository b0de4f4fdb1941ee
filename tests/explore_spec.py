"""tests/fixtures/ask_explores.md read as data: the three Explores the emulator must serve.

Read straight from the page (its tables and value lists), so a test comparing the emulator
with it compares with what the page says, not with a copy of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from tests.conftest import ROOT

PAGE = ROOT / "tests" / "fixtures" / "ask_explores.md"
TIMEFRAMES = ("Date", "Week", "Month", "Quarter", "Year")
FORMATS = {"$": "money", "%": "percent"}


@dataclass(frozen=True)
class SpecField:
    """One field as the page lists it."""

    name: str
    category: str  # dimension or measure
    type: str  # LookML type: string, number, date_month, count_distinct...
    label: str
    description: str
    tags: tuple[str, ...]
    value_format: str | None  # "money", "percent" or None
    primary_key: bool = False
    group_description: str = ""
    """For a timeframe of a dimension group: the group's description."""


@dataclass
class SpecExplore:
    """One Explore as the page describes it."""

    key: str
    label: str
    description: str
    """Its first sentence (the rest says what a row is)."""
    span_days: int
    fields: dict[str, SpecField] = field(default_factory=dict)
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _parse_row(row: list[str]) -> list[SpecField]:
    names_cell, kind, label, notes = row
    names = re.findall(r"`([^`]+)`", names_cell)
    primary = notes == "primary key"
    description, _, tags_text = ("" if primary else notes).partition("Tags:")
    tags = tuple(t.strip() for t in tags_text.split(",") if t.strip())
    if kind == "dimension group":
        base = names[0].removesuffix("_date")
        label_base = label.split("/")[0].removesuffix(" Date")
        return [
            SpecField(
                f"{base}_{tf.lower()}",
                "dimension",
                f"date_{tf.lower()}",
                f"{label_base} {tf}",
                "",
                tags,
                None,
                group_description=description.strip(),
            )
            for tf in TIMEFRAMES
        ]
    m = re.fullmatch(r"(dimension|measure), ([a-z ]+?)(?: \((\$|%)\))?", kind)
    assert m, kind
    (name,) = names
    return [
        SpecField(
            name,
            m.group(1),
            m.group(2).replace(" ", "_"),
            label,
            description.strip(),
            tags,
            FORMATS.get(m.group(3) or ""),
            primary_key=primary,
        )
    ]


@cache
def spec_explores() -> dict[str, SpecExplore]:
    """The page's Explores by ``model/explore``, in its order."""
    explores: dict[str, SpecExplore] = {}
    current: SpecExplore | None = None
    in_values = False
    last_value_field = ""
    lines = PAGE.read_text().splitlines()
    for i, line in enumerate(lines):
        heading = re.fullmatch(r'## (\w+/\w+): "([^"]+)".*', line)
        if heading:
            paragraph = lines[i + 2]
            j = i + 3
            while lines[j].strip():
                paragraph += " " + lines[j].strip()
                j += 1
            first, _, rest = paragraph.partition(". ")
            span = re.search(r"over the (\d+) days up to today", rest)
            assert span, rest
            current = SpecExplore(heading.group(1), heading.group(2), first + ".", int(span[1]))
            explores[current.key] = current
            in_values = False
            continue
        if current is None:
            continue
        if line.startswith("| `"):
            for f in _parse_row(_cells(line)):
                current.fields[f.name] = f
        elif line.strip() == "Values:":
            in_values = True
        elif in_values and line.startswith("- `"):
            m = re.fullmatch(r"- `([^`]+)`: (.*)", line)
            assert m, line
            last_value_field = m.group(1)
            current.values[last_value_field] = tuple(v.strip() for v in m.group(2).split(","))
        elif in_values and line.startswith("  ") and line.strip():
            # A wrapped value list: the line goes on with the value it broke in.
            previous = current.values[last_value_field]
            continued = [v.strip() for v in line.split(",")]
            joined = f"{previous[-1]} {continued[0]}" if previous[-1] else continued[0]
            current.values[last_value_field] = (*previous[:-1], joined, *continued[1:])
    return explores
