"""Commands under load: slow Lookers, many commands at once, and the bot's own overhead.

    .venv/bin/python -m benchmarks.commands [--overhead-runs 200]

1. Head-of-line blocking: 50 commands wait on a Looker that takes 10 s; meanwhile 20 new
   slash commands are sent one after another and the time to each acknowledgement measured.
2. Concurrency: 100 custom commands sent at once, Looker answering each query in 1 s; the
   figure is the time from the first request to the last reply posted in Slack.
3. Overhead: ``--overhead-runs`` mentions of a custom command, one at a time (each in its own
   channel), Looker answering at once; the figure is the time from the mention to the reply
   in Slack, minus the time spent inside the Looker emulator for that command (Looker's time).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import aiohttp

from benchmarks.harness import bot_process, driver, emulators, free_port, report, summary
from tests.conftest import TODAY


async def wait_for(predicate, timeout: float = 60.0) -> float:
    """Poll ``predicate`` every millisecond; the loop time when it came true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError("the bot did not answer in time")
        await asyncio.sleep(0.001)
    return loop.time()


async def head_of_line(session: aiohttp.ClientSession) -> list[str]:
    async with emulators(today=TODAY) as emu:
        emu.looker.fail(r"/looks/search", status=0, delay=10.0, times=None)
        port = free_port()
        async with bot_process(emu.bot_env(port, LOOKERBOT_SHUTDOWN_TIMEOUT="1"), port) as bot:
            slack = driver(bot.url, emu.slack, session)
            await asyncio.gather(*(slack.dm("find revenue") for _ in range(50)))
            acks = []
            for _ in range(20):
                started = time.monotonic()
                response, _ = await slack.slash("help")
                assert response.status == 200
                acks.append(time.monotonic() - started)
            return [
                f"50 commands stuck on a 10 s Looker; 20 new /looker acknowledged: "
                f"{summary(acks)} (target <= 100 ms)"
            ]


async def concurrency(session: aiohttp.ClientSession) -> list[str]:
    async with emulators(today=TODAY) as emu:
        emu.looker.fail(r"/run/json_detail", status=0, delay=1.0, times=None)
        emu.slack.add_channels(100)  # 100 teams asking at once (one channel is paced by Slack)
        port = free_port()
        async with bot_process(emu.bot_env(port), port) as bot:
            slack = driver(bot.url, emu.slack, session)
            await slack.dm("help")  # the first contact: Looker login, users.info
            await wait_for(lambda: len(emu.slack.calls_to("chat.postMessage")) >= 1)
            emu.slack.calls.clear()
            loop = asyncio.get_running_loop()
            first = loop.time()
            await asyncio.gather(
                *(slack.mention("revenue", channel=f"C9{i:06d}") for i in range(100))
            )
            last = await wait_for(lambda: len(emu.slack.calls_to("chat.update")) >= 100)
            return [
                f"100 custom commands at once, Looker taking 1 s per query: last reply "
                f"{last - first:.2f} s after the first request (target <= 1.5 s)"
            ]


async def overhead(session: aiohttp.ClientSession, runs: int) -> list[str]:
    async with emulators(today=TODAY) as emu:
        port = free_port()
        env = emu.bot_env(port, LOOKER_SLACKBOT_LOADING_MESSAGES="false")
        # A channel each: replies to one channel are spaced a second apart on purpose (Slack's
        # limit), which is pacing, not the bot's overhead.
        emu.slack.add_channels(runs + 5)
        async with bot_process(env, port) as bot:
            slack = driver(bot.url, emu.slack, session)
            loop = asyncio.get_running_loop()
            totals, lookers = [], []
            for i in range(runs + 5):
                posted = len(emu.slack.calls_to("chat.postMessage"))
                emu.looker.requests.clear()
                started = loop.time()
                await slack.mention("revenue", channel=f"C9{i:06d}")
                done = await wait_for(
                    lambda p=posted: len(emu.slack.calls_to("chat.postMessage")) > p
                )
                looker_time = sum(r.elapsed for r in emu.looker.requests)
                if i >= 5:  # the first few warm caches and connections
                    totals.append(done - started)
                    lookers.append(looker_time)
            overheads = [t - lk for t, lk in zip(totals, lookers, strict=True)]
            return [
                f"mention to posted reply ({runs} runs, one at a time): {summary(totals)}",
                f"of which inside the Looker emulator: median "
                f"{statistics.median(lookers) * 1000:.1f} ms",
                f"bot overhead, Looker time excluded: {summary(overheads)} "
                f"(target median <= 15 ms)",
            ]


async def main(overhead_runs: int) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        lines = await head_of_line(session)
        lines += await concurrency(session)
        lines += await overhead(session, overhead_runs)
    report("Commands under load", lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--overhead-runs", type=int, default=200)
    asyncio.run(main(parser.parse_args().overhead_runs))
