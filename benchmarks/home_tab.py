"""How long the Home tab takes to appear for a person with 200 commands and 50
subscriptions (run by hand).

    .venv/bin/python -m benchmarks.home_tab [--rounds 30] [--run-as]

Starts the Looker and Slack emulators and the bot in this process (the demo's sandbox),
adds 200 dashboards to the commands folder and 50 subscriptions in Looker, then opens the
Home tab ``rounds`` times: each time from the signed ``app_home_opened`` to the bot's
``views.publish``. Every Looker call goes over loopback HTTP to the emulator (listing the
plans, who the person is, and with ``--run-as`` the commands folders in the person's own
session). Prints the median and p90 and the published view's block count. Bounded by
``--max-seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from benchmarks.harness import machine, percentile
from lookerbot.sandbox.demo import SELF, Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.settings import Secret


async def measure(rounds: int, run_as: bool, max_seconds: float) -> None:
    async with LookerEmulator() as looker:
        looker.schedules.webhook_token = "hook"  # noqa: S105 (the emulator's)
        template = looker.state.dashboards["3"]
        for n in range(200):
            did = str(1000 + n)
            folder = ("10", "11")[n % 2]
            looker.state.dashboards[did] = {
                **template,
                "id": did,
                "title": f"Metric {n:03d}",
                "folder_id": folder,
            }
        extra = {"run_as_user": "email"} if run_as else {}
        instance = looker.instance_settings(
            custom_command_folder_id="10", webhook_token=Secret("hook"), **extra
        )
        async with Sandbox(
            looker=looker, lookers=(instance,), public_url=SELF, webhooks=True
        ) as sandbox:
            owner = "2" if run_as else "1"
            for n in range(50):
                await looker.schedules.create(
                    owner,
                    {
                        "name": f"Metric {n:03d}",
                        "dashboard_id": str(1000 + n),
                        "crontab": "0 9 * * 1-5",
                        "timezone": "Europe/Amsterdam",
                        "scheduled_plan_destination": [
                            {
                                "type": "webhook",
                                "format": "wysiwyg_png",
                                "address": f"{sandbox.bot_url}/slack/post/channel/C0GENERAL"
                                "?by=U0ALICE",
                            }
                        ],
                    },
                )
            times: list[float] = []
            started = time.monotonic()
            for _ in range(rounds + 1):
                if time.monotonic() - started > max_seconds:
                    break
                before = time.perf_counter()
                await sandbox.driver.open_home()
                await sandbox.settle()
                times.append(time.perf_counter() - before)
            times = times[1:]  # the first opens caches (Slack's user, run-as match)
            home = sandbox.driver.home() or {}
            blocks = len(home.get("blocks", []))
            shown = sum(
                1
                for b in home.get("blocks", [])
                if str(b.get("block_id", "")).startswith("subscription:")
            )
    print(machine())
    print(
        f"Home tab, 200 commands and 50 subscriptions{' (run-as)' if run_as else ''}: "
        f"median {statistics.median(times) * 1000:.1f} ms, "
        f"p90 {percentile(times, 90) * 1000:.1f} ms over {len(times)} opens; "
        f"{blocks} blocks, {shown} subscriptions shown"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--run-as", action="store_true")
    parser.add_argument("--max-seconds", type=float, default=120.0)
    args = parser.parse_args()
    asyncio.run(measure(args.rounds, args.run_as, args.max_seconds))


if __name__ == "__main__":
    main()
