"""Recognizing what Slack sent before Bolt sees it.

Bolt assumes well-formed payloads (a body it cannot parse raises; a shape it does not know is
logged whole). The bot accepts only the shapes Slack sends it and refuses anything else with
a 400, so a malformed request never reaches Bolt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qs

PayloadKind = Literal[
    "event", "url_verification", "rate_limited", "command", "interaction", "ssl_check"
]

_INTERACTIONS = frozenset(
    {
        "block_actions",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
        "block_suggestion",
        "interactive_message",
        "dialog_submission",
    }
)


@dataclass(frozen=True)
class SlackPayload:
    """What a Slack request is; for an event, its id and the event itself."""

    kind: PayloadKind
    event_id: str | None = None
    event: dict[str, Any] | None = None


def classify(body: bytes) -> SlackPayload | None:
    """What kind of Slack request ``body`` is, or ``None`` if it is none Slack sends."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.lstrip().startswith("{"):
        data = _json_object(text)
        if data is None:
            return None
        if "event" in data and not isinstance(data["event"], dict):
            return None  # Bolt reads ``event`` of every JSON body as an object
        kind = data.get("type")
        if kind == "event_callback":
            event = data.get("event")
            ok = (
                isinstance(event, dict)
                and isinstance(event.get("type"), str)
                and _shaped(data, dicts=("enterprise",), strs=("team_id", "event_id"))
                and _authorizations_ok(data.get("authorizations"))
            )
            if not ok:
                return None
            return SlackPayload("event", data.get("event_id"), event)
        if kind == "url_verification":
            ok = isinstance(data.get("challenge"), str)
            return SlackPayload("url_verification") if ok else None
        if kind == "app_rate_limited":
            return SlackPayload("rate_limited")
        return None
    try:
        form = parse_qs(text, strict_parsing=False)
    except ValueError:
        return None
    if "payload" in form:
        payload = _json_object(form["payload"][0])
        if payload is None or payload.get("type") not in _INTERACTIONS:
            return None
        return SlackPayload("interaction") if _interaction_ok(payload) else None
    if "command" in form:
        return SlackPayload("command")
    if "ssl_check" in form:
        return SlackPayload("ssl_check")
    return None


def _shaped(
    data: dict[str, Any], *, dicts: tuple[str, ...] = (), strs: tuple[str, ...] = ()
) -> bool:
    """Whether the fields Bolt reads, when present, have the types Slack gives them."""
    return all(k not in data or isinstance(data[k], dict) for k in dicts) and all(
        k not in data or isinstance(data[k], str) for k in strs
    )


def _authorizations_ok(value: Any) -> bool:
    return value is None or (
        isinstance(value, list) and all(isinstance(item, dict) for item in value)
    )


def _interaction_ok(payload: dict[str, Any]) -> bool:
    if not _shaped(
        payload,
        dicts=("team", "user", "channel", "enterprise", "container", "view", "message"),
        strs=("trigger_id", "response_url", "callback_id", "api_app_id", "token"),
    ):
        return False
    kind = payload["type"]
    if kind == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or not actions:
            return False
        return all(
            isinstance(a, dict)
            and isinstance(a.get("action_id"), str)
            and isinstance(a.get("type", ""), str)
            and isinstance(a.get("block_id", ""), str)
            for a in actions
        )
    if kind in ("view_submission", "view_closed"):
        view = payload.get("view")
        return isinstance(view, dict) and all(
            isinstance(view.get(key), str) for key in ("type", "id", "callback_id")
        )
    return True


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
