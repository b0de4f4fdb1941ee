"""Shows Slack messages as plain text, roughly as Slack would display them."""

from __future__ import annotations

import html
import re
from typing import Any

_LINK = re.compile(r"<([^<>|]+)\|([^<>]*)>|<([^<>|]+)>")


def mrkdwn_to_text(text: str) -> str:
    """``<url|label>`` as ``label (url)``, ``<url>`` as ``url``, entities unescaped."""

    def replace(match: re.Match[str]) -> str:
        if match.group(1) and match.group(1).startswith("!date^"):
            return match.group(2)  # Slack shows the date in the reader's time zone
        if match.group(1):
            return f"{match.group(2)} ({match.group(1)})"
        return match.group(3)

    return html.unescape(_LINK.sub(replace, text))


def _element_text(element: dict[str, Any]) -> str:
    if str(element.get("type", "")).endswith("_select"):
        chosen = element.get("initial_option")
        shown = chosen if isinstance(chosen, dict) else element.get("placeholder")
        return f"{_element_text(shown) if isinstance(shown, dict) else ''} ▾"
    text = element.get("text")
    if isinstance(text, dict):
        return str(text.get("text", ""))
    return str(text or element.get("alt_text") or "")


def blocks_to_text(blocks: list[dict[str, Any]]) -> str:
    """Block Kit blocks as lines of plain text."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind in ("section", "header"):
            if block.get("text"):
                lines.append(mrkdwn_to_text(_element_text(block)))
            for item in block.get("fields") or []:
                lines.append(mrkdwn_to_text(_element_text(item)))
        elif kind == "context":
            lines.append(" · ".join(mrkdwn_to_text(_element_text(e)) for e in block["elements"]))
        elif kind == "image":
            lines.append(f"[image: {block.get('alt_text', '')}] {block.get('image_url', '')}")
        elif kind == "actions":
            lines.append("  ".join(f"[{_element_text(e)}]" for e in block.get("elements", [])))
        elif kind == "divider":
            lines.append("─" * 20)
        elif kind == "rich_text":
            lines.append(str(block))
    return "\n".join(lines)


def message_to_text(text: str, blocks: list[dict[str, Any]]) -> str:
    """A message as it would read: its blocks, or its text when it has none."""
    return blocks_to_text(blocks) if blocks else mrkdwn_to_text(text)
