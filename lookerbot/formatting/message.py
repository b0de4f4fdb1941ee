"""A Slack message as the bot builds it, and the limits Slack puts on one.

Builders here take mrkdwn that is already safe (see :mod:`lookerbot.formatting.slack_text`).
:meth:`Message.payload` applies Slack's limits, so no message the bot sends is refused for
its size: 50 blocks, 3,000 characters per section, 2,000 per context element, 150 per header,
40,000 for the text.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_CONTEXT_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_ALT_TEXT = 2000
MAX_MESSAGE_TEXT = 40000
_CUT = "…"


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending with an ellipsis when cut.

    A cut never leaves half of a ``<link|label>`` or an ``&amp;`` entity behind.
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - len(_CUT)]
    open_link, close_link = cut.rfind("<"), cut.rfind(">")
    if open_link > close_link:
        cut = cut[:open_link]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + _CUT


def section(text: str) -> Block:
    """A section block of mrkdwn."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(*texts: str) -> Block:
    """A context block: small grey mrkdwn lines."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": t} for t in texts[:10]]}


def header(text: str) -> Block:
    """A header block (plain text)."""
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": True}}


def divider() -> Block:
    """A divider block."""
    return {"type": "divider"}


def image(url: str, alt_text: str) -> Block:
    """An image block showing the image at ``url`` (Slack downloads it when posting)."""
    return {"type": "image", "image_url": url, "alt_text": truncate(alt_text, MAX_ALT_TEXT)}


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply.

    Attributes:
        filename: the file's name in Slack.
        data: its bytes.
        title: its title in Slack.
        inline: shown where the reply is (a chart); otherwise put in the reply's thread
            (a CSV of a long result).
        hosted_url: the message already shows this image from this URL (an image store's);
            the file is then uploaded only if Slack refuses the URL.
    """

    filename: str
    data: bytes
    title: str
    inline: bool = False
    hosted_url: str | None = None


@dataclass(frozen=True)
class Message:
    """A message to post.

    Attributes:
        text: mrkdwn; the whole message when there are no blocks, else the notification
            and accessibility fallback.
        blocks: Block Kit blocks.
    """

    text: str
    blocks: tuple[Block, ...] = ()

    @classmethod
    def of(cls, text: str) -> Message:
        """A plain message."""
        return cls(text=text)

    @classmethod
    def from_blocks(cls, blocks: list[Block], fallback: str) -> Message:
        """A Block Kit message with its fallback text."""
        return cls(text=fallback, blocks=tuple(blocks))

    def without_images(self, urls: Collection[str], *, note: str | None = None) -> Message:
        """This message without the image blocks showing ``urls``; ``note`` (mrkdwn) takes
        the place of each, when given."""
        blocks: list[Block] = []
        for block in self.blocks:
            if block.get("type") == "image" and block.get("image_url") in urls:
                if note is not None:
                    blocks.append(context(note))
                continue
            blocks.append(block)
        return Message(text=self.text, blocks=tuple(blocks))

    def payload(self) -> dict[str, Any]:
        """The ``text``/``blocks`` arguments for Slack, within Slack's limits."""
        data: dict[str, Any] = {"text": truncate(self.text or " ", MAX_MESSAGE_TEXT)}
        if self.blocks:
            data["blocks"] = fit_blocks(list(self.blocks))
        return data


def fit_blocks(blocks: list[Block]) -> list[Block]:
    """Blocks cut to Slack's limits: at most 50, each text within its own limit."""
    fitted = [_fit_block(b) for b in blocks]
    if len(fitted) > MAX_BLOCKS:
        dropped = len(fitted) - (MAX_BLOCKS - 1)
        fitted = [*fitted[: MAX_BLOCKS - 1], context(f"_… {dropped} more blocks not shown._")]
    return fitted


def _fit_block(block: Block) -> Block:
    kind = block.get("type")
    if kind == "section" and isinstance(block.get("text"), dict):
        text = block["text"]
        return {**block, "text": {**text, "text": truncate(text.get("text", ""), MAX_SECTION_TEXT)}}
    if kind == "header" and isinstance(block.get("text"), dict):
        text = block["text"]
        return {**block, "text": {**text, "text": truncate(text.get("text", ""), MAX_HEADER_TEXT)}}
    if kind == "context":
        elements = [
            {**e, "text": truncate(e["text"], MAX_CONTEXT_TEXT)} if "text" in e else e
            for e in block.get("elements", [])
        ]
        return {**block, "elements": elements}
    return block
