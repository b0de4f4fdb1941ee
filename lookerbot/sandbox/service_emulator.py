"""What the Braze and RudderStack emulators share: a loopback server that records batches.

Each emulator checks credentials and request shapes the way its service does, records
every batch it receives (accepted or not), and can be told to fail the batches that hold a
given id a number of times, or to hold every request until released. With
``keep_records=False`` it keeps only a summary of each batch (count, first and last id), so a
test can send 100,000 rows through it without the records piling up in memory.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from lookerbot.sandbox.loopback import LoopbackServer


@dataclass(frozen=True)
class ReceivedBatch:
    """One request the emulator received.

    Attributes:
        authorization: the ``Authorization`` header as sent.
        status: what the emulator answered.
        count: records in the batch.
        first_id: the first record's user id.
        last_id: the last record's user id.
        records: the records (empty when the emulator keeps summaries only).
        extra: the body's other top-level keys.
    """

    authorization: str | None
    status: int
    count: int
    first_id: str | None
    last_id: str | None
    records: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Failure:
    containing: str | None
    status: int
    times: int | None
    body: Any
    headers: dict[str, str]


class ServiceEmulator:
    """Base of the service emulators; subclasses say where batches go and what is valid.

    Args:
        keep_records: keep each batch's records (else only a summary).
    """

    path = "/"
    records_key = "records"

    def __init__(self, *, keep_records: bool = True) -> None:
        self.keep_records = keep_records
        self.batches: list[ReceivedBatch] = []
        self.url = ""
        self._failures: list[_Failure] = []
        self._gate: asyncio.Event | None = None
        self.waiting = asyncio.Event()
        """Set while a request is held (see :meth:`hold`)."""
        self._server: LoopbackServer | None = None

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self, port: int = 0) -> ServiceEmulator:
        """Listen on 127.0.0.1 (a free port unless ``port`` is given)."""
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_post(self.path, self._receive)
        self._server = LoopbackServer.of(app)
        self.url = await self._server.start(port)
        return self

    async def stop(self) -> None:
        """Stop serving (held requests are released first)."""
        self.release()
        if self._server is not None:
            await self._server.stop()
            self._server = None

    async def __aenter__(self) -> ServiceEmulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- test controls -------------------------------------------------------------------

    def fail_batch(
        self,
        containing: str | None = None,
        *,
        status: int = 500,
        times: int | None = 1,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer ``status`` (with ``body`` and ``headers``, e.g. ``Retry-After``) to batches
        holding a record with id ``containing`` (any batch when ``None``), ``times`` times
        (``None``: always)."""
        self._failures.append(_Failure(containing, status, times, body, dict(headers or {})))

    def hold(self) -> None:
        """Keep every request waiting until :meth:`release`."""
        self._gate = asyncio.Event()
        self.waiting.clear()

    def release(self) -> None:
        """Let held requests through."""
        if self._gate is not None:
            self._gate.set()
            self._gate = None

    @property
    def accepted(self) -> list[ReceivedBatch]:
        """The batches the emulator accepted, in arrival order."""
        return [b for b in self.batches if 200 <= b.status < 300]

    def records(self) -> list[dict[str, Any]]:
        """Every accepted record, in arrival order (batches may arrive out of order)."""
        return [r for b in self.accepted for r in b.records]

    def accepted_count(self) -> int:
        """How many records were accepted."""
        return sum(b.count for b in self.accepted)

    # -- what subclasses define ----------------------------------------------------------

    def check_auth(self, header: str | None) -> web.Response | None:
        """An error response for bad credentials, or ``None``."""
        raise NotImplementedError

    def check_records(self, records: list[Any]) -> web.Response | None:
        """An error response for records the service would reject, or ``None``."""
        raise NotImplementedError

    def record_id(self, record: Any) -> str | None:
        """The user id a record is about."""
        raise NotImplementedError

    def success(self, count: int) -> web.Response:
        """The service's answer to an accepted batch."""
        raise NotImplementedError

    # -- plumbing ------------------------------------------------------------------------

    async def _receive(self, request: web.Request) -> web.Response:
        if self._gate is not None:
            self.waiting.set()
            await self._gate.wait()
        authorization = request.headers.get("Authorization")
        raw = await request.read()
        response = self.check_auth(authorization)
        body: Any = None
        records: list[Any] = []
        if response is None:
            try:
                body = json.loads(raw)
            except ValueError:
                response = web.json_response({"message": "Invalid JSON"}, status=400)
        if response is None:
            found = body.get(self.records_key) if isinstance(body, dict) else None
            if not isinstance(found, list):
                response = web.json_response(
                    {"message": f"{self.records_key} must be a list"}, status=400
                )
            else:
                records = found
                response = self.check_records(records) or self._failure_for(records)
        ids = [self.record_id(r) for r in records[:1] + records[-1:]]
        final = response if response is not None else self.success(len(records))
        self.batches.append(
            ReceivedBatch(
                authorization=authorization,
                status=final.status,
                count=len(records),
                first_id=ids[0] if ids else None,
                last_id=ids[-1] if ids else None,
                records=records if self.keep_records else [],
                extra={k: v for k, v in body.items() if k != self.records_key}
                if isinstance(body, dict)
                else {},
            )
        )
        return final

    def _failure_for(self, records: list[Any]) -> web.Response | None:
        for failure in list(self._failures):
            if failure.containing is not None and not any(
                self.record_id(r) == failure.containing for r in records
            ):
                continue
            if failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
            return web.json_response(
                failure.body if failure.body is not None else {"message": "emulated failure"},
                status=failure.status,
                headers=failure.headers,
            )
        return None
