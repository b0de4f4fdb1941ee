"""The SlackPoster seam: everything the bot sends to Slack goes through it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from lookerbot.errors import LookerbotError
from lookerbot.formatting.message import Message
from lookerbot.observability import Metrics
from lookerbot.proxies import Proxies
from lookerbot.slack.retry import (
    NOT_REPEATABLE,
    ChannelPacer,
    RetryPolicy,
    SlackRetryHandler,
    paced_channel,
    retry_after_seconds,
)

logger = logging.getLogger(__name__)


T = TypeVar("T")


class SlackPostError(LookerbotError):
    """Slack refused or failed a post.

    Args:
        error: Slack's error code (``channel_not_found``, ``not_in_channel``, ...) or a
            short description when Slack could not be reached.
        outcome_unknown: the request may have reached Slack (the connection dropped after
            it was sent), so it may or may not have taken effect.
    """

    def __init__(self, error: str, *, outcome_unknown: bool = False) -> None:
        self.error = error
        self.outcome_unknown = outcome_unknown
        super().__init__(error)


class _Retry(Exception):
    """A failed attempt that may be tried again after ``wait`` seconds."""

    def __init__(self, error: str, wait: float) -> None:
        super().__init__(error)
        self.error = error
        self.wait = wait


@dataclass(frozen=True)
class PostedMessage:
    """Where a posted message lives, for updating it later."""

    channel: str
    ts: str


class SlackPoster(Protocol):
    """Posts to Slack on the bot's behalf.

    Implementations raise :class:`SlackPostError` when Slack refuses a call or a call
    cannot be completed; retry rate limits (after ``Retry-After``), server errors and
    failed connections within a deadline; never repeat a post whose outcome is unknown;
    pace posts to one channel to Slack's limit; and never log message contents or tokens.
    """

    async def post(
        self,
        channel: str,
        message: Message,
        *,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> PostedMessage:
        """Post a message to a channel, DM or thread (with Slack message ``metadata``)."""
        ...

    async def update(self, posted: PostedMessage, message: Message) -> None:
        """Replace a message the bot posted."""
        ...

    async def post_ephemeral(
        self, channel: str, user: str, message: Message, *, thread_ts: str | None = None
    ) -> None:
        """Show a message to one person in a channel."""
        ...

    async def respond(
        self, response_url: str, message: Message, *, ephemeral: bool, replace: bool = False
    ) -> None:
        """Answer a slash command or interaction through its ``response_url``; ``replace``
        replaces the message the interaction came from (``replace_original``)."""
        ...

    async def upload_file(
        self,
        channel: str | None,
        *,
        filename: str,
        data: bytes,
        title: str,
        thread_ts: str | None = None,
    ) -> str:
        """Share a file in a channel or thread (Slack's file upload v2); returns its id.

        With ``channel=None`` the file is uploaded but shared nowhere (only the bot sees it).
        """
        ...

    async def delete_file(self, file_id: str) -> None:
        """Delete a file the bot uploaded."""
        ...

    async def unfurl(
        self,
        unfurls: dict[str, Message],
        *,
        channel: str | None = None,
        ts: str | None = None,
        unfurl_id: str | None = None,
        source: str | None = None,
    ) -> None:
        """Attach previews to links in a message (by channel and ts, or by unfurl_id)."""
        ...

    async def user_info(self, user: str) -> dict[str, Any]:
        """``users.info``: the person's user object."""
        ...

    async def auth_test(self) -> dict[str, Any]:
        """``auth.test``: who the bot is (``user_id``, ``team_id``, ``bot_id``)."""
        ...

    async def conversations_page(
        self, *, types: str, cursor: str | None, limit: int
    ) -> dict[str, Any]:
        """One page of ``conversations.list`` (archived ones excluded)."""
        ...

    async def history_page(self, channel: str, *, limit: int) -> dict[str, Any]:
        """The newest page of ``conversations.history`` (``limit`` messages), with metadata."""
        ...

    async def users_page(self, *, cursor: str | None, limit: int) -> dict[str, Any]:
        """One page of ``users.list``."""
        ...

    async def join(self, channel: str) -> None:
        """``conversations.join``: join a public channel."""
        ...

    async def open_dm(self, user: str) -> str:
        """``conversations.open``: the id of the bot's DM with ``user``."""
        ...

    async def open_view(self, trigger_id: str, view: dict[str, Any]) -> dict[str, Any]:
        """``views.open``: open a modal; returns the view (with its ``id``)."""
        ...

    async def update_view(self, view_id: str, view: dict[str, Any]) -> None:
        """``views.update``: replace an open modal."""
        ...

    async def publish_home(self, user: str, view: dict[str, Any]) -> None:
        """``views.publish``: show ``view`` as ``user``'s App Home tab."""
        ...


class WebApiSlackPoster:
    """A :class:`SlackPoster` on slack-sdk's ``AsyncWebClient``.

    Args:
        client: the Web API client. Its retries are its retry handlers': give it a
            :class:`~lookerbot.slack.retry.SlackRetryHandler` sharing ``pacer`` (the bot's
            policy; :func:`build_slack_client` does), and no stock ones.
        session: an aiohttp session for response URLs and file uploads.
        trusted_hosts: other hosts response and upload URLs may point to (the Slack API
            host when it is not Slack's, such as an emulator); Slack's own are always
            trusted. A URL anywhere else is refused, so a forged payload cannot make the bot
            send data to an arbitrary address.
        retry: how hard to try a response URL post or a file upload (which do not go
            through the client).
        pacer: spaces posts to one channel.
        metrics: where call latencies and retries are counted.
    """

    def __init__(
        self,
        *,
        client: AsyncWebClient,
        session: aiohttp.ClientSession,
        trusted_hosts: frozenset[str] = frozenset(),
        retry: RetryPolicy | None = None,
        pacer: ChannelPacer | None = None,
        metrics: Metrics | None = None,
        proxies: Proxies | None = None,
    ) -> None:
        self.client = client
        self._session = session
        self._proxies = proxies or Proxies()
        self._hosts = trusted_hosts
        self._retry = retry or RetryPolicy()
        self._pacer = pacer or ChannelPacer()
        self._metrics = metrics or Metrics()
        self._handler = next(
            (h for h in client.retry_handlers if isinstance(h, SlackRetryHandler)), None
        )
        self._own_retries = 0

    @property
    def retries(self) -> int:
        """Attempts repeated so far (rate limits, server and connection errors)."""
        return self._own_retries + (self._handler.retries if self._handler else 0)

    # -- SlackPoster ---------------------------------------------------------------------

    async def post(
        self,
        channel: str,
        message: Message,
        *,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> PostedMessage:
        payload = message.payload()
        response = await self._api(
            "chat.postMessage",
            lambda: self.client.chat_postMessage(
                channel=channel,
                text=payload["text"],
                blocks=payload.get("blocks"),
                thread_ts=thread_ts,
                metadata=metadata,
            ),
            paced=channel,
        )
        return PostedMessage(channel=str(response["channel"]), ts=str(response["ts"]))

    async def update(self, posted: PostedMessage, message: Message) -> None:
        payload = message.payload()
        await self._api(
            "chat.update",
            lambda: self.client.chat_update(
                channel=posted.channel,
                ts=posted.ts,
                text=payload["text"],
                # Without "blocks", chat.update would keep the old blocks under the new text.
                blocks=payload.get("blocks") or [],
            ),
        )

    async def post_ephemeral(
        self, channel: str, user: str, message: Message, *, thread_ts: str | None = None
    ) -> None:
        payload = message.payload()
        await self._api(
            "chat.postEphemeral",
            lambda: self.client.chat_postEphemeral(
                channel=channel,
                user=user,
                text=payload["text"],
                blocks=payload.get("blocks"),
                thread_ts=thread_ts,
            ),
        )

    async def respond(
        self, response_url: str, message: Message, *, ephemeral: bool, replace: bool = False
    ) -> None:
        self._check_url(response_url, "response_url")
        body = {
            **message.payload(),
            "response_type": "ephemeral" if ephemeral else "in_channel",
            "replace_original": replace,
        }

        async def attempt() -> None:
            async with self._session.post(
                response_url,
                json=body,
                timeout=aiohttp.ClientTimeout(total=30),
                proxy=self._proxies.for_url(response_url),
            ) as resp:
                await self._check_http(resp, "response_url")

        await self._with_retries("response_url", attempt, idempotent=False)

    async def upload_file(
        self,
        channel: str | None,
        *,
        filename: str,
        data: bytes,
        title: str,
        thread_ts: str | None = None,
    ) -> str:
        ticket = await self._api(
            "files.getUploadURLExternal",
            lambda: self.client.files_getUploadURLExternal(filename=filename, length=len(data)),
        )
        upload_url, file_id = str(ticket["upload_url"]), str(ticket["file_id"])
        self._check_url(upload_url, "upload URL")

        async def attempt() -> None:
            async with self._session.post(
                upload_url,
                data=data,
                timeout=aiohttp.ClientTimeout(total=120),
                proxy=self._proxies.for_url(upload_url),
            ) as resp:
                await self._check_http(resp, "upload")

        # Sending the same bytes to the same upload URL again is harmless.
        await self._with_retries("file upload", attempt, idempotent=True)
        await self._api(
            "files.completeUploadExternal",
            lambda: self.client.files_completeUploadExternal(
                files=[{"id": file_id, "title": title}],
                channel_id=channel or None,
                thread_ts=thread_ts or None,
            ),
            paced=channel,
        )
        return file_id

    async def delete_file(self, file_id: str) -> None:
        await self._api(
            "files.delete",
            lambda: self.client.files_delete(file=file_id),
        )

    async def unfurl(
        self,
        unfurls: dict[str, Message],
        *,
        channel: str | None = None,
        ts: str | None = None,
        unfurl_id: str | None = None,
        source: str | None = None,
    ) -> None:
        previews: dict[str, dict[str, Any]] = {}
        for url, message in unfurls.items():
            payload = message.payload()
            blocks = payload.get("blocks") or [
                {"type": "section", "text": {"type": "mrkdwn", "text": payload["text"]}}
            ]
            previews[url] = {"blocks": blocks}
        # chat.unfurl takes the unfurl_id and source of the link_shared event "in place of
        # channel and ts" (https://docs.slack.dev/reference/methods/chat.unfurl); only they
        # work for links still in the message composer (channel "COMPOSER", no real ts).
        # Without them, the channel and ts of the posted message.
        by_message = not (unfurl_id and source)
        await self._api(
            "chat.unfurl",
            lambda: self.client.chat_unfurl(
                unfurls=previews,
                channel=channel if by_message else None,
                ts=ts if by_message else None,
                unfurl_id=None if by_message else unfurl_id,
                source=None if by_message else source,
            ),
        )

    # -- reading Slack -------------------------------------------------------------------

    async def user_info(self, user: str) -> dict[str, Any]:
        response = await self._api(
            "users.info",
            lambda: self.client.users_info(user=user),
        )
        found = response.get("user")
        return found if isinstance(found, dict) else {}

    async def auth_test(self) -> dict[str, Any]:
        response = await self._api(
            "auth.test",
            self.client.auth_test,
        )
        return dict(response.data) if isinstance(response.data, dict) else {}

    async def conversations_page(
        self, *, types: str, cursor: str | None, limit: int
    ) -> dict[str, Any]:
        response = await self._api(
            "conversations.list",
            lambda: self.client.conversations_list(
                types=types, exclude_archived=True, limit=limit, cursor=cursor or None
            ),
        )
        return dict(response.data) if isinstance(response.data, dict) else {}

    async def history_page(self, channel: str, *, limit: int) -> dict[str, Any]:
        response = await self._api(
            "conversations.history",
            lambda: self.client.conversations_history(
                channel=channel, limit=limit, include_all_metadata=True
            ),
        )
        return dict(response.data) if isinstance(response.data, dict) else {}

    async def users_page(self, *, cursor: str | None, limit: int) -> dict[str, Any]:
        response = await self._api(
            "users.list",
            lambda: self.client.users_list(limit=limit, cursor=cursor or None),
        )
        return dict(response.data) if isinstance(response.data, dict) else {}

    async def join(self, channel: str) -> None:
        await self._api(
            "conversations.join",
            lambda: self.client.conversations_join(channel=channel),
        )

    async def open_dm(self, user: str) -> str:
        response = await self._api(
            "conversations.open",
            lambda: self.client.conversations_open(users=user),
        )
        opened = response.get("channel")
        channel = opened.get("id") if isinstance(opened, dict) else None
        if not isinstance(channel, str) or not channel:
            raise SlackPostError("conversations.open answered without a channel")
        return channel

    async def open_view(self, trigger_id: str, view: dict[str, Any]) -> dict[str, Any]:
        response = await self._api(
            "views.open",
            lambda: self.client.views_open(trigger_id=trigger_id, view=view),
            # A trigger works once: a repeated views.open can only fail.
        )
        opened = response.get("view")
        return opened if isinstance(opened, dict) else {}

    async def update_view(self, view_id: str, view: dict[str, Any]) -> None:
        await self._api(
            "views.update",
            lambda: self.client.views_update(view_id=view_id, view=view),
        )

    async def publish_home(self, user: str, view: dict[str, Any]) -> None:
        await self._api(
            "views.publish",
            lambda: self.client.views_publish(user_id=user, view=view),
        )

    # -- calling Slack -------------------------------------------------------------------

    async def _api(
        self,
        method: str,
        request: Callable[[], Awaitable[AsyncSlackResponse]],
        *,
        paced: str | None = None,
    ) -> AsyncSlackResponse:
        """Send ``request`` (one of slack_sdk's typed methods, which encodes ``method`` as
        Slack expects: query or form arguments for read methods, JSON for most writes).
        Retries are the client's :class:`~lookerbot.slack.retry.SlackRetryHandler`;
        ``paced`` names the channel a post goes to, so the first attempt and every retry
        wait for that channel's next free slot."""
        started = time.perf_counter()
        outcome = "ok"
        channel = paced_channel.set(paced)
        try:
            if paced:
                await self._pacer.wait_turn(paced)
            return await request()
        except SlackApiError as exc:
            outcome = "error"
            status = exc.response.status_code
            data = exc.response.data
            error = str(data.get("error") or f"http_{status}") if isinstance(data, dict) else ""
            raise SlackPostError(error or f"http_{status}") from exc
        except aiohttp.ClientConnectorError as exc:
            outcome = "error"
            raise SlackPostError(f"connection: {type(exc).__name__}") from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            if method in NOT_REPEATABLE:
                outcome = "unknown"
                raise SlackPostError(
                    f"outcome unknown: {type(exc).__name__}", outcome_unknown=True
                ) from exc
            outcome = "error"
            raise SlackPostError(f"connection: {type(exc).__name__}") from exc
        finally:
            paced_channel.reset(channel)
            self._metrics.slack_seconds.labels(method, outcome).observe(
                time.perf_counter() - started
            )

    async def _with_retries(
        self, what: str, attempt: Callable[[], Awaitable[T]], *, idempotent: bool
    ) -> T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._retry.deadline
        tries = 0
        while True:
            tries += 1
            try:
                return await attempt()
            except _Retry as retry:
                error, wait = retry.error, retry.wait
            except aiohttp.ClientConnectorError as exc:
                # The connection was never made: nothing reached Slack, so trying again
                # cannot post twice.
                error, wait = f"connection: {type(exc).__name__}", -1.0
            except (aiohttp.ClientError, TimeoutError) as exc:
                if not idempotent:
                    logger.error(
                        "Slack %s: the connection failed after the request was sent (%s); "
                        "it may or may not have been posted, so it is not sent again",
                        what,
                        type(exc).__name__,
                    )
                    raise SlackPostError(
                        f"outcome unknown: {type(exc).__name__}", outcome_unknown=True
                    ) from exc
                error, wait = f"connection: {type(exc).__name__}", -1.0
            if wait < 0:
                wait = self._retry.backoff(tries)
            if loop.time() + wait > deadline:
                logger.warning("Slack %s failed after %d attempt(s): %s", what, tries, error)
                raise SlackPostError(error)
            self._own_retries += 1
            reason = "ratelimited" if error == "ratelimited" else error.split(":")[0]
            self._metrics.retries.labels("slack", reason[:40]).inc()
            logger.info("Slack %s: %s; trying again in %.1f s", what, error, wait)
            await asyncio.sleep(wait)

    async def _check_http(self, resp: aiohttp.ClientResponse, what: str) -> None:
        text = await resp.text()
        if resp.status == 429:
            raise _Retry("ratelimited", retry_after_seconds(resp.headers.get("Retry-After")))
        if resp.status >= 500:
            raise _Retry(f"http_{resp.status}", -1.0)
        if resp.status != 200:
            logger.warning("Slack %s answered HTTP %s: %.200s", what, resp.status, text)
            raise SlackPostError(f"{what.replace(' ', '_')}_http_{resp.status}")

    def _check_url(self, url: str, what: str) -> None:
        if not self._allowed_slack_url(url):
            logger.warning("Refused a %s outside Slack (host %s)", what, urlsplit(url).hostname)
            raise SlackPostError(f"invalid {what}")

    def _allowed_slack_url(self, url: str) -> bool:
        """Slack's own https hosts, or one of the configured hosts (the emulator)."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com")):
            return True
        return host in self._hosts


def build_slack_client(
    *,
    base_url: str,
    session: aiohttp.ClientSession,
    pacer: ChannelPacer,
    metrics: Metrics,
    token: str | None = None,
    policy: RetryPolicy | None = None,
    proxies: Proxies | None = None,
) -> AsyncWebClient:
    """The one ``AsyncWebClient`` the bot and Bolt share, with the bot's retry policy as its
    only retry handler (slack_sdk's stock ones retry neither server errors nor by method).

    Its proxy follows ``proxies`` (see :mod:`lookerbot.proxies`): slack_sdk reads
    ``HTTPS_PROXY`` itself when given none, but ignores ``NO_PROXY``, so the answer is set
    after construction."""
    proxy = (proxies or Proxies()).for_url(base_url)
    client = AsyncWebClient(
        token=token,
        base_url=base_url,
        session=session,
        proxy=proxy,
        retry_handlers=[SlackRetryHandler(policy=policy, pacer=pacer, metrics=metrics)],
    )
    client.proxy = proxy
    return client
