"""``lookerbot check``: prove the configuration works, one line per check."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from lookerbot.errors import ImageStoreError, LookerApiError
from lookerbot.images.factory import build_image_store
from lookerbot.images.store import ImageStore
from lookerbot.looker.instances import LookerInstance, build_registry
from lookerbot.manifest import BOT_SCOPES
from lookerbot.settings import Settings
from lookerbot.slack.poster import WebApiSlackPoster


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check."""

    ok: bool
    name: str
    detail: str

    def line(self) -> str:
        """One line for the terminal."""
        return f"{'ok  ' if self.ok else 'FAIL'} {self.name}: {self.detail}"


def _plain(mrkdwn: str) -> str:
    return html.unescape(mrkdwn)


async def run_checks(settings: Settings, emit: Callable[[CheckResult], None]) -> bool:
    """Run every check, reporting each as it finishes; True when all pass."""
    results: list[CheckResult] = []

    def report(result: CheckResult) -> None:
        results.append(result)
        emit(result)

    mode = "Socket Mode" if settings.socket_mode else "HTTP"
    report(
        CheckResult(
            True,
            "settings",
            f"valid; Slack over {mode}; {len(settings.lookers)} Looker instance(s)",
        )
    )
    for note in settings.notes:
        report(CheckResult(True, "settings", f"note: {note}"))

    lookers = build_registry(settings)
    try:
        looker_checks = [_check_looker(i) for i in lookers] + [
            _check_run_as(i) for i in lookers if i.settings.run_as_user
        ]
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            client = AsyncWebClient(
                token=settings.slack_bot_token.reveal(),
                base_url=settings.slack_api_url,
                session=session,
            )
            client.proxy = settings.proxies.for_url(settings.slack_api_url)  # see poster.py
            slack_checks = [_check_slack(client)]
            if settings.slack_app_token is not None:
                slack_checks.append(_check_app_token(client, settings.slack_app_token.reveal()))
            explore_checks = [
                _check_explore(i, key) for i in lookers for key in i.settings.ask_explores
            ]
            poster = WebApiSlackPoster(
                client=client,
                session=session,
                trusted_hosts=frozenset({urlsplit(settings.slack_api_url).hostname or ""}),
                proxies=settings.proxies,
            )
            store_check = _check_image_store(settings, poster)
            for result in await asyncio.gather(
                *looker_checks, *explore_checks, *slack_checks, store_check
            ):
                report(result)
    finally:
        await lookers.aclose()
    return all(r.ok for r in results)


async def _check_looker(instance: LookerInstance) -> CheckResult:
    name = f"Looker {instance.url}"
    try:
        user = await instance.client.me()
    except LookerApiError as exc:
        return CheckResult(False, name, _plain(exc.reason))
    return CheckResult(True, name, f"logged in as {user.display_name} (API 4.0)")


async def _check_run_as(instance: LookerInstance) -> CheckResult:
    """Acting as people needs Looker's sudo login: try it with one enabled user."""
    name = f"Looker {instance.url} run as user"
    try:
        me = await instance.client.me()
        others = [u for u in await instance.client.some_users(5) if u.id != me.id]
        if not others:
            return CheckResult(False, name, "no other enabled Looker user to try acting as")
        target = others[0]
        await instance.client.as_user(target.id).me()
    except LookerApiError as exc:
        return CheckResult(False, name, _plain(exc.reason))
    return CheckResult(True, name, f"can act as Looker users (tried {target.display_name})")


async def _check_slack(client: AsyncWebClient) -> CheckResult:
    try:
        response = await client.auth_test()
    except SlackApiError as exc:
        return CheckResult(False, "Slack", f"auth.test failed: {exc.response.get('error')}")
    except (aiohttp.ClientError, TimeoutError) as exc:
        return CheckResult(
            False, "Slack", f"could not reach {client.base_url} ({type(exc).__name__})"
        )
    granted = {
        s.strip() for s in str(response.headers.get("x-oauth-scopes", "")).split(",") if s.strip()
    }
    who = f"workspace {response.get('team')} as @{response.get('user')}"
    missing = [s for s in BOT_SCOPES if s not in granted]
    if granted and missing:
        return CheckResult(
            False,
            "Slack",
            f"connected to {who}, but the token lacks scopes: {', '.join(missing)} "
            "(add them under OAuth & Permissions and reinstall the app)",
        )
    return CheckResult(True, "Slack", f"connected to {who}")


async def _check_app_token(client: AsyncWebClient, app_token: str) -> CheckResult:
    try:
        await client.apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        return CheckResult(
            False, "Slack Socket Mode", f"app token refused: {exc.response.get('error')}"
        )
    except (aiohttp.ClientError, TimeoutError) as exc:
        return CheckResult(False, "Slack Socket Mode", f"unreachable ({type(exc).__name__})")
    return CheckResult(True, "Slack Socket Mode", "app token accepted")


async def _check_explore(instance: LookerInstance, key: str) -> CheckResult:
    name = f"ask {key} on {instance.url}"
    model, _, explore_name = key.partition("/")
    try:
        explore = await instance.client.explore(model, explore_name)
    except LookerApiError as exc:
        return CheckResult(False, name, _plain(exc.reason))
    visible = [f for f in explore.fields if not f.hidden]
    measures = sum(1 for f in visible if f.is_measure)
    return CheckResult(
        True, name, f"{len(visible) - measures} dimensions and {measures} measures to answer from"
    )


async def _check_image_store(settings: Settings, poster: WebApiSlackPoster) -> CheckResult:
    name = f"image store {settings.storage.image_store}"
    try:
        store: ImageStore = build_image_store(settings, poster=poster)
    except ImageStoreError as exc:
        return CheckResult(False, name, exc.reason)
    try:
        return CheckResult(True, name, await store.check())
    except ImageStoreError as exc:
        return CheckResult(False, name, exc.reason)
    finally:
        await store.aclose()
