"""Sending rows in batches: bounded concurrency, retries with backoff, and an honest report.

:func:`send_in_batches` reads rows one at a time, turns each into a record (or skips it),
groups records into batches (by count and by size), and hands each batch to a
:class:`BatchSender`, which posts it with a few batches in flight at most. A batch that
fails with a connection error, a timeout, 408, 429 or 5xx is retried with exponential
backoff (``Retry-After`` honoured); any other 4xx fails it at once; 401 and 403 stop the
whole run (the credentials are wrong, every batch would fail). At most
``concurrency`` batches are held at a time, so memory does not grow with the result.

Retrying a batch whose connection broke after it was sent may deliver it twice; both
services tolerate that (RudderStack de-duplicates by ``messageId``; a Braze attribute update
sets the same values again).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from lookerbot import messages
from lookerbot.actions.base import ActionOutcome
from lookerbot.errors import ResultError
from lookerbot.proxies import Proxies
from lookerbot.slack.retry import parse_retry_after

logger = logging.getLogger(__name__)

_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
_STOP_STATUSES = frozenset({401, 403})
MAX_FAILED_IN_A_ROW = 5
"""Failed batches in a row (no success between them) after which a run gives up."""


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How often and how patiently a failed batch is retried.

    Attributes:
        attempts: tries per batch, the first included.
        base_delay: seconds before the first retry; doubled for each further one.
        max_delay: the longest wait between tries (``Retry-After`` included).
        timeout: seconds one request may take.
    """

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    timeout: float = 30.0

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        backoff = min(self.base_delay * 2.0 ** (retry - 1), self.max_delay)
        return backoff * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not security


@dataclass(frozen=True)
class Batch:
    """One request's worth of records.

    Attributes:
        number: 1 for the first batch of a run.
        first_row: the result row (1-based) of the first record.
        last_row: the result row of the last record.
        records: how many records it holds.
        body: the JSON request body.
    """

    number: int
    first_row: int
    last_row: int
    records: int
    body: bytes


@dataclass(frozen=True)
class BatchFailure:
    """A batch that was given up on."""

    number: int
    first_row: int
    last_row: int
    records: int
    reason: str


@dataclass
class BatchReport:
    """What a run did.

    Attributes:
        service: "Braze", "RudderStack".
        rows_read: result rows read.
        rows_sent: records in batches the service accepted.
        rows_skipped: rows that could not become a record (no identifier).
        batches: batches made.
        failures: batches given up on, by number.
        stopped: why the run stopped early, if it did.
        capped: rows were left unsent because of the per-run limit.
    """

    service: str
    rows_read: int = 0
    rows_sent: int = 0
    rows_skipped: int = 0
    batches: int = 0
    failures: list[BatchFailure] = field(default_factory=list)
    stopped: str | None = None
    capped: int | None = None

    @property
    def success(self) -> bool:
        """Whether every row that should have been sent was accepted."""
        return not self.failures and self.stopped is None


class BatchSender:
    """Posts batches to one URL, a few at a time, with retries.

    Args:
        session: the session to post with (it is not closed here).
        url: where every batch goes.
        headers: sent with every batch (credentials included; never logged).
        report: the run's report, which the sender fills in.
        secrets: values to blank out of the service's error messages (a service may echo
            the key it refused).
        retry: how failed batches are retried.
        concurrency: batches in flight at most.
    """

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession,
        url: str,
        headers: Mapping[str, str],
        report: BatchReport,
        retry: RetryPolicy,
        secrets: tuple[str, ...] = (),
        concurrency: int = 4,
        proxies: Proxies | None = None,
    ) -> None:
        self._session = session
        self._proxy = (proxies or Proxies()).for_url(url)
        self._url = url
        self._headers = {"Content-Type": "application/json", **headers}
        self._report = report
        self._retry = retry
        self._secrets = tuple(s for s in secrets if s)
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self._failed_in_a_row = 0
        self.halted: str | None = None
        """Why the sender gave up (no further batch is sent), if it did."""

    @property
    def stopped(self) -> bool:
        """Whether the sender has given up."""
        return self.halted is not None

    async def send(self, batch: Batch) -> bool:
        """Start sending ``batch``, waiting while ``concurrency`` batches are in flight.

        Returns whether it was started (not once the sender has given up).
        """
        await self._slots.acquire()
        if self.stopped:
            self._slots.release()
            return False
        task = asyncio.create_task(self._deliver(batch), name=f"batch-{batch.number}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def finish(self) -> None:
        """Wait for the batches in flight."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks))

    async def cancel(self) -> None:
        """Stop the batches in flight (the request was cancelled)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _deliver(self, batch: Batch) -> None:
        try:
            reason = await self._post_with_retries(batch)
        finally:
            self._slots.release()
        report = self._report
        if reason is None:
            report.rows_sent += batch.records
            self._failed_in_a_row = 0
            return
        report.failures.append(
            BatchFailure(batch.number, batch.first_row, batch.last_row, batch.records, reason)
        )
        self._failed_in_a_row += 1
        if self._failed_in_a_row >= MAX_FAILED_IN_A_ROW and self.halted is None:
            self.halted = messages.batches_failed_in_a_row(MAX_FAILED_IN_A_ROW)

    async def _post_with_retries(self, batch: Batch) -> str | None:
        """``None`` once the batch is accepted, else why it failed for good."""
        service = self._report.service
        reason = ""
        for attempt in range(1, self._retry.attempts + 1):
            if self.stopped:
                return messages.batch_stopped(reason)
            retry_after: float | None = None
            detail = ""
            try:
                async with self._session.post(
                    self._url,
                    data=batch.body,
                    headers=self._headers,
                    timeout=aiohttp.ClientTimeout(total=self._retry.timeout),
                    allow_redirects=False,
                    proxy=self._proxy,
                ) as response:
                    status = response.status
                    if 200 <= status < 300:
                        await response.read()
                        return None
                    detail = _detail(await response.content.read(2048), self._secrets)
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
            except (aiohttp.ClientError, TimeoutError) as exc:
                status = 0
                reason = messages.batch_unreachable(service, type(exc).__name__)
            else:
                reason = messages.batch_refused(service, status, detail)
            logger.warning(
                "%s batch %d attempt %d/%d failed: %s",
                service,
                batch.number,
                attempt,
                self._retry.attempts,
                reason,
            )
            if status in _STOP_STATUSES:
                if self.halted is None:
                    self.halted = messages.credentials_refused(service, status, detail)
                return reason
            if status and status not in _RETRY_STATUSES:
                return reason
            if attempt < self._retry.attempts:
                await asyncio.sleep(self._retry.delay(attempt, retry_after))
        return messages.batch_gave_up(reason, self._retry.attempts)


def _detail(raw: bytes, secrets: tuple[str, ...]) -> str:
    """A short, printable reason from an error response body, without ``secrets``."""
    text = raw.decode("utf-8", "replace")
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        for key in ("message", "error", "errors"):
            if parsed.get(key):
                text = str(parsed[key])
                break
    for secret in secrets:
        text = text.replace(secret, "***")
    printable = "".join(c if c.isprintable() else " " for c in text).strip()
    return printable[:200]


@dataclass(frozen=True, kw_only=True)
class BatchShape:
    """How records become request bodies.

    Attributes:
        max_records: records per batch at most.
        max_bytes: request body size at most (a single larger record goes alone).
        body: builds the request body from a batch's encoded records (each JSON text).
    """

    max_records: int
    max_bytes: int
    body: Callable[[list[str]], bytes]


async def send_in_batches(
    rows: AsyncIterator[dict[str, Any]],
    *,
    record: Callable[[dict[str, Any]], Mapping[str, Any] | None],
    shape: BatchShape,
    sender: BatchSender,
    report: BatchReport,
    max_rows: int | None = None,
) -> BatchReport:
    """Read ``rows``, send them in batches, and fill in ``report``.

    ``record`` turns a row into what is sent (``None`` skips the row). Reading stops early
    when the sender gives up, or after ``max_rows`` rows (``report.capped`` then says so).
    A result that breaks while being read stops the run; what was sent is still reported.
    """
    pending: list[str] = []
    pending_bytes = 0
    first_row = 0
    last_row = 0

    async def flush() -> None:
        nonlocal pending, pending_bytes
        if pending:
            number = report.batches + 1
            batch = Batch(number, first_row, last_row, len(pending), shape.body(pending))
            pending, pending_bytes = [], 0
            if await sender.send(batch):
                report.batches = number

    try:
        async for row in rows:
            if sender.stopped:
                break
            if max_rows is not None and report.rows_read >= max_rows:
                report.capped = max_rows
                break
            report.rows_read += 1
            made = record(row)
            if made is None:
                report.rows_skipped += 1
                continue
            encoded = json.dumps(made, separators=(",", ":"), ensure_ascii=False)
            size = len(encoded.encode())
            if pending and (
                len(pending) >= shape.max_records or pending_bytes + size > shape.max_bytes
            ):
                await flush()
            if not pending:
                first_row = report.rows_read
            pending.append(encoded)
            pending_bytes += size + 1
            last_row = report.rows_read
        if not sender.stopped:
            await flush()
    except ResultError as exc:
        # What was read before the result broke is still sent.
        await flush()
        report.stopped = exc.reason
    except BaseException:
        await sender.cancel()
        raise
    await sender.finish()
    if sender.halted is not None:
        report.stopped = sender.halted
    return report


def outcome_of(report: BatchReport, *, skipped: str) -> ActionOutcome:
    """The execute route's answer for a finished run.

    ``skipped`` explains ``report.rows_skipped`` (it is left out when no row was skipped).
    A run whose rows were not all sent is not a success, even when the service accepted
    everything it got (a capped run), so that Looker shows the message.
    """
    message = messages.batch_outcome(report, skipped=skipped)
    if report.success and report.capped is None:
        return ActionOutcome(True, message)
    return ActionOutcome(False, message, status=200 if report.success else 502)
