"""Formatting a 10,000-row result into a Slack-valid message (run by hand).

    .venv/bin/python -m benchmarks.formatting [--rounds 30]

Times ``format_result`` plus ``Message.payload()`` (which applies Slack's limits) on a
10,000-row, 4-column result, ``--rounds`` times after a warm-up; separately, reading the
result from Looker's json_detail JSON (``json.loads`` and ``QueryResult.from_api``, which
the bot does in its Looker thread, not on the event loop), and how long the event loop
stalls while a result is read on it or in a thread.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

from benchmarks.harness import report
from lookerbot.formatting.message import MAX_BLOCKS
from lookerbot.formatting.results import format_result
from lookerbot.looker.models import Query, QueryResult


def result_json(rows: int) -> dict:
    def field(name: str, label: str) -> dict:
        return {"name": name, "label": label, "label_short": label.split(" ", 1)[1]}

    return {
        "fields": {
            "dimensions": [
                field("orders.id", "Orders ID"),
                field("customers.name", "Customers Name"),
                field("orders.created_date", "Orders Created Date"),
            ],
            "measures": [field("orders.total_revenue", "Orders Total Revenue")],
            "table_calculations": [],
        },
        "data": [
            {
                "orders.id": {"value": i},
                "customers.name": {"value": f"Customer number {i % 977} of the shop"},
                "orders.created_date": {"value": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}"},
                "orders.total_revenue": {
                    "value": i * 1.5,
                    "rendered": f"${i * 1.5:,.2f}",
                    "links": [{"type": "measure_default", "url": "/x", "label": "Show"}],
                },
            }
            for i in range(rows)
        ],
    }


async def longest_stall(read) -> float:
    """The event loop's longest pause while ``read`` runs: a 1 ms ticker's worst lateness."""
    loop = asyncio.get_running_loop()
    worst = 0.0
    reading = loop.create_task(read())
    while not reading.done():
        before = loop.time()
        await asyncio.sleep(0.001)
        worst = max(worst, loop.time() - before - 0.001)
    await reading
    return worst


async def stalls(raw: str) -> tuple[float, float]:
    """Longest event-loop stall reading ``raw`` on the loop, and in a worker thread."""

    def read() -> QueryResult:
        return QueryResult.from_api(json.loads(raw))

    async def inline() -> None:
        read()

    async def threaded() -> None:
        await asyncio.get_running_loop().run_in_executor(None, read)

    on_loop, in_thread = [], []
    for _ in range(5):
        on_loop.append(await longest_stall(inline))
        in_thread.append(await longest_stall(threaded))
    return statistics.median(on_loop), statistics.median(in_thread)


def main(rounds: int) -> None:
    raw = json.dumps(result_json(10_000))
    query = Query.from_api({"id": "1", "fields": [], "vis_config": {"type": "table"}})
    decode_times, parse_times, format_times = [], [], []
    for i in range(rounds + 3):
        started = time.perf_counter()
        data = json.loads(raw)
        decoded = time.perf_counter()
        result = QueryResult.from_api(data)
        parsed = time.perf_counter()
        formatted = format_result(query, result, looker_url="https://co.looker.com")
        payload = formatted.message.payload()
        done = time.perf_counter()
        assert len(payload["blocks"]) <= MAX_BLOCKS
        assert formatted.csv is not None
        if i >= 3:
            decode_times.append(decoded - started)
            parse_times.append(parsed - decoded)
            format_times.append(done - parsed)
    ms = [t * 1000 for t in format_times]
    on_loop, in_thread = asyncio.run(stalls(raw))
    report(
        "Formatting a 10,000-row result",
        [
            f"format_result + payload: median {statistics.median(ms):.1f} ms, "
            f"max {max(ms):.1f} ms over {rounds} rounds (target <= 100 ms); "
            f"{formatted.shown_rows} rows shown, the rest in a {len(formatted.csv):,}-byte CSV",
            f"reading the json_detail ({len(raw) / 1e6:.1f} MB), in the Looker thread: "
            f"json.loads median {statistics.median(decode_times) * 1000:.1f} ms, "
            f"QueryResult.from_api median {statistics.median(parse_times) * 1000:.1f} ms",
            f"longest event-loop stall while a result is read (median of 5): "
            f"{on_loop * 1000:.1f} ms read on the loop, {in_thread * 1000:.1f} ms read in a "
            f"thread",
        ],
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    main(parser.parse_args().rounds)
