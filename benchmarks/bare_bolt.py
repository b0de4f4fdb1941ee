"""The reference: a bare slack-bolt AsyncApp on aiohttp that acknowledges and does nothing.

Run by the benchmarks (``python -m benchmarks.bare_bolt``), configured by BENCH_* variables.
"""

from __future__ import annotations

import os
import re
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def build() -> web.Application:
    client = AsyncWebClient(
        token=os.environ["BENCH_BOT_TOKEN"], base_url=os.environ["BENCH_SLACK_API_URL"]
    )
    app = AsyncApp(client=client, signing_secret=os.environ["BENCH_SIGNING_SECRET"])

    @app.event(re.compile(".*"))
    async def nothing(event: dict[str, Any]) -> None:
        return None

    @app.command(re.compile(".*"))
    async def ack_only(ack: Any) -> None:
        await ack()

    web_app = app.web_app(path="/slack/events")

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    web_app.router.add_get("/", hello)
    return web_app


if __name__ == "__main__":
    web.run_app(
        build(), host="127.0.0.1", port=int(os.environ["BENCH_PORT"]), access_log=None, print=None
    )
