"""Slack request verification: signatures, replay window, legacy tokens."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from lookerbot.settings import Secret
from lookerbot.slack.verify import SlackRequestVerifier, sign

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
NOW = 1_700_000_000
BODY = b'{"type":"event_callback"}'


def verifier(**kwargs) -> SlackRequestVerifier:
    kwargs.setdefault("signing_secret", Secret(SECRET))
    return SlackRequestVerifier(clock=lambda: NOW, **kwargs)


def headers(ts: str | int = NOW, body: bytes = BODY, secret: str = SECRET) -> dict[str, str]:
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": sign(secret, str(ts), body)}


def test_a_correct_signature_passes():
    assert verifier().verify(BODY, headers())


def test_known_slack_example_signature():
    # The example from Slack's documentation on verifying requests.
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
        b"G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook"
        b"-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397"
        b"700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d"
        b"10d2c447fce8b6703c"
    )
    v = SlackRequestVerifier(signing_secret=Secret(SECRET), clock=lambda: 1531420618)
    assert v.verify(
        body,
        {
            "X-Slack-Request-Timestamp": "1531420618",
            "X-Slack-Signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
        },
    )


@pytest.mark.parametrize(
    "hdrs",
    [
        {},
        {"X-Slack-Request-Timestamp": str(NOW)},
        {"X-Slack-Signature": sign(SECRET, str(NOW), BODY)},
        headers(ts=NOW - 301),
        headers(ts=NOW + 301),
        {**headers(), "X-Slack-Request-Timestamp": "12a"},
        {**headers(), "X-Slack-Request-Timestamp": "1.5"},
        {**headers(), "X-Slack-Request-Timestamp": ""},
        {**headers(), "X-Slack-Signature": "v1=" + sign(SECRET, str(NOW), BODY)[3:]},
        {**headers(), "X-Slack-Signature": "v0=é"},
        headers(secret="wrong"),
    ],
)
def test_bad_or_stale_requests_fail(hdrs):
    assert not verifier().verify(BODY, hdrs)


def test_a_changed_byte_fails():
    assert not verifier().verify(BODY.replace(b"event", b"evant"), headers())


def test_within_the_window_passes():
    assert verifier().verify(BODY, headers(ts=NOW - 299))
    assert verifier().verify(BODY, headers(ts=NOW + 299))


def test_legacy_token_in_json_form_and_payload():
    v = SlackRequestVerifier(signing_secret=None, verification_token=Secret("legacy"))
    assert v.verify(json.dumps({"token": "legacy"}).encode(), {})
    assert v.verify(urlencode({"token": "legacy", "text": "help"}).encode(), {})
    assert v.verify(urlencode({"payload": json.dumps({"token": "legacy"})}).encode(), {})
    assert not v.verify(json.dumps({"token": "other"}).encode(), {})
    assert not v.verify(b"\xff\xfe", {})
    assert not v.verify(b"{not json", {})


def test_nothing_configured_accepts_nothing():
    assert not SlackRequestVerifier(signing_secret=None).verify(BODY, headers())
