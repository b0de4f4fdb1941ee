"""The Looker SDK's typed models against the bot's client, and logins under concurrency.

    .venv/bin/python -m benchmarks.looker_client [--seconds 5]

Against the Looker emulator on loopback (answers in about a millisecond):
1. calls per second of ``look()``, one after another, through the stock looker-sdk (typed
   models, cattrs) and through the bot's ``SdkLookerClient`` (the SDK's auth and transport,
   JSON read into the bot's own dataclasses);
2. 32 first calls at once on a fresh client: how many logins each makes.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version

import looker_sdk

from benchmarks.harness import report
from lookerbot.looker.sdk_client import SdkLookerClient, _Settings
from lookerbot.sandbox.looker_emulator import LookerEmulator
from tests.conftest import TODAY


def stock_sdk(looker: LookerEmulator) -> looker_sdk.methods40.Looker40SDK:
    return looker_sdk.init40(
        config_settings=_Settings(looker.instance_settings(), verify_ssl=True, timeout=30)
    )


async def rate(call, seconds: float) -> float:
    done, started = 0, time.monotonic()
    while time.monotonic() - started < seconds:
        await call()
        done += 1
    return done / (time.monotonic() - started)


async def main(seconds: float) -> None:
    pool = ThreadPoolExecutor(64)
    loop = asyncio.get_running_loop()
    async with LookerEmulator(today=TODAY) as looker:
        sdk = stock_sdk(looker)

        async def stock_look() -> None:
            await loop.run_in_executor(pool, sdk.look, "1")

        client = SdkLookerClient(instance=looker.instance_settings())

        async def our_look() -> None:
            await client.look("1")

        await stock_look()
        await our_look()
        stock_rate = await rate(stock_look, seconds)
        our_rate = await rate(our_look, seconds)
        await client.aclose()

        before = looker.logins
        fresh = stock_sdk(looker)
        await asyncio.gather(*(loop.run_in_executor(pool, fresh.me) for _ in range(32)))
        stock_logins = looker.logins - before
        before = looker.logins
        fresh_client = SdkLookerClient(instance=looker.instance_settings())
        await asyncio.gather(*(fresh_client.me() for _ in range(32)))
        our_logins = looker.logins - before
        await fresh_client.aclose()
    pool.shutdown()
    report(
        "Looker client",
        [
            f"looker-sdk {version('looker-sdk')}, cattrs {version('cattrs')}",
            f"look(), one after another: stock SDK {stock_rate:.0f} calls/s, "
            f"bot's client {our_rate:.0f} calls/s ({our_rate / stock_rate:.1f}x)",
            f"32 first calls at once: stock SDK {stock_logins} logins, bot's client {our_logins}",
        ],
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    asyncio.run(main(parser.parse_args().seconds))
