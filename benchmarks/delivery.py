"""Scheduled deliveries against Slack's per-channel limit, and the bot's start (run by hand).

    .venv/bin/python -m benchmarks.delivery [--posts 100] [--channels 10] [--replicas 2]

1. ``--posts`` scheduled Looks arrive at once for ``--channels`` channels, and the Slack
   emulator refuses (429) any post closer than one second to the previous one in a channel;
   the figure is the time until Looker has its last answer (every answer waits for its post).
   With ``--replicas`` above 1, that many bot processes share a redis-server (started here)
   and the deliveries go to them in turn.
2. Start: time from starting ``lookerbot serve`` to a healthy ``/health_check``, and the
   resident memory after it has sat idle for two seconds (three starts).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator

import aiohttp

from benchmarks.harness import bot_process, emulators, free_port, report, rss_mb
from tests.conftest import TODAY


@contextlib.asynccontextmanager
async def redis_server() -> AsyncIterator[str]:
    """A throwaway redis-server on 127.0.0.1; its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("--replicas needs redis-server (apt-get install redis-server)")
    port = free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.05)
            else:
                writer.close()
                break
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


async def scheduled(posts: int, channels: int, replicas: int = 1) -> list[str]:
    async with contextlib.AsyncExitStack() as stack:
        emu = await stack.enter_async_context(emulators(today=TODAY))
        session = await stack.enter_async_context(
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        )
        # A fresh data folder: work left by an earlier run must not be resumed into this one.
        shared = {"LOOKERBOT_DATA_DIR": stack.enter_context(tempfile.TemporaryDirectory())}
        if replicas > 1:
            shared["LOOKERBOT_REDIS_URL"] = await stack.enter_async_context(redis_server())
        emu.slack.add_channels(channels)
        emu.slack.channel_rate_limit = 1.0
        bots = []
        for _ in range(replicas):
            port = free_port()
            bots.append(
                await stack.enter_async_context(bot_process(emu.bot_env(port, **shared), port))
            )

        async def deliver(i: int) -> int:
            plan = {
                "scheduled_plan": {
                    "type": "Look",
                    "url": f"{emu.looker.url}/looks/2",
                    "query_id": 2,
                    "scheduled_plan_id": i,
                }
            }
            async with session.post(
                f"{bots[i % replicas].url}/slack/post/channel/team-{i % channels}",
                json=plan,
                headers={"X-Looker-Webhook-Token": "bench-webhook-token"},
            ) as response:
                await response.read()
                return response.status

        started = time.monotonic()
        statuses = await asyncio.gather(*(deliver(i) for i in range(posts)))
        elapsed = time.monotonic() - started
        posted = len(emu.slack.visible_messages())
        return [
            f"{replicas} bot process(es): "
            f"{posts} scheduled posts over {channels} channels, Slack allowing one post a second "
            f"per channel: all answered in {elapsed:.1f} s (target <= 12 s; "
            f"{posts // channels - 1} s is the floor); {statuses.count(200)} succeeded, "
            f"{posted} posted, {emu.slack.rate_limited_posts} refused by the rate limit",
        ]


async def start(rounds: int = 3) -> list[str]:
    healthy, rss = [], []
    async with emulators(today=TODAY) as emu:
        for _ in range(rounds):
            port = free_port()
            async with bot_process(emu.bot_env(port), port) as bot:
                healthy.append(bot.healthy_after)
                await asyncio.sleep(2)
                rss.append(rss_mb(bot.pid))
    return [
        f"start to healthy: {', '.join(f'{h:.2f}' for h in healthy)} s "
        f"(median {statistics.median(healthy):.2f} s; target <= 2 s)",
        f"idle memory after start: {', '.join(f'{r:.0f}' for r in rss)} MB RSS "
        f"(median {statistics.median(rss):.0f} MB; target <= 120 MB)",
    ]


async def main(posts: int, channels: int, replicas: int) -> None:
    if replicas > 1:
        report("Deliveries by replicas", await scheduled(posts, channels, replicas))
        return
    report("Deliveries and start", await scheduled(posts, channels) + await start())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--channels", type=int, default=10)
    parser.add_argument("--replicas", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(main(args.posts, args.channels, args.replicas))
