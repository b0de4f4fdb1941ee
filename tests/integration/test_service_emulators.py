"""The Braze and RudderStack emulators enforce the rules the actions must respect."""

from __future__ import annotations

import base64
import io
import json

import aiohttp
import pytest

from lookerbot.sandbox.braze_emulator import DEFAULT_API_KEY, BrazeEmulator
from lookerbot.sandbox.json_detail import field, json_detail, json_detail_parts
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.rudderstack_emulator import DEFAULT_WRITE_KEY, RudderStackEmulator

BRAZE_AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
RUDDER_AUTH = {
    "Authorization": "Basic " + base64.b64encode(f"{DEFAULT_WRITE_KEY}:".encode()).decode()
}


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as client:
        yield client


async def send(session, url: str, body, headers) -> tuple[int, str]:
    async with session.post(url, json=body, headers=headers) as response:
        return response.status, await response.text()


def attributes(count: int) -> dict:
    return {"attributes": [{"external_id": f"u{i}"} for i in range(count)]}


async def test_braze_checks_the_key_the_batch_size_and_the_ids(session):
    async with BrazeEmulator() as braze:
        url = braze.url + "/users/track"
        assert (await send(session, url, attributes(75), BRAZE_AUTH))[0] == 201
        status, text = await send(session, url, attributes(1), {"Authorization": "Bearer x"})
        assert status == 401 and "Invalid API key" in text
        assert (await send(session, url, attributes(76), BRAZE_AUTH))[0] == 400
        bad = {"attributes": [{"external_id": "a", "braze_id": "b"}]}
        assert (await send(session, url, bad, BRAZE_AUTH))[0] == 400
        assert [b.status for b in braze.batches] == [201, 401, 400, 400]
        assert braze.accepted_count() == 75 and braze.records()[0] == {"external_id": "u0"}


async def test_a_batch_fails_as_often_as_told(session):
    async with BrazeEmulator(keep_records=False) as braze:
        url = braze.url + "/users/track"
        braze.fail_batch("u3", status=503, times=2)
        statuses = [(await send(session, url, attributes(5), BRAZE_AUTH))[0] for _ in range(3)]
        assert statuses == [503, 503, 201]
        assert (await send(session, url, attributes(2), BRAZE_AUTH))[0] == 201  # no u3
        assert braze.records() == []  # summaries only
        assert [(b.count, b.first_id, b.last_id) for b in braze.accepted] == [
            (5, "u0", "u4"),
            (2, "u0", "u1"),
        ]


async def test_rudderstack_checks_the_write_key_and_the_calls(session):
    async with RudderStackEmulator() as rudder:
        url = rudder.url + "/v1/batch"
        call = {
            "type": "track",
            "event": "Signed Up",
            "userId": "u1",
            "messageId": "m1",
            "timestamp": "2026-09-30T08:00:00.000Z",
            "context": {"library": {"name": "test"}},
        }
        assert await send(session, url, {"batch": [call]}, RUDDER_AUTH) == (200, "OK")
        assert await send(session, url, {"batch": [call]}, {}) == (401, "Invalid write key")
        for missing in ("event", "messageId", "context"):
            broken = {k: v for k, v in call.items() if k != missing}
            assert (await send(session, url, {"batch": [broken]}, RUDDER_AUTH))[0] == 400
        huge = json.dumps({"batch": [{**call, "properties": {"x": "y" * (4 * 1024 * 1024)}}]})
        async with session.post(url, data=io.BytesIO(huge.encode()), headers=RUDDER_AUTH) as r:
            assert r.status == 413
        assert rudder.accepted_count() == 1


async def test_looker_download_urls_work_once_and_stream(session):
    fields = [field("users.id", tags=["user_id"])]
    rows = [{"users.id": f"u{i}"} for i in range(1000)]
    async with LookerEmulator() as looker:
        url = looker.serve_download(lambda: json_detail_parts(fields, rows, rows_per_part=100))
        async with session.get(url) as response:
            assert response.status == 200
            body = json.loads(await response.read())
        assert body["data"] == json_detail(fields, rows)["data"]
        assert body["fields"]["dimensions"] == fields
        async with session.get(url) as response:
            assert response.status == 404
