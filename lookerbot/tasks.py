"""Background work after Slack has its acknowledgement, tracked so shutdown can drain it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any

logger = logging.getLogger(__name__)


class BackgroundTasks:
    """Runs coroutines as tasks, keeps them referenced, logs their crashes, and drains them.

    Slack wants an answer within 3 seconds; Looker may take minutes. Handlers acknowledge
    at once and hand the slow part to :meth:`spawn`.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Run ``coro`` in the background (also during :meth:`drain`, under its deadline)."""
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        self._idle.clear()
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not self._tasks:
            self._idle.set()
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            # Callers handle their own errors; reaching here is a bug worth a traceback.
            logger.error("Background task %s crashed", task.get_name(), exc_info=exc)

    async def wait_idle(self) -> None:
        """Wait until no task is running (used by the demo and tests)."""
        while self._tasks:
            await self._idle.wait()
            # A finishing task may have spawned another; look again.
            await asyncio.sleep(0)

    async def drain(self, timeout: float) -> int:
        """Let running tasks finish for up to ``timeout`` seconds, then cancel the rest.

        Returns:
            how many tasks had to be cancelled.
        """
        if not self._tasks:
            return 0
        logger.info("Finishing %d task(s) in flight (up to %.0f s)", len(self._tasks), timeout)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wait_idle(), timeout)
        pending = list(self._tasks)
        for task in pending:
            task.cancel()
        if pending:
            logger.warning("Cancelled %d task(s) still running at shutdown", len(pending))
            await asyncio.gather(*pending, return_exceptions=True)
        return len(pending)
