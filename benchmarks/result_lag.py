"""Event-loop lag while the bot reads a 10,000-row Looker result (run by hand).

    PYTHONPATH=. .venv/bin/python -m benchmarks.result_lag [--rounds 5]

The Looker emulator runs in a child process with 10,000 orders, so that its own work cannot
stall this process. Its query engine makes two results, each answered as it is to every read:
one row per order (id, customer name, date, and the revenue with its rendered value and
drill link), and the same pivoted on the order status. For each, the bot's
``SdkLookerClient`` reads the ``json_detail`` result while a probe on the event loop sleeps
1 ms at a time and records how late each wake-up is: ``--rounds`` times with no read (the
machine's own noise), then ``--rounds`` reads through the client's own call in its Looker
thread the old way (``json.loads``, then ``QueryResult.from_api`` as it was before msgspec,
copied below), then ``--rounds`` the bot's way (``run_query``, which reads with
``QueryResult.from_json``). Separately, both decodes are timed on the same bytes with no
probe running, and so is freeing what they made.

This process imports ``lookerbot.app`` first, so that the garbage collector has the bot's
modules to walk, as it does in the bot. Each way reads ``--rounds`` times in a row after one
collection, so that the full collections its own survivors set off are counted, and not the
other way's. Loopback only; bounded by ``--timeout``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import lookerbot.app  # noqa: F401  (the bot's modules, for a heap like the bot's)
from benchmarks.harness import ROOT, percentile, report
from lookerbot.looker.models import PivotValue, QueryResult, ResultField
from lookerbot.looker.sdk_client import SdkLookerClient
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.query_engine import run_query
from lookerbot.settings import LookerInstanceSettings, Secret
from tests.conftest import TODAY

ROWS = 10_000
QUERIES = {
    "flat": {
        "model": "thelook",
        "view": "orders",
        "fields": ["orders.id", "customers.name", "orders.created_date", "orders.total_revenue"],
        "sorts": ["orders.id"],
        "limit": str(ROWS),
    },
    "pivoted": {
        "model": "thelook",
        "view": "orders",
        "fields": ["orders.id", "customers.name", "orders.status", "orders.total_revenue"],
        "pivots": ["orders.status"],
        "sorts": ["orders.id"],
        "limit": str(ROWS),
    },
}


# -- the old reading, kept here only to compare (lookerbot/looker/models.py before msgspec) --


def _text(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class OldLink:
    label: str
    url: str
    type: str
    raw: dict[str, Any]

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> OldLink:
        return cls(
            label=_text(data.get("label")),
            url=_text(data.get("url")),
            type=_text(data.get("type")),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class OldCell:
    value: Any
    rendered: str | None
    links: tuple[OldLink, ...] = ()

    @classmethod
    def from_api(cls, data: Any) -> OldCell:
        if not isinstance(data, dict):
            return cls(value=data, rendered=None)
        links = data.get("links")
        rendered = data.get("rendered")
        return cls(
            data.get("value"),
            rendered if rendered is None or type(rendered) is str else str(rendered),
            tuple(OldLink.from_api(x) for x in links if isinstance(x, dict)) if links else (),
        )


def old_from_api(data: Any) -> QueryResult:
    """``QueryResult.from_api`` as it was, building the old cells."""
    if not isinstance(data, dict):
        return QueryResult(fields=(), rows=(), errors=("Looker returned an unreadable result.",))
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
    rows = []
    for raw_row in data.get("data") or []:
        if not isinstance(raw_row, dict):
            continue
        row: dict[str, Any] = {}
        for name, cell in raw_row.items():
            if pivots and isinstance(cell, dict) and "value" not in cell:
                row[name] = {k: OldCell.from_api(v) for k, v in cell.items()}
            else:
                row[name] = OldCell.from_api(cell)
        rows.append(row)
    errors = tuple(
        " ".join(p for p in (_text(e.get("message")), _text(e.get("message_details"))) if p)
        for e in data.get("errors") or []
        if isinstance(e, dict)
    )
    return QueryResult(fields=tuple(fields), rows=tuple(rows), pivots=pivots, errors=errors)


def old_read(raw: bytes) -> QueryResult:
    """What the client did with the answer's bytes before msgspec."""
    return old_from_api(json.loads(raw) if raw else None)


# -- the emulator, in a child process ---------------------------------------------------


async def serve_emulator() -> None:
    """Child process: serve the Looker emulator until stdin closes.

    The emulator runs the query once, with its own query engine, and answers every read of
    the result with that text: a real Looker runs queries on its own machines, and doing it
    here for every read would compete with the bot for this machine's two cores.
    """
    async with LookerEmulator(today=TODAY, orders=ROWS) as looker:
        ids = {}
        for name, body in QUERIES.items():
            query = looker.state.add_query(body)
            result = run_query(
                query, looker.state.dataset, looker_url=looker.url, actions=looker.data_actions
            )
            looker.fail(
                rf"^/queries/{query['id']}/run/json_detail$",
                status=200,
                body=json.dumps(result),  # as web.json_response writes it
                times=None,
                method="GET",
            )
            ids[name] = query["id"]
        ready = {"url": looker.url, "id": looker.client_id, "secret": looker.client_secret}
        print(json.dumps({**ready, "query_ids": ids}))
        sys.stdout.flush()
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.read)


@contextlib.asynccontextmanager
async def emulator_process(
    timeout: float,
) -> AsyncIterator[tuple[LookerInstanceSettings, dict[str, str]]]:
    """Start the emulator in a child process; settings that point a client at it, and the
    ids of the queries whose results it serves, by name."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.result_lag",
        "--serve-emulator",
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=str(ROOT),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout)
        if not line:
            raise RuntimeError("the emulator process exited before it was ready")
        info = json.loads(line)
        instance = LookerInstanceSettings(
            url=info["url"],
            api_base_url=info["url"],
            client_id=info["id"],
            client_secret=Secret(info["secret"]),
        )
        yield instance, info["query_ids"]
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()


# -- measuring --------------------------------------------------------------------------


@dataclass
class Read:
    """What the probe saw during one read."""

    lags_ms: list[float]
    gc_pauses_ms: list[tuple[int, float]]
    """Each collection while reading: (generation, milliseconds)."""
    seconds: float


class GcPauses:
    """Every garbage collection, in any thread: its generation and how long it took."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((info["generation"], (time.perf_counter() - self._started) * 1000))


async def probed(read: Callable[[], Awaitable[Any]], gc_pauses: GcPauses) -> Read:
    """Run ``read`` while a coroutine sleeps 1 ms at a time on the loop; how late each
    wake-up was (the loop's lag), and the collections meanwhile."""
    done = asyncio.Event()
    lags: list[float] = []

    async def probe() -> None:
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            lags.append((time.perf_counter() - before - 0.001) * 1000)

    prober = asyncio.create_task(probe())
    await asyncio.sleep(0.01)  # the probe is running
    gc_pauses.pauses.clear()
    started = time.perf_counter()
    try:
        result = await read()
    finally:
        seconds = time.perf_counter() - started
        pauses = list(gc_pauses.pauses)
        done.set()
        await prober
    # Held until the probe stopped: freeing the result is work done later, once the reply
    # is made (timed apart, in decode_line).
    del result
    return Read(lags, pauses, seconds)


def lag_line(name: str, reads: list[Read]) -> str:
    every = [lag for r in reads for lag in r.lags_ms]
    worst = [max(r.lags_ms) for r in reads]
    pauses = [p for r in reads for p in r.gc_pauses_ms]
    full = [ms for generation, ms in pauses if generation == 2]
    return (
        f"{name}: max lag {max(worst):.1f} ms (per read: "
        f"{', '.join(f'{w:.1f}' for w in worst)}), p99 {percentile(every, 99):.2f} ms "
        f"over {len(every)} wake-ups, call {statistics.median(r.seconds for r in reads) * 1000:.0f}"
        f" ms (median); collections {len(pauses) / len(reads):.0f} per read, longest "
        f"{max((ms for _, ms in pauses), default=0):.1f} ms, full {len(full) / len(reads):.1f} "
        f"per read"
    )


def decode_line(name: str, decode: Callable[[bytes], Any], raw: bytes, rounds: int) -> str:
    """How long ``decode`` takes on ``raw`` (in this thread, no probe), and freeing what it
    made (which the bot does on the loop, once the reply is made)."""
    times, frees = [], []
    for i in range(rounds + 2):
        gc.collect()
        started = time.perf_counter()
        result = decode(raw)
        decoded = time.perf_counter()
        del result
        if i >= 2:
            times.append((decoded - started) * 1000)
            frees.append((time.perf_counter() - decoded) * 1000)
    return (
        f"decode {name}: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms "
        f"over {rounds} rounds; freeing the result: median {statistics.median(frees):.1f} ms"
    )


async def measure(
    client: SdkLookerClient, query_id: str, rounds: int, gc_pauses: GcPauses
) -> list[str]:
    """The report's lines for one result."""
    path = f"/queries/{query_id}/run/json_detail"

    async def old() -> QueryResult:
        return await client._read(old_read, "GET", path)

    async def new() -> QueryResult:
        return await client.run_query(query_id)

    async def idle() -> None:
        await asyncio.sleep(0.3)

    raw = await client._call("GET", path, decode=lambda raw: raw)
    result = await new()
    assert len(result.rows) == ROWS, len(result.rows)
    assert result == QueryResult.from_api(json.loads(raw))
    assert len((await old()).rows) == ROWS
    # Each way reads the result ``rounds`` times in a row, after one collection: what the
    # collector does then is that way's own doing (its survivors set off full collections),
    # not the debt of the other way.
    reads: dict[str, list[Read]] = {}
    for name, read in (("idle", idle), ("old", old), ("new", new)):
        gc.collect()
        reads[name] = [await probed(read, gc_pauses) for _ in range(rounds)]
    pivots = f", pivoted on {len(result.pivots)} values" if result.pivots else ""
    return [
        f"result: {ROWS:,} rows x {len(result.fields)} columns{pivots}, {len(raw) / 1e6:.1f} MB"
        f" of json_detail; {rounds} rounds",
        lag_line("no read (the probe alone, 0.3 s)", reads["idle"]),
        lag_line("old (json.loads + from_api)", reads["old"]),
        lag_line("new (msgspec, QueryResult.from_json)", reads["new"]),
        decode_line("old (json.loads + from_api)", old_read, raw, rounds),
        decode_line("new (QueryResult.from_json)", QueryResult.from_json, raw, rounds),
    ]


async def main(rounds: int, timeout: float) -> None:
    gc_pauses = GcPauses()
    gc.callbacks.append(gc_pauses)
    lines = []
    async with emulator_process(timeout) as (instance, query_ids):
        client = SdkLookerClient(instance=instance)
        try:
            await client.me()  # logged in
            full = []
            for _ in range(3):
                started = time.perf_counter()
                gc.collect()
                full.append((time.perf_counter() - started) * 1000)
            lines.append(
                f"{len(gc.get_objects()):,} objects tracked by the collector in this process; "
                f"a full collection takes {statistics.median(full):.0f} ms"
            )
            for name, query_id in query_ids.items():
                lines += [
                    f"{name}: {line}" for line in await measure(client, query_id, rounds, gc_pauses)
                ]
        finally:
            await client.aclose()
    gc.callbacks.remove(gc_pauses)
    report("Event-loop lag while reading a 10,000-row result", lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds, at most")
    parser.add_argument("--serve-emulator", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_emulator:
        asyncio.run(serve_emulator())
    else:
        asyncio.run(asyncio.wait_for(main(args.rounds, args.timeout), args.timeout))
