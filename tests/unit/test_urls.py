"""Which URLs belong to which Looker: same scheme, host and port only."""

from __future__ import annotations

import pytest

from lookerbot.looker.urls import origin_of, same_origin


@pytest.mark.parametrize(
    "url",
    [
        "https://co.looker.com/looks/1",
        "https://CO.looker.com./looks/1",
        "https://co.looker.com:443/dashboards/2",
    ],
)
def test_same_instance(url):
    assert same_origin("https://co.looker.com", url)


@pytest.mark.parametrize(
    "url",
    [
        "https://co.looker.com.evil.net/looks/1",
        "https://evil.net/co.looker.com/looks/1",
        "https://co.looker.com@evil.net/looks/1",
        "https://user@co.looker.com/looks/1",
        "https://co.looker.com:8443/looks/1",
        "http://co.looker.com/looks/1",
        "https://xco.looker.com/looks/1",
        "javascript://co.looker.com/looks/1",
        "https://co.looker.com:99999/looks/1",
        "not a url",
    ],
)
def test_look_alikes_are_not_the_instance(url):
    assert not same_origin("https://co.looker.com", url)


def test_origin_defaults_ports():
    assert origin_of("http://a.example") == origin_of("http://a.example:80")
    assert origin_of("ftp://a.example") is None
