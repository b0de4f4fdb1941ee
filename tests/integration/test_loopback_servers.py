"""Stopping an emulator (or a sandbox's bot) closes every connection it accepted, including
one accepted just as it stopped: a socket left open is found by the garbage collector in
whatever test runs later, and fails that test."""

from __future__ import annotations

import asyncio
import gc
import socket
import warnings
from collections.abc import Awaitable, Callable

import pytest

from lookerbot.sandbox.braze_emulator import BrazeEmulator
from lookerbot.sandbox.demo import Sandbox
from lookerbot.sandbox.llm_emulator import LlmEmulator
from lookerbot.sandbox.looker_emulator import LookerEmulator
from lookerbot.sandbox.slack_emulator import SlackEmulator


def unclosed_sockets() -> list[str]:
    """The unclosed sockets and transports the garbage collector finds now."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    return [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]


def port_of(url: str) -> int:
    return int(url.split(":")[2].split("/")[0])


async def connect_as_it_stops(url: str, stop: Callable[[], Awaitable[None]]) -> socket.socket:
    """Connect, let the server accept, then stop it before the accepted connection has
    reached its handler (the loop makes the handler two iterations after accepting)."""
    client = socket.create_connection(("127.0.0.1", port_of(url)))
    await asyncio.sleep(0)  # the listener becomes readable
    await asyncio.sleep(0)  # accepted; the connection's handler is made in the next iteration
    await stop()
    return client


@pytest.mark.parametrize(
    "make", [LookerEmulator, SlackEmulator, BrazeEmulator, LlmEmulator], ids=lambda m: m.__name__
)
async def test_a_connection_accepted_as_an_emulator_stops_is_closed(make):
    assert unclosed_sockets() == []
    emulator = await make().start()
    client = await connect_as_it_stops(emulator.url, emulator.stop)
    try:
        client.settimeout(5)
        assert client.recv(1) == b""  # the server closed it
    except ConnectionResetError:
        pass  # or reset it: closed either way
    finally:
        client.close()
    assert unclosed_sockets() == []


async def test_a_connection_accepted_as_the_sandbox_stops_is_closed(looker: LookerEmulator):
    sandbox = await Sandbox(looker=looker).start()
    client = await connect_as_it_stops(sandbox.bot_url, sandbox.stop)
    client.close()
    assert unclosed_sockets() == []


async def test_a_request_in_flight_is_answered_before_the_emulator_stops(looker: LookerEmulator):
    """aiohttp's graceful stop still applies: a request it is handling gets its answer."""
    looker.fail("/versions", status=503, delay=0.3)
    reader, writer = await asyncio.open_connection("127.0.0.1", port_of(looker.url))
    writer.write(b"GET /api/4.0/versions HTTP/1.1\r\nHost: looker\r\n\r\n")
    await writer.drain()
    await asyncio.sleep(0.05)  # the request is being handled
    await looker.stop()
    assert (await reader.readline()).startswith(b"HTTP/1.1 503")
    writer.close()
    await writer.wait_closed()
