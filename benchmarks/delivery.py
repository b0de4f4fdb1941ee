"""Scheduled deliveries against Slack's per-channel limit, and the bot's start (run by hand).

    .venv/bin/python -m benchmarks.delivery [--posts 100] [--channels 10]

1. ``--posts`` scheduled Looks arrive at once for ``--channels`` channels, and the Slack
   emulator refuses (429) any post closer than one second to the previous one in a channel;
   the figure is the time until Looker has its last answer (every answer waits for its post).
2. Start: time from starting ``lookerbot serve`` to a healthy ``/health_check``, and the
   resident memory after it has sat idle for two seconds (three starts).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import aiohttp

from benchmarks.harness import bot_process, emulators, free_port, report, rss_mb
from tests.conftest import TODAY


async def scheduled(posts: int, channels: int) -> list[str]:
    async with (
        emulators(today=TODAY) as emu,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session,
    ):
        emu.slack.add_channels(channels)
        emu.slack.channel_rate_limit = 1.0
        port = free_port()
        async with bot_process(emu.bot_env(port), port) as bot:

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
                    f"{bot.url}/slack/post/channel/team-{i % channels}",
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


async def main(posts: int, channels: int) -> None:
    report("Deliveries and start", await scheduled(posts, channels) + await start())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--channels", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main(args.posts, args.channels))
