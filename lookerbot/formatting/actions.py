"""Data-action buttons under a result: formatting, so results can carry them without
depending on the code that runs the actions (``delivery/data_actions.py``)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from lookerbot.formatting.message import Block, truncate
from lookerbot.looker.models import Link

logger = logging.getLogger(__name__)

ACTION_ID_PREFIX = "data_action:"
MAX_BUTTONS = 5
MAX_VALUE = 2000  # Slack's limit on a button's value


def action_buttons(looker_url: str, links: Sequence[Link]) -> Block | None:
    """An actions block with a button per data action of a cell (``None`` if it has none).

    The button's value carries the instance and the action, so a click needs no state on
    the bot; an action too large for a button is left out (and logged).
    """
    elements: list[dict[str, Any]] = []
    for link in [lk for lk in links if lk.type == "action"][:MAX_BUTTONS]:
        value = json.dumps({"u": looker_url, "a": link.raw}, separators=(",", ":"))
        if len(value) > MAX_VALUE:
            logger.warning("Data action %r is too large for a Slack button; left out", link.label)
            continue
        elements.append(
            {
                "type": "button",
                "action_id": f"{ACTION_ID_PREFIX}{len(elements)}",
                "text": {"type": "plain_text", "text": truncate(link.label or "Action", 75)},
                "value": value,
            }
        )
    if not elements:
        return None
    return {"type": "actions", "block_id": "data_actions", "elements": elements}
