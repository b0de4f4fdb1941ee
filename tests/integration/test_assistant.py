"""The bot in Slack's assistant pane (issue 17), through Bolt's Assistant middleware and
the emulator's assistant threads: suggested prompts from the Explores, a status line while
Looker runs, the thread named after the first question, and follow-ups."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from tests.helpers import text_of

EXPLORES = ("thelook/orders",)


@pytest.fixture
async def sandbox(looker: LookerEmulator) -> AsyncIterator[Sandbox]:
    async with Sandbox(looker=looker, ask_explores=EXPLORES) as running:
        yield running


def created(looker: LookerEmulator) -> list[dict]:
    return [r.body for r in looker.requests_to("^/queries$", method="POST")]


async def test_a_new_thread_is_greeted_with_prompts_from_the_explores(sandbox: Sandbox):
    ts = await sandbox.driver.start_assistant_thread()
    await sandbox.settle()
    channel = sandbox.slack.dm_channel("U0ALICE")
    thread = sandbox.slack.assistant_threads[(channel, ts)]
    (hello,) = [m for m in sandbox.slack.visible_messages(channel) if m.thread_ts == ts]
    assert "Ask me about your data" in hello.text
    assert thread.prompts == [
        {
            "title": "Orders: Orders Count by Status last month",
            "message": "Orders Count by Status last month",
        }
    ]


async def test_a_question_shows_a_status_names_the_thread_and_answers_in_it(sandbox: Sandbox):
    ts = await sandbox.driver.start_assistant_thread()
    await sandbox.settle()
    await sandbox.driver.dm("total revenue by region last month", thread_ts=ts)
    await sandbox.settle()
    channel = sandbox.slack.dm_channel("U0ALICE")
    thread = sandbox.slack.assistant_threads[(channel, ts)]
    in_thread = [m for m in sandbox.slack.visible_messages(channel) if m.thread_ts == ts]
    assert thread.statuses == ["is asking Looker…"]
    assert thread.status == ""  # cleared by the answer
    assert thread.title == "total revenue by region last month"
    assert len(in_thread) == 2  # the greeting and the answer: no loading message
    assert text_of(in_thread[-1]).startswith(":mag: *Total Revenue by Region, last month*")
    # A follow-up in the same thread refines the answer; the title stays the first question.
    await sandbox.driver.dm("now by category", thread_ts=ts)
    await sandbox.settle()
    assert created(sandbox.looker)[-1]["fields"] == ["products.category", "orders.total_revenue"]
    assert thread.title == "total revenue by region last month"
    assert thread.statuses == ["is asking Looker…", "is asking Looker…"]


async def test_an_ordinary_dm_thread_is_not_taken_for_the_assistant(sandbox: Sandbox):
    await sandbox.driver.dm("ask orders by status this year")
    await sandbox.settle()
    channel = sandbox.slack.dm_channel("U0ALICE")
    answer = [m for m in sandbox.slack.visible_messages(channel) if not m.files][-1]
    await sandbox.driver.dm("what about last year?", thread_ts=answer.ts)
    await sandbox.settle()
    assert not sandbox.slack.assistant_threads
    assert created(sandbox.looker)[-1]["filters"] == {"orders.created_date": "last year"}
    assert sandbox.slack.calls_to("assistant.threads.setStatus") == []
