"""No message the bot builds exceeds Slack's limits."""

from __future__ import annotations

from lookerbot.formatting.message import (
    MAX_BLOCKS,
    MAX_SECTION_TEXT,
    Message,
    context,
    fit_blocks,
    header,
    section,
    truncate,
)


def test_truncate_keeps_short_text_and_marks_a_cut():
    assert truncate("short", 10) == "short"
    cut = truncate("x" * 50, 10)
    assert len(cut) == 10 and cut.endswith("…")


def test_truncate_never_leaves_half_a_link_or_entity():
    text = "see <https://example.com/very/long/path|the label> and more"
    cut = truncate(text, 20)
    assert "<" not in cut and cut.endswith("…")
    assert truncate("a &amp; b", 6) == "a …"


def test_fit_blocks_caps_count_and_lengths():
    blocks = [section("y" * 5000)] + [section(str(i)) for i in range(80)]
    blocks.append(header("h" * 400))
    fitted = fit_blocks(blocks)
    assert len(fitted) == MAX_BLOCKS
    assert len(fitted[0]["text"]["text"]) == MAX_SECTION_TEXT
    assert fitted[-1]["type"] == "context"
    assert "more blocks not shown" in fitted[-1]["elements"][0]["text"]


def test_context_and_header_limits():
    (ctx,) = fit_blocks([context("c" * 2500)])
    assert len(ctx["elements"][0]["text"]) == 2000
    (head,) = fit_blocks([header("h" * 400)])
    assert len(head["text"]["text"]) == 150


def test_payload_always_has_text():
    assert Message.of("").payload()["text"] == " "
    payload = Message.from_blocks([section("hi")], "fallback").payload()
    assert payload == {"text": "fallback", "blocks": [section("hi")]}
    assert len(Message.of("z" * 50000).payload()["text"]) == 40000
