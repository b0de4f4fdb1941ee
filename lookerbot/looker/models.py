"""What the bot knows of Looker's objects: small frozen dataclasses, built from API JSON.

The SDK's own models are not used: building them costs more than the API call on current
cattrs releases, and the bot needs only a few fields of each. A result's cells are msgspec
structs instead, decoded straight from the answer's bytes (:meth:`QueryResult.from_json`).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import ItemsView, Iterator, ValuesView
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

import msgspec

ContentKind = Literal["look", "dashboard"]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class FolderRef:
    """A folder, by id and name."""

    id: str
    name: str

    @classmethod
    def from_api(cls, data: Any) -> FolderRef | None:
        """Build from a ``folder`` object, or ``None`` if there is none."""
        if not isinstance(data, dict) or data.get("id") is None:
            return None
        return cls(id=_text(data["id"]), name=_text(data.get("name")))


@dataclass(frozen=True)
class ContentRef:
    """A Look or a dashboard, as search returns it."""

    kind: ContentKind
    id: str
    title: str
    folder: FolderRef | None = None
    description: str = ""

    @classmethod
    def from_api(cls, kind: ContentKind, data: dict[str, Any]) -> ContentRef:
        """Build from a Look or dashboard object."""
        return cls(
            kind=kind,
            id=_text(data.get("id")),
            title=_text(data.get("title")).strip(),
            folder=FolderRef.from_api(data.get("folder")),
            description=_text(data.get("description")),
        )

    @property
    def path(self) -> str:
        """The path of this content in Looker's web UI."""
        section = "looks" if self.kind == "look" else "dashboards"
        return f"/{section}/{quote(self.id, safe=':')}"


@dataclass(frozen=True)
class LookerUser:
    """A Looker user."""

    id: str
    display_name: str
    email: str | None = None
    is_disabled: bool = False
    personal_folder_id: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> LookerUser:
        """Build from a ``user`` object."""
        name = data.get("display_name") or " ".join(
            p for p in (data.get("first_name"), data.get("last_name")) if p
        )
        return cls(
            id=_text(data.get("id")),
            display_name=_text(name) or _text(data.get("email")) or f"user {data.get('id')}",
            email=data.get("email"),
            is_disabled=bool(data.get("is_disabled")),
            personal_folder_id=_text(data.get("personal_folder_id")) or None,
        )


def _str_map(data: Any) -> dict[str, str]:
    if not isinstance(data, dict):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in data.items()}


def _strs(data: Any) -> tuple[str, ...]:
    return tuple(str(x) for x in data) if isinstance(data, list) else ()


@dataclass(frozen=True)
class Query:
    """A Looker query. ``raw`` keeps every field Looker sent, for faithful copies."""

    id: str
    slug: str
    model: str
    view: str
    fields: tuple[str, ...]
    filters: dict[str, str]
    sorts: tuple[str, ...]
    limit: str | None
    pivots: tuple[str, ...]
    vis_config: dict[str, Any]
    share_url: str
    explore_path: str
    raw: dict[str, Any]

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Query:
        """Build from a ``query`` object."""
        vis = data.get("vis_config")
        return cls(
            id=_text(data.get("id")),
            slug=_text(data.get("slug")),
            model=_text(data.get("model")),
            view=_text(data.get("view")),
            fields=_strs(data.get("fields")),
            filters=_str_map(data.get("filters")),
            sorts=_strs(data.get("sorts")),
            limit=None if data.get("limit") is None else str(data.get("limit")),
            pivots=_strs(data.get("pivots")),
            vis_config=vis if isinstance(vis, dict) else {},
            share_url=_text(data.get("share_url")),
            explore_path=_text(data.get("url")),
            raw=data,
        )

    @property
    def vis_type(self) -> str:
        """The visualization type (``table`` when none is set)."""
        return str(self.vis_config.get("type") or "table")

    def copy_with_filters(self, filters: dict[str, str]) -> dict[str, Any]:
        """A body for creating a copy of this query with ``filters`` set on top of its own.

        Only the keys of API 4.0's ``WriteQuery`` are kept: Looker refuses a body with any
        other key (``id``, ``slug``, ``can``... which a read ``Query`` carries) with 422.
        """
        body = {k: v for k, v in self.raw.items() if k in QUERY_COPY_KEYS}
        body["filters"] = {**self.filters, **filters}
        return body


WRITE_QUERY_KEYS = frozenset(
    {
        "model",
        "view",
        "fields",
        "pivots",
        "fill_fields",
        "filters",
        "filter_expression",
        "sorts",
        "limit",
        "column_limit",
        "total",
        "row_total",
        "subtotals",
        "vis_config",
        "filter_config",
        "visible_ui_sections",
        "dynamic_fields",
        "client_id",
        "query_timezone",
    }
)
"""The keys of ``WriteQuery``, the body of ``create_query`` (looker_sdk/sdk/api40/models.py)."""

QUERY_COPY_KEYS = WRITE_QUERY_KEYS - {"client_id", "filter_config"}
"""What a copy of a query keeps: not its ``client_id`` (Looker wants a new one for each
query) nor its ``filter_config`` (the Explore UI's filter state, which would override the
copy's new ``filters`` when the query is opened in Looker)."""


@dataclass(frozen=True)
class Look:
    """A saved Look."""

    id: str
    title: str
    description: str
    folder: FolderRef | None
    query: Query | None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Look:
        """Build from a ``look`` object."""
        query = data.get("query")
        return cls(
            id=_text(data.get("id")),
            title=_text(data.get("title")).strip(),
            description=_text(data.get("description")),
            folder=FolderRef.from_api(data.get("folder")),
            query=Query.from_api(query) if isinstance(query, dict) else None,
        )

    @property
    def path(self) -> str:
        """The Look's path in Looker's web UI."""
        return f"/looks/{quote(self.id, safe='')}"


@dataclass(frozen=True)
class DashboardFilter:
    """A dashboard filter."""

    name: str
    title: str
    default_value: str
    dimension: str
    type: str
    model: str = ""
    explore: str = ""

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> DashboardFilter:
        """Build from a ``dashboard_filter`` object."""
        name = _text(data.get("name"))
        return cls(
            name=name,
            title=_text(data.get("title")) or name,
            default_value=_text(data.get("default_value")),
            dimension=_text(data.get("dimension")),
            type=_text(data.get("type")),
            model=_text(data.get("model")),
            explore=_text(data.get("explore")),
        )


@dataclass(frozen=True)
class DashboardElement:
    """A dashboard tile, with the dashboard filters it listens to (filter name -> field)."""

    id: str
    title: str
    type: str
    query: Query | None
    look: Look | None
    listen: dict[str, str]
    merge_result_id: str | None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> DashboardElement:
        """Build from a ``dashboard_element`` object."""
        listen = _str_map(data.get("listen"))
        maker = data.get("result_maker")
        merge_id = data.get("merge_result_id")
        if isinstance(maker, dict):
            for filterable in maker.get("filterables") or []:
                for item in (filterable or {}).get("listen") or []:
                    if isinstance(item, dict) and item.get("dashboard_filter_name"):
                        listen.setdefault(
                            str(item["dashboard_filter_name"]), _text(item.get("field"))
                        )
            merge_id = merge_id or maker.get("merge_result_id")
        query, look = data.get("query"), data.get("look")
        if not isinstance(query, dict) and isinstance(maker, dict):
            query = maker.get("query")
        return cls(
            id=_text(data.get("id")),
            title=_text(data.get("title") or data.get("title_text")),
            type=_text(data.get("type")),
            query=Query.from_api(query) if isinstance(query, dict) else None,
            look=Look.from_api(look) if isinstance(look, dict) else None,
            listen=listen,
            merge_result_id=None if merge_id is None else str(merge_id),
        )

    @property
    def runnable_query(self) -> Query | None:
        """The query this tile shows: its own, or its Look's."""
        if self.query is not None:
            return self.query
        return self.look.query if self.look is not None else None

    @property
    def shows_data(self) -> bool:
        """Whether the tile shows query results (not text or a button)."""
        return self.runnable_query is not None or self.merge_result_id is not None


@dataclass(frozen=True)
class Dashboard:
    """A user-defined or LookML dashboard."""

    id: str
    title: str
    description: str
    folder: FolderRef | None
    filters: tuple[DashboardFilter, ...]
    elements: tuple[DashboardElement, ...]

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Dashboard:
        """Build from a ``dashboard`` object."""
        filters = data.get("dashboard_filters") or data.get("filters") or []
        elements = data.get("dashboard_elements") or data.get("elements") or []
        return cls(
            id=_text(data.get("id")),
            title=_text(data.get("title")).strip(),
            description=_text(data.get("description")),
            folder=FolderRef.from_api(data.get("folder")),
            filters=tuple(DashboardFilter.from_api(f) for f in filters if isinstance(f, dict)),
            elements=tuple(DashboardElement.from_api(e) for e in elements if isinstance(e, dict)),
        )

    @property
    def path(self) -> str:
        """The dashboard's path in Looker's web UI."""
        return f"/dashboards/{quote(self.id, safe=':')}"


@dataclass(frozen=True)
class Folder:
    """A folder (its dashboards are listed with ``LookerClient.folder_dashboards``)."""

    id: str
    name: str
    parent_id: str | None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Folder:
        """Build from a ``folder`` object."""
        return cls(
            id=_text(data.get("id")),
            name=_text(data.get("name")),
            parent_id=None if data.get("parent_id") is None else str(data["parent_id"]),
        )


@dataclass(frozen=True)
class Link:
    """A link on a result cell: a drill, a LookML link or a data action."""

    label: str
    url: str
    type: str
    raw: dict[str, Any]

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Link:
        """Build from a ``links`` item."""
        return cls(
            label=_text(data.get("label")),
            url=_text(data.get("url")),
            type=_text(data.get("type")),
            raw=data,
        )


_NO_LINKS = msgspec.Raw(b"[]")


class Cell(msgspec.Struct, frozen=True, gc=False):
    """One value of a result.

    A msgspec struct, so that :meth:`QueryResult.from_json` decodes a ``json_detail`` cell
    straight into it (its ``html``, ``filterable_value`` and other keys are skipped), and
    kept away from the garbage collector, which a 10,000-row result's tens of thousands of
    cells would otherwise set off: ``gc=False`` (safe: a cell holds only what JSON decodes
    to, which cannot refer back to it), and the links kept as their JSON text, read when
    asked for (a container of dicts would be tracked, one per cell).

    Two cells are equal when their value, rendered value and links are.

    Attributes:
        value: the value, as JSON has it (``None`` for a null).
        rendered: the value formatted as Looker shows it, if Looker sent one.
        raw_links: the JSON text of the cell's ``links``; see :attr:`links`.
    """

    value: Any = None
    rendered: str | None = None
    raw_links: msgspec.Raw = msgspec.field(default=_NO_LINKS, name="links")

    @classmethod
    def from_api(cls, data: Any) -> Cell:
        """Build from a ``json_detail`` cell, decoded."""
        if not isinstance(data, dict):
            return cls(value=data, rendered=None)
        # Called for every cell of a result (40,000 for 10,000 rows of 4 columns): no work
        # for what a cell does not have.
        links = data.get("links")
        kept = [x for x in links if isinstance(x, dict)] if isinstance(links, list) else None
        rendered = data.get("rendered")
        return cls(
            data.get("value"),
            rendered if rendered is None or type(rendered) is str else str(rendered),
            msgspec.Raw(json.dumps(kept).encode()) if kept else _NO_LINKS,
        )

    @property
    def links(self) -> tuple[Link, ...]:
        """The cell's links: drills, LookML links and data actions (what is not an object
        is left out, and so are links that are not a list)."""
        # json, not msgspec: it reads numbers as from_api's json.loads did (1e400 is inf).
        links = json.loads(bytes(self.raw_links))
        if not isinstance(links, list):
            return ()
        return tuple(Link.from_api(x) for x in links if isinstance(x, dict))

    @property
    def text(self) -> str | None:
        """The value as Looker shows it, or ``None`` for a null."""
        if self.rendered is not None and self.rendered != "":
            return self.rendered
        if self.value is None:
            return None
        return str(self.value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Cell):
            return NotImplemented
        return (self.value, self.rendered, self.links) == (other.value, other.rendered, other.links)

    def __hash__(self) -> int:
        return hash((self.value, self.rendered, self.links))

    def __repr__(self) -> str:
        return f"Cell(value={self.value!r}, rendered={self.rendered!r}, links={self.links!r})"


@dataclass(frozen=True)
class ResultField:
    """A column of a result."""

    name: str
    label: str
    label_short: str
    is_measure: bool
    hidden: bool = False

    @classmethod
    def from_api(cls, data: dict[str, Any], *, category: str) -> ResultField:
        """Build from a ``fields`` entry of a ``json_detail`` result."""
        name = _text(data.get("name"))
        label = _text(data.get("label")) or name
        if category == "table_calculation":
            is_measure = bool(data.get("measure", data.get("is_measure", False)))
        else:
            is_measure = category == "measure"
        return cls(
            name=name,
            label=label,
            label_short=_text(data.get("label_short")) or label,
            is_measure=is_measure,
            hidden=bool(data.get("hidden")),
        )


@dataclass(frozen=True)
class PivotValue:
    """One value of the pivot columns."""

    key: str
    label: str
    is_total: bool = False


class PivotCells(msgspec.Struct, frozen=True, gc=False):
    """A pivoted measure's cells in one row, by pivot key (a read-only mapping).

    Not a dict, so that the garbage collector does not track the rows that hold it: a row
    holding a dict is tracked, and 10,000 tracked rows set off a full collection.
    """

    cells: dict[str, Cell]

    def get(self, key: str) -> Cell | None:
        """The cell for pivot ``key``, if any."""
        return self.cells.get(key)

    def __getitem__(self, key: str) -> Cell:
        return self.cells[key]

    def __contains__(self, key: object) -> bool:
        return key in self.cells

    def __iter__(self) -> Iterator[str]:
        return iter(self.cells)

    def __len__(self) -> int:
        return len(self.cells)

    def items(self) -> ItemsView[str, Cell]:
        """The pivot keys and their cells."""
        return self.cells.items()

    def values(self) -> ValuesView[Cell]:
        """The cells."""
        return self.cells.values()


@dataclass(frozen=True)
class QueryResult:
    """A query's ``json_detail`` result.

    Each row maps a field name to a :class:`Cell`; a pivoted measure maps to
    :class:`PivotCells` (pivot key to cell) instead.
    """

    fields: tuple[ResultField, ...]
    rows: tuple[dict[str, Any], ...]
    pivots: tuple[PivotValue, ...] = ()
    errors: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, data: Any) -> QueryResult:
        """Build from a ``json_detail`` result, decoded."""
        if not isinstance(data, dict):
            return cls(fields=(), rows=(), errors=("Looker returned an unreadable result.",))
        fields, pivots, errors = _result_header(data)
        rows = [
            row for raw_row in data.get("data") or [] if (row := _row(raw_row, pivots)) is not None
        ]
        return cls(fields=fields, rows=tuple(rows), pivots=pivots, errors=errors)

    @classmethod
    def from_json(cls, raw: bytes) -> QueryResult:
        """Build from the text of a ``json_detail`` result: what ``from_api(json.loads(raw))``
        builds, for less work and without holding the interpreter lock for long.

        A 10,000-row result is megabytes of JSON. ``json.loads`` reads all of it in one call
        that holds the lock (stalling the event loop, even from another thread), then a dict
        per cell is made and read again. Here msgspec first finds each row's text (one quick
        pass), then decodes each row on its own, straight into :class:`Cell` structs: the
        lock is free between rows, and cells, untracked by the garbage collector, do not set
        off collections. Rows of another shape (a cell that is not an object, a ``rendered``
        that is not a string...) are read as ``from_api`` reads them, and so is a text
        msgspec refuses but ``json.loads`` takes (``NaN``, a byte-order mark).

        Raises:
            ValueError: ``raw`` is not JSON (``json.loads``'s own error).
        """
        if not raw:
            return cls.from_api(None)
        try:
            if not raw.isascii():
                _check_utf8(raw)  # msgspec does not check the text it skips (links, html)
            top = _RESULT_DECODER.decode(raw)
        except (msgspec.DecodeError, UnicodeDecodeError):
            # Not an object, ``data`` not a list, or not JSON by msgspec's stricter rules.
            return cls.from_api(json.loads(raw))
        head = {"fields": top.fields, "pivots": top.pivots, "errors": top.errors}
        fields, pivots, errors = _result_header(head)
        rows = []
        decode_row = _pivoted_row if pivots else _ROW_DECODER.decode
        for raw_row in top.data or ():
            try:
                rows.append(decode_row(raw_row))
                continue
            except msgspec.DecodeError:
                pass
            try:
                decoded = json.loads(bytes(raw_row))
            except ValueError:  # json's own error, about the whole text as from_api's reader
                return cls.from_api(json.loads(raw))
            row = _row(decoded, pivots)
            if row is not None:
                rows.append(row)
        return cls(fields=fields, rows=tuple(rows), pivots=pivots, errors=errors)


def _check_utf8(raw: bytes) -> None:
    """Raise ``UnicodeDecodeError`` unless ``raw`` is UTF-8, a megabyte per call (each call
    holds the interpreter lock; the text made is dropped)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    for start in range(0, len(view), 1 << 20):
        decoder.decode(view[start : start + (1 << 20)])
    decoder.decode(b"", final=True)


def _result_header(
    data: dict[str, Any],
) -> tuple[tuple[ResultField, ...], tuple[PivotValue, ...], tuple[str, ...]]:
    """A ``json_detail`` result's fields, pivot values and errors."""
    fields_data = data.get("fields")
    meta: dict[str, Any] = fields_data if isinstance(fields_data, dict) else {}
    fields: list[ResultField] = []
    for key, category in (
        ("dimensions", "dimension"),
        ("measures", "measure"),
        ("table_calculations", "table_calculation"),
    ):
        for item in meta.get(key) or []:
            if isinstance(item, dict):
                fields.append(ResultField.from_api(item, category=category))
    pivot_fields = {p.get("name") for p in meta.get("pivots") or [] if isinstance(p, dict)}
    fields = [f for f in fields if f.name not in pivot_fields]
    pivots = tuple(
        PivotValue(
            key=_text(p.get("key")),
            label=" / ".join(_text(v) for v in (p.get("data") or {}).values())
            or _text(p.get("key")),
            is_total=bool(p.get("is_total")),
        )
        for p in data.get("pivots") or []
        if isinstance(p, dict)
    )
    errors = tuple(
        " ".join(p for p in (_text(e.get("message")), _text(e.get("message_details"))) if p)
        for e in data.get("errors") or []
        if isinstance(e, dict)
    )
    return tuple(fields), pivots, errors


def _row(raw_row: Any, pivots: tuple[PivotValue, ...]) -> dict[str, Any] | None:
    """A ``json_detail`` row, decoded, as a result row; ``None`` if it is not an object."""
    if not isinstance(raw_row, dict):
        return None
    row: dict[str, Any] = {}
    for name, cell in raw_row.items():
        if pivots and isinstance(cell, dict) and "value" not in cell:
            row[name] = PivotCells({k: Cell.from_api(v) for k, v in cell.items()})
        else:
            row[name] = Cell.from_api(cell)
    return row


def _pivoted_row(raw_row: msgspec.Raw) -> dict[str, Any]:
    """A row of a pivoted result, read from its text as :func:`_row` reads it decoded: an
    object without ``value`` is the cells of each pivot key. Raises ``msgspec.DecodeError``
    for any other shape (a cell that is not an object...), which :func:`_row` then reads."""
    row: dict[str, Any] = {}
    for name, raw_value in _RAW_OBJECT_DECODER.decode(raw_row).items():
        parts = _RAW_OBJECT_DECODER.decode(raw_value)
        if "value" in parts:
            row[name] = _CELL_DECODER.decode(raw_value)
        else:
            row[name] = PivotCells({key: _CELL_DECODER.decode(part) for key, part in parts.items()})
    return row


class _ResultJson(msgspec.Struct):
    """A ``json_detail`` result as :meth:`QueryResult.from_json` first reads it: the small
    parts as plain values, each row as its text (``msgspec.Raw``, a view of the input)."""

    fields: Any = None
    pivots: Any = None
    errors: Any = None
    data: list[msgspec.Raw] | None = None


_RESULT_DECODER = msgspec.json.Decoder(_ResultJson)
_ROW_DECODER = msgspec.json.Decoder(dict[str, Cell])
_CELL_DECODER = msgspec.json.Decoder(Cell)
_RAW_OBJECT_DECODER = msgspec.json.Decoder(dict[str, msgspec.Raw])


@dataclass(frozen=True)
class RenderTask:
    """A Looker render task's state."""

    id: str
    status: str
    status_detail: str

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> RenderTask:
        """Build from a ``render_task`` object."""
        return cls(
            id=_text(data.get("id")),
            status=_text(data.get("status")),
            status_detail=_text(data.get("status_detail")),
        )


def _opt(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


@dataclass(frozen=True)
class ExploreField:
    """A dimension or measure of an Explore, as the Explore's metadata describes it.

    Attributes:
        name: ``view.field``, as queries name it.
        label: the label Looker shows with its view (``Orders Total Revenue``).
        label_short: the label without the view (``Total Revenue``).
        view_label: the label of its view (``Orders``).
        description: the LookML description.
        category: ``dimension`` or ``measure``.
        type: the LookML type; timeframes of a dimension group are ``date_<timeframe>``.
        tags: the LookML tags (synonyms people may use for the field).
        hidden: hidden in the field picker.
        dimension_group: ``view.group`` for the timeframes of a dimension group.
        group_label: the field group label.
        group_variant: the timeframe's name within its group (``Month``).
        is_numeric: whether its values are numbers.
        is_timeframe: a timeframe of a dimension group.
        value_format: the value format, if any.
        suggestable: whether Looker suggests values for it.
        suggest_dimension: the field whose values are suggested.
        suggest_explore: the Explore the suggestions come from.
        primary_key: whether it is its view's primary key (one value per row).
    """

    name: str
    label: str
    label_short: str
    view_label: str
    description: str
    category: str
    type: str
    tags: tuple[str, ...] = ()
    hidden: bool = False
    dimension_group: str | None = None
    group_label: str | None = None
    group_variant: str | None = None
    is_numeric: bool = False
    is_timeframe: bool = False
    value_format: str | None = None
    suggestable: bool = False
    suggest_dimension: str | None = None
    suggest_explore: str | None = None
    primary_key: bool = False

    @classmethod
    def from_api(cls, data: dict[str, Any], *, category: str) -> ExploreField:
        """Build from an entry of an Explore's ``fields.dimensions`` or ``fields.measures``."""
        name = _text(data.get("name"))
        label_short = _text(data.get("label_short")) or _text(data.get("label")) or name
        view_label = _text(data.get("view_label"))
        return cls(
            name=name,
            label=_text(data.get("label")) or f"{view_label} {label_short}".strip(),
            label_short=label_short,
            view_label=view_label,
            description=_text(data.get("description")),
            category=_text(data.get("category")) or category,
            type=_text(data.get("type")),
            tags=_strs(data.get("tags")),
            hidden=bool(data.get("hidden")),
            dimension_group=_opt(data.get("dimension_group")),
            group_label=_opt(data.get("field_group_label")),
            group_variant=_opt(data.get("field_group_variant")),
            is_numeric=bool(data.get("is_numeric")),
            is_timeframe=bool(data.get("is_timeframe")) or data.get("dimension_group") is not None,
            value_format=_opt(data.get("value_format")),
            suggestable=bool(data.get("suggestable")),
            suggest_dimension=_opt(data.get("suggest_dimension")),
            suggest_explore=_opt(data.get("suggest_explore")),
            primary_key=bool(data.get("primary_key")),
        )

    @property
    def is_measure(self) -> bool:
        """Whether it is a measure (else a dimension)."""
        return self.category == "measure"

    @property
    def view(self) -> str:
        """The view it belongs to."""
        return self.name.partition(".")[0]

    @property
    def timeframe(self) -> str | None:
        """``date``, ``week``, ``month``... for a timeframe of a dimension group."""
        if not self.is_timeframe or not self.type.startswith("date_"):
            return None
        return self.type.removeprefix("date_")


@dataclass(frozen=True)
class Explore:
    """An Explore and its fields (hidden ones included; callers decide what to offer).

    Attributes:
        model: the LookML model.
        name: the Explore's name.
        label: its label.
        description: its description.
        base_view: the view it starts from.
        fields: every dimension, then every measure.
    """

    model: str
    name: str
    label: str
    description: str
    base_view: str
    fields: tuple[ExploreField, ...]

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Explore:
        """Build from a ``lookml_model_explore`` object."""
        groups = data.get("fields")
        meta: dict[str, Any] = groups if isinstance(groups, dict) else {}
        fields = tuple(
            ExploreField.from_api(item, category=category)
            for key, category in (("dimensions", "dimension"), ("measures", "measure"))
            for item in meta.get(key) or []
            if isinstance(item, dict) and item.get("name")
        )
        name = _text(data.get("name"))
        return cls(
            model=_text(data.get("model_name")),
            name=name,
            label=_text(data.get("label")) or name,
            description=_text(data.get("description")),
            base_view=_text(data.get("view_name")) or name,
            fields=fields,
        )

    @property
    def key(self) -> str:
        """``model/explore``."""
        return f"{self.model}/{self.name}"

    @property
    def path(self) -> str:
        """The Explore's path in Looker's web UI."""
        return f"/explore/{quote(self.model, safe='')}/{quote(self.name, safe='')}"

    def field(self, name: str) -> ExploreField | None:
        """The field called ``name``, if the Explore has it."""
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class FieldSuggestions:
    """Values Looker suggests for a field.

    Attributes:
        values: the suggested values.
        hit_limit: Looker had more values than it returned.
    """

    values: tuple[str, ...]
    hit_limit: bool = False

    @classmethod
    def from_api(cls, data: Any) -> FieldSuggestions:
        """Build from a ``model_fieldname_suggestions`` object."""
        if not isinstance(data, dict):
            return cls(values=())
        values = data.get("suggestions") or []
        return cls(
            values=tuple(str(v) for v in values if v is not None),
            hit_limit=bool(data.get("hit_limit")),
        )


@dataclass(frozen=True)
class PlanDestination:
    """Where a scheduled plan sends: a webhook URL, or an Action Hub integration
    (``<hub id>::<action>``) with the form's values (``parameters``, a JSON object)."""

    type: str
    address: str
    parameters: dict[str, str]

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> PlanDestination:
        raw = data.get("parameters")
        try:
            parameters = json.loads(raw) if isinstance(raw, str) and raw else {}
        except ValueError:
            parameters = {}
        return cls(
            type=_text(data.get("type")),
            address=_text(data.get("address")),
            parameters=_str_map(parameters),
        )


@dataclass(frozen=True)
class Schedule:
    """A Looker scheduled plan, as the bot needs it (``ScheduledPlan`` in API 4.0).

    Attributes:
        id: the plan.
        name: its name (shown in Looker's schedules list).
        user_id: its owner, whose permissions and data it runs with.
        owner_name: the owner's display name.
        enabled: ``False`` while paused.
        crontab: when it runs (Vixie cron), in ``timezone``.
        timezone: its time zone (empty: the instance's).
        next_run_at: ISO time of its next run, if any.
        look_id: the Look it sends, if a Look.
        dashboard_id: the dashboard it sends, if a dashboard.
        filters_string: its own filters (``?Region=West``).
        destinations: where it sends.
        title: the title of what it sends.
    """

    id: str
    name: str
    user_id: str
    owner_name: str
    enabled: bool
    crontab: str
    timezone: str
    next_run_at: str | None
    look_id: str | None
    dashboard_id: str | None
    filters_string: str
    destinations: tuple[PlanDestination, ...]
    title: str

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Schedule:
        """Build from a ``scheduled_plan`` object."""
        user = data.get("user") if isinstance(data.get("user"), dict) else {}
        assert isinstance(user, dict)
        raw = data.get("scheduled_plan_destination")
        destinations = tuple(
            PlanDestination.from_api(d)
            for d in (raw if isinstance(raw, list) else [])
            if isinstance(d, dict) and d.get("address")
        )
        look, dashboard = data.get("look_id"), data.get("dashboard_id")
        return cls(
            id=_text(data.get("id")),
            name=_text(data.get("name")),
            user_id=_text(data.get("user_id")),
            owner_name=_text(user.get("display_name")) or f"user {data.get('user_id')}",
            enabled=data.get("enabled") is not False,
            crontab=_text(data.get("crontab")),
            timezone=_text(data.get("timezone")),
            next_run_at=_text(data.get("next_run_at")) or None,
            look_id=_text(look) if look not in (None, "") else None,
            dashboard_id=_text(dashboard) if dashboard not in (None, "") else None,
            filters_string=_text(data.get("filters_string")),
            destinations=destinations,
            title=_text(data.get("content_title")) or _text(data.get("name")),
        )
