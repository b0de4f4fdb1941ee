"""Block Kit as Slack checks it: the Slack emulator refuses what Slack refuses.

Two sources, neither of them the bot's:

- slack_sdk's own models (``slack_sdk.models.blocks``, ``slack_sdk.models.views``): each
  block is parsed into its model, which knows the block's attributes (an unknown key is a
  problem) and its required arguments, and ``to_dict()`` runs the model's validators (section
  text 3,000; fields 10; header 150; context 10 elements; block_id 255; actions 25
  elements; ...).
- Slack's documented limits where the models do not check them, each cited beside its
  rule (https://docs.slack.dev/reference/block-kit/...).

Problems read like Slack's own ``invalid_blocks`` messages:
``must be less than 3001 characters [json-pointer:/blocks/0/text/text]``.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block

# The block types a surface may carry: https://docs.slack.dev/reference/block-kit/blocks
# (and @slack/types' KnownBlock union). slack_sdk parses every one of them.
KNOWN_BLOCKS = frozenset(
    {
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "video",
    }
)
# https://docs.slack.dev/reference/block-kit/blocks/input-block: input blocks belong in
# modals and Home tabs, not messages.
_VIEW_ONLY = frozenset({"input"})

MAX_MESSAGE_BLOCKS = 50  # https://docs.slack.dev/reference/block-kit/blocks ("up to 50")
MAX_VIEW_BLOCKS = 100  # the same page: "up to 100 blocks" in modals and Home tabs
MAX_FIELD_TEXT = 2000  # section block: "Maximum length for the text in each item is 2000"
MAX_ACTION_ID = 255  # every interactive element: "Maximum length is 255 characters"
MAX_BUTTON_TEXT = 75  # button element: text "Maximum length ... is 75 characters"
MAX_BUTTON_VALUE = 2000  # button element: value "Maximum length ... is 2000 characters"
MAX_OPTION_TEXT = 75  # option object: text "Maximum length ... is 75 characters"
MAX_OPTIONS = 100  # static select: options "Maximum number of options is 100"
MAX_VIEW_TITLE = 24  # view object: title, submit, close "Max length of 24 characters"

_models_log = logging.getLogger("slack_sdk.models")


def message_problems(blocks: object, *, where: str = "/blocks") -> list[str]:
    """What Slack would refuse in a message's (or ephemeral's, response's, unfurl's)
    ``blocks``; empty when it would take them."""
    if not isinstance(blocks, list):
        return [f"must be an array {_at(where)}"]
    problems: list[str] = []
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        problems.append(f"must be less than {MAX_MESSAGE_BLOCKS + 1} items {_at(where)}")
    _blocks(blocks, where, problems, surface="message")
    return problems


def view_problems(view: object, *, where: str = "/view") -> list[str]:
    """What Slack would refuse in a modal or Home tab (``views.open``, ``views.update``,
    ``views.push``, ``views.publish``); empty when it would take it."""
    if not isinstance(view, dict):
        return [f"must be an object {_at(where)}"]
    problems: list[str] = []
    kind = view.get("type")
    if kind not in ("modal", "home"):
        problems.append(f"must be one of modal, home {_at(where + '/type')}")
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        return [*problems, f"must be an array {_at(where + '/blocks')}"]
    if len(blocks) > MAX_VIEW_BLOCKS:
        problems.append(f"must be less than {MAX_VIEW_BLOCKS + 1} items {_at(where + '/blocks')}")
    if kind == "modal":
        # https://docs.slack.dev/reference/views/modal-views: title is required; title,
        # submit and close are plain_text of at most 24 characters; a modal with an input
        # block needs a submit button.
        for key in ("title", "submit", "close"):
            if key in view or key == "title":
                _plain_text(view.get(key), f"{where}/{key}", MAX_VIEW_TITLE, problems)
        if "submit" not in view and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        ):
            problems.append(f"must provide submit when there are input blocks {_at(where)}")
    _blocks(blocks, f"{where}/blocks", problems, surface="view")
    return problems


def _blocks(blocks: list[Any], where: str, problems: list[str], *, surface: str) -> None:
    seen_ids: set[str] = set()
    for index, block in enumerate(blocks):
        at = f"{where}/{index}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            problems.append(f"must provide a type {_at(at)}")
            continue
        kind = block["type"]
        if kind not in KNOWN_BLOCKS or (surface == "message" and kind in _VIEW_ONLY):
            problems.append(f"unsupported type: {kind} {_at(at + '/type')}")
            continue
        # https://docs.slack.dev/reference/block-kit/blocks: block_id "should be unique for
        # each message or view".
        _unique(block.get("block_id"), seen_ids, at + "/block_id", problems)
        _model_problems(block, at, problems)
        _documented_limits(block, at, problems)


def _model_problems(block: dict[str, Any], at: str, problems: list[str]) -> None:
    """Parse the block into slack_sdk's model: unknown keys, missing required arguments and
    the model's own validators."""
    previous = _models_log.level
    _models_log.setLevel(logging.ERROR)  # the models warn about unknown keys; we report them
    try:
        model = Block.parse(block)
        if model is None:
            problems.append(f"unsupported type: {block['type']} {_at(at + '/type')}")
            return
        unknown = sorted(set(block) - set(model.attributes) - {"type"})
        for key in unknown:
            problems.append(f"unknown attribute {key!r} {_at(at + '/' + key)}")
        model.to_dict()  # runs every validator, nested elements too
    except SlackObjectFormationError as exc:
        problems.append(f"{exc} {_at(at)}")
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        problems.append(f"invalid block: {exc} {_at(at)}")
    finally:
        _models_log.setLevel(previous)


def _documented_limits(block: dict[str, Any], at: str, problems: list[str]) -> None:
    kind = block["type"]
    if kind == "header":
        # https://docs.slack.dev/reference/block-kit/blocks/header-block: text is plain_text.
        _plain_text(block.get("text"), f"{at}/text", 150, problems)
    if kind == "section":
        for index, field in enumerate(block.get("fields") or []):
            text = field.get("text") if isinstance(field, dict) else None
            if isinstance(text, str) and len(text) > MAX_FIELD_TEXT:
                problems.append(
                    f"must be less than {MAX_FIELD_TEXT + 1} characters "
                    f"{_at(f'{at}/fields/{index}/text')}"
                )
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            _element(accessory, f"{at}/accessory", problems)
    if kind in ("actions", "input"):
        elements = block.get("elements") if kind == "actions" else [block.get("element")]
        ids: set[str] = set()
        for index, element in enumerate(elements or []):
            if not isinstance(element, dict):
                continue
            where = f"{at}/elements/{index}" if kind == "actions" else f"{at}/element"
            # https://docs.slack.dev/reference/block-kit/blocks/actions-block: action_id
            # "should be unique among all other action_ids in the containing block".
            _unique(element.get("action_id"), ids, where + "/action_id", problems)
            _element(element, where, problems)


def _element(element: dict[str, Any], at: str, problems: list[str]) -> None:
    action_id = element.get("action_id")
    if isinstance(action_id, str) and len(action_id) > MAX_ACTION_ID:
        problems.append(
            f"must be less than {MAX_ACTION_ID + 1} characters {_at(at + '/action_id')}"
        )
    if element.get("type") == "button":
        _plain_text(element.get("text"), f"{at}/text", MAX_BUTTON_TEXT, problems)
        value = element.get("value")
        if isinstance(value, str) and len(value) > MAX_BUTTON_VALUE:
            problems.append(
                f"must be less than {MAX_BUTTON_VALUE + 1} characters {_at(at + '/value')}"
            )
    options = element.get("options")
    if isinstance(options, list):
        if len(options) > MAX_OPTIONS:
            problems.append(f"must be less than {MAX_OPTIONS + 1} items {_at(at + '/options')}")
        for index, option in enumerate(options):
            if isinstance(option, dict):
                text = option.get("text")
                limit_text = text.get("text") if isinstance(text, dict) else None
                if isinstance(limit_text, str) and len(limit_text) > MAX_OPTION_TEXT:
                    problems.append(
                        f"must be less than {MAX_OPTION_TEXT + 1} characters "
                        f"{_at(f'{at}/options/{index}/text/text')}"
                    )


def _plain_text(value: object, at: str, limit: int, problems: list[str]) -> None:
    if not isinstance(value, dict) or value.get("type") != "plain_text":
        problems.append(f"must be a plain_text text object {_at(at)}")
        return
    text = value.get("text")
    if not isinstance(text, str) or not text:
        problems.append(f"must provide text {_at(at + '/text')}")
    elif len(text) > limit:
        problems.append(f"must be less than {limit + 1} characters {_at(at + '/text')}")


def _unique(value: object, seen: set[str], at: str, problems: list[str]) -> None:
    if not isinstance(value, str):
        return
    if value in seen:
        problems.append(f"must be unique {_at(at)}")
    seen.add(value)


def _at(pointer: str) -> str:
    return f"[json-pointer:{pointer}]"
