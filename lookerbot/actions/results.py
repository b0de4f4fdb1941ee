"""Reading a query result row by row: inline (``attachment.data``) or from a download URL.

Looker sends an action's data in ``json_detail`` (or ``json_detail_lite_stream``, the same
shape): ``{"fields": {...}, "data": [row, row, ...], ...}``. With ``supported_download_settings:
["url"]`` it sends a one-time ``scheduled_plan.download_url`` instead, which may stream a
result of any size. :class:`JsonDetailParser` reads such a document incrementally: each
row is decoded on its own (by the C JSON decoder) as soon as its text has arrived and the
text is dropped, so only the row being read and the unread part of the last chunk are held,
never the whole result.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

import aiohttp

from lookerbot import messages
from lookerbot.errors import ActionInputError, ResultError
from lookerbot.proxies import Proxies

logger = logging.getLogger(__name__)

CHUNK: Final = 64 * 1024
"""Characters (inline) or bytes (download) handed to the parser at a time."""
MAX_VALUE: Final = 16 * 1024 * 1024
"""The largest single row (or ``fields`` block) the parser accepts, in characters."""

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
# No JSON token (a number, true/false/null, a \u escape) is longer than this; an error
# further from the end of the text than this cannot be cured by more text.
_TOKEN_SLACK = 32


@dataclass(frozen=True)
class ResultField:
    """One column of a json_detail result.

    Attributes:
        name: ``view.field``.
        label: what Looker shows.
        type: Looker's type (``string``, ``number``, ``yesno``, ``date_date``, ...).
        tags: the LookML ``tags``.
        kind: ``dimension``, ``measure`` or ``table_calculation``.
    """

    name: str
    label: str
    type: str
    tags: tuple[str, ...]
    kind: str

    @classmethod
    def from_json(cls, raw: Any, kind: str) -> ResultField:
        """Build one from a json_detail field description."""
        if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
            raise ResultError(messages.RESULT_FIELDS_INVALID)
        tags = raw.get("tags")
        return cls(
            name=raw["name"],
            label=str(raw.get("label_short") or raw.get("label") or raw["name"]),
            type=str(raw.get("type") or ""),
            tags=tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
            kind=kind,
        )


@dataclass(frozen=True)
class ResultHeader:
    """What a result says about itself before its rows.

    Attributes:
        fields: dimensions, measures and table calculations, in that order.
        pivoted: whether rows hold one value per pivot instead of a single value.
        ran_at: when Looker ran the query (ISO 8601), if it says.
    """

    fields: tuple[ResultField, ...]
    pivoted: bool = False
    ran_at: str | None = None

    @classmethod
    def from_json(cls, top: Mapping[str, Any]) -> ResultHeader:
        """Build one from a json_detail document's top-level values (without ``data``)."""
        raw_fields = top.get("fields")
        if not isinstance(raw_fields, Mapping):
            raise ResultError(messages.RESULT_FIELDS_MISSING)
        fields: list[ResultField] = []
        for kind, key in (
            ("dimension", "dimensions"),
            ("measure", "measures"),
            ("table_calculation", "table_calculations"),
        ):
            group = raw_fields.get(key) or []
            if not isinstance(group, list):
                raise ResultError(messages.RESULT_FIELDS_INVALID)
            fields.extend(ResultField.from_json(f, kind) for f in group)
        pivots = raw_fields.get("pivots") or top.get("pivots")
        ran_at = top.get("ran_at")
        return cls(
            fields=tuple(fields),
            pivoted=bool(pivots),
            ran_at=ran_at if isinstance(ran_at, str) and ran_at else None,
        )


Row = dict[str, Any]


def cell_value(cell: Any) -> Any:
    """The ``value`` of a json_detail cell (``None`` for anything that is not a cell)."""
    return cell.get("value") if isinstance(cell, Mapping) else None


def identifier(value: Any) -> str | None:
    """A cell value as an id: numbers and text, trimmed (``3.0`` is ``"3"``); booleans,
    nulls, empty text and anything else are no id."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float | str):
        return str(value).strip() or None
    return None


_START, _KEY_OR_END, _KEY, _COLON, _VALUE, _ROW_OR_END, _ROW, _AFTER_ROW, _AFTER, _DONE = range(10)


class JsonDetailParser:
    """Incremental reader of one json_detail document.

    :meth:`feed` text as it arrives and get back events: ``("row", row)`` for each element
    of ``data`` and ``(key, value)`` for every other top-level key; :meth:`close` and
    :meth:`check_complete` at the end. Raises :class:`~lookerbot.errors.ResultError` for
    text that is not such a document.

    Args:
        max_value: the largest single value (a row, ``fields``) accepted, in characters.
    """

    def __init__(self, *, max_value: int = MAX_VALUE) -> None:
        self._buf = ""
        self._pos = 0
        self._pending: list[str] = []
        self._pending_len = 0
        self._wait_for = 0
        self._state = _START
        self._key = ""
        self._eof = False
        self._max_value = max_value
        self.rows = 0
        """Rows read so far."""

    def feed(self, text: str) -> list[tuple[str, Any]]:
        """Parse ``text`` (the next part of the document); return the complete events."""
        if not text:
            return []
        self._pending.append(text)
        self._pending_len += len(text)
        if len(self._buf) - self._pos + self._pending_len < self._wait_for:
            # Still inside a value already found incomplete: wait for more before retrying,
            # so a large value costs linear rather than quadratic time.
            return []
        return self._parse()

    def close(self) -> list[tuple[str, Any]]:
        """The text has ended: return the last events (then check :attr:`complete`)."""
        self._eof = True
        return self._parse()

    @property
    def complete(self) -> bool:
        """Whether the whole document has been read."""
        return self._state == _DONE

    def check_complete(self) -> None:
        """Raise :class:`~lookerbot.errors.ResultError` if the document ended early."""
        if not self.complete:
            raise ResultError(messages.result_truncated(self.rows))

    def _parse(self) -> list[tuple[str, Any]]:
        if self._pending:
            # Keep only the unread tail, then append what arrived.
            self._buf = self._buf[self._pos :] + "".join(self._pending)
            self._pos = 0
            self._pending.clear()
            self._pending_len = 0
        self._wait_for = 0
        events: list[tuple[str, Any]] = []
        buf = self._buf
        while True:
            space = _WS.match(buf, self._pos)
            pos = space.end() if space else self._pos
            self._pos = pos
            if pos >= len(buf):
                return events
            char = buf[pos]
            state = self._state
            if state == _START:
                if char != "{":
                    raise ResultError(messages.RESULT_NOT_JSON_DETAIL)
                self._advance(pos + 1, _KEY_OR_END)
            elif state in (_KEY_OR_END, _KEY):
                if char == "}" and state == _KEY_OR_END:
                    self._advance(pos + 1, _DONE)
                elif char == '"':
                    decoded = self._decode(buf, pos)
                    if decoded is None:
                        return events
                    key, end = decoded
                    self._key = key
                    self._advance(end, _COLON)
                else:
                    raise ResultError(messages.result_bad_json("expected a key", self.rows))
            elif state == _COLON:
                if char != ":":
                    raise ResultError(messages.result_bad_json("expected ':'", self.rows))
                self._advance(pos + 1, _VALUE)
            elif state == _VALUE:
                if self._key == "data":
                    if char != "[":
                        raise ResultError(messages.RESULT_DATA_NOT_A_LIST)
                    self._advance(pos + 1, _ROW_OR_END)
                else:
                    decoded = self._decode(buf, pos)
                    if decoded is None:
                        return events
                    value, end = decoded
                    events.append((self._key, value))
                    self._advance(end, _AFTER)
            elif state in (_ROW_OR_END, _ROW):
                if char == "]" and state == _ROW_OR_END:
                    self._advance(pos + 1, _AFTER)
                else:
                    decoded = self._decode(buf, pos)
                    if decoded is None:
                        return events
                    row, end = decoded
                    self.rows += 1
                    events.append(("row", row))
                    self._advance(end, _AFTER_ROW)
            elif state == _AFTER_ROW:
                if char == ",":
                    self._advance(pos + 1, _ROW)
                elif char == "]":
                    self._advance(pos + 1, _AFTER)
                else:
                    raise ResultError(messages.result_bad_json("expected ',' or ']'", self.rows))
            elif state == _AFTER:
                if char == ",":
                    self._advance(pos + 1, _KEY)
                elif char == "}":
                    self._advance(pos + 1, _DONE)
                else:
                    raise ResultError(messages.result_bad_json("expected ',' or '}'", self.rows))
            else:
                raise ResultError(messages.result_bad_json("text after the end", self.rows))

    def _advance(self, pos: int, state: int) -> None:
        self._pos = pos
        self._state = state

    def _decode(self, buf: str, pos: int) -> tuple[Any, int] | None:
        """``(value, end)`` for the JSON value at ``pos``, or ``None`` if it is incomplete."""
        try:
            value, end = _DECODER.raw_decode(buf, pos)
        except json.JSONDecodeError as exc:
            incomplete = exc.msg.startswith("Unterminated string") or (
                len(buf) - exc.pos <= _TOKEN_SLACK
            )
            if self._eof or not incomplete:
                raise ResultError(messages.result_bad_json(exc.msg, self.rows)) from None
            self._need_more(len(buf) - pos)
            return None
        if end >= len(buf) and not self._eof:
            # A number or literal at the very end may go on in the next chunk.
            self._need_more(len(buf) - pos)
            return None
        return value, end

    def _need_more(self, have: int) -> None:
        if have > self._max_value:
            raise ResultError(messages.result_value_too_large(self._max_value, self.rows))
        self._wait_for = max(have + 1, 2 * have)


class QueryResultStream:
    """A query result whose header has been read and whose rows can be read once.

    Build it with :func:`open_result`; always :meth:`aclose` it (it may hold a connection).
    """

    def __init__(
        self,
        header: ResultHeader,
        rows: AsyncIterator[Row],
        *,
        events: AsyncGenerator[tuple[str, Any], None] | None = None,
        response: aiohttp.ClientResponse | None = None,
    ) -> None:
        self.header = header
        self._rows = rows
        self._events = events
        self._response = response

    def rows(self) -> AsyncIterator[Row]:
        """The rows, in order, each a mapping of field name to cell (read them once)."""
        return self._rows

    async def aclose(self) -> None:
        """Stop reading and let go of the download connection, if any."""
        close_rows = getattr(self._rows, "aclose", None)
        if close_rows is not None:
            await close_rows()
        if self._events is not None:
            await self._events.aclose()
            self._events = None
        if self._response is not None:
            self._response.release()
            self._response = None


async def _parsed(chunks: AsyncIterator[str]) -> AsyncGenerator[tuple[str, Any], None]:
    parser = JsonDetailParser()
    async for chunk in chunks:
        for event in parser.feed(chunk):
            yield event
    for event in parser.close():
        yield event
    parser.check_complete()


async def _text_chunks(text: str) -> AsyncIterator[str]:
    for start in range(0, len(text), CHUNK):
        yield text[start : start + CHUNK]


async def _download_chunks(response: aiohttp.ClientResponse) -> AsyncIterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        async for chunk in response.content.iter_chunked(CHUNK):
            yield decoder.decode(chunk)
        yield decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ResultError(messages.RESULT_NOT_UTF8) from None
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise ResultError(messages.download_broke(type(exc).__name__), status=502) from None


async def _rows_after(first: Any, events: AsyncIterator[tuple[str, Any]]) -> AsyncIterator[Row]:
    yield _row(first)
    async for kind, value in events:
        if kind == "row":
            yield _row(value)


async def _no_rows() -> AsyncIterator[Row]:
    return
    yield  # pragma: no cover - makes this an async generator


def _row(value: Any) -> Row:
    if not isinstance(value, dict):
        raise ResultError(messages.RESULT_ROW_NOT_OBJECT)
    return value


async def _stream(
    events: AsyncGenerator[tuple[str, Any], None], response: aiohttp.ClientResponse | None
) -> QueryResultStream:
    """Read the top-level values up to the first row; the rows stay unread."""
    top: dict[str, Any] = {}
    first: Any = None
    found_row = False
    try:
        async for kind, value in events:
            if kind == "row":
                first, found_row = value, True
                break
            top[kind] = value
        if "fields" not in top:
            if found_row:
                raise ResultError(messages.RESULT_FIELDS_AFTER_ROWS)
            raise ResultError(messages.RESULT_FIELDS_MISSING)
        header = ResultHeader.from_json(top)
    except BaseException:
        await events.aclose()
        if response is not None:
            response.release()
        raise
    rows = _rows_after(first, events) if found_row else _no_rows()
    return QueryResultStream(header, rows, events=events, response=response)


async def _inline_rows(data: list[Any]) -> AsyncIterator[Row]:
    for value in data:
        yield _row(value)


async def open_result(
    *,
    download_url: str | None,
    attachment: Mapping[str, Any] | None,
    session: aiohttp.ClientSession,
    timeout: aiohttp.ClientTimeout,
    proxies: Proxies | None = None,
) -> QueryResultStream:
    """Open a request's result and read its header (fields) but not its rows.

    ``download_url`` wins over ``attachment``; it must already have been checked
    (:func:`lookerbot.actions.endpoints.check_download_url`). Redirects are not followed.

    Raises:
        ActionInputError: the request carries no result.
        ResultError: the download failed, or the result is not json_detail.
    """
    if download_url:
        try:
            response = await session.get(
                download_url,
                timeout=timeout,
                allow_redirects=False,
                proxy=(proxies or Proxies()).for_url(download_url),
            )
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise ResultError(messages.download_broke(type(exc).__name__), status=502) from None
        if response.status != 200:
            response.release()
            raise ResultError(messages.download_refused(response.status), status=502)
        return await _stream(_parsed(_download_chunks(response)), response)
    if attachment is not None:
        data = attachment.get("data")
        if isinstance(data, str):
            return await _stream(_parsed(_text_chunks(data)), None)
        if isinstance(data, Mapping):
            rows = data.get("data")
            if not isinstance(rows, list):
                raise ResultError(messages.RESULT_DATA_NOT_A_LIST)
            top = {k: v for k, v in data.items() if k != "data"}
            return QueryResultStream(ResultHeader.from_json(top), _inline_rows(rows))
    raise ActionInputError({"attachment": messages.ACTION_NO_DATA})
