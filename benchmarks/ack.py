"""Answering mentions: the bot against a bare slack-bolt AsyncApp doing the same work, in one run.

    .venv/bin/python -m benchmarks.ack [--rounds 2] [--rate 10] [--seconds 60]
        [--burst 100] [--burst-at 30] [--starts 3] [--without-commands]

Both apps get the same signed ``app_mention`` events ("<@U0LOOKER> help", in a thread, from
three people in two channels) and answer each with the bot's help, through the same Slack
calls: ``users.info`` for the person (remembered for five minutes) and
``chat.postEphemeral`` to them in the thread (``auth.test`` once). The bare Bolt app
(``benchmarks/bare_bolt.py``) sends the help the bot sent to its first mention, read once
at its start; the benchmark checks that every reply of both apps has the same digest of
text and blocks. The bot is ``lookerbot serve`` with a custom commands folder (its help
lists the commands, and showing help also refreshes them from Looker in the background, as
the bot does); ``--without-commands`` leaves the folder out, so help lists the built-ins
only and the bot asks Looker nothing.

The apps, the Slack emulator and the Looker emulator each run in a process of their own
(``benchmarks/emulator_process.py``); this process generates the load. All on 127.0.0.1.

1. Start (``--starts`` times each): ``lookerbot serve`` from its start to a healthy
   ``/health_check``, and its resident memory after two idle seconds; first with no
   bytecode cache (every module compiled from source, as this checkout runs when its
   packages were installed without compiling and ``PYTHONDONTWRITEBYTECODE`` is set), then
   with one (as the Docker image runs: pip compiles the packages at install), in a folder
   of its own (``PYTHONPYCACHEPREFIX``) filled by a first start that is not counted.
2. ``--rounds`` rounds: the bot and the bare Bolt app in turn (alternating which goes
   first), each started anew with the bytecode cache, then warmed up with one mention per
   person and channel (so both have looked everyone up), then loaded on a fixed schedule,
   open loop: ``--rate`` mentions a second for ``--seconds``, plus ``--burst`` more spread
   over one second from ``--burst-at`` seconds in. The acknowledgement latency counts from
   each request's scheduled send time (a server that falls behind is charged for its
   queue); the reply latency from the moment the request was sent to the moment its
   ``chat.postEphemeral`` reached the Slack emulator (both clocks are ``time.monotonic()``).
   No Looker call is on the reply's path: help reads the commands the bot already has.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from benchmarks.harness import (
    EmulatorProcesses,
    Server,
    bare_bolt_process,
    bot_process,
    cpu_seconds,
    emulator_processes,
    free_port,
    machine_cpu_seconds,
    on_schedule,
    percentile,
    report,
    rss_mb,
    signed_headers,
)
from lookerbot.sandbox.slack_emulator import BOT_USER_ID, TEAM_ID

PEOPLE = ("U0ALICE", "U0BOB", "U0CAROL")
CHANNELS = ("C0GENERAL", "C0SALES")
REPLY = "chat.postEphemeral"
NAMES = {"bot": "bot", "bolt": "bare Bolt"}
_ids = itertools.count(1)


@dataclass(frozen=True)
class Mention:
    """One signed ``app_mention`` request, ready to send."""

    body: bytes
    headers: dict[str, str]
    thread_ts: str


def mention(i: int) -> Mention:
    """The ``i``-th mention: "<@bot> help" in its own thread."""
    n = next(_ids)
    ts, thread_ts = f"1720000001.{n:06d}", f"1720000000.{n:06d}"
    event = {
        "type": "app_mention",
        "user": PEOPLE[i % len(PEOPLE)],
        "text": f"<@{BOT_USER_ID}> help",
        "ts": ts,
        "thread_ts": thread_ts,
        "channel": CHANNELS[(i // len(PEOPLE)) % len(CHANNELS)],
        "event_ts": ts,
        "team": TEAM_ID,
    }
    body = json.dumps(
        {
            "token": "x",
            "team_id": TEAM_ID,
            "api_app_id": "A0LOOKER",
            "type": "event_callback",
            "event_id": f"EvBENCH{n:09d}",
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
    ).encode()
    return Mention(body, signed_headers(body), thread_ts)


def load_schedule(rate: float, seconds: float, burst: int, burst_at: float) -> list[float]:
    """Send times in seconds: ``rate`` a second for ``seconds``, plus ``burst`` in one second."""
    steady = [i / rate for i in range(int(rate * seconds))]
    return steady + [burst_at + j / burst for j in range(burst)]


@dataclass
class Run:
    """One app's figures in one round."""

    app: str
    healthy_after: float
    idle_rss: float
    ack: list[float | None]
    reply: list[float | None]
    burst_from: int
    digests: set[str]
    calls: dict[str, int]
    looker_requests: int
    cpu: float
    emulator_cpu: dict[str, float]
    others_cpu: float
    """CPU seconds every other process on the machine used meanwhile."""
    wall: float
    rss_after: float
    ack_errors: int = field(init=False)
    reply_errors: int = field(init=False)

    def __post_init__(self) -> None:
        self.ack_errors = sum(x is None for x in self.ack)
        self.reply_errors = sum(x is None for x in self.reply)

    def acks(self, part: slice = slice(None)) -> list[float]:
        return [x for x in self.ack[part] if x is not None]

    def replies(self, part: slice = slice(None)) -> list[float]:
        return [x for x in self.reply[part] if x is not None]


def ms(values: list[float], *qs: float) -> str:
    """Percentiles (50 is the median; 100 the max) in milliseconds."""
    if not values:
        return "no values"
    names = {50: "p50", 100: "max"}
    parts = [
        f"{names.get(int(q), f'p{q:g}')} "
        f"{(statistics.median(values) if q == 50 else percentile(values, q)) * 1000:.1f} ms"
        for q in qs
    ]
    return ", ".join(parts) + f" (n={len(values)})"


@dataclass(frozen=True)
class Setup:
    """What every app process of a run gets."""

    emu: EmulatorProcesses
    help_reply: Path
    env: dict[str, str]
    """Added to each process's environment (where Python keeps its bytecode)."""
    commands: bool = True
    """Whether the bot has a custom commands folder (its help lists them, and refreshes
    them from Looker)."""


def bytecode_env(cache: Path, *, write: bool) -> dict[str, str]:
    """Python keeping its bytecode cache under ``cache``; without ``write``, writing none
    (give an empty folder: every module is then compiled from source at every start)."""
    return {"PYTHONPYCACHEPREFIX": str(cache), "PYTHONDONTWRITEBYTECODE": "" if write else "1"}


@asynccontextmanager
async def started(app: str, setup: Setup) -> AsyncIterator[Server]:
    port = free_port()
    process: AbstractAsyncContextManager[Server]
    if app == "bot":
        env = {**setup.emu.bot_env(port), **setup.env}
        if not setup.commands:
            del env["LOOKER_CUSTOM_COMMAND_FOLDER_ID"]
        process = bot_process(env, port)
    else:
        process = bare_bolt_process(
            setup.emu.slack, port, help_reply=setup.help_reply, env=setup.env
        )
    async with process as server:
        yield server


async def starts(setup: Setup, times: int) -> list[tuple[float, float]]:
    """Start the bot ``times`` times: seconds to healthy, and MB resident after 2 s idle."""
    found = []
    for _ in range(times):
        async with started("bot", setup) as server:
            await asyncio.sleep(2)
            found.append((server.healthy_after, rss_mb(server.pid)))
    return found


def describe_starts(what: str, found: list[tuple[float, float]]) -> str:
    healthy, rss = [h for h, _ in found], [r for _, r in found]
    return (
        f"bot start, {what}: to healthy {', '.join(f'{h:.2f}' for h in healthy)} s "
        f"(median {statistics.median(healthy):.2f} s; goal <= 2 s); idle RSS "
        f"{', '.join(f'{r:.0f}' for r in rss)} MB (median {statistics.median(rss):.0f} MB; "
        f"goal <= 120 MB)"
    )


async def measure(
    app: str,
    setup: Setup,
    session: aiohttp.ClientSession,
    schedule: list[float],
    burst_from: int,
) -> Run:
    emu, help_reply = setup.emu, setup.help_reply
    async with started(app, setup) as server:
        await asyncio.sleep(2)
        idle_rss = rss_mb(server.pid)
        loop = asyncio.get_running_loop()

        async def post(m: Mention) -> int:
            async with session.post(
                server.url + "/slack/events", data=m.body, headers=m.headers
            ) as response:
                await response.read()
                return response.status

        # Warm-up: everyone once in each channel (users.info, connections, caches).
        for i in range(len(PEOPLE) * len(CHANNELS)):
            await post(mention(i))
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)
        if app == "bot" and not help_reply.exists():
            first = await emu.first_slack_call(REPLY)
            if first is None:
                raise RuntimeError("the bot did not answer help")
            help_reply.write_text(json.dumps({"text": first["text"], "blocks": first["blocks"]}))
        await emu.reset()

        mentions = [mention(i) for i in range(len(schedule))]
        sent: list[float] = [0.0] * len(mentions)

        async def send(i: int) -> int:
            sent[i] = loop.time()
            return await post(mentions[i])

        pids = {app: server.pid, **emu.pids, "load generator": os.getpid()}
        cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        machine_before, wall_before = machine_cpu_seconds(), time.monotonic()
        ack = await on_schedule(send, schedule)
        await asyncio.sleep(3)  # the last replies
        cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
        machine, wall = machine_cpu_seconds() - machine_before, time.monotonic() - wall_before
        rss_after = rss_mb(server.pid)
        replies = await emu.slack_calls(REPLY)
        calls = await emu.slack_counts()
        looker_requests = await emu.looker_requests()
    arrived = {c["thread_ts"]: c["at"] for c in replies if c["accepted"]}
    reply: list[float | None] = [
        arrived[m.thread_ts] - sent[i] if m.thread_ts in arrived else None
        for i, m in enumerate(mentions)
    ]
    return Run(
        app=app,
        healthy_after=server.healthy_after,
        idle_rss=idle_rss,
        ack=ack,
        reply=reply,
        burst_from=burst_from,
        digests={c["digest"] for c in replies},
        calls=calls,
        looker_requests=looker_requests,
        cpu=cpu[app],
        emulator_cpu={"slack": cpu["slack"], "looker": cpu["looker"]},
        others_cpu=machine - sum(cpu.values()),
        wall=wall,
        rss_after=rss_after,
    )


def describe(run: Run, rnd: int) -> list[str]:
    steady, burst = slice(0, run.burst_from), slice(run.burst_from, None)
    calls = ", ".join(f"{k} {v}" for k, v in sorted(run.calls.items()))
    return [
        f"round {rnd}, {NAMES[run.app]}: start to healthy {run.healthy_after:.2f} s, idle RSS "
        f"{run.idle_rss:.0f} MB",
        f"  ack, all: {ms(run.acks(), 50, 90, 99, 100)}, errors {run.ack_errors}",
        f"  ack, the burst only: {ms(run.acks(burst), 50, 90, 99, 100)}",
        f"  mention to reply, steady: {ms(run.replies(steady), 50, 90, 99, 100)}",
        f"  mention to reply, the burst: {ms(run.replies(burst), 50, 90, 99, 100)}",
        f"  replies missing {run.reply_errors}; Slack calls during the load: {calls}; "
        f"Looker requests {run.looker_requests}",
        f"  CPU during the load: app {run.cpu:.2f} s, Slack emulator "
        f"{run.emulator_cpu['slack']:.2f} s, Looker emulator {run.emulator_cpu['looker']:.2f} s; "
        f"app RSS after {run.rss_after:.0f} MB",
        f"  other processes on the machine meanwhile: {run.others_cpu:.1f} CPU-seconds in "
        f"{run.wall:.0f} s ({run.others_cpu / run.wall:.2f} of {os.cpu_count()} CPUs)",
    ]


def ratio(runs: dict[str, list[Run]], figure: Callable[[Run], float], what: str, goal: str) -> str:
    per_round = [
        figure(bot) / figure(bolt) for bot, bolt in zip(runs["bot"], runs["bolt"], strict=True)
    ]
    values = ", ".join(
        f"{figure(bot) * 1000:.1f} / {figure(bolt) * 1000:.1f} ms = {r:.2f}"
        for bot, bolt, r in zip(runs["bot"], runs["bolt"], per_round, strict=True)
    )
    return f"{what}, bot / bare Bolt per round: {values} ({goal})"


async def main(
    rounds: int,
    rate: float,
    seconds: float,
    burst: int,
    burst_at: float,
    starts_each: int,
    commands: bool,
) -> None:
    schedule = load_schedule(rate, seconds, burst, burst_at)
    burst_from = int(rate * seconds)
    runs: dict[str, list[Run]] = {"bot": [], "bolt": []}
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "bytecode"
        async with (
            emulator_processes() as emu,
            aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0),
                timeout=aiohttp.ClientTimeout(total=10),
            ) as session,
        ):
            help_reply = Path(tmp) / "help.json"
            setup = Setup(emu, help_reply, bytecode_env(cache, write=True), commands)
            if starts_each:
                # Without a bytecode cache (as this checkout runs when uv installed it
                # without compiling and PYTHONDONTWRITEBYTECODE is set).
                none = bytecode_env(Path(tmp) / "empty", write=False)
                cold = Setup(emu, help_reply, none, commands)
                lines.append(describe_starts("no bytecode cache", await starts(cold, starts_each)))
            await starts(setup, 1)  # fills the bytecode cache; not counted
            if starts_each:
                # With one (as the Docker image runs: pip compiles the packages at install).
                lines.append(describe_starts("bytecode cache", await starts(setup, starts_each)))
            for rnd in range(1, rounds + 1):
                # The bot goes first in the first round: its first reply is the help text.
                for app in ("bot", "bolt") if rnd % 2 else ("bolt", "bot"):
                    run = await measure(app, setup, session, schedule, burst_from)
                    runs[app].append(run)
                    lines += describe(run, rnd)
    digests = {d for app_runs in runs.values() for run in app_runs for d in run.digests}

    def p99(run: Run) -> float:
        return percentile(run.acks(), 99)

    def steady_reply(q: float) -> Callable[[Run], float]:
        def figure(run: Run) -> float:
            values = run.replies(slice(0, run.burst_from))
            return statistics.median(values) if q == 50 else percentile(values, q)

        return figure

    bots = runs["bot"]
    lines += [
        f"load: {rate:g} mentions/s for {seconds:g} s plus {burst} in 1 s from {burst_at:g} s "
        f"(n={len(schedule)} per run); every reply of both apps the same text and blocks: "
        f"{'yes' if len(digests) == 1 else f'no ({len(digests)} different)'}",
        ratio(runs, p99, "ack p99", "goal <= 1.5, 0 errors"),
        ratio(runs, steady_reply(50), "mention to reply, steady, median", "goal <= 2"),
        ratio(runs, steady_reply(90), "mention to reply, steady, p90", "goal <= 2"),
        f"bot starts of the rounds (bytecode cache): to healthy "
        f"{', '.join(f'{r.healthy_after:.2f}' for r in bots)} s (goal <= 2 s); idle RSS "
        f"{', '.join(f'{r.idle_rss:.0f}' for r in bots)} MB (goal <= 120 MB)",
    ]
    report("Answering mentions: bot vs bare Bolt, same work", lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--burst", type=int, default=100)
    parser.add_argument("--burst-at", type=float, default=30.0)
    parser.add_argument(
        "--starts", type=int, default=3, help="bot starts timed, without and with bytecode"
    )
    parser.add_argument(
        "--without-commands",
        action="store_true",
        help="no custom commands folder: help lists the built-ins and asks Looker nothing",
    )
    args = parser.parse_args()
    asyncio.run(
        main(
            args.rounds,
            args.rate,
            args.seconds,
            args.burst,
            args.burst_at,
            args.starts,
            not args.without_commands,
        )
    )
