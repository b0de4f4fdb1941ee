"""Deployers' own Bolt listeners: ``LOOKERBOT_PLUGINS`` modules, each with ``register(app)``.

A plugin module is any importable Python module (on ``PYTHONPATH`` or installed) with a
function ``register(app)`` that receives the bot's Bolt ``AsyncApp`` before the server
starts, and may add listeners (``@app.event("reaction_added")``, ``@app.command``,
``@app.action``), middleware and error handlers, the Bolt way. ``register`` may be a
coroutine function. Listeners reach Slack through ``client`` (the bot's own
``AsyncWebClient``, with its retries)::

    def register(app):
        @app.event("reaction_added")
        async def thanks(event, client):
            await client.chat_postMessage(channel=event["item"]["channel"], text="Thanks!")

Bolt runs the first listener that matches a request. The bot's own listeners for mentions,
direct messages, shared links, its buttons and its forms come before the plugins', so a
plugin cannot take those over; the plugins' come before the bot's catch-alls (every other
slash command, every other event), so a plugin's ``/weather`` or ``reaction_added`` is
its own.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Sequence

from slack_bolt.async_app import AsyncApp

from lookerbot.errors import PluginError

logger = logging.getLogger(__name__)


async def register_plugins(app: AsyncApp, modules: Sequence[str]) -> None:
    """Import each module and call its ``register(app)``, in order.

    Raises:
        PluginError: a module could not be imported, has no ``register``, or its
            ``register`` raised; the message names the module.
    """
    for name in modules:
        try:
            module = importlib.import_module(name)
        except Exception as exc:
            raise PluginError(
                f"LOOKERBOT_PLUGINS: could not import {name} ({type(exc).__name__}: {exc})"
            ) from exc
        register = getattr(module, "register", None)
        if not callable(register):
            raise PluginError(f"LOOKERBOT_PLUGINS: {name} has no register(app) function")
        try:
            result = register(app)
            if inspect.isawaitable(result):
                await result
        except Exception as exc:
            raise PluginError(
                f"LOOKERBOT_PLUGINS: {name}.register(app) failed ({type(exc).__name__}: {exc})"
            ) from exc
        logger.info("Plugin %s registered its Bolt listeners", name)
