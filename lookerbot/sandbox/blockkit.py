"""Block Kit as Slack checks it: the Slack emulator refuses what Slack refuses.

Two sources, neither of them the bot's:

- Structure: Slack's published type definitions, ``@slack/types 3.2.0``
  (``dist/block-kit/blocks.d.ts``, ``block-elements.d.ts``, ``composition-objects.d.ts``,
  ``extensions.d.ts`` and ``dist/views.d.ts``), transcribed into the tables below: every
  known block, element, composition object and view, its required and allowed keys, and
  which element and text types each place takes. An unknown type, a missing required key,
  an unknown key and a text or element type a place does not take are problems.
- Limits: Slack's documented limits (https://docs.slack.dev/reference/block-kit/...), each
  cited beside its number. Where slack_sdk's models (``slack_sdk.models.blocks``) validate
  the same limit they agree (tests/unit/test_blockkit_contract.py shows it); they cover only
  part of it (no option, button or view limits, no uniqueness, no unknown keys), so every
  limit is checked here.

Problems read like Slack's own ``invalid_blocks`` messages:
``must be less than 3001 characters [json-pointer:/blocks/0/text/text]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SLACK_TYPES = "@slack/types 3.2.0"

# -- structure: @slack/types 3.2.0 dist/block-kit/*.d.ts and dist/views.d.ts ----------------
#
# A spec maps each key to the kind of its value; a key ending in "?" is optional, as in
# TypeScript. Kinds: "string", "boolean", "integer", "number", "object" (any object),
# "enum:a|b" (one of those strings), a group name from GROUPS (an object whose "type" is one
# of the group's), a name from OBJECTS (an untyped composition object), and any of these
# followed by "[]" (an array of them).

Spec = Mapping[str, str]

# extensions.d.ts: the mixins the elements extend.
_ACTIONABLE = {"action_id?": "string"}
_CONFIRMABLE = {"confirm?": "confirm"}
_FOCUSABLE = {"focus_on_load?": "boolean"}
_PLACEHOLDABLE = {"placeholder?": "plain_text"}
_DISPATCHABLE = {"dispatch_action_config?": "object"}
_MAX_ITEMS = {"max_selected_items?": "integer"}
_URL_RESPONDABLE = {"response_url_enabled?": "boolean"}
_BORDERABLE = {"border?": "integer"}
_STYLEABLE = {"style?": "object"}
_COLOR_SCHEME = "enum:primary|danger"  # composition-objects.d.ts ColorScheme


def _block(**keys: str) -> dict[str, str]:
    # blocks.d.ts Block: every block may carry a block_id.
    return {"block_id?": "string", **_keys(keys)}


def _keys(keys: Mapping[str, str]) -> dict[str, str]:
    # Python names cannot end in "?": an optional key is written with a trailing "_".
    return {(k[:-1] + "?" if k.endswith("_") else k): v for k, v in keys.items()}


# blocks.d.ts KnownBlock
BLOCKS: dict[str, Spec] = {
    "actions": _block(elements="actions_element[]"),
    "alert": _block(text="text", level_="enum:default|info|warning|error|success"),
    "card": _block(
        hero_image_="image_element",
        icon_="image_element",
        title_="mrkdwn",
        subtitle_="mrkdwn",
        body_="mrkdwn",
        actions_="button[]",
    ),
    "carousel": _block(elements="card[]"),
    "container": _block(
        title_="plain_text",
        rich_text_title_="rich_text_block",
        subtitle_="text",
        child_blocks="container_child[]",
        width_="enum:narrow|standard|wide|full",
        icon_="image_element",
        is_collapsible_="boolean",
        default_collapsed_="boolean",
        has_header_divider_="boolean",
    ),
    "context": _block(elements="context_element[]"),
    "context_actions": _block(elements="context_actions_element[]"),
    "data_table": _block(
        rows="table_cell[][]",
        caption="string",
        page_size_="integer",
        row_header_column_index_="integer",
    ),
    "divider": _block(),
    "file": _block(source="string", external_id="string"),
    "header": _block(text="plain_text"),
    # ImageBlock = {alt_text, title?} & Block & (UrlImageObject | SlackFileImageObject)
    "image": _block(
        alt_text="string", title_="plain_text", image_url_="string", slack_file_="slack_file"
    ),
    "input": _block(
        label="plain_text",
        hint_="plain_text",
        optional_="boolean",
        element="input_element",
        dispatch_action_="boolean",
    ),
    "markdown": _block(text="string"),
    "rich_text": _block(elements="rich_text_block_element[]"),
    "section": _block(text_="text", fields_="text[]", accessory_="accessory", expand_="boolean"),
    "table": _block(rows="table_cell[][]", column_settings_="object[]"),
    "task_card": _block(
        task_id="string",
        title="string",
        details_="rich_text_block",
        output_="rich_text_block",
        sources_="url_source[]",
        status="enum:pending|in_progress|complete|error",
    ),
    "plan": _block(title="string", tasks_="object[]"),
    "video": _block(
        video_url="string",
        thumbnail_url="string",
        alt_text="string",
        title="plain_text",
        title_url_="string",
        author_name_="string",
        provider_name_="string",
        provider_icon_url_="string",
        description_="plain_text",
    ),
}


def _element(*mixins: Mapping[str, str], **keys: str) -> dict[str, str]:
    spec: dict[str, str] = {}
    for mixin in mixins:
        spec.update(mixin)
    spec.update(_keys(keys))
    return spec


_A, _C, _F, _P = _ACTIONABLE, _CONFIRMABLE, _FOCUSABLE, _PLACEHOLDABLE
_D, _M, _U = _DISPATCHABLE, _MAX_ITEMS, _URL_RESPONDABLE

# block-elements.d.ts, and the typed objects of composition-objects.d.ts
ELEMENTS: dict[str, Spec] = {
    "button": _element(
        _A,
        _C,
        text="plain_text",
        value_="string",
        url_="string",
        style_=_COLOR_SCHEME,
        accessibility_label_="string",
    ),
    "checkboxes": _element(_A, _C, _F, initial_options_="option[]", options="option[]"),
    "datepicker": _element(_A, _C, _F, _P, initial_date_="string"),
    "datetimepicker": _element(_A, _C, _F, initial_date_time_="integer"),
    "email_text_input": _element(_A, _D, _F, _P, initial_value_="string"),
    "feedback_buttons": _element(_A, positive_button="object", negative_button="object"),
    "file_input": _element(_A, filetypes_="string[]", max_files_="integer"),
    "icon_button": _element(
        _A,
        _C,
        icon="string",
        text="plain_text",
        accessibility_label_="string",
        value_="string",
        visible_to_user_ids_="string[]",
    ),
    # ImageElement = {type, alt_text} & (UrlImageObject | SlackFileImageObject)
    "image": _element(alt_text="string", image_url_="string", slack_file_="slack_file"),
    "users_select": _element(_A, _C, _F, _P, initial_user_="string"),
    "multi_users_select": _element(_A, _C, _F, _M, _P, initial_users_="string[]"),
    "static_select": _element(
        _A,
        _C,
        _F,
        _P,
        initial_option_="plain_option",
        options_="plain_option[]",
        option_groups_="option_group[]",
    ),
    "multi_static_select": _element(
        _A,
        _C,
        _F,
        _M,
        _P,
        initial_options_="plain_option[]",
        options_="plain_option[]",
        option_groups_="option_group[]",
    ),
    "conversations_select": _element(
        _A,
        _C,
        _F,
        _P,
        _U,
        initial_conversation_="string",
        default_to_current_conversation_="boolean",
        filter_="object",
    ),
    "multi_conversations_select": _element(
        _A,
        _C,
        _F,
        _M,
        _P,
        initial_conversations_="string[]",
        default_to_current_conversation_="boolean",
        filter_="object",
    ),
    "channels_select": _element(_A, _C, _F, _P, _U, initial_channel_="string"),
    "multi_channels_select": _element(_A, _C, _F, _M, _P, initial_channels_="string[]"),
    "external_select": _element(
        _A, _C, _F, _P, initial_option_="plain_option", min_query_length_="integer"
    ),
    "multi_external_select": _element(
        _A, _C, _F, _M, _P, initial_options_="plain_option[]", min_query_length_="integer"
    ),
    "number_input": _element(
        _A,
        _D,
        _F,
        _P,
        is_decimal_allowed="boolean",
        initial_value_="string",
        min_value_="string",
        max_value_="string",
    ),
    "overflow": _element(_A, _C, options="plain_option[]"),
    "plain_text_input": _element(
        _A,
        _D,
        _F,
        _P,
        initial_value_="string",
        multiline_="boolean",
        min_length_="integer",
        max_length_="integer",
    ),
    "radio_buttons": _element(_A, _C, _F, initial_option_="option", options="option[]"),
    "timepicker": _element(_A, _C, _F, _P, initial_time_="string", timezone_="string"),
    "url_text_input": _element(_A, _D, _F, _P, initial_value_="string"),
    "url": _element(url="string", text="string"),  # URLSourceElement
    "workflow_button": _element(
        _A,
        _C,
        text="plain_text",
        workflow="object",
        style_=_COLOR_SCHEME,
        accessibility_label_="string",
    ),
    "rich_text_input": _element(
        _A,
        _D,
        _F,
        _P,
        initial_value_="rich_text_block",
        min_lines_="integer",
        max_lines_="integer",
    ),
    # rich text: RichTextSection, RichTextList, RichTextQuote, RichTextPreformatted
    "rich_text_section": _element(elements="rich_text_element[]"),
    "rich_text_list": _element(
        _BORDERABLE,
        elements="rich_text_section_only[]",
        style="enum:bullet|ordered",
        indent_="integer",
    ),
    "rich_text_quote": _element(_BORDERABLE, elements="rich_text_element[]"),
    "rich_text_preformatted": _element(_BORDERABLE, elements="preformatted_element[]"),
    # RichTextElement
    "broadcast": _element(_STYLEABLE, range="enum:here|channel|everyone"),
    "color": _element(_STYLEABLE, value="string"),
    "channel": _element(_STYLEABLE, channel_id="string"),
    "date": _element(
        _STYLEABLE, timestamp="number", format="string", url_="string", fallback_="string"
    ),
    "emoji": _element(_STYLEABLE, name="string", unicode_="string", url_="string"),
    "link": _element(_STYLEABLE, text_="string", unsafe_="boolean", url="string"),
    "team": _element(_STYLEABLE, team_id="string"),
    "text": _element(_STYLEABLE, text="string"),
    "user": _element(_STYLEABLE, user_id="string"),
    "usergroup": _element(_STYLEABLE, usergroup_id="string"),
    # composition-objects.d.ts: PlainTextElement, MrkdwnElement, RawTextElement,
    # RawNumberElement
    "plain_text": _element(text="string", emoji_="boolean"),
    "mrkdwn": _element(text="string", verbatim_="boolean"),
    "raw_text": _element(text="string"),
    "raw_number": _element(value="number", text="string"),
}

# composition-objects.d.ts: the objects without a "type".
OBJECTS: dict[str, Spec] = {
    # Option = MrkdwnOption | PlainTextOption (OptionDescriptor: value?, url?, description?)
    "option": _keys(
        {"text": "text", "value_": "string", "url_": "string", "description_": "plain_text"}
    ),
    "plain_option": _keys(
        {"text": "plain_text", "value_": "string", "url_": "string", "description_": "plain_text"}
    ),
    # StaticSelect.option_groups: {label: PlainTextElement; options: PlainTextOption[]}
    "option_group": {"label": "plain_text", "options": "plain_option[]"},
    "confirm": _keys(
        {
            "title_": "plain_text",
            "text": "text",
            "confirm_": "plain_text",
            "deny_": "plain_text",
            "style_": _COLOR_SCHEME,
        }
    ),
    "slack_file": {"url?": "string", "id?": "string"},  # SlackFileViaUrl | SlackFileViaId
}

_SELECTS = (
    "static_select",
    "external_select",
    "users_select",
    "conversations_select",
    "channels_select",
)
_MULTI_SELECTS = tuple(f"multi_{s}" for s in _SELECTS)


def _group(table: str, *types: str) -> dict[str, str]:
    return dict.fromkeys(types, table)


# Where each kind of typed object may go: group name -> {type: table}.
GROUPS: dict[str, dict[str, str]] = {
    "block": _group("block", *BLOCKS),  # KnownBlock
    # ActionsBlockElement
    "actions_element": _group(
        "element",
        "button",
        "checkboxes",
        "datepicker",
        "datetimepicker",
        *_MULTI_SELECTS,
        "overflow",
        "radio_buttons",
        *_SELECTS,
        "timepicker",
        "workflow_button",
        "rich_text_input",
    ),
    # SectionBlockAccessory
    "accessory": _group(
        "element",
        "button",
        "checkboxes",
        "datepicker",
        "image",
        *_MULTI_SELECTS,
        "overflow",
        "radio_buttons",
        *_SELECTS,
        "timepicker",
        "workflow_button",
    ),
    # InputBlockElement
    "input_element": _group(
        "element",
        "checkboxes",
        "datepicker",
        "datetimepicker",
        "email_text_input",
        "file_input",
        *_MULTI_SELECTS,
        "number_input",
        "plain_text_input",
        "radio_buttons",
        "rich_text_input",
        *_SELECTS,
        "timepicker",
        "url_text_input",
    ),
    "context_element": _group("element", "image", "plain_text", "mrkdwn"),  # ContextBlockElement
    "context_actions_element": _group("element", "feedback_buttons", "icon_button"),
    "text": _group("element", "plain_text", "mrkdwn"),  # TextObject
    "plain_text": _group("element", "plain_text"),  # PlainTextElement
    "mrkdwn": _group("element", "mrkdwn"),  # MrkdwnElement
    "image_element": _group("element", "image"),
    "button": _group("element", "button"),
    "url_source": _group("element", "url"),
    "rich_text_block_element": _group(
        "element",
        "rich_text_section",
        "rich_text_list",
        "rich_text_quote",
        "rich_text_preformatted",
    ),
    "rich_text_element": _group(
        "element",
        "broadcast",
        "color",
        "channel",
        "date",
        "emoji",
        "link",
        "team",
        "text",
        "user",
        "usergroup",
    ),
    "rich_text_section_only": _group("element", "rich_text_section"),
    "preformatted_element": _group("element", "text", "link"),
    "table_cell": {"raw_text": "element", "raw_number": "element", "rich_text": "block"},
    "rich_text_block": _group("block", "rich_text"),
    "card": _group("block", "card"),
    # ContainerBlock.child_blocks
    "container_child": _group(
        "block",
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "rich_text",
        "section",
        "table",
        "video",
    ),
}

# views.d.ts: HomeView, ModalView, WorkflowStepView (BaseView: blocks, private_metadata?,
# callback_id?, external_id?).
_BASE_VIEW = {
    "blocks": "block[]",
    "private_metadata?": "string",
    "callback_id?": "string",
    "external_id?": "string",
}
VIEWS: dict[str, Spec] = {
    "home": _BASE_VIEW,
    "modal": _element(
        _BASE_VIEW,
        title="plain_text",
        close_="plain_text",
        submit_="plain_text",
        clear_on_close_="boolean",
        notify_on_close_="boolean",
    ),
    "workflow_step": _element(_BASE_VIEW, submit_disabled_="boolean"),
}

# Exactly one of these keys: image_url or slack_file (the ImageBlock and ImageElement unions;
# https://docs.slack.dev/reference/block-kit/blocks/image-block "You must provide either an
# image_url or slack_file"); a slack_file's url or id (SlackFileViaUrl | SlackFileViaId).
EXACTLY_ONE: dict[tuple[str, str], tuple[str, ...]] = {
    ("block", "image"): ("image_url", "slack_file"),
    ("element", "image"): ("image_url", "slack_file"),
    ("object", "slack_file"): ("url", "id"),
}
# At least one of these keys. Section: "text ... not required if a valid array of fields
# objects is provided instead" (https://docs.slack.dev/reference/block-kit/blocks/section-block).
# Static selects: options or option_groups
# (https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element).
AT_LEAST_ONE: dict[tuple[str, str], tuple[str, ...]] = {
    ("block", "section"): ("text", "fields"),
    ("element", "static_select"): ("options", "option_groups"),
    ("element", "multi_static_select"): ("options", "option_groups"),
}

# Where a block may appear: https://docs.slack.dev/reference/block-kit/blocks (the
# "Surfaces" column; docs.slack.dev/blocks.json "available-in-surfaces"). Blocks not listed
# here are available in messages, modals and Home tabs.
SURFACES: dict[str, frozenset[str]] = {
    "file": frozenset({"message"}),
    "markdown": frozenset({"message"}),
    "table": frozenset({"message"}),
    "alert": frozenset({"modal"}),
    "carousel": frozenset({"message", "home"}),
    "container": frozenset({"message"}),
}

# -- limits: Slack's documented limits ---------------------------------------------------------

MAX_MESSAGE_BLOCKS = 50  # https://docs.slack.dev/reference/block-kit/blocks: "up to 50 blocks
MAX_VIEW_BLOCKS = 100  # in each message, and 100 blocks in modals or Home tabs"
MAX_TEXT = 3000  # https://docs.slack.dev/reference/block-kit/composition-objects/text-object:
MIN_TEXT = 1  # "The minimum length is 1 and maximum length is 3000 characters"
MAX_BLOCK_ID = 255  # every block's page: block_id "Maximum length ... is 255 characters"
MAX_ACTION_ID = 255  # every interactive element: action_id "Maximum length ... 255 characters"
MAX_VIEW_TITLE = 24  # https://docs.slack.dev/reference/views/modal-views: title, close, submit

_SELECT_TYPES = (*_SELECTS, *_MULTI_SELECTS)
_PLACEHOLDERS = tuple(t for t, spec in ELEMENTS.items() if "placeholder?" in spec)

# Characters, by (table, type) and key; for a text object the limit is on its "text", for an
# array on each item. "*" is any type of that table.
CHAR_LIMITS: dict[tuple[str, str, str], int] = {
    # https://docs.slack.dev/reference/block-kit/blocks/header-block: text "Maximum length for
    # the text in this field is 150 characters"
    ("block", "header", "text"): 150,
    # https://docs.slack.dev/reference/block-kit/blocks/section-block: text "Maximum length
    # ... is 3000 characters"; fields "Maximum length for the text in each item is 2000"
    ("block", "section", "text"): 3000,
    ("block", "section", "fields"): 2000,
    # https://docs.slack.dev/reference/block-kit/blocks/image-block: image_url 3000,
    # alt_text 2000, title 2000
    ("block", "image", "image_url"): 3000,
    ("block", "image", "alt_text"): 2000,
    ("block", "image", "title"): 2000,
    # https://docs.slack.dev/reference/block-kit/blocks/input-block: label 2000, hint 2000
    ("block", "input", "label"): 2000,
    ("block", "input", "hint"): 2000,
    ("block", "*", "block_id"): MAX_BLOCK_ID,
    ("element", "*", "action_id"): MAX_ACTION_ID,
    # https://docs.slack.dev/reference/block-kit/block-elements/button-element: text 75,
    # value 2000, url 3000, accessibility_label 75
    ("element", "button", "text"): 75,
    ("element", "button", "value"): 2000,
    ("element", "button", "url"): 3000,
    ("element", "button", "accessibility_label"): 75,
    # text-object page: 3000 for every text object
    ("element", "plain_text", "text"): MAX_TEXT,
    ("element", "mrkdwn", "text"): MAX_TEXT,
    # https://docs.slack.dev/reference/block-kit/composition-objects/option-object: text 75,
    # value 150, description 75, url 3000 (@slack/types' JSDoc still says 75 for value)
    ("object", "option", "text"): 75,
    ("object", "option", "value"): 150,
    ("object", "option", "description"): 75,
    ("object", "option", "url"): 3000,
    ("object", "plain_option", "text"): 75,
    ("object", "plain_option", "value"): 150,
    ("object", "plain_option", "description"): 75,
    ("object", "plain_option", "url"): 3000,
    # https://docs.slack.dev/reference/block-kit/composition-objects/option-group-object:
    # label 75
    ("object", "option_group", "label"): 75,
    # https://docs.slack.dev/reference/views/modal-views: title, close and submit 24;
    # private_metadata 3000; callback_id 255
    ("view", "modal", "title"): MAX_VIEW_TITLE,
    ("view", "modal", "close"): MAX_VIEW_TITLE,
    ("view", "modal", "submit"): MAX_VIEW_TITLE,
    ("view", "*", "private_metadata"): 3000,
    ("view", "*", "callback_id"): 255,
    # https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element (and the
    # input elements' pages): placeholder "Maximum length ... is 150 characters"
    **{("element", t, "placeholder"): 150 for t in _PLACEHOLDERS},
}

# Items in an array, by (table, type) and key.
ITEM_LIMITS: dict[tuple[str, str, str], int] = {
    ("block", "section", "fields"): 10,  # section-block: fields "Maximum number of items is 10"
    ("block", "context", "elements"): 10,  # context-block: "Maximum number of items is 10"
    ("block", "actions", "elements"): 25,  # actions-block: "a maximum of 25 elements"
    # @slack/types CarouselBlock.elements: "Minimum 1, maximum 10 cards"
    ("block", "carousel", "elements"): 10,
    ("view", "*", "blocks"): MAX_VIEW_BLOCKS,
    # select-menu-element: options "Maximum number of options is 100"; option_groups
    # "Maximum number of option groups is 100"; option-group-object: "Maximum of 100 items"
    **{("element", t, "options"): 100 for t in _SELECT_TYPES},
    **{("element", t, "option_groups"): 100 for t in _SELECT_TYPES},
    ("object", "option_group", "options"): 100,
    # https://docs.slack.dev/reference/block-kit/block-elements/overflow-menu-element:
    # options "An array of up to five option objects" (@slack/types Overflow.options: "up
    # to 5"; slack_sdk OverflowMenuElement.options_max_length = 5)
    ("element", "overflow", "options"): 5,
}

# At least this many items. An overflow menu needs an option: Block Kit Builder refuses an
# empty one with "options must provide at least 1 items" and takes a single one
# (yhatt/jsx-slack#85; slackapi/python-slack-sdk#1218, whose fix #1219 set slack_sdk's
# OverflowMenuElement.options_min_length to 1). Slack's older reference said "minimum is 2";
# Slack itself has not held apps to that since 2019, so neither does the emulator.
MIN_ITEMS: dict[tuple[str, str, str], int] = {
    ("element", "overflow", "options"): 1,
}

_PRIMITIVES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
}


def message_problems(blocks: object, *, where: str = "/blocks") -> list[str]:
    """What Slack would refuse in the ``blocks`` of a message, an ephemeral, a
    ``response_url`` post or an unfurl; empty when it would take them."""
    walk = _Walk(surface="message")
    if not isinstance(blocks, list):
        walk.add("must be an array", where)
        return walk.problems
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        walk.add(f"no more than {MAX_MESSAGE_BLOCKS} items allowed", where)
    for index, block in enumerate(blocks):
        walk.typed(block, "block", f"{where}/{index}")
    return walk.result()


def view_problems(view: object) -> list[str]:
    """What Slack would refuse in a modal (``views.open``, ``views.update``, ``views.push``)
    or a Home tab (``views.publish``); empty when it would take it."""
    at = "/view"
    walk = _Walk(surface="modal")
    if not isinstance(view, dict):
        walk.add("must be an object", at)
        return walk.problems
    kind = view.get("type")
    if not isinstance(kind, str) or kind not in VIEWS:
        walk.add(f"must be one of {', '.join(sorted(VIEWS))}", f"{at}/type")
        return walk.problems
    walk.surface = "home" if kind == "home" else "modal"
    walk.fields(view, VIEWS[kind], at, ("view", kind))
    blocks = view.get("blocks")
    # https://docs.slack.dev/reference/views/modal-views: "submit is required when an input
    # block is within the blocks array"
    if (
        kind == "modal"
        and "submit" not in view
        and isinstance(blocks, list)
        and any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
    ):
        walk.add("must provide submit when there are input blocks", at)
    return walk.result()


def options_problems(body: object) -> list[str]:
    """What Slack would refuse in an app's answer to a ``block_suggestion`` (the options of
    an ``external_select``); empty when it would show them.

    The answer is ``{"options": [...]}`` or ``{"option_groups": [...]}``, not both
    (@slack/bolt 5.1.0 ``types/options``: ``XOR<BlockOptions, OptionGroups<BlockOptions>>``;
    https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#external_select:
    "options" or "option_groups" in the response). Select menus take plain_text options
    only (option-object page: "Overflow, select, and multi-select menus can only use
    plain_text objects"); at most 100 options, 100 groups, 100 options in a group
    (select-menu-element and option-group-object pages), each option's limits as in a view.
    """
    walk = _Walk(surface="message")
    if not isinstance(body, dict):
        walk.add("must be an object", "")
        return walk.problems
    present = [k for k in ("options", "option_groups") if k in body]
    if len(present) != 1:
        walk.add("must provide exactly one of options, option_groups", "")
    for key in body:
        if key not in ("options", "option_groups"):
            walk.add(f"unknown field: {key}", f"/{key}")
    if "options" in body:
        walk.value(body["options"], "plain_option[]", "/options")
        walk._limits(body["options"], "", "options", ("element", "external_select"))
    if "option_groups" in body:
        walk.value(body["option_groups"], "option_group[]", "/option_groups")
        walk._limits(body["option_groups"], "", "option_groups", ("element", "external_select"))
    return walk.result()


@dataclass
class _Walk:
    """One check of a surface: its problems and the ids it has seen."""

    surface: str
    problems: list[str] = field(default_factory=list)
    block_ids: set[str] = field(default_factory=set)
    action_ids: set[str] = field(default_factory=set)

    def add(self, message: str, at: str) -> None:
        self.problems.append(f"{message} [json-pointer:{at}]")

    def result(self) -> list[str]:
        return list(dict.fromkeys(self.problems))

    def typed(self, value: object, group: str, at: str) -> None:
        """An object whose ``type`` must be one of ``group``'s."""
        if not isinstance(value, dict):
            self.add("must be an object", at)
            return
        kind = value.get("type")
        if not isinstance(kind, str):
            self.add("missing required field: type", at)
            return
        allowed = GROUPS[group]
        table = allowed.get(kind)
        if table is None:
            expected = ", ".join(sorted(allowed)) if len(allowed) <= 5 else group
            self.add(f"unsupported type: {kind} (expected {expected})", f"{at}/type")
            return
        if table == "block":
            self._block(value, kind, at)
        else:
            self.fields(value, ELEMENTS[kind], at, ("element", kind))

    def _block(self, block: dict[str, Any], kind: str, at: str) -> None:
        surfaces = SURFACES.get(kind)
        if surfaces is not None and self.surface not in surfaces:
            self.add(f"unsupported type: {kind} (not available in a {self.surface})", at + "/type")
            return
        # https://docs.slack.dev/reference/block-kit/blocks/input-block: block_id "should be
        # unique for each message or view"
        self._unique(block.get("block_id"), self.block_ids, at + "/block_id")
        # @slack/types Actionable.action_id: "Should be unique among all other action_ids in
        # the containing block"
        outer, self.action_ids = self.action_ids, set()
        try:
            self.fields(block, BLOCKS[kind], at, ("block", kind))
        finally:
            self.action_ids = outer

    def fields(self, value: dict[str, Any], spec: Spec, at: str, ident: tuple[str, str]) -> None:
        """``value``'s keys against ``spec``, then the limits on ``ident``'s keys."""
        allowed = {key.rstrip("?"): kind for key, kind in spec.items()}
        for key in spec:
            if not key.endswith("?") and key not in value:
                self.add(f"missing required field: {key}", at)
        for key in value:
            if key != "type" and key not in allowed:
                self.add(f"unknown field: {key}", f"{at}/{key}")
        present = [k for k in EXACTLY_ONE.get(ident, ()) if k in value]
        if ident in EXACTLY_ONE and len(present) != 1:
            self.add(f"must provide exactly one of {', '.join(EXACTLY_ONE[ident])}", at)
        wanted = AT_LEAST_ONE.get(ident, ())
        if wanted and not any(k in value for k in wanted):
            self.add(f"must provide one of {', '.join(wanted)}", at)
        for key, item in value.items():
            if key in allowed:
                self.value(item, allowed[key], f"{at}/{key}")
                self._limits(item, at, key, ident)
        if ident[0] == "element" and "action_id" in allowed:
            self._unique(value.get("action_id"), self.action_ids, at + "/action_id")

    def value(self, value: object, kind: str, at: str) -> None:
        if kind.endswith("[]"):
            if not isinstance(value, list):
                self.add("must be an array", at)
                return
            for index, item in enumerate(value):
                self.value(item, kind[:-2], f"{at}/{index}")
        elif kind in _PRIMITIVES:
            types = _PRIMITIVES[kind]
            if not isinstance(value, types) or (kind != "boolean" and isinstance(value, bool)):
                self.add(f"must be a {kind}", at)
        elif kind.startswith("enum:"):
            options = kind[5:].split("|")
            if value not in options:
                self.add(f"must be one of {', '.join(options)}", at)
        elif kind == "object":
            if not isinstance(value, dict):
                self.add("must be an object", at)
        elif kind in GROUPS:
            self.typed(value, kind, at)
        elif not isinstance(value, dict):
            self.add("must be an object", at)
        else:
            self.fields(value, OBJECTS[kind], at, ("object", kind))

    def _limits(self, value: object, at: str, key: str, ident: tuple[str, str]) -> None:
        table, kind = ident
        where = f"{at}/{key}"
        items = _limit(ITEM_LIMITS, table, kind, key)
        if items is not None and isinstance(value, list) and len(value) > items:
            self.add(f"no more than {items} items allowed", where)
        least = _limit(MIN_ITEMS, table, kind, key)
        if least is not None and isinstance(value, list) and len(value) < least:
            self.add(f"must provide at least {least} items", where)
        chars = _limit(CHAR_LIMITS, table, kind, key)
        if chars is None:
            return
        if isinstance(value, list):
            for index, item in enumerate(value):
                self._chars(item, f"{where}/{index}", chars)
        else:
            self._chars(value, where, chars)
        is_text = (table, kind) in (("element", "plain_text"), ("element", "mrkdwn"))
        if is_text and isinstance(value, str) and len(value) < MIN_TEXT:
            self.add(f"must be at least {MIN_TEXT} character", where)

    def _chars(self, value: object, at: str, limit: int) -> None:
        if isinstance(value, dict):  # a text object: the limit is on its text
            value, at = value.get("text"), at + "/text"
        if isinstance(value, str) and len(value) > limit:
            self.add(f"must be less than {limit + 1} characters", at)

    def _unique(self, value: object, seen: set[str], at: str) -> None:
        if not isinstance(value, str):
            return
        if value in seen:
            self.add("must be unique", at)
        seen.add(value)


def _limit(
    limits: Mapping[tuple[str, str, str], int], table: str, kind: str, key: str
) -> int | None:
    found = limits.get((table, kind, key))
    return found if found is not None else limits.get((table, "*", key))
