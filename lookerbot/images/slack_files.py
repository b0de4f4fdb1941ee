"""The default image store: charts go to Slack itself, as files (Slack's file upload v2).

Nothing is stored elsewhere and no storage account is needed. The file cannot be uploaded
until the answer's channel is known, so :meth:`SlackFilesImageStore.publish` hands the
image back to travel with the reply; the conversation uploads it
(``files.getUploadURLExternal`` -> upload -> ``files.completeUploadExternal``) beside the
answer, in channels, threads, DMs and private channels alike.
"""

from __future__ import annotations

import logging

from lookerbot.errors import ImageStoreError
from lookerbot.images.store import CHECK_IMAGE
from lookerbot.slack.poster import SlackPoster, SlackPostError

logger = logging.getLogger(__name__)


class SlackFilesImageStore:
    """Charts as Slack file uploads, beside the answer.

    Args:
        poster: posts to Slack (the uploads go through it).
    """

    name = "slack"
    hosts_images = False

    def __init__(self, *, poster: SlackPoster) -> None:
        self._poster = poster

    async def publish(self, image: bytes) -> None:
        """Nothing to store: the reply carries the image and the conversation uploads it."""

    async def check(self) -> str:
        """Upload a test image shared nowhere, then delete it."""
        try:
            file_id = await self._poster.upload_file(
                None, filename="lookerbot-check.png", data=CHECK_IMAGE, title="lookerbot check"
            )
        except SlackPostError as exc:
            raise ImageStoreError(
                f"Slack file upload failed ({exc.error}): the app needs the files:write "
                "scope, and the bot must reach files.slack.com."
            ) from exc
        try:
            await self._poster.delete_file(file_id)
        except SlackPostError as exc:
            return (
                "Slack file uploads: uploaded a test image (file upload v2), but could not "
                f"delete it ({exc.error})"
            )
        return "Slack file uploads: uploaded a test image (file upload v2) and deleted it"

    async def aclose(self) -> None:
        """Nothing to release."""
