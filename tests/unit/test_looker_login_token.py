"""Reading Looker's login answers costs the same on the 10,000th login as on the first.

looker-sdk's own ``deserialize`` registers a cattrs hook on every call, so a process that
logs in through it slows down for its whole life (docs/looker-sdk-deserialize-bug.md); the
bot reads its login answers itself."""

from __future__ import annotations

import json
import tracemalloc

import pytest
from looker_sdk.rtl import serialize

from lookerbot.looker.sdk_client import read_login_token

ANSWER = json.dumps(
    {"access_token": "tok-123", "token_type": "Bearer", "expires_in": 3600}
).encode()


def test_ten_thousand_logins_worth_of_answers_keep_memory_flat():
    for _ in range(100):  # warm up whatever is cached once
        read_login_token(data=ANSWER)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for _ in range(10_000):
            token = read_login_token(data=ANSWER)
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after - before < 64 * 1024, f"grew by {after - before} bytes"
    assert (token.access_token, token.token_type, token.expires_in) == ("tok-123", "Bearer", 3600)


@pytest.mark.parametrize("bad", [b"not json", b"[]", b"{}", b'{"access_token": 5}'])
def test_a_login_answer_without_a_token_is_the_sdks_deserialize_error(bad: bytes):
    with pytest.raises(serialize.DeserializeError):
        read_login_token(data=bad)
