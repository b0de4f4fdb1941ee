"""A Looker or Slack emulator in a process of its own, for benchmarks (run as a child).

    python -m benchmarks.emulator_process slack|looker

The app under test, each emulator and the load generator each get a process, so the Looker
work only the bot asks for (refreshing its custom commands) neither runs on the load
generator's event loop nor delays the Slack emulator's answers, which both apps wait for.
Prints one JSON line with the URL and credentials, then serves until SIGTERM. A small
control server on 127.0.0.1 tells the benchmark what the emulator received:

- ``GET /calls?method=M`` (Slack): each call of ``M``: its arrival time
  (``time.monotonic()``, the clock of every asyncio loop on Linux, so comparable with the
  benchmark's loop time), its ``thread_ts``, whether a message in that thread was accepted,
  and a digest of its text and blocks;
- ``GET /first?method=M`` (Slack): the arguments of the first call of ``M``;
- ``GET /counts``: Slack calls per method, or Looker requests;
- ``POST /reset``: forget all of it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import hashlib
import json
import signal
import sys
from typing import Any

from aiohttp import web

from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.slack_emulator import SlackEmulator
from tests.conftest import TODAY


def digest(args: dict[str, Any]) -> str:
    """A digest of a message's text and blocks (to show two apps sent the same reply)."""
    content = {"text": args.get("text"), "blocks": args.get("blocks")}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]


def slack_control(slack: SlackEmulator) -> web.Application:
    async def calls(request: web.Request) -> web.Response:
        method = request.query["method"]
        # Threads with a message the emulator accepted (a call it refused left none).
        threads = {m.thread_ts for m in slack.messages}
        return web.json_response(
            [
                {
                    "at": c.at,
                    "status": c.status,
                    "thread_ts": c.args.get("thread_ts"),
                    "accepted": c.args.get("thread_ts") in threads,
                    "digest": digest(c.args),
                }
                for c in slack.calls_to(method)
            ]
        )

    async def first(request: web.Request) -> web.Response:
        found = slack.calls_to(request.query["method"])
        return web.json_response(found[0].args if found else None)

    async def counts(request: web.Request) -> web.Response:
        return web.json_response(dict(collections.Counter(c.method for c in slack.calls)))

    async def reset(request: web.Request) -> web.Response:
        slack.calls.clear()
        slack.messages.clear()
        return web.json_response({})

    app = web.Application()
    app.router.add_get("/calls", calls)
    app.router.add_get("/first", first)
    app.router.add_get("/counts", counts)
    app.router.add_post("/reset", reset)
    return app


def looker_control(looker: LookerEmulator) -> web.Application:
    async def counts(request: web.Request) -> web.Response:
        return web.json_response({"requests": len(looker.requests)})

    async def reset(request: web.Request) -> web.Response:
        looker.requests.clear()
        return web.json_response({})

    app = web.Application()
    app.router.add_get("/counts", counts)
    app.router.add_post("/reset", reset)
    return app


async def serve(kind: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    async with contextlib.AsyncExitStack() as stack:
        if kind == "slack":
            slack = await stack.enter_async_context(SlackEmulator())
            control = slack_control(slack)
            info = {"api_url": slack.api_url, "bot_token": slack.bot_token}
        else:
            looker = await stack.enter_async_context(LookerEmulator(today=TODAY))
            control = looker_control(looker)
            info = {
                "url": looker.url,
                "client_id": looker.client_id,
                "client_secret": looker.client_secret,
            }
        runner = web.AppRunner(control, access_log=None)
        await runner.setup()
        stack.push_async_callback(runner.cleanup)
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        info["control_url"] = f"http://127.0.0.1:{runner.addresses[0][1]}"
        print(json.dumps(info), flush=True)
        await stop.wait()


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("slack", "looker"):
        sys.exit("usage: python -m benchmarks.emulator_process slack|looker")
    asyncio.run(serve(sys.argv[1]))
