"""help and find, asked through mentions, DMs and /looker, answered through the emulators."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import pytest

from lookerbot.app import Deps
from lookerbot.looker.instances import LookerInstance, LookerRegistry
from lookerbot.looker.models import ContentKind, ContentRef, LookerUser
from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.render import message_to_text
from lookerbot.settings import LookerInstanceSettings, Secret
from tests.conftest import TODAY
from tests.helpers import response_text, text_of


async def test_help_in_a_dm(sandbox: Sandbox):
    await sandbox.driver.dm("help")
    await sandbox.settle()
    dm = sandbox.slack.dm_channel("U0ALICE")
    (reply,) = sandbox.slack.visible_messages(dm)
    text = text_of(reply)
    assert "find" in text and "help" in text
    assert f"{sandbox.looker.url}/folders/10" in text  # where to add commands


async def test_help_by_mention_is_shown_only_to_the_asker(sandbox: Sandbox):
    await sandbox.driver.mention("help", user="U0BOB")
    await sandbox.settle()
    assert sandbox.slack.visible_messages("C0GENERAL") == []
    (reply,) = sandbox.slack.ephemeral_messages("U0BOB")
    assert reply.channel == "C0GENERAL"
    assert "Built-in commands" in text_of(reply)


async def test_a_mention_in_a_thread_is_answered_in_that_thread(sandbox: Sandbox):
    await sandbox.driver.mention("find revenue", thread_ts="1700000000.000100")
    await sandbox.settle()
    (reply,) = sandbox.slack.visible_messages("C0GENERAL")
    assert reply.thread_ts == "1700000000.000100"
    assert "Revenue by Region" in text_of(reply)


async def test_a_top_level_mention_is_answered_in_the_channel(sandbox: Sandbox):
    await sandbox.driver.mention("find revenue")
    await sandbox.settle()
    (reply,) = sandbox.slack.visible_messages("C0GENERAL")
    assert reply.thread_ts is None


async def test_find_posts_a_loading_message_then_replaces_it(sandbox: Sandbox):
    await sandbox.driver.dm("find revenue")
    await sandbox.settle()
    (post,) = sandbox.slack.calls_to("chat.postMessage")
    assert re.search(r"_.+\.\.\._", post.args["text"])  # one of Lookerbot's loading messages
    (update,) = sandbox.slack.calls_to("chat.update")
    (reply,) = sandbox.slack.visible_messages()
    assert update.args["ts"] == reply.ts and reply.updates == 1
    lines = [line for line in text_of(reply).splitlines() if line.startswith("•")]
    assert lines[0].startswith("• Revenue (")  # the exact title first
    assert f"({sandbox.looker.url}/dashboards/2)" in lines[0]
    assert any(
        f"Revenue by Region ({sandbox.looker.url}/looks/1) — Look in _Sales_" in line
        for line in lines
    )
    assert len(lines) <= 5
    assert not any("retired" in line for line in lines)  # deleted content never shows


async def test_loading_messages_can_be_turned_off(looker: LookerEmulator):
    async with Sandbox(looker=looker, loading_messages=False) as sandbox:
        await sandbox.driver.dm("find revenue")
        await sandbox.settle()
        assert sandbox.slack.calls_to("chat.update") == []
        (reply,) = sandbox.slack.visible_messages()
        assert "Revenue by Region" in text_of(reply)


async def test_find_with_a_type_word_searches_only_that_type(sandbox: Sandbox):
    await sandbox.driver.dm("find dashboard sales")
    await sandbox.settle()
    assert sandbox.looker.requests_to("/looks/search") == []
    (reply,) = sandbox.slack.visible_messages()
    text = text_of(reply)
    assert "Sales Overview" in text and "/looks/" not in text


async def test_find_says_plainly_when_nothing_matches(sandbox: Sandbox):
    await sandbox.driver.dm("find look zebra stripes")
    await sandbox.settle()
    (reply,) = sandbox.slack.visible_messages()
    assert text_of(reply) == 'No Looks match "zebra stripes".'


async def test_find_without_words_explains_itself(sandbox: Sandbox):
    await sandbox.driver.dm("find")
    await sandbox.settle()
    (reply,) = sandbox.slack.visible_messages()
    assert text_of(reply).startswith(":warning: Tell me what to look for")


async def test_slash_help_is_acknowledged_at_once_and_answered_privately(sandbox: Sandbox):
    ack, response_url = await sandbox.driver.slash("help")
    assert ack.status == 200
    await sandbox.settle()
    (response,) = sandbox.slack.responses
    assert response_url.endswith(f"/response/{response.response_id}")
    assert response.body["response_type"] == "ephemeral"
    assert "Built-in commands" in response_text(response.body)


async def test_slash_find_shows_loading_to_the_asker_and_answers_the_channel(sandbox: Sandbox):
    ack, _ = await sandbox.driver.slash("find revenue", path="/slack/receive")
    assert ack.status == 200
    assert ack.json() == {"response_type": "ephemeral", "text": "…"}
    await sandbox.settle()
    (response,) = sandbox.slack.responses
    assert response.body["response_type"] == "in_channel"
    assert "Revenue by Region" in response_text(response.body)
    assert sandbox.slack.calls_to("chat.postMessage") == []


async def test_empty_slash_command_shows_help(sandbox: Sandbox):
    await sandbox.driver.slash("")
    await sandbox.settle()
    (response,) = sandbox.slack.responses
    assert "Built-in commands" in response_text(response.body)


async def test_unknown_text_in_a_dm(sandbox: Sandbox):
    await sandbox.driver.dm("what is the meaning of life")
    await sandbox.settle()
    (reply,) = sandbox.slack.visible_messages()
    assert "I couldn't understand that command" in text_of(reply)


async def test_unknown_text_in_a_channel_gets_help(sandbox: Sandbox):
    await sandbox.driver.mention("what is the meaning of life")
    await sandbox.settle()
    (reply,) = sandbox.slack.ephemeral_messages("U0ALICE")
    assert "Built-in commands" in text_of(reply)


async def test_a_looker_error_reaches_the_user_with_lookers_message(sandbox: Sandbox):
    sandbox.looker.fail(
        r"/search", status=403, body={"message": "You do not have permission"}, times=None
    )
    await sandbox.driver.dm("find revenue")
    await sandbox.settle()
    (reply,) = sandbox.slack.visible_messages()
    text = text_of(reply)
    assert text.startswith(":warning:")
    assert "You do not have permission" in text
    assert sandbox.looker.url in text


async def test_a_proxy_error_page_is_not_shown_to_users(sandbox: Sandbox):
    sandbox.looker.fail(
        r"/search",
        status=502,
        body="<html><body>Bad Gateway nginx</body></html>",
        content_type="text/html",
        times=None,
    )
    await sandbox.driver.dm("find revenue")
    await sandbox.settle()
    text = text_of(sandbox.slack.visible_messages()[0])
    assert "HTTP 502" in text and "nginx" not in text and "<html>" not in text


class ExplodingLookerClient:
    """A LookerClient whose search has a bug."""

    async def me(self) -> LookerUser:
        return LookerUser(id="1", display_name="bot")

    async def search_content(
        self, kind: ContentKind, title_pattern: str, *, limit: int
    ) -> Sequence[ContentRef]:
        raise RuntimeError("bug: database password is hunter2")

    async def aclose(self) -> None:
        return None


async def test_an_unexpected_error_shows_an_id_that_matches_the_log(looker, caplog):
    instance = LookerInstance(
        settings=LookerInstanceSettings(
            url="https://broken.looker.com",
            api_base_url="https://broken.looker.com",
            client_id="x",
            client_secret=Secret("y"),
        ),
        client=ExplodingLookerClient(),
    )
    caplog.set_level(logging.ERROR)
    async with Sandbox(looker=looker, deps=Deps(lookers=LookerRegistry([instance]))) as sandbox:
        await sandbox.driver.dm("find revenue")
        await sandbox.settle()
        text = text_of(sandbox.slack.visible_messages()[0])
    match = re.search(r"error id `([0-9a-f]{8})`", text)
    assert match, text
    assert "hunter2" not in text and "RuntimeError" not in text
    logged = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert logged and logged[0].exc_info is not None


async def test_find_across_two_instances_and_by_instance_name():
    async with LookerEmulator(today=TODAY) as prod, LookerEmulator(today=TODAY) as staging:
        staging.state.looks["1"]["title"] = "Revenue by Region (staging copy)"
        lookers = (
            prod.instance_settings(),
            staging.instance_settings(url=staging.url.replace("127.0.0.1", "localhost")),
        )
        async with Sandbox(looker=prod, lookers=lookers) as sandbox:
            await sandbox.driver.dm("find revenue region")
            await sandbox.settle()
            text = text_of(sandbox.slack.visible_messages()[0])
            assert "on 127.0.0.1" in text and "on localhost" in text
            assert "staging copy" in text

            staging.requests.clear()
            prod.requests.clear()
            await sandbox.driver.dm("find localhost revenue")
            await sandbox.settle()
            assert prod.requests_to("/search") == []
            assert staging.requests_to("/search")


@pytest.mark.parametrize("channel", ["C0GENERAL", "G0FINANCE"])
async def test_mentions_work_in_public_and_private_channels(sandbox: Sandbox, channel: str):
    await sandbox.driver.mention("find sales", channel=channel)
    await sandbox.settle()
    (reply,) = sandbox.slack.visible_messages(channel)
    assert "Sales Overview" in text_of(reply)


async def test_the_bot_does_not_answer_its_own_dm_echo(sandbox: Sandbox):
    # Slack sends the app its own DM posts back as message events with its bot_id; the
    # emulator does the same, so a bot that answered them would loop.
    await sandbox.driver.dm("help", user="U0BOB")
    await sandbox.settle()
    dm = sandbox.slack.dm_channel("U0BOB")
    (reply,) = sandbox.slack.visible_messages(dm)
    assert "Built-in commands" in message_to_text(reply.text, reply.blocks)
    assert sandbox.slack.echoes_delivered == 1
