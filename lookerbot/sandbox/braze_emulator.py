"""A Braze REST API emulator: ``POST /users/track`` on loopback, recording what it gets.

It applies Braze's rules that the action must respect: ``Authorization: Bearer <key>`` with
the emulator's key (401 otherwise, echoing the key it got), at most 75 attributes objects
per request, and one user identifier (``external_id`` or ``braze_id``) in each (400
otherwise).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from lookerbot.sandbox.service_emulator import ServiceEmulator

DEFAULT_API_KEY = "braze-emulator-rest-key"
MAX_ATTRIBUTES = 75


class BrazeEmulator(ServiceEmulator):
    """Braze's ``/users/track``, recording batches (see :class:`ServiceEmulator`).

    Args:
        api_key: the REST API key it accepts.
        keep_records: keep each batch's records (else only a summary).
    """

    path = "/users/track"
    records_key = "attributes"

    def __init__(self, *, api_key: str = DEFAULT_API_KEY, keep_records: bool = True) -> None:
        super().__init__(keep_records=keep_records)
        self.api_key = api_key

    def check_auth(self, header: str | None) -> web.Response | None:
        if header != f"Bearer {self.api_key}":
            # Echoes what it was given, as some services do: the bot must not repeat it.
            presented = (header or "").removeprefix("Bearer ")
            return web.json_response({"message": f"Invalid API key: {presented}"}, status=401)
        return None

    def check_records(self, records: list[Any]) -> web.Response | None:
        if len(records) > MAX_ATTRIBUTES:
            return web.json_response(
                {"message": f"attributes must hold at most {MAX_ATTRIBUTES} objects"}, status=400
            )
        for record in records:
            if not isinstance(record, dict) or ("external_id" in record) == ("braze_id" in record):
                return web.json_response(
                    {"message": "each object needs one of external_id or braze_id"}, status=400
                )
        return None

    def record_id(self, record: Any) -> str | None:
        if not isinstance(record, dict):
            return None
        value = record.get("external_id", record.get("braze_id"))
        return value if isinstance(value, str) else None

    def success(self, count: int) -> web.Response:
        return web.json_response({"message": "success", "attributes_processed": count}, status=201)
