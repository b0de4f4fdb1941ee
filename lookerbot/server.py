"""``lookerbot serve``: run the bot until SIGTERM or SIGINT, then stop gracefully."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal

from aiohttp import web

from lookerbot import __version__
from lookerbot.app import app_runner, create_app
from lookerbot.settings import Settings

logger = logging.getLogger(__name__)


async def serve(settings: Settings) -> None:
    """Serve until a stop signal; then stop accepting, finish in-flight work, and return.

    In-flight work gets ``settings.shutdown_timeout`` seconds, in line with the grace period
    platforms such as Heroku and Kubernetes allow before they kill the process.
    """
    for note in settings.notes:
        logger.warning("%s", note)
    app = create_app(settings)
    runner = app_runner(app, settings)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    # What start-up built (modules, settings, clients: ~100,000 objects) lives as long as the
    # process: move it out of the collector's sight, so that a full collection looks at the
    # work of the moment only (benchmarks.ack measured 46-61 ms stalls without this).
    gc.collect()
    gc.freeze()
    mode = "Socket Mode" if settings.socket_mode else "HTTP (Events API)"
    logger.info(
        "Lookerbot %s listening on %s:%d; Slack over %s; %d Looker instance(s)",
        __version__,
        settings.host,
        settings.port,
        mode,
        len(settings.lookers),
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
        logger.info("Stopping: no new requests; finishing work in flight")
    finally:
        await runner.cleanup()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    logger.info("Stopped")
