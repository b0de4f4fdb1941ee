"""Charts from Looker's render tasks: create, poll with backoff, download."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from lookerbot import messages
from lookerbot.errors import CommandError
from lookerbot.images.sizes import DEFAULT_SIZES, ChartSize
from lookerbot.looker.client import RenderKind
from lookerbot.looker.instances import LookerInstance

logger = logging.getLogger(__name__)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ChartRenderer:
    """Renders queries, Looks and dashboards to PNG through Looker's render tasks.

    Args:
        timeout: seconds to wait for one render before giving up.
        first_poll: seconds before the first status check; checks then back off.
        max_poll: the longest wait between two checks.
    """

    def __init__(
        self,
        *,
        timeout: float = 120.0,
        first_poll: float = 0.25,
        max_poll: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout = timeout
        self._first_poll = first_poll
        self._max_poll = max_poll
        self._clock = clock

    async def render(
        self,
        looker: LookerInstance,
        kind: RenderKind,
        target_id: str,
        *,
        what: str,
        size: ChartSize = DEFAULT_SIZES["default"],
        body: dict[str, Any] | None = None,
    ) -> bytes:
        """The PNG of ``target_id``; ``what`` names it in messages ("the Look Revenue").

        Raises:
            CommandError: the render failed (with Looker's reason), timed out, or was empty.
        """
        client = looker.client
        task = await client.create_render_task(
            kind, target_id, width=size.width, height=size.height, body=body
        )
        deadline = self._clock() + self.timeout
        delay = self._first_poll
        while task.status != "success":
            if task.status == "failure":
                logger.warning("Render of %s %s failed: %s", kind, target_id, task.status_detail)
                raise CommandError(messages.render_failed(what, task.status_detail))
            remaining = deadline - self._clock()
            if remaining <= 0:
                logger.warning(
                    "Render of %s %s timed out after %.0f s", kind, target_id, self.timeout
                )
                raise CommandError(messages.render_timed_out(what, self.timeout))
            await asyncio.sleep(min(delay, remaining))
            delay = min(delay * 1.6, self._max_poll)
            task = await client.render_task(task.id)
        image = await client.render_task_results(task.id)
        if not image:
            raise CommandError(messages.render_empty(what))
        if not image.startswith(PNG_SIGNATURE):
            logger.warning(
                "Render of %s %s returned %d bytes that are not a PNG", kind, target_id, len(image)
            )
            raise CommandError(messages.render_empty(what))
        return image
