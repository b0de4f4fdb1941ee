"""Acknowledgement speed: the bot against a bare slack-bolt AsyncApp, in one run.

    .venv/bin/python -m benchmarks.ack [--seconds 10] [--rate 200] [--open-seconds 60]

1. Throughput: 32 senders post signed events back to back for ``--seconds`` to the bare Bolt
   app, then to the bot, then both again (alternating, to share the machine's noise); the
   figure is the bot's rate over Bolt's. The event is a message in a channel, which both
   apps hand to their event handler and neither acts on, so the ratio compares the bot's
   whole request path (its own verification, payload checks, metrics, a log line per
   request, then Bolt with the bot's de-duplication middleware and listeners) with Bolt's.
2. Latency: an open-loop generator sends ``--rate`` signed events a second for
   ``--open-seconds`` to the bot; latency counts from each request's scheduled send time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics

import aiohttp

from benchmarks.harness import (
    Server,
    bare_bolt_process,
    bot_process,
    closed_loop,
    cpu_seconds,
    emulators,
    free_port,
    ignored_event,
    open_loop,
    report,
    signed_headers,
    summary,
)


async def main(seconds: float, rate: float, open_seconds: float) -> None:
    async with (
        emulators() as emu,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session,
    ):

        def sender(url: str):
            async def send() -> int:
                body = ignored_event()
                async with session.post(
                    url + "/slack/events", data=body, headers=signed_headers(body)
                ) as response:
                    await response.read()
                    return response.status

            return send

        bot_port, bolt_port = free_port(), free_port()
        bot_env = emu.bot_env(bot_port)
        rates: dict[str, list[float]] = {"bolt": [], "bot": []}
        cpu: dict[str, list[float]] = {"bolt": [], "bot": []}

        async def measure(name: str, server: Server) -> None:
            await closed_loop(sender(server.url), concurrency=8, duration=1)  # warm up
            before = cpu_seconds(server.pid)
            rate = await closed_loop(sender(server.url), concurrency=32, duration=seconds)
            rates[name].append(rate)
            # The server's own CPU per event: what the ratio means, whatever else the
            # machine (and the load generator) is doing.
            cpu[name].append((cpu_seconds(server.pid) - before) / (rate * seconds) * 1e6)

        for _ in range(2):
            async with bare_bolt_process(emu.slack, bolt_port) as bolt:
                await measure("bolt", bolt)
            async with bot_process(bot_env, bot_port) as bot:
                await measure("bot", bot)
        async with bot_process(bot_env, bot_port) as bot:
            await closed_loop(sender(bot.url), concurrency=8, duration=1)
            latencies, errors = await open_loop(sender(bot.url), rate=rate, duration=open_seconds)
        bolt_rate, bot_rate = statistics.median(rates["bolt"]), statistics.median(rates["bot"])
        report(
            "Acknowledging signed events",
            [
                f"bare Bolt: {', '.join(f'{r:.0f}' for r in rates['bolt'])} events/s "
                f"(median {bolt_rate:.0f})",
                f"bot: {', '.join(f'{r:.0f}' for r in rates['bot'])} events/s "
                f"(median {bot_rate:.0f})",
                f"ratio bot/Bolt: {bot_rate / bolt_rate:.2f} (target >= 0.9)",
                f"server CPU per event: bare Bolt {statistics.median(cpu['bolt']):.0f} µs, bot "
                f"{statistics.median(cpu['bot']):.0f} µs (ratio "
                f"{statistics.median(cpu['bolt']) / statistics.median(cpu['bot']):.2f})",
                f"open loop {rate:.0f} events/s for {open_seconds:.0f} s: {summary(latencies)}, "
                f"errors {errors} (target p99 <= 10 ms)",
            ],
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--open-seconds", type=float, default=60.0)
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.rate, args.open_seconds))
