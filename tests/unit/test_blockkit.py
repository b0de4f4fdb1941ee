"""The Slack emulator's Block Kit rules: each refuses what Slack refuses, and blocks built
with slack_sdk's own models pass."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    ExternalDataSelectElement,
    HeaderBlock,
    ImageBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from lookerbot.sandbox.blockkit import message_problems, view_problems


def section(text: str = "x", **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(text: str = "Go", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, **extra}


def modal(**extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Title"},
        "blocks": [section()],
        **extra,
    }


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        ([section("x" * 3001)], "3000 characters [json-pointer:/blocks/0]"),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "x"}] * 11}], "10 items"),
        (
            [{"type": "section", "fields": [{"type": "mrkdwn", "text": "x" * 2001}]}],
            "must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]",
        ),
        ([{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}], "150"),
        (
            [{"type": "header", "text": {"type": "mrkdwn", "text": "x"}}],
            "plain_text text object [json-pointer:/blocks/0/text]",
        ),
        ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * 11}], "10"),
        ([section(block_id="b" * 256)], "255"),
        ([section(block_id="same"), section(block_id="same")], "must be unique"),
        ([{"type": "actions", "elements": [button(action_id="a" * 256)]}], "256 characters"),
        (
            [{"type": "actions", "elements": [button(action_id="a"), button(action_id="a")]}],
            "must be unique [json-pointer:/blocks/0/elements/1/action_id]",
        ),
        ([{"type": "actions", "elements": [button(value="v" * 2001)]}], "2001 characters"),
        ([{"type": "actions", "elements": [button("x" * 76)]}], "76 characters"),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "static_select",
                            "action_id": "s",
                            "options": [
                                {"text": {"type": "plain_text", "text": "x" * 76}, "value": "v"}
                            ],
                        }
                    ],
                }
            ],
            "/options/0/text/text",
        ),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "static_select",
                            "action_id": "s",
                            "options": [
                                {"text": {"type": "plain_text", "text": str(i)}, "value": str(i)}
                                for i in range(101)
                            ],
                        }
                    ],
                }
            ],
            "101 items",
        ),
        ([section()] * 51, "must be less than 51 items [json-pointer:/blocks]"),
        ([{"type": "bogus"}], "unsupported type: bogus"),
        ([section(colour="red")], "unknown attribute 'colour'"),
        ([{"type": "image", "image_url": "https://x/y.png"}], "alt_text"),
        ([{"type": "section"}], "text or fields"),
        (
            [{"type": "input", "label": {"type": "plain_text", "text": "x"}, "element": {}}],
            "unsupported type: input",
        ),
        ("not a list", "must be an array"),
    ],
)
def test_a_message_slack_would_refuse_is_refused(blocks: Any, expected: str) -> None:
    problems = message_problems(blocks)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (modal(title={"type": "plain_text", "text": "x" * 25}), "/view/title/text"),
        (modal(submit={"type": "plain_text", "text": "x" * 25}), "/view/submit/text"),
        (modal(close={"type": "plain_text", "text": "x" * 25}), "/view/close/text"),
        (modal(blocks=[section()] * 101), "101 items"),
        (
            modal(
                blocks=[
                    {
                        "type": "input",
                        "label": {"type": "plain_text", "text": "Name"},
                        "element": {"type": "plain_text_input", "action_id": "n"},
                    }
                ]
            ),
            "must provide submit",
        ),
        ({"type": "home", "blocks": [section()] * 101}, "101 items"),
        ({"type": "popup", "blocks": []}, "modal, home"),
        (modal(blocks=[section(block_id="a"), section(block_id="a")]), "must be unique"),
    ],
)
def test_a_view_slack_would_refuse_is_refused(view: dict[str, Any], expected: str) -> None:
    problems = view_problems(view)
    assert any(expected in p for p in problems), problems


def test_blocks_built_by_slack_sdk_pass() -> None:
    blocks = [
        HeaderBlock(text="Revenue by region"),
        SectionBlock(text=MarkdownTextObject(text="*West* 1,234"), block_id="result"),
        SectionBlock(fields=[MarkdownTextObject(text=f"field {i}") for i in range(10)]),
        DividerBlock(),
        ImageBlock(image_url="https://example.com/chart.png", alt_text="a chart"),
        ContextBlock(elements=[MarkdownTextObject(text="from Looker")]),
        ActionsBlock(
            elements=[
                ButtonElement(text="Open", action_id="open", url="https://looker.example.com"),
                ButtonElement(text="Run", action_id="run", value="v" * 2000),
                StaticSelectElement(
                    action_id="pick",
                    placeholder="Pick",
                    options=[Option(text=f"o{i}", value=str(i)) for i in range(100)],
                ),
            ]
        ),
    ]
    assert message_problems([b.to_dict() for b in blocks]) == []


def test_views_built_by_slack_sdk_pass() -> None:
    inputs = [
        InputBlock(
            label="Region",
            block_id="region",
            element=ExternalDataSelectElement(action_id="region", placeholder="Region"),
        ),
        InputBlock(label="Note", block_id="note", element=PlainTextInputElement(action_id="n")),
    ]
    modal_view = View(
        type="modal",
        title=PlainTextObject(text="x" * 24),
        submit=PlainTextObject(text="Send"),
        close=PlainTextObject(text="Cancel"),
        blocks=inputs,
    )
    home = View(type="home", blocks=[SectionBlock(text="hello")] * 100)
    assert view_problems(modal_view.to_dict()) == []
    assert view_problems(home.to_dict()) == []
