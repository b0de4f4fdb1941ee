"""An OpenAI-compatible chat-completions endpoint on loopback, for testing ask's language model.

It answers ``POST /v1/chat/completions`` with whatever the test sets in :attr:`answer` (a
string, or a function of the request body), records every request, checks the Bearer key
when one is set, and can be told to fail or stall.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from lookerbot.sandbox.loopback import LoopbackServer

PATH = "/v1/chat/completions"


@dataclass(frozen=True)
class LlmRequest:
    """One request the emulator received."""

    body: dict[str, Any]
    authorization: str | None

    @property
    def question(self) -> str:
        """The question the bot asked about."""
        content = self.body["messages"][-1]["content"]
        return str(json.loads(content)["question"])

    @property
    def explores(self) -> list[dict[str, Any]]:
        """The Explores (with their fields) the bot described."""
        content = self.body["messages"][-1]["content"]
        explores: list[dict[str, Any]] = json.loads(content)["explores"]
        return explores


class LlmEmulator:
    """Serves a chat-completions endpoint on 127.0.0.1.

    Args:
        api_key: the key it requires as ``Authorization: Bearer <key>`` (none: no check).
    """

    def __init__(self, *, api_key: str | None = None) -> None:
        self.api_key = api_key
        self.answer: str | Callable[[dict[str, Any]], str] = '{"fields": []}'
        """The assistant's message content: a string, or made from the request body."""
        self.status = 200
        """The HTTP status to answer with."""
        self.raw_body: bytes | None = None
        """When set, sent as the whole response body (for unreadable answers)."""
        self.delay = 0.0
        """Seconds to stall before answering."""
        self.requests: list[LlmRequest] = []
        self._server: LoopbackServer | None = None
        self.url = ""

    async def start(self) -> LlmEmulator:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_post(PATH, self._completions)
        self._server = LoopbackServer.of(app)
        self.url = await self._server.start() + "/v1"
        return self

    async def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            await self._server.stop()
            self._server = None

    async def __aenter__(self) -> LlmEmulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _completions(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"error": {"message": "invalid JSON"}}, status=400)
        authorization = request.headers.get("Authorization")
        self.requests.append(LlmRequest(body, authorization))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.api_key is not None and authorization != f"Bearer {self.api_key}":
            return web.json_response({"error": {"message": "invalid api key"}}, status=401)
        if self.status != 200:
            return web.json_response({"error": {"message": "emulated failure"}}, status=self.status)
        if self.raw_body is not None:
            return web.Response(body=self.raw_body, content_type="application/json")
        content = self.answer(body) if callable(self.answer) else self.answer
        return web.json_response(
            {
                "id": f"chatcmpl-{secrets.token_hex(6)}",
                "object": "chat.completion",
                "model": body.get("model"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            }
        )
