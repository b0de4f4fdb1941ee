"""Accepted means delivered (issue 16): scheduled deliveries the bot has accepted survive
``kill -9`` and are posted after a restart; a clean stop leaves the unfinished ones queued.

The bot runs as ``lookerbot serve`` (a real process, killed for real) against the
emulators, keeping its work in SQLite (``LOOKERBOT_DATA_DIR`` in a temporary folder) or in
Redis Streams on a real redis-server. The Slack emulator refuses posts closer than one
second apart in a channel, as Slack does, so 100 deliveries to 10 channels take about 10 s
and a kill lands in the middle of them.
"""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from lookerbot.delivery.scheduled import DELIVERY_JOB
from lookerbot.jobs import JobStore
from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.slack_driver import SlackDriver
from lookerbot.sandbox.slack_emulator import SlackEmulator
from lookerbot.settings import Secret
from tests.helpers import free_port
from tests.integration.test_cli import SIGNING_SECRET, bot_env, run
from tests.redis_server import RedisServer

HOOK = "durable-webhook-token"
DELIVERIES = 100
CHANNELS = 10
BOUND = 60.0  # seconds: a bound on a hang, not a timing


class Bot:
    """``lookerbot serve`` as a child process."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self._env = {**os.environ, **env, "PORT": str(port), "LOOKERBOT_HOST": "127.0.0.1"}
        self._log = log
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        with self._log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: ASYNC220 (returns at once)
                [sys.executable, "-m", "lookerbot", "serve"],
                env=self._env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + BOUND
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                assert self.process.poll() is None, self._log.read_text()[-3000:]
                try:
                    async with session.get(self.url + "/health_check") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.05)
        raise AssertionError("the bot did not start")

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(self.process.wait, 10)

    async def stop(self, within: float = BOUND) -> int | None:
        """SIGTERM, and the exit code, or None if it had not exited ``within`` seconds
        (then it is killed). Waited for in a thread: the emulators answering the bot's
        last calls run on this event loop."""
        return await asyncio.to_thread(self._stop, within)

    def _stop(self, within: float) -> int | None:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(within)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return None
        return self.process.returncode


@pytest.fixture
async def emulators() -> AsyncIterator[tuple[LookerEmulator, SlackEmulator]]:
    async with LookerEmulator() as looker, SlackEmulator() as slack:
        slack.add_channels(CHANNELS)
        slack.channel_rate_limit = 1.0  # Slack's one post a second per channel
        yield looker, slack


def plan(looker: LookerEmulator, i: int) -> dict:
    return {
        "scheduled_plan": {
            "scheduled_plan_id": 1000 + i,
            "title": f"Delivery {i:03d}",
            "type": "Query",
            "url": f"{looker.url}/explore/thelook/orders?qid=x{i}",
            "query_id": 1,
        }
    }


async def deliver(
    session: aiohttp.ClientSession, bot_url: str, looker: LookerEmulator, i: int, *, channel: int
) -> int:
    """Looker's scheduled webhook for delivery ``i`` to ``team-<channel>``; the status."""
    async with session.post(
        f"{bot_url}/slack/post/channel/team-{channel}",
        json=plan(looker, i),
        headers={"X-Looker-Webhook-Token": HOOK},
    ) as response:
        return response.status


async def accept_all(*bots: Bot, looker: LookerEmulator) -> list[int]:
    """Every delivery, sent to the bots in turn."""
    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(
            *(
                deliver(session, bots[i % len(bots)].url, looker, i, channel=i % CHANNELS)
                for i in range(DELIVERIES)
            )
        )


def posted(slack: SlackEmulator) -> collections.Counter[str]:
    """How many times each delivery's title was posted."""
    counts: collections.Counter[str] = collections.Counter()
    for message in slack.messages:
        text = message.text + " ".join(str(b) for b in message.blocks)
        for i in range(DELIVERIES):
            if f"Delivery {i:03d}" in text:
                counts[f"{i:03d}"] += 1
    return counts


async def wait_for_all(slack: SlackEmulator) -> collections.Counter[str]:
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        counts = posted(slack)
        if len(counts) == DELIVERIES:
            await asyncio.sleep(1.5)  # any duplicate would come now
            return posted(slack)
        await asyncio.sleep(0.2)
    return posted(slack)


async def restart_and_check_all_posted_once(
    env: dict[str, str], port: int, tmp_path: Path, slack: SlackEmulator
) -> None:
    """Start the bot again on the same data; every delivery ends up posted, each once."""
    second = Bot(env, port, tmp_path / "bot.log")
    await second.start()
    try:
        after = await wait_for_all(slack)
    finally:
        assert await second.stop() == 0
    assert_each_posted_once(after)


def assert_each_posted_once(counts: collections.Counter[str]) -> None:
    lost = sorted({f"{i:03d}" for i in range(DELIVERIES)} - set(counts))
    assert not lost, f"lost: {lost}"
    assert set(counts.values()) == {1}, [k for k, n in counts.items() if n > 1]


def env_for(
    looker: LookerEmulator, slack: SlackEmulator, data: Path, redis_url: str | None = None
) -> dict[str, str]:
    """The bot's settings: its work in ``data`` (SQLite), or in Redis when given one."""
    shared = {"LOOKERBOT_REDIS_URL": redis_url, "LOOKERBOT_JOB_LEASE": "1"} if redis_url else {}
    return bot_env(
        looker,
        slack,
        LOOKER_WEBHOOK_TOKEN=HOOK,
        LOOKERBOT_DATA_DIR=str(data),
        LOOKERBOT_DELIVERY_WAIT="0.2",  # answer Looker at once: accepted, still to post
        LOOKERBOT_SHUTDOWN_TIMEOUT="2",
        **shared,
    )


@pytest.fixture(params=["sqlite", "redis"])
def store_url(request: pytest.FixtureRequest) -> str | None:
    """Where the bot keeps its work: None for SQLite, else a real redis-server's URL."""
    if request.param == "sqlite":
        return None
    server: RedisServer = request.getfixturevalue("redis_server")
    return server.url


async def test_accepted_deliveries_survive_kill_9_and_are_posted_once(
    emulators, tmp_path, store_url
):
    looker, slack = emulators
    # With the history scopes, a post that landed just before the kill is found by its
    # metadata and not sent again (the test below covers both cases deterministically).
    slack.scopes |= {"channels:history", "groups:history"}
    env = env_for(looker, slack, tmp_path / "data", store_url)
    port = free_port()
    first = Bot(env, port, tmp_path / "bot.log")
    await first.start()
    try:
        statuses = await accept_all(first, looker=looker)
        assert set(statuses) <= {200, 202}, statuses
        await asyncio.sleep(2.0)
    finally:
        await first.kill()
    before = posted(slack)
    assert 0 < len(before) < DELIVERIES, "the kill should land mid-way"
    await restart_and_check_all_posted_once(env, port, tmp_path, slack)
    log = (tmp_path / "bot.log").read_text()
    assert "Resuming" in log or "Took over" in log


async def test_a_replica_finishes_the_work_of_one_killed_halfway(emulators, tmp_path, redis_server):
    # Two replicas share Redis; each accepts half the deliveries. One is killed mid-way:
    # the other takes over its unfinished work once the lease (1 s here) runs out.
    looker, slack = emulators
    slack.scopes |= {"channels:history", "groups:history"}
    env = env_for(looker, slack, tmp_path / "data", redis_server.url)
    killed = Bot(env, free_port(), tmp_path / "killed.log")
    survivor = Bot(env, free_port(), tmp_path / "survivor.log")
    await killed.start()
    await survivor.start()
    try:
        statuses = await accept_all(killed, survivor, looker=looker)
        assert set(statuses) <= {200, 202}, statuses
        await asyncio.sleep(2.0)
        await killed.kill()
        assert 0 < len(posted(slack)) < DELIVERIES, "the kill should land mid-way"
        after = await wait_for_all(slack)
    finally:
        await killed.kill()
        assert await survivor.stop() == 0
    # Each once, whatever the pacing did: a post Slack refused (429) is sent again at the
    # channel's next turn. (Pacing across replicas is measured by benchmarks.delivery
    # --replicas 2, not here: under load it depends on two processes' timing.)
    assert_each_posted_once(after)
    assert "Took over" in (tmp_path / "survivor.log").read_text()


async def test_a_clean_stop_leaves_unfinished_deliveries_for_the_next_start(emulators, tmp_path):
    looker, slack = emulators
    env = env_for(looker, slack, tmp_path / "data")
    port = free_port()
    first = Bot(env, port, tmp_path / "bot.log")
    await first.start()
    statuses = await accept_all(first, looker=looker)
    assert set(statuses) <= {200, 202}, statuses
    # Drains for 2 s, then leaves the rest queued: out well within Heroku's 30 s.
    assert await first.stop(within=30) == 0
    before = posted(slack)
    assert len(before) < DELIVERIES
    await restart_and_check_all_posted_once(env, port, tmp_path, slack)


async def test_a_data_folder_the_bot_cannot_use_stops_start_up(emulators, tmp_path):
    looker, slack = emulators
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    env = env_for(looker, slack, blocker / "data")
    code, _, err = await run("serve", env={**env, "PORT": str(free_port())}, timeout=BOUND)
    assert code == 2, err
    assert f"lookerbot: LOOKERBOT_DATA_DIR: cannot keep accepted work in {blocker / 'data'}" in err


@pytest.mark.parametrize("history", [True, False], ids=["history-scope", "no-history-scope"])
async def test_a_delivery_that_reached_slack_before_a_crash_is_not_sent_again(
    emulators, tmp_path, history
):
    # The crash came after Slack took the post and before the bot recorded it: the job is
    # still queued, with one attempt. The post carries the job's id in its metadata, and
    # with the history scopes the bot finds it and does not post again; without them it
    # cannot tell, and sends it again (a duplicate rather than a lost report).
    looker, slack = emulators
    slack.channel_rate_limit = None
    store = JobStore(tmp_path / "data" / "jobs.sqlite3")
    await store.open()
    payload = {
        "plan": {
            "type": "Query",
            "url": f"{looker.url}/explore/thelook/orders?qid=x",
            "title": "Delivery 007",
            "query_id": "1",
            "plan_id": "1007",
        },
        "looker": looker.url,
        "kind": "channel",
        "name": "general",
    }
    job = await store.add(DELIVERY_JOB, payload)
    await store.started(job.id)
    await store.close()
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    await client.chat_postMessage(
        channel="C0GENERAL",
        text="Delivery 007: the post that landed",
        metadata={"event_type": "lookerbot_delivery", "event_payload": {"job": job.id}},
    )
    if history:
        slack.scopes |= {"channels:history", "groups:history"}
    async with Sandbox(
        looker=looker,
        slack=slack,
        lookers=(looker.instance_settings(webhook_token=Secret(HOOK)),),
        data_dir=tmp_path / "data",
    ) as sandbox:
        await sandbox.settle()
        posts = [m for m in sandbox.slack.messages if "Delivery 007" in m.text + str(m.blocks)]
    assert len(posts) == (1 if history else 2)
    store = JobStore(tmp_path / "data" / "jobs.sqlite3")
    await store.open()
    try:
        assert await store.counts() == {"done": 1}
    finally:
        await store.close()


async def test_metrics_show_the_queue(emulators, tmp_path):
    looker, slack = emulators
    async with Sandbox(
        looker=looker,
        slack=slack,
        lookers=(looker.instance_settings(webhook_token=Secret(HOOK)),),
        data_dir=tmp_path / "data",
        delivery_wait=0.1,
        metrics_token=Secret("m"),
    ) as sandbox:

        async def queue_metrics() -> tuple[float, float]:
            async with sandbox.session.get(
                sandbox.bot_url + "/metrics", headers={"Authorization": "Bearer m"}
            ) as response:
                text = await response.text()
            values = dict(
                line.rsplit(" ", 1) for line in text.splitlines() if not line.startswith("#")
            )
            return (
                float(values['lookerbot_queued_jobs{kind="delivery"}']),
                float(values["lookerbot_oldest_queued_job_seconds"]),
            )

        assert await queue_metrics() == (0.0, 0.0)
        for i in range(5):  # one channel, one post a second: they wait their turn
            status = await deliver(sandbox.session, sandbox.bot_url, looker, i, channel=0)
            assert status in (200, 202)
        queued, oldest = await queue_metrics()
        assert 1 <= queued <= 5 and oldest > 0
        await sandbox.settle()
        assert await queue_metrics() == (0.0, 0.0)


async def test_a_loading_message_left_by_a_kill_is_replaced_after_the_restart(emulators, tmp_path):
    looker, slack = emulators
    looker.fail("/run/json_detail", status=0, delay=30.0, times=None)  # Looker is slow
    env = {**env_for(looker, slack, tmp_path / "data"), "LOOKER_CUSTOM_COMMAND_FOLDER_ID": "10"}
    port = free_port()
    first = Bot(env, port, tmp_path / "bot.log")
    await first.start()
    dm = slack.dm_channel("U0ALICE")
    try:
        async with aiohttp.ClientSession() as session:
            driver = SlackDriver(
                bot_url=first.url, signing_secret=SIGNING_SECRET, slack=slack, session=session
            )
            deadline = time.monotonic() + BOUND
            while not [m for m in slack.messages if m.channel == dm]:
                assert time.monotonic() < deadline, "no loading message"
                if not slack.calls_to("chat.postMessage"):
                    await driver.dm("revenue")
                await asyncio.sleep(0.2)
    finally:
        await first.kill()
    (loading,) = [m for m in slack.messages if m.channel == dm]
    assert "restarted" not in loading.text
    second = Bot(env, port, tmp_path / "bot.log")
    await second.start()
    try:
        deadline = time.monotonic() + BOUND
        while "restarted" not in loading.text:
            assert time.monotonic() < deadline, loading.text
            await asyncio.sleep(0.2)
    finally:
        assert await second.stop() == 0
    assert loading.text.startswith(":warning: I was restarted before I could answer this.")


@pytest.mark.parametrize(("history", "duplicates"), [(True, 0), (False, 3)])
async def test_posts_whose_answer_slack_lost_are_neither_lost_nor_doubled_where_slack_says(
    emulators, tmp_path, history, duplicates
):
    # Slack takes three posts and the connection drops before it answers. With the history
    # scopes the bot finds each by its metadata: 0 lost, 0 duplicated. Without them it
    # cannot tell and sends each once more: 0 lost, 3 duplicated (a duplicate rather than
    # a lost report).
    looker, slack = emulators
    slack.channel_rate_limit = None
    if history:
        slack.scopes |= {"channels:history", "groups:history"}
    async with Sandbox(
        looker=looker,
        slack=slack,
        lookers=(looker.instance_settings(webhook_token=Secret(HOOK)),),
        data_dir=tmp_path / "data",
    ) as sandbox:
        statuses = []
        for i in range(10):
            if i in (0, 4, 7):  # this delivery's first post: taken, then no answer
                slack.fail("chat.postMessage", status=-1, times=1)
            statuses.append(
                await deliver(sandbox.session, sandbox.bot_url, looker, i, channel=i % CHANNELS)
            )
        await sandbox.settle()
    counts = posted(slack)
    assert statuses == [200] * 10  # Looker hears that each was delivered
    assert sorted(counts) == [f"{i:03d}" for i in range(10)]  # none lost
    assert sum(n - 1 for n in counts.values()) == duplicates


async def test_posts_looker_asked_for_survive_kill_9(emulators, tmp_path):
    # LookML data actions post a ready message while Looker waits. Twenty to one channel
    # wait their turns (one a second); the bot is killed after 2 s, with most still
    # waiting. They were recorded when accepted: the next start posts them, each once.
    looker, slack = emulators
    slack.scopes |= {"channels:history", "groups:history"}
    env = env_for(looker, slack, tmp_path / "data")
    port = free_port()
    first = Bot(env, port, tmp_path / "bot.log")
    await first.start()
    posts = 20

    async def data_action(session: aiohttp.ClientSession, i: int) -> int:
        async with session.post(
            f"{first.url}/data_actions",
            json={
                "data": {"message": f"Delivery {i:03d} from a data action", "channel": "#team-0"}
            },
            headers={"X-Looker-Webhook-Token": HOOK},
        ) as response:
            return response.status

    try:
        async with aiohttp.ClientSession() as session:
            sent = [asyncio.ensure_future(data_action(session, i)) for i in range(posts)]
            await asyncio.sleep(2.0)
            await first.kill()
            statuses = await asyncio.gather(*sent, return_exceptions=True)
    finally:
        await first.kill()
    assert 200 in statuses and any(isinstance(s, aiohttp.ClientError) for s in statuses)
    assert 0 < len(posted(slack)) < posts
    second = Bot(env, port, tmp_path / "bot.log")
    await second.start()
    try:
        deadline = time.monotonic() + BOUND
        while len(posted(slack)) < posts:
            assert time.monotonic() < deadline, sorted(posted(slack))
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.5)  # any duplicate would come now
    finally:
        assert await second.stop() == 0
    counts = posted(slack)
    assert sorted(counts) == [f"{i:03d}" for i in range(posts)]
    assert set(counts.values()) == {1}, counts
    assert "Resuming a data_action post to #team-0" in (tmp_path / "bot.log").read_text()
