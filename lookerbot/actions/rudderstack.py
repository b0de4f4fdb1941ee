"""RudderStack: send a Look's rows as identify, track or group calls.

The user is identified by the field tagged ``user_id`` (``userId``), ``rudder_anonymous_id``
(``anonymousId``) or ``email``; Group also needs a field tagged ``rudder_group_id``. Every
other visible column goes along as a trait (identify, group) or a property (track) named
``view.field``. Calls go in batches to ``<data plane>/v1/batch`` with the write key as the
basic-auth user; each carries ``messageId``, ``timestamp`` (when Looker ran the query) and
``context.library``.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal

import aiohttp

from lookerbot import __version__, messages
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
from lookerbot.actions.endpoints import LoopbackAllowance, rudderstack_data_plane
from lookerbot.actions.icons import RUDDERSTACK_ICON
from lookerbot.actions.results import ResultField, ResultHeader, Row, cell_value, identifier
from lookerbot.errors import ActionInputError
from lookerbot.proxies import Proxies

Call = Literal["identify", "track", "group"]

USER_ID: Final = "user_id"
ANONYMOUS_ID: Final = "rudder_anonymous_id"
EMAIL: Final = "email"
GROUP_ID: Final = "rudder_group_id"
IDENTIFIER_TAGS: Final = (EMAIL, USER_ID, ANONYMOUS_ID)
MAX_BATCH: Final = 100
MAX_BATCH_BYTES: Final = 500 * 1024
LIBRARY: Final = {"name": "lookerbot", "version": __version__}
# Rows identified by email alone get an anonymousId derived from the address, so that
# sending the same Look again reaches the same anonymous user instead of a new one each time.
_EMAIL_NAMESPACE: Final = uuid.UUID("6f7d3c1e-2b1a-4e1f-9a53-0c3f4b7d9e21")

_LABELS: Final[dict[Call, tuple[str, str]]] = {
    "identify": (
        "RudderStack Identify",
        "Add traits to your RudderStack users (identify calls).",
    ),
    "track": (
        "RudderStack Track",
        "Send one event per row to RudderStack, with the row as properties (track calls).",
    ),
    "group": (
        "RudderStack Group",
        "Add users to RudderStack groups, with the row as group traits (group calls). Needs "
        "a field tagged rudder_group_id.",
    ),
}


class RudderStackAction:
    """One of the three RudderStack actions (see the module docstring).

    Args:
        call: ``identify``, ``track`` or ``group``.
        session: for the requests to the data plane.
        retry: how failed batches are retried.
        loopback: emulator origins allowed as data planes (tests and the demo only).
        concurrency: batches in flight at most.
    """

    params: tuple[Param, ...] = (
        Param(
            "rudder_write_key",
            "RudderStack Write Key",
            "The write key of your Looker source in RudderStack.",
            sensitive=True,
        ),
        Param(
            "rudder_server_url",
            "RudderStack Data Plane URL",
            "Your data plane URL, e.g. https://hosted.rudderlabs.com (a trailing /v1/batch is "
            "fine).",
        ),
    )
    supported_formats = JSON_DETAIL_FORMATS
    icon_data_uri = RUDDERSTACK_ICON

    def __init__(
        self,
        call: Call,
        *,
        session: aiohttp.ClientSession,
        retry: RetryPolicy,
        loopback: LoopbackAllowance | None = None,
        concurrency: int = 4,
        proxies: Proxies | None = None,
        private_hosts: frozenset[str] = frozenset(),
    ) -> None:
        self.call = call
        self.name = f"rudderstack_{call}"
        self.label, self.description = _LABELS[call]
        identifier = RequiredField(any_tag=IDENTIFIER_TAGS)
        self.required_fields: tuple[RequiredField, ...] = (
            (identifier, RequiredField(tag=GROUP_ID)) if call == "group" else (identifier,)
        )
        self._session = session
        self._retry = retry
        self._loopback = loopback
        self._concurrency = concurrency
        self._proxies = proxies or Proxies()
        self._private_hosts = private_hosts

    def form(self) -> tuple[FormField, ...]:
        """Track asks for the event name; the others have no form."""
        if self.call != "track":
            return ()
        return (
            FormField(
                "event",
                "Event Name",
                "The name of the event each row becomes, e.g. Plan Upgraded.",
                required=True,
            ),
        )

    def prepare(self, request: ActionRequest) -> RudderStackSending:
        """Check the write key, the data plane URL and (for Track) the event name."""
        found: dict[str, Any] = {}

        def write_key() -> None:
            found["key"] = text_param(request, "rudder_write_key", "RudderStack Write Key")

        def data_plane() -> None:
            found["url"] = rudderstack_data_plane(
                request.params.get("rudder_server_url"), self._loopback, self._private_hosts
            )

        def event() -> None:
            if self.call != "track":
                return
            value = request.form.get("event")
            if not isinstance(value, str) or not value.strip():
                raise ActionInputError({"event": messages.RUDDERSTACK_EVENT_MISSING})
            found["event"] = value.strip()

        merge_errors(write_key, data_plane, event)
        return RudderStackSending(
            action=self,
            url=found["url"] + "/v1/batch",
            write_key=found["key"],
            event=found.get("event"),
            hidden=request.hidden_fields,
        )

    async def run(self, sending: RudderStackSending, rows: AsyncIterator[Row]) -> ActionOutcome:
        """Send the rows of a checked run to the data plane and say what happened."""
        report = BatchReport(service="RudderStack")
        basic = base64.b64encode(f"{sending.write_key}:".encode()).decode()
        sender = BatchSender(
            session=self._session,
            proxies=self._proxies,
            url=sending.url,
            headers={"Authorization": f"Basic {basic}"},
            report=report,
            secrets=(sending.write_key, basic),
            retry=self._retry,
            concurrency=self._concurrency,
        )
        await send_in_batches(
            rows,
            record=sending.record,
            shape=BatchShape(max_records=MAX_BATCH, max_bytes=MAX_BATCH_BYTES, body=_body),
            sender=sender,
            report=report,
        )
        return outcome_of(report, skipped=messages.rudderstack_rows_skipped(report.rows_skipped))


def _body(messages_json: list[str]) -> bytes:
    sent_at = _iso(datetime.now(UTC))
    return ('{"batch":[' + ",".join(messages_json) + f'],"sentAt":"{sent_at}"' + "}").encode()


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class RudderStackSending:
    """One RudderStack run with valid params; :meth:`check` reads which fields go where."""

    action: RudderStackAction
    url: str
    write_key: str
    event: str | None
    hidden: frozenset[str]
    timestamp: str = ""
    tagged: Mapping[str, ResultField] | None = None
    payload_fields: tuple[ResultField, ...] = ()

    def check(self, header: ResultHeader) -> None:
        """Find the identifier fields; reject a result without one."""
        errors: dict[str, str] = {}
        tagged: dict[str, ResultField] = {}
        for tag in (*IDENTIFIER_TAGS, GROUP_ID):
            fields = [f for f in header.fields if tag in f.tags]
            if len(fields) > 1:
                errors[tag] = messages.tag_on_several(tag, [f.name for f in fields])
            if fields:
                tagged[tag] = fields[0]
        if not any(tag in tagged for tag in IDENTIFIER_TAGS):
            errors["identifier"] = messages.RUDDERSTACK_IDENTIFIER_MISSING
        if self.action.call == "group" and GROUP_ID not in tagged:
            errors[GROUP_ID] = messages.RUDDERSTACK_GROUP_ID_MISSING
        if errors:
            raise ActionInputError(errors)
        identifiers = {f.name for f in tagged.values()}
        self.tagged = tagged
        self.payload_fields = tuple(
            f for f in header.fields if f.name not in identifiers and f.name not in self.hidden
        )
        self.timestamp = _timestamp(header.ran_at)

    def record(self, row: Row) -> Mapping[str, Any] | None:
        """One call, or ``None`` for a row without a user (or, for Group, a group)."""
        assert self.tagged is not None
        call = self.action.call
        user_id = self._id(row, USER_ID)
        anonymous_id = self._id(row, ANONYMOUS_ID)
        email = self._id(row, EMAIL)
        if user_id is None and anonymous_id is None:
            if email is None:
                return None
            anonymous_id = str(uuid.uuid5(_EMAIL_NAMESPACE, email.lower()))
        group_id = self._id(row, GROUP_ID)
        if call == "group" and group_id is None:
            return None
        values = {f.name: _payload_value(row.get(f.name)) for f in self.payload_fields}
        message: dict[str, Any] = {"type": call, "messageId": str(uuid.uuid4())}
        if user_id is not None:
            message["userId"] = user_id
        if anonymous_id is not None:
            message["anonymousId"] = anonymous_id
        context: dict[str, Any] = {"library": LIBRARY}
        if call == "identify":
            if email is not None:
                values["email"] = email
            message["traits"] = values
        elif call == "track":
            message["event"] = self.event
            message["properties"] = values
        else:
            message["groupId"] = group_id
            message["traits"] = values
        if email is not None and call != "identify":
            context["traits"] = {"email": email}
        message["context"] = context
        message["timestamp"] = self.timestamp
        return message

    def _id(self, row: Row, tag: str) -> str | None:
        assert self.tagged is not None
        field = self.tagged.get(tag)
        if field is None:
            return None
        return identifier(cell_value(row.get(field.name)))

    async def send(self, rows: AsyncIterator[Row]) -> ActionOutcome:
        """Send the rows to RudderStack."""
        return await self.action.run(self, rows)


def _payload_value(cell: Any) -> Any:
    """A cell's value; a pivoted cell becomes ``{pivot: value}``."""
    if not isinstance(cell, Mapping):
        return None
    if "value" in cell:
        return cell["value"]
    return {
        str(pivot): inner.get("value") if isinstance(inner, Mapping) else None
        for pivot, inner in cell.items()
    }


def _timestamp(ran_at: str | None) -> str:
    """When the query ran (ISO 8601), else now."""
    if ran_at:
        try:
            moment = datetime.fromisoformat(ran_at.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return _iso(moment.astimezone(UTC))
    return _iso(datetime.now(UTC))
