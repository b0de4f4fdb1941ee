"""A RudderStack data plane emulator: ``POST /v1/batch`` on loopback, recording what it gets.

It applies the HTTP API's rules that the action must respect: basic auth with the write key
as the user (401 "Invalid write key" otherwise), a body of at most 4 MB (413), and calls
that are well formed (400): a known ``type``, ``messageId``, ``timestamp``,
``context.library``, a ``userId`` or ``anonymousId``, ``event`` for track and ``groupId``
for group.
"""

from __future__ import annotations

import base64
from typing import Any

from aiohttp import web

from lookerbot.sandbox.service_emulator import ServiceEmulator

DEFAULT_WRITE_KEY = "rudder-emulator-write-key"
MAX_BODY = 4 * 1024 * 1024


class RudderStackEmulator(ServiceEmulator):
    """A data plane's ``/v1/batch``, recording batches (see :class:`ServiceEmulator`).

    Args:
        write_key: the source write key it accepts.
        keep_records: keep each batch's calls (else only a summary).
    """

    path = "/v1/batch"
    records_key = "batch"

    def __init__(self, *, write_key: str = DEFAULT_WRITE_KEY, keep_records: bool = True) -> None:
        super().__init__(keep_records=keep_records)
        self.write_key = write_key

    def check_auth(self, header: str | None) -> web.Response | None:
        expected = "Basic " + base64.b64encode(f"{self.write_key}:".encode()).decode()
        if header != expected:
            return web.Response(status=401, text="Invalid write key")
        return None

    def check_records(self, records: list[Any]) -> web.Response | None:
        for call in records:
            problem = _problem(call)
            if problem:
                return web.Response(status=400, text=problem)
        return None

    def record_id(self, record: Any) -> str | None:
        if not isinstance(record, dict):
            return None
        value = record.get("userId") or record.get("anonymousId")
        return value if isinstance(value, str) else None

    def success(self, count: int) -> web.Response:
        return web.Response(status=200, text="OK")

    async def _receive(self, request: web.Request) -> web.Response:
        if request.content_length is not None and request.content_length > MAX_BODY:
            await request.read()
            return web.Response(status=413, text="Request size too large")
        return await super()._receive(request)


def _problem(call: Any) -> str | None:
    if not isinstance(call, dict):
        return "each call must be an object"
    kind = call.get("type")
    if kind not in ("identify", "track", "group", "page", "screen", "alias"):
        return f"unknown type {kind!r}"
    for key in ("messageId", "timestamp"):
        if not isinstance(call.get(key), str) or not call[key]:
            return f"{key} is required"
    context = call.get("context")
    if not isinstance(context, dict) or not isinstance(context.get("library"), dict):
        return "context.library is required"
    if not call.get("userId") and not call.get("anonymousId"):
        return "userId or anonymousId is required"
    if kind == "track" and not call.get("event"):
        return "event is required for track"
    if kind == "group" and not call.get("groupId"):
        return "groupId is required for group"
    return None
