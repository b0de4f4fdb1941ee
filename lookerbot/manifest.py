"""The Slack app manifest: one source for ``slack-manifest.yml``, ``lookerbot manifest`` and
the scopes ``lookerbot check`` expects."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

PLACEHOLDER_URL = "https://lookerbot.example.com"

BOT_SCOPES = (
    "app_mentions:read",
    "channels:join",
    "channels:read",
    "chat:write",
    "commands",
    "files:write",
    "groups:read",
    "im:history",
    "im:read",
    "im:write",
    "links:read",
    "links:write",
    "users:read",
    "users:read.email",
    "assistant:write",
)
"""What the bot asks Slack for, and why:
mentions and DMs (app_mentions:read, im:history, im:read), replies and uploads (chat:write,
files:write), /looker (commands), unfurls (links:read, links:write), delivering to named
channels and people (channels:read, groups:read, channels:join, im:write), and checking
who asks (users:read, users:read.email), and the assistant pane's status, title and
suggested prompts (assistant:write)."""

BOT_EVENTS = (
    "app_mention",
    "message.im",
    "link_shared",
    "app_home_opened",
    "assistant_thread_started",
    "assistant_thread_context_changed",
)


def build_manifest(
    url: str | None,
    *,
    socket_mode: bool = False,
    looker_domains: Sequence[str] = (),
    command: str = "/looker",
) -> dict[str, Any]:
    """The manifest as a dict.

    Args:
        url: the bot's public base URL (ignored in Socket Mode).
        socket_mode: whether Slack reaches the bot over Socket Mode.
        looker_domains: host names whose links the bot unfurls.
        command: the slash command.
    """
    base = (url or PLACEHOLDER_URL).rstrip("/")
    events_url = f"{base}/slack/events"
    slash: dict[str, Any] = {
        "command": command,
        "description": "Ask Looker: find content, run your team's commands",
        "usage_hint": "help | find <words> | <command> <filters>",
        "should_escape": False,
    }
    settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": list(BOT_EVENTS)},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": socket_mode,
        "token_rotation_enabled": False,
    }
    if not socket_mode:
        slash["url"] = events_url
        settings["event_subscriptions"]["request_url"] = events_url
        settings["interactivity"]["request_url"] = events_url
        # Filter menus on answers load their options from Looker (external selects).
        settings["interactivity"]["message_menu_options_url"] = events_url
    features: dict[str, Any] = {
        "app_home": {
            "home_tab_enabled": True,
            "messages_tab_enabled": True,
            "messages_tab_read_only_enabled": False,
        },
        "bot_user": {"display_name": "looker", "always_online": True},
        "assistant_view": {
            "assistant_description": "Ask Looker questions in plain words, and follow up.",
        },
        "slash_commands": [slash],
    }
    domains = sorted({d.lower() for d in looker_domains if d})[:5]
    if domains:
        features["unfurl_domains"] = domains
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": "Looker",
            "description": "Looker in Slack: data, charts and alerts where you talk.",
            "background_color": "#64518a",
        },
        "features": features,
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": settings,
    }


def domains_of(urls: Sequence[str]) -> list[str]:
    """Host names of Looker web URLs, for ``unfurl_domains``."""
    return [h for u in urls if (h := urlsplit(u).hostname)]


def to_yaml(data: Any, indent: int = 0) -> str:
    """YAML for the manifest's plain data (dicts, lists, strings, numbers, booleans)."""
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, dict | list) and value:
                lines.append(f"{pad}{key}:")
                lines.append(to_yaml(value, indent + 1))
            else:
                lines.append(f"{pad}{key}: {_scalar(value)}")
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, dict) and item:
                first, *rest = to_yaml(item, indent + 1).split("\n")
                lines.append(f"{pad}- {first.strip()}")
                lines.extend(rest)
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    return "\n".join(lines)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if value == [] or value == {}:
        return json.dumps(value)
    # JSON strings are valid YAML scalars and quote whatever needs quoting.
    return json.dumps(str(value), ensure_ascii=False)


def render_manifest(url: str | None, **kwargs: Any) -> str:
    """The manifest as YAML text."""
    return (
        "# Slack app manifest for Lookerbot. Create the app at https://api.slack.com/apps\n"
        "# (From an app manifest), or print one for your URL: lookerbot manifest --url URL\n"
        + to_yaml(build_manifest(url, **kwargs))
        + "\n"
    )
