"""Subscriptions: Looker scheduled plans that deliver an answer to this bot.

A subscription is an ordinary Looker scheduled plan of the answer's dashboard, with the
answer's filters, whose one destination is this bot's webhook route
(``<LOOKERBOT_PUBLIC_URL>/slack/post/channel/<id>`` or ``/dm/<user>``). The route's query
string names the Slack person who subscribed (``?by=U123``). Nothing is kept on the bot:
listing asks Looker, and who may change a plan is decided from what Looker says:

- on an instance that acts as its users (run-as), the plan is created, changed and deleted
  in the person's own Looker session, so Looker owns it as them, runs it with their data,
  and lets only its owner or a Looker admin change it;
- otherwise the plan belongs to the bot's API user, and only the Slack person named in its
  address may change it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from lookerbot import messages
from lookerbot.answers.blocks import Listed
from lookerbot.answers.refs import AnswerRef
from lookerbot.errors import CommandError, LookerApiError
from lookerbot.looker.instances import LookerInstance, LookerRegistry
from lookerbot.looker.models import Schedule
from lookerbot.looker.run_as import RunAsUser
from lookerbot.settings import Settings

logger = logging.getLogger(__name__)

ROUTE = "/slack/post/"


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

    @property
    def available(self) -> bool:
        """Whether a plan can reach the bot: the webhook route is on and has a public URL."""
        return bool(self._settings.webhooks and self._settings.public_url)

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
        if ref.kind != "command":
            raise CommandError(messages.SUBSCRIBE_ONLY_DASHBOARDS)
        if not self.available:
            raise CommandError(messages.SUBSCRIPTIONS_OFF)
        looker = await self._instance(ref.looker, user)
        filters = {k: v for k, v in ref.filters.items() if v}
        body = {
            "name": ref.title[:200] or "Slack subscription",
            "dashboard_id": ref.target,
            "crontab": choice.crontab(),
            "timezone": choice.timezone,
            "enabled": True,
            "scheduled_plan_destination": [
                {
                    "type": "webhook",
                    "format": "wysiwyg_png",
                    "address": self.address(channel=channel, user=user, to_dm=choice.to_dm),
                }
            ],
        }
        if filters:
            body["filters_string"] = "?" + urlencode(filters)
        plan = await looker.client.create_scheduled_plan(body)
        logger.info("Subscription %s created on %s for %s", plan.id, looker.url, user)
        return plan, looker

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
            for plan in plans:
                where = self._ours(plan)
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
        where = self._ours(plan)
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

    async def _instance(self, looker_url: str, user: str) -> LookerInstance:
        """The instance, as ``user`` sees it (their own session under run-as)."""
        base = self._lookers.for_url(looker_url)
        if base is None:
            raise CommandError(messages.UNKNOWN_LOOKER_IN_BUTTON)
        people = await self._run_as.registry_for(user)
        return people.same(base)

    def _ours(self, plan: Schedule) -> Destination | None:
        for address in plan.addresses:
            found = self.destination(address)
            if found is not None:
                return found
        return None


def _where_text(where: Destination) -> str:
    if where.kind == "dm":
        return f"a DM to <@{where.target}>"
    return f"<#{where.target}>"
