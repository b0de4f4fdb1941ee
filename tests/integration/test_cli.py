"""The lookerbot command, run as a real process: check, manifest, demo, serve."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

import aiohttp

from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.slack_driver import SlackDriver
from lookerbot.sandbox.slack_emulator import SlackEmulator

SIGNING_SECRET = "cli-test-signing-secret"


async def run(
    *args: str,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
    cwd: Path | None = None,
    timeout: float = 30,
) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lookerbot",
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin), timeout)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def bot_env(looker: LookerEmulator, slack: SlackEmulator, **extra: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "LOOKER_URL": looker.url,
        "LOOKER_API_BASE_URL": f"{looker.url}/api/4.0",
        "LOOKER_API_CLIENT_ID": looker.client_id,
        "LOOKER_API_CLIENT_SECRET": looker.client_secret,
        **extra,
    }


async def test_check_passes_against_working_services(looker, slack):
    code, out, err = await run("check", env=bot_env(looker, slack))
    assert code == 0, (out, err)
    lines = out.splitlines()
    assert any(line.startswith("ok   settings") for line in lines)
    assert f"ok   Looker {looker.url}: logged in as Lookerbot API (API 4.0)" in lines
    assert "ok   Slack: connected to workspace Acme as @looker" in lines


async def test_check_reads_the_explores_ask_answers_from(looker, slack):
    env = bot_env(looker, slack, LOOKERBOT_ASK_EXPLORES="thelook/orders,thelook/nope")
    code, out, err = await run("check", env=env)
    assert code == 1, (out, err)
    lines = out.splitlines()
    assert (
        f"ok   ask thelook/orders on {looker.url}: 14 dimensions and 7 measures to answer from"
    ) in lines
    assert any(line.startswith(f"FAIL ask thelook/nope on {looker.url}: ") for line in lines)


async def test_check_fails_on_a_wrong_looker_secret_without_printing_it(looker, slack):
    code, out, err = await run(
        "check", env=bot_env(looker, slack, LOOKER_API_CLIENT_SECRET="wrong-secret-123")
    )
    assert code == 1
    assert f"FAIL Looker {looker.url}: I couldn't log in" in out
    assert "wrong-secret-123" not in out + err
    assert "ok   Slack" in out


async def test_check_fails_on_a_wrong_slack_token(looker, slack):
    code, out, _ = await run("check", env=bot_env(looker, slack, SLACK_BOT_TOKEN="xoxb-wrong"))
    assert code == 1
    assert "FAIL Slack: auth.test failed: invalid_auth" in out


async def test_check_reports_an_unreachable_looker(slack, refused_url):
    env = {
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": "x",
        "SLACK_API_URL": slack.api_url,
        "LOOKER_URL": refused_url,
        "LOOKER_API_CLIENT_ID": "a",
        "LOOKER_API_CLIENT_SECRET": "b",
    }
    code, out, _ = await run("check", env=env)
    assert code == 1 and "connection refused" in out


async def test_bad_configuration_lists_every_problem_and_exits_2():
    env = {"SLACK_BOT_TOKEN": "nope-SECRETVALUE", "LOOKER_URL": "not a url", "PORT": "x"}
    code, out, err = await run("serve", env=env)
    assert code == 2
    assert "the configuration has" in err
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "LOOKER_URL",
        "LOOKER_API_CLIENT_ID",
        "LOOKER_API_CLIENT_SECRET",
        "PORT",
    ):
        assert f"  - {name}" in err, name
    assert "SECRETVALUE" not in out + err
    assert "Traceback" not in err


async def test_manifest_fills_in_the_url():
    code, out, _ = await run(
        "manifest", "--url", "https://bot.example.com", "--domain", "me.looker.com"
    )
    assert code == 0
    assert out.count('"https://bot.example.com/slack/events"') == 4
    assert '- "me.looker.com"' in out


async def test_manifest_without_url_explains():
    code, _, err = await run("manifest")
    assert code == 2 and "--url" in err


async def test_demo_script_answers_help_and_find(tmp_path: Path):
    script = tmp_path / "demo.txt"
    script.write_text(
        "# a comment\nhelp\nfind revenue\n/looker find dashboard sales\n@looker help\n"
    )
    started = time.monotonic()
    code, out, err = await run("demo", "--script", str(script), cwd=tmp_path)
    assert code == 0, err
    assert time.monotonic() - started < 10
    assert "you> help" in out and "Built-in commands" in out
    assert "you> find revenue" in out and "Revenue by Region" in out
    assert "Sales Overview" in out
    assert "looker (only you)> *Shortcuts*" in out
    assert "Traceback" not in err


async def test_demo_reads_typed_lines_until_end_of_input(tmp_path: Path):
    code, out, _ = await run("demo", stdin=b"find orders\n", cwd=tmp_path)
    assert code == 0
    assert "Orders per Day" in out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_healthy(url: str, session: aiohttp.ClientSession, timeout: float = 10) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            async with session.get(url + "/health_check") as response:
                if response.status == 200:
                    return time.monotonic() - started
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError("the bot never became healthy")


async def test_serve_finishes_work_in_flight_on_sigterm_and_exits_0(looker, slack, tmp_path):
    port = free_port()
    env = {**os.environ, **bot_env(looker, slack, PORT=str(port), LOOKERBOT_HOST="127.0.0.1")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lookerbot",
        "serve",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{port}"
            await wait_healthy(url, session)
            looker.fail(r"/looks/search", status=0, delay=1.5)
            driver = SlackDriver(
                bot_url=url, signing_secret=SIGNING_SECRET, slack=slack, session=session
            )
            response = await driver.dm("find revenue")
            assert response.status == 200
            process.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(process.communicate(), 20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()
    (reply,) = slack.visible_messages()
    assert reply.updates == 1 and "Revenue by Region" in str(reply.blocks)
    assert "Stopped" in err.decode()


async def test_check_verifies_acting_as_users(looker, slack):
    env = bot_env(looker, slack, LOOKERBOT_RUN_AS_USER="email")
    code, out, _ = await run("check", env=env)
    assert code == 0, out
    assert f"ok   Looker {looker.url} run as user: can act as Looker users" in out
    looker.admin_user_ids = set()
    code, out, _ = await run("check", env=env)
    assert code == 1
    assert f"FAIL Looker {looker.url} run as user: The bot couldn't act as your Looker user" in out


async def test_check_names_the_scopes_the_slack_token_lacks(looker, slack):
    # The emulator's token was installed without two of the manifest's scopes; auth.test
    # reports what it has in x-oauth-scopes, as Slack does.
    slack.scopes -= {"links:write", "groups:read"}
    code, out, _ = await run("check", env=bot_env(looker, slack))
    assert code == 1
    (line,) = [line for line in out.splitlines() if "Slack:" in line]
    assert line.startswith("FAIL Slack: connected to workspace Acme as @looker")
    assert "the token lacks scopes: groups:read, links:write" in line
