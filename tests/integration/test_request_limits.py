"""Nothing is read before authentication; each route reads at most its own limit, and no
faster-than-allowed client can hold a connection (issue 15).

Requests go over raw sockets so that a test controls exactly what is sent: headers that
declare a 30 MiB body followed by only the first 64 KiB of it. A server that read the body
before checking the token would wait for the rest and never answer; every test waits for
the answer and the connection's end within a 10 s bound, so such a server fails it.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from lookerbot.logs import build_handler
from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.settings import Secret

HOOK = "looker-webhook-token"
AUTH = "lookerbot-auth-token"
MIB = 1024 * 1024
BOUND = 10.0  # seconds: a bound on a hang, not a timing

LOOKER_ROUTES = [
    "/slack/post/channel/general",
    "/data_actions",
    "/data_actions/form",
    "/slack/post_from_query_action",
    "/",
    "/actions/braze/execute",
    "/actions/braze/form",
]


@pytest.fixture
async def sandbox(looker: LookerEmulator) -> AsyncIterator[Sandbox]:
    async with Sandbox(
        looker=looker,
        lookers=(looker.instance_settings(webhook_token=Secret(HOOK)),),
        lookerbot_auth_token=Secret(AUTH),
        public_url="https://bot.example.com",
        request_timeout=1.0,
    ) as running:
        yield running


class Answer:
    def __init__(self, raw: bytes) -> None:
        head, _, self.body = raw.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split()[1]) if status_line else 0
        self.headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in lines)}

    def json(self) -> Any:
        return json.loads(self.body)


async def exchange(sandbox: Sandbox, *parts: bytes, pause: float = 0.0) -> bytes:
    """Send ``parts`` (pausing ``pause`` s after each), then read until the server closes."""
    port = int(sandbox.bot_url.rsplit(":", 1)[1])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for part in parts:
            writer.write(part)
            await writer.drain()
            if pause:
                await asyncio.sleep(pause)
        return await asyncio.wait_for(reader.read(), BOUND)
    finally:
        writer.close()


def head(path: str, *, length: int | None, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: bot.example.com", "Content-Type: application/json"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@pytest.mark.parametrize("path", LOOKER_ROUTES)
async def test_an_unauthenticated_30_mib_body_is_refused_unread(sandbox: Sandbox, path: str):
    raw = await exchange(sandbox, head(path, length=30 * MIB), b"[" * (64 * 1024))
    answer = Answer(raw)
    assert answer.status == 401
    assert answer.headers["connection"] == "close"  # the rest is never read
    assert "authorization" in json.dumps(answer.json()).lower()


async def test_slacks_routes_refuse_a_body_over_256_kib_unread(sandbox: Sandbox):
    raw = await exchange(sandbox, head("/slack/events", length=30 * MIB), b"x" * (64 * 1024))
    answer = Answer(raw)
    assert answer.status == 413 and answer.headers["connection"] == "close"
    assert (
        answer.json()["reason"] == "The request body is larger than this route accepts (256 KiB)."
    )


async def test_health_check_answers_beside_four_huge_unauthenticated_requests(sandbox: Sandbox):
    port = int(sandbox.bot_url.rsplit(":", 1)[1])
    held = []
    for path in LOOKER_ROUTES[:4]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(head(path, length=30 * MIB) + b"{" * MIB)
        held.append((reader, writer))
    try:
        async with sandbox.session.get(sandbox.bot_url + "/health_check") as response:
            assert response.status == 200
        for reader, _ in held:
            assert Answer(await asyncio.wait_for(reader.read(), BOUND)).status == 401
    finally:
        for _, writer in held:
            writer.close()


@pytest.mark.parametrize(
    ("path", "limit"),
    [("/data_actions", "1 MiB"), ("/slack/post/channel/general", "1 MiB")],
)
async def test_an_authenticated_body_over_the_routes_limit_gets_413(
    sandbox: Sandbox, path: str, limit: str
):
    hook = {"X-Looker-Webhook-Token": HOOK}
    raw = await exchange(sandbox, head(path, length=2 * MIB, headers=hook), b"{")
    answer = Answer(raw)
    assert answer.status == 413 and answer.headers["connection"] == "close"
    assert (
        answer.json()["reason"] == f"The request body is larger than this route accepts ({limit})."
    )
    # Without Content-Length (chunked), the limit holds as the body arrives.
    chunk = b"{" * (512 * 1024)
    chunked = head(path, length=None, headers={**hook, "Transfer-Encoding": "chunked"})
    frames = [f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" for _ in range(3)]
    answer = Answer(await exchange(sandbox, chunked, *frames))
    assert answer.status == 413


async def test_the_action_hub_takes_large_inline_results_once_authenticated(sandbox: Sandbox):
    # 2 MiB is over the webhooks' limit but within the Action Hub's: the body is read and
    # judged on its content (here: not JSON).
    auth = {"Authorization": f'Token token="{AUTH}"'}
    body = b"x" * (2 * MIB)
    answer = Answer(
        await exchange(
            sandbox, head("/actions/braze/execute", length=len(body), headers=auth), body
        )
    )
    assert answer.status == 400
    assert answer.json()["looker"]["validation_errors"] == {
        "body": "The request body is not valid JSON."
    }


async def test_a_connection_that_sends_headers_slowly_is_closed(sandbox: Sandbox):
    # request_timeout is 1 s here: the headers never finish, and the server hangs up.
    raw = await exchange(sandbox, b"POST /data_actions HTTP/1.1\r\n", b"Host: x\r\n", pause=0.3)
    assert raw == b""


async def test_a_body_that_arrives_too_slowly_gets_408(sandbox: Sandbox):
    auth = {"Authorization": f'Token token="{AUTH}"'}
    raw = await exchange(sandbox, head("/data_actions", length=100, headers=auth), b'{"da')
    answer = Answer(raw)
    assert answer.status == 408 and answer.headers["connection"] == "close"
    assert answer.json()["reason"] == "The request body took too long to arrive."


@pytest.mark.parametrize(
    "header", [b"X-Looker-Webhook-Token: \xff\xfe\x00ab", b'Authorization: Token token="\xe9\xff"']
)
async def test_a_token_header_that_is_not_utf8_gets_401_not_500(sandbox: Sandbox, header: bytes):
    request = head("/data_actions", length=2).replace(b"\r\n\r\n", b"\r\n" + header + b"\r\n\r\n")
    answer = Answer(await exchange(sandbox, request + b"{}"))
    assert answer.status in (400, 401)  # never 500
    if answer.status == 401:
        assert answer.json()["looker"]["success"] is False


async def test_a_deeply_nested_body_is_a_400_not_a_500(sandbox: Sandbox):
    auth = {"Authorization": f'Token token="{AUTH}"'}
    body = b"[" * 200_000 + b"]" * 200_000
    answer = Answer(
        await exchange(sandbox, head("/data_actions", length=len(body), headers=auth), body)
    )
    assert answer.status == 400
    assert answer.json()["looker"]["message"] == "The request body is not valid JSON."


def test_a_newline_in_a_logged_value_cannot_forge_a_log_line():
    stream = io.StringIO()
    logger = logging.getLogger("lookerbot.tests.forgery")
    handler = build_handler(fmt="text", stream=stream)
    logger.addHandler(handler)
    try:
        logger.warning("Rejected %s", "/slack/post/channel/x\nINFO    lookerbot.app: forged\r")
    finally:
        logger.removeHandler(handler)
    (line,) = stream.getvalue().splitlines()
    assert line.endswith("Rejected /slack/post/channel/x\\nINFO    lookerbot.app: forged\\r")
