"""Unauthenticated large bodies against the bot (run by hand; issue 15).

    PYTHONPATH=. .venv/bin/python -m benchmarks.request_limits

The bot runs as ``lookerbot serve`` against the emulators. For each Looker-facing route, a
client sends a whole 30 MiB body with no token, as fast as loopback allows, and the figure
is the time from the first byte to the 401 and the bot's resident memory after it. Then four
such uploads run at once while ``/health_check`` is asked every 50 ms; the figure is the
slowest health check.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp

from benchmarks.harness import bot_process, emulators, free_port, report, rss_mb
from tests.conftest import TODAY

ROUTES = [
    "/slack/post/channel/general",
    "/data_actions",
    "/data_actions/form",
    "/slack/post_from_query_action",
    "/",
    "/actions/braze/execute",
]
SIZE = 30 * 1024 * 1024


async def upload(port: int, path: str) -> tuple[float, int]:
    """Send a whole 30 MiB body (if the server lets it in); seconds to the answer, status."""
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
        f"Content-Length: {SIZE}\r\n\r\n"
    ).encode()
    chunk = b"[" * (1024 * 1024)

    async def send() -> None:
        try:
            writer.write(head)
            for _ in range(SIZE // len(chunk)):
                writer.write(chunk)
                await writer.drain()
        except ConnectionError:
            pass  # the server closed the connection: the rest was never wanted

    sender = asyncio.create_task(send())
    status_line = await asyncio.wait_for(reader.readline(), 30)
    elapsed = time.perf_counter() - started
    sender.cancel()
    writer.close()
    return elapsed, int(status_line.split()[1])


async def main() -> None:
    async with emulators(today=TODAY) as emu, aiohttp.ClientSession() as session:
        port = free_port()
        env = emu.bot_env(port, LOOKERBOT_AUTH_TOKEN="bench-auth-token")  # noqa: S106
        async with bot_process(env, port) as bot:
            await asyncio.sleep(1.0)
            lines = [f"idle RSS {rss_mb(bot.pid):.0f} MB"]
            for path in ROUTES:
                elapsed, status = await upload(port, path)
                await asyncio.sleep(0.2)
                lines.append(
                    f"{path}: {status} after {elapsed * 1000:.1f} ms; RSS {rss_mb(bot.pid):.0f} MB"
                )
            worst = 0.0
            uploads = asyncio.gather(*(upload(port, p) for p in ROUTES[:4]))
            for _ in range(20):
                started = time.perf_counter()
                async with session.get(bot.url + "/health_check") as response:
                    assert response.status == 200
                worst = max(worst, time.perf_counter() - started)
                await asyncio.sleep(0.05)
            answers = await uploads
            lines.append(
                f"4 uploads at once: statuses {sorted(s for _, s in answers)}, slowest "
                f"health check {worst * 1000:.1f} ms; RSS {rss_mb(bot.pid):.0f} MB"
            )
    report("Unauthenticated 30 MiB bodies", lines)


if __name__ == "__main__":
    asyncio.run(main())
