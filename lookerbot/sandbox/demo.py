"""``lookerbot demo``: the whole bot on loopback, against the Looker and Slack emulators.

:class:`Sandbox` starts the emulators and the real bot application and wires them
together; the demo prompt (and the tests) drive it. Each line typed becomes one correctly
signed Slack request, and what the bot then sends to Slack is printed as text.
"""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import aiohttp
from aiohttp import web

from lookerbot import __version__
from lookerbot.app import RUNTIME, Deps, Runtime, app_runner, create_app
from lookerbot.sandbox import canary
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.loopback import LoopbackServer
from lookerbot.sandbox.render import message_to_text, mrkdwn_to_text
from lookerbot.sandbox.sample_data import EXPLORES
from lookerbot.sandbox.slack_driver import DriverResponse, SlackDriver
from lookerbot.sandbox.slack_emulator import PostedMessage, SlackEmulator
from lookerbot.settings import Secret, Settings

DEMO_SIGNING_SECRET = "demo-signing-secret-CANARY-0123456789"
DEMO_WEBHOOK_TOKEN = "demo-looker-webhook-token"
SELF = "self"
"""``public_url=SELF`` makes the sandbox's bot its own public URL (its loopback address)."""
DEMO_ASK_EXPLORES = tuple(EXPLORES)
"""The Explores the demo's ask answers from: thelook/orders, saas/subscriptions and
support/tickets (every Explore of the Looker emulator)."""


def sandbox_settings(
    looker: LookerEmulator,
    slack: SlackEmulator,
    *,
    ask_explores: tuple[str, ...] = (),
    **overrides: Any,
) -> Settings:
    """Settings that point the bot at the emulators (``ask_explores`` turns ask on)."""
    settings = Settings(
        slack_bot_token=Secret(slack.bot_token),
        slack_signing_secret=Secret(DEMO_SIGNING_SECRET),
        slack_api_url=slack.api_url,
        lookers=(
            looker.instance_settings(custom_command_folder_id="10", ask_explores=ask_explores),
        ),
        host="127.0.0.1",
        port=0,
        shutdown_timeout=5.0,
    )
    return dataclasses.replace(settings, **overrides)


class Sandbox:
    """The emulators and the bot, running together on 127.0.0.1.

    Args:
        settings_overrides: changes to the sandbox's settings (see :func:`sandbox_settings`;
            ``ask_explores=("model/explore",)`` turns ask on).
        deps: dependencies to give the bot instead of the defaults.
        looker: a Looker emulator to use; one the sandbox starts, it also stops.
        slack: a Slack emulator to use (two sandboxes sharing one are two bot processes
            behind one Slack app); likewise.
    """

    def __init__(
        self,
        *,
        deps: Deps | None = None,
        looker: LookerEmulator | None = None,
        slack: SlackEmulator | None = None,
        **settings_overrides: Any,
    ) -> None:
        self.looker = looker or LookerEmulator()
        self.slack = slack or SlackEmulator()
        self._overrides = settings_overrides
        self._deps = deps
        self._server: LoopbackServer | None = None
        self._session: aiohttp.ClientSession | None = None
        self.settings: Settings | None = None
        self.bot_url = ""
        self.app: web.Application | None = None
        self._driver: SlackDriver | None = None
        self._owns_looker = False
        self._owns_slack = False

    async def start(self) -> Sandbox:
        """Start the emulators, then the bot."""
        self._owns_looker = not self.looker.url
        if self._owns_looker:
            await self.looker.start()
        self._owns_slack = not self.slack.url
        if self._owns_slack:
            await self.slack.start()
        # The bot's address is known before it starts, so that it can be its own public URL
        # (``public_url=SELF``: Looker's scheduled plans then deliver to it on loopback).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.bot_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        overrides = dict(self._overrides)
        if overrides.get("public_url") == SELF:
            overrides["public_url"] = self.bot_url
        try:
            self.settings = sandbox_settings(self.looker, self.slack, **overrides)
            self.app = create_app(self.settings, self._deps)
            self._server = LoopbackServer(app_runner(self.app, self.settings))
            await self._server.start(sock=sock)
        except BaseException:
            sock.close()
            raise
        self._session = aiohttp.ClientSession(trace_configs=[_canary_trace()])
        self._driver = SlackDriver(
            bot_url=self.bot_url,
            signing_secret=DEMO_SIGNING_SECRET,
            slack=self.slack,
            session=self._session,
        )
        # The bot's own DM posts come back to it as events, as Slack sends them.
        self.slack.event_sink = self._driver.send_event
        if self.runtime.catalog.configured:
            # Start answering once custom commands are known, as a long-running bot would.
            await self.runtime.catalog.wait_loaded(timeout=10)
            await self.runtime.catalog.wait_refreshed()
        return self

    async def stop(self) -> None:
        """Stop the bot (draining its work), then the emulators."""
        if self._driver is not None and self.slack.event_sink == self._driver.send_event:
            self.slack.event_sink = None  # a shared emulator must not send to a stopped bot
        if self._server is not None:
            await self._server.stop()
            self._server = None
        if self._session is not None:
            await self._session.close()
        if self._owns_slack:
            await self.slack.stop()
        if self._owns_looker:
            await self.looker.stop()

    async def __aenter__(self) -> Sandbox:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def driver(self) -> SlackDriver:
        """Sends signed Slack requests to the bot."""
        assert self._driver is not None, "start() the sandbox first"
        return self._driver

    @property
    def session(self) -> aiohttp.ClientSession:
        """An HTTP session for talking to the bot directly."""
        assert self._session is not None, "start() the sandbox first"
        return self._session

    @property
    def runtime(self) -> Runtime:
        """The running bot's dependencies."""
        assert self.app is not None, "start() the sandbox first"
        return self.app[RUNTIME]

    async def settle(self, timeout: float = 30.0) -> None:
        """Wait until the bot has finished everything it started (refreshes included)."""
        await asyncio.wait_for(self.runtime.tasks.wait_idle(), timeout)
        await self.slack.wait_echoes(timeout)
        await asyncio.wait_for(self.runtime.tasks.wait_idle(), timeout)
        await asyncio.wait_for(self.runtime.catalog.wait_refreshed(), timeout)


def _canary_trace() -> aiohttp.TraceConfig:
    """Scan everything the bot answers for canary secrets."""
    trace = aiohttp.TraceConfig()

    async def on_chunk(
        session: aiohttp.ClientSession,
        context: Any,
        params: aiohttp.TraceResponseChunkReceivedParams,
    ) -> None:
        canary.check(f"bot answer to {params.method} {params.url.path}", params.chunk)

    trace.on_response_chunk_received.append(on_chunk)
    return trace


class Transcript:
    """Turns what the Slack emulator received during one turn into readable lines."""

    def __init__(self, slack: SlackEmulator, images: Path) -> None:
        self._slack = slack
        self._images = images
        self._seen_updates: dict[int, int] = {}
        self._responses = 0

    def mark(self) -> None:
        """Forget everything shown so far."""
        self._seen_updates = {id(m): m.updates for m in self._slack.messages}
        self._responses = len(self._slack.responses)

    def lines(self, ack: DriverResponse | None = None) -> list[str]:
        """What changed in Slack since the last :meth:`mark`, then mark."""
        out: list[str] = []
        if ack is not None and ack.text.startswith("{"):
            body = ack.json()
            if body.get("text"):
                out.append(self._format("looker (only you)", mrkdwn_to_text(body["text"])))
        for message in self._slack.messages:
            seen = self._seen_updates.get(id(message))
            if seen is None or seen != message.updates:
                out.extend(self._message_lines(message))
        for response in self._slack.responses[self._responses :]:
            private = response.body.get("response_type") != "in_channel"
            who = "looker (only you)" if private else "looker"
            text = message_to_text(response.body.get("text", ""), response.body.get("blocks") or [])
            out.append(self._format(who, text))
        self.mark()
        return out

    def _message_lines(self, message: PostedMessage) -> list[str]:
        where = " in thread" if message.thread_ts else ""
        who = f"looker{where}" + (" (only you)" if message.ephemeral_to else "")
        lines = []
        text = message_to_text(message.text, message.blocks)
        if text.strip():
            lines.append(self._format(who, text))
        for file_id in message.files:
            uploaded = self._slack.files[file_id]
            self._images.mkdir(parents=True, exist_ok=True)
            path = self._images / f"{file_id}-{Path(uploaded.filename).name}"
            path.write_bytes(uploaded.data)
            lines.append(self._format(who, f"[image saved to {path}] {uploaded.title}"))
        return lines

    @staticmethod
    def _format(who: str, text: str) -> str:
        first, *rest = text.splitlines() or [""]
        pad = " " * (len(who) + 2)
        return "\n".join([f"{who}> {first}", *(pad + line for line in rest)])


_BUTTONS = {
    "!refresh": "answer:refresh",
    "!chart": "answer:view",
    "!table": "answer:view",
    "!csv": "answer:csv",
}


def _last_answer(sandbox: Sandbox) -> PostedMessage | None:
    """The latest message of the bot with an answer's buttons."""
    for message in reversed(sandbox.slack.messages):
        if any(b.get("block_id") == "answer_actions" for b in message.blocks):
            return message
    return None


async def fire_schedules(looker: LookerEmulator) -> int:
    """Let Looker's clock reach every enabled plan's next run: each runs once, now."""
    due = [
        datetime.fromisoformat(str(p["next_run_at"]).replace("Z", "+00:00"))
        for p in looker.schedules.plans.values()
        if p.get("enabled") and p.get("next_run_at") and not p.get("run_once")
    ]
    if not due:
        return 0
    return len(await looker.schedules.run_due(max(due)))


async def press_line(sandbox: Sandbox, line: str) -> str | None:
    """A demo command acting on the last answer or on Looker's schedules; what to print
    before the transcript (``None``: not a demo command)."""
    word, _, rest = line.partition(" ")
    word = word.lower()
    answer = _last_answer(sandbox)
    if (word in _BUTTONS or word in ("!filter", "!subscribe")) and answer is None:
        return "(no answer with buttons yet: run a command first, e.g. revenue)"
    if word in _BUTTONS and answer is not None:
        await sandbox.driver.press(answer, _BUTTONS[word])
        return ""
    if word == "!filter" and answer is not None:
        menu = next(
            (
                e
                for b in answer.blocks
                if str(b.get("block_id", "")).startswith("answer_filters")
                for e in b["elements"]
            ),
            None,
        )
        if menu is None:
            return "(this answer has no filter menu)"
        offered = await sandbox.driver.suggest(answer, menu["action_id"], rest.strip())
        values = [o["value"] for o in offered.options]
        if not values:
            return f"(Looker suggests nothing for {rest.strip()!r})"
        await sandbox.driver.select_external(answer, menu["action_id"], values[0])
        return f"(Looker suggested {', '.join(values)}; chose {values[0]})"
    if word == "!subscribe" and answer is not None:
        await sandbox.driver.press(answer, "answer:subscribe")
        views = list(sandbox.slack.views.values())
        if not views or views[-1].get("callback_id") != "answer_subscribe":
            return "(no subscription form opened)"
        words = rest.split()
        frequency = next((w for w in words if w in ("daily", "weekdays", "weekly", "monthly")), "")
        at = next((w for w in words if ":" in w), "09:00")
        form = {"frequency": frequency or "daily", "time": at, "timezone": "UTC", "day": "1"}
        await sandbox.driver.submit_view(views[-1], form)
        return f"(filled in the form: {form['frequency']} at {at} UTC)"
    if word == "!fire":
        await sandbox.settle()
        ran = await fire_schedules(sandbox.looker)
        return f"(Looker ran {ran} scheduled plan{'s' if ran != 1 else ''} now)"
    if word == "!home":
        await sandbox.driver.open_home()
        await sandbox.settle()
        home = sandbox.driver.home()
        blocks = home.get("blocks", []) if home else []
        return "Home tab:\n" + message_to_text("", blocks)
    return None


async def run_line(sandbox: Sandbox, line: str) -> DriverResponse | None:
    """Send one line as Slack would: ``/looker ...``, ``@looker ...``, or a DM."""
    line = line.strip()
    if line.startswith("/"):
        command, _, text = line.partition(" ")
        ack, _ = await sandbox.driver.slash(text.strip(), command=command)
        return ack
    if line.lower().startswith("@looker"):
        await sandbox.driver.mention(line[len("@looker") :].strip())
        return None
    await sandbox.driver.dm(line)
    return None


BANNER = """Lookerbot {version} demo: the bot, an emulated Looker and an emulated Slack, all here.
Type what you would type in Slack:
  help                 a direct message to the bot
  find revenue         search Looks and dashboards
  ask revenue by region last month
                       a question in plain words, answered with a Looker query
                       (from the shop's orders, SaaS subscriptions or support tickets:
                       ask churn rate by segment, ask tickets by priority last week)
  @looker help         a mention in #general
  /looker find sales   the slash command
Then act on the last answer, as its buttons and menus would:
  !refresh  !chart  !table  !csv
  !filter east         choose in the answer's first filter menu (Looker's suggestions)
  !subscribe weekdays 08:30
                       subscribe this channel (a Looker scheduled plan)
  !fire                let Looker's clock reach the schedules: they deliver now
  subscriptions        list and manage subscriptions
  !home                the bot's Home tab
Ctrl-D (or "quit") ends the demo."""


async def run_demo(
    *, script: Iterable[str] | None, out: TextIO = sys.stdout, images: Path = Path("demo-images")
) -> int:
    """Run the demo: lines from ``script``, or typed at a prompt when it is ``None``."""
    async with (
        LookerEmulator() as looker,
        Sandbox(
            looker=looker,
            lookers=(
                looker.instance_settings(
                    custom_command_folder_id="10",
                    ask_explores=DEMO_ASK_EXPLORES,
                    webhook_token=Secret(DEMO_WEBHOOK_TOKEN),
                ),
            ),
            public_url=SELF,
        ) as sandbox,
    ):
        looker.schedules.webhook_token = DEMO_WEBHOOK_TOKEN
        transcript = Transcript(sandbox.slack, images)
        print(BANNER.format(version=__version__), file=out, flush=True)
        lines = iter(script) if script is not None else None
        while True:
            if lines is not None:
                line = next(lines, None)
                if line is None:
                    break
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                print(f"you> {line.strip()}", file=out, flush=True)
            else:
                try:
                    line = await asyncio.get_running_loop().run_in_executor(None, input, "you> ")
                except EOFError:
                    print(file=out)
                    break
                if line.strip().lower() in ("quit", "exit"):
                    break
                if not line.strip():
                    continue
            transcript.mark()
            pressed = await press_line(sandbox, line.strip())
            ack = None if pressed is not None else await run_line(sandbox, line)
            await sandbox.settle()
            if pressed:
                print(pressed, file=out, flush=True)
            for text in transcript.lines(ack) or ([] if pressed else ["looker> (no answer)"]):
                print(text, file=out, flush=True)
    return 0
