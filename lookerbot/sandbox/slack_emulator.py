"""A Slack Web API emulator: an aiohttp server on loopback answering the methods the bot calls.

It keeps a small workspace (people, channels, DMs), applies Slack's rules where they
matter (membership, message size limits, tokens), records every call, and can be told to
fail a method (429 with Retry-After, 5xx, or a Slack error code). It also serves response
URLs, file uploads and a Socket Mode WebSocket. The demo and the tests both use it.

Like Slack, it downloads the image of every image block (``image_url``) when a message,
an update, an unfurl or a response is posted, and refuses it with ``invalid_blocks`` when
the download fails or is no image; what it downloaded is kept in :attr:`SlackEmulator.images`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import itertools
import json
import re
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import WSMsgType, web

from lookerbot.manifest import BOT_SCOPES, build_manifest
from lookerbot.sandbox import blockkit, canary, slack_contract
from lookerbot.sandbox.loopback import LoopbackServer

TEAM_ID = "T0ACME"
TEAM_NAME = "Acme"
BOT_USER_ID = "U0LOOKER"
BOT_ID = "B0LOOKER"
DEFAULT_BOT_TOKEN = "xoxb-emulator-CANARY-bot-token"
DEFAULT_APP_TOKEN = "xapp-emulator-CANARY-app-token"

MAX_TEXT = 40000
MAX_IMAGE_URL = 3000
_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
_MESSAGE_METHODS = frozenset(
    {"chat.postMessage", "chat.update", "chat.postEphemeral", "chat.unfurl"}
)
_VIEW_METHODS = frozenset({"views.open", "views.update", "views.push", "views.publish"})


@dataclass(frozen=True)
class SlackCall:
    """One Web API call the emulator received: when (loop time) and the status it got."""

    method: str
    args: dict[str, Any]
    at: float = 0.0
    status: int = 200


@dataclass
class PostedMessage:
    """A message in the emulated workspace, as it is now (after any updates)."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    user: str = BOT_USER_ID
    ephemeral_to: str | None = None
    updates: int = 0
    files: list[str] = field(default_factory=list)
    metadata: dict[str, Any] | None = None
    """Its message metadata (``event_type`` and ``event_payload``), as posted."""
    reply_broadcast: bool = False
    """A thread reply also sent to the channel (``reply_broadcast``)."""


@dataclass
class AssistantThread:
    """A thread of the app's assistant pane: what the app set on it."""

    channel: str
    thread_ts: str
    user: str
    status: str = ""
    statuses: list[str] = field(default_factory=list)
    """Every status the app set, in order (an empty one cleared it)."""
    title: str | None = None
    prompts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ResponseUrlPost:
    """A post to a slash command's or interaction's response URL."""

    response_id: str
    body: dict[str, Any]


@dataclass
class UploadedFile:
    """A file uploaded through files.getUploadURLExternal and the upload URL."""

    id: str
    filename: str
    length: int
    data: bytes = b""
    title: str = ""
    channel: str | None = None
    thread_ts: str | None = None
    completed: bool = False


@dataclass(frozen=True)
class _LinkShare:
    """A link_shared event the emulator sent: where, its source, and its URLs."""

    channel: str
    message_ts: str
    source: str
    urls: frozenset[str]


@dataclass
class _Failure:
    method: str
    status: int
    error: str | None
    retry_after: float | None
    times: int | None


def _user(uid: str, name: str, real: str, email: str, **flags: Any) -> dict[str, Any]:
    """A user object as users.info and users.list return it
    (https://docs.slack.dev/reference/objects/user-object)."""
    team_id = flags.pop("team_id", TEAM_ID)
    profile: dict[str, Any] = {
        "real_name": real,
        "display_name": name,
        "real_name_normalized": real,
        "display_name_normalized": name,
        "team": team_id,
    }
    if email:  # only with users:read.email, and bots have none
        profile["email"] = email
    return {
        "id": uid,
        "team_id": team_id,
        "name": name,
        "real_name": real,
        "deleted": False,
        "color": "9f69e7",
        "tz": "Europe/Amsterdam",
        "tz_label": "Central European Time",
        "tz_offset": 3600,
        "is_admin": False,
        "is_owner": False,
        "is_primary_owner": False,
        "is_bot": False,
        "is_app_user": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        # Whether Slack has confirmed the address (User.is_email_confirmed in @slack/web-api's
        # UsersInfoResponse); people of other organizations are unconfirmed here.
        "is_email_confirmed": team_id == TEAM_ID and bool(email),
        "updated": 1700000000,
        "profile": profile,
        **flags,
    }


def default_users() -> dict[str, dict[str, Any]]:
    """The workspace's people: members, guests, a stranger and a bot."""
    users = [
        _user("U0ALICE", "alice", "Alice Analyst", "alice@example.com"),
        _user("U0BOB", "bob", "Bob Builder", "bob@example.com"),
        _user("U0CAROL", "carol", "Carol Chen", "carol@example.com"),
        _user("U0GUEST", "gus", "Gus Guest", "gus@partner.example", is_restricted=True),
        _user(
            "U0SCG",
            "sam",
            "Sam Single",
            "sam@partner.example",
            is_restricted=True,
            is_ultra_restricted=True,
        ),
        _user("U0OTHER", "olga", "Olga Other", "olga@other.example", team_id="T0OTHER"),
        _user(
            "U0GRID",
            "greta",
            "Greta Grid",
            "greta@example.com",
            team_id="T0SISTER",
            # An Enterprise Grid member: the workspaces are under enterprise_user.teams
            # (https://docs.slack.dev/reference/objects/user-object, "enterprise_user").
            enterprise_user={
                "id": "W0GRID",
                "enterprise_id": "E0ACME",
                "enterprise_name": "Acme Group",
                "is_admin": False,
                "is_owner": False,
                "is_primary_owner": False,
                "teams": ["T0SISTER", TEAM_ID],
            },
        ),
        _user("U0HELPER", "helperbot", "Helper Bot", "", is_bot=True),
        _user(BOT_USER_ID, "looker", "Looker", "", is_bot=True),
    ]
    return {u["id"]: u for u in users}


def default_channels() -> dict[str, dict[str, Any]]:
    """The workspace's channels: the bot is in some and not in others."""
    channels = [
        ("C0GENERAL", "general", False, True),
        ("C0SALES", "sales", False, True),
        ("C0RANDOM", "random", False, False),
        ("G0FINANCE", "finance-private", True, True),
        ("G0SECRET", "secret-private", True, False),
    ]
    return {cid: _channel(cid, name, private, member) for cid, name, private, member in channels}


def _channel(cid: str, name: str, private: bool, member: bool) -> dict[str, Any]:
    """A conversation object as conversations.list and conversations.info return it
    (https://docs.slack.dev/reference/objects/conversation-object)."""
    return {
        "id": cid,
        "name": name,
        "name_normalized": name,
        "created": 1600000000,
        "creator": "U0ALICE",
        "is_channel": not private,
        "is_group": private,
        "is_private": private,
        "is_im": False,
        "is_mpim": False,
        "is_general": name == "general",
        "is_shared": False,
        "is_ext_shared": False,
        "is_org_shared": False,
        "is_archived": False,
        "is_member": member,
        "topic": {"value": "", "creator": "", "last_set": 0},
        "purpose": {"value": "", "creator": "", "last_set": 0},
    }


class SlackEmulator:
    """Serves the Slack Web API on 127.0.0.1.

    Args:
        bot_token: the bot token it accepts.
        app_token: the app-level token it accepts (Socket Mode).
        scopes: the bot token's scopes; the manifest's by default.
        clock: monotonic seconds, for what expires (response URLs, trigger ids).
        manifest: the app's manifest (its Home tab and event subscriptions); the bot's own
            (``lookerbot.manifest.build_manifest``) by default.
    """

    def __init__(
        self,
        *,
        bot_token: str = DEFAULT_BOT_TOKEN,
        app_token: str = DEFAULT_APP_TOKEN,
        scopes: Iterable[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        manifest: dict[str, Any] | None = None,
    ) -> None:
        self.manifest: dict[str, Any] = manifest if manifest is not None else build_manifest(None)
        """The app's manifest, as installed: what Slack shows and sends the app."""
        self.bot_token = bot_token
        self.app_token = app_token
        self.scopes: set[str] = set(scopes if scopes is not None else BOT_SCOPES)
        """The bot token's scopes (by default, those the app's manifest asks for)."""
        self.clock = clock
        self.private_members: dict[str, set[str]] = {
            "G0FINANCE": {"U0ALICE", "U0BOB"},
            "G0SECRET": {"U0CAROL"},
        }
        """People in each private channel; every full member is in the public ones."""
        self.guest_channels: dict[str, set[str]] = {
            "U0GUEST": {"C0GENERAL", "C0SALES"},
            "U0SCG": {"C0GENERAL"},
        }
        """The channels each guest was invited to. A multi-channel guest is in those
        channels only, a single-channel guest in exactly one
        (https://slack.com/help/articles/202518103-Understand-guest-roles-in-Slack)."""
        self.unfurls: list[dict[str, Any]] = []
        """Accepted chat.unfurl calls' arguments, oldest first."""
        self.event_sink: Callable[[dict[str, Any]], Awaitable[Any]] | None = None
        """Where the emulator delivers events of its own making (the bot's own DM posts
        echoed back as message events, as Slack does); set by the sandbox."""
        self._response_urls: dict[str, list[float]] = {}
        self._triggers: dict[str, float | None] = {}
        self._shares: dict[str, _LinkShare] = {}
        self._echoes: set[asyncio.Task[Any]] = set()
        self.echoes_delivered = 0
        """The bot's own DM posts sent back to it as events."""
        self.echo_answers: list[Any] = []
        """The app's answer to each echo: the HTTP response from the event sink, or the
        Socket Mode acknowledgement."""
        self.users = default_users()
        self.channels = default_channels()
        self.calls: list[SlackCall] = []
        self.messages: list[PostedMessage] = []
        self.responses: list[ResponseUrlPost] = []
        self.files: dict[str, UploadedFile] = {}
        self.socket_acks: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}
        """Modals the bot opened, as they stand now, by view id."""
        self.homes: dict[str, dict[str, Any]] = {}
        self.assistant_threads: dict[tuple[str, str], AssistantThread] = {}
        """Threads of the app's assistant pane (AI apps), by channel and thread ts."""
        """Home tabs the bot published, by person."""
        self.images: dict[str, bytes] = {}
        """Images downloaded for image blocks, by URL (as Slack fetches them)."""
        self.deleted_files: list[str] = []
        self._failures: list[_Failure] = []
        self._http: aiohttp.ClientSession | None = None
        self.channel_rate_limit: float | None = None
        """If set, posts to one channel closer than this many seconds get a 429 (Slack's
        one-message-a-second rule, enforced strictly)."""
        self._last_post: dict[str, float] = {}
        self.rate_limited_posts = 0
        self._upload_failures: list[int] = []
        self._clock = itertools.count(1)
        self._response_ids = itertools.count(1)
        self._server: LoopbackServer | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self._ack_waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._socket_connected = asyncio.Event()
        self.url = ""

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self, port: int = 0) -> SlackEmulator:
        """Listen on 127.0.0.1 (a free port unless ``port`` is given)."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{rid}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        app.router.add_get("/files/{file_id}", self._download)
        self._server = LoopbackServer.of(app)
        self.url = await self._server.start(port)
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        return self

    async def stop(self) -> None:
        """Stop serving (and close Socket Mode connections)."""
        for task in list(self._echoes):
            task.cancel()
        await asyncio.gather(*self._echoes, return_exceptions=True)
        for ws in list(self._sockets):
            await ws.close()
        if self._server is not None:
            await self._server.stop()
            self._server = None
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def __aenter__(self) -> SlackEmulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_url(self) -> str:
        """The Web API base URL to give the bot as SLACK_API_URL."""
        return f"{self.url}/api/"

    # -- test controls -------------------------------------------------------------------

    def fail(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: float | None = None,
        times: int | None = 1,
    ) -> None:
        """Make ``method`` fail: an HTTP ``status`` (429 sends ``retry_after``), or, with
        status 200, ``{"ok": false, "error": error}``; status -1 performs the call and then
        drops the connection unanswered. ``times=None`` fails every call."""
        self._failures.append(_Failure(method, status, error, retry_after, times))

    def stop_failing(self, method: str) -> None:
        """Undo :meth:`fail` for ``method``: its calls succeed again."""
        self._failures = [f for f in self._failures if f.method != method]

    def new_response_url(self) -> str:
        """A fresh response URL, as Slack puts in a slash command."""
        rid = str(next(self._response_ids))
        self._response_urls[rid] = [self.clock()]
        return f"{self.url}/response/{rid}"

    def new_trigger_id(self) -> str:
        """A fresh trigger id, as Slack puts in a slash command or an interaction."""
        trigger = f"{secrets.randbelow(10**10)}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"
        self._triggers[trigger] = self.clock()
        return trigger

    def share_links(
        self,
        urls: Iterable[str],
        *,
        user: str,
        channel: str,
        composer: bool = False,
        thread_ts: str | None = None,
    ) -> dict[str, Any]:
        """Someone shares ``urls``: posts them in ``channel`` (the message is stored), or,
        with ``composer``, is still typing them there. Returns the link_shared event Slack
        sends the app (https://docs.slack.dev/reference/events/link_shared) and remembers
        it, so that chat.unfurl accepts its ``unfurl_id`` and ``source``, or its
        ``channel`` and ``message_ts``, for these URLs only.

        Composer events name the channel ``COMPOSER`` and carry a ``message_ts`` that is no
        timestamp, the same string as the ``unfurl_id``
        (https://api.slack.com/changelog/2021-08-changes-to-unfurls)."""
        links = list(urls)
        is_member = bool(self.channels.get(channel, {}).get("is_member"))
        if composer:
            channel = "COMPOSER"
            message_ts = unfurl_id = (
                f"{user}-{uuid.uuid4()}-{secrets.token_hex(16)}"  # "Uxxxxxxx-909b5454-…-gryl3…"
            )
            source = "composer"
        else:
            message_ts = self._next_ts()
            self.add_user_message(channel, message_ts, " ".join(links), user=user)
            # "C123456.123456789.987501.1b90fa…": the channel, the ts, a hash.
            unfurl_id = f"{channel}.{message_ts}.{secrets.token_hex(32)}"
            source = "conversations_history"
        self._shares[unfurl_id] = _LinkShare(channel, message_ts, source, frozenset(links))
        event: dict[str, Any] = {
            "type": "link_shared",
            "channel": channel,
            "is_bot_user_member": is_member,
            "user": user,
            "message_ts": message_ts,
            "unfurl_id": unfurl_id,
            "source": source,
            "links": [{"domain": urlsplit(u).hostname or u, "url": u} for u in links],
            "event_ts": self._next_ts(),
        }
        if thread_ts and not composer:
            event["thread_ts"] = thread_ts
        return event

    def add_user_message(
        self, channel: str, ts: str, text: str, *, user: str, thread_ts: str | None = None
    ) -> None:
        """A message a person posted (links in it can be unfurled by channel and ts), or,
        with ``thread_ts``, their reply in that message's thread."""
        self.messages.append(
            PostedMessage(
                channel=channel, ts=ts, text=text, blocks=[], user=user, thread_ts=thread_ts
            )
        )

    def members_of(self, channel_id: str) -> set[str]:
        """The people in a conversation (the bot aside)."""
        channel = self.channels.get(channel_id) or {}
        if channel.get("is_im"):
            return {str(channel.get("user"))}
        if channel.get("is_private"):
            return set(self.private_members.get(channel_id, set()))
        # Every full member, other apps' bot users too (a bot that posts in a channel is
        # in it); guests only where they were invited.
        return {
            uid
            for uid, user in self.users.items()
            if uid != BOT_USER_ID
            and (not user.get("is_restricted") or channel_id in self.guest_channels.get(uid, set()))
        }

    def calls_to(self, method: str) -> list[SlackCall]:
        """Recorded calls of ``method``."""
        return [c for c in self.calls if c.method == method]

    def visible_messages(self, channel: str | None = None) -> list[PostedMessage]:
        """Messages (not ephemeral) as they stand now, oldest first."""
        return [
            m
            for m in self.messages
            if m.ephemeral_to is None and (channel is None or m.channel == channel)
        ]

    def ephemeral_messages(self, user: str | None = None) -> list[PostedMessage]:
        """Ephemeral messages, oldest first."""
        return [
            m
            for m in self.messages
            if m.ephemeral_to is not None and (user is None or m.ephemeral_to == user)
        ]

    def dm_channel(self, user: str) -> str:
        """The DM channel between the bot and ``user`` (opened if needed)."""
        cid = f"D{user.removeprefix('U')}"
        self.channels.setdefault(
            cid,
            {
                "id": cid,
                "created": 1600000000,
                "is_im": True,
                "is_org_shared": False,
                "user": user,
                "is_member": True,
                "is_private": True,
                "is_archived": False,
                "is_user_deleted": False,
                "priority": 0,
                "name": cid,
            },
        )
        return cid

    def add_channels(self, count: int, *, member: bool = True, prefix: str = "team") -> None:
        """Add ``count`` public channels (for large-workspace tests)."""
        for i in range(count):
            cid = f"C9{i:06d}"
            self.channels[cid] = _channel(cid, f"{prefix}-{i}", False, member)

    # -- Socket Mode ---------------------------------------------------------------------

    async def wait_for_socket(self, timeout: float = 10.0) -> None:
        """Wait until the bot has connected over Socket Mode."""
        await asyncio.wait_for(self._socket_connected.wait(), timeout)

    async def socket_send(
        self, envelope_type: str, payload: dict[str, Any], *, timeout: float = 10.0
    ) -> dict[str, Any]:
        """Send an envelope to the connected bot and return its acknowledgement."""
        if not self._sockets:
            raise RuntimeError("no Socket Mode connection")
        envelope_id = secrets.token_hex(8)
        waiter = asyncio.get_running_loop().create_future()
        self._ack_waiters[envelope_id] = waiter
        await self._sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": envelope_type,
                "payload": payload,
                "accepts_response_payload": envelope_type != "events_api",
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        return await asyncio.wait_for(waiter, timeout)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self._sockets),
                "debug_info": {"host": "emulator"},
                "connection_info": {"app_id": "A0LOOKER"},
            }
        )
        self._socket_connected.set()
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                ack = json.loads(message.data)
                self.socket_acks.append(ack)
                waiter = self._ack_waiters.pop(str(ack.get("envelope_id")), None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(ack)
        finally:
            self._sockets.remove(ws)
        return ws

    # -- HTTP ----------------------------------------------------------------------------

    async def _args(self, request: web.Request, method: str) -> dict[str, Any]:
        """The call's arguments, read as Slack reads them: the query string always, a form
        body, and a JSON body only for a method that takes JSON. A read method ignores a
        JSON body (slack_contract: slack_sdk sends it with GET; Slack's "Posting JSON" docs)
        and so does a form-only method such as files.getUploadURLExternal.

        A ``token`` is read only from a form body (see :meth:`_token`): apps created after
        2021-02-24, as every app made from our manifest is, "may no longer send tokens as
        query parameters" (https://docs.slack.dev/changelog/2020-11-no-more-tokens-in-
        querystrings-for-newly-created-apps), and with a JSON body "you must provide your
        token value using an Authorization HTTP header"
        (https://docs.slack.dev/changelog/2017-10-keeping-up-with-the-jsons)."""
        args: dict[str, Any] = dict(request.query)
        args.pop("token", None)
        contract = slack_contract.METHODS.get(method)
        if request.content_type == "application/json":
            body = await request.json()
            takes_json = contract is None or contract.encoding == "json"
            if isinstance(body, dict) and takes_json:
                args.update({k: v for k, v in body.items() if k != "token"})
        elif request.can_read_body:
            form = await request.post()
            args.update({k: v for k, v in form.items() if isinstance(v, str)})
        for key in ("blocks", "attachments", "files", "unfurls", "view", "users"):
            if isinstance(args.get(key), str) and args[key].startswith(("[", "{")):
                args[key] = json.loads(args[key])
        return args

    def _token(self, request: web.Request, args: dict[str, Any]) -> str:
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            return header[7:].strip()
        return str(args.pop("token", ""))

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            args = await self._args(request, method)
        except ValueError:
            return web.json_response({"ok": False, "error": "invalid_json"})
        token = self._token(request, args)
        args.pop("token", None)
        canary.check(f"Slack {method}", json.dumps(args, default=str))
        now = asyncio.get_running_loop().time()
        failure = next((f for f in self._failures if f.method == method), None)
        self.calls.append(
            SlackCall(method, args, at=now, status=failure.status if failure else 200)
        )
        if failure is not None:
            if failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
            if failure.status == 429:
                headers = {"Retry-After": str(failure.retry_after or 1)}
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers=headers
                )
            if failure.status >= 500:
                return web.Response(status=failure.status, text="upstream error")
            if failure.status == -1:
                # Do the work, then drop the connection before answering: the caller
                # cannot know whether it happened.
                handler = self._methods().get(method)
                if handler is not None:
                    handler(args)
                if request.transport is not None:
                    request.transport.close()
                return web.Response(status=500)
            return web.json_response({"ok": False, "error": failure.error or "fatal_error"})
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if not token:
            # Every method's "not_authed: No authentication token provided."
            # (https://docs.slack.dev/reference/methods/auth.test, "Errors").
            return web.json_response({"ok": False, "error": "not_authed"})
        if not secrets.compare_digest(token.encode(), expected.encode()):
            return web.json_response({"ok": False, "error": "invalid_auth"})
        handler = self._methods().get(method)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        refusal = self._check_contract(method, args)
        if refusal is not None:
            return web.json_response({"ok": False, **refusal})
        if method in _VIEW_METHODS:
            problems = blockkit.view_problems(args.get("view"))
            if problems:
                # Slack refuses a view it cannot show with invalid_arguments and says why.
                return web.json_response(
                    {
                        "ok": False,
                        "error": "invalid_arguments",
                        "response_metadata": {"messages": [f"[ERROR] {p}" for p in problems]},
                    }
                )
        if method in _MESSAGE_METHODS:
            problems = _block_problems(method, args)
            problems += await self._check_images(_blocks_of(method, args))
            if problems:
                return web.json_response(
                    {"ok": False, "error": "invalid_blocks", "errors": problems}
                )
        result = handler(args)
        if result == "ratelimited":
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
            )
        if isinstance(result, str):
            return web.json_response({"ok": False, "error": result})
        # auth.test tells the token's scopes in a header
        # (https://docs.slack.dev/reference/methods/auth.test).
        headers = {"X-OAuth-Scopes": ",".join(sorted(self.scopes))} if method == "auth.test" else {}
        return web.json_response({"ok": True, **result}, headers=headers)

    def _check_contract(self, method: str, args: dict[str, Any]) -> dict[str, Any] | None:
        """Slack's refusal of a call whose arguments or token do not fit the method, or
        ``None``. The rules come from slack_sdk's typed methods and Slack's method
        reference (see :mod:`lookerbot.sandbox.slack_contract`)."""
        contract = slack_contract.METHODS.get(method)
        if contract is not None:
            # token is every method's; team_id too: slack_sdk's clients add it to every
            # call as a default parameter (BaseClient(team_id=...): "for org-wide apps"),
            # and Bolt's per-request client always sets it.
            unknown = sorted(set(args) - contract.arguments - {"token", "team_id"})
            if unknown:
                # Slack names what it could not read in response_metadata.messages.
                return {
                    "error": "invalid_arguments",
                    "response_metadata": {
                        "messages": [f"[ERROR] unknown argument '{name}'" for name in unknown]
                    },
                }
            for name in sorted(contract.required):
                if args.get(name) in (None, "", [], {}):
                    return {"error": slack_contract.missing_error(method, name)}
            no_content = slack_contract.missing_content(method, args)
            if no_content is not None:
                return {"error": no_content}
        if method == "apps.connections.open":
            return None  # an app-level token, checked above; its scope is connections:write
        kind = None
        channel = self.channels.get(str(args.get("channel") or ""))
        if channel is not None:
            kind = _conversation_type(channel)
        needed = slack_contract.missing_scope(method, args, frozenset(self.scopes), kind=kind)
        if needed is not None:
            # https://docs.slack.dev/reference/methods (every method: "missing_scope"), with
            # the scope it needs and the ones the token has.
            return {
                "error": "missing_scope",
                "needed": needed,
                "provided": ",".join(sorted(self.scopes)),
            }
        return None

    def _methods(self) -> dict[str, Callable[[dict[str, Any]], dict[str, Any] | str]]:
        return {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.update": self._update,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.delete": self._delete,
            "chat.unfurl": self._unfurl,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "users.lookupByEmail": self._lookup_by_email,
            "conversations.list": self._conversations_list,
            "conversations.info": self._conversations_info,
            "conversations.join": self._conversations_join,
            "conversations.open": self._conversations_open,
            "conversations.members": self._conversations_members,
            "conversations.history": self._conversations_history,
            "files.getUploadURLExternal": self._get_upload_url,
            "files.completeUploadExternal": self._complete_upload,
            "files.delete": self._delete_file,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "views.push": self._views_push,
            "assistant.threads.setStatus": self._assistant_status,
            "assistant.threads.setTitle": self._assistant_title,
            "assistant.threads.setSuggestedPrompts": self._assistant_prompts,
            "apps.connections.open": lambda args: {
                "url": self.url.replace("http", "ws") + "/socket"
            },
        }

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._clock):06d}"

    def _resolve_channel(self, channel: Any) -> dict[str, Any] | str:
        cid = str(channel or "")
        if cid.startswith("U") and cid in self.users:
            cid = self.dm_channel(cid)
        found = self.channels.get(cid)
        if found is None:
            return "channel_not_found"
        if found.get("is_archived"):
            return "is_archived"
        if not found.get("is_member"):
            return "not_in_channel"
        return found

    @staticmethod
    def _check_message(args: dict[str, Any]) -> str | None:
        text, blocks = args.get("text"), args.get("blocks")
        if not text and not blocks and not args.get("attachments"):
            # "One of these arguments is required": attachments, blocks or text
            # (https://docs.slack.dev/reference/methods/chat.postMessage).
            return "no_text"
        if text is not None and len(str(text)) > MAX_TEXT:
            return "msg_too_long"
        if blocks is not None and blockkit.message_problems(blocks):
            return "invalid_blocks"
        return None

    async def _check_images(self, blocks: list[Any]) -> list[str]:
        """Slack's image block rules, including fetching the image (as Slack does)."""
        problems = []
        for index, block in enumerate(blocks):
            if not isinstance(block, dict) or block.get("type") != "image":
                continue
            where = f"[json-pointer:/blocks/{index}/image_url]"
            url = block.get("image_url")
            if not block.get("alt_text"):
                problems.append(f"must provide alt_text [json-pointer:/blocks/{index}/alt_text]")
            if not isinstance(url, str) or not url:
                if not block.get("slack_file"):
                    problems.append(f"must provide image_url or slack_file {where}")
                continue
            if len(url) > MAX_IMAGE_URL:
                problems.append(f"must be less than {MAX_IMAGE_URL + 1} characters {where}")
                continue
            data = await self._fetch_image(url)
            if data is None:
                problems.append(f"downloading image failed {where}")
            elif not data.startswith(_IMAGE_SIGNATURES):
                problems.append(f"invalid image type {where}")
            else:
                self.images[url] = data
        return problems

    async def _fetch_image(self, url: str) -> bytes | None:
        assert self._http is not None, "start() the emulator first"
        try:
            async with self._http.get(url) as response:
                if response.status != 200:
                    return None
                return await response.read()
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return None

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://acme.slack.com/",
            "team": TEAM_NAME,
            "user": "looker",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _post_message(self, args: dict[str, Any]) -> dict[str, Any] | str:
        channel = self._resolve_channel(args.get("channel"))
        if isinstance(channel, str):
            return channel
        if self.channel_rate_limit is not None:
            now = asyncio.get_running_loop().time()
            last = self._last_post.get(channel["id"])
            if last is not None and now - last < self.channel_rate_limit:
                self.rate_limited_posts += 1
                return "ratelimited"
            self._last_post[channel["id"]] = now
        problem = self._check_message(args)
        if problem:
            return problem
        metadata = _read_metadata(args.get("metadata"))
        if metadata.error:
            return metadata.error
        message = PostedMessage(
            channel=channel["id"],
            ts=self._next_ts(),
            text=str(args.get("text") or ""),
            blocks=list(args.get("blocks") or []),
            thread_ts=args.get("thread_ts"),
            metadata=metadata.value,
            reply_broadcast=bool(args.get("thread_ts")) and _true(args.get("reply_broadcast")),
        )
        self.messages.append(message)
        thread = self.assistant_threads.get((message.channel, message.thread_ts or ""))
        if thread is not None:
            thread.status = ""  # the app's reply clears the status
        if channel.get("is_im"):
            self._echo(message)
        return {
            "channel": message.channel,
            "ts": message.ts,
            "message": {"text": message.text, "ts": message.ts, "bot_id": BOT_ID},
            **metadata.warnings(),
        }

    def _echo(self, message: PostedMessage) -> None:
        """Slack sends the app its own posts in a DM as message.im events, with the bot's
        ``bot_id`` and ``app_id`` (https://docs.slack.dev/reference/events/message.im;
        the message object's bot_id), so a bot must tell them from people's messages.
        The ``user`` is the bot user and there is no ``subtype``: ``bot_message`` is what
        classic apps' and integrations' posts carry
        (https://docs.slack.dev/reference/events/message/bot_message)."""
        event = {
            "type": "message",
            "channel_type": "im",
            "channel": message.channel,
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": "A0LOOKER",
            "text": message.text,
            "blocks": message.blocks,
            "ts": message.ts,
            "event_ts": message.ts,
            "team": TEAM_ID,
            "bot_profile": {"id": BOT_ID, "app_id": "A0LOOKER", "name": "Looker"},
        }
        if message.thread_ts:
            event["thread_ts"] = message.thread_ts
        if not self._sockets and self.event_sink is None:
            return
        task = asyncio.get_running_loop().create_task(self._deliver(event))
        self._echoes.add(task)
        task.add_done_callback(self._echoes.discard)

    async def _deliver(self, event: dict[str, Any]) -> None:
        answer: Any = None
        if self._sockets:
            answer = await self.socket_send(
                "events_api",
                {
                    "type": "event_callback",
                    "team_id": TEAM_ID,
                    "api_app_id": "A0LOOKER",
                    "event": event,
                    "event_id": f"Ev{secrets.token_hex(6).upper()}",
                    "authorizations": [
                        {"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}
                    ],
                },
            )
        elif self.event_sink is not None:
            answer = await self.event_sink(event)
        self.echo_answers.append(answer)
        self.echoes_delivered += 1

    async def wait_echoes(self, timeout: float = 10.0) -> None:
        """Wait until every echo the emulator sent has been answered by the app."""
        while self._echoes:
            await asyncio.wait_for(asyncio.gather(*list(self._echoes)), timeout)

    def _unfurl(self, args: dict[str, Any]) -> dict[str, Any] | str:
        """chat.unfurl takes the ``unfurl_id`` and ``source`` of a link_shared event, or a
        ``channel`` and ``ts``: those of a posted message, or the ``COMPOSER`` channel and
        ``message_ts`` of a composer link_shared event, which Slack also accepts
        (https://api.slack.com/changelog/2021-08-changes-to-unfurls). Each pair goes
        together. The errors are the method's documented ones
        (https://docs.slack.dev/reference/methods/chat.unfurl): ``missing_unfurls``,
        ``invalid_unfurls_format``, ``missing_unfurl_id``, ``missing_source``,
        ``invalid_source``, ``invalid_unfurl_id``, ``missing_channel``, ``missing_ts``,
        ``cannot_find_channel``, ``cannot_find_message``; ``cannot_unfurl_message`` for a
        URL that is not in the message and ``cannot_unfurl_url`` for one that is not in the
        link_shared event ("if you haven't acknowledged a link_shared event tied to the
        same URL")."""
        unfurls = args.get("unfurls")
        if unfurls is None:
            return "missing_unfurls"
        if not isinstance(unfurls, dict):
            return "invalid_unfurls_format"
        unfurl_id, source = args.get("unfurl_id"), args.get("source")
        share: _LinkShare | None = None
        if unfurl_id or source:
            if not unfurl_id:
                return "missing_unfurl_id"
            if source not in ("composer", "conversations_history"):
                return "invalid_source" if source else "missing_source"
            share = self._shares.get(str(unfurl_id))
            if share is None:
                return "invalid_unfurl_id"
            if share.source != source:
                return "invalid_source"  # the event's own source, nothing else
        else:
            channel, ts = args.get("channel"), args.get("ts")
            if not channel:
                return "missing_channel"
            if not ts:
                return "missing_ts"
            if channel == "COMPOSER":
                share = next(
                    (
                        s
                        for s in self._shares.values()
                        if s.channel == "COMPOSER" and s.message_ts == ts
                    ),
                    None,
                )
                if share is None:
                    return "cannot_find_message"
            else:
                if channel not in self.channels:
                    return "cannot_find_channel"
                message = next(
                    (m for m in self.messages if m.channel == channel and m.ts == ts), None
                )
                if message is None:
                    return "cannot_find_message"
                if any(url not in message.text for url in unfurls):
                    return "cannot_unfurl_message"
        if share is not None and any(url not in share.urls for url in unfurls):
            return "cannot_unfurl_url"
        self.unfurls.append(args)
        return {}

    def _update(self, args: dict[str, Any]) -> dict[str, Any] | str:
        found = next(
            (
                m
                for m in self.messages
                if m.channel == args.get("channel")
                and m.ts == args.get("ts")
                and m.ephemeral_to is None
            ),
            None,
        )
        if found is None:
            return "message_not_found"
        if found.user != BOT_USER_ID:
            return "cant_update_message"
        problem = self._check_message(args)
        if problem:
            return problem
        metadata = _read_metadata(args.get("metadata"))
        if metadata.error:
            return metadata.error
        found.text = str(args.get("text") or "")
        if "blocks" in args:
            found.blocks = list(args.get("blocks") or [])
        if "metadata" in args and metadata.warning is None:
            # "If you don't include this field, the message's previous metadata will be
            # retained. To remove previous metadata, include an empty object"
            # (https://docs.slack.dev/reference/methods/chat.update, "metadata").
            found.metadata = metadata.value
        found.updates += 1
        return {"channel": found.channel, "ts": found.ts, "text": found.text, **metadata.warnings()}

    def _post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any] | str:
        channel = self._resolve_channel(args.get("channel"))
        if isinstance(channel, str):
            return channel
        if args.get("user") not in self.users:
            return "user_not_found"
        if args["user"] not in self.members_of(channel["id"]):
            # https://docs.slack.dev/reference/methods/chat.postEphemeral, errors:
            # "user_not_in_channel: Intended recipient is not in the specified channel."
            return "user_not_in_channel"
        problem = self._check_message(args)
        if problem:
            return problem
        message = PostedMessage(
            channel=channel["id"],
            ts=self._next_ts(),
            text=str(args.get("text") or ""),
            blocks=list(args.get("blocks") or []),
            thread_ts=args.get("thread_ts"),
            ephemeral_to=str(args["user"]),
        )
        self.messages.append(message)
        return {"message_ts": message.ts}

    def _delete(self, args: dict[str, Any]) -> dict[str, Any] | str:
        for message in self.messages:
            if message.channel == args.get("channel") and message.ts == args.get("ts"):
                self.messages.remove(message)
                return {"channel": message.channel, "ts": message.ts}
        return "message_not_found"

    def _as_seen(self, user: dict[str, Any]) -> dict[str, Any]:
        """A user object as this token may see it: "The users:read.email OAuth scope is now
        required to access the email field in user objects returned by the users.list and
        users.info web API methods" (https://api.slack.com/scopes/users:read.email)."""
        if "users:read.email" in self.scopes or "email" not in user.get("profile", {}):
            return user
        profile = {k: v for k, v in user["profile"].items() if k != "email"}
        return {**user, "profile": profile}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any] | str:
        user = self.users.get(str(args.get("user")))
        return {"user": self._as_seen(user)} if user else "user_not_found"

    def _users_list(self, args: dict[str, Any]) -> dict[str, Any] | str:
        return self._page([self._as_seen(u) for u in self.users.values()], args, "members")

    def _lookup_by_email(self, args: dict[str, Any]) -> dict[str, Any] | str:
        email = str(args.get("email", "")).lower()
        user = next(
            (u for u in self.users.values() if u["profile"].get("email", "").lower() == email),
            None,
        )
        return {"user": user} if user else "users_not_found"

    def _page(
        self, items: list[dict[str, Any]], args: dict[str, Any], key: str
    ) -> dict[str, Any] | str:
        """One page of a cursor-paginated list
        (https://docs.slack.dev/apis/web-api/pagination): ``limit`` (at most 1,000), an
        opaque ``cursor``, the next one in ``response_metadata.next_cursor`` ("" at the end),
        and ``invalid_cursor`` for a cursor Slack did not give out."""
        try:
            limit = max(1, min(int(args.get("limit") or 100), 1000))
        except ValueError:
            return "invalid_limit"
        start = 0
        if args.get("cursor"):
            try:
                kind, _, offset = base64.b64decode(str(args["cursor"]), validate=True).partition(
                    b":"
                )
                start = int(offset)
            except (ValueError, binascii.Error):
                return "invalid_cursor"
            if kind != key.encode() or start <= 0:
                return "invalid_cursor"  # not one this list gave out
        page = items[start : start + limit]
        end = start + limit
        next_cursor = base64.b64encode(f"{key}:{end}".encode()).decode() if end < len(items) else ""
        return {key: page, "response_metadata": {"next_cursor": next_cursor}}

    def _conversations_list(self, args: dict[str, Any]) -> dict[str, Any] | str:
        types = str(args.get("types") or "public_channel").split(",")
        wanted = []
        for channel in self.channels.values():
            kind = _conversation_type(channel)
            if kind not in types:
                continue
            if kind == "private_channel" and not channel.get("is_member"):
                continue  # Slack lists only the private channels the bot is in
            if channel.get("is_archived") and str(args.get("exclude_archived")) in ("true", "1"):
                continue
            wanted.append(channel)
        return self._page(wanted, args, "channels")

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any] | str:
        channel = self.channels.get(str(args.get("channel")))
        if channel is None or (channel.get("is_private") and not channel.get("is_member")):
            return "channel_not_found"
        return {"channel": channel}

    def _conversations_join(self, args: dict[str, Any]) -> dict[str, Any] | str:
        channel = self.channels.get(str(args.get("channel")))
        if channel is None or channel.get("is_private"):
            return "channel_not_found"
        if channel.get("is_archived"):
            return "is_archived"
        channel["is_member"] = True
        return {"channel": channel}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any] | str:
        """A DM (one user) or group DM (2 to 8), or one resumed by its ``channel``, as
        https://docs.slack.dev/reference/methods/conversations.open answers: the channel's
        id (the whole object with ``return_im``), ``no_op`` and ``already_open`` when it was
        open; errors ``users_list_not_supplied``, ``user_not_found``, ``too_many_users``,
        ``channel_not_found``, ``method_not_supported_for_channel_type``."""
        users = args.get("users")
        names = users if isinstance(users, list) else str(users or "").split(",")
        user_ids = [str(u).strip() for u in names if str(u).strip()]
        if not user_ids:
            if not args.get("channel"):
                return "users_list_not_supplied"
            resumed = self.channels.get(str(args["channel"]))
            if resumed is None:
                return "channel_not_found"
            if _conversation_type(resumed) not in ("im", "mpim"):
                return "method_not_supported_for_channel_type"
            cid, opened = str(resumed["id"]), True
        else:
            if len(user_ids) > 8:
                return "too_many_users"
            if any(u not in self.users for u in user_ids):
                return "user_not_found"
            if len(user_ids) == 1:
                cid = f"D{user_ids[0].removeprefix('U')}"
                opened = cid in self.channels
                self.dm_channel(user_ids[0])
            else:
                cid = "G" + "".join(sorted(u.removeprefix("U")[:3] for u in user_ids)).upper()
                opened = cid in self.channels
                self.channels.setdefault(
                    cid,
                    {
                        **_channel(cid, f"mpdm-{cid.lower()}", True, True),
                        "is_group": False,
                        "is_mpim": True,
                    },
                )
                self.private_members.setdefault(cid, set(user_ids))
        answer: dict[str, Any] = {"channel": {"id": cid}}
        if str(args.get("return_im")).lower() in ("true", "1"):
            answer["channel"] = self.channels[cid]
        if opened:
            answer.update(no_op=True, already_open=True)
        return answer

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any] | str:
        """A conversation's messages, newest first, as
        https://docs.slack.dev/reference/methods/conversations.history answers them.

        - Errors: ``channel_not_found`` for a conversation that does not exist or that the
          bot cannot see (a private one it is not in, as :meth:`_conversations_info`);
          ``not_in_channel`` for a public channel the bot is not in ("Only user tokens can
          access public channels they are not in"; a bot gets it,
          https://github.com/slackapi/deno-slack-sdk/issues/128); ``invalid_ts_oldest``,
          ``invalid_ts_latest``, ``invalid_cursor``.
        - ``oldest`` and ``latest`` bound the timestamps, exclusive unless ``inclusive``
          ("Include messages with oldest or latest timestamps in results. Ignored unless
          either timestamp is specified."); ``latest`` defaults to now, and every
          timestamp the emulator gives out is in the past.
        - ``limit`` is 100 by default, at most 999 ("Maximum of 999"); ``has_more`` and an
          opaque ``response_metadata.next_cursor`` ("" on the last page) page on.
        - Only the conversation's own timeline: "conversations.history method returns only
          parent messages" (https://docs.slack.dev/reference/methods/conversations.replies),
          save replies also sent to the channel, which come as ``thread_broadcast``
          messages (https://docs.slack.dev/reference/events/message/thread_broadcast). A
          thread's parent carries ``thread_ts``, ``reply_count``, ``reply_users``,
          ``reply_users_count`` and ``latest_reply`` (the ``MessageElement`` of
          @slack/web-api's ``ConversationsHistoryResponse``). Ephemeral messages are in
          nobody's history.
        - The bot's own posts carry its ``bot_id`` (with ``app_id`` and ``bot_profile``)
          beside its bot ``user``, as its message events do (see :meth:`_echo`).
        - ``metadata`` only with ``include_all_metadata`` ("Return all metadata associated
          with this message", default false)."""
        channel = self.channels.get(str(args.get("channel") or ""))
        if channel is None or (channel.get("is_private") and not channel.get("is_member")):
            return "channel_not_found"
        if not channel.get("is_member"):
            return "not_in_channel"
        try:
            oldest = _timestamp(args.get("oldest"))
        except ValueError:
            return "invalid_ts_oldest"
        try:
            latest = _timestamp(args.get("latest"))
        except ValueError:
            return "invalid_ts_latest"
        inclusive = _true(args.get("inclusive"))
        try:
            limit = max(1, min(int(args.get("limit") or 100), 999))
        except ValueError:
            return "invalid_limit"
        before: Decimal | None = None
        if args.get("cursor"):
            before = _history_cursor(str(args["cursor"]))
            if before is None:
                return "invalid_cursor"
        timeline = [
            m
            for m in self.visible_messages(str(channel["id"]))
            if m.thread_ts is None or m.thread_ts == m.ts or m.reply_broadcast
        ]
        wanted = []
        for message in sorted(timeline, key=lambda m: Decimal(m.ts), reverse=True):
            ts = Decimal(message.ts)
            if before is not None and ts >= before:
                continue
            if oldest is not None and (ts < oldest or (ts == oldest and not inclusive)):
                continue
            if latest is not None and (ts > latest or (ts == latest and not inclusive)):
                continue
            wanted.append(message)
        page, more = wanted[:limit], len(wanted) > limit
        next_cursor = base64.b64encode(f"next_ts:{page[-1].ts}".encode()).decode() if more else ""
        with_metadata = _true(args.get("include_all_metadata"))
        return {
            "messages": [self._history_message(m, with_metadata=with_metadata) for m in page],
            "has_more": more,
            "pin_count": 0,
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _history_message(self, message: PostedMessage, *, with_metadata: bool) -> dict[str, Any]:
        """A message as conversations.history returns it
        (https://docs.slack.dev/reference/methods/conversations.history, "Response")."""
        shown: dict[str, Any] = {
            "type": "message",
            "user": message.user,
            "text": message.text,
            "ts": message.ts,
            "team": TEAM_ID,
        }
        if message.user == BOT_USER_ID:
            shown.update(
                bot_id=BOT_ID,
                app_id="A0LOOKER",
                bot_profile={"id": BOT_ID, "app_id": "A0LOOKER", "name": "Looker"},
            )
        if message.blocks:
            shown["blocks"] = message.blocks
        if message.files:
            shown["files"] = [
                _file_object(self.files[f], self.url) for f in message.files if f in self.files
            ]
        if message.reply_broadcast:
            shown.update(subtype="thread_broadcast", thread_ts=message.thread_ts)
        replies = [
            m
            for m in self.visible_messages(message.channel)
            if m.thread_ts == message.ts and m.ts != message.ts
        ]
        if replies:
            users = list(dict.fromkeys(m.user for m in replies))
            shown.update(
                thread_ts=message.ts,
                reply_count=len(replies),
                reply_users=users,
                reply_users_count=len(users),
                latest_reply=max((m.ts for m in replies), key=Decimal),
            )
        if with_metadata and message.metadata is not None:
            shown["metadata"] = message.metadata
        return shown

    def _use_trigger(self, trigger_id: Any) -> str | None:
        """Slack's refusal of a trigger id, or ``None`` (and it is used up): one the
        emulator never issued, one already exchanged, one older than 3 s
        (https://docs.slack.dev/reference/methods/views.open, errors
        ``invalid_trigger_id``, ``exchanged_trigger_id``, ``expired_trigger_id``;
        https://docs.slack.dev/interactivity/handling-user-interaction: "expires in 3 seconds")."""
        key = str(trigger_id or "")
        if key not in self._triggers:
            return "invalid_trigger_id"
        issued = self._triggers[key]
        if issued is None:
            return "exchanged_trigger_id"
        if self.clock() - issued > 3.0:
            return "expired_trigger_id"
        self._triggers[key] = None
        return None

    def _views_push(self, args: dict[str, Any]) -> dict[str, Any] | str:
        return self._views_open(args)

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any] | str:
        view = args.get("view")
        if not args.get("trigger_id") or not isinstance(view, dict):
            return "invalid_arguments"
        refused = self._use_trigger(args["trigger_id"])
        if refused is not None:
            return refused
        view_id = f"V{secrets.token_hex(4).upper()}"
        self.views[view_id] = {**view, "id": view_id}
        return {"view": self.views[view_id]}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any] | str:
        view, view_id = args.get("view"), str(args.get("view_id") or "")
        if view_id not in self.views or not isinstance(view, dict):
            return "not_found"
        self.views[view_id] = {**view, "id": view_id}
        return {"view": self.views[view_id]}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any] | str:
        """A person's Home tab (https://docs.slack.dev/reference/methods/views.publish):
        ``user_not_found`` for someone not in the workspace; a home view only; with a
        ``hash``, ``hash_conflict`` unless it is the current view's ("A string that
        represents view state to protect against possible race conditions", @slack/web-api
        ``ViewHash``; the method's errors: "hash_conflict"). The answer is the view as Slack
        keeps it, with its ``id`` and a new ``hash`` (@slack/web-api
        ``ViewsPublishResponse.view``)."""
        user, view = str(args.get("user_id") or ""), args.get("view")
        if user not in self.users:
            return "user_not_found"
        if not isinstance(view, dict) or view.get("type") != "home":
            return "invalid_arguments"
        current = self.homes.get(user)
        given = args.get("hash")
        if given not in (None, "") and (current is None or given != current["hash"]):
            return "hash_conflict"
        view_id = current["id"] if current else f"V{secrets.token_hex(5).upper()}"
        self.homes[user] = self._view_output(view, view_id)
        return {"view": self.homes[user]}

    def _view_output(self, view: dict[str, Any], view_id: str) -> dict[str, Any]:
        """A view as Slack answers and sends it back (@slack/bolt ``ViewOutput``: ids, an
        empty ``state``, a ``hash``, the app's and bot's ids)."""
        return {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": view["type"],
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": view.get("title"),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": "A0LOOKER",
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }

    def start_assistant_thread(self, user: str) -> AssistantThread:
        """A person opens the app's assistant pane: a new thread in their DM with the app
        (https://docs.slack.dev/ai/developing-ai-apps: "a new thread is created ... in the
        app's DM")."""
        thread = AssistantThread(
            channel=self.dm_channel(user), thread_ts=self._next_ts(), user=user
        )
        self.assistant_threads[(thread.channel, thread.thread_ts)] = thread
        return thread

    @property
    def assistant_enabled(self) -> bool:
        """Whether the app's manifest turns the assistant pane on (``features.assistant_view``,
        https://docs.slack.dev/reference/app-manifest)."""
        return isinstance(self.manifest.get("features", {}).get("assistant_view"), dict)

    def _assistant_thread(self, args: dict[str, Any]) -> AssistantThread | str:
        """The assistant thread ``channel_id`` and ``thread_ts`` name. What Slack answers
        for a thread that is not one of the app's assistant threads is not in the
        reference pages we could read; the emulator refuses it (``invalid_arguments``,
        ``channel_not_found`` for an unknown channel) rather than accept it."""
        channel, ts = str(args.get("channel_id") or ""), str(args.get("thread_ts") or "")
        if channel not in self.channels and not channel.startswith("D"):
            return "channel_not_found"
        thread = self.assistant_threads.get((channel, ts))
        return thread if thread is not None else "invalid_arguments"

    def _assistant_status(self, args: dict[str, Any]) -> dict[str, Any] | str:
        """``assistant.threads.setStatus``: the "is thinking…" line under the thread; an
        empty status clears it, and so does the app's next reply in the thread
        (https://docs.slack.dev/reference/methods/assistant.threads.setStatus)."""
        thread = self._assistant_thread(args)
        if isinstance(thread, str):
            return thread
        status = str(args.get("status") or "")
        thread.status = status
        thread.statuses.append(status)
        return {}

    def _assistant_title(self, args: dict[str, Any]) -> dict[str, Any] | str:
        """``assistant.threads.setTitle``: the thread's name in the pane's history."""
        thread = self._assistant_thread(args)
        if isinstance(thread, str):
            return thread
        title = args.get("title")
        if not isinstance(title, str) or not title.strip():
            return "invalid_arguments"
        thread.title = title
        return {}

    def _assistant_prompts(self, args: dict[str, Any]) -> dict[str, Any] | str:
        """``assistant.threads.setSuggestedPrompts``: up to four prompts, each a ``title``
        and a ``message`` (https://docs.slack.dev/reference/methods/
        assistant.threads.setSuggestedPrompts: "Each prompt should be supplied with its
        title and message attribute"; "up to four")."""
        thread = self._assistant_thread(args)
        if isinstance(thread, str):
            return thread
        prompts = args.get("prompts")
        if not isinstance(prompts, list) or not 1 <= len(prompts) <= 4:
            return "invalid_arguments"
        for prompt in prompts:
            if not (
                isinstance(prompt, dict)
                and isinstance(prompt.get("title"), str)
                and prompt["title"].strip()
                and isinstance(prompt.get("message"), str)
                and prompt["message"].strip()
            ):
                return "invalid_arguments"
        thread.prompts = list(prompts)
        return {}

    @property
    def home_tab_enabled(self) -> bool:
        """Whether the app's manifest shows a Home tab (``features.app_home.home_tab_enabled``,
        https://docs.slack.dev/reference/app-manifest)."""
        app_home = self.manifest.get("features", {}).get("app_home", {})
        return bool(app_home.get("home_tab_enabled"))

    def subscribed(self, event_type: str) -> bool:
        """Whether the app's manifest subscribes to ``event_type``
        (``settings.event_subscriptions.bot_events``): Slack sends no other events."""
        events = self.manifest.get("settings", {}).get("event_subscriptions", {})
        return event_type in (events.get("bot_events") or [])

    def _conversations_members(self, args: dict[str, Any]) -> dict[str, Any] | str:
        channel = self.channels.get(str(args.get("channel")))
        if channel is None:
            return "channel_not_found"
        members = [BOT_USER_ID] if channel.get("is_member") else []
        members += sorted(self.members_of(str(channel["id"])))
        page = self._page([{"id": m} for m in members], args, "members")
        if isinstance(page, str):
            return page
        return {**page, "members": [m["id"] for m in page["members"]]}

    def _get_upload_url(self, args: dict[str, Any]) -> dict[str, Any] | str:
        filename = str(args.get("filename") or "")
        try:
            length = int(args.get("length") or 0)
        except ValueError:
            return "invalid_arguments"
        if not filename or length <= 0:
            return "invalid_arguments"
        file_id = f"F{secrets.token_hex(5).upper()}"
        self.files[file_id] = UploadedFile(id=file_id, filename=filename, length=length)
        return {"upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, args: dict[str, Any]) -> dict[str, Any] | str:
        files = args.get("files")
        if not isinstance(files, list) or not files:
            return "invalid_arguments"
        channel_id = args.get("channel_id")
        if channel_id:
            channel = self._resolve_channel(channel_id)
            if isinstance(channel, str):
                return channel
        done = []
        for item in files:
            uploaded = self.files.get(str(item.get("id")))
            if uploaded is None or len(uploaded.data) != uploaded.length:
                return "file_not_found" if uploaded is None else "file_upload_size_mismatch"
            uploaded.title = str(item.get("title") or uploaded.filename)
            uploaded.channel = channel_id
            uploaded.thread_ts = args.get("thread_ts")
            uploaded.completed = True
            done.append(_file_object(uploaded, self.url))
        if channel_id:
            message = PostedMessage(
                channel=str(channel_id),
                ts=self._next_ts(),
                text=str(args.get("initial_comment") or ""),
                blocks=[],
                thread_ts=args.get("thread_ts"),
                files=[str(f["id"]) for f in done],
            )
            self.messages.append(message)
        return {"files": done}

    def _delete_file(self, args: dict[str, Any]) -> dict[str, Any] | str:
        uploaded = self.files.pop(str(args.get("file")), None)
        if uploaded is None:
            return "file_not_found"
        self.deleted_files.append(uploaded.id)
        return {}

    def fail_uploads(self, *, status: int = 503, times: int = 1) -> None:
        """Make the next ``times`` posts to upload URLs answer ``status``."""
        self._upload_failures = [status] * times

    async def _upload(self, request: web.Request) -> web.Response:
        uploaded = self.files.get(request.match_info["file_id"])
        if uploaded is None:
            return web.Response(status=404, text="unknown upload")
        if self._upload_failures:
            await request.read()
            return web.Response(status=self._upload_failures.pop(0), text="upload failed")
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            data = b""
            async for part in reader:
                data = await part.read()  # type: ignore[union-attr]
        else:
            data = await request.read()
        uploaded.data = data
        return web.Response(text=f"OK - {len(data)}")

    async def _download(self, request: web.Request) -> web.Response:
        uploaded = self.files.get(request.match_info["file_id"])
        if uploaded is None or not uploaded.completed:
            return web.Response(status=404)
        return web.Response(body=uploaded.data, content_type="application/octet-stream")

    async def _response_url(self, request: web.Request) -> web.Response:
        # "You can use a response_url five times within 30 minutes"
        # (https://docs.slack.dev/interactivity/handling-user-interaction#message_responses);
        # a URL Slack never gave out is not found. Past its uses or its time Slack answers
        # 404 (bolt-js reports "Request failed with status code 404" for a response_url,
        # https://github.com/slackapi/bolt-js/issues/1261); the body words are not
        # documented, so ours (expired_url, used_url) only tell the two apart.
        uses = self._response_urls.get(request.match_info["rid"])
        if uses is None:
            return web.Response(status=404, text="invalid_url")
        if self.clock() - uses[0] > 30 * 60:
            return web.Response(status=404, text="expired_url")
        if len(uses) > 5:
            return web.Response(status=404, text="used_url")
        try:
            body = await request.json()
        except ValueError:
            return web.Response(status=400, text="invalid_payload")
        if not isinstance(body, dict) or self._check_message(body):
            return web.Response(status=400, text="invalid_payload")
        canary.check("response_url", json.dumps(body))
        if await self._check_images(list(body.get("blocks") or [])):
            return web.Response(status=400, text="invalid_blocks")
        uses.append(self.clock())
        self.responses.append(ResponseUrlPost(request.match_info["rid"], body))
        return web.Response(text="ok")


def _file_object(uploaded: UploadedFile, url: str) -> dict[str, Any]:
    """A file object (https://docs.slack.dev/reference/objects/file-object)."""
    return {
        "id": uploaded.id,
        "created": 1700000000,
        "name": uploaded.filename,
        "title": uploaded.title,
        "mimetype": "image/png" if uploaded.filename.endswith(".png") else "",
        "filetype": uploaded.filename.rsplit(".", 1)[-1],
        "user": BOT_USER_ID,
        "size": uploaded.length,
        "url_private": f"{url}/files/{uploaded.id}",
        "permalink": f"https://acme.slack.com/files/{BOT_USER_ID}/{uploaded.id}",
    }


def _true(value: Any) -> bool:
    """A boolean argument as Slack reads it: ``true`` or ``1`` (slack_sdk sends a Python
    bool in a query or form as ``"1"``/``"0"``, internal_utils.convert_bool_to_0_or_1; in a
    JSON body as ``true``/``false``)."""
    return value is True or str(value).lower() in ("true", "1")


def _timestamp(value: Any) -> Decimal | None:
    """A message timestamp argument (``oldest``, ``latest``), or ``None`` when absent;
    ``ValueError`` when it is no number. Kept exact: ``1700000000.000001`` is no float."""
    if value is None or value == "":
        return None
    try:
        found = Decimal(str(value))
    except InvalidOperation as error:
        raise ValueError(value) from error
    if not found.is_finite():
        raise ValueError(value)
    return found


def _history_cursor(cursor: str) -> Decimal | None:
    """The timestamp a conversations.history cursor continues before, or ``None`` for one
    the emulator did not give out (Slack's read as ``next_ts:<ts>``; another list's, such
    as conversations.list's ``channels:<offset>``, is refused)."""
    try:
        kind, _, ts = base64.b64decode(cursor, validate=True).decode().partition(":")
        return _timestamp(ts) if kind == "next_ts" and ts else None
    except (ValueError, binascii.Error):
        return None


# Message metadata's event_type: "Event types can contain letters, numbers, underscores,
# and hyphens, but not periods or other punctuation"
# (https://docs.slack.dev/messaging/message-metadata, "Defining metadata").
_EVENT_TYPE = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class _Metadata:
    """A message method's ``metadata`` argument, read: what to store (``None``: nothing,
    or, for chat.update's ``{}``, remove it), Slack's error, or its warning."""

    value: dict[str, Any] | None = None
    error: str | None = None
    warning: str | None = None

    def warnings(self) -> dict[str, Any]:
        """The warning fields of a successful answer: ``warning`` and
        ``response_metadata.warnings`` (https://docs.slack.dev/apis/web-api/, "Responses";
        https://api.slack.com/changelog/2016-09-28-response-metadata-is-on-the-way)."""
        if self.warning is None:
            return {}
        return {"warning": self.warning, "response_metadata": {"warnings": [self.warning]}}


def _read_metadata(raw: Any) -> _Metadata:
    """Message metadata as chat.postMessage and chat.update read it.

    - It is "JSON object with event_type and event_payload fields, presented as a
      URL-encoded string" (https://docs.slack.dev/reference/methods/chat.postMessage,
      "metadata"): a JSON string in a form, an object in a JSON body (slack_sdk's
      ``chat_postMessage(metadata=...)`` sends a dict as it is, and a ``Metadata`` object
      as its ``to_dict()``, in the JSON body: web/internal_utils._parse_web_class_objects).
      One that is no JSON object: ``invalid_metadata_format`` ("Invalid metadata format
      provided", the method's "Errors").
    - ``event_type`` a string and ``event_payload`` an object, both required
      (https://docs.slack.dev/messaging/message-metadata, "Defining metadata"; slack_sdk's
      ``Metadata(event_type, event_payload)`` and @slack/types' ``MessageMetadata`` require
      both), else ``invalid_metadata_schema`` ("Invalid metadata schema provided"). A Work
      Object's ``entities`` (a list of objects) may stand without them (slack_sdk's
      ``EventAndEntityMetadata``; https://docs.slack.dev/messaging/work-objects); the
      entities themselves are not checked here.
    - An ``event_type`` with characters other than letters, digits, ``_`` and ``-``:
      "Metadata with an invalid event_type returns an invalid_metadata_schema warning and
      is ignored" (the message-metadata page, "Defining metadata").
    - ``{}`` is no metadata (chat.update: "To remove previous metadata, include an empty
      object for this field").

    Slack's ``metadata_too_large`` is not emulated: its reference names no size."""
    if raw is None:
        return _Metadata()
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            return _Metadata(error="invalid_metadata_format")
    if not isinstance(value, dict):
        return _Metadata(error="invalid_metadata_format")
    if not value:
        return _Metadata()
    entities = value.get("entities")
    if entities is not None and not (
        isinstance(entities, list) and all(isinstance(e, dict) for e in entities)
    ):
        return _Metadata(error="invalid_metadata_schema")
    event_type, payload = value.get("event_type"), value.get("event_payload")
    if entities is None or event_type is not None or payload is not None:
        if not isinstance(event_type, str) or not event_type or not isinstance(payload, dict):
            return _Metadata(error="invalid_metadata_schema")
        if not _EVENT_TYPE.fullmatch(event_type):
            return _Metadata(warning="invalid_metadata_schema")
    return _Metadata(value=value)


def _conversation_type(channel: dict[str, Any]) -> str:
    """The conversation's type as conversations.list's ``types`` names it."""
    if channel.get("is_im"):
        return "im"
    if channel.get("is_mpim"):
        return "mpim"
    if channel.get("is_private"):
        return "private_channel"
    return "public_channel"


def _block_problems(method: str, args: dict[str, Any]) -> list[str]:
    """Block Kit problems in a message method's blocks (an unfurl's: each preview's)."""
    if method == "chat.unfurl":
        unfurls = args.get("unfurls")
        if not isinstance(unfurls, dict):
            return []
        problems: list[str] = []
        for url, preview in unfurls.items():
            if isinstance(preview, dict) and "blocks" in preview:
                problems += blockkit.message_problems(
                    preview["blocks"], where=f"/unfurls/{url}/blocks"
                )
        return problems
    if "blocks" not in args:
        return []
    return blockkit.message_problems(args["blocks"])


def _blocks_of(method: str, args: dict[str, Any]) -> list[Any]:
    """The blocks a message method's arguments carry (an unfurl's, all previews')."""
    if method == "chat.unfurl":
        unfurls = args.get("unfurls")
        if not isinstance(unfurls, dict):
            return []
        return [
            block
            for preview in unfurls.values()
            if isinstance(preview, dict)
            for block in preview.get("blocks") or []
        ]
    blocks = args.get("blocks")
    return blocks if isinstance(blocks, list) else []
