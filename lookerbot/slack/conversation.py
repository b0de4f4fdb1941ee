"""Where the answer to one request goes: a channel or thread, or a slash command's response URL."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

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
        (and sends no files: Slack has no private files in channels).

        An attachment with a ``hosted_url`` is already shown by the message's image block;
        its file is uploaded only if Slack refuses the message because it cannot fetch that
        URL (the message then goes without the image)."""
        ...


def thread_root(conversation: Conversation) -> tuple[str, str] | None:
    """Where a follow-up to the conversation's answer would be written: its channel and
    the thread (the answer's own, or the thread it was posted in); ``None`` when the answer
    has no thread (a slash command's, or a private one)."""
    root = getattr(conversation, "answer_thread", None)
    return root if isinstance(root, tuple) else None


class LoadingJournal(Protocol):
    """Where loading messages are recorded until they are answered (see slack/loading.py)."""

    async def shown(self, posted: PostedMessage) -> str | None: ...

    async def replaced(self, key: str) -> None: ...


class ChannelConversation:
    """A mention in a channel or a DM: answers in the same channel, in the thread if any.

    The loading message is replaced in place by the answer, so the answer sits where the
    question was asked even when others have written since.
    """

    def __init__(
        self,
        poster: SlackPoster,
        *,
        channel: str,
        user: str,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
        loading: LoadingJournal | None = None,
        quiet: bool = False,
    ) -> None:
        self._poster = poster
        self._quiet = quiet
        self._journal = loading
        self._loading_key: str | None = None
        self.channel = channel
        self.user = user
        self.thread_ts = thread_ts
        self.metadata = metadata
        """Slack message metadata for the reply's message (a delivery's job id)."""
        self._loading: PostedMessage | None = None
        self.answer_thread: tuple[str, str] | None = None
        """The channel and thread of the answer, once posted (not for private ones)."""

    async def show_loading(self, text: str) -> None:
        if self._quiet:
            return  # a status line shows the work instead (the assistant pane)
        self._loading = await self._poster.post(
            self.channel, Message.of(text), thread_ts=self.thread_ts
        )
        if self._journal is not None:
            self._loading_key = await self._journal.shown(self._loading)

    async def reply(
        self,
        message: Message,
        *,
        private: bool = False,
        attachments: Sequence[Attachment] = (),
    ) -> None:
        await self._reply(message, private=private, attachments=attachments)
        if self._loading is None and self._loading_key is not None and self._journal:
            key, self._loading_key = self._loading_key, None
            await self._journal.replaced(key)  # the loading message became the answer

    async def _reply(
        self,
        message: Message,
        *,
        private: bool,
        attachments: Sequence[Attachment],
    ) -> None:
        hosted = _hosted_urls(attachments)
        if private and not self.channel.startswith("D"):
            try:
                await self._poster.post_ephemeral(
                    self.channel, self.user, message, thread_ts=self.thread_ts
                )
            except SlackPostError as exc:
                if not hosted:
                    raise
                _log_refused_image(exc)
                await self._poster.post_ephemeral(
                    self.channel,
                    self.user,
                    message.without_images(hosted, note=messages.CHART_UNAVAILABLE),
                    thread_ts=self.thread_ts,
                )
            return
        loading, self._loading = self._loading, None
        try:
            posted = await self._post_or_update(loading, message)
        except SlackPostError as exc:
            if not hosted:
                raise
            # Slack fetches an image block's URL when the message is posted, and refuses the
            # message if it cannot: post it without the image, and upload the image instead.
            _log_refused_image(exc)
            posted = await self._post_or_update(loading, message.without_images(hosted))
            hosted = frozenset()
        self.answer_thread = (self.channel, self.thread_ts or posted.ts)
        for attachment in attachments:
            if attachment.hosted_url in hosted:
                continue  # shown from the image store
            # Charts go where the answer is; other files into the answer's thread.
            thread = self.thread_ts if attachment.inline else (self.thread_ts or posted.ts)
            await self._poster.upload_file(
                self.channel,
                filename=attachment.filename,
                data=attachment.data,
                title=attachment.title,
                thread_ts=thread,
            )

    async def _post_or_update(
        self, loading: PostedMessage | None, message: Message
    ) -> PostedMessage:
        if loading is not None:
            await self._poster.update(loading, message)
            return loading
        return await self._poster.post(
            self.channel, message, thread_ts=self.thread_ts, metadata=self.metadata
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
        hosted = _hosted_urls(attachments)
        try:
            await self._poster.respond(self.response_url, message, ephemeral=private)
        except SlackPostError as exc:
            if not hosted:
                raise
            _log_refused_image(exc)
            note = messages.CHART_UNAVAILABLE if private else None
            await self._poster.respond(
                self.response_url, message.without_images(hosted, note=note), ephemeral=private
            )
            hosted = frozenset()
        if private:
            return
        for attachment in attachments:
            if attachment.hosted_url in hosted:
                continue  # shown from the image store
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


def _hosted_urls(attachments: Sequence[Attachment]) -> frozenset[str]:
    return frozenset(a.hosted_url for a in attachments if a.hosted_url)


def _log_refused_image(exc: SlackPostError) -> None:
    logger.warning(
        "Slack refused a message showing a chart from the image store (%s); sending it "
        "without the image, and the image as a file where files can go",
        exc.error,
    )
