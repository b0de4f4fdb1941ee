"""Custom commands: dashboards in a Looker folder, run with filters from the text."""

from __future__ import annotations

import asyncio
import csv
import io
import struct

from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from tests.conftest import TODAY
from tests.helpers import response_text, text_of


def created_queries(looker: LookerEmulator) -> list[dict]:
    return [r.body for r in looker.requests_to("^/queries$", method="POST")]


async def ask(sandbox: Sandbox, text: str, user: str = "U0ALICE") -> str:
    """DM the bot; its answer (the last message that is not a file) as text."""
    await sandbox.driver.dm(text, user=user)
    await sandbox.settle()
    messages = sandbox.slack.visible_messages(sandbox.slack.dm_channel(user))
    return text_of([m for m in messages if not m.files][-1])


async def test_help_lists_commands_by_category_with_filter_and_description(sandbox: Sandbox):
    text = await ask(sandbox, "help")
    shortcuts, finance = text.index("*Shortcuts*"), text.index("*Finance*")
    assert shortcuts < finance < text.index("*Built-in commands*")
    url = sandbox.looker.url
    assert (
        f"• *revenue ({url}/dashboards/2)* _<region>_ — "
        "_Revenue per region; give a region to narrow it._"
    ) in text
    assert f"• *customer lookup ({url}/dashboards/4)* _<customer name>_" in text
    assert "category mix" not in text and "Ops" not in text  # [hidden] subfolder
    assert f"this folder ({url}/folders/10)" in text


async def test_a_command_runs_its_single_tile_and_links_to_the_dashboard(sandbox: Sandbox):
    text = await ask(sandbox, "revenue")
    lines = text.splitlines()
    assert lines[0].startswith("```Orders Total Revenue  Customers Region")
    assert {line.split()[-1].strip("`") for line in lines[2:6]} == {
        "West",
        "East",
        "North",
        "South",
    }
    assert f"Revenue ({sandbox.looker.url}/dashboards/2?Region=)" not in text
    assert f"Revenue ({sandbox.looker.url}/dashboards/2)" in text
    (body,) = created_queries(sandbox.looker)
    assert body["fields"] == ["customers.region", "orders.total_revenue"]
    assert body["filters"] == {}


async def test_a_bare_argument_goes_to_every_filter(sandbox: Sandbox):
    text = await ask(sandbox, "Revenue west")
    (body,) = created_queries(sandbox.looker)
    assert body["filters"] == {"customers.region": "west"}
    assert "West" in text and "East" not in text
    assert f"({sandbox.looker.url}/dashboards/2?Region=west)" in text


async def test_named_filters_by_name_or_title_with_quotes(sandbox: Sandbox):
    await ask(sandbox, "revenue region:East")
    await ask(sandbox, 'customer lookup customer_name:"Ada Lovelace"')
    await ask(sandbox, 'customer lookup "customer name":"Grace Hopper"')
    first, second, third = created_queries(sandbox.looker)
    assert first["filters"] == {"customers.region": "East"}
    assert second["filters"] == {"customers.name": "Ada Lovelace"}
    assert third["filters"] == {"customers.name": "Grace Hopper"}


async def test_an_unknown_filter_lists_the_valid_ones(sandbox: Sandbox):
    text = await ask(sandbox, "revenue regoin:East")
    assert text == ":warning: *revenue* has no filter called `regoin`. Its filters: `region`."
    assert created_queries(sandbox.looker) == []


async def test_arguments_for_a_command_without_filters(sandbox: Sandbox):
    text = await ask(sandbox, "orders today please")
    assert "*orders today* has no filters" in text


async def test_filters_not_given_keep_their_default(looker: LookerEmulator):
    looker.state.dashboards["2"]["dashboard_filters"][0]["default_value"] = "North"
    async with Sandbox(looker=looker) as sandbox:
        await ask(sandbox, "revenue")
        (body,) = created_queries(looker)
        assert body["filters"] == {"customers.region": "North"}


async def test_single_value_command(sandbox: Sandbox):
    text = await ask(sandbox, "orders today")
    expected = sum(
        1 for r in sandbox.looker.state.dataset.rows if r["orders.created_date"] == TODAY
    )
    assert text.startswith(f"*{expected:,} ({sandbox.looker.url}/explore/thelook/orders?")
    assert f"Orders Today ({sandbox.looker.url}/dashboards/3)" in text.splitlines()


async def test_hidden_commands_still_run(sandbox: Sandbox):
    text = await ask(sandbox, "category mix")
    assert "Category Mix" in text
    (upload,) = sandbox.slack.calls_to("files.completeUploadExternal")  # a column chart
    assert upload.args["files"][0]["title"] == "Category Mix"


async def test_a_dashboard_with_several_tiles_is_rendered_whole(sandbox: Sandbox):
    text = await ask(sandbox, "weekly business review east")
    assert f"Weekly Business Review ({sandbox.looker.url}/dashboards/7?Region=east)" in text
    (render,) = sandbox.looker.requests_to("/render_tasks/dashboards/7/png")
    assert render.body["dashboard_filters"] == "Region=east"
    (message,) = [m for m in sandbox.slack.messages if m.files]
    uploaded = sandbox.slack.files[message.files[0]]
    assert uploaded.data.startswith(b"\x89PNG")
    assert struct.unpack(">II", uploaded.data[16:24]) == (1280, 960)
    assert message.thread_ts is None  # beside the answer, not hidden in a thread


async def test_a_merged_results_tile_is_rendered(sandbox: Sandbox):
    await ask(sandbox, "channel mix")
    assert sandbox.looker.requests_to("/render_tasks/dashboards/8/png")


async def test_longest_command_name_wins(looker: LookerEmulator):
    looker.state.dashboards["9"] = {
        **looker.state.dashboards["2"],
        "id": "9",
        "title": "Revenue West Coast",
    }
    async with Sandbox(looker=looker) as sandbox:
        looker.requests.clear()
        await ask(sandbox, "revenue west coast")
        assert looker.requests_to("^/dashboards/9$")
        assert not looker.requests_to("^/dashboards/2$")


async def test_a_deleted_dashboard_stops_being_a_command(sandbox: Sandbox):
    sandbox.looker.state.dashboards["3"]["deleted"] = True
    text = await ask(sandbox, "orders today")
    assert "no longer exists" in text
    await sandbox.settle()
    await sandbox.runtime.catalog.refresh()
    assert "orders today" not in await ask(sandbox, "help")
    assert "I couldn't understand" in await ask(sandbox, "orders today")


async def test_help_refreshes_the_command_list(sandbox: Sandbox):
    sandbox.looker.state.dashboards["20"] = {
        **sandbox.looker.state.dashboards["3"],
        "id": "20",
        "title": "Returns This Week",
    }
    assert "returns this week" not in await ask(sandbox, "help")  # shows the cached list...
    assert "returns this week" in await ask(sandbox, "help")  # ...and refreshed it


async def test_unknown_text_in_a_dm_suggests_close_commands(sandbox: Sandbox):
    text = await ask(sandbox, "revnue west")
    assert "I couldn't understand that command" in text
    assert "Did you mean `revenue`" in text


async def test_slash_custom_command_answers_in_channel(sandbox: Sandbox):
    ack, _ = await sandbox.driver.slash("revenue south")
    assert ack.json()["response_type"] == "ephemeral"
    await sandbox.settle()
    (response,) = sandbox.slack.responses
    assert response.body["response_type"] == "in_channel"
    assert "South" in response_text(response.body)


async def test_two_hundred_commands_keep_help_readable(looker: LookerEmulator):
    for i in range(200):
        looker.state.dashboards[str(100 + i)] = {
            **looker.state.dashboards["3"],
            "id": str(100 + i),
            "title": f"Metric {i:03d} for the quarterly review",
            "description": "A reasonably long description of what this dashboard shows.",
            "folder_id": "10" if i % 2 else "11",
        }
    async with Sandbox(looker=looker) as sandbox:
        await sandbox.driver.dm("help")
        await sandbox.settle()
        (reply,) = sandbox.slack.visible_messages()
        text = text_of(reply)
        assert len(reply.blocks) <= 50  # the emulator also refuses oversized messages
        assert "metric 000 for the quarterly review" in text
        assert "*Built-in commands*" in text
        listed = text.count("• *metric")
        more = 200 - listed
        assert more == 0 or f"… and {more} more" in text

        await sandbox.driver.dm("help 150")
        await sandbox.settle()
        narrowed = text_of(sandbox.slack.visible_messages()[-1])
        assert narrowed.count("• *") == 1 and "metric 150" in narrowed


async def test_a_ten_thousand_row_result_fits_and_comes_whole_as_csv_in_the_thread():
    async with LookerEmulator(today=TODAY, orders=10_000) as looker:
        query = looker.state.add_query(
            {
                "fields": ["orders.id", "orders.amount", "customers.name"],
                "sorts": ["orders.id"],
                "limit": "10000",
                "vis_config": {"type": "table"},
            }
        )
        looker.state.dashboards["30"] = {
            **looker.state.dashboards["3"],
            "id": "30",
            "title": "All Orders",
            "dashboard_elements": [
                {**looker.state.dashboards["3"]["dashboard_elements"][0], "query_id": query["id"]}
            ],
        }
        async with Sandbox(looker=looker) as sandbox:
            await sandbox.driver.dm("all orders")
            await sandbox.settle()
            reply, attached = sandbox.slack.visible_messages()
            assert "more rows. The whole result is attached as CSV." in text_of(reply)
            assert attached.thread_ts == reply.ts
            rows = list(
                csv.reader(io.StringIO(sandbox.slack.files[attached.files[0]].data.decode()))
            )
            assert len(rows) == 10_001
            assert rows[0] == ["Orders ID", "Orders Amount", "Customers Name"]


async def test_same_command_on_two_instances_is_reachable_on_both():
    async with LookerEmulator(today=TODAY) as prod, LookerEmulator(today=TODAY) as staging:
        lookers = (
            prod.instance_settings(custom_command_folder_id="10"),
            staging.instance_settings(
                url=staging.url.replace("127.0.0.1", "localhost"), custom_command_folder_id="10"
            ),
        )
        async with Sandbox(looker=prod, lookers=lookers) as sandbox:
            help_text = await ask(sandbox, "help")
            assert "• *revenue (" in help_text and "• *localhost revenue (" in help_text
            prod.requests.clear()
            staging.requests.clear()
            await ask(sandbox, "revenue west")
            assert created_queries(prod) and not created_queries(staging)
            prod.requests.clear()
            await ask(sandbox, "localhost revenue west")
            assert created_queries(staging) and not created_queries(prod)
            assert created_queries(staging)[0]["filters"] == {"customers.region": "west"}


async def test_text_from_looker_cannot_ping_or_link(looker: LookerEmulator):
    looker.state.dashboards["2"]["description"] = "<!channel> see <https://evil.example|this>"
    for row in looker.state.dataset.rows:
        if row["customers.region"] == "West":
            row["customers.region"] = "<!here> West <@U0BOB>"
    async with Sandbox(looker=looker) as sandbox:
        await ask(sandbox, "help")
        await ask(sandbox, "revenue")
        for message in sandbox.slack.messages:
            raw = str(message.text) + str(message.blocks)
            for bad in ("<!channel>", "<!here>", "<@U0BOB>", "<https://evil"):
                assert bad not in raw
        assert "&lt;!here&gt; West" in str(sandbox.slack.messages[-1].blocks)


async def test_slack_escaping_in_mentions_is_undone(sandbox: Sandbox):
    await sandbox.driver.mention('revenue region:"&lt;West&gt;" &amp; more')
    await sandbox.settle()
    (body,) = created_queries(sandbox.looker)
    assert body["filters"]["customers.region"] == "<West>"


async def test_lookers_query_errors_are_shown(looker: LookerEmulator):
    dashboard = looker.state.dashboards["2"]
    dashboard["dashboard_filters"].append(
        {
            **dashboard["dashboard_filters"][0],
            "name": "Date",
            "title": "Date",
            "dimension": "orders.created_date",
        }
    )
    listen = dashboard["dashboard_elements"][0]["result_maker"]["filterables"][0]["listen"]
    listen.append({"dashboard_filter_name": "Date", "field": "orders.created_date"})
    async with Sandbox(looker=looker) as sandbox:
        text = await ask(sandbox, "revenue date:someday")
        assert text.startswith(":warning: Revenue (")
        assert 'Invalid date filter "someday"' in text


async def test_a_command_typed_while_the_bot_starts_waits_for_the_command_list(
    looker: LookerEmulator,
):
    looker.fail(r"/folders/10/dashboards", status=0, delay=1.0)  # a slow first load
    sandbox = Sandbox(looker=looker)
    # Talk to the bot as soon as it listens, as Slack would, not once its commands are loaded.
    task = asyncio.ensure_future(sandbox.start())
    while sandbox.app is None or not sandbox.bot_url:  # noqa: ASYNC110 - polls another task
        await asyncio.sleep(0.01)
    try:
        await sandbox.driver.dm("revenue west")
        await sandbox.driver.slash("revenue east")
        await task
        await sandbox.settle()
        text = text_of(sandbox.slack.visible_messages()[-1])
        assert "West" in text and "Built-in commands" not in text
        assert "East" in response_text(sandbox.slack.responses[-1].body)
    finally:
        await sandbox.stop()
