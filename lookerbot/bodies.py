"""Reading request bodies within a size and a time limit, after authentication.

Every route reads its body through :func:`read_body`, and only once the request has
proved where it comes from (a Slack signature needs the body, so Slack's routes read theirs
within Slack's own small limit). A body over the limit or too slow to arrive ends the
request with 413 or 408 and a closed connection: the rest is never read.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

KIB = 1024
MIB = 1024 * KIB

SLACK_MAX_BODY = 256 * KIB
"""Slack's payloads are a few KiB; anything near this size is not from Slack."""
LOOKER_MAX_BODY = 1 * MIB
"""Looker's webhooks, data actions and Action Hub forms: plans, params, a form's values."""
ACTION_HUB_MAX_BODY = 32 * MIB
"""An authenticated Action Hub execution may carry its query result inline."""
BODY_SECONDS = web.AppKey("body_seconds", float)
"""The application's limit on the seconds a client may take to send a body (slow senders
hold a connection open); ``LOOKERBOT_REQUEST_TIMEOUT``."""
DEFAULT_BODY_SECONDS = 20.0


class BodyError(Exception):
    """The body could not be read within the route's limits."""

    def __init__(self, status: int, limit: int) -> None:
        super().__init__(status, limit)
        self.status = status
        self.limit = limit


async def read_body(request: web.Request, *, limit: int) -> bytes:
    """The body, at most ``limit`` bytes, within the application's ``BODY_SECONDS``.

    Raises:
        BodyError: 413 when the declared or actual size is over ``limit``, 408 when the
            body takes longer than that.
    """
    seconds = request.app.get(BODY_SECONDS, DEFAULT_BODY_SECONDS)
    if request.content_length is not None and request.content_length > limit:
        raise BodyError(413, limit)
    body = bytearray()
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.content.iter_chunked(64 * KIB):
                body += chunk
                if len(body) > limit:
                    raise BodyError(413, limit)
    except TimeoutError:
        raise BodyError(408, limit) from None
    return bytes(body)
