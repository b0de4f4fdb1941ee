"""GET /metrics is behind a bearer token, and its labels never carry data (issue 15)."""

from __future__ import annotations

import secrets

import pytest

from lookerbot.observability import path_template
from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.settings import Secret

TOKEN = "metrics-token-1234"


async def get_metrics(sandbox: Sandbox, authorization: str | None) -> tuple[int, str, dict]:
    headers = {"Authorization": authorization} if authorization is not None else {}
    async with sandbox.session.get(sandbox.bot_url + "/metrics", headers=headers) as response:
        return response.status, await response.text(), dict(response.headers)


async def test_metrics_are_off_without_a_token(looker: LookerEmulator):
    async with Sandbox(looker=looker) as sandbox:
        status, body, _ = await get_metrics(sandbox, None)
        assert status == 404
        assert "LOOKERBOT_METRICS_TOKEN" in body
        assert "lookerbot_http_requests_total" not in body


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer \udcff"],
)
async def test_metrics_refuse_a_missing_or_wrong_token(looker: LookerEmulator, authorization):
    async with Sandbox(looker=looker, metrics_token=Secret(TOKEN)) as sandbox:
        try:
            status, body, headers = await get_metrics(sandbox, authorization)
        except (UnicodeEncodeError, ValueError):
            pytest.skip("the client cannot send this header")  # aiohttp refuses to encode it
        assert status == 401
        assert headers["WWW-Authenticate"].startswith("Bearer")
        assert "lookerbot_" not in body


def series(metrics: str) -> set[str]:
    return {line.rsplit(" ", 1)[0] for line in metrics.splitlines() if not line.startswith("#")}


async def test_a_thousand_distinct_pasted_links_add_no_series(looker: LookerEmulator):
    async with Sandbox(looker=looker, metrics_token=Secret(TOKEN)) as sandbox:

        def links(n: int) -> list[str]:
            base = sandbox.looker.url
            out = []
            for _ in range(n):
                tag = secrets.token_hex(6)
                out += [
                    f"{base}/x/{tag}",  # a share slug
                    f"{base}/dashboards/thelook::{tag}",  # a LookML dashboard id
                    f"{base}/looks/{int(tag, 16) % 10**9}",
                    f"{base}/dashboards/{tag}@example.com",
                    f"{base}/explore/thelook/orders?qid={tag}",
                ]
            return out

        async def paste(n_events: int) -> None:
            for _ in range(n_events):
                await sandbox.driver.link_shared(links(1))
            await sandbox.settle()

        await paste(4)  # every kind of call once
        await get_metrics(sandbox, f"Bearer {TOKEN}")  # /metrics' own series
        _, before, _ = await get_metrics(sandbox, f"Bearer {TOKEN}")
        await paste(200)  # 1,000 more distinct links
        status, after, _ = await get_metrics(sandbox, f"Bearer {TOKEN}")
    assert status == 200
    assert len(sandbox.looker.requests_to("/queries/slug/")) >= 400  # they were looked up
    assert series(after) == series(before)
    assert "@example.com" not in after and "thelook::" not in after


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/users/credential/email/alice@example.com", "/users/credential/email/{id}"),
        ("/queries/slug/aBcD3fG", "/queries/slug/{id}"),
        ("/dashboards/thelook::sales_overview", "/dashboards/{id}"),
        ("/queries/12/run/json_detail", "/queries/{id}/run/json_detail"),
        ("/render_tasks/looks/7/png", "/render_tasks/looks/{id}/png"),
        (
            "/models/thelook/views/orders/fields/orders.region/suggestions",
            "/models/{id}/views/{id}/fields/{id}/suggestions",
        ),
        ("/looks/search?title=secret%20plan", "/looks/search"),
        ("/login/42", "/login/{id}"),
    ],
)
def test_looker_paths_become_templates(path, template):
    assert path_template(path) == template
