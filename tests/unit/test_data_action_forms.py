"""Looker action forms become modals Slack accepts, whatever Looker's form holds."""

from __future__ import annotations

from lookerbot.delivery.data_actions import _view, form_blocks
from lookerbot.sandbox.blockkit import view_problems


def test_odd_looker_forms_still_make_a_modal_slack_accepts():
    fields = [
        {"name": "message", "label": "", "type": "string"},  # no label: the name shows
        {"label": "No name at all", "type": "string"},  # nothing to send back: left out
        {"name": "message", "label": "Again", "type": "string"},  # a second "message"
        {"name": "x" * 300, "label": "Too long a name", "type": "string"},
        {
            "name": "urgency",
            "type": "select",
            "default": "",
            "options": [{"label": "", "name": "low"}, {"label": "Nameless"}, {"name": "high"}],
        },
    ]
    blocks = form_blocks(fields)
    assert [b["block_id"] for b in blocks] == ["field:message", "field:urgency"]
    assert blocks[0]["label"]["text"] == "message"
    options = blocks[1]["element"]["options"]
    assert [o["value"] for o in options] == ["low", "high"]
    assert [o["text"]["text"] for o in options] == ["low", "high"]
    assert view_problems(_view("Send", blocks, metadata="{}", submit=True)) == []
