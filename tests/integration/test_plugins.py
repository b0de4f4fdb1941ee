"""LOOKERBOT_PLUGINS: a deployer's own Bolt listeners, over HTTP and in Socket Mode, beside
the bot's own."""

from __future__ import annotations

import socket
import textwrap
from pathlib import Path

import pytest

from lookerbot import messages
from lookerbot.errors import PluginError
from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.slack_emulator import BOT_USER_ID, DEFAULT_APP_TOKEN, TEAM_ID
from lookerbot.settings import Secret
from tests.helpers import text_of
from tests.integration.test_cli import bot_env, run

PLUGIN = textwrap.dedent(
    """
    def register(app):
        @app.event("reaction_added")
        async def thank(event, client, context):
            # The bot's own access rules, offered to every listener by its middleware.
            refusal = await context["lookerbot_refusal"]()
            item = event["item"]
            await client.chat_postMessage(
                channel=item["channel"], text=refusal or f"Thanks for the :{event['reaction']}:"
            )

        @app.command("/weather")
        async def weather(ack):
            await ack(text="Sunny, as always in the emulator.")
    """
)


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "acme_reactions.py").write_text(PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    return "acme_reactions"


def reaction(channel: str = "C0GENERAL", user: str = "U0ALICE") -> dict[str, object]:
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": "tada",
        "item": {"type": "message", "channel": channel, "ts": "1700000000.000001"},
        "item_user": "U0BOB",
        "event_ts": "1700000001.000100",
    }


async def test_a_plugin_listener_works_over_http_beside_the_bots_own(looker, plugin):
    async with Sandbox(looker=looker, plugins=(plugin,)) as sandbox:
        response = await sandbox.driver.send_event(reaction())
        assert response.status == 200
        await sandbox.driver.mention("find revenue")
        await sandbox.settle()
        thanks, found = sandbox.slack.visible_messages("C0GENERAL")
        assert thanks.text == "Thanks for the :tada:"
        assert "Revenue by Region" in text_of(found)


async def test_a_plugin_listener_gets_the_bots_access_check(looker, plugin):
    async with Sandbox(looker=looker, plugins=(plugin,)) as sandbox:
        await sandbox.driver.send_event(reaction(user="U0GUEST"))
        await sandbox.settle()
        (refused,) = sandbox.slack.visible_messages("C0GENERAL")
        assert refused.text == messages.refused_guest("gus")
        await sandbox.driver.send_event(reaction())
        await sandbox.settle()
        assert sandbox.slack.visible_messages("C0GENERAL")[-1].text == "Thanks for the :tada:"


async def test_a_plugin_slash_command_is_its_own(looker, plugin):
    async with Sandbox(looker=looker, plugins=(plugin,)) as sandbox:
        response, _ = await sandbox.driver.slash("", command="/weather")
        assert response.text == "Sunny, as always in the emulator."
        await sandbox.settle()
        assert sandbox.slack.responses == []  # the bot's /looker handling did not run


async def test_a_plugin_listener_works_in_socket_mode(looker, plugin):
    async with Sandbox(
        looker=looker, plugins=(plugin,), slack_app_token=Secret(DEFAULT_APP_TOKEN)
    ) as sandbox:
        slack = sandbox.slack
        await slack.wait_for_socket()
        await slack.socket_send(
            "events_api",
            {
                "type": "event_callback",
                "team_id": TEAM_ID,
                "event_id": "Ev0PLUGIN",
                "event": reaction("C0SALES"),
                "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            },
        )
        await sandbox.settle()
        (thanks,) = slack.visible_messages("C0SALES")
        assert thanks.text == "Thanks for the :tada:"


async def test_a_plugin_that_cannot_be_imported_stops_start_up(looker):
    sandbox = Sandbox(looker=looker, plugins=("acme_missing_plugin",))
    with pytest.raises(PluginError, match="could not import acme_missing_plugin"):
        await sandbox.start()
    await sandbox.stop()


async def test_a_plugin_whose_register_fails_stops_start_up(looker, tmp_path, monkeypatch):
    (tmp_path / "acme_broken.py").write_text("def register(app):\n    raise RuntimeError('no')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    sandbox = Sandbox(looker=looker, plugins=("acme_broken",))
    with pytest.raises(PluginError, match=r"acme_broken.register\(app\) failed"):
        await sandbox.start()
    await sandbox.stop()


async def test_serve_names_the_plugin_that_failed(looker, slack):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = bot_env(looker, slack, LOOKERBOT_PLUGINS="acme_missing_plugin", PORT=str(port))
    code, _, err = await run("serve", env=env)
    assert code == 2
    assert "LOOKERBOT_PLUGINS: could not import acme_missing_plugin" in err
