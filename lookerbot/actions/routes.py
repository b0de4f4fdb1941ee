"""``POST /actions/<name>/form`` and ``POST /actions/<name>/execute``: the actions' routes.

Like every Looker-facing route: authentication first (401, nothing read or sent), then
validation (400 with ``validation_errors`` naming each bad param, form value, tag or
payload part; nothing sent), then the run. Responses have the Action API's shape,
``{"looker": {"success", "message", "validation_errors"}}``; a run that the service failed
in part answers 502 with what was sent and which batches failed.

A run still going after ``keepalive_after`` seconds is answered with 200 at once and a
newline every ``keepalive_every`` seconds (JSON allows leading whitespace), then the JSON:
proxies drop connections that stay silent for long, and a 100,000-row run can take minutes.
Its outcome is then carried only by ``looker.success``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from lookerbot import messages
from lookerbot.actions.base import ActionOutcome, ActionRequest
from lookerbot.actions.endpoints import check_download_url
from lookerbot.actions.registry import ActionHubOptions, ActionRegistry
from lookerbot.actions.results import open_result
from lookerbot.bodies import ACTION_HUB_MAX_BODY, LOOKER_MAX_BODY, BodyError, read_body
from lookerbot.delivery.auth import LookerRequestAuth
from lookerbot.errors import ActionError, ActionInputError
from lookerbot.logs import new_error_id
from lookerbot.looker.instances import LookerRegistry

logger = logging.getLogger(__name__)

MAX_BODY = ACTION_HUB_MAX_BODY
"""An execute request's body at most (a result sent inline rather than by URL)."""


@dataclass
class ActionHubRoutes:
    """The dependencies of the action routes."""

    lookers: LookerRegistry
    auth: LookerRequestAuth
    actions: ActionRegistry
    session: aiohttp.ClientSession
    options: ActionHubOptions

    async def form(self, request: web.Request) -> web.Response:
        """``POST /actions/<name>/form``: the action's form fields."""
        if not self.auth.hub_authorized(request.headers):
            return _unauthorized()
        action = self.actions.get(request.match_info["name"])
        if action is None:
            return self._unknown(request.match_info["name"])
        await read_body(request, limit=LOOKER_MAX_BODY)
        return web.json_response([f.as_json() for f in action.form()])

    async def execute(self, request: web.Request) -> web.StreamResponse:
        """``POST /actions/<name>/execute``: send the query result to the service."""
        if not self.auth.hub_authorized(request.headers):
            return _unauthorized()
        name = request.match_info["name"]
        action = self.actions.get(name)
        if action is None:
            return self._unknown(name)
        try:
            action_request = ActionRequest.from_payload(await _json_body(request))
            sending = action.prepare(action_request)
            download_url = (
                check_download_url(action_request.download_url, self.lookers)
                if action_request.download_url
                else None
            )
            result = await open_result(
                download_url=download_url,
                attachment=action_request.attachment,
                session=self.session,
                proxies=self.options.proxies,
                timeout=aiohttp.ClientTimeout(
                    total=None, sock_connect=30, sock_read=self.options.download_read_timeout
                ),
            )
        except ActionError as exc:
            return _refused(name, exc)
        try:
            try:
                sending.check(result.header)
            except ActionInputError as exc:
                return _refused(name, exc)
            return await self._answer(request, name, sending.send(result.rows()))
        finally:
            await result.aclose()

    def _unknown(self, name: str) -> web.Response:
        outcome = ActionOutcome(
            False, messages.unknown_action(name, self.actions.names), status=404
        )
        return web.json_response(outcome.as_json(), status=outcome.status)

    async def _answer(
        self,
        request: web.Request,
        name: str,
        run: Awaitable[ActionOutcome],
    ) -> web.StreamResponse:
        task = asyncio.ensure_future(run)
        try:
            done, _ = await asyncio.wait({task}, timeout=self.options.keepalive_after)
            if done:
                outcome = task.result()
                _log(name, outcome)
                return web.json_response(outcome.as_json(), status=outcome.status)
            response = web.StreamResponse(
                status=200, headers={"Content-Type": "application/json; charset=utf-8"}
            )
            await response.prepare(request)
            # Looker may hang up meanwhile; the run still finishes and is logged.
            connected = await _write(response, b"\n")
            while not task.done():
                done, _ = await asyncio.wait({task}, timeout=self.options.keepalive_every)
                if not done and connected:
                    connected = await _write(response, b"\n")
            try:
                outcome = task.result()
            except Exception:
                error_id = new_error_id()
                logger.exception("action %s failed; error_id=%s", name, error_id)
                outcome = ActionOutcome(False, messages.action_crashed(error_id), status=500)
            _log(name, outcome)
            if not connected or not await _write(response, json.dumps(outcome.as_json()).encode()):
                logger.warning("action %s: Looker hung up before the answer", name)
                return response
            with contextlib.suppress(ConnectionError, RuntimeError):
                await response.write_eof()
            return response
        finally:
            if not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)


async def _write(response: web.StreamResponse, data: bytes) -> bool:
    """Write ``data``; ``False`` if the client has gone."""
    try:
        await response.write(data)
    except (ConnectionError, RuntimeError):
        return False
    return True


async def _json_body(request: web.Request) -> Any:
    """The request's JSON body, read once and not kept by aiohttp (it may be large)."""
    try:
        body = await read_body(request, limit=MAX_BODY)
    except BodyError as exc:
        if exc.status != 413:
            raise
        raise ActionInputError({"body": messages.action_body_too_large(MAX_BODY)}) from None
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise ActionInputError({"body": messages.INVALID_JSON}) from None


def _refused(name: str, exc: ActionError) -> web.Response:
    errors = exc.errors if isinstance(exc, ActionInputError) else {}
    outcome = ActionOutcome(False, exc.reason, status=exc.status, validation_errors=errors)
    _log(name, outcome)
    return web.json_response(outcome.as_json(), status=outcome.status)


def _log(name: str, outcome: ActionOutcome) -> None:
    logger.info(
        "action %s status=%d success=%s: %s", name, outcome.status, outcome.success, outcome.message
    )


def _unauthorized() -> web.Response:
    return web.json_response(
        {
            "looker": {
                "success": False,
                "message": messages.INVALID_AUTHORIZATION,
                "validation_errors": {},
            },
            "reason": messages.INVALID_AUTHORIZATION,
        },
        status=401,
    )
