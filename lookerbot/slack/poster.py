"""The SlackPoster seam: everything the bot sends to Slack goes through it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from lookerbot.errors import LookerbotError
from lookerbot.formatting.message import Message

logger = logging.getLogger(__name__)


class SlackPostError(LookerbotError):
    """Slack refused or failed a post.

    Args:
        error: Slack's error code (``channel_not_found``, ``not_in_channel``, ...) or a
            short description when Slack could not be reached.
    """

    def __init__(self, error: str) -> None:
        self.error = error
        super().__init__(error)


@dataclass(frozen=True)
class PostedMessage:
    """Where a posted message lives, for updating it later."""

    channel: str
    ts: str


class SlackPoster(Protocol):
    """Posts to Slack on the bot's behalf.

    Implementations raise :class:`SlackPostError` when Slack refuses a call, retry what
    Slack asks to be retried (rate limits), and never log message contents or tokens.
    """

    async def post(
        self, channel: str, message: Message, *, thread_ts: str | None = None
    ) -> PostedMessage:
        """Post a message to a channel, DM or thread."""
        ...

    async def update(self, posted: PostedMessage, message: Message) -> None:
        """Replace a message the bot posted."""
        ...

    async def post_ephemeral(
        self, channel: str, user: str, message: Message, *, thread_ts: str | None = None
    ) -> None:
        """Show a message to one person in a channel."""
        ...

    async def respond(self, response_url: str, message: Message, *, ephemeral: bool) -> None:
        """Answer a slash command or interaction through its ``response_url``."""
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


class WebApiSlackPoster:
    """A :class:`SlackPoster` on slack-sdk's ``AsyncWebClient``.

    Args:
        client: the Web API client (its retry handlers decide what is retried).
        session: an aiohttp session for ``response_url`` posts.
        trusted_hosts: other hosts response and upload URLs may point to (the Slack API
            host when it is not Slack's, such as an emulator); Slack's own are always
            trusted. A URL anywhere else is refused, so a forged payload cannot make the bot
            send data to an arbitrary address.
    """

    def __init__(
        self,
        *,
        client: AsyncWebClient,
        session: aiohttp.ClientSession,
        trusted_hosts: frozenset[str] = frozenset(),
    ) -> None:
        self.client = client
        self._session = session
        self._hosts = trusted_hosts

    async def post(
        self, channel: str, message: Message, *, thread_ts: str | None = None
    ) -> PostedMessage:
        args: dict[str, Any] = {"channel": channel, **message.payload()}
        if thread_ts:
            args["thread_ts"] = thread_ts
        response = await self._call("chat.postMessage", args)
        return PostedMessage(channel=str(response["channel"]), ts=str(response["ts"]))

    async def update(self, posted: PostedMessage, message: Message) -> None:
        payload = message.payload()
        # Without "blocks", chat.update would keep the old blocks under the new text.
        payload.setdefault("blocks", [])
        await self._call("chat.update", {"channel": posted.channel, "ts": posted.ts, **payload})

    async def post_ephemeral(
        self, channel: str, user: str, message: Message, *, thread_ts: str | None = None
    ) -> None:
        args: dict[str, Any] = {"channel": channel, "user": user, **message.payload()}
        if thread_ts:
            args["thread_ts"] = thread_ts
        await self._call("chat.postEphemeral", args)

    async def respond(self, response_url: str, message: Message, *, ephemeral: bool) -> None:
        if not self._allowed_slack_url(response_url):
            logger.warning(
                "Refused a response_url outside Slack (host %s)", urlsplit(response_url).hostname
            )
            raise SlackPostError("invalid_response_url")
        body = {
            **message.payload(),
            "response_type": "ephemeral" if ephemeral else "in_channel",
            "replace_original": False,
        }
        try:
            async with self._session.post(
                response_url, json=body, timeout=aiohttp.ClientTimeout(total=30)
            ) as resp:
                text = await resp.text()
        except (aiohttp.ClientError, TimeoutError) as exc:
            logger.warning("response_url post failed: %s", type(exc).__name__)
            raise SlackPostError("response_url_unreachable") from exc
        if resp.status != 200:
            logger.warning("response_url post answered HTTP %s: %.200s", resp.status, text)
            raise SlackPostError(f"response_url_http_{resp.status}")

    async def upload_file(
        self,
        channel: str | None,
        *,
        filename: str,
        data: bytes,
        title: str,
        thread_ts: str | None = None,
    ) -> str:
        ticket = await self._call(
            "files.getUploadURLExternal", {"filename": filename, "length": len(data)}, form=True
        )
        upload_url, file_id = str(ticket["upload_url"]), str(ticket["file_id"])
        if not self._allowed_slack_url(upload_url):
            logger.warning(
                "Refused an upload URL outside Slack (host %s)", urlsplit(upload_url).hostname
            )
            raise SlackPostError("invalid_upload_url")
        try:
            async with self._session.post(
                upload_url, data=data, timeout=aiohttp.ClientTimeout(total=120)
            ) as resp:
                await resp.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            logger.warning("File upload failed: %s", type(exc).__name__)
            raise SlackPostError("upload_unreachable") from exc
        if resp.status != 200:
            raise SlackPostError(f"upload_http_{resp.status}")
        args: dict[str, Any] = {"files": [{"id": file_id, "title": title}]}
        if channel:
            args["channel_id"] = channel
        if thread_ts:
            args["thread_ts"] = thread_ts
        await self._call("files.completeUploadExternal", args)
        return file_id

    async def delete_file(self, file_id: str) -> None:
        await self._call("files.delete", {"file": file_id}, form=True)

    async def unfurl(
        self,
        unfurls: dict[str, Message],
        *,
        channel: str | None = None,
        ts: str | None = None,
        unfurl_id: str | None = None,
        source: str | None = None,
    ) -> None:
        args: dict[str, Any] = {
            "unfurls": {
                url: {
                    "blocks": m.payload().get("blocks")
                    or [
                        {"type": "section", "text": {"type": "mrkdwn", "text": m.payload()["text"]}}
                    ]
                }
                for url, m in unfurls.items()
            },
        }
        if channel and ts:
            args.update(channel=channel, ts=ts)
        else:
            args.update(unfurl_id=unfurl_id, source=source)
        await self._call("chat.unfurl", args)

    def _allowed_slack_url(self, url: str) -> bool:
        """Slack's own https hosts, or one of the configured hosts (the emulator)."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com")):
            return True
        return host in self._hosts

    async def _call(self, method: str, args: dict[str, Any], *, form: bool = False) -> Any:
        try:
            if form:  # some methods take form arguments only
                return await self.client.api_call(method, data=args)
            return await self.client.api_call(method, json=args)
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            logger.warning("Slack %s failed: %s", method, error)
            raise SlackPostError(error) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            logger.warning("Slack %s failed: %s", method, type(exc).__name__)
            raise SlackPostError(f"connection: {type(exc).__name__}") from exc
