"""Which URLs the Braze and RudderStack actions may call."""

from __future__ import annotations

import pytest

from lookerbot.actions.endpoints import (
    LoopbackAllowance,
    braze_endpoint,
    check_download_url,
    rudderstack_data_plane,
)
from lookerbot.actions.resolver import PrivateAddressRefused, PublicOnlyResolver, trusted_hosts
from lookerbot.errors import ActionInputError
from lookerbot.looker.instances import LookerInstance
from lookerbot.settings import LookerInstanceSettings, Secret


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://rest.iad-01.braze.com", "https://rest.iad-01.braze.com"),
        ("  https://rest.fra-02.braze.eu/ ", "https://rest.fra-02.braze.eu"),
        ("https://REST.AU-01.BRAZE.COM:443", "https://rest.au-01.braze.com"),
    ],
)
def test_braze_rest_endpoints(value, expected):
    assert braze_endpoint(value, None) == expected


@pytest.mark.parametrize(
    "value",
    [
        "http://rest.iad-01.braze.com",
        "https://rest.iad-01.braze.com/users/track",
        "https://rest.iad-01.braze.com:8443",
        "https://user:pw@rest.iad-01.braze.com",
        "https://rest.iad-01.braze.com?x=1",
        "https://rest.iad-01.braze.com.evil.example",
        "https://evilbraze.com",
        "https://sdk.iad-01.braze.com",
        "https://rest..braze.com",
        "https://169.254.169.254",
        "http://127.0.0.1:8080",
        "rest.iad-01.braze.com",
        "",
        None,
        42,
    ],
)
def test_anything_else_is_not_a_braze_endpoint(value):
    with pytest.raises(ActionInputError) as error:
        braze_endpoint(value, None)
    assert set(error.value.errors) == {"braze_api_endpoint"}


def test_the_loopback_allowance_is_exact_and_loopback_only():
    allowance = LoopbackAllowance(["http://127.0.0.1:4567"])
    assert braze_endpoint("http://127.0.0.1:4567/", allowance) == "http://127.0.0.1:4567"
    with pytest.raises(ActionInputError):
        braze_endpoint("http://127.0.0.1:4568", allowance)  # another port
    with pytest.raises(ActionInputError):
        rudderstack_data_plane("http://localhost:4567", allowance)  # another origin
    for origin in ("https://rest.iad-01.braze.com", "http://10.0.0.1:80", "http://127.0.0.1"):
        with pytest.raises(ValueError, match="loopback"):
            LoopbackAllowance([origin])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://hosted.rudderlabs.com", "https://hosted.rudderlabs.com"),
        ("https://hosted.rudderlabs.com/v1/batch", "https://hosted.rudderlabs.com"),
        ("https://example.com/rudder/v1/batch/", "https://example.com/rudder"),
        (
            "https://acme.dataplane.rudderstack.com:8443/",
            "https://acme.dataplane.rudderstack.com:8443",
        ),
    ],
)
def test_rudderstack_data_planes(value, expected):
    assert rudderstack_data_plane(value, None) == expected


@pytest.mark.parametrize(
    "value",
    [
        "http://hosted.rudderlabs.com",
        "https://127.0.0.1",
        "https://[::1]:8080",
        "https://10.0.0.8",
        "https://192.168.1.1",
        "https://169.254.169.254/latest",
        "https://localhost",
        "https://api.localhost",
        # Every spelling of a private address the system's resolver accepts:
        "https://0x7f.0.0.1",
        "https://0177.0.0.1",
        "https://127.1",
        "https://2130706433",
        "https://0x7f000001",
        "https://10.1",
        "https://localhost.",
        "https://LOCALHOST",
        "https://Api.LocalHost.",
        "https://[::ffff:127.0.0.1]",
        "https://[::ffff:a9fe:a9fe]",
        "https://169.254.169.254.",
        "https://0.0.0.0",
        "https://[fd00::1]",
        "https://u:p@hosted.rudderlabs.com",
        "https://hosted.rudderlabs.com#x",
        "ftp://hosted.rudderlabs.com",
        "",
    ],
)
def test_rudderstack_refuses_other_urls(value):
    with pytest.raises(ActionInputError) as error:
        rudderstack_data_plane(value, None)
    assert set(error.value.errors) == {"rudder_server_url"}


def test_a_private_data_plane_needs_to_be_named_in_the_settings():
    with pytest.raises(ActionInputError):
        rudderstack_data_plane("https://10.0.0.8/v1/batch", None)
    named = frozenset({"10.0.0.8", "rudder.internal"})
    assert rudderstack_data_plane("https://10.0.0.8/v1/batch", None, named) == "https://10.0.0.8"
    assert rudderstack_data_plane("https://Rudder.Internal.", None, named).startswith("https://")
    with pytest.raises(ActionInputError):
        rudderstack_data_plane("https://10.0.0.9", None, named)


async def test_the_actions_resolver_refuses_names_that_resolve_to_private_addresses():
    resolver = PublicOnlyResolver(trusted_hosts("https://looker.internal:19999", names=["rudder"]))
    try:
        with pytest.raises(PrivateAddressRefused, match="resolves to a private address"):
            await resolver.resolve("localhost", 443)
    finally:
        await resolver.close()
    trusting = PublicOnlyResolver(trusted_hosts(names=["LOCALHOST."]))
    try:
        (answer, *_) = await trusting.resolve("localhost", 443)
        assert answer["host"] == "127.0.0.1"
    finally:
        await trusting.close()


def looker(url: str, api: str) -> LookerInstance:
    settings = LookerInstanceSettings(
        url=url, api_base_url=api, client_id="id", client_secret=Secret("s")
    )
    return LookerInstance(settings=settings, client=None)  # type: ignore[arg-type]


def test_results_are_downloaded_only_from_a_configured_looker():
    lookers = [looker("https://acme.looker.com", "https://acme.looker.com:19999")]
    for url in ("https://acme.looker.com/downloads/x", "https://ACME.looker.com:19999/api/y"):
        assert check_download_url(url, lookers) == url
    for url in (
        "http://acme.looker.com/downloads/x",  # not the configured scheme
        "https://acme.looker.com:22/downloads/x",  # not a configured port
        "https://acme.looker.com:19998/api/y",
        "https://evil.example.com/downloads/x",
        "https://user:pw@acme.looker.com/x",
        "file:///etc/passwd",
        "not a url",
    ):
        with pytest.raises(ActionInputError) as error:
            check_download_url(url, lookers)
        assert set(error.value.errors) == {"scheduled_plan.download_url"}
        assert url not in error.value.reason
