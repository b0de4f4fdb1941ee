"""The reference: a bare slack-bolt AsyncApp on aiohttp, written the way Bolt's docs show.

Run by the benchmarks (``python -m benchmarks.bare_bolt``), configured by BENCH_* variables.
With ``BENCH_HELP_REPLY`` (a JSON file holding the ``text`` and ``blocks`` the bot answers
``help`` with, read once at start), it answers an ``app_mention`` with that help through
the Slack calls the bot makes for one: ``users.info`` for the person who asked (remembered
for five minutes, as the bot does), then ``chat.postEphemeral`` to them, in the mention's
thread if it has one (``auth.test`` is asked once, by Bolt). Every other event is
acknowledged and ignored; slash commands are acknowledged.

Bolt as it ships: signature verification on, ``process_before_response`` off (events are
acknowledged first and the listener runs after), one ``AsyncWebClient`` whose aiohttp
session every call shares (as the bot's does).
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

USER_TTL = 300.0
"""Seconds a users.info answer is reused (the bot's SlackDirectory keeps them as long)."""


def build(session: aiohttp.ClientSession) -> web.Application:
    client = AsyncWebClient(
        token=os.environ["BENCH_BOT_TOKEN"],
        base_url=os.environ["BENCH_SLACK_API_URL"],
        session=session,
    )
    app = AsyncApp(client=client, signing_secret=os.environ["BENCH_SIGNING_SECRET"])
    reply_file = os.environ.get("BENCH_HELP_REPLY")
    if reply_file:
        reply = json.loads(Path(reply_file).read_text())
        users: dict[str, tuple[float, dict[str, Any]]] = {}

        @app.event("app_mention")
        async def help_reply(event: dict[str, Any], client: AsyncWebClient) -> None:
            user, channel = event.get("user"), event.get("channel")
            if not user or not channel or event.get("bot_id") or event.get("subtype"):
                return
            cached = users.get(user)
            if cached is None or time.monotonic() - cached[0] >= USER_TTL:
                found = await client.users_info(user=user)
                cached = (time.monotonic(), found["user"])
                users[user] = cached
            if cached[1].get("is_bot") or cached[1].get("deleted"):
                return
            await client.chat_postEphemeral(
                channel=channel,
                user=user,
                text=reply["text"],
                blocks=reply.get("blocks"),
                thread_ts=event.get("thread_ts"),
            )

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


async def serve() -> web.Application:
    session = aiohttp.ClientSession()
    web_app = build(session)

    async def close(_: web.Application) -> None:
        await session.close()

    web_app.on_cleanup.append(close)
    return web_app


if __name__ == "__main__":
    web.run_app(
        serve(), host="127.0.0.1", port=int(os.environ["BENCH_PORT"]), access_log=None, print=None
    )
