"""The Redis client against small RESP servers on loopback that misbehave on purpose."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from lookerbot.redis import RedisClient, RedisError

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def read_command(reader: asyncio.StreamReader) -> list[str]:
    """One RESP array of bulk strings, as clients send commands."""
    count = int((await reader.readuntil(b"\r\n"))[1:-2])
    parts = []
    for _ in range(count):
        length = int((await reader.readuntil(b"\r\n"))[1:-2])
        parts.append((await reader.readexactly(length + 2))[:-2].decode())
    return parts


class Server:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.url = ""

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await self.handler(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Handler], Awaitable[Server]]]:
    servers: list[asyncio.Server] = []

    async def start(handler: Handler) -> Server:
        server = Server(handler)
        listening = await asyncio.start_server(server._accept, "127.0.0.1", 0)
        servers.append(listening)
        port = listening.sockets[0].getsockname()[1]
        server.url = f"redis://:secret@127.0.0.1:{port}/0"
        return server

    yield start
    for listening in servers:
        listening.close()
        await listening.wait_closed()


async def test_a_silent_redis_is_waited_for_once_then_skipped(serve):
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # accepts, never answers

    server = await serve(silent)
    client = RedisClient(server.url, timeout=0.2, pause=30)
    results = await asyncio.gather(
        *(client.set_if_absent(f"k{i}", "1", ttl_seconds=60) for i in range(5)),
        return_exceptions=True,
    )
    assert all(isinstance(r, RedisError) for r in results)
    # One timed-out attempt; the other four failed at once instead of waiting in turn.
    assert server.connections == 1
    assert sum("failed moments ago" in str(r) for r in results) == 4
    await client.aclose()


async def test_a_refused_handshake_does_not_leave_an_unauthenticated_connection(serve):
    loading = [True]

    async def redis_that_was_loading(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        authenticated = False
        while True:
            command = await read_command(reader)
            if command[0] == "AUTH" and loading[0]:
                loading[0] = False
                writer.write(b"-LOADING Redis is loading the dataset in memory\r\n")
            elif command[0] == "AUTH":
                authenticated = True
                writer.write(b"+OK\r\n")
            elif not authenticated:
                writer.write(b"-NOAUTH Authentication required.\r\n")
            else:
                writer.write(b"+OK\r\n")
            await writer.drain()

    server = await serve(redis_that_was_loading)
    client = RedisClient(server.url, timeout=1, pause=0)
    with pytest.raises(RedisError, match="loading the dataset"):
        await client.set_if_absent("k", "1", ttl_seconds=60)
    assert await client.set_if_absent("k", "1", ttl_seconds=60) is True
    assert server.connections == 2
    await client.aclose()
