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
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp

from lookerbot.sandbox import blockkit
from lookerbot.sandbox.slack_emulator import BOT_USER_ID, TEAM_ID, PostedMessage, SlackEmulator
from lookerbot.slack.verify import sign

INTERACTIVITY_DEADLINE = 3.0
"""Seconds Slack waits for the answer to a click or a submission."""


Surface = PostedMessage | dict[str, Any]
"""Where a person acts: a posted message, or a view as Slack keeps it (a Home tab, a modal)."""

MIN_QUERY_LENGTH = 3
"""Characters typed before an external select asks the app (@slack/types
``ExternalSelect.min_query_length``: "The default value is ``3``")."""


class SlackDriverError(Exception):
    """Something a person could not do in Slack (no such button, an option not offered, no
    Home tab): the driver refuses rather than send what Slack never would."""


@dataclass(frozen=True)
class Suggestions:
    """What an external select showed after Slack asked the app for options."""

    sent: bool
    """Whether Slack asked at all (not before ``min_query_length`` characters)."""
    status: int
    """The app's HTTP status (0: no answer within Slack's 3 seconds)."""
    options: list[dict[str, Any]] = field(default_factory=list)
    """The options shown (those of every group, in order); none when Slack refused them."""
    option_groups: list[dict[str, Any]] | None = None
    problems: list[str] = field(default_factory=list)
    """Why Slack showed nothing (an answer it refuses), as Block Kit problems."""


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
        self._offered: dict[tuple[str, str], list[dict[str, Any]]] = {}
        """The options each external select last showed, by surface and action_id."""
        self._view_state: dict[str, dict[str, dict[str, Any]]] = {}
        """What each view's selects show, by view id (its ``state.values``)."""

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

    # -- the App Home and interactive elements of messages and views ----------------------

    async def open_home(self, *, user: str = "U0ALICE") -> DriverResponse | None:
        """Open the app's Home tab: Slack sends ``app_home_opened`` with ``tab`` "home" and
        the published view, if any (@slack/types ``AppHomeOpenedEvent``;
        https://docs.slack.dev/reference/events/app_home_opened). An app whose manifest
        shows no Home tab has none to open; one not subscribed to the event gets none
        (``None``)."""
        if not self.slack.home_tab_enabled:
            raise SlackDriverError(
                "The app shows no Home tab (features.app_home.home_tab_enabled is off)."
            )
        if not self.slack.subscribed("app_home_opened"):
            return None
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user,
            "channel": self.slack.dm_channel(user),
            "tab": "home",
            "event_ts": self._next_ts(),
        }
        view = self.slack.homes.get(user)
        if view is not None:
            event["view"] = view
        return await self.send_event(event)

    async def start_assistant_thread(self, *, user: str = "U0ALICE") -> str:
        """Open the app's assistant pane: Slack starts a thread in the person's DM with the
        app and sends ``assistant_thread_started`` (@slack/types
        ``AssistantThreadStartedEvent``: ``assistant_thread`` with ``user_id``, ``context``,
        ``channel_id`` and ``thread_ts``); the person's messages there arrive as
        ``message.im`` in that thread (``dm(..., thread_ts=...)``). Returns the thread's ts."""
        if not self.slack.assistant_enabled:
            raise SlackDriverError("The app has no assistant pane (features.assistant_view).")
        thread = self.slack.start_assistant_thread(user)
        if self.slack.subscribed("assistant_thread_started"):
            await self.send_event(
                {
                    "type": "assistant_thread_started",
                    "assistant_thread": {
                        "user_id": user,
                        "context": {"team_id": TEAM_ID},
                        "channel_id": thread.channel,
                        "thread_ts": thread.thread_ts,
                    },
                    "event_ts": self._next_ts(),
                }
            )
        return thread.thread_ts

    def home(self, user: str = "U0ALICE") -> dict[str, Any] | None:
        """The Home tab the app published for ``user``, as Slack keeps it."""
        return self.slack.homes.get(user)

    async def press(
        self, surface: Surface, action_id: str, *, user: str = "U0ALICE"
    ) -> tuple[DriverResponse, str | None]:
        """Press the button ``action_id`` in a message or a view; returns the app's answer
        and the interaction's response URL (a view's interactions have none)."""
        block, button = self._element(surface, action_id, ("button",))
        action = {
            "type": "button",
            "action_id": action_id,
            "block_id": block.get("block_id", ""),
            "text": button.get("text"),
            "action_ts": self._action_ts(),
        }
        if "value" in button:
            action["value"] = button["value"]
        return await self._block_action(surface, action, user)

    async def choose_overflow(
        self, surface: Surface, action_id: str, value: str, *, user: str = "U0ALICE"
    ) -> tuple[DriverResponse, str | None]:
        """Choose the option of value ``value`` in the overflow menu ``action_id``
        (@slack/bolt ``OverflowAction``: ``selected_option`` {text, value})."""
        block, menu = self._element(surface, action_id, ("overflow",))
        option = next((o for o in menu.get("options", []) if o.get("value") == value), None)
        if option is None:
            raise SlackDriverError(f"The overflow menu {action_id} has no option {value!r}.")
        action = {
            "type": "overflow",
            "action_id": action_id,
            "block_id": block.get("block_id", ""),
            "selected_option": {"text": option["text"], "value": option["value"]},
            "action_ts": self._action_ts(),
        }
        return await self._block_action(surface, action, user)

    async def suggest(
        self, surface: Surface, action_id: str, typed: str, *, user: str = "U0ALICE"
    ) -> Suggestions:
        """Type ``typed`` into the external select ``action_id``: Slack sends the app a
        ``block_suggestion`` (@slack/bolt ``BlockSuggestion``) to its interactivity URL, as
        signed as any interaction and held to the same 3 seconds, and shows the options of
        its answer if it takes them (:func:`blockkit.options_problems`). Nothing is sent
        before ``min_query_length`` characters."""
        block, menu = self._element(surface, action_id, ("external_select",))
        if len(typed) < int(menu.get("min_query_length", MIN_QUERY_LENGTH)):
            return Suggestions(sent=False, status=0)
        payload = {
            "type": "block_suggestion",
            "action_id": action_id,
            "block_id": block.get("block_id", ""),
            "value": typed,
            "api_app_id": "A0LOOKER",
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": self._user(user),
            "token": "legacy-verification-token",
            **self._where(surface),
        }
        response = await self.interact(payload)
        key = (self._key(surface), action_id)
        self._offered.pop(key, None)
        if response.status != 200:
            return Suggestions(sent=True, status=response.status, problems=["no answer"])
        try:
            body = response.json()
        except ValueError:
            return Suggestions(sent=True, status=200, problems=["the answer is not JSON"])
        problems = blockkit.options_problems(body)
        if problems:
            return Suggestions(sent=True, status=200, problems=problems)
        groups = body.get("option_groups")
        options = list(body.get("options") or [o for g in groups or [] for o in g["options"]])
        self._offered[key] = options
        return Suggestions(sent=True, status=200, options=options, option_groups=groups)

    async def select_external(
        self, surface: Surface, action_id: str, value: str, *, user: str = "U0ALICE"
    ) -> tuple[DriverResponse, str | None]:
        """Pick the option of value ``value`` that the external select ``action_id`` last
        showed (or its ``initial_option``): a ``block_actions`` of type "external_select"
        with ``selected_option`` (@slack/bolt ``ExternalSelectAction``)."""
        block, menu = self._element(surface, action_id, ("external_select",))
        shown = list(self._offered.get((self._key(surface), action_id), []))
        if isinstance(menu.get("initial_option"), dict):
            shown.append(menu["initial_option"])
        option = next((o for o in shown if o.get("value") == value), None)
        if option is None:
            raise SlackDriverError(f"Slack did not offer {value!r} in {action_id}.")
        block_id = block.get("block_id", "")
        action: dict[str, Any] = {
            "type": "external_select",
            "action_id": action_id,
            "block_id": block_id,
            "selected_option": option,
            "action_ts": self._action_ts(),
        }
        if "placeholder" in menu:
            action["placeholder"] = menu["placeholder"]
        if not isinstance(surface, PostedMessage):
            # A view's state holds what its selects show (ViewOutput.state.values).
            state = self._view_state.setdefault(str(surface.get("id")), {})
            state.setdefault(block_id, {})[action_id] = {
                "type": "external_select",
                "selected_option": option,
            }
        return await self._block_action(surface, action, user)

    async def _block_action(
        self, surface: Surface, action: dict[str, Any], user: str
    ) -> tuple[DriverResponse, str | None]:
        """A ``block_actions`` payload (@slack/bolt ``BlockAction``) from ``surface``."""
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM_ID, "domain": "acme"},
            "user": self._user(user),
            "api_app_id": "A0LOOKER",
            "token": "legacy-verification-token",
            "trigger_id": self.slack.new_trigger_id(),
            "actions": [action],
            **self._where(surface),
        }
        response_url = None
        if isinstance(surface, PostedMessage):
            # Messages' interactions carry a response URL; a Home tab's carry none.
            response_url = self.slack.new_response_url()
            payload["response_url"] = response_url
        return await self.interact(payload), response_url

    def _where(self, surface: Surface) -> dict[str, Any]:
        """The ``container`` of an interaction and the message or view it came from."""
        if isinstance(surface, PostedMessage):
            message: dict[str, Any] = {
                "type": "message",
                "ts": surface.ts,
                "text": surface.text,
                "blocks": surface.blocks,
                "user": surface.user,
            }
            if surface.thread_ts:
                message["thread_ts"] = surface.thread_ts
            return {
                "container": {
                    "type": "message",
                    "message_ts": surface.ts,
                    "channel_id": surface.channel,
                    "is_ephemeral": surface.ephemeral_to is not None,
                },
                "channel": {
                    "id": surface.channel,
                    "name": self.slack.channels.get(surface.channel, {}).get("name", ""),
                },
                "message": message,
            }
        view_id = str(surface.get("id"))
        state = self._view_state.get(view_id, {})
        return {
            "container": {"type": "view", "view_id": view_id},
            "view": {**surface, "state": {"values": state}},
        }

    def _user(self, user: str) -> dict[str, Any]:
        name = self.slack.users.get(user, {}).get("name", "x")
        return {"id": user, "username": name, "name": name, "team_id": TEAM_ID}

    @staticmethod
    def _key(surface: Surface) -> str:
        if isinstance(surface, PostedMessage):
            return f"{surface.channel}/{surface.ts}"
        return str(surface.get("id"))

    def _action_ts(self) -> str:
        return f"{int(self._clock())}.{next(self._ts):06d}"

    @staticmethod
    def _element(
        surface: Surface, action_id: str, kinds: tuple[str, ...]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The block holding element ``action_id`` (in an actions block, as a section's
        accessory or as an input's element) and the element, which must be of ``kinds``."""
        blocks = surface.blocks if isinstance(surface, PostedMessage) else surface.get("blocks")
        for block in blocks or []:
            elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
            for key in ("accessory", "element"):
                if isinstance(block.get(key), dict):
                    elements.append(block[key])
            for element in elements:
                if element.get("action_id") == action_id:
                    if element.get("type") not in kinds:
                        raise SlackDriverError(f"{action_id} is a {element.get('type')}.")
                    return block, element
        raise SlackDriverError(f"No element {action_id} to act on.")

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
