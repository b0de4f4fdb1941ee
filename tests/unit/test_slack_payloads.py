"""Slack requests are classified before Bolt sees them: a shape Slack does not send is
refused, so Bolt never reads a field of the wrong type."""

from __future__ import annotations

import json

import pytest

from lookerbot.slack.payloads import SlackPayload, classify


def body(data: object) -> bytes:
    return json.dumps(data).encode()


@pytest.mark.parametrize("event", [None, [], "x", 1])
@pytest.mark.parametrize("kind", ["url_verification", "app_rate_limited", "event_callback"])
def test_an_event_that_is_no_object_is_refused(kind, event):
    # Bolt's self-event check reads body["event"]["bot_id"] of every JSON body (found by
    # tests/integration/test_fuzz.py: a url_verification with "event": null answered 500).
    assert classify(body({"type": kind, "challenge": "c", "event": event})) is None


def test_slacks_own_shapes_pass():
    assert classify(body({"type": "url_verification", "challenge": "c", "token": "t"})) == (
        SlackPayload("url_verification")
    )
    assert classify(body({"type": "app_rate_limited", "team_id": "T1"})) == SlackPayload(
        "rate_limited"
    )
    event = {"type": "app_mention", "text": "help"}
    assert classify(
        body({"type": "event_callback", "event_id": "Ev1", "team_id": "T1", "event": event})
    ) == SlackPayload("event", "Ev1", event)
