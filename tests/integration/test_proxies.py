"""Outbound proxies: every call the bot makes goes through HTTPS_PROXY/HTTP_PROXY, except to
the hosts in NO_PROXY, whichever library makes it.

A real forward proxy (the proxy.py package, with a plugin that records each request it
forwards) runs on 127.0.0.1. The emulators are plain http on 127.0.0.1, so HTTP_PROXY is the
variable in play. A service the test wants reached directly is addressed as ``localhost``,
with ``NO_PROXY=localhost``: a call that skips the proxy for a service addressed as
127.0.0.1, or uses it for one addressed as ``localhost``, shows in the proxy's record.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lookerbot.actions.endpoints import LoopbackAllowance
from lookerbot.actions.registry import ActionHubOptions
from lookerbot.app import Deps
from lookerbot.images.azure_blob import AzureBlobImageStore
from lookerbot.images.gcs import GcsImageStore
from lookerbot.images.s3 import S3ImageStore
from lookerbot.images.store import ImageStore
from lookerbot.proxies import Proxies
from lookerbot.sandbox.braze_emulator import BrazeEmulator
from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.json_detail import json_detail
from lookerbot.sandbox.llm_emulator import LlmEmulator
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.rudderstack_emulator import RudderStackEmulator
from lookerbot.sandbox.slack_emulator import DEFAULT_APP_TOKEN, TEAM_ID, SlackEmulator
from lookerbot.settings import AskLlmSettings, Secret, StorageSettings
from tests.helpers import free_port, text_of, wait_for_port
from tests.integration.test_action_hub_destinations import (
    FAST_RETRY,
    TOKEN,
    USER_FIELDS,
    braze_payload,
    inline,
    post,
    rudder_payload,
    users,
)

ROOT = Path(__file__).resolve().parents[2]
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@dataclass(frozen=True)
class Forwarded:
    method: str
    host: str
    port: int
    path: str


class RecordingProxy:
    """proxy.py on 127.0.0.1, recording what it forwards."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_VARIABLES} | {
            "LOOKERBOT_TEST_PROXY_LOG": str(self.log),
            "PYTHONPATH": str(ROOT),
        }
        self._process = subprocess.Popen(  # noqa: S603 (our own command line)
            [
                sys.executable,
                "-m",
                "proxy",
                "--hostname",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--num-workers",
                "1",
                "--num-acceptors",
                "1",
                "--plugins",
                "tests.recording_proxy.RecordingPlugin",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, timeout=20)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def forwarded(self) -> list[Forwarded]:
        if not self.log.exists():
            return []
        return [Forwarded(**json.loads(line)) for line in self.log.read_text().splitlines()]

    def ports(self) -> set[int]:
        return {f.port for f in self.forwarded()}

    def paths(self, port: int) -> list[str]:
        """The paths forwarded to ``port``, without their query strings."""
        return [f.path.split("?", 1)[0] for f in self.forwarded() if f.port == port]


@pytest.fixture(scope="module")
def recording_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordingProxy]:
    proxy = RecordingProxy(tmp_path_factory.mktemp("proxy") / "forwarded.jsonl")
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture
def proxy(recording_proxy: RecordingProxy) -> RecordingProxy:
    """The proxy with an empty record."""
    recording_proxy.log.write_text("")
    return recording_proxy


def use_proxy(
    monkeypatch: pytest.MonkeyPatch,
    proxy: RecordingProxy,
    no_proxy: str,
    *,
    environment: bool = True,
) -> Proxies:
    """The bot's proxy settings for ``proxy``.

    With ``environment``, the same variables go into the process's environment too, where
    slack_sdk, requests, botocore and azure-core would read them (HTTPS_PROXY without
    NO_PROXY, for slack_sdk): the bot must override every one. Without, they are only in
    the bot's settings, as when they come from a ``.env`` file: a client that reads the
    environment itself misses the proxy. Called inside a test, after its fixtures set up
    their emulators without a proxy."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    variables = {"HTTP_PROXY": proxy.url, "HTTPS_PROXY": proxy.url, "NO_PROXY": no_proxy}
    if environment:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
    return Proxies.from_environ(variables)


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/", 1)[0])


def direct(url: str) -> str:
    """``url`` addressed as localhost, which NO_PROXY names in these tests."""
    return url.replace("127.0.0.1", "localhost")


async def test_slack_through_the_proxy_and_looker_direct(
    looker: LookerEmulator, proxy: RecordingProxy, monkeypatch: pytest.MonkeyPatch
):
    # Only in the settings (as from .env): no client may rely on the environment.
    proxies = use_proxy(monkeypatch, proxy, no_proxy="localhost", environment=False)
    looker.url = direct(looker.url)
    async with Sandbox(looker=looker, proxies=proxies) as sandbox:
        await sandbox.driver.mention("find revenue")  # chat.postMessage
        await sandbox.driver.slash("find revenue")  # a response_url post
        await sandbox.driver.dm("category mix")  # a chart: an upload URL
        await sandbox.settle()
        messages = sandbox.slack.visible_messages("C0GENERAL")
        assert "Revenue by Region" in text_of(messages[-1])
        dm = sandbox.slack.visible_messages(sandbox.slack.dm_channel("U0ALICE"))
        assert any(m.files for m in dm)
        slack_port = port_of(sandbox.slack.url)
    paths = proxy.paths(slack_port)
    assert "/api/auth.test" in paths and "/api/chat.postMessage" in paths
    assert "/api/files.completeUploadExternal" in paths
    assert any(p.startswith("/upload/") for p in paths)
    assert any(p.startswith("/response/") for p in paths), paths
    # Looker answered every call, and none went through the proxy.
    assert looker.requests_to("/login$")
    assert port_of(looker.url) not in proxy.ports()
    assert {f.host for f in proxy.forwarded()} == {"127.0.0.1"}


@pytest.mark.parametrize("environment", [True, False], ids=["environment", "settings-only"])
async def test_looker_through_the_proxy_and_slack_direct(
    looker: LookerEmulator,
    proxy: RecordingProxy,
    monkeypatch: pytest.MonkeyPatch,
    environment: bool,
):
    # With the variables in the environment, slack_sdk reads HTTPS_PROXY but not NO_PROXY:
    # the bot must not send Slack calls to the proxy when NO_PROXY names Slack's host.
    # With them only in the settings, Looker's client must still use the proxy.
    proxies = use_proxy(
        monkeypatch,
        proxy,
        no_proxy="localhost:1,.example.com, LOCALHOST",
        environment=environment,
    )
    slack = SlackEmulator()
    await slack.start()
    try:
        slack.url = direct(slack.url)
        async with Sandbox(looker=looker, slack=slack, proxies=proxies) as sandbox:
            await sandbox.driver.mention("find revenue")
            await sandbox.settle()
            assert "Revenue by Region" in text_of(sandbox.slack.visible_messages("C0GENERAL")[-1])
    finally:
        await slack.stop()
    assert port_of(slack.url) not in proxy.ports()
    looker_paths = proxy.paths(port_of(looker.url))
    assert "/api/4.0/login" in looker_paths
    assert any(p.startswith("/api/4.0/content") or "search" in p for p in looker_paths)


async def test_socket_mode_honours_no_proxy(
    looker: LookerEmulator, proxy: RecordingProxy, monkeypatch: pytest.MonkeyPatch
):
    # slack_sdk's Socket Mode client sends its websocket to HTTPS_PROXY whatever NO_PROXY
    # says; the bot decides by the websocket's own host. (Through a proxy, a wss:// socket
    # is a CONNECT tunnel; the emulator's plain ws:// cannot cross a forward proxy, which
    # drops the Upgrade header, so the proxied case is covered by the rule's unit tests.)
    proxies = use_proxy(monkeypatch, proxy, no_proxy="localhost")
    slack = SlackEmulator()
    await slack.start()
    try:
        slack.url = direct(slack.url)
        async with Sandbox(
            looker=looker,
            slack=slack,
            slack_app_token=Secret(DEFAULT_APP_TOKEN),
            proxies=proxies,
        ) as sandbox:
            await sandbox.slack.wait_for_socket()
            await slack.socket_send(
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
            await sandbox.settle()
            (response,) = slack.responses
            assert "Revenue by Region" in json.dumps(response.body)
    finally:
        await slack.stop()
    assert port_of(slack.url) not in proxy.ports()
    assert "/api/4.0/login" in proxy.paths(port_of(looker.url))  # the proxy was in use


def s3(storage: StorageSettings, endpoint: str, proxies: Proxies) -> S3ImageStore:
    assert storage.s3_bucket is not None
    return S3ImageStore(
        bucket=storage.s3_bucket,
        region=storage.s3_region,
        access_key_id=storage.aws_access_key_id,
        secret_access_key=storage.aws_secret_access_key,
        endpoint_url=endpoint,
        proxies=proxies,
    )


@pytest.mark.parametrize("store", ["s3", "azure", "gcs"])
@pytest.mark.parametrize("route", ["proxied", "direct"])
async def test_image_stores_through_the_proxy_or_direct(
    image_storage: StorageSettings,
    proxy: RecordingProxy,
    monkeypatch: pytest.MonkeyPatch,
    store: str,
    route: str,
):
    storage = image_storage
    kind = store
    # Proxied: only in the settings, so a store that reads the environment misses it.
    proxies = use_proxy(monkeypatch, proxy, no_proxy="localhost", environment=route == "direct")
    address = direct if route == "direct" else (lambda url: url)
    image_store: ImageStore
    if kind == "s3":
        assert storage.aws_endpoint_url is not None
        endpoint = address(storage.aws_endpoint_url)
        image_store = s3(storage, endpoint, proxies)
    elif kind == "azure":
        assert storage.azure_connection_string is not None
        assert storage.azure_container is not None
        connection_string = address(storage.azure_connection_string.reveal())
        endpoint = connection_string.split("BlobEndpoint=", 1)[1].split(";", 1)[0]
        image_store = AzureBlobImageStore(
            container=storage.azure_container,
            connection_string=Secret(connection_string),
            proxies=proxies,
        )
    else:
        assert storage.storage_emulator_host is not None
        assert storage.gcs_bucket is not None
        endpoint = address(storage.storage_emulator_host)
        image_store = GcsImageStore(
            bucket=storage.gcs_bucket,
            project=storage.gcs_project,
            emulator_host=endpoint,
            proxies=proxies,
        )
    try:
        detail = await image_store.check()  # writes, downloads as Slack would, deletes
    finally:
        await image_store.aclose()
    assert "deleted it" in detail
    methods = {f.method for f in proxy.forwarded() if f.port == port_of(endpoint)}
    if route == "proxied":
        assert {"PUT", "GET", "DELETE"} <= methods or {"POST", "GET", "DELETE"} <= methods
    else:
        assert proxy.forwarded() == []


async def test_action_hub_services_and_result_downloads_through_the_proxy(
    looker: LookerEmulator, proxy: RecordingProxy, monkeypatch: pytest.MonkeyPatch
):
    async with BrazeEmulator() as braze, RudderStackEmulator() as rudder:
        proxies = use_proxy(monkeypatch, proxy, no_proxy="localhost")
        options = ActionHubOptions(
            retry=FAST_RETRY, loopback=LoopbackAllowance(s.url for s in (braze, rudder))
        )
        async with Sandbox(
            looker=looker,
            lookers=(looker.instance_settings(),),
            lookerbot_auth_token=Secret(TOKEN),
            public_url="https://bot.example.com",
            deps=Deps(action_hub=options),
            proxies=proxies,
        ) as sandbox:
            # Braze from Looker's one-time download URL (a call to Looker); RudderStack
            # from rows sent inline.
            url = sandbox.looker.serve_download(
                lambda: [json.dumps(json_detail(USER_FIELDS, users(3))).encode()]
            )
            payload = braze_payload(braze, scheduled_plan={"download_url": url})
            status, body = await post(sandbox, "/actions/braze/execute", payload)
            assert (status, body["looker"]["success"]) == (200, True), body
            payload = rudder_payload(rudder, attachment=inline(users(2)))
            status, body = await post(sandbox, "/actions/rudderstack_identify/execute", payload)
            assert (status, body["looker"]["success"]) == (200, True), body
        assert len(braze.batches) == 1 and rudder.batches
        assert "/users/track" in proxy.paths(port_of(braze.url))
        assert proxy.paths(port_of(rudder.url))
        assert any(p.startswith("/downloads") for p in proxy.paths(port_of(url)))


async def test_the_language_model_through_the_proxy(
    looker: LookerEmulator, proxy: RecordingProxy, monkeypatch: pytest.MonkeyPatch
):
    async with LlmEmulator(api_key="sk-test") as llm:
        proxies = use_proxy(monkeypatch, proxy, no_proxy="localhost")
        llm.answer = json.dumps(
            {
                "explore": "thelook/orders",
                "fields": ["products.category", "orders.net_revenue"],
                "filters": {},
                "sorts": [],
                "limit": 3,
            }
        )
        settings = AskLlmSettings(
            url=f"{llm.url}/chat/completions", model="m", api_key=Secret("sk-test"), timeout=5
        )
        async with Sandbox(
            looker=looker, ask_explores=("thelook/orders",), ask_llm=settings, proxies=proxies
        ) as sandbox:
            await sandbox.driver.dm("ask which categories made the most money lately")
            await sandbox.settle()
        assert len(llm.requests) == 1
        assert proxy.paths(port_of(llm.url)) == ["/v1/chat/completions"]
