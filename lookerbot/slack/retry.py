"""The bot's Slack retry policy as a slack_sdk retry handler.

It sits on the one ``AsyncWebClient`` the bot and Bolt share, so Bolt's and Socket Mode's
own calls (``auth.test``, ``apps.connections.open``) get it too. Compared with slack_sdk's
stock handlers it:

- honours ``Retry-After`` on 429 (seconds or an HTTP date);
- retries server errors (500, 502, 503, 504) with a capped exponential backoff;
- retries a failed connection, but repeats a call whose request may have reached Slack only
  when repeating it is harmless: never a ``chat.postMessage`` whose answer was lost;
- keeps a deadline for all attempts of one call together;
- makes a retried post wait for its channel's next turn (``ChannelPacer``), so a retry is
  never refused for following the previous post too closely.
"""

from __future__ import annotations

import asyncio
import contextvars
import email.utils
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from lookerbot.errors import LookerbotError
from lookerbot.observability import Metrics

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try one Slack call.

    Attributes:
        deadline: seconds for all attempts of one call together.
        first_backoff: seconds before the first retry of a server or connection error.
        max_backoff: the longest wait between two attempts.
    """

    deadline: float = 60.0
    first_backoff: float = 0.5
    max_backoff: float = 8.0

    def backoff(self, attempt: int) -> float:
        """The wait before attempt ``attempt + 1``."""
        return float(min(self.first_backoff * 2 ** (attempt - 1), self.max_backoff))


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (a number of seconds or an HTTP date),
    or ``None`` when there is none or it cannot be read."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float:
    """Seconds to wait from a ``Retry-After`` header; 1 s when it is missing or unreadable."""
    seconds = parse_retry_after(value, now=now)
    return 1.0 if seconds is None else seconds


class SlotReserver(Protocol):
    """Shared turns per channel (lookerbot.redis.RedisClient)."""

    async def reserve_slot(self, key: str, interval_ms: int) -> int: ...


class ChannelPacer:
    """Spaces posts to one channel by ``interval`` seconds (Slack allows about one a second
    per channel; the margin absorbs network jitter); different channels are not held back.

    Turns shared with other processes through Redis are ``shared_interval`` apart: a post
    leaves each process after its own event-loop delay, and the delays of two processes do
    not move together as one process's do. Measured with two replicas (benchmarks.delivery
    --replicas 2): 1.05 s let 8 to 10 of 100 posts land under a second apart in 2 of 3
    runs; 1.15 s, none in 5.
    """

    def __init__(
        self,
        *,
        interval: float = 1.05,
        shared_interval: float = 1.15,
        clock: Callable[[], float] = time.monotonic,
        shared: SlotReserver | None = None,
    ) -> None:
        self._interval = interval
        self._shared_interval = shared_interval
        self._clock = clock
        self._next_free: dict[str, float] = {}
        self._shared = shared

    async def wait_turn(self, channel: str) -> None:
        """Wait for this channel's next free slot, and take it: in Redis when the bot has
        one (so that replicas take turns too), else, or when Redis fails, in this process."""
        if self._shared is not None:
            try:
                wait_ms = await self._shared.reserve_slot(
                    f"lookerbot:pace:{channel}", round(self._shared_interval * 1000)
                )
            except LookerbotError as exc:
                logger.info("Pacing channel %s in this process only: %s", channel, exc)
            else:
                if wait_ms > 0:
                    await asyncio.sleep(wait_ms / 1000)
                return
        now = self._clock()
        slot = max(now, self._next_free.get(channel, 0.0))
        self._next_free[channel] = slot + self._interval
        if len(self._next_free) > 10_000:  # forget channels idle for a while
            self._next_free = {c: t for c, t in self._next_free.items() if t > now}
        if slot > now:
            await asyncio.sleep(slot - now)


paced_channel: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "paced_channel", default=None
)
"""The channel the call under way posts to, set by the poster around a post (slack_sdk does
not show a handler a JSON request's body), so that a retry waits for the channel's turn."""

# Calls that post something new: repeating one whose answer was lost may post it twice.
# Everything else the bot calls reads, or sets something to the same value again.
NOT_REPEATABLE = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.meMessage",
        "chat.scheduleMessage",
        "files.completeUploadExternal",
        "views.open",
        "views.push",
    }
)


class SlackRetryHandler(AsyncRetryHandler):
    """Retries Slack Web API calls by the bot's :class:`~lookerbot.slack.poster.RetryPolicy`.

    Args:
        policy: deadline and backoff.
        pacer: spaces posts to one channel; a retried post waits for its turn.
        metrics: where retries are counted.
        clock: monotonic seconds (the running loop's by default).
    """

    def __init__(
        self,
        *,
        policy: RetryPolicy | None = None,
        pacer: ChannelPacer | None = None,
        metrics: Metrics | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        # The deadline bounds the attempts; slack_sdk stops at 100 in any case.
        super().__init__(max_retry_count=100)
        self._policy = policy or RetryPolicy()
        self._pacer = pacer
        self._metrics = metrics or Metrics()
        self._clock = clock
        self.retries = 0
        """Attempts repeated so far."""

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        method = request.url.rsplit("/", 1)[-1]
        values = state.custom_values if state.custom_values is not None else {}
        state.custom_values = values
        started = values.setdefault("started", self._now())
        backoff = self._policy.backoff(state.current_attempt + 1)
        if response is not None and error is None:
            if response.status_code == 429:
                wait = _retry_after(response)
                reason = "ratelimited"
            elif response.status_code >= 500:
                wait, reason = backoff, f"http_{response.status_code}"
            else:
                return False
        elif isinstance(error, aiohttp.ClientConnectorError):
            # The connection was never made: nothing reached Slack, so trying again cannot
            # post twice.
            wait, reason = backoff, "connection"
        elif isinstance(error, aiohttp.ClientError | TimeoutError):
            if method in NOT_REPEATABLE:
                logger.error(
                    "Slack %s: the connection failed after the request was sent (%s); it may "
                    "or may not have been posted, so it is not sent again",
                    method,
                    type(error).__name__,
                )
                return False
            wait, reason = backoff, "connection"
        else:
            return False
        if self._now() + wait > started + self._policy.deadline:
            logger.warning(
                "Slack %s failed after %d attempt(s): %s", method, state.current_attempt + 1, reason
            )
            return False
        values["wait"] = wait
        self.retries += 1
        self._metrics.retries.labels("slack", reason[:40]).inc()
        logger.info("Slack %s: %s; trying again in %.1f s", method, reason, wait)
        return True

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        await asyncio.sleep(float((state.custom_values or {}).get("wait", 0.0)))
        channel = paced_channel.get()
        if channel and self._pacer is not None:
            await self._pacer.wait_turn(channel)
        state.increment_current_attempt()


def _retry_after(response: HttpResponse) -> float:
    value = next(
        (str(v[0]) for k, v in response.headers.items() if k.lower() == "retry-after" and v),
        None,
    )
    return retry_after_seconds(value)
