"""What each Slack Web API method accepts, read from slack_sdk's own ``WebClient``.

The Slack emulator enforces these rules; none of them comes from the bot's code:

- **Encoding.** slack_sdk sends each typed method the way Slack expects. A method it calls
  with ``http_verb="GET"`` is a read method, and Slack reads only query and form arguments
  there: a JSON body is ignored (https://docs.slack.dev/apis/web-api/#posting_json: "Most
  write methods allow arguments with application/json attributes" — read methods are not
  among them). ``files.getUploadURLExternal`` takes form arguments only (see ``_FORM_ONLY``).
- **Arguments.** The wire names are the keys each typed method puts into its ``kwargs``
  (``kwargs.update({"user": user, ...})``); the required ones are its keyword-only
  parameters without a default.

The table is built once, at import, by parsing the source of
``slack_sdk.web.client.WebClient`` with :mod:`ast`.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass
from typing import Literal

from slack_sdk.web.client import WebClient

Encoding = Literal["json", "form"]


@dataclass(frozen=True)
class MethodContract:
    """What one Web API method takes.

    Attributes:
        name: the method, ``users.info``.
        sent_as: how slack_sdk's typed method sends the arguments: the ``api_call``
            keywords it uses, of ``params`` (query string), ``json``, ``data`` (form) and
            ``files`` (multipart).
        read: slack_sdk calls it with GET (a read method: no JSON body).
        encoding: ``json`` when Slack reads a JSON body for it, else ``form``.
        arguments: the argument names it takes (besides ``token``).
        required: the arguments it cannot go without.
    """

    name: str
    sent_as: frozenset[str]
    read: bool
    encoding: Encoding
    arguments: frozenset[str]
    required: frozenset[str]


# Methods Slack documents as taking form-encoded arguments only, though slack_sdk does not
# call them with GET: https://api.slack.com/methods/files.getUploadURLExternal ("Content
# types: application/x-www-form-urlencoded", and nothing else; slack_sdk sends it with
# ``params=``, never ``json=``). The issue this contract was written for (#13) holds the
# emulator to that page, though the newer docs.slack.dev page also lists application/json.
_FORM_ONLY = frozenset({"files.getUploadURLExternal"})

_HTTP_VERBS = frozenset({"GET", "POST"})


def _method_call(tree: ast.AST) -> tuple[str, str, set[str]] | None:
    """The ``self.api_call("x.y", http_verb=..., json=...)`` in a typed method: the
    method's name, its HTTP verb, and which of json/params/data/files it sends."""
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "api_call"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]
    if len(calls) != 1:
        return None
    call = calls[0]
    first = call.args[0]
    assert isinstance(first, ast.Constant)
    assert isinstance(first.value, str)
    name = first.value
    verb = "POST"
    bodies: set[str] = set()
    for keyword in call.keywords:
        if keyword.arg == "http_verb" and isinstance(keyword.value, ast.Constant):
            verb = str(keyword.value.value)
        elif keyword.arg in {"json", "params", "data", "files"}:
            bodies.add(keyword.arg)
    return name, verb, bodies


def _wire_names(tree: ast.AST) -> set[str]:
    """The keys a typed method puts into ``kwargs``: ``kwargs.update({"key": ...})`` and
    ``kwargs["key"] = ...``."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "update"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "kwargs"
        ):
            for arg in node.args:
                if isinstance(arg, ast.Dict):
                    names.update(
                        k.value
                        for k in arg.keys
                        if isinstance(k, ast.Constant) and isinstance(k.value, str)
                    )
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id == "kwargs"
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            names.add(node.slice.value)
    return names


def _build() -> dict[str, MethodContract]:
    table: dict[str, MethodContract] = {}
    for attribute, function in inspect.getmembers(WebClient, inspect.isfunction):
        if attribute.startswith("_") or attribute == "api_call":
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
        except (OSError, SyntaxError):  # pragma: no cover - slack_sdk ships its sources
            continue
        found = _method_call(tree)
        if found is None:
            continue
        name, verb, bodies = found
        if verb not in _HTTP_VERBS or name in table:
            continue
        signature = inspect.signature(function)
        parameters = {
            p.name: p
            for p in signature.parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY
        }
        wire = _wire_names(tree) or set(parameters)
        required = {
            p.name for p in parameters.values() if p.default is inspect.Parameter.empty
        } & wire
        read = verb == "GET"
        encoding: Encoding = "json" if "json" in bodies and not read else "form"
        if not read and name not in _FORM_ONLY and "json" not in bodies:
            # slack_sdk sends these as form or query arguments, but Slack also reads a JSON
            # body for write methods ("most write methods allow application/json").
            encoding = "json"
        if name in _FORM_ONLY:
            encoding = "form"
        table[name] = MethodContract(
            name=name,
            sent_as=frozenset(bodies),
            read=read,
            encoding=encoding,
            arguments=frozenset(wire),
            required=frozenset(required),
        )
    return table


METHODS: dict[str, MethodContract] = _build()
"""Every Web API method slack_sdk has a typed method for, by name."""


# The error Slack answers when a method's required argument is missing, where the method's
# reference documents one of its own; ``invalid_arguments`` otherwise
# (https://docs.slack.dev/reference/methods/<method>, "Errors").
_MISSING_ERRORS: dict[tuple[str, str], str] = {
    ("users.info", "user"): "user_not_found",  # docs: users.info "user_not_found"
    ("chat.postMessage", "channel"): "channel_not_found",
    ("chat.postEphemeral", "channel"): "channel_not_found",
    ("chat.postEphemeral", "user"): "user_not_found",
    ("chat.update", "channel"): "channel_not_found",
    ("chat.update", "ts"): "message_not_found",
    ("chat.delete", "channel"): "channel_not_found",
    ("chat.delete", "ts"): "message_not_found",
    ("conversations.join", "channel"): "channel_not_found",
    ("conversations.info", "channel"): "channel_not_found",
    ("conversations.members", "channel"): "channel_not_found",
    # conversations.history "channel_not_found: Value passed for channel was invalid."
    ("conversations.history", "channel"): "channel_not_found",
    ("users.lookupByEmail", "email"): "users_not_found",
    ("files.delete", "file"): "file_not_found",
}

# Methods that need at least one of several arguments, and Slack's error without any:
# chat.postMessage and chat.postEphemeral take attachments, blocks or text ("One of these
# arguments is required to describe the content of the message",
# https://docs.slack.dev/reference/methods/chat.postMessage and .../chat.postEphemeral;
# error "no_text: No message text provided").
_ONE_OF: dict[str, tuple[tuple[str, ...], str]] = {
    "chat.postMessage": (("attachments", "blocks", "text"), "no_text"),
    "chat.postEphemeral": (("attachments", "blocks", "text"), "no_text"),
}

# The bot token scopes each method needs, from its reference page
# (https://docs.slack.dev/reference/methods/<method>, "Required scopes: Bot token").
# A method listed with several scopes needs any one of them; conversations.* reads need the
# one for each conversation type asked for (see :func:`needed_scopes`).
SCOPES: dict[str, tuple[str, ...]] = {
    "auth.test": (),
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "chat.delete": ("chat:write",),
    "chat.unfurl": ("links:write",),
    "users.info": ("users:read",),
    "users.list": ("users:read",),
    "users.lookupByEmail": ("users:read.email",),
    "conversations.join": ("channels:join",),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
    "files.delete": ("files:write",),
    "views.open": (),
    "views.update": (),
    "views.push": (),
    "views.publish": (),
    # https://docs.slack.dev/reference/methods/assistant.threads.setStatus (and setTitle,
    # setSuggestedPrompts): "Required scopes: Bot token assistant:write".
    "assistant.threads.setStatus": ("assistant:write",),
    "assistant.threads.setTitle": ("assistant:write",),
    "assistant.threads.setSuggestedPrompts": ("assistant:write",),
}

# conversations.list / info / members: "channels:read, groups:read, im:read, mpim:read",
# one per conversation type (https://docs.slack.dev/reference/methods/conversations.list).
_TYPE_SCOPES = {
    "public_channel": "channels:read",
    "private_channel": "groups:read",
    "im": "im:read",
    "mpim": "mpim:read",
}
_CONVERSATION_READS = frozenset(
    {"conversations.list", "conversations.info", "conversations.members"}
)
# conversations.open: "channels:manage, groups:write, im:write, mpim:write"
# (https://docs.slack.dev/reference/methods/conversations.open), again one per conversation
# type; what it opens is a DM (im:write, "Start direct messages with people") for one user
# and a group DM (mpim:write, "Start group direct messages with people") for several
# (https://docs.slack.dev/reference/scopes/im.write and .../mpim.write).
_OPEN_SCOPES = {"im": "im:write", "mpim": "mpim:write"}
# conversations.history: "channels:history, groups:history, im:history, mpim:history", the
# one for the type of the conversation read
# (https://docs.slack.dev/reference/methods/conversations.history, "Scopes", and each
# scope's page: channels:history "View messages and other content in public channels",
# groups:history "... private channels", im:history "... direct messages", mpim:history
# "... group direct messages").
_HISTORY_SCOPES = {
    "public_channel": "channels:history",
    "private_channel": "groups:history",
    "im": "im:history",
    "mpim": "mpim:history",
}


def _present(value: object) -> bool:
    return value not in (None, "", [], {})


def missing_content(method: str, args: dict[str, object]) -> str | None:
    """Slack's error when ``method`` got none of the arguments it needs one of, or ``None``."""
    rule = _ONE_OF.get(method)
    if rule is None:
        return None
    names, error = rule
    return None if any(_present(args.get(name)) for name in names) else error


def missing_error(method: str, argument: str) -> str:
    """Slack's error for ``method`` called without its required ``argument``."""
    return _MISSING_ERRORS.get((method, argument), "invalid_arguments")


def missing_scope(
    method: str, args: dict[str, object], granted: frozenset[str], *, kind: str | None = None
) -> str | None:
    """The scope ``method`` needs and ``granted`` lacks, or ``None`` when it may run.

    ``kind`` is the conversation type a conversations.info/members/open/history call is
    about (``None`` when the conversation is unknown).
    """
    if method == "conversations.history":
        if kind is None:
            # A conversation of no known type: any one of the method's scopes lets the call
            # through (to its channel_not_found); a token with none of them lacks them all.
            if granted & set(_HISTORY_SCOPES.values()):
                return None
            return ",".join(_HISTORY_SCOPES.values())
        history = _HISTORY_SCOPES[kind]
        return history if history not in granted else None
    if method == "conversations.open":
        if kind is None:
            users = args.get("users")
            names = users if isinstance(users, list) else str(users or "").split(",")
            kind = "im" if len([n for n in names if str(n).strip()]) <= 1 else "mpim"
        scope = _OPEN_SCOPES.get(kind)
        return scope if scope is not None and scope not in granted else None
    if method in _CONVERSATION_READS:
        if method == "conversations.list":
            types = str(args.get("types") or "public_channel").split(",")
        else:
            types = [kind or "public_channel"]
        for kind_ in types:
            scope = _TYPE_SCOPES.get(kind_.strip())
            if scope is not None and scope not in granted:
                return scope
        return None
    needed = SCOPES.get(method, ())
    if needed and not any(s in granted for s in needed):
        return ",".join(needed)
    return None
