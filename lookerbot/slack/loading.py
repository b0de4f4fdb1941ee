"""Loading messages that outlive their process: each one shown is recorded as a job, and
one a crash or restart left behind is replaced at the next start with a clear "interrupted,
please ask again" instead of spinning in the channel for ever."""

from __future__ import annotations

import logging

from lookerbot import messages
from lookerbot.formatting.message import Message
from lookerbot.jobs import Jobs, JobStoreError
from lookerbot.slack.poster import PostedMessage, SlackPoster, SlackPostError

logger = logging.getLogger(__name__)

LOADING_JOB = "loading"


class LoadingMessages:
    """The loading messages shown and not yet replaced, in the job store."""

    def __init__(self, jobs: Jobs) -> None:
        self._jobs = jobs

    async def shown(self, posted: PostedMessage) -> str | None:
        """Record a loading message; its key, or None if it could not be recorded (the
        command goes on: a lost record only means no repair after a crash)."""
        try:
            job = await self._jobs.add(LOADING_JOB, {"channel": posted.channel, "ts": posted.ts})
        except JobStoreError as exc:
            logger.warning("Could not record a loading message: %s", exc)
            return None
        return job.id

    async def replaced(self, key: str, *, outcome: str = "answered") -> None:
        """The loading message became the answer (or the "interrupted" warning)."""
        try:
            await self._jobs.ended(key, success=True, outcome=outcome)
        except JobStoreError as exc:
            logger.warning("Could not record a replaced loading message: %s", exc)

    async def repair(self, poster: SlackPoster) -> int:
        """Replace every loading message a previous run left behind; how many."""
        try:
            left = await self._jobs.unfinished(LOADING_JOB)
        except JobStoreError as exc:
            logger.warning("Could not read the loading messages left behind: %s", exc)
            return 0
        for job in left:
            posted = PostedMessage(channel=str(job.payload["channel"]), ts=str(job.payload["ts"]))
            try:
                await poster.update(posted, Message.of(messages.warning(messages.INTERRUPTED)))
            except SlackPostError as exc:
                logger.warning("Could not replace an interrupted loading message: %s", exc.error)
            await self.replaced(job.id, outcome="interrupted")
        if left:
            logger.info("Replaced %d loading message(s) a restart interrupted", len(left))
        return len(left)
