"""AskCatalog against the Looker emulator: Explores and values cached, refreshed, looked up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest

from lookerbot.ask.catalog import AskCatalog
from lookerbot.ask.parser import parse
from lookerbot.ask.spec import NotUnderstood, QuerySpec
from lookerbot.errors import LookerApiError
from lookerbot.looker.instances import LookerInstance
from lookerbot.looker.sdk_client import SdkLookerClient
from lookerbot.sandbox.looker_emulator import LookerEmulator
from tests.helpers import Clock

TODAY = date(2026, 9, 30)


@pytest.fixture
async def instance(looker: LookerEmulator) -> AsyncIterator[LookerInstance]:
    settings = looker.instance_settings(ask_explores=("thelook/orders",))
    client = SdkLookerClient(instance=settings, timeout=10)
    yield LookerInstance(settings=settings, client=client)
    await client.aclose()


def explore_reads(looker: LookerEmulator) -> int:
    return len(looker.requests_to("^/lookml_models/"))


async def test_explores_are_cached_until_their_time_is_up(looker, instance):
    clock = Clock()
    catalog = AskCatalog(ttl=600, clock=clock)
    (first,), failed = await catalog.load([instance])
    assert failed == [] and first.key == "thelook/orders"
    assert "orders.total_revenue" in first.question.index.fields
    await catalog.load([instance])
    assert explore_reads(looker) == 1
    clock.now += 601
    await catalog.load([instance])
    assert explore_reads(looker) == 2


async def test_a_failed_refresh_keeps_the_explore_read_before(looker, instance):
    clock = Clock()
    catalog = AskCatalog(ttl=600, clock=clock)
    await catalog.load([instance])
    clock.now += 601
    looker.fail("^/lookml_models/", status=503, times=None)
    (stale,), failed = await catalog.load([instance])
    assert failed == [] and stale.key == "thelook/orders"
    # Looker is not asked again on every question while it is down, only after a while.
    reads = explore_reads(looker)
    await catalog.load([instance])
    assert explore_reads(looker) == reads
    clock.now += 61
    await catalog.load([instance])
    assert explore_reads(looker) > reads
    catalog.forget()
    loaded, failed = await catalog.load([instance])
    assert loaded == [] and [key for key, _ in failed] == ["thelook/orders"]
    assert isinstance(failed[0][1], LookerApiError) and failed[0][1].status == 503


async def test_an_unknown_explore_is_reported_not_raised(looker, instance):
    settings = looker.instance_settings(ask_explores=("thelook/nope", "thelook/orders"))
    other = LookerInstance(settings=settings, client=instance.client)
    loaded, failed = await AskCatalog().load([other])
    assert [e.key for e in loaded] == ["thelook/orders"]
    assert [(key, error.status) for key, error in failed] == [("thelook/nope", 404)]


async def test_values_of_large_fields_are_looked_up_with_the_words_nothing_matched(
    looker, instance
):
    looker.suggestion_limit = 5  # Looker lists only some customers at first
    catalog = AskCatalog()
    (explore,), _ = await catalog.load([instance])
    question = "orders for Guido van Rossum"
    result = parse(question, [explore.question], today=TODAY)
    assert isinstance(result, NotUnderstood) and "Guido" in result.unknown
    before = len(looker.requests_to("/suggestions$"))
    richer = await catalog.with_terms(explore, result.unknown)
    terms = {r.query.get("term") for r in looker.requests_to("/suggestions$")[before:]}
    assert {"guido", "van", "rossum"} <= terms
    found = parse(question, [richer.question], today=TODAY)
    assert isinstance(found, QuerySpec)
    assert found.filters == {"customers.name": "Guido van Rossum"}
    again = len(looker.requests_to("/suggestions$"))
    await catalog.with_terms(explore, result.unknown)
    assert len(looker.requests_to("/suggestions$")) == again  # looked up once
