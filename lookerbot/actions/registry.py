"""The actions the bot's Action Hub offers, and how they are listed on ``POST /``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from lookerbot.actions.base import Action
from lookerbot.actions.batches import RetryPolicy
from lookerbot.actions.braze import MAX_ROWS, BrazeAction
from lookerbot.actions.endpoints import LoopbackAllowance
from lookerbot.actions.rudderstack import RudderStackAction
from lookerbot.proxies import Proxies


@dataclass(frozen=True, kw_only=True)
class ActionHubOptions:
    """How the actions behave; the defaults are production's.

    Tests and the demo pass their own through ``Deps``; nothing here comes from settings
    but ``proxies``, which the app sets from them.

    Attributes:
        retry: how failed batches are retried.
        loopback: emulator origins the actions may call (never set in production).
        concurrency: batches in flight per run at most.
        braze_max_rows: rows a Braze run sends at most.
        keepalive_after: seconds an execute request may take before its answer is streamed
            (200 at once, a newline every ``keepalive_every`` seconds, then the JSON), so that
            proxies do not drop a long run's idle connection.
        keepalive_every: seconds between keep-alive newlines.
        download_read_timeout: seconds the result download may stall.
        proxies: the outbound proxy rule for the services and the result download.
        rudderstack_private_hosts: private data plane hosts allowed (from settings).
    """

    retry: RetryPolicy = field(default_factory=RetryPolicy)
    loopback: LoopbackAllowance | None = None
    concurrency: int = 4
    braze_max_rows: int = MAX_ROWS
    keepalive_after: float = 20.0
    keepalive_every: float = 20.0
    download_read_timeout: float = 300.0
    proxies: Proxies = field(default_factory=Proxies)
    rudderstack_private_hosts: frozenset[str] = frozenset()


class ActionRegistry:
    """The actions, by name, in listing order."""

    def __init__(self, actions: Iterable[Action]) -> None:
        self._actions = {a.name: a for a in actions}

    def __iter__(self) -> Iterator[Action]:
        return iter(self._actions.values())

    def get(self, name: str) -> Action | None:
        """The action called ``name``, if there is one."""
        return self._actions.get(name)

    @property
    def names(self) -> list[str]:
        """Every action's name."""
        return list(self._actions)


def build_actions(*, session: aiohttp.ClientSession, options: ActionHubOptions) -> ActionRegistry:
    """Braze and the three RudderStack actions, sending through ``session``."""
    common: dict[str, Any] = {
        "session": session,
        "retry": options.retry,
        "loopback": options.loopback,
        "concurrency": options.concurrency,
        "proxies": options.proxies,
    }
    return ActionRegistry(
        [
            BrazeAction(max_rows=options.braze_max_rows, **common),
            *(
                RudderStackAction(call, private_hosts=options.rudderstack_private_hosts, **common)
                for call in ("identify", "track", "group")
            ),
        ]
    )


def describe(action: Action, base_url: str) -> dict[str, Any]:
    """The action as the Action Hub listing (``POST /``) shows it."""
    path = f"{base_url}/actions/{action.name}"
    return {
        "name": action.name,
        "label": action.label,
        "description": action.description,
        "url": f"{path}/execute",
        "form_url": f"{path}/form" if action.form() else None,
        "icon_data_uri": action.icon_data_uri,
        "supported_action_types": ["query"],
        "supported_formats": list(action.supported_formats),
        "supported_formattings": ["unformatted"],
        "supported_visualization_formattings": ["noapply"],
        "supported_download_settings": ["url"],
        "params": [p.as_json() for p in action.params],
        "required_fields": [r.as_json() for r in action.required_fields],
        "uses_oauth": False,
    }
