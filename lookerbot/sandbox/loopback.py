"""Serving an aiohttp app on 127.0.0.1 for the sandbox, stopped without leaving a socket open.

With ``web.TCPSite``, asyncio's server accepts a connection in one loop iteration and
makes its transport in a task that runs in a later one. When the server is closed in
between, Python 3.11's transport fails to attach to it (an assertion in
``Server._attach``), and the accepted socket is dropped without being closed. It stays
open after the test's event loop is gone, until the garbage collector finds it in whatever
test runs then: pytest reports the unclosed socket as that test's error, and a client whose
request was in flight on it gets "connection reset". A bot still logging in when its
sandbox stops is such a client, so it happened at random in the suite (about one run in
ten of the Action Hub tests).

So the listening socket is served here with the loop's public parts: a reader accepts each
connection and a tracked task hands it to aiohttp (``connect_accepted_socket``). Stopping
removes the reader, waits for those tasks (every accepted socket then has its transport),
lets aiohttp close its connections, and aborts any it left open.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket

from aiohttp import web

logger = logging.getLogger(__name__)


class LoopbackServer:
    """Serves ``runner`` on 127.0.0.1 until :meth:`stop`, which closes every connection it
    accepted. ``runner`` is set up by :meth:`start` and cleaned up by :meth:`stop`."""

    def __init__(self, runner: web.BaseRunner) -> None:
        self.runner = runner
        self.url = ""
        self._sock: socket.socket | None = None
        self._handing_over: set[asyncio.Task[None]] = set()
        self._open: set[asyncio.Transport] = set()

    @classmethod
    def of(cls, app: web.Application) -> LoopbackServer:
        """An emulator's server: no access log, and a stop within a second (aiohttp waits 60 s
        for requests in flight by default, and a test's stop must not)."""
        return cls(web.AppRunner(app, access_log=None, shutdown_timeout=1.0))

    async def start(self, port: int = 0, *, sock: socket.socket | None = None) -> str:
        """Listen on ``sock`` if given (bound, not yet listening), else on 127.0.0.1:``port``
        (a free port when 0); returns the server's URL."""
        await self.runner.setup()
        if sock is None:
            sock = socket.create_server(("127.0.0.1", port))
        else:
            sock.listen()
        sock.setblocking(False)
        self._sock = sock
        asyncio.get_running_loop().add_reader(sock.fileno(), self._accept)
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        return self.url

    async def stop(self) -> None:
        """Stop listening, let aiohttp close its connections (and run the app's shutdown and
        cleanup), then close any connection it did not."""
        if self._sock is not None:
            asyncio.get_running_loop().remove_reader(self._sock.fileno())
            self._sock.close()
            self._sock = None
        # Every connection accepted so far reaches aiohttp before it shuts down.
        await asyncio.gather(*self._handing_over, return_exceptions=True)
        await self.runner.cleanup()
        for transport in self._open:
            if not transport.is_closing():
                transport.abort()
        self._open.clear()

    def _accept(self) -> None:
        assert self._sock is not None
        while True:
            try:
                conn, _ = self._sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # out of file descriptors, say: try again when readable
                logger.warning("%s: could not accept a connection: %s", self.url, exc)
                return
            conn.setblocking(False)
            task = asyncio.get_running_loop().create_task(self._hand_over(conn))
            self._handing_over.add(task)
            task.add_done_callback(self._handing_over.discard)

    async def _hand_over(self, conn: socket.socket) -> None:
        server = self.runner.server
        if server is None:  # cleaned up already
            conn.close()
            return
        try:
            transport, _ = await asyncio.get_running_loop().connect_accepted_socket(server, conn)
        except BaseException:
            with contextlib.suppress(OSError):
                conn.close()
            raise
        self._open = {t for t in self._open if not t.is_closing()}
        self._open.add(transport)
