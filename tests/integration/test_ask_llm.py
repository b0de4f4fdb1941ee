"""ask with a language model: its query is checked before it runs; any failure, the parser."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.llm_emulator import LlmEmulator
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.settings import AskLlmSettings, Secret
from tests.helpers import text_of

KEY = "sk-test-LLMKEY"
MODEL_QUERY = {
    "explore": "thelook/orders",
    "fields": ["products.category", "orders.net_revenue"],
    "filters": {"orders.created_date": "3 months"},
    "sorts": ["orders.net_revenue desc"],
    "limit": 3,
}


@pytest.fixture
async def llm() -> AsyncIterator[LlmEmulator]:
    async with LlmEmulator(api_key=KEY) as emulator:
        yield emulator


@pytest.fixture
async def sandbox(looker: LookerEmulator, llm: LlmEmulator) -> AsyncIterator[Sandbox]:
    settings = AskLlmSettings(
        url=f"{llm.url}/chat/completions", model="tiny-model", api_key=Secret(KEY), timeout=1.0
    )
    async with Sandbox(looker=looker, ask_explores=("thelook/orders",), ask_llm=settings) as s:
        yield s


def created_queries(looker: LookerEmulator) -> list[dict]:
    return [r.body for r in looker.requests_to("^/queries$", method="POST")]


async def dm(sandbox: Sandbox, text: str) -> str:
    await sandbox.driver.dm(text)
    await sandbox.settle()
    messages = sandbox.slack.visible_messages(sandbox.slack.dm_channel("U0ALICE"))
    return text_of([m for m in messages if not m.files][-1])


async def test_the_models_query_runs_when_it_names_real_fields(sandbox, llm):
    llm.answer = "Here you go:\n```json\n" + json.dumps(MODEL_QUERY) + "\n```"
    answer = await dm(sandbox, "ask which categories made the most money lately")
    (request,) = llm.requests
    assert request.authorization == f"Bearer {KEY}"
    assert request.body["model"] == "tiny-model" and request.body["temperature"] == 0
    assert request.question == "which categories made the most money lately"
    (explore,) = request.explores
    assert explore["explore"] == "thelook/orders"
    fields = {f["name"]: f for f in explore["fields"]}
    assert fields["orders.total_revenue"]["tags"] == ["sales", "revenue", "gmv"]
    assert set(fields["customers.region"]["values"]) == {"West", "East", "North", "South"}
    (body,) = created_queries(sandbox.looker)
    assert body["fields"] == ["products.category", "orders.net_revenue"]
    assert body["filters"] == {"orders.created_date": "3 months"}
    assert body["sorts"] == ["orders.net_revenue desc"] and body["limit"] == "3"
    assert answer.startswith(":mag: *Net Revenue by Category, last 3 months, top 3*")
    assert "Read by a language model" in answer


@pytest.mark.parametrize(
    "answer",
    [
        json.dumps({**MODEL_QUERY, "fields": ["orders.profit_margin"]}),  # no such field
        json.dumps({**MODEL_QUERY, "explore": "thelook/secret"}),  # not allowed
        json.dumps({**MODEL_QUERY, "filters": {"users.ssn": "%"}}),  # filter on no field
        json.dumps({**MODEL_QUERY, "sorts": ["orders.count desc"]}),  # sort on no query field
        json.dumps({**MODEL_QUERY, "limit": "lots"}),
        json.dumps({"fields": []}),  # the model says it cannot answer
        "I think you want revenue by region.",  # not JSON
    ],
)
async def test_an_unusable_answer_falls_back_to_the_parser(sandbox, llm, answer):
    llm.answer = answer
    reply = await dm(sandbox, "ask revenue by region last month")
    assert len(llm.requests) == 1
    (body,) = created_queries(sandbox.looker)
    assert body["fields"] == ["customers.region", "orders.total_revenue"]
    assert reply.startswith(":mag: *Total Revenue by Region, last month*")
    assert "language model" not in reply


async def test_an_unreachable_slow_or_failing_model_falls_back_to_the_parser(sandbox, llm, caplog):
    llm.status = 500
    assert (await dm(sandbox, "ask orders by status")).startswith(":mag: *Orders Count by Status*")
    llm.status, llm.delay = 200, 3.0  # longer than the 1 s timeout
    llm.answer = json.dumps(MODEL_QUERY)
    assert (await dm(sandbox, "ask orders by status")).startswith(":mag: *Orders Count by Status*")
    llm.delay, llm.raw_body = 0.0, b"{not json"
    assert (await dm(sandbox, "ask orders by status")).startswith(":mag: *Orders Count by Status*")
    assert len(created_queries(sandbox.looker)) == 3
    assert KEY not in caplog.text


async def test_a_wrong_key_falls_back_and_the_key_is_never_logged(looker, llm, caplog):
    settings = AskLlmSettings(
        url=f"{llm.url}/chat/completions", model="m", api_key=Secret("sk-wrong-KEY2"), timeout=2
    )
    async with Sandbox(looker=looker, ask_explores=("thelook/orders",), ask_llm=settings) as s:
        assert (await dm(s, "ask revenue")).startswith(":mag: *Total Revenue*")
    assert llm.requests[0].authorization == "Bearer sk-wrong-KEY2"
    assert "KEY2" not in caplog.text


async def test_a_looker_refusal_of_the_models_query_falls_back_to_the_parser(sandbox, llm):
    llm.answer = json.dumps(MODEL_QUERY)
    sandbox.looker.fail("^/queries$", method="POST", status=422, body={"message": "bad filter"})
    reply = await dm(sandbox, "ask revenue by region")
    bodies = created_queries(sandbox.looker)
    assert bodies[-1]["fields"] == ["customers.region", "orders.total_revenue"]
    assert reply.startswith(":mag: *Total Revenue by Region*")


async def test_picking_a_button_does_not_ask_the_model_again(sandbox, llm):
    llm.answer = json.dumps({"fields": []})
    await sandbox.driver.dm("ask count by region")
    await sandbox.settle()
    channel = sandbox.slack.dm_channel("U0ALICE")
    question = sandbox.slack.visible_messages(channel)[-1]
    await sandbox.driver.click_button(
        question.blocks, "ask:pick:0", channel=channel, message_ts=question.ts
    )
    await sandbox.settle()
    assert len(llm.requests) == 1
    (body,) = created_queries(sandbox.looker)
    assert body["fields"] == ["customers.region", "orders.count"]


async def test_what_the_model_wrote_is_escaped_where_it_is_shown(sandbox, llm):
    llm.answer = json.dumps(
        {
            "explore": "thelook/orders",
            "fields": ["orders.count"],
            "filters": {"orders.status": "<!channel>"},
        }
    )
    await sandbox.driver.dm("ask orders")
    await sandbox.settle()
    (message,) = sandbox.slack.visible_messages(sandbox.slack.dm_channel("U0ALICE"))
    (body,) = created_queries(sandbox.looker)
    assert body["filters"] == {"orders.status": "<!channel>"}  # Looker gets it as written
    shown = message.text + json.dumps(message.blocks)
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown
