"""Escaping what comes from Looker, and reading what people type."""

from __future__ import annotations

import pytest

from lookerbot.formatting.slack_text import escape, link, normalize_input


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<!here|here>", "&lt;!here|here&gt;"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("<!subteam^S1>", "&lt;!subteam^S1&gt;"),
        ("<https://evil.example|ok>", "&lt;https://evil.example|ok&gt;"),
        ("&lt;", "&amp;lt;"),
        ("Ben & Jerry", "Ben &amp; Jerry"),
        ("a\u200bb\u202ec\u2066d\ufeff", "abcd"),
        (42, "42"),
    ],
)
def test_escape_defuses_mentions_links_and_invisible_characters(raw, safe):
    assert escape(raw) == safe


def test_link_keeps_label_and_url_from_breaking_out():
    assert link("https://x.looker.com/looks/1", "Revenue <!channel> | more") == (
        "<https://x.looker.com/looks/1|Revenue &lt;!channel&gt; \u2223 more>"
    )
    assert link("https://x/a|b>c") == "<https://x/a%7Cb%3Ec>"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@U0LOOKER> help", "help"),
        ("<@U0LOOKER|looker>   find   revenue ", "find revenue"),
        ("revenue &gt; 50 &amp; &lt; 100", "revenue > 50 & < 100"),
        ("revenue region:“West Coast”", 'revenue region:"West Coast"'),
        ("it’s", "it's"),
        ("<@U0OTHER> help", "<@U0OTHER> help"),
    ],
)
def test_normalize_input(text, expected):
    assert normalize_input(text, bot_user_id="U0LOOKER") == expected
