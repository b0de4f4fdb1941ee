"""The Slack emulator's Block Kit contract (lookerbot.sandbox.blockkit).

Each rule refuses a payload that breaks it, naming the limit and the place; blocks and views
built with slack_sdk's own models pass; where slack_sdk's models check the same limit they
agree; and every Block Kit payload the bot itself builds passes.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    ExternalDataSelectElement,
    HeaderBlock,
    ImageBlock,
    ImageElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    OptionGroup,
    OverflowMenuElement,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from lookerbot.commands.base import CommandRequest, Source
from lookerbot.commands.custom import CustomCommand
from lookerbot.commands.find import FindCommand
from lookerbot.commands.help import HelpCommand
from lookerbot.content import ContentRunner
from lookerbot.delivery.data_actions import _note_view, _view, form_field_block
from lookerbot.formatting.message import Message
from lookerbot.formatting.results import ResultLink, format_result
from lookerbot.looker.instances import LookerInstance, LookerRegistry
from lookerbot.looker.models import ContentRef, FolderRef, Query, QueryResult
from lookerbot.sandbox.blockkit import (
    SLACK_TYPES,
    message_problems,
    options_problems,
    view_problems,
)

LOOKER = "https://co.looker.com"


def plain(text: str = "x") -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str = "x") -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def section(text: str = "x", **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text), **extra}


def button(text: str = "Go", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "text": plain(text), **extra}


def actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements)}


def option(text: str = "o", value: str = "v") -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def select(*options: dict[str, Any]) -> dict[str, Any]:
    return {"type": "static_select", "action_id": "s", "options": list(options)}


def image(**extra: Any) -> dict[str, Any]:
    return {"type": "image", **extra}


def modal(**extra: Any) -> dict[str, Any]:
    return {"type": "modal", "title": plain("Title"), "blocks": [section()], **extra}


def text_input() -> dict[str, Any]:
    return {
        "type": "input",
        "label": plain("Name"),
        "element": {"type": "plain_text_input", "action_id": "n"},
    }


# (payload, the problem Slack's invalid_blocks would name)
MESSAGE_RULES: dict[str, tuple[Any, str]] = {
    # structure (@slack/types 3.2.0)
    "not an array": ("blocks", "must be an array [json-pointer:/blocks]"),
    "unknown block type": (
        [{"type": "bogus"}],
        "unsupported type: bogus (expected block) [json-pointer:/blocks/0/type]",
    ),
    "block without a type": ([{"text": mrkdwn()}], "missing required field: type"),
    "missing required key": (
        [{"type": "actions"}],
        "missing required field: elements [json-pointer:/blocks/0]",
    ),
    "unknown key": (
        [section(colour="red")],
        "unknown field: colour [json-pointer:/blocks/0/colour]",
    ),
    "unknown key in an element": (
        [actions(button(action_id="a", colour="red"))],
        "unknown field: colour [json-pointer:/blocks/0/elements/0/colour]",
    ),
    "mrkdwn header": (
        [{"type": "header", "text": mrkdwn()}],
        "unsupported type: mrkdwn (expected plain_text) [json-pointer:/blocks/0/text/type]",
    ),
    "mrkdwn button text": (
        [actions({"type": "button", "text": mrkdwn()})],
        "unsupported type: mrkdwn (expected plain_text) "
        "[json-pointer:/blocks/0/elements/0/text/type]",
    ),
    "mrkdwn option in a select": (
        [actions(select({"text": mrkdwn(), "value": "v"}))],
        "[json-pointer:/blocks/0/elements/0/options/0/text/type]",
    ),
    "string for a text object": (
        [{"type": "section", "text": "hello"}],
        "must be an object [json-pointer:/blocks/0/text]",
    ),
    "section without text or fields": (
        [{"type": "section"}],
        "must provide one of text, fields [json-pointer:/blocks/0]",
    ),
    "button in a context block": (
        [{"type": "context", "elements": [button()]}],
        "unsupported type: button (expected image, mrkdwn, plain_text) "
        "[json-pointer:/blocks/0/elements/0/type]",
    ),
    "text input in an actions block": (
        [actions({"type": "plain_text_input", "action_id": "a"})],
        "unsupported type: plain_text_input (expected actions_element) "
        "[json-pointer:/blocks/0/elements/0/type]",
    ),
    "button in an input block": (
        [{"type": "input", "label": plain(), "element": button()}],
        "[json-pointer:/blocks/0/element/type]",
    ),
    "input label in mrkdwn": (
        [{"type": "input", "label": mrkdwn(), "element": {"type": "plain_text_input"}}],
        "[json-pointer:/blocks/0/label/type]",
    ),
    "wrong value type": (
        [actions(button(value=12))],
        "must be a string [json-pointer:/blocks/0/elements/0/value]",
    ),
    "unknown button style": (
        [actions(button(style="green"))],
        "must be one of primary, danger [json-pointer:/blocks/0/elements/0/style]",
    ),
    "empty text": (
        [section("")],
        "must be at least 1 character [json-pointer:/blocks/0/text/text]",
    ),
    "text over 3,000 anywhere": (
        [{"type": "context", "elements": [mrkdwn("x" * 3001)]}],
        "must be less than 3001 characters [json-pointer:/blocks/0/elements/0/text]",
    ),
    "message-only block in a message is fine, modal-only block is not": (
        [{"type": "alert", "text": plain("careful")}],
        "unsupported type: alert (not available in a message) [json-pointer:/blocks/0/type]",
    ),
    # limits
    "51 blocks": ([section()] * 51, "no more than 50 items allowed [json-pointer:/blocks]"),
    "header over 150": (
        [{"type": "header", "text": plain("x" * 151)}],
        "must be less than 151 characters [json-pointer:/blocks/0/text/text]",
    ),
    "section text over 3,000": (
        [section("x" * 3001)],
        "must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
    ),
    "11 fields": (
        [{"type": "section", "fields": [mrkdwn()] * 11}],
        "no more than 10 items allowed [json-pointer:/blocks/0/fields]",
    ),
    "field over 2,000": (
        [{"type": "section", "fields": [mrkdwn(), mrkdwn("x" * 2001)]}],
        "must be less than 2001 characters [json-pointer:/blocks/0/fields/1/text]",
    ),
    "11 context elements": (
        [{"type": "context", "elements": [mrkdwn()] * 11}],
        "no more than 10 items allowed [json-pointer:/blocks/0/elements]",
    ),
    "block_id over 255": (
        [section(block_id="b" * 256)],
        "must be less than 256 characters [json-pointer:/blocks/0/block_id]",
    ),
    "block_id twice": (
        [section(block_id="same"), {"type": "divider", "block_id": "same"}],
        "must be unique [json-pointer:/blocks/1/block_id]",
    ),
    "action_id over 255": (
        [actions(button(action_id="a" * 256))],
        "must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]",
    ),
    "action_id twice in a block": (
        [actions(button(action_id="a"), button(action_id="a"))],
        "must be unique [json-pointer:/blocks/0/elements/1/action_id]",
    ),
    "26 elements in an actions block": (
        [actions(*[button(action_id=str(i)) for i in range(26)])],
        "no more than 25 items allowed [json-pointer:/blocks/0/elements]",
    ),
    "button value over 2,000": (
        [actions(button(value="v" * 2001))],
        "must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]",
    ),
    "button text over 75": (
        [actions(button("x" * 76))],
        "must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]",
    ),
    "option text over 75": (
        [actions(select(option("x" * 76)))],
        "must be less than 76 characters [json-pointer:/blocks/0/elements/0/options/0/text/text]",
    ),
    "101 options": (
        [actions(select(*[option(str(i), str(i)) for i in range(101)]))],
        "no more than 100 items allowed [json-pointer:/blocks/0/elements/0/options]",
    ),
    "select without options": (
        [actions({"type": "static_select", "action_id": "s"})],
        "must provide one of options, option_groups [json-pointer:/blocks/0/elements/0]",
    ),
    "image without alt_text": (
        [image(image_url="https://x/y.png")],
        "missing required field: alt_text [json-pointer:/blocks/0]",
    ),
    "alt_text over 2,000": (
        [image(image_url="https://x/y.png", alt_text="a" * 2001)],
        "must be less than 2001 characters [json-pointer:/blocks/0/alt_text]",
    ),
    "image_url over 3,000": (
        [image(image_url="https://x/" + "y" * 2991, alt_text="a")],
        "must be less than 3001 characters [json-pointer:/blocks/0/image_url]",
    ),
    "image without image_url or slack_file": (
        [image(alt_text="a")],
        "must provide exactly one of image_url, slack_file [json-pointer:/blocks/0]",
    ),
    "image with both": (
        [image(alt_text="a", image_url="https://x/y.png", slack_file={"id": "F1"})],
        "must provide exactly one of image_url, slack_file [json-pointer:/blocks/0]",
    ),
    "overflow without options": (
        [section(accessory={"type": "overflow", "action_id": "o", "options": []})],
        "must provide at least 1 items [json-pointer:/blocks/0/accessory/options]",
    ),
    "6 overflow options": (
        [
            section(
                accessory={
                    "type": "overflow",
                    "action_id": "o",
                    "options": [option(str(i), str(i)) for i in range(6)],
                }
            )
        ],
        "no more than 5 items allowed [json-pointer:/blocks/0/accessory/options]",
    ),
    "options in an external select": (
        [actions({"type": "external_select", "action_id": "e", "options": [option()]})],
        "unknown field: options [json-pointer:/blocks/0/elements/0/options]",
    ),
}


@pytest.mark.parametrize(("blocks", "expected"), MESSAGE_RULES.values(), ids=MESSAGE_RULES)
def test_a_message_slack_would_refuse_is_refused(blocks: Any, expected: str) -> None:
    problems = message_problems(blocks)
    assert any(expected in p for p in problems), problems


def test_an_unfurls_blocks_are_pointed_at_where_they_are() -> None:
    where = "/unfurls/https://co.looker.com/looks/1/blocks"
    assert message_problems([section("x" * 3001)], where=where) == [
        f"must be less than 3001 characters [json-pointer:{where}/0/text/text]"
    ]


VIEW_RULES: dict[str, tuple[Any, str]] = {
    "not an object": ([], "must be an object [json-pointer:/view]"),
    "unknown view type": (
        {"type": "popup", "blocks": []},
        "must be one of home, modal, workflow_step [json-pointer:/view/type]",
    ),
    "modal without title": (
        {"type": "modal", "blocks": []},
        "missing required field: title [json-pointer:/view]",
    ),
    "modal title in mrkdwn": (
        modal(title=mrkdwn("Title")),
        "unsupported type: mrkdwn (expected plain_text) [json-pointer:/view/title/type]",
    ),
    "unknown view key": (modal(colour="red"), "unknown field: colour [json-pointer:/view/colour]"),
    "title on a Home tab": (
        {"type": "home", "title": plain(), "blocks": []},
        "unknown field: title [json-pointer:/view/title]",
    ),
    "title over 24": (
        modal(title=plain("x" * 25)),
        "must be less than 25 characters [json-pointer:/view/title/text]",
    ),
    "submit over 24": (
        modal(submit=plain("x" * 25)),
        "must be less than 25 characters [json-pointer:/view/submit/text]",
    ),
    "close over 24": (
        modal(close=plain("x" * 25)),
        "must be less than 25 characters [json-pointer:/view/close/text]",
    ),
    "input blocks without submit": (
        modal(blocks=[text_input()]),
        "must provide submit when there are input blocks [json-pointer:/view]",
    ),
    "101 blocks in a modal": (
        modal(blocks=[section()] * 101),
        "no more than 100 items allowed [json-pointer:/view/blocks]",
    ),
    "101 blocks in a Home tab": (
        {"type": "home", "blocks": [section()] * 101},
        "no more than 100 items allowed [json-pointer:/view/blocks]",
    ),
    "block_id twice in a view": (
        modal(blocks=[section(block_id="a"), section(block_id="a")]),
        "must be unique [json-pointer:/view/blocks/1/block_id]",
    ),
    "private_metadata over 3,000": (
        modal(private_metadata="m" * 3001),
        "must be less than 3001 characters [json-pointer:/view/private_metadata]",
    ),
    "callback_id over 255": (
        modal(callback_id="c" * 256),
        "must be less than 256 characters [json-pointer:/view/callback_id]",
    ),
    "message-only block in a modal": (
        modal(blocks=[{"type": "markdown", "text": "**hi**"}]),
        "unsupported type: markdown (not available in a modal) [json-pointer:/view/blocks/0/type]",
    ),
    "a block's own rules inside a view": (
        {"type": "home", "blocks": [{"type": "header", "text": plain("x" * 151)}]},
        "must be less than 151 characters [json-pointer:/view/blocks/0/text/text]",
    ),
}


@pytest.mark.parametrize(("view", "expected"), VIEW_RULES.values(), ids=VIEW_RULES)
def test_a_view_slack_would_refuse_is_refused(view: Any, expected: str) -> None:
    problems = view_problems(view)
    assert any(expected in p for p in problems), problems


def test_the_structure_names_its_source() -> None:
    assert SLACK_TYPES == "@slack/types 3.2.0"


# The limits slack_sdk's models check too: the same payloads fail their validation.
SDK_COVERED = [
    "header over 150",
    "section text over 3,000",
    "11 fields",
    "11 context elements",
    "block_id over 255",
    "26 elements in an actions block",
    "button value over 2,000",
    "button text over 75",
    "action_id over 255",
    "alt_text over 2,000",
    "image_url over 3,000",
    "overflow without options",  # OverflowMenuElement: options_min_length = 1
    "6 overflow options",  # options_max_length = 5
]


@pytest.mark.parametrize("rule", SDK_COVERED)
def test_where_slack_sdk_checks_the_same_limit_it_agrees(rule: str) -> None:
    (block,) = MESSAGE_RULES[rule][0][-1:]
    model = Block.parse(block)
    assert model is not None
    with pytest.raises(SlackObjectFormationError):
        model.to_dict()  # validates the block and, through it, its elements


def test_blocks_built_with_slack_sdk_pass() -> None:
    blocks = [
        HeaderBlock(text="x" * 150, block_id="h"),
        SectionBlock(text=MarkdownTextObject(text="*West* 1,234"), block_id="result"),
        SectionBlock(fields=[MarkdownTextObject(text="f" * 2000) for _ in range(10)]),
        SectionBlock(
            text="With an accessory",
            accessory=OverflowMenuElement(
                action_id="more", options=[Option(text="Open", value="open")]
            ),
        ),
        SectionBlock(
            text="With an image",
            accessory=ImageElement(image_url="https://example.com/i.png", alt_text="i"),
        ),
        DividerBlock(),
        ImageBlock(image_url="https://example.com/chart.png", alt_text="a chart", title="Revenue"),
        ContextBlock(elements=[MarkdownTextObject(text="from Looker")] * 10),
        ActionsBlock(
            block_id="acts",
            elements=[
                ButtonElement(text="Open", action_id="open", url="https://looker.example.com"),
                ButtonElement(text="x" * 75, action_id="run", value="v" * 2000, style="primary"),
                StaticSelectElement(
                    action_id="pick",
                    placeholder="Pick",
                    options=[Option(text="o" * 75, value=str(i)) for i in range(100)],
                ),
                StaticSelectElement(
                    action_id="grouped",
                    placeholder="Grouped",
                    option_groups=[OptionGroup(label="A", options=[Option(text="a", value="a")])],
                ),
            ],
        ),
        InputBlock(
            label="In a message",
            dispatch_action=True,
            element=PlainTextInputElement(action_id="in"),
        ),
    ]
    assert message_problems([b.to_dict() for b in blocks]) == []
    assert message_problems([SectionBlock(text="x").to_dict()] * 50) == []


def test_the_other_published_block_types_pass() -> None:
    rich_text = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "text", "text": "Hello ", "style": {"bold": True}},
                    {"type": "link", "url": "https://example.com", "text": "there"},
                    {"type": "emoji", "name": "wave"},
                    {"type": "user", "user_id": "U1"},
                ],
            },
            {
                "type": "rich_text_list",
                "style": "bullet",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "a"}]}
                ],
            },
            {"type": "rich_text_preformatted", "elements": [{"type": "text", "text": "code"}]},
        ],
    }
    table = {
        "type": "table",
        "column_settings": [{"align": "right"}],
        "rows": [
            [{"type": "raw_text", "text": "Region"}, {"type": "raw_text", "text": "Count"}],
            [{"type": "raw_text", "text": "West"}, {"type": "raw_number", "value": 3, "text": "3"}],
        ],
    }
    blocks = [
        rich_text,
        table,
        {"type": "markdown", "text": "**bold**"},
        {"type": "file", "source": "remote", "external_id": "ABC"},
        image(alt_text="a", slack_file={"id": "F1"}),
        {
            "type": "video",
            "video_url": "https://example.com/v",
            "thumbnail_url": "https://example.com/t.png",
            "alt_text": "a video",
            "title": plain("Video"),
        },
    ]
    assert message_problems(blocks) == []
    assert (
        view_problems(modal(blocks=[rich_text, {"type": "alert", "text": plain("Careful")}])) == []
    )


def test_views_built_with_slack_sdk_pass() -> None:
    inputs = [
        InputBlock(
            label="Region",
            block_id="region",
            element=ExternalDataSelectElement(action_id="region", placeholder="Region"),
        ),
        InputBlock(
            label="Status",
            block_id="status",
            optional=True,
            hint="Pick one",
            element=StaticSelectElement(
                action_id="status",
                options=[Option(text="Open", value="open"), Option(text="Closed", value="c")],
            ),
        ),
        InputBlock(
            label="Note",
            block_id="note",
            element=PlainTextInputElement(action_id="n", multiline=True),
        ),
    ]
    modal_view = View(
        type="modal",
        title=PlainTextObject(text="x" * 24),
        submit=PlainTextObject(text="y" * 24),
        close=PlainTextObject(text="z" * 24),
        callback_id="form",
        private_metadata="m" * 3000,
        blocks=[*inputs, *[SectionBlock(text="filler") for _ in range(97)]],
    )
    home = View(
        type="home",
        blocks=[HeaderBlock(text="Home"), *[SectionBlock(text="hello") for _ in range(99)]],
    )
    assert view_problems(modal_view.to_dict()) == []
    assert view_problems(home.to_dict()) == []


# -- the bot's own Block Kit -------------------------------------------------------------------


def field_meta(name: str, label: str) -> dict[str, Any]:
    return {"name": name, "label": label, "label_short": label}


def query(vis: str) -> Query:
    return Query.from_api(
        {"id": "1", "model": "m", "view": "v", "fields": [], "vis_config": {"type": vis}}
    )


def result(rows: list[dict[str, Any]], dims: list[str], measures: list[str]) -> QueryResult:
    return QueryResult.from_api(
        {
            "fields": {
                "dimensions": [field_meta(d, d.title()) for d in dims],
                "measures": [field_meta(m, m.title()) for m in measures],
                "table_calculations": [],
            },
            "data": rows,
        }
    )


def cell(value: Any, links: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"value": value, "rendered": str(value), "links": links or []}


def data_action(label: str, **extra: Any) -> dict[str, Any]:
    return {"type": "action", "label": label, "url": "https://hooks.example.com/x", **extra}


class FakeClient:
    """Just enough of a LookerClient for the formatting paths."""

    def __init__(self, rows: QueryResult | None = None) -> None:
        self._result = rows

    async def run_query(self, query_id: str) -> QueryResult:
        assert self._result is not None
        return self._result

    async def search_content(self, kind: str, pattern: str, *, limit: int) -> list[ContentRef]:
        folder = FolderRef.from_api({"id": "9", "name": "Sales & <Ops>"})
        return [
            ContentRef(
                kind=kind, id=str(i), title=f"Revenue report {i} " + "long " * 60, folder=folder
            )
            for i in range(limit)
        ]


def instance(client: FakeClient | None = None, url: str = LOOKER) -> LookerInstance:
    settings = SimpleNamespace(url=url, run_as_user=False, custom_command_folder_id="7")
    return LookerInstance(settings=settings, client=client or FakeClient())


def request() -> CommandRequest:
    return CommandRequest(text="help", user_id="U1", channel_id="C1", source=Source.DM)


class FakeCatalog:
    configured = False

    def __init__(self, commands: list[CustomCommand]) -> None:
        self.commands = commands

    def refresh_soon(self) -> None:
        pass

    def qualified_name(self, command: CustomCommand) -> str:
        return command.name

    def folders_of(self, looker: LookerInstance) -> list[str]:
        return []


class FakeRenderer:
    async def render(self, *args: Any, **kwargs: Any) -> bytes:
        return b"\x89PNG"


class FakeStore:
    name = "fake"
    hosts_images = True

    async def publish(self, png: bytes) -> str:
        return "https://images.example.com/" + "c" * 64 + ".png"


def table_message() -> Message:
    rows = [
        {"orders.region": cell(f"Region {i} " + "w" * 40), "orders.count": cell(i * 1000)}
        for i in range(400)
    ]
    r = result(rows, ["orders.region"], ["orders.count"])
    source = ResultLink(f"{LOOKER}/looks/2", "Orders by region")
    return format_result(query("table"), r, looker_url=LOOKER, source=source).message


def record_message() -> Message:
    names = [f"orders.f{i}" for i in range(25)]
    r = result([{n: cell("v" * 2500) for n in names}], names, [])
    return format_result(query("looker_single_record"), r, looker_url=LOOKER).message


async def single_value_with_buttons() -> Message:
    links = [
        {"type": "measure_default", "url": "/explore/m/v?fields=x", "label": "Show"},
        *[data_action(f"Action {i} " + "x" * 80) for i in range(8)],
        data_action("Too big", params=[{"name": "p", "value": "v" * 3000}]),
    ]
    r = result([{"orders.count": cell(1234, links)}], [], ["orders.count"])
    runner = ContentRunner(renderer=FakeRenderer())
    reply = await runner.query_reply(
        instance(FakeClient(r)), query("single_value"), title="Total", source=None
    )
    assert any(b["type"] == "actions" for b in reply.message.blocks)
    return reply.message


async def chart_message() -> Message:
    runner = ContentRunner(renderer=FakeRenderer(), image_store=FakeStore())
    reply = await runner.query_reply(
        instance(), query("looker_line"), title="Revenue " * 40, source=None
    )
    assert any(b["type"] == "image" for b in reply.message.blocks)
    return reply.message


async def help_message() -> Message:
    looker = instance()
    commands = [
        CustomCommand(
            name=f"command {i}",
            looker=looker,
            dashboard_id=str(i),
            title=f"Command {i}",
            description="Shows the numbers " * 10,
            category=f"Category {i % 7}",
            hidden=False,
            filter_titles=("Region",),
        )
        for i in range(600)
    ]
    help_command = HelpCommand(
        lookers=LookerRegistry([looker]),
        catalog=FakeCatalog(commands),
        ask=True,
    )
    return (await help_command.run(request(), "")).message


async def find_message() -> Message:
    lookers = LookerRegistry([instance(), instance(url="https://staging.looker.com")])
    find = FindCommand(lookers=lookers)
    req = CommandRequest(
        text="find revenue", user_id="U1", channel_id="C1", source=Source.DM, lookers=lookers
    )
    return (await find.run(req, "revenue report")).message


BOT_MESSAGES = {
    "table result": table_message,
    "single record": record_message,
    "single value with data-action buttons": single_value_with_buttons,
    "chart image": chart_message,
    "help with many commands": help_message,
    "find results": find_message,
}


@pytest.mark.parametrize("build", BOT_MESSAGES.values(), ids=BOT_MESSAGES)
async def test_the_bots_own_messages_pass(build: Any) -> None:
    message = build()
    if not isinstance(message, Message):
        message = await message
    blocks = message.payload()["blocks"]
    assert blocks
    assert message_problems(blocks) == []


def test_the_bots_data_action_modals_pass() -> None:
    fields = [
        {
            "name": "channel",
            "label": "Channel " + "l" * 3000,
            "type": "select",
            "required": True,
            "description": "Where to send it " * 200,
            "default": "c3",
            "options": [{"name": f"c{i}", "label": f"Channel {i} " + "x" * 80} for i in range(150)],
        },
        {"name": "note", "label": "Note", "type": "textarea", "default": "d" * 4000},
        {"name": "plain", "label": "", "type": "string"},
    ]
    form = _view(
        "A Looker action with a long title",
        [form_field_block(f) for f in fields],
        metadata="m" * 3000,
        submit=True,
    )
    assert view_problems(form) == []
    assert view_problems(_note_view("Sending", "n" * 5000, "m")) == []


# -- an app's answer to a block_suggestion (external select options) -----------------------


def test_options_built_with_slack_sdk_pass() -> None:
    options = [Option(text="o" * 75, value=str(i)).to_dict() for i in range(100)]
    assert options_problems({"options": options}) == []
    groups = [
        OptionGroup(
            label="g" * 75, options=[Option(text="a", value=f"{g}.{i}") for i in range(100)]
        )
        for g in range(100)
    ]
    assert options_problems({"option_groups": [g.to_dict() for g in groups]}) == []
    assert options_problems({"options": []}) == []  # nothing matched: an empty menu


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ([], "must be an object"),
        ({}, "must provide exactly one of options, option_groups"),
        ({"options": [], "option_groups": []}, "must provide exactly one of options"),
        ({"options": [option()], "extra": 1}, "unknown field: extra [json-pointer:/extra]"),
        (
            {"options": [option(str(i), str(i)) for i in range(101)]},
            "no more than 100 items allowed [json-pointer:/options]",
        ),
        (
            {"options": [{"text": mrkdwn(), "value": "v"}]},
            "unsupported type: mrkdwn (expected plain_text) [json-pointer:/options/0/text/type]",
        ),
        (
            {"options": [option("x" * 76)]},
            "must be less than 76 characters [json-pointer:/options/0/text/text]",
        ),
        (
            {"options": [option(value="v" * 151)]},
            "must be less than 151 characters [json-pointer:/options/0/value]",
        ),
        (
            {"option_groups": [{"label": plain("g"), "options": [option()] * 101}]},
            "no more than 100 items allowed [json-pointer:/option_groups/0/options]",
        ),
        (
            {"option_groups": [{"options": [option()]}]},
            "missing required field: label [json-pointer:/option_groups/0]",
        ),
    ],
)
def test_options_slack_would_not_show_are_refused(answer: Any, expected: str) -> None:
    assert any(expected in problem for problem in options_problems(answer)), options_problems(
        answer
    )
