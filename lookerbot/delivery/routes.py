"""HTTP routes Looker calls: scheduled webhooks, data actions and the Action Hub.

Every route authenticates first (401 and nothing done when that fails), then validates
(400 with a reason for bad JSON, missing fields or wrong types), then acts and reports the
outcome in Lookerbot's ``{"success": ..., "reason": ...}`` shape, or the Action API's
``{"looker": {"success": ..., "message": ...}}`` on Action Hub routes.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from lookerbot import messages
from lookerbot.actions.registry import ActionRegistry, describe
from lookerbot.bodies import ACTION_HUB_MAX_BODY, LOOKER_MAX_BODY, read_body
from lookerbot.delivery.auth import LookerRequestAuth
from lookerbot.delivery.channels import (
    ChannelDirectory,
    DeliveryError,
    DestinationKind,
    is_person_id,
)
from lookerbot.delivery.scheduled import Deliveries, PayloadError, ScheduledPlan
from lookerbot.formatting.message import Message
from lookerbot.formatting.results import ResultLink, format_result
from lookerbot.formatting.slack_text import escape
from lookerbot.looker.instances import LookerRegistry
from lookerbot.looker.models import Query, QueryResult
from lookerbot.settings import Settings
from lookerbot.slack.poster import SlackPostError

logger = logging.getLogger(__name__)

_SLACK_ICON = (
    "data:image/svg+xml;base64,"
    + base64.b64encode(
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        b'<rect width="64" height="64" rx="14" fill="#64518a"/>'
        b'<path d="M22 14v36M42 14v36M14 26h36M14 42h36" stroke="#fff" stroke-width="6" '
        b'stroke-linecap="round"/></svg>'
    ).decode()
)


_KINDS: dict[str, DestinationKind] = {"channel": "channel", "group": "group", "dm": "dm"}


@dataclass
class DeliveryRoutes:
    """The dependencies of the Looker-facing routes."""

    settings: Settings
    lookers: LookerRegistry
    auth: LookerRequestAuth
    deliveries: Deliveries
    channels: ChannelDirectory
    actions: ActionRegistry = field(default_factory=lambda: ActionRegistry([]))
    """The Action Hub's other actions (Braze, RudderStack), listed after "Slack"."""

    # -- scheduled webhooks (Lookerbot's shape) ------------------------------------------

    async def scheduled_webhook(self, request: web.Request) -> web.Response:
        """``POST /slack/post/{channel,group,dm}/<name>``: deliver a scheduled plan."""
        if not self.settings.webhooks:
            return _failure(messages.WEBHOOKS_OFF, 403)
        kind = _KINDS.get(request.match_info["kind"])
        name = request.match_info["name"]
        # Authenticated before the body is read: a token of any configured Looker, or the
        # bot's own; once the body names the plan's Looker, the token must be that one's.
        if not self.auth.authorized(request.headers, about=self.lookers):
            return _unauthorized()
        data, json_error = await _json_body(request)
        plan_url = _plan_url(data)
        looker = self.lookers.for_url(plan_url) if plan_url else None
        if not self.auth.authorized(request.headers, about=[looker] if looker else []):
            return _unauthorized()
        if kind is None:
            return _failure(messages.UNKNOWN_DESTINATION_TYPE, 404)
        if json_error:
            return _failure(json_error, 400)
        if not name.strip():
            return _failure(messages.CHANNEL_NOT_SPECIFIED, 400)
        try:
            plan = ScheduledPlan.from_payload(data)
            self.deliveries.check_plan(plan)
        except PayloadError as exc:
            return _failure(exc.reason, 400)
        if looker is None:
            return _failure(messages.UNKNOWN_LOOKER, 400)
        # A subscription made in Slack (its address says who made it) is posted as Looker
        # rendered or ran it for the plan's owner; any other plan is run again, as Lookerbot
        # did.
        by = request.query.get("by")
        if by and _attached_json(data):
            return await self._post_attached(data, name)
        image = _attached_png(data) if by else None
        outcome = await self.deliveries.deliver_plan(plan, looker, kind, name, image=image)
        return web.json_response(
            {"success": outcome.success, "reason": outcome.reason}, status=outcome.status
        )

    # -- the Action Hub (the Action API's shape) -----------------------------------------

    async def action_list(self, request: web.Request) -> web.Response:
        """``POST /``: the actions this bot offers Looker's Action Hub."""
        if not self.auth.hub_authorized(request.headers):
            return _unauthorized()
        await read_body(request, limit=LOOKER_MAX_BODY)
        base = self.settings.public_url
        if not base:
            return _looker_failure(messages.PUBLIC_URL_MISSING, 503)
        label = "[DEVELOPMENT] Lookerbot" if self.settings.unsafe_local_dev else "Lookerbot"
        return web.json_response(
            {
                "label": label,
                "integrations": [
                    {
                        "name": "post",
                        "label": "Slack",
                        "description": "Send data to Slack. The data will be posted as the "
                        "Lookerbot user.",
                        "form_url": f"{base}/data_actions/form",
                        "url": f"{base}/slack/post_from_query_action",
                        "icon_data_uri": _SLACK_ICON,
                        "supported_action_types": ["query", "dashboard"],
                        "supported_formats": ["json_detail", "wysiwyg_png"],
                        "supported_formattings": ["formatted"],
                        "supported_visualization_formattings": ["noapply"],
                        "params": [],
                        "required_fields": [],
                    },
                    *(describe(action, base) for action in self.actions),
                ],
            }
        )

    async def data_action_form(self, request: web.Request) -> web.Response:
        """``POST /data_actions/form``: choose a channel or person to post to (the form of
        LookML data actions, with the webhook token, and of the Action Hub's Slack action)."""
        if not (
            self.auth.hub_authorized(request.headers)
            or (
                self.settings.webhooks and self.auth.authorized(request.headers, about=self.lookers)
            )
        ):
            return _unauthorized()
        await read_body(request, limit=LOOKER_MAX_BODY)
        try:
            channels = await self.channels.channels()
            people = await self.channels.people()
        except SlackPostError as exc:
            return _looker_failure(messages.slack_refused("Slack", exc.error), 502)
        options = [
            {"name": c.id, "label": f"#{c.name}"}
            for c in sorted(channels, key=lambda c: c.name)
            if c.is_member or not c.is_private
        ] + [{"name": p.id, "label": p.label} for p in sorted(people, key=lambda p: p.name)]
        return web.json_response(
            [
                {
                    "name": "channel",
                    "label": "Share In",
                    "description": "Public channels, private channels the bot is in, and "
                    "people (a DM from the bot).",
                    "type": "select",
                    "required": True,
                    "options": options,
                }
            ]
        )

    async def data_action(self, request: web.Request) -> web.Response:
        """``POST /data_actions``: post a LookML data action's ``message`` to ``channel``."""
        if not self.settings.webhooks:
            return _looker_failure(messages.WEBHOOKS_OFF, 403)
        if not self.auth.authorized(request.headers, about=self.lookers):
            return _unauthorized()
        data, json_error = await _json_body(request)
        if json_error:
            return _looker_failure(json_error, 400)
        params = _params(data)
        message, channel = params.get("message"), params.get("channel")
        if not isinstance(message, str) or not message.strip():
            return _looker_failure(messages.field_must_be("message", "a string"), 400)
        if not isinstance(channel, str) or not channel.strip():
            return _looker_failure(messages.field_must_be("channel", "a string"), 400)
        return await self._post_for_looker(
            "data_action", channel, Message.of(escape(message)), messages.data_action_sent
        )

    async def post_from_query_action(self, request: web.Request) -> web.Response:
        """``POST /slack/post_from_query_action``: post the attached query result."""
        if not self.auth.hub_authorized(request.headers):
            return _unauthorized()
        data, json_error = await _json_body(request, limit=ACTION_HUB_MAX_BODY)
        if json_error:
            return _looker_failure(json_error, 400)
        channel = _params(data).get("channel")
        if not isinstance(channel, str) or not channel.strip():
            return _looker_failure(messages.CHANNEL_NOT_SPECIFIED, 400)
        if isinstance(data, dict) and data.get("type") == "dashboard":
            return await self._post_dashboard(data, channel.strip())
        try:
            message = self._attached_result(data)
        except PayloadError as exc:
            return _looker_failure(exc.reason, 400)
        return await self._post_for_looker(
            "action_hub", channel, message, lambda label: messages.delivered("the data", label)
        )

    async def _post_dashboard(self, data: dict[str, Any], channel: str) -> web.Response:
        """A dashboard Looker rendered for a schedule (a subscription): posted as it is."""
        image = _attached_png(data)
        if image is None:
            return _looker_failure(messages.field_must_be("attachment", "a wysiwyg_png"), 400)
        try:
            plan = ScheduledPlan.from_payload(data)
        except PayloadError as exc:
            return _looker_failure(exc.reason, 400)
        looker = self.lookers.for_url(plan.url)
        if looker is None:
            return _looker_failure(messages.UNKNOWN_LOOKER, 400)
        kind: DestinationKind = "dm" if is_person_id(channel) else "channel"
        outcome = await self.deliveries.deliver_plan(plan, looker, kind, channel, image=image)
        body = {"looker": {"success": outcome.success, "message": outcome.reason}}
        return web.json_response(body, status=outcome.status)

    async def _post_for_looker(
        self, kind: str, channel: str, message: Message, sent: Callable[[str], str]
    ) -> web.Response:
        """Post ``message`` to ``channel`` (a name) and answer Looker with the outcome."""
        try:
            destination = await self.deliveries.post_message(kind, channel, message)
        except DeliveryError as exc:
            self._count(kind, "failed")
            return _looker_failure(exc.reason, exc.status)
        except SlackPostError as exc:
            self._count(kind, "failed")
            return _looker_failure(messages.slack_refused(channel, exc.error), 502)
        self._count(kind, "posted")
        logger.info("%s to=%s outcome=posted", kind, destination.label)
        return web.json_response({"looker": {"success": True, "message": sent(destination.label)}})

    async def _post_attached(self, data: Any, channel: str) -> web.Response:
        """A saved answer's subscription: the data Looker ran for the plan's owner, posted
        as it is, and the outcome answered as a webhook's."""
        try:
            message = self._attached_result(data)
            destination = await self.deliveries.post_message("webhook", channel, message)
        except PayloadError as exc:
            return _failure(exc.reason, 400)
        except DeliveryError as exc:
            self._count("scheduled", "failed")
            return _failure(exc.reason, exc.status)
        except SlackPostError as exc:
            self._count("scheduled", "failed")
            return _failure(messages.slack_refused(channel, exc.error), 502)
        self._count("scheduled", "posted")
        reason = messages.delivered("the data", destination.label)
        return web.json_response({"success": True, "reason": reason})

    def _count(self, kind: str, outcome: str) -> None:
        self.deliveries.metrics.deliveries.labels(kind, outcome).inc()

    def _attached_result(self, data: Any) -> Message:
        """The query result attached to an Action Hub request, formatted as text."""
        attachment = data.get("attachment")
        if not isinstance(attachment, dict) or not isinstance(attachment.get("data"), str):
            raise PayloadError(messages.field_must_be("attachment.data", "a json_detail string"))
        try:
            result_json = json.loads(attachment["data"])
        except ValueError as exc:
            raise PayloadError(messages.field_must_be("attachment.data", "JSON")) from exc
        raw_plan = data.get("scheduled_plan")
        plan: dict[str, Any] = raw_plan if isinstance(raw_plan, dict) else {}
        query_data = plan.get("query")
        raw_query: dict[str, Any] = query_data if isinstance(query_data, dict) else {}
        query = Query.from_api(raw_query)
        if query.vis_type not in ("single_value", "looker_single_record"):
            # The data, not a chart: a table is the honest way to show it.
            query = Query.from_api(
                {**raw_query, "vis_config": {**query.vis_config, "type": "table"}}
            )
        title = str(plan.get("title") or "Looker data")
        url = plan.get("url")
        source = ResultLink(url, title) if isinstance(url, str) and url.startswith("http") else None
        looker_url = self.lookers.default.url
        if source is not None:
            owner = self.lookers.for_url(source.url)
            looker_url = owner.url if owner else looker_url
        result = QueryResult.from_api(result_json)
        return format_result(query, result, looker_url=looker_url, source=source).message


async def _json_body(
    request: web.Request, *, limit: int = LOOKER_MAX_BODY
) -> tuple[Any, str | None]:
    raw = await read_body(request, limit=limit)
    try:
        return json.loads(raw), None
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than Python's stack
        return None, messages.INVALID_JSON


def _attached_json(data: Any) -> bool:
    """Whether a webhook carries a JSON result (a Look's ``json_detail``)."""
    attachment = data.get("attachment") if isinstance(data, dict) else None
    mimetype = attachment.get("mimetype") if isinstance(attachment, dict) else None
    return isinstance(mimetype, str) and mimetype.startswith("application/json")


def _attached_png(data: Any) -> bytes | None:
    """The PNG a webhook carries (a dashboard's ``wysiwyg_png``), if any."""
    attachment = data.get("attachment") if isinstance(data, dict) else None
    if not isinstance(attachment, dict):
        return None
    mimetype, encoded = attachment.get("mimetype"), attachment.get("data")
    if not isinstance(mimetype, str) or not mimetype.startswith("image/png"):
        return None
    if not isinstance(encoded, str):
        return None
    try:
        png = base64.b64decode(encoded, validate=True)
    except ValueError:
        return None
    return png if png.startswith(b"\x89PNG\r\n\x1a\n") else None


def _plan_url(data: Any) -> str | None:
    plan = data.get("scheduled_plan") if isinstance(data, dict) else None
    url = plan.get("url") if isinstance(plan, dict) else None
    return url if isinstance(url, str) else None


def _params(data: Any) -> dict[str, Any]:
    """An action's parameters: the form's values first, then the LookML params."""
    if not isinstance(data, dict):
        return {}
    merged: dict[str, Any] = {}
    for key in ("data", "form_params"):
        part = data.get(key)
        if isinstance(part, dict):
            merged.update(part)
    return merged


def _failure(reason: str, status: int) -> web.Response:
    return web.json_response({"success": False, "reason": reason}, status=status)


def _looker_failure(reason: str, status: int) -> web.Response:
    return web.json_response(
        {"looker": {"success": False, "message": reason}, "success": False, "reason": reason},
        status=status,
    )


def _unauthorized() -> web.Response:
    return web.json_response(
        {"looker": {"success": False}, "reason": messages.INVALID_AUTHORIZATION}, status=401
    )
