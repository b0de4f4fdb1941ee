"""Plays Slack's part towards the bot: builds Slack-shaped payloads, signs them, sends them.

Used by the demo (each typed line becomes one request) and by the tests.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from lookerbot.sandbox.slack_emulator import BOT_USER_ID, TEAM_ID, SlackEmulator
from lookerbot.slack.verify import sign

INTERACTIVITY_DEADLINE = 3.0
"""Seconds Slack waits for the answer to a click or a submission."""


@dataclass(frozen=True)
class DriverResponse:
    """The bot's HTTP answer to one request."""

    status: int
    text: str

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.text)


class SlackDriver:
    """Sends signed Slack requests to a bot.

    Args:
        bot_url: the bot's base URL.
        signing_secret: the secret to sign with (the bot's, unless testing forgery).
        slack: the Slack emulator, which hands out response URLs and DM channels.
        session: the HTTP session to send with.
        clock: seconds since the epoch, for the signature timestamp.
    """

    def __init__(
        self,
        *,
        bot_url: str,
        signing_secret: str,
        slack: SlackEmulator,
        session: aiohttp.ClientSession,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bot_url = bot_url.rstrip("/")
        self.signing_secret = signing_secret
        self.slack = slack
        self._session = session
        self._clock = clock
        self._ts = itertools.count(1)

    def _next_ts(self) -> str:
        return f"1710000000.{next(self._ts):06d}"

    def signed_headers(self, body: bytes, *, timestamp: str | None = None) -> dict[str, str]:
        """Headers Slack would send with ``body``."""
        ts = timestamp if timestamp is not None else str(int(self._clock()))
        return {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sign(self.signing_secret, ts, body),
        }

    async def post(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str,
        headers: Mapping[str, str] | None = None,
        sign_it: bool = True,
    ) -> DriverResponse:
        """POST ``body`` to the bot, signed unless ``sign_it`` is false."""
        all_headers = {"Content-Type": content_type}
        if sign_it:
            all_headers.update(self.signed_headers(body))
        all_headers.update(headers or {})
        # Large bodies go as a stream, as aiohttp prefers.
        data: bytes | io.BytesIO = io.BytesIO(body) if len(body) > 512 * 1024 else body
        async with self._session.post(self.bot_url + path, data=data, headers=all_headers) as r:
            return DriverResponse(r.status, await r.text())

    async def send_event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> DriverResponse:
        """Deliver an Events API ``event_callback`` wrapping ``event``."""
        payload = {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": "A0LOOKER",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{secrets.token_hex(6).upper()}",
            "event_time": int(self._clock()),
            "authorizations": [
                {
                    "team_id": TEAM_ID,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
        }
        body = json.dumps(payload).encode()
        return await self.post(
            "/slack/events", body, content_type="application/json", headers=headers
        )

    async def mention(
        self,
        text: str,
        *,
        user: str = "U0ALICE",
        channel: str = "C0GENERAL",
        thread_ts: str | None = None,
    ) -> DriverResponse:
        """``@looker <text>`` in a channel (or a thread)."""
        ts = self._next_ts()
        event = {
            "type": "app_mention",
            "user": user,
            "text": f"<@{BOT_USER_ID}> {text}",
            "ts": ts,
            "channel": channel,
            "event_ts": ts,
            "team": TEAM_ID,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return await self.send_event(event)

    async def dm(
        self, text: str, *, user: str = "U0ALICE", thread_ts: str | None = None
    ) -> DriverResponse:
        """A direct message to the bot (in a thread of the DM, with ``thread_ts``)."""
        ts = self._next_ts()
        event = {
            "type": "message",
            "channel_type": "im",
            "user": user,
            "text": text,
            "ts": ts,
            "channel": self.slack.dm_channel(user),
            "event_ts": ts,
            "team": TEAM_ID,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return await self.send_event(event)

    async def link_shared(
        self,
        urls: list[str],
        *,
        user: str = "U0ALICE",
        channel: str = "C0GENERAL",
        composer: bool = False,
        thread_ts: str | None = None,
    ) -> DriverResponse:
        """Someone posted links whose domains the app registered for unfurling; with
        ``composer``, is still typing them in the message composer. The event (channel
        ``COMPOSER``, ``source``, ``unfurl_id``, ``message_ts``, ``is_bot_user_member``)
        comes from the emulator, which then accepts chat.unfurl for it
        (https://docs.slack.dev/reference/events/link_shared)."""
        event = self.slack.share_links(
            urls, user=user, channel=channel, composer=composer, thread_ts=thread_ts
        )
        return await self.send_event(event)

    async def slash(
        self,
        text: str,
        *,
        user: str = "U0ALICE",
        channel: str = "C0GENERAL",
        command: str = "/looker",
        path: str = "/slack/events",
    ) -> tuple[DriverResponse, str]:
        """``/looker <text>``; returns the bot's answer and the command's response URL."""
        response_url = self.slack.new_response_url()
        user_info = self.slack.users.get(user, {})
        form = {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "acme",
            "channel_id": channel,
            "channel_name": self.slack.channels.get(channel, {}).get("name", "directmessage"),
            "user_id": user,
            "user_name": user_info.get("name", "someone"),
            "command": command,
            "text": text,
            "api_app_id": "A0LOOKER",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": self.slack.new_trigger_id(),
        }
        body = urlencode(form).encode()
        response = await self.post(path, body, content_type="application/x-www-form-urlencoded")
        return response, response_url

    async def interact(self, payload: dict[str, Any]) -> DriverResponse:
        """Send an interactivity payload (button click, view submission) as Slack does.

        Slack waits 3 seconds for the answer and then shows the person an error, whatever
        comes later ("Your app must respond within 3 seconds",
        https://docs.slack.dev/interactivity/handling-user-interaction): an answer later
        than that comes back as status 0 and no body, as if none had come."""
        body = urlencode({"payload": json.dumps(payload)}).encode()
        try:
            return await asyncio.wait_for(
                self.post("/slack/events", body, content_type="application/x-www-form-urlencoded"),
                INTERACTIVITY_DEADLINE,
            )
        except TimeoutError:
            return DriverResponse(0, "")

    async def click(
        self,
        message: Any,
        action_id: str,
        *,
        user: str = "U0ALICE",
        response_url: str | None = None,
    ) -> tuple[DriverResponse, str]:
        """Click the button ``action_id`` of a posted message; returns the bot's answer and the
        click's response URL."""
        button = next(
            e
            for b in message.blocks
            if b.get("type") == "actions"
            for e in b["elements"]
            if e.get("action_id") == action_id
        )
        response_url = response_url or self.slack.new_response_url()
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": {
                "id": user,
                "username": self.slack.users.get(user, {}).get("name", "x"),
                "team_id": TEAM_ID,
            },
            "api_app_id": "A0LOOKER",
            "token": "legacy-verification-token",
            "container": {
                "type": "message",
                "message_ts": message.ts,
                "channel_id": message.channel,
                "is_ephemeral": False,
            },
            "trigger_id": self.slack.new_trigger_id(),
            "channel": {"id": message.channel, "name": "x"},
            "message": {"ts": message.ts, "text": message.text, "blocks": message.blocks},
            "response_url": response_url,
            "actions": [
                {**button, "block_id": "data_actions", "action_ts": "1.2", "type": "button"}
            ],
        }
        return await self.interact(payload), response_url

    async def submit_view(
        self, view: dict[str, Any], values: dict[str, str], *, user: str = "U0ALICE"
    ) -> DriverResponse:
        """Submit a modal with ``values`` typed into its inputs (by field block)."""
        state: dict[str, Any] = {}
        for block in view.get("blocks", []):
            if block.get("type") != "input":
                continue
            name = block["block_id"]
            value = values.get(name.split(":", 1)[-1])
            element = block["element"]
            if element["type"] == "static_select":
                selected = next((o for o in element["options"] if o["value"] == value), None)
                state[name] = {"value": {"type": "static_select", "selected_option": selected}}
            else:
                state[name] = {"value": {"type": "plain_text_input", "value": value}}
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": {"id": user, "team_id": TEAM_ID},
            "api_app_id": "A0LOOKER",
            "token": "legacy-verification-token",
            "trigger_id": self.slack.new_trigger_id(),
            "view": {
                **view,
                "state": {"values": state},
                "team_id": TEAM_ID,
                "app_id": "A0LOOKER",
                "bot_id": "B0LOOKER",
            },
        }
        return await self.interact(payload)

    async def url_verification(self, challenge: str) -> DriverResponse:
        """Slack's request-URL check."""
        body = json.dumps(
            {
                "token": "legacy-verification-token",
                "challenge": challenge,
                "type": "url_verification",
            }
        ).encode()
        return await self.post("/slack/events", body, content_type="application/json")

    async def click_button(
        self,
        blocks: list[dict[str, Any]],
        action_id: str,
        *,
        channel: str,
        message_ts: str | None = None,
        thread_ts: str | None = None,
        user: str = "U0ALICE",
    ) -> tuple[DriverResponse, str]:
        """Click the button ``action_id`` among ``blocks`` of a message in ``channel``.

        Returns the bot's answer and the interaction's response URL.
        """
        block, button = next(
            (b, e)
            for b in blocks
            if b.get("type") == "actions"
            for e in b.get("elements", [])
            if e.get("action_id") == action_id
        )
        response_url = self.slack.new_response_url()
        message: dict[str, Any] = {"type": "message", "ts": message_ts, "blocks": blocks}
        if thread_ts:
            message["thread_ts"] = thread_ts
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": {"id": user, "team_id": TEAM_ID},
            "api_app_id": "A0LOOKER",
            "token": "legacy-verification-token",
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": message_ts is None,
            },
            "trigger_id": self.slack.new_trigger_id(),
            "channel": {"id": channel},
            "message": message,
            "response_url": response_url,
            "actions": [
                {
                    "type": button.get("type", "button"),
                    "action_id": action_id,
                    "block_id": block.get("block_id", "b"),
                    "text": button.get("text"),
                    "value": button.get("value"),
                    "action_ts": f"{int(self._clock())}.000100",
                }
            ],
        }
        body = urlencode({"payload": json.dumps(payload)}).encode()
        response = await self.post(
            "/slack/events", body, content_type="application/x-www-form-urlencoded"
        )
        return response, response_url
