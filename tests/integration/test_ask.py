"""ask: questions in plain words answered with a Looker query, through the real app."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from lookerbot.commands.ask import Pick
from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.query_engine import run_query
from lookerbot.sandbox.slack_emulator import PostedMessage
from tests.helpers import response_text, text_of

EXPLORES = ("thelook/orders",)


@pytest.fixture
async def sandbox(looker: LookerEmulator) -> AsyncIterator[Sandbox]:
    """The bot with ask answering from thelook/orders."""
    async with Sandbox(looker=looker, ask_explores=EXPLORES) as running:
        yield running


def created_queries(looker: LookerEmulator) -> list[dict]:
    return [r.body for r in looker.requests_to("^/queries$", method="POST")]


async def dm(sandbox: Sandbox, text: str, user: str = "U0ALICE") -> PostedMessage:
    """DM the bot; its last answer that is not a file."""
    await sandbox.driver.dm(text, user=user)
    await sandbox.settle()
    messages = sandbox.slack.visible_messages(sandbox.slack.dm_channel(user))
    return [m for m in messages if not m.files][-1]


async def test_a_question_runs_a_query_says_what_ran_and_links_to_the_explore(sandbox: Sandbox):
    answer = text_of(await dm(sandbox, "ask What was total revenue by region last month?"))
    (body,) = created_queries(sandbox.looker)
    assert body == {
        "model": "thelook",
        "view": "orders",
        "fields": ["customers.region", "orders.total_revenue"],
        "filters": {"orders.created_date": "last month"},
        "sorts": [],
        "limit": "500",
        "vis_config": {"type": "table"},
    }
    lines = answer.splitlines()
    assert lines[0] == ":mag: *Total Revenue by Region, last month*"
    assert {line.split()[-1].strip("`") for line in lines[3:7]} == {
        "West",
        "East",
        "North",
        "South",
    }
    qid = sandbox.looker.state.queries[max(sandbox.looker.state.queries, key=int)]["slug"]
    assert (
        f"Open in Explore to check or change it ({sandbox.looker.url}/explore/thelook/orders?"
        f"fields=customers.region,orders.total_revenue&qid={qid})"
    ) in answer


async def test_the_explore_and_its_values_are_read_once(sandbox: Sandbox):
    await dm(sandbox, "ask revenue in the West")
    await dm(sandbox, "ask orders by status for Northwind")
    first, second = created_queries(sandbox.looker)
    assert first["filters"] == {"customers.region": "West"}
    assert second["filters"] == {"products.brand": "Northwind"}
    assert len(sandbox.looker.requests_to("^/lookml_models/thelook/explores/orders$")) == 1
    suggested = {r.path.split("/")[-2] for r in sandbox.looker.requests_to("/suggestions$")}
    assert suggested == {
        "orders.status",
        "customers.name",
        "customers.region",
        "products.category",
        "products.brand",
        "products.name",
    }


async def test_in_a_dm_any_text_that_is_not_a_command_is_a_question(sandbox: Sandbox):
    answer = text_of(await dm(sandbox, "how many cancelled orders were placed last month"))
    (body,) = created_queries(sandbox.looker)
    assert body["fields"] == ["orders.count"]
    assert body["filters"] == {"orders.status": "cancelled", "orders.created_date": "last month"}
    assert body["vis_config"] == {"type": "single_value"}
    assert answer.startswith(":mag: *Orders Count, last month, Status is cancelled*")
    # "Cancelled last month" asks when they were cancelled, which the Explore cannot say
    # (its date is the day an order was placed): declined, not run on the wrong date.
    declined = text_of(await dm(sandbox, "how many orders were cancelled last month"))
    assert declined.startswith(":warning: I can't tell when something was *cancelled*")
    # "by return month" likewise: the month of each return, which no date keeps
    by_event = text_of(await dm(sandbox, "orders by return month"))
    assert by_event.startswith(":warning: I can't tell the date of each *return*: the only")
    assert len(created_queries(sandbox.looker)) == 1
    # Commands still win: "help" is help, "revenue" the custom command.
    assert "Built-in commands" in text_of(await dm(sandbox, "help"))
    assert "Revenue (" in text_of(await dm(sandbox, "revenue west"))


async def test_a_mistyped_command_in_a_dm_still_gets_did_you_mean(sandbox: Sandbox):
    answer = text_of(await dm(sandbox, "hlep"))
    assert "I couldn't understand that command" in answer
    assert "Did you mean `help`" in answer and "ask me a question" in answer
    assert created_queries(sandbox.looker) == []


async def test_words_nothing_fits_are_named_and_no_query_runs(sandbox: Sandbox):
    answer = text_of(await dm(sandbox, "ask revenue by planet <!channel>"))
    assert answer.startswith(":warning: I didn't understand `planet`")
    assert "<!channel>" not in answer and "`<`" in answer  # escaped, never a ping
    assert "*Total Revenue*" in answer and "*Region*" in answer
    assert created_queries(sandbox.looker) == []


async def test_why_is_declined_with_its_reason_and_a_chatty_question_is_answered(
    sandbox: Sandbox,
):
    # A cause is no query: said so, and nothing runs.
    why = text_of(await dm(sandbox, "why did orders drop in the West last month?"))
    assert why.startswith(":warning: I can show what happened, not why:")
    assert created_queries(sandbox.looker) == []
    # A greeting and a reason around the question are passed over.
    await dm(sandbox, "hiya, what's our revenue by region this year? finance asked, no rush")
    (body,) = created_queries(sandbox.looker)
    assert body["fields"] == ["customers.region", "orders.total_revenue"]
    assert body["filters"] == {"orders.created_date": "this year"}


async def test_a_time_series_is_a_line_chart(sandbox: Sandbox):
    await sandbox.driver.mention("ask monthly revenue this year")
    await sandbox.settle()
    (body,) = created_queries(sandbox.looker)
    assert body["fields"] == ["orders.created_month", "orders.total_revenue"]
    assert body["sorts"] == ["orders.created_month"]
    assert body["vis_config"] == {"type": "looker_line"}
    (render,) = sandbox.looker.requests_to("/render_tasks/queries/")
    assert render.path.startswith(
        f"/render_tasks/queries/{max(sandbox.looker.state.queries, key=int)}/"
    )
    (upload,) = sandbox.slack.calls_to("files.completeUploadExternal")
    assert upload.args["files"][0]["title"] == "Total Revenue by Created Month, this year"
    heading = next(m for m in sandbox.slack.visible_messages("C0GENERAL") if not m.files)
    assert text_of(heading).startswith(":mag: *Total Revenue by Created Month, this year*")


async def test_the_slash_command_answers_in_the_channel(sandbox: Sandbox):
    ack, response_url = await sandbox.driver.slash("ask top 3 brands by sales in Shoes")
    assert ack.status == 200
    await sandbox.settle()
    (body,) = created_queries(sandbox.looker)
    assert body["sorts"] == ["orders.total_revenue desc"] and body["limit"] == "3"
    (response,) = [r for r in sandbox.slack.responses if response_url.endswith(r.response_id)]
    assert response.body["response_type"] == "in_channel"
    assert response_text(response.body).startswith(
        ":mag: *Total Revenue by Brand, Category is Shoes, top 3*"
    )


async def test_ambiguity_asks_back_with_buttons_and_a_click_answers(sandbox: Sandbox):
    await dm(sandbox, "ask count of buyers and orders by region")  # named: not ambiguous
    (named,) = created_queries(sandbox.looker)
    assert set(named["fields"]) == {"customers.region", "customers.count", "orders.count"}
    question = await dm(sandbox, "ask count by region")
    text = text_of(question)
    assert text.startswith('Which one did you mean by "count"?')
    assert "[Orders Count]  [Customers Count]" in text
    assert "*Customers Count*: Number of distinct customers." in text
    channel = sandbox.slack.dm_channel("U0ALICE")
    ack, _ = await sandbox.driver.click_button(
        question.blocks, "ask:pick:1", channel=channel, message_ts=question.ts
    )
    assert ack.status == 200
    await sandbox.settle()
    (_, body) = created_queries(sandbox.looker)
    assert body["fields"] == ["customers.region", "customers.count"]
    assert question.blocks == [  # the buttons gave way to who picked what
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": "<@U0ALICE> picked *Customers Count*."}],
        }
    ]
    answer = sandbox.slack.visible_messages(channel)[-1]
    assert text_of(answer).startswith(":mag: *Customers Count by Region*")


async def test_a_ranking_without_a_measure_asks_which_measure(sandbox: Sandbox):
    question = await dm(sandbox, "ask top products")
    assert text_of(question).startswith('"top" by which measure?')
    await sandbox.driver.click_button(
        question.blocks,
        "ask:pick:0",
        channel=sandbox.slack.dm_channel("U0ALICE"),
        message_ts=question.ts,
    )
    await sandbox.settle()
    (body,) = created_queries(sandbox.looker)
    assert body["fields"] == ["products.name", "orders.count"]
    assert body["sorts"] == ["orders.count desc"] and body["limit"] == "10"


async def test_a_click_on_a_slash_commands_question_answers_through_its_response_url(
    sandbox: Sandbox,
):
    _, response_url = await sandbox.driver.slash("ask revenue by name")
    await sandbox.settle()
    (question,) = [r for r in sandbox.slack.responses if response_url.endswith(r.response_id)]
    assert response_text(question.body).startswith('Which one did you mean by "name"?')
    _, click_url = await sandbox.driver.click_button(
        question.body["blocks"], "ask:pick:1", channel="C0GENERAL"
    )
    await sandbox.settle()
    (body,) = created_queries(sandbox.looker)
    assert body["fields"] == ["products.name", "orders.total_revenue"]
    (answer,) = [r for r in sandbox.slack.responses if click_url.endswith(r.response_id)]
    assert response_text(answer.body).startswith(":mag: *Total Revenue by Products Name*")


async def test_a_forged_button_cannot_reach_another_explore_or_invent_a_field(
    sandbox: Sandbox,
):
    channel = sandbox.slack.dm_channel("U0ALICE")
    forged = Pick("count by region", ("customers.count",), sandbox.looker.url, "thelook/secret")
    blocks = [
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "ask:pick:0",
                    "text": {"type": "plain_text", "text": "x"},
                    "value": forged.value(),
                }
            ],
        }
    ]
    await sandbox.driver.click_button(blocks, "ask:pick:0", channel=channel)
    await sandbox.settle()
    assert created_queries(sandbox.looker) == []
    assert "can't be answered any more" in text_of(sandbox.slack.visible_messages(channel)[-1])

    invented = Pick("count by region", ("orders.secret_margin",), sandbox.looker.url, EXPLORES[0])
    blocks[0]["elements"][0]["value"] = invented.value()
    await sandbox.driver.click_button(blocks, "ask:pick:0", channel=channel)
    await sandbox.settle()
    assert created_queries(sandbox.looker) == []  # still ambiguous: asks again
    assert text_of(sandbox.slack.visible_messages(channel)[-1]).startswith("Which one")


async def test_a_looker_failure_is_a_warning_and_the_next_question_works(sandbox: Sandbox):
    sandbox.looker.fail("^/lookml_models/", status=500, body={"message": "LookML is compiling"})
    answer = text_of(await dm(sandbox, "ask revenue by region"))
    assert answer.startswith(":warning: I couldn't read the Explore thelook/orders from Looker")
    assert "LookML is compiling" in answer
    answer = text_of(await dm(sandbox, "ask revenue by region"))
    assert answer.startswith(":mag: *Total Revenue by Region*")


async def test_ask_is_off_without_explores_and_says_how_to_turn_it_on(looker: LookerEmulator):
    async with Sandbox(looker=looker) as sandbox:
        answer = text_of(await dm(sandbox, "ask revenue by region"))
        assert "LOOKERBOT_ASK_EXPLORES" in answer and "thelook/orders" in answer
        assert "*ask*" not in text_of(await dm(sandbox, "help"))
        assert "I couldn't understand that command" in text_of(await dm(sandbox, "how many orders"))
    assert looker.requests_to("^/lookml_models/") == []


async def test_help_lists_ask_when_it_is_on(sandbox: Sandbox):
    answer = text_of(await dm(sandbox, "help"))
    assert "• *ask* _<question>_" in answer
    assert "In a direct message, just type the question." in answer
    assert "Reply in an answer's thread to refine it: `now by month`" in answer


async def test_button_values_fit_slack_even_for_long_questions(sandbox: Sandbox):
    long_question = "count by region " + " ".join(["please"] * 200)
    question = await dm(sandbox, f"ask {long_question}")
    assert text_of(question).startswith("Which one"), text_of(question)
    (actions,) = [b for b in question.blocks if b["type"] == "actions"]
    for button in actions["elements"]:
        assert len(button["value"]) <= 2000
        pick = Pick.from_value(button["value"])
        assert pick is not None and json.loads(button["value"])["x"] == "thelook/orders"


async def test_a_value_looker_did_not_list_at_first_is_looked_up(looker: LookerEmulator):
    looker.suggestion_limit = 5  # more customers than Looker suggests at once
    async with Sandbox(looker=looker, ask_explores=EXPLORES) as sandbox:
        answer = text_of(await dm(sandbox, "ask orders for Guido van Rossum by month"))
        (body,) = created_queries(looker)
        assert body["filters"] == {"customers.name": "Guido van Rossum"}
        assert body["fields"] == ["orders.created_month", "orders.count"]
        assert answer.startswith(":mag: *Orders Count by Created Month, Customers Name is Guido")


async def test_a_guest_clicking_is_refused_and_leaves_the_buttons(sandbox: Sandbox):
    await sandbox.driver.mention("ask count by region")
    await sandbox.settle()
    question = sandbox.slack.visible_messages("C0GENERAL")[-1]
    buttons = list(question.blocks)
    await sandbox.driver.click_button(
        question.blocks, "ask:pick:0", channel="C0GENERAL", message_ts=question.ts, user="U0GUEST"
    )
    await sandbox.settle()
    assert question.blocks == buttons
    assert created_queries(sandbox.looker) == []
    (refusal,) = sandbox.slack.ephemeral_messages("U0GUEST")
    assert "as a guest user" in text_of(refusal)


async def test_a_question_two_explores_fit_equally_asks_which(looker: LookerEmulator):
    explores = ("thelook/orders", "saas/subscriptions")
    async with Sandbox(looker=looker, ask_explores=explores) as sandbox:
        question = await dm(sandbox, "ask how many customers do we have")
        text = text_of(question)
        assert created_queries(looker) == []  # nothing ran on a guess
        assert text.startswith("Your question fits more than one Explore equally.")
        assert "[Customers Count (Orders)]  [Accounts Count (Subscriptions)]" in text
        channel = sandbox.slack.dm_channel("U0ALICE")
        await sandbox.driver.click_button(
            question.blocks, "ask:pick:1", channel=channel, message_ts=question.ts
        )
        await sandbox.settle()
    (body,) = created_queries(looker)
    assert (body["model"], body["view"], body["fields"]) == (
        "saas",
        "subscriptions",
        ["accounts.count"],
    )


async def test_a_time_for_an_event_the_explore_has_no_date_for_is_declined(looker):
    # Tickets have a created date only: "resolved yesterday" must not run as "created
    # yesterday", which would answer another question.
    async with Sandbox(looker=looker, ask_explores=("support/tickets",)) as sandbox:
        answer = text_of(await dm(sandbox, "ask how many tickets were resolved yesterday"))
        opened = text_of(await dm(sandbox, "ask how many tickets were opened yesterday"))
    assert answer.startswith(":warning: I can't tell when something was *resolved*")
    assert "*Created Date*" in answer
    (body,) = created_queries(looker)  # only the second question ran
    assert body["filters"] == {"tickets.created_date": "yesterday"}
    assert opened.startswith(":mag:")


async def test_a_question_among_sentences_and_a_typo_are_answered(sandbox: Sandbox):
    message = (
        "We're putting together the regional review deck. What was total revenue by brand"
        " last month? Only Outerwear."
    )
    answer = text_of(await dm(sandbox, message))
    (body,) = created_queries(sandbox.looker)
    assert body["fields"] == ["products.brand", "orders.total_revenue"]
    assert body["filters"] == {
        "orders.created_date": "last month",
        "products.category": "Outerwear",
    }
    assert answer.startswith(":mag: *Total Revenue by Brand, last month")
    # a pronoun in the question refers to the one value the sentence before it names
    await dm(sandbox, "Grace Hopper is one of our VIP shoppers. How many orders has she placed?")
    assert created_queries(sandbox.looker)[-1]["filters"] == {"customers.name": "Grace Hopper"}
    # a sentence before the question that limits something may be what it means: declined
    declined = text_of(await dm(sandbox, "Only Outerwear matters. What was revenue by brand?"))
    assert declined.startswith(":warning:")
    assert len(created_queries(sandbox.looker)) == 2
    two = text_of(await dm(sandbox, "What was revenue by region? And orders by brand?"))
    assert two.startswith(":warning: That's 2 questions in one message.")
    assert len(created_queries(sandbox.looker)) == 2
    typo = text_of(await dm(sandbox, "ask revenue by regoin last month"))
    assert typo.startswith(
        ":mag: *Total Revenue by Region, last month (read “regoin” as “region”)*"
    )


async def test_a_period_before_the_explores_first_day_is_declined_with_that_day(
    sandbox: Sandbox,
):
    answer = text_of(await dm(sandbox, "ask total revenue in 2019"))
    (first_day,) = sandbox.looker.requests_to("^/queries/run/json_detail$", method="POST")
    assert first_day.body["fields"] == ["orders.created_date"]
    assert first_day.body["sorts"] == ["orders.created_date"]
    assert answer.startswith(":warning: There's nothing in 2019 to show: Orders starts on 20")
    assert "(its first *Created Date*)" in answer
    assert created_queries(sandbox.looker) == []
    # a period since then runs as before
    await dm(sandbox, "ask total revenue last month")
    assert created_queries(sandbox.looker)[-1]["filters"] == {"orders.created_date": "last month"}


async def test_a_condition_on_a_measure_filters_the_rows_it_groups(sandbox: Sandbox):
    # "more than 5 orders": each customer's count, kept or not (Looker's HAVING); the
    # emulator evaluates it on the groups, and the answer says the condition
    state = sandbox.looker.state
    every = {"model": "thelook", "view": "orders", "fields": ["customers.name", "orders.count"]}
    everyone = run_query(every, state.dataset, looker_url="")["data"]
    counts = sorted(row["orders.count"]["value"] for row in everyone)
    n = counts[len(counts) // 2]  # some customers placed more, some not
    answer = text_of(await dm(sandbox, f"ask which customers placed more than {n} orders"))
    (body,) = created_queries(sandbox.looker)
    assert body["fields"] == ["customers.name", "orders.count"]
    assert body["filters"] == {"orders.count": f">{n}"}
    assert answer.startswith(f":mag: *Orders Count by Customers Name, Orders Count over {n}*")
    rows = run_query(state.queries[max(state.queries, key=int)], state.dataset, looker_url="")
    kept = [row["orders.count"]["value"] for row in rows["data"]]
    assert kept and len(kept) < len(everyone) and all(count > n for count in kept)
    # "how many customers placed more than 5 orders" would count groups: declined
    declined = text_of(await dm(sandbox, "ask how many customers placed more than 5 orders"))
    assert declined.startswith(":warning:")
    assert len(created_queries(sandbox.looker)) == 1


async def test_rows_of_named_fields_are_listed_as_a_table(sandbox: Sandbox):
    answer = text_of(
        await dm(sandbox, "ask Ada Lovelace's orders this year: order id, date, status, amount")
    )
    (body,) = created_queries(sandbox.looker)
    assert sorted(body["fields"]) == [
        "orders.amount",
        "orders.created_date",
        "orders.id",
        "orders.status",
    ]
    assert body["filters"] == {"customers.name": "Ada Lovelace", "orders.created_date": "this year"}
    assert body["vis_config"] == {"type": "table"}
    state = sandbox.looker.state
    rows = run_query(state.queries[max(state.queries, key=int)], state.dataset, looker_url="")
    ids = [str(row["orders.id"]["value"]) for row in rows["data"]]
    assert ids and all(i in answer for i in ids[:3])  # her orders, one row each
