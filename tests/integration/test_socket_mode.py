"""Socket Mode: with SLACK_APP_TOKEN set, Slack traffic arrives over a WebSocket."""

from __future__ import annotations

from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.render import message_to_text
from lookerbot.sandbox.slack_emulator import BOT_USER_ID, DEFAULT_APP_TOKEN, TEAM_ID, SlackEmulator
from lookerbot.settings import Secret


async def test_slash_command_and_dm_over_socket_mode(looker):
    async with Sandbox(looker=looker, slack_app_token=Secret(DEFAULT_APP_TOKEN)) as sandbox:
        slack = sandbox.slack
        await slack.wait_for_socket()
        assert len(slack.calls_to("apps.connections.open")) == 1

        ack = await slack.socket_send(
            "slash_commands",
            {
                "team_id": TEAM_ID,
                "channel_id": "C0GENERAL",
                "user_id": "U0ALICE",
                "command": "/looker",
                "text": "find revenue",
                "response_url": slack.new_response_url(),
                "trigger_id": "1.2",
            },
        )
        assert ack["payload"] == {"response_type": "ephemeral", "text": "…"}
        await sandbox.settle()
        (response,) = slack.responses
        assert "Revenue by Region" in message_to_text(
            response.body["text"], response.body["blocks"]
        )

        dm = slack.dm_channel("U0BOB")
        for _ in range(2):  # Slack redelivers an event it thinks was lost: acted on once
            await slack.socket_send(
                "events_api",
                {
                    "type": "event_callback",
                    "team_id": TEAM_ID,
                    "event_id": "Ev0SOCKET1",
                    "event": {
                        "type": "message",
                        "channel_type": "im",
                        "user": "U0BOB",
                        "text": "help",
                        "ts": "1.5",
                        "channel": dm,
                    },
                    "authorizations": [
                        {"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}
                    ],
                },
            )
        await sandbox.settle()
        await slack.wait_echoes()  # the reply came back over the socket, as Slack sends it
        await sandbox.settle()
        assert slack.echoes_delivered == 1
        (reply,) = slack.visible_messages(dm)
        assert "Built-in commands" in message_to_text(reply.text, reply.blocks)

        # The webhook routes are still served over HTTP.
        async with sandbox.session.get(sandbox.bot_url + "/health_check") as health:
            assert health.status == 200


async def test_socket_mode_connects_through_a_slack_outage(looker):
    # apps.connections.open is Socket Mode's own call, made through the client the bot and
    # Bolt share, so the bot's retry handler carries it through a 503.
    slack = SlackEmulator()
    await slack.start()
    slack.fail("apps.connections.open", status=503, times=1)
    try:
        async with Sandbox(
            looker=looker, slack=slack, slack_app_token=Secret(DEFAULT_APP_TOKEN)
        ) as sandbox:
            await sandbox.slack.wait_for_socket()
            assert [c.status for c in slack.calls_to("apps.connections.open")] == [503, 200]
            # The bot's handler repeated it (Socket Mode's own reconnect loop would count
            # nothing here).
            assert sandbox.runtime.poster.retries == 1  # type: ignore[attr-defined]
    finally:
        await slack.stop()
