"""Subscriptions: Looker scheduled plans that deliver an answer to this bot.

A subscription is an ordinary Looker scheduled plan of the answer's dashboard, with the
answer's filters, rendered by Looker (``wysiwyg_png``) and delivered to this bot: through
the bot's Action Hub "Slack" action when Looker has the bot connected as an Action Hub
(the form's ``channel`` and ``by``), else through its webhook route
(``<LOOKERBOT_PUBLIC_URL>/slack/post/channel/<id>`` or ``/dm/<user>``, with ``?by=U123``).
``by`` names the Slack person who subscribed. Nothing is kept on the bot: listing asks
Looker, and who may change a plan is decided from what Looker says:

- on an instance that acts as its users (run-as), the plan is created, changed and deleted
  in the person's own Looker session, so Looker owns it as them, runs it with their data,
  and lets only its owner or a Looker admin change it;
- otherwise the plan belongs to the bot's API user, and only the Slack person named in its
  address may change it.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from lookerbot import messages
from lookerbot.answers.blocks import Listed
from lookerbot.answers.refs import AnswerRef
from lookerbot.delivery.channels import is_person_id
from lookerbot.errors import CommandError, LookerApiError
from lookerbot.looker.instances import LookerInstance, LookerRegistry
from lookerbot.looker.models import Look, PlanDestination, Schedule
from lookerbot.looker.run_as import RunAsUser
from lookerbot.settings import Settings

logger = logging.getLogger(__name__)

ROUTE = "/slack/post/"
HUB_ACTION = "post"
"""The name of the bot's Slack action on its Action Hub (see ``delivery/routes.py``)."""
HUB_TYPE = "looker-integration"
HUB_TTL = 300.0


@dataclass(frozen=True)
class Choice:
    """What the person chose in the subscription modal."""

    frequency: str
    day: str
    time: str
    timezone: str
    to_dm: bool

    def crontab(self) -> str:
        hour, _, minute = self.time.partition(":")
        at = f"{int(minute)} {int(hour)}"
        return {
            "daily": f"{at} * * *",
            "weekdays": f"{at} * * 1-5",
            "weekly": f"{at} * * {self.day}",
            "monthly": f"{at} 1 * *",
        }[self.frequency]


@dataclass(frozen=True)
class Destination:
    """Where a plan's webhook posts, read back from its address."""

    kind: str
    target: str
    by: str | None


class Subscriptions:
    """Creates, lists and changes the scheduled plans that deliver to this bot.

    Args:
        settings: the bot's settings (its public URL; whether webhooks are on).
        lookers: the instances as the bot's API user sees them.
        run_as: the instances as each person sees them.
    """

    def __init__(self, *, settings: Settings, lookers: LookerRegistry, run_as: RunAsUser) -> None:
        self._settings = settings
        self._lookers = lookers
        self._run_as = run_as
        self._hubs: dict[str, tuple[float, str | None]] = {}

    @property
    def available(self) -> bool:
        """Whether a plan can reach the bot: it has a public URL, and the webhook route is on
        or the Action Hub can be (``LOOKERBOT_AUTH_TOKEN``)."""
        settings = self._settings
        return bool(settings.public_url and (settings.webhooks or settings.lookerbot_auth_token))

    async def hub(self, looker: LookerInstance) -> str | None:
        """The integration id of the bot's Slack action on ``looker``, when Looker has this
        bot connected as an Action Hub (asked as the API user; kept a few minutes)."""
        if self._settings.lookerbot_auth_token is None or not self._settings.public_url:
            return None
        cached = self._hubs.get(looker.url)
        if cached is not None and time.monotonic() - cached[0] < HUB_TTL:
            return cached[1]
        base = self._settings.public_url.rstrip("/")
        try:
            hubs = await looker.client.integration_hubs()
        except (CommandError, LookerApiError) as exc:
            logger.info("Could not list the Action Hubs of %s: %s", looker.url, exc)
            return None
        found = next((f"{i}::{HUB_ACTION}" for i, url in hubs if url.rstrip("/") == base), None)
        self._hubs[looker.url] = (time.monotonic(), found)
        return found

    def address(self, *, channel: str, user: str, to_dm: bool) -> str:
        """The webhook address for a plan posting to ``channel`` (or a DM to ``user``)."""
        base = (self._settings.public_url or "").rstrip("/")
        kind, target = ("dm", user) if to_dm else ("channel", channel)
        return f"{base}{ROUTE}{kind}/{quote(target, safe='')}?{urlencode({'by': user})}"

    def destination(self, address: str) -> Destination | None:
        """Where ``address`` posts, if it is this bot's webhook route."""
        base = (self._settings.public_url or "").rstrip("/")
        if not base or not address.startswith(base + ROUTE):
            return None
        parts = urlsplit(address)
        kind, _, target = parts.path[len(urlsplit(base).path) + len(ROUTE) :].partition("/")
        if kind not in ("channel", "group", "dm") or not target:
            return None
        by = parse_qs(parts.query).get("by", [None])[0]
        return Destination(kind, target, by)

    def run_as(self, looker: LookerInstance) -> bool:
        return looker.settings.run_as_user is not None

    async def create(
        self, ref: AnswerRef, choice: Choice, *, user: str, channel: str
    ) -> tuple[Schedule, LookerInstance]:
        """Create the plan, in the person's own Looker session under run-as."""
        if not self.available:
            raise CommandError(messages.SUBSCRIPTIONS_OFF)
        looker = await self._instance(ref.looker, user)
        hub = await self.hub(self._base(ref.looker))
        # A dashboard is sent as Looker renders it; a saved answer (a Look) as its data.
        destination: dict[str, str] = {
            "format": "wysiwyg_png" if ref.kind == "command" else "json_detail"
        }
        if hub is not None:
            target = user if choice.to_dm else channel
            destination.update(
                type=HUB_TYPE,
                address=hub,
                parameters=json.dumps({"channel": target, "by": user}),
            )
        elif self._settings.webhooks:
            destination.update(
                type="webhook",
                address=self.address(channel=channel, user=user, to_dm=choice.to_dm),
            )
        else:
            raise CommandError(messages.SUBSCRIPTIONS_NEED_HUB)
        body: dict[str, Any] = {
            "name": ref.title[:200] or "Slack subscription",
            "crontab": choice.crontab(),
            "timezone": choice.timezone,
            "enabled": True,
            "scheduled_plan_destination": [destination],
        }
        if ref.kind == "command":
            body["dashboard_id"] = ref.target
            filters = {k: v for k, v in ref.filters.items() if v}
            if filters:
                body["filters_string"] = "?" + urlencode(filters)
        else:
            # A Look is scheduled as it is; an ``ask`` answer is saved as one first.
            look_id = ref.target if ref.kind == "look" else (await self._save_look(looker, ref)).id
            # Looker requires these three for a Look's plan: send it every time.
            body.update(
                look_id=look_id,
                require_results=False,
                require_no_results=False,
                require_change=False,
            )
        plan = await looker.client.create_scheduled_plan(body)
        logger.info("Subscription %s created on %s for %s", plan.id, looker.url, user)
        return plan, looker

    async def _save_look(self, looker: LookerInstance, ref: AnswerRef) -> Look:
        """An ``ask`` answer saved as a Look in its owner's personal folder (a plan needs a
        Look or dashboard to name what it sends)."""
        me = await looker.client.me()
        if not me.personal_folder_id:
            raise CommandError(messages.no_personal_folder(me.display_name))
        look = await looker.client.create_look(
            {
                "title": ref.title[:100] or "Slack answer",
                "query_id": ref.target,
                "folder_id": me.personal_folder_id,
                "description": messages.SAVED_FOR_SUBSCRIPTION,
            }
        )
        logger.info("Answer saved as Look %s on %s for a subscription", look.id, looker.url)
        return look

    async def listing(self, *, user: str, channel: str | None) -> list[Listed]:
        """The plans delivering to this bot that post in ``channel``, or are ``user``'s own
        (they subscribed, they own it in Looker, or it goes to their DM)."""
        people = await self._run_as.registry_for(user)
        found: list[Listed] = []
        for looker in self._lookers:
            own_id = None
            if self.run_as(looker):
                try:
                    own_id = (await people.same(looker).client.me()).id
                except (CommandError, LookerApiError):
                    own_id = None
            try:
                plans = await looker.client.scheduled_plans(all_users=True)
            except LookerApiError as exc:
                logger.warning("Could not list scheduled plans of %s: %s", looker.url, exc.reason)
                continue
            hub = await self.hub(looker)
            for plan in plans:
                where = self._ours(plan, hub)
                if where is None:
                    continue
                mine = where.by == user or (where.kind == "dm" and where.target == user)
                mine = mine or (own_id is not None and plan.user_id == own_id)
                here = channel is not None and where.kind != "dm" and where.target == channel
                if mine or here:
                    found.append(Listed(looker.url, plan, _where_text(where)))
        return found

    async def change(self, looker_url: str, plan_id: str, action: str, *, user: str) -> str:
        """Pause, resume, send now or delete a plan, if ``user`` may; what was done, in words.

        Raises:
            CommandError: the plan is not this bot's, not theirs, or Looker refused.
        """
        looker = await self._instance(looker_url, user)
        run_as = self.run_as(looker)
        try:
            # Under run-as, only the owner or an admin may even see it (Looker's rule).
            plan = await looker.client.scheduled_plan(plan_id)
        except LookerApiError as exc:
            if exc.status in (403, 404):
                raise CommandError(
                    messages.subscription_not_yours("that subscription", run_as)
                ) from exc
            raise
        where = self._ours(plan, await self.hub(self._base(looker_url)))
        if where is None:
            raise CommandError(messages.SUBSCRIPTION_NOT_OURS)
        if not run_as and where.by != user:
            raise CommandError(messages.subscription_not_yours(plan.title, run_as))
        try:
            if action in ("pause", "resume"):
                await looker.client.update_scheduled_plan(plan_id, {"enabled": action == "resume"})
            elif action == "send":
                await looker.client.run_scheduled_plan_once(plan_id)
            elif action == "delete":
                await looker.client.delete_scheduled_plan(plan_id)
        except LookerApiError as exc:
            if exc.status in (403, 404):
                raise CommandError(messages.subscription_not_yours(plan.title, run_as)) from exc
            raise
        logger.info("Subscription %s on %s: %s by %s", plan_id, looker.url, action, user)
        return messages.subscription_changed(action, plan.title)

    def _base(self, looker_url: str) -> LookerInstance:
        """The instance as the bot's API user sees it."""
        base = self._lookers.for_url(looker_url)
        if base is None:
            raise CommandError(messages.UNKNOWN_LOOKER_IN_BUTTON)
        return base

    async def _instance(self, looker_url: str, user: str) -> LookerInstance:
        """The instance, as ``user`` sees it (their own session under run-as)."""
        base = self._base(looker_url)
        people = await self._run_as.registry_for(user)
        return people.same(base)

    def _ours(self, plan: Schedule, hub: str | None) -> Destination | None:
        """Where the plan posts through this bot, if it does."""
        for sent in plan.destinations:
            found = self._through_us(sent, hub)
            if found is not None:
                return found
        return None

    def _through_us(self, sent: PlanDestination, hub: str | None) -> Destination | None:
        if sent.type == "webhook":
            return self.destination(sent.address)
        if sent.type == HUB_TYPE and hub is not None and sent.address == hub:
            target = sent.parameters.get("channel", "")
            if not target:
                return None
            kind = "dm" if is_person_id(target) else "channel"
            return Destination(kind, target, sent.parameters.get("by"))
        return None


def _where_text(where: Destination) -> str:
    if where.kind == "dm":
        return f"a DM to <@{where.target}>"
    return f"<#{where.target}>"
