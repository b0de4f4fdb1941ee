"""Where the answer to one request goes: a channel or thread, or a slash command's response URL."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from lookerbot import messages
from lookerbot.formatting.message import Attachment, Message
from lookerbot.slack.poster import PostedMessage, SlackPoster, SlackPostError

logger = logging.getLogger(__name__)


class Conversation(Protocol):
    """Replies to the person who asked, in the place they asked."""

    async def show_loading(self, text: str) -> None:
        """Show that work has started (a message the answer will replace, where possible)."""
        ...

    async def reply(
        self,
        message: Message,
        *,
        private: bool = False,
        attachments: Sequence[Attachment] = (),
    ) -> None:
        """Send the answer, then its files. ``private`` answers only the person who asked
        (and sends no files: Slack has no private files in channels)."""
        ...


class ChannelConversation:
    """A mention in a channel or a DM: answers in the same channel, in the thread if any.

    The loading message is replaced in place by the answer, so the answer sits where the
    question was asked even when others have written since.
    """

    def __init__(
        self, poster: SlackPoster, *, channel: str, user: str, thread_ts: str | None = None
    ) -> None:
        self._poster = poster
        self.channel = channel
        self.user = user
        self.thread_ts = thread_ts
        self._loading: PostedMessage | None = None

    async def show_loading(self, text: str) -> None:
        self._loading = await self._poster.post(
            self.channel, Message.of(text), thread_ts=self.thread_ts
        )

    async def reply(
        self,
        message: Message,
        *,
        private: bool = False,
        attachments: Sequence[Attachment] = (),
    ) -> None:
        if private and not self.channel.startswith("D"):
            await self._poster.post_ephemeral(
                self.channel, self.user, message, thread_ts=self.thread_ts
            )
            return
        if self._loading is not None:
            posted, self._loading = self._loading, None
            await self._poster.update(posted, message)
        else:
            posted = await self._poster.post(self.channel, message, thread_ts=self.thread_ts)
        for attachment in attachments:
            # Charts go where the answer is; other files into the answer's thread.
            thread = self.thread_ts if attachment.inline else (self.thread_ts or posted.ts)
            await self._poster.upload_file(
                self.channel,
                filename=attachment.filename,
                data=attachment.data,
                title=attachment.title,
                thread_ts=thread,
            )


class SlashCommandConversation:
    """A slash command: answers through its response URL.

    The acknowledgement already showed the loading message to the person who asked, so
    :meth:`show_loading` does nothing.
    """

    def __init__(self, poster: SlackPoster, *, response_url: str, channel: str, user: str) -> None:
        self._poster = poster
        self.response_url = response_url
        self.channel = channel
        self.user = user

    async def show_loading(self, text: str) -> None:
        return None

    async def reply(
        self,
        message: Message,
        *,
        private: bool = False,
        attachments: Sequence[Attachment] = (),
    ) -> None:
        await self._poster.respond(self.response_url, message, ephemeral=private)
        if private:
            return
        for attachment in attachments:
            try:
                await self._poster.upload_file(
                    self.channel,
                    filename=attachment.filename,
                    data=attachment.data,
                    title=attachment.title,
                )
            except SlackPostError as exc:
                # Slash commands work in channels the bot is not in; files do not.
                logger.info(
                    "Could not attach %s in %s: %s", attachment.filename, self.channel, exc.error
                )
                await self._poster.respond(
                    self.response_url,
                    Message.of(messages.cannot_attach(attachment.title, exc.error)),
                    ephemeral=True,
                )
