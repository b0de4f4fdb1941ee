"""Hostile text from Looker or from Looker's requests never pings, mentions or links in Slack.

Each payload is planted where Looker's text reaches Slack: dashboard titles and descriptions
(help, find), result values (tables, single records), Looker's error messages, data action
messages and scheduled plan titles. Everything the bot then sends to Slack is scanned.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.slack_emulator import SlackEmulator
from lookerbot.settings import Secret

PAYLOADS = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!channel|channel>",
    "<!here|here>",
    "<@U0BOB>",
    "<@U0BOB|bob>",
    "<@W0GRID>",
    "<#C0GENERAL>",
    "<#C0GENERAL|general>",
    "<!subteam^S1>",
    "<!subteam^S1|@team>",
    "<!date^1392734382^{date}|x>",
    "<https://evil.example|ok>",
    "<https://evil.example>",
    "<http://evil.example|Revenue>",
    "<mailto:x@evil.example|mail>",
    "<tel:123|call>",
    "<javascript:alert(1)|x>",
    "<ftp://evil.example|x>",
    "<https://co.looker.com.evil.net/looks/1|Revenue>",
    "&lt;!channel&gt;",
    "&lt;https://evil.example|x&gt;",
    "&amp;lt;!here&amp;gt;",
    "<<!channel>>",
    "<<@U0BOB>|x>",
    "<\u200b!channel>",
    "<!chan\u200bnel>",
    "\u202e<!channel>",
    "\u2066<@U0BOB>\u2069",
    "<!here>\u200d",
    "\ufeff<!channel>",
    "<https://evil.example|\u202eok>",
    "<https://evil.example/\u200b|x>",
    "*bold* _it_ ~strike~",
    "`code` <!here>",
    "```\n<!channel>\n```",
    "> quoted <@U0BOB>",
    "|<!channel>",
    "x|<https://evil.example|y>",
    "&<!here>&",
    ":tada: <!everyone> :tada:",
]
FORBIDDEN = re.compile(r"<[!@#]|<(?:https?|mailto|tel|javascript|ftp):", re.IGNORECASE)
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def assert_clean(slack: SlackEmulator, looker_url: str) -> int:
    """No mention or foreign link in anything the bot sent; returns how many texts it read."""
    allowed = (f"<{looker_url}", "<https://translate.google.com/")
    texts: list[str] = []
    for call in slack.calls:
        texts.append(json.dumps(call.args, ensure_ascii=False))
    for response in slack.responses:
        texts.append(json.dumps(response.body, ensure_ascii=False))
    for text in texts:
        for match in re.finditer(r"<[^<>]*>?", text):
            token = match.group(0)
            if token.startswith(allowed):
                continue
            assert not FORBIDDEN.match(token), f"{token!r} in {text[:200]!r}"
        assert not INVISIBLE.search(text), f"invisible character in {text[:200]!r}"
    return len(texts)


def test_there_are_enough_payloads():
    assert len(PAYLOADS) >= 40


@pytest.fixture
async def sandbox(looker: LookerEmulator):
    # Titles and descriptions: one custom command and one Look per payload.
    for i, payload in enumerate(PAYLOADS):
        looker.state.dashboards[str(200 + i)] = {
            **looker.state.dashboards["3"],
            "id": str(200 + i),
            "title": f"Injected {i} {payload}",
            "description": f"About {payload}",
        }
        looker.state.looks[str(200 + i)] = {
            **looker.state.looks["1"],
            "id": str(200 + i),
            "title": f"Injected look {i} {payload}",
        }
    # Values: every customer name and region carries a payload.
    for row in looker.state.dataset.rows:
        row["customers.name"] = PAYLOADS[row["orders.id"] % len(PAYLOADS)]
        row["customers.region"] += " " + PAYLOADS[(row["orders.id"] * 7) % len(PAYLOADS)]
    async with Sandbox(
        looker=looker,
        lookers=(
            looker.instance_settings(custom_command_folder_id="10", webhook_token=Secret("hook")),
        ),
    ) as running:
        yield running


async def test_titles_descriptions_and_values(sandbox: Sandbox):
    for text in (
        "help",
        "help injected",
        "find injected",
        "find look injected",
        "customer lookup",
        "revenue",
        "injected 3 x",
    ):
        await sandbox.driver.dm(text)
    await sandbox.driver.slash("customer lookup")
    await sandbox.driver.link_shared([f"{sandbox.looker.url}/looks/{200 + i}" for i in range(5)])
    await sandbox.settle()
    assert assert_clean(sandbox.slack, sandbox.looker.url) > 10
    # The payloads really were shown, escaped: the check above is not vacuous.
    shown = json.dumps([c.args for c in sandbox.slack.calls])
    assert "&lt;!channel&gt;" in shown and "&lt;@U0BOB&gt;" in shown


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_lookers_error_messages(sandbox: Sandbox, payload: str):
    sandbox.looker.fail(r"/search", status=403, body={"message": payload}, times=None)
    await sandbox.driver.dm("find revenue")
    await sandbox.settle()
    assert_clean(sandbox.slack, sandbox.looker.url)
    # Looker's error did reach Slack (as a warning), so the check above read it.
    (reply,) = sandbox.slack.visible_messages()
    assert reply.text.startswith(":warning:")


async def call(sandbox: Sandbox, path: str, payload: Any) -> int:
    async with sandbox.session.post(
        sandbox.bot_url + path, json=payload, headers={"X-Looker-Webhook-Token": "hook"}
    ) as response:
        return response.status


async def test_data_action_messages_and_plan_titles(sandbox: Sandbox):
    for payload in PAYLOADS:
        status = await call(
            sandbox,
            "/data_actions",
            {"data": {"message": f"Alert: {payload}", "channel": "#sales"}},
        )
        assert status == 200
    plan = {
        "scheduled_plan": {
            "type": "Query",
            "query_id": "4",
            "title": " ".join(PAYLOADS),
            "url": f"{sandbox.looker.url}/explore/thelook/orders?qid=x",
        }
    }
    assert await call(sandbox, "/slack/post/channel/general", plan) == 200
    await sandbox.settle()
    assert assert_clean(sandbox.slack, sandbox.looker.url) >= len(PAYLOADS)
