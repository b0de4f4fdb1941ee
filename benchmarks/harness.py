"""Shared pieces of the benchmarks: processes, emulators, load generators, statistics.

The bot under test runs as its own process (``python -m lookerbot serve``), as in
production; the benchmark process generates load and hosts the Looker and Slack emulators,
or starts each in a process of its own (:func:`emulator_processes`).
Everything binds 127.0.0.1, every loop is bounded in requests and time, and every process a
benchmark starts is stopped when it ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import aiohttp

from lookerbot.sandbox.demo import DEMO_SIGNING_SECRET
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.slack_driver import SlackDriver
from lookerbot.sandbox.slack_emulator import BOT_USER_ID, TEAM_ID, SlackEmulator
from lookerbot.slack.verify import sign

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def machine() -> str:
    """The machine, for the report."""
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} CPU ({cpu}), Linux {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """CPU time every process on the machine has used since boot (all CPUs), in seconds."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    # user nice system idle iowait irq softirq steal ...: everything but idle and iowait.
    busy = sum(int(v) for i, v in enumerate(fields[:8]) if i not in (3, 4))
    return busy / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values``, nearest rank."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(latencies_s: list[float]) -> str:
    """p50, p90, p99 and max in milliseconds."""
    ms = [x * 1000 for x in latencies_s]
    return (
        f"p50 {statistics.median(ms):.1f} ms, p90 {percentile(ms, 90):.1f} ms, "
        f"p99 {percentile(ms, 99):.1f} ms, max {max(ms):.1f} ms (n={len(ms)})"
    )


@dataclass
class Emulators:
    """The Looker and Slack emulators, running in this process."""

    looker: LookerEmulator
    slack: SlackEmulator

    def bot_env(self, port: int, **extra: str) -> dict[str, str]:
        """The environment of a bot pointed at these emulators."""
        return {
            "SLACK_BOT_TOKEN": self.slack.bot_token,
            "SLACK_SIGNING_SECRET": DEMO_SIGNING_SECRET,
            "SLACK_API_URL": self.slack.api_url,
            "LOOKER_URL": self.looker.url,
            "LOOKER_API_CLIENT_ID": self.looker.client_id,
            "LOOKER_API_CLIENT_SECRET": self.looker.client_secret,
            "LOOKER_CUSTOM_COMMAND_FOLDER_ID": "10",
            "LOOKER_WEBHOOK_TOKEN": "bench-webhook-token",
            "LOOKERBOT_HOST": "127.0.0.1",
            "PORT": str(port),
            **extra,
        }


@contextlib.asynccontextmanager
async def emulators(**looker_args: Any) -> AsyncIterator[Emulators]:
    """Start both emulators; stop them after."""
    async with LookerEmulator(**looker_args) as looker, SlackEmulator() as slack:
        yield Emulators(looker, slack)


@dataclass
class Server:
    """A server process under test."""

    process: subprocess.Popen[bytes]
    url: str
    started_at: float
    healthy_after: float = 0.0
    log: Path = field(default_factory=Path)

    @property
    def pid(self) -> int:
        return self.process.pid


@contextlib.asynccontextmanager
async def server(
    args: list[str],
    env: dict[str, str],
    port: int,
    *,
    health: str = "/health_check",
    timeout: float = 20.0,
) -> AsyncIterator[Server]:
    """Run ``args`` as a process, wait until ``health`` answers 200, stop it after."""
    log = Path(tempfile.gettempdir()) / f"lookerbot-bench-{port}.log"
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(
            args,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tempfile.gettempdir(),
        )
    url = f"http://127.0.0.1:{port}"
    running = Server(process, url, started, log=log)
    try:
        async with aiohttp.ClientSession() as session:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
                if time.monotonic() - started > timeout:
                    raise RuntimeError("server did not become healthy")
                with contextlib.suppress(aiohttp.ClientError):
                    async with session.get(url + health) as response:
                        if response.status < 500:
                            running.healthy_after = time.monotonic() - started
                            break
                await asyncio.sleep(0.02)
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def bot_process(env: dict[str, str], port: int) -> contextlib.AbstractAsyncContextManager[Server]:
    """The bot (``lookerbot serve``) as its own process."""
    return server([sys.executable, "-m", "lookerbot", "serve"], env, port)


class SlackApi(Protocol):
    """Where a Slack Web API is, and the bot token it accepts."""

    @property
    def api_url(self) -> str: ...

    @property
    def bot_token(self) -> str: ...


def bare_bolt_process(
    slack: SlackApi,
    port: int,
    *,
    help_reply: Path | None = None,
    env: dict[str, str] | None = None,
) -> contextlib.AbstractAsyncContextManager[Server]:
    """A bare slack-bolt AsyncApp on its own aiohttp server (``benchmarks/bare_bolt.py``).

    With ``help_reply`` (a JSON file holding the ``text`` and ``blocks`` of the bot's help),
    it answers ``app_mention`` events with that help, through the Slack calls the bot makes;
    without, it acknowledges every event and does nothing. ``env`` is added to its
    environment.
    """
    env = {
        **(env or {}),
        "BENCH_SLACK_API_URL": slack.api_url,
        "BENCH_BOT_TOKEN": slack.bot_token,
        "BENCH_SIGNING_SECRET": DEMO_SIGNING_SECRET,
        "BENCH_PORT": str(port),
        "PYTHONPATH": str(ROOT),
    }
    if help_reply is not None:
        env["BENCH_HELP_REPLY"] = str(help_reply)
    return server([sys.executable, "-m", "benchmarks.bare_bolt"], env, port, health="/")


@dataclass(frozen=True)
class SlackEndpoint:
    """The Slack emulator of an emulator process, as an app sees it."""

    api_url: str
    bot_token: str


@dataclass
class EmulatorProcesses:
    """The Looker and the Slack emulator, each in a child process
    (``benchmarks/emulator_process.py``), and their control servers."""

    looker: dict[str, str]
    slack: SlackEndpoint
    slack_control: str
    looker_control: str
    pids: dict[str, int]
    session: aiohttp.ClientSession

    def bot_env(self, port: int, **extra: str) -> dict[str, str]:
        """The environment of a bot pointed at these emulators (as :meth:`Emulators.bot_env`)."""
        return {
            "SLACK_BOT_TOKEN": self.slack.bot_token,
            "SLACK_SIGNING_SECRET": DEMO_SIGNING_SECRET,
            "SLACK_API_URL": self.slack.api_url,
            "LOOKER_URL": self.looker["url"],
            "LOOKER_API_CLIENT_ID": self.looker["client_id"],
            "LOOKER_API_CLIENT_SECRET": self.looker["client_secret"],
            "LOOKER_CUSTOM_COMMAND_FOLDER_ID": "10",
            "LOOKER_WEBHOOK_TOKEN": "bench-webhook-token",
            "LOOKERBOT_HOST": "127.0.0.1",
            "PORT": str(port),
            **extra,
        }

    async def _get(self, url: str, **query: str) -> Any:
        async with self.session.get(url, params=query) as response:
            response.raise_for_status()
            return await response.json()

    async def slack_calls(self, method: str) -> list[dict[str, Any]]:
        """Each call of ``method`` the Slack emulator received: ``at`` (monotonic seconds),
        ``status``, ``thread_ts``, ``accepted`` (a message in that thread was accepted) and
        ``digest`` (of its text and blocks)."""
        found: list[dict[str, Any]] = await self._get(self.slack_control + "/calls", method=method)
        return found

    async def first_slack_call(self, method: str) -> dict[str, Any] | None:
        """The arguments of the first call of ``method``, if any."""
        found: dict[str, Any] | None = await self._get(self.slack_control + "/first", method=method)
        return found

    async def slack_counts(self) -> dict[str, int]:
        """Slack calls per method."""
        found: dict[str, int] = await self._get(self.slack_control + "/counts")
        return found

    async def looker_requests(self) -> int:
        """Requests the Looker emulator received."""
        return int((await self._get(self.looker_control + "/counts"))["requests"])

    async def reset(self) -> None:
        """Forget the calls, messages and requests recorded so far."""
        for url in (self.slack_control, self.looker_control):
            async with self.session.post(url + "/reset") as response:
                response.raise_for_status()


@contextlib.asynccontextmanager
async def _emulator_child(kind: str, timeout: float) -> AsyncIterator[tuple[int, dict[str, str]]]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.emulator_process",
        kind,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        cwd=str(ROOT),
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout)
        if not line:
            raise RuntimeError(f"the {kind} emulator process exited before it was ready")
        yield process.pid, json.loads(line)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()


@contextlib.asynccontextmanager
async def emulator_processes(timeout: float = 20.0) -> AsyncIterator[EmulatorProcesses]:
    """Start the Looker and the Slack emulator in child processes; stop them after."""
    async with (
        _emulator_child("looker", timeout) as (looker_pid, looker),
        _emulator_child("slack", timeout) as (slack_pid, slack),
        aiohttp.ClientSession() as session,
    ):
        yield EmulatorProcesses(
            looker=looker,
            slack=SlackEndpoint(slack["api_url"], slack["bot_token"]),
            slack_control=slack["control_url"],
            looker_control=looker["control_url"],
            pids={"looker": looker_pid, "slack": slack_pid},
            session=session,
        )


_counter = 0


def event_body(event: dict[str, Any]) -> bytes:
    """A signed-ready ``event_callback`` body with a unique event id."""
    global _counter
    _counter += 1
    return json.dumps(
        {
            "token": "x",
            "team_id": TEAM_ID,
            "api_app_id": "A0LOOKER",
            "type": "event_callback",
            "event_id": f"EvBENCH{_counter:09d}",
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
    ).encode()


def ignored_event() -> bytes:
    """An event both bots acknowledge and do nothing with (a reaction)."""
    return event_body(
        {
            "type": "reaction_added",
            "user": "U0ALICE",
            "reaction": "tada",
            "item": {"type": "message", "channel": "C0GENERAL", "ts": "1.1"},
            "event_ts": "1.2",
        }
    )


def signed_headers(body: bytes) -> dict[str, str]:
    ts = str(int(time.time()))
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sign(DEMO_SIGNING_SECRET, ts, body),
    }


async def open_loop(
    send: Callable[[], Awaitable[int]], *, rate: float, duration: float, max_in_flight: int = 5000
) -> tuple[list[float], int]:
    """Send at ``rate`` per second for ``duration`` seconds, on schedule whatever the answers.

    Latency is counted from each request's scheduled time, so a server that falls behind is
    charged for the queue (no coordinated omission). Returns latencies and errors.
    """
    latencies: list[float] = []
    errors = 0
    tasks: set[asyncio.Task[None]] = set()
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.1
    total = int(rate * duration)

    async def one(scheduled: float) -> None:
        nonlocal errors
        try:
            status = await send()
        except (aiohttp.ClientError, TimeoutError):
            errors += 1
            return
        if status >= 400:
            errors += 1
        latencies.append(loop.time() - scheduled)

    for i in range(total):
        scheduled = start + i / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        if len(tasks) >= max_in_flight:
            errors += 1
            continue
        task = loop.create_task(one(scheduled))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.wait_for(asyncio.gather(*tasks), 60)
    return latencies, errors


async def on_schedule(
    send: Callable[[int], Awaitable[int]], schedule: list[float], *, timeout: float = 10.0
) -> list[float | None]:
    """Call ``send(i)`` at ``schedule[i]`` seconds from now, whatever the answers (open loop).

    Each latency counts from the request's scheduled time, so a server that falls behind is
    charged for the queue (no coordinated omission). Returns one latency per request, in
    seconds, or ``None`` for an error (no answer within ``timeout``, or a status >= 400).
    """
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.1
    latencies: list[float | None] = [None] * len(schedule)

    async def one(i: int, scheduled: float) -> None:
        try:
            status = await asyncio.wait_for(send(i), timeout)
        except (aiohttp.ClientError, TimeoutError):
            return
        if status < 400:
            latencies[i] = loop.time() - scheduled

    tasks = []
    for i, at in sorted(enumerate(schedule), key=lambda item: item[1]):
        delay = start + at - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(loop.create_task(one(i, start + at)))
    await asyncio.gather(*tasks)
    return latencies


async def closed_loop(
    send: Callable[[], Awaitable[int]], *, concurrency: int, duration: float
) -> float:
    """Requests per second with ``concurrency`` senders back to back for ``duration``."""
    done = 0
    deadline = asyncio.get_running_loop().time() + duration

    async def worker() -> None:
        nonlocal done
        while asyncio.get_running_loop().time() < deadline:
            status = await send()
            if status < 400:
                done += 1

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done / (time.monotonic() - started)


def driver(bot_url: str, slack: SlackEmulator, session: aiohttp.ClientSession) -> SlackDriver:
    """Signed Slack requests to a bot."""
    return SlackDriver(
        bot_url=bot_url, signing_secret=DEMO_SIGNING_SECRET, slack=slack, session=session
    )


def report(title: str, lines: list[str]) -> None:
    """Print a result block (the docs quote these)."""
    print(f"\n## {title}\n{machine()}")
    for line in lines:
        print(f"- {line}")
    sys.stdout.flush()
