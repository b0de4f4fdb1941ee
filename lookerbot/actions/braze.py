"""Braze: flag the users of a Look in Braze, and set their attributes.

Rows need a field tagged ``braze_id`` (the user's id); fields tagged ``braze[<attribute>]``
set that attribute. Each row becomes one ``/users/track`` attributes object::

    {<unique key>: <id>, <attribute>: <value>, ...,
     "_update_existing_only": true, "looker_export": {"add": [<export label>]}}

sent in batches of at most 75 (Braze's limit per request) with ``Authorization: Bearer <key>``,
at most 100,000 rows per run. Failed batches are retried and reported (see ``batches.py``).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

import aiohttp

from lookerbot import messages
from lookerbot.actions.base import (
    JSON_DETAIL_FORMATS,
    ActionOutcome,
    ActionRequest,
    FormField,
    Param,
    RequiredField,
    merge_errors,
    text_param,
)
from lookerbot.actions.batches import (
    BatchReport,
    BatchSender,
    BatchShape,
    RetryPolicy,
    outcome_of,
    send_in_batches,
)
from lookerbot.actions.endpoints import LoopbackAllowance, braze_endpoint
from lookerbot.actions.icons import BRAZE_ICON
from lookerbot.actions.results import ResultField, ResultHeader, Row, cell_value, identifier
from lookerbot.errors import ActionInputError
from lookerbot.proxies import Proxies

ID_TAG: Final = "braze_id"
EXPORT_ATTRIBUTE: Final = "looker_export"
DEFAULT_EXPORT_LABEL: Final = "LOOKER_EXPORT"
UNIQUE_KEYS: Final = ("external_id", "braze_id")
MAX_BATCH: Final = 75
"""Braze's limit of attributes objects per ``/users/track`` request."""
MAX_BATCH_BYTES: Final = 1_000_000
"""Request body size at most (aiohttp warns about larger bodies sent as bytes)."""
MAX_ROWS: Final = 100_000
"""Rows sent per run at most."""
MAX_LABEL: Final = 255
_ATTRIBUTE_TAG = re.compile(r"^braze\[([^\[\]]*)\]$", re.IGNORECASE)
_RESERVED = frozenset({*UNIQUE_KEYS, "user_alias", "_update_existing_only", EXPORT_ATTRIBUTE})
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?)?$")


class BrazeAction:
    """The Braze action (see the module docstring).

    Args:
        session: for the requests to Braze.
        retry: how failed batches are retried.
        loopback: emulator origins allowed as endpoints (tests and the demo only).
        max_rows: rows sent per run at most.
        concurrency: batches in flight at most.
    """

    name = "braze"
    label = "Braze"
    description = (
        "Flag users in Braze (the looker_export custom attribute) and set the attributes of "
        "fields tagged braze[<attribute>]. Needs a field tagged braze_id."
    )
    params: tuple[Param, ...] = (
        Param(
            "braze_api_key",
            "Braze REST API Key",
            "A Braze REST API key with the users.track permission (Settings > APIs and "
            "Identifiers).",
            sensitive=True,
        ),
        Param(
            "braze_api_endpoint",
            "Braze REST API Endpoint",
            "Your instance's REST endpoint, e.g. https://rest.iad-01.braze.com.",
        ),
    )
    required_fields: tuple[RequiredField, ...] = (RequiredField(tag=ID_TAG),)
    supported_formats = JSON_DETAIL_FORMATS
    icon_data_uri = BRAZE_ICON

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession,
        retry: RetryPolicy,
        loopback: LoopbackAllowance | None = None,
        max_rows: int = MAX_ROWS,
        concurrency: int = 4,
        proxies: Proxies | None = None,
    ) -> None:
        self._session = session
        self._retry = retry
        self._loopback = loopback
        self._max_rows = max_rows
        self._concurrency = concurrency
        self._proxies = proxies or Proxies()

    def form(self) -> tuple[FormField, ...]:
        """Unique key and export label."""
        return (
            FormField(
                "braze_key",
                "Unique Key",
                "The Braze user id the braze_id field holds.",
                type="select",
                required=True,
                default="external_id",
                options=tuple((key, key) for key in UNIQUE_KEYS),
            ),
            FormField(
                "braze_segment",
                "Export Label",
                f"Added to each user's {EXPORT_ATTRIBUTE} custom attribute (default "
                f"{DEFAULT_EXPORT_LABEL}).",
                required=True,
                default=DEFAULT_EXPORT_LABEL,
            ),
        )

    def prepare(self, request: ActionRequest) -> BrazeSending:
        """Check the API key, the endpoint, the unique key and the export label."""
        found: dict[str, Any] = {}

        def api_key() -> None:
            found["key"] = text_param(request, "braze_api_key", "Braze REST API Key")

        def endpoint() -> None:
            found["endpoint"] = braze_endpoint(
                request.params.get("braze_api_endpoint"), self._loopback
            )

        def unique_key() -> None:
            key = request.form.get("braze_key")
            if key not in UNIQUE_KEYS:
                raise ActionInputError({"braze_key": messages.BRAZE_KEY_INVALID})
            found["unique_key"] = key

        def label() -> None:
            value = request.form.get("braze_segment")
            if value is None or (isinstance(value, str) and not value.strip()):
                value = DEFAULT_EXPORT_LABEL
            if not isinstance(value, str) or len(value.strip()) > MAX_LABEL:
                raise ActionInputError({"braze_segment": messages.braze_label_invalid(MAX_LABEL)})
            found["label"] = value.strip()

        merge_errors(api_key, endpoint, unique_key, label)
        return BrazeSending(
            action=self,
            url=found["endpoint"] + "/users/track",
            api_key=found["key"],
            unique_key=found["unique_key"],
            label=found["label"],
        )

    async def run(self, sending: BrazeSending, rows: AsyncIterator[Row]) -> ActionOutcome:
        """Send the rows of a checked run to Braze and say what happened."""
        report = BatchReport(service="Braze")
        sender = BatchSender(
            session=self._session,
            proxies=self._proxies,
            url=sending.url,
            headers={"Authorization": f"Bearer {sending.api_key}"},
            report=report,
            secrets=(sending.api_key,),
            retry=self._retry,
            concurrency=self._concurrency,
        )
        await send_in_batches(
            rows,
            record=sending.record,
            shape=BatchShape(max_records=MAX_BATCH, max_bytes=MAX_BATCH_BYTES, body=_body),
            sender=sender,
            report=report,
            max_rows=self._max_rows,
        )
        id_field = sending.id_field.name if sending.id_field else ID_TAG
        skipped = messages.braze_rows_skipped(report.rows_skipped, id_field)
        return outcome_of(report, skipped=skipped)


def _body(records: list[str]) -> bytes:
    return ('{"attributes":[' + ",".join(records) + "]}").encode()


@dataclass
class BrazeSending:
    """One Braze run with valid params; :meth:`check` reads which fields go where."""

    action: BrazeAction
    url: str
    api_key: str
    unique_key: str
    label: str
    id_field: ResultField | None = None
    attributes: tuple[tuple[str, ResultField], ...] = ()

    def check(self, header: ResultHeader) -> None:
        """Find the ``braze_id`` field and the ``braze[...]`` attributes; reject bad tags."""
        errors: dict[str, str] = {}
        ids = [f for f in header.fields if ID_TAG in f.tags]
        if not ids:
            errors[ID_TAG] = messages.BRAZE_ID_MISSING
        elif len(ids) > 1:
            errors[ID_TAG] = messages.tag_on_several(ID_TAG, [f.name for f in ids])
        if header.pivoted:
            errors["pivots"] = messages.BRAZE_PIVOTED
        attributes: dict[str, ResultField] = {}
        for field in header.fields:
            for tag in field.tags:
                if not tag.lower().startswith("braze["):
                    continue
                match = _ATTRIBUTE_TAG.match(tag)
                name = match.group(1).strip() if match else ""
                if not name:
                    errors[tag] = messages.braze_tag_malformed(tag, field.name)
                elif name in _RESERVED:
                    errors[tag] = messages.braze_attribute_reserved(tag, field.name)
                elif name in attributes:
                    errors[tag] = messages.tag_on_several(tag, [attributes[name].name, field.name])
                else:
                    attributes[name] = field
        if errors:
            raise ActionInputError(errors)
        self.id_field = ids[0]
        self.attributes = tuple(attributes.items())

    def record(self, row: Row) -> Mapping[str, Any] | None:
        """One attributes object, or ``None`` for a row without an id."""
        assert self.id_field is not None
        user = identifier(cell_value(row.get(self.id_field.name)))
        if user is None:
            return None
        out: dict[str, Any] = {self.unique_key: user}
        for name, field in self.attributes:
            value = _attribute(cell_value(row.get(field.name)), field)
            if value is not None:
                out[name] = value
        out["_update_existing_only"] = True
        out[EXPORT_ATTRIBUTE] = {"add": [self.label]}
        return out

    async def send(self, rows: AsyncIterator[Row]) -> ActionOutcome:
        """Send the rows to Braze."""
        return await self.action.run(self, rows)


def _attribute(value: Any, field: ResultField) -> Any:
    """A Braze attribute value: string, number, boolean or date; ``None`` leaves it as is."""
    if value is None or isinstance(value, dict | list):
        return None
    if field.type == "yesno" and isinstance(value, str):
        return {"yes": True, "no": False}.get(value.lower(), value)
    if isinstance(value, str) and (field.type.startswith("date") or field.type == "time"):
        match = _DATE.match(value)
        if match:
            day, minutes, seconds = match.groups()
            return f"{day}T{minutes or '00:00'}{seconds or ':00'}"
    return value
