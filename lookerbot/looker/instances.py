"""The Looker instances the bot serves, and which one a URL or a word refers to."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from lookerbot.errors import LookerApiError
from lookerbot.looker.client import LookerClient
from lookerbot.looker.urls import origin_of
from lookerbot.observability import Metrics
from lookerbot.settings import LookerInstanceSettings, Settings

logger = logging.getLogger(__name__)


@dataclass
class LookerInstance:
    """One Looker instance: its settings, its client, and whether the bot could log in."""

    settings: LookerInstanceSettings
    client: LookerClient
    connected: bool = False
    last_error: str = ""
    logged_in_as: str = ""

    @property
    def url(self) -> str:
        """The instance's web URL (no trailing slash)."""
        return self.settings.url

    @property
    def host(self) -> str:
        """The host name of the web URL."""
        return urlsplit(self.settings.url).hostname or self.settings.url

    def owns(self, url: str) -> bool:
        """Whether ``url`` points into this instance: same scheme, host, port and base path."""
        mine, theirs = origin_of(self.url), origin_of(url)
        if mine is None or theirs is None or mine != theirs:
            return False
        base_path = urlsplit(self.url).path.rstrip("/")
        path = urlsplit(url).path
        return not base_path or path == base_path or path.startswith(base_path + "/")


class LookerRegistry:
    """The configured instances, in configuration order."""

    def __init__(self, instances: Sequence[LookerInstance]) -> None:
        if not instances:
            raise ValueError("at least one Looker instance is required")
        self._instances = tuple(instances)

    def __iter__(self) -> Iterator[LookerInstance]:
        return iter(self._instances)

    def __len__(self) -> int:
        return len(self._instances)

    @property
    def default(self) -> LookerInstance:
        """The first configured instance."""
        return self._instances[0]

    def same(self, instance: LookerInstance) -> LookerInstance:
        """This registry's view of ``instance`` (the same Looker, maybe another client)."""
        return next((i for i in self._instances if i.url == instance.url), instance)

    def for_url(self, url: str) -> LookerInstance | None:
        """The instance a URL belongs to, by origin; ``None`` for any other URL."""
        return next((i for i in self._instances if i.owns(url)), None)

    def named(self, word: str) -> LookerInstance | None:
        """The instance a word names, as in Lookerbot's ``find <instance> <words>``.

        The word names an instance when it is part of exactly one instance's host name
        (``staging`` names ``https://me-staging.looker.com``). Only asked when several
        instances are configured.
        """
        word = word.lower().strip()
        if len(self._instances) < 2 or len(word) < 3:
            return None
        matches = [i for i in self._instances if word in i.host.lower()]
        return matches[0] if len(matches) == 1 else None

    async def aclose(self) -> None:
        """Close every client."""
        await asyncio.gather(*(i.client.aclose() for i in self._instances))


def build_registry(
    settings: Settings,
    client_factory: Callable[[LookerInstanceSettings], LookerClient] | None = None,
    *,
    metrics: Metrics | None = None,
) -> LookerRegistry:
    """One :class:`LookerInstance` per configured Looker, each with an SDK client."""
    if client_factory is None:
        from lookerbot.looker.sdk_client import SdkLookerClient

        def client_factory(instance: LookerInstanceSettings) -> LookerClient:
            return SdkLookerClient(
                instance=instance,
                verify_tls=settings.verify_looker_tls,
                timeout=settings.looker_timeout,
                concurrency=settings.looker_concurrency,
                metrics=metrics,
                proxies=settings.proxies,
            )

    return LookerRegistry(
        [LookerInstance(settings=s, client=client_factory(s)) for s in settings.lookers]
    )


async def keep_connecting(
    instance: LookerInstance,
    *,
    first_delay: float = 5.0,
    max_delay: float = 300.0,
    on_recover: Callable[[LookerInstance], object] | None = None,
) -> None:
    """Log in to ``instance`` until it works, with exponential backoff; report each failure.

    A Looker that cannot be reached at start does not stop the bot: the other instances
    keep working, and this one is tried again until it answers. ``on_recover`` is called when
    it answers after having failed (what was loaded from it at start needs loading again).
    """
    delay = first_delay
    failed = False
    while True:
        try:
            user = await instance.client.me()
        except LookerApiError as exc:
            instance.connected = False
            instance.last_error = exc.reason
            logger.error(
                "Looker %s: cannot log in; trying again in %.0f s. %s",
                instance.url,
                delay,
                exc.reason,
            )
            failed = True
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_delay)
            continue
        instance.connected = True
        instance.last_error = ""
        instance.logged_in_as = user.display_name
        logger.info("Looker %s: logged in as %s", instance.url, user.display_name)
        if failed and on_recover is not None:
            on_recover(instance)
        return
