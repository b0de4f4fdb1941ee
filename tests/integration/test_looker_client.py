"""SdkLookerClient against the Looker emulator: logins, re-logins and every failure mode."""

from __future__ import annotations

import asyncio
import time

import pytest

from lookerbot import messages
from lookerbot.errors import LookerApiError
from lookerbot.looker.sdk_client import SdkLookerClient
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.settings import Secret


def client_for(
    looker: LookerEmulator,
    *,
    secret: str | None = None,
    url: str | None = None,
    timeout: float = 10.0,
) -> SdkLookerClient:
    base = url or looker.url
    instance = looker.instance_settings(
        url=base, api_base_url=base, client_secret=Secret(secret or looker.client_secret)
    )
    return SdkLookerClient(instance=instance, timeout=timeout)


@pytest.fixture
async def client(looker: LookerEmulator):
    c = client_for(looker)
    yield c
    await c.aclose()


async def test_me_logs_in_and_sends_credentials_only_to_login(client, looker):
    user = await client.me()
    assert user.display_name == "Lookerbot API"
    login, me = looker.requests
    assert login.path == "/login" and "client_secret" not in (login.body or {})
    assert me.path == "/user" and me.user_id == "1"


async def test_concurrent_first_calls_log_in_once(client, looker):
    await asyncio.gather(*(client.me() for _ in range(32)))
    assert looker.logins == 1


async def test_search_content_uses_lookers_search_and_skips_deleted(client, looker):
    looks = await client.search_content("look", "%revenue%", limit=50)
    assert {lk.title for lk in looks} == {
        "Revenue by Region",
        "Total Revenue",
        "Revenue by Category",
    }
    (request,) = looker.requests_to("/looks/search")
    assert request.query["title"] == "%revenue%" and request.query["deleted"] == "false"
    dashboards = await client.search_content("dashboard", "%sales%", limit=50)
    (sales,) = dashboards
    assert (sales.kind, sales.id, sales.folder.name) == ("dashboard", "1", "Sales")


async def test_a_revoked_token_gets_one_new_login(client, looker):
    await client.me()
    looker.revoke_tokens()
    assert (await client.me()).id == "1"
    assert looker.logins == 2


async def test_persistent_401_is_reported_after_one_retry(client, looker):
    await client.me()
    looker.fail(r"^/user$", status=401, body={"message": "Requires authentication."}, times=None)
    with pytest.raises(LookerApiError) as caught:
        await client.me()
    assert caught.value.status == 401
    assert "couldn't log in" in caught.value.reason
    assert len(looker.requests_to("^/user$")) == 3  # the first call, then one retry


async def test_wrong_credentials(looker):
    bad = client_for(looker, secret="wrong")
    try:
        with pytest.raises(LookerApiError) as caught:
            await bad.me()
    finally:
        await bad.aclose()
    assert caught.value.status == 404
    assert "couldn't log in" in caught.value.reason and "wrong" not in caught.value.reason


async def test_unreachable_looker(looker, refused_url):
    gone = client_for(looker, url=refused_url)
    try:
        with pytest.raises(LookerApiError) as caught:
            await gone.me()
    finally:
        await gone.aclose()
    assert caught.value.status is None
    assert (
        "couldn't reach Looker" in caught.value.reason
        and "connection refused" in caught.value.reason
    )


async def test_a_hung_looker_times_out_with_a_clear_message(looker):
    slow = client_for(looker, timeout=1.0)
    try:
        await slow.me()
        looker.fail(r"/looks/search", status=0, delay=3.0)
        started = time.monotonic()
        with pytest.raises(LookerApiError) as caught:
            await slow.search_content("look", "%x%", limit=5)
        assert time.monotonic() - started < 2.5
    finally:
        await slow.aclose()
    assert "didn't answer within 1 seconds" in caught.value.reason


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, {"message": "Not found"}, "couldn't find that"),
        (403, {"message": "Forbidden"}, "isn't allowed"),
        (429, {"message": "Too many"}, "too many requests"),
        (504, "gateway timeout", "had a problem (HTTP 504)"),
        (
            422,
            {"message": "Validation Failed", "errors": [{"field": "title", "message": "bad"}]},
            "Validation Failed; title: bad",
        ),
    ],
)
async def test_error_statuses_become_plain_messages(client, looker, status, body, expected):
    await client.me()
    looker.fail(r"/looks/search", status=status, body=body)
    with pytest.raises(LookerApiError) as caught:
        await client.search_content("look", "%x%", limit=5)
    assert caught.value.status == status
    assert expected in caught.value.reason


async def test_a_result_that_is_not_json_is_a_clear_error_and_odd_json_says_so(client, looker):
    rows = len((await client.run_query("1")).rows)
    looker.fail(r"/queries/1/run/json_detail", status=200, body="{not json")
    with pytest.raises(LookerApiError) as caught:
        await client.run_query("1")
    assert caught.value.status == 200
    assert caught.value.reason == messages.looker_error(
        looker.url, 200, "its answer was not valid JSON"
    )
    looker.fail(r"/queries/1/run/json_detail", status=200, body="[1, 2]")
    assert (await client.run_query("1")).errors == ("Looker returned an unreadable result.",)
    result = await client.run_query("1")  # read as usual afterwards
    assert len(result.rows) == rows > 0 and not result.errors


async def test_explore_reads_the_fields_with_their_metadata(client, looker):
    explore = await client.explore("thelook", "orders")
    assert (explore.key, explore.label, explore.base_view) == ("thelook/orders", "Orders", "orders")
    revenue = explore.field("orders.total_revenue")
    assert revenue is not None and revenue.is_measure
    assert revenue.tags == ("sales", "revenue", "gmv")
    assert revenue.description.startswith("Sum of order amounts")
    month = explore.field("orders.created_month")
    assert month is not None and month.timeframe == "month"
    assert month.dimension_group == "orders.created" and month.group_label == "Created Date"
    region = explore.field("customers.region")
    assert region is not None and region.suggestable and region.suggest_explore == "orders"
    (request,) = looker.requests_to("/lookml_models/")
    assert request.path == "/lookml_models/thelook/explores/orders"
    assert "fields" in request.query["fields"].split(",")


async def test_an_unknown_explore_is_a_404_for_people(client):
    with pytest.raises(LookerApiError) as raised:
        await client.explore("thelook", "nope")
    assert raised.value.status == 404


async def test_field_suggestions_come_from_the_data_and_narrow_by_term(client, looker):
    regions = await client.field_suggestions("thelook", "orders", "customers.region")
    assert set(regions.values) == {"West", "East", "North", "South"} and not regions.hit_limit
    names = await client.field_suggestions("thelook", "orders", "customers.name", term="hop")
    assert names.values == ("Grace Hopper",)
    looker.suggestion_limit = 2
    capped = await client.field_suggestions("thelook", "orders", "customers.region")
    assert len(capped.values) == 2 and capped.hit_limit
    last = looker.requests_to("/suggestions")[-1]
    assert last.path == "/models/thelook/views/orders/fields/customers.region/suggestions"


async def test_a_user_is_found_by_exact_email_not_as_a_search_pattern(client, looker):
    # In /users/search "_" is a wildcard: j_smith@ would also find jasmith@ and jbsmith@,
    # and those, listed first, could crowd the right person out of a short page.
    for uid, email in (("11", "jasmith@example.com"), ("12", "jbsmith@example.com")):
        looker.state.users[uid] = {**looker.state.users["2"], "id": uid, "email": email}
    looker.state.users["13"] = {
        **looker.state.users["2"],
        "id": "13",
        "email": "j_smith@example.com",
    }
    user = await client.find_user_by_email("J_Smith@example.com")
    assert user is not None and user.id == "13"
    assert await client.find_user_by_email("j_smith@example.org") is None
