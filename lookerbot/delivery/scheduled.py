"""Scheduled deliveries: Looker's scheduler posts a Look, dashboard or query to Slack.

Looker sends the scheduled plan as webhook JSON; the bot runs what it names (a Look with
the schedule's own query when its filters differ, a dashboard rendered as one image, or a
plain query), posts it, and answers Looker with the outcome, so a failure is reported where
the schedule's owner will see it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from lookerbot import messages
from lookerbot.answers.refs import Answer, AnswerRef
from lookerbot.commands.base import Reply
from lookerbot.content import ContentRunner, shown_as
from lookerbot.delivery.channels import (
    ChannelDirectory,
    DeliveryError,
    Destination,
    DestinationKind,
)
from lookerbot.errors import CommandError, LookerApiError
from lookerbot.formatting.message import Message
from lookerbot.formatting.results import ResultLink
from lookerbot.jobs import Job, Jobs, JobStoreError
from lookerbot.logs import new_error_id
from lookerbot.looker.instances import LookerInstance, LookerRegistry
from lookerbot.looker.models import DashboardFilter
from lookerbot.observability import Metrics
from lookerbot.slack.conversation import ChannelConversation
from lookerbot.slack.poster import SlackPoster, SlackPostError
from lookerbot.tasks import BackgroundTasks

logger = logging.getLogger(__name__)

_LOOK_URL = re.compile(r"/looks/(\d+)")
_DASHBOARD_URL = re.compile(r"/dashboards(?:-next)?/([A-Za-z0-9_:]+)")


POST_GRACE = 3.0
"""Seconds a post under way may take to finish once shutdown has cancelled its delivery
(within the 30 s platforms allow: LOOKERBOT_SHUTDOWN_TIMEOUT's 25 s drain, then this)."""
HISTORY_LOOKBACK = 200
"""Latest messages of a channel searched for a delivery that may have landed."""
DELIVERY_JOB = "delivery"
POST_JOB = "post"
"""A ready message Looker asked the bot to post (a LookML data action, an Action Hub post)."""
"""The job kind of a scheduled delivery."""


class PayloadError(Exception):
    """The webhook JSON is not a usable scheduled plan; ``reason`` says why (HTTP 400)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ScheduledPlan:
    """The parts of Looker's ``scheduled_plan`` the bot uses."""

    type: str
    url: str
    title: str
    query_id: str | None
    plan_id: str | None

    @classmethod
    def from_payload(cls, payload: Any) -> ScheduledPlan:
        """Read the plan from webhook JSON, or raise :class:`PayloadError`."""
        if not isinstance(payload, dict):
            raise PayloadError(messages.NOT_AN_OBJECT)
        plan = payload.get("scheduled_plan")
        if plan is None:
            raise PayloadError(messages.NO_SCHEDULED_PLAN)
        if not isinstance(plan, dict):
            raise PayloadError(messages.field_must_be("scheduled_plan", "an object"))
        kind, url, title = plan.get("type"), plan.get("url"), plan.get("title")
        if not isinstance(kind, str) or not kind:
            raise PayloadError(messages.field_must_be("scheduled_plan.type", "a string"))
        if not isinstance(url, str) or not url:
            raise PayloadError(messages.field_must_be("scheduled_plan.url", "a string"))
        if title is not None and not isinstance(title, str):
            raise PayloadError(messages.field_must_be("scheduled_plan.title", "a string"))
        query_id = plan.get("query_id")
        if query_id is not None and (
            isinstance(query_id, bool) or not isinstance(query_id, int | str)
        ):
            raise PayloadError(messages.field_must_be("scheduled_plan.query_id", "an id"))
        plan_id = plan.get("scheduled_plan_id")
        return cls(
            type=kind,
            url=url,
            title=title or "",
            query_id=None if query_id in (None, "") else str(query_id),
            plan_id=None if plan_id is None else str(plan_id),
        )

    @property
    def look_id(self) -> str | None:
        """The Look in the plan's URL, if any."""
        match = _LOOK_URL.search(urlsplit(self.url).path)
        return match.group(1) if match else None

    @property
    def dashboard_id(self) -> str | None:
        """The dashboard in the plan's URL, if any."""
        match = _DASHBOARD_URL.search(urlsplit(self.url).path)
        return unquote(match.group(1)) if match else None

    @property
    def dashboard_filters(self) -> dict[str, str]:
        """Filter values in the plan's URL (a dashboard URL's query string)."""
        return {k: v for k, v in parse_qsl(urlsplit(self.url).query) if v}

    def describe(self) -> str:
        """What the plan delivers, for answers and logs ("Look 12 with query 34")."""
        if self.type.lower() == "look" and self.look_id:
            return f"Look {self.look_id}" + (
                f" with query {self.query_id}" if self.query_id else ""
            )
        if self.type.lower() == "dashboard" and self.dashboard_id:
            return f"dashboard {self.dashboard_id}"
        return f"query {self.query_id}"


@dataclass(frozen=True)
class Outcome:
    """How a delivery ended; ``status`` is the HTTP status to answer Looker with."""

    success: bool
    reason: str
    status: int


class Deliveries:
    """Runs scheduled plans and posts them, reporting each outcome.

    Args:
        runner: runs Looker content into replies.
        poster: posts to Slack.
        channels: resolves destinations.
        tasks: tracks deliveries, so shutdown drains them.
        wait: seconds Looker's request waits for the outcome; a delivery still running
            then goes on, and its outcome is logged.
        jobs: where accepted deliveries are recorded before Looker is answered, so that
            a restart finishes them (none: in memory only, as in the demo).
    """

    def __init__(
        self,
        *,
        runner: ContentRunner,
        poster: SlackPoster,
        channels: ChannelDirectory,
        tasks: BackgroundTasks,
        wait: float = 25.0,
        metrics: Metrics | None = None,
        jobs: Jobs | None = None,
        decorate: Callable[[Reply], Message] | None = None,
    ) -> None:
        self._decorate = decorate
        """Puts an answer's buttons under a post (see :mod:`lookerbot.answers`)."""
        self._jobs = jobs
        self._runner = runner
        self._poster = poster
        self.channels = channels
        self._tasks = tasks
        self._wait = wait
        self.metrics = metrics or Metrics()

    def check_plan(self, plan: ScheduledPlan) -> None:
        """Refuse a plan that names nothing the bot can run (before doing any work)."""
        kind = plan.type.lower()
        if kind == "look":
            if not (plan.look_id or plan.query_id):
                raise PayloadError(messages.NO_QUERY_OR_LOOK)
        elif kind == "dashboard":
            if not plan.dashboard_id:
                raise PayloadError(messages.plan_type_unsupported(plan.type))
        elif not plan.query_id:
            raise PayloadError(messages.plan_type_unsupported(plan.type))

    async def deliver_plan(
        self,
        plan: ScheduledPlan,
        looker: LookerInstance,
        kind: DestinationKind,
        name: str,
        *,
        image: bytes | None = None,
    ) -> Outcome:
        """Deliver ``plan`` to ``/slack/post/<kind>/<name>``; wait for the outcome a while.

        ``image`` is the plan's own rendering, sent by Looker, posted as it is (a
        subscription's: Looker rendered it as the plan's owner); without it, the plan's
        content is run again as the bot's API user, as Lookerbot did.

        With a job store, the delivery is on disk before anything else happens: if the
        process dies before it is posted, the next start posts it."""
        what = plan.describe()
        job = None
        if self._jobs is not None:
            payload: dict[str, Any] = {
                "plan": dataclasses.asdict(plan),
                "looker": looker.url,
                "kind": kind,
            }
            if image is not None:
                payload["image"] = base64.b64encode(image).decode()
            try:
                job = await self._jobs.add(DELIVERY_JOB, {**payload, "name": name})
            except JobStoreError as exc:
                # Delivering without a record beats refusing: only a crash in the next
                # moments would lose it.
                logger.warning(
                    "Delivering %s without a record (the job store failed: %s)", what, exc
                )
        task = self._tasks.spawn(
            self._run(job, plan, looker, kind, name, image), name=f"delivery:{what}"
        )
        try:
            return await asyncio.wait_for(asyncio.shield(task), self._wait)
        except TimeoutError:
            logger.info("Delivery of %s to %s still running; answering Looker now", what, name)
            return Outcome(True, messages.still_delivering(what, name), 202)

    async def resume(self, lookers: LookerRegistry) -> int:
        """Start again every delivery and post a previous run (or, with Redis, a replica
        gone silent) accepted and did not post; how many."""
        if self._jobs is None:
            return 0
        return await self._resume_deliveries(lookers) + await self._resume_posts()

    async def _unfinished(self, kind: str) -> list[Job]:
        """The store's unfinished jobs of ``kind`` (none, logged, if it cannot say)."""
        assert self._jobs is not None
        try:
            return await self._jobs.unfinished(kind)
        except JobStoreError as exc:
            logger.warning("Could not read unfinished %s jobs: %s", kind, exc)
            return []

    async def _resume_deliveries(self, lookers: LookerRegistry) -> int:
        assert self._jobs is not None
        jobs = await self._unfinished(DELIVERY_JOB)
        for job in jobs:
            try:
                plan = ScheduledPlan(**job.payload["plan"])
                kind, name = job.payload["kind"], str(job.payload["name"])
                looker = lookers.for_url(str(job.payload["looker"]))
                kept = job.payload.get("image")
                image = base64.b64decode(kept) if isinstance(kept, str) else None
            except (KeyError, TypeError, ValueError):
                looker = None
            if looker is None or kind not in ("channel", "group", "dm"):
                logger.warning(
                    "Dropped delivery job %s: its Looker is no longer configured", job.id
                )
                await self._record(
                    self._jobs.ended(job.id, success=False, outcome="Looker not configured")
                )
                continue
            logger.info(
                "Resuming the delivery of %s to %s (accepted before a restart, attempt %d)",
                plan.describe(),
                name,
                job.attempts + 1,
            )
            self.metrics.redeliveries.inc()
            self._tasks.spawn(
                self._run(job, plan, looker, kind, name, image),
                name=f"delivery:{plan.describe()}",
            )
        return len(jobs)

    async def _run(
        self,
        job: Job | None,
        plan: ScheduledPlan,
        looker: LookerInstance,
        kind: DestinationKind,
        name: str,
        image: bytes | None = None,
    ) -> Outcome:
        if job is None or self._jobs is None:
            return await self._deliver(plan, looker, kind, name, image=image)
        outcome = await self._deliver(plan, looker, kind, name, job=job, image=image)
        await self._record(
            self._jobs.ended(job.id, success=outcome.success, outcome=outcome.reason)
        )
        return outcome

    async def _deliver(
        self,
        plan: ScheduledPlan,
        looker: LookerInstance,
        kind: DestinationKind,
        name: str,
        *,
        job: Job | None = None,
        image: bytes | None = None,
    ) -> Outcome:
        what = plan.describe()
        try:
            destination = await self.channels.resolve(kind, name)
            if job is not None and job.attempts > 0 and await self._landed(job, destination):
                await self._record_posted(job)
                logger.info("Delivery of %s had reached Slack before the restart", what)
                return Outcome(True, messages.delivered(what, destination.label), 200)
            if image is not None:
                title = plan.title or what
                reply = await self._runner.image_reply(title, image, ResultLink(plan.url, title))
                reply = dataclasses.replace(reply, answer=_answer(plan, looker, title))
            else:
                reply = await self._reply(plan, looker)
            if self._decorate is not None and reply.answer is not None:
                reply = dataclasses.replace(reply, message=self._decorate(reply))
            await self._post_once(destination, reply, job)
        except DeliveryError as exc:
            outcome = Outcome(False, exc.reason, exc.status)
        except LookerApiError as exc:
            # Content the plan names that Looker cannot find or will not show is the plan's
            # problem (4xx, as Looker said); anything else is Looker failing us (502).
            status = exc.status if exc.status in (403, 404) else 502
            outcome = Outcome(False, _plain(exc.reason), status)
        except CommandError as exc:
            outcome = Outcome(False, _plain(exc.reason), 502)
        except SlackPostError as exc:
            outcome = Outcome(False, messages.slack_refused(name, exc.error), 502)
        except Exception:
            error_id = new_error_id()
            logger.exception("Delivery of %s failed; error_id=%s", what, error_id)
            outcome = Outcome(False, f"{messages.INTERNAL_ERROR} (error id {error_id})", 500)
        else:
            outcome = Outcome(True, messages.delivered(what, destination.label), 200)
        self.metrics.deliveries.labels("scheduled", "posted" if outcome.success else "failed").inc()
        log = logger.info if outcome.success else logger.warning
        log(
            "delivery plan=%s what=%s to=%s outcome=%s reason=%s",
            plan.plan_id,
            what,
            name,
            "posted" if outcome.success else "failed",
            outcome.reason,
        )
        return outcome

    async def _reply(self, plan: ScheduledPlan, looker: LookerInstance) -> Reply:
        client = looker.client
        kind = plan.type.lower()
        if kind == "look" and plan.look_id:
            look = await client.look(plan.look_id)
            reply = await self._runner.look_reply(
                looker, look, query_id=plan.query_id, variant_url=plan.url
            )
            # A schedule with filters of its own is a variant of the Look: its query.
            variant = plan.query_id is not None and (
                look.query is None or look.query.id != plan.query_id
            )
            ref = AnswerRef(
                kind="query" if variant else "look",
                looker=looker.url,
                target=str(plan.query_id) if variant else look.id,
                title=look.title,
                view=shown_as(reply),
                source=plan.url if variant else looker.url + look.path,
            )
            return dataclasses.replace(reply, answer=Answer(ref=ref, open_url=ref.source))
        if kind == "dashboard" and plan.dashboard_id:
            dashboard = await client.dashboard(plan.dashboard_id)
            reply = await self._runner.dashboard_reply(looker, dashboard, plan.dashboard_filters)
            answer = _answer(plan, looker, dashboard.title, filters=tuple(dashboard.filters))
            return dataclasses.replace(reply, answer=answer)
        assert plan.query_id is not None
        query = await client.query(plan.query_id)
        title = plan.title or messages.explore_title(query.model, query.view)
        return await self._runner.query_reply(
            looker, query, title=title, source=ResultLink(plan.url, title)
        )

    async def post_message(self, kind: str, channel: str, message: Message) -> Destination:
        """Post a ready ``message`` Looker sent (``kind``: ``data_action``, ``action_hub``)
        to ``channel`` (a name, id or person), recorded first like a scheduled delivery: if
        the process dies before Slack has it, the next start (or another replica) posts it.

        Raises:
            DeliveryError: the channel cannot be found or used.
            SlackPostError: Slack refused the post.
        """
        job = None
        if self._jobs is not None:
            payload = {"kind": kind, "channel": channel, "message": _message_json(message)}
            try:
                job = await self._jobs.add(POST_JOB, payload)
            except JobStoreError as exc:
                logger.warning("Posting for Looker unrecorded (job store failed: %s)", exc)
        return await self._run_post(job, channel, message)

    async def _run_post(self, job: Job | None, channel: str, message: Message) -> Destination:
        try:
            destination = await self.channels.resolve_any(channel)
            if job is not None and job.attempts > 0 and await self._landed(job, destination):
                await self._record_posted(job)
            else:
                await self._post_once(destination, Reply(message), job)
        except (DeliveryError, SlackPostError) as exc:
            if job is not None and self._jobs is not None:
                reason = exc.reason if isinstance(exc, DeliveryError) else exc.error
                await self._record(self._jobs.ended(job.id, success=False, outcome=reason))
            raise
        if job is not None and self._jobs is not None:
            posted = f"posted to {destination.label}"
            await self._record(self._jobs.ended(job.id, success=True, outcome=posted))
        return destination

    async def _resume_posts(self) -> int:
        """Post again every Looker post a previous run (or a silent replica) accepted and
        did not post; how many."""
        assert self._jobs is not None
        jobs = await self._unfinished(POST_JOB)
        for job in jobs:
            try:
                channel = str(job.payload["channel"])
                message = Message(
                    text=str(job.payload["message"]["text"]),
                    blocks=tuple(job.payload["message"]["blocks"]),
                )
            except (KeyError, TypeError):
                ended = self._jobs.ended(job.id, success=False, outcome="unreadable job")
                await self._record(ended)
                continue
            logger.info("Resuming a %s post to %s", job.payload.get("kind"), channel)
            self.metrics.redeliveries.inc()
            self._tasks.spawn(self._finish_post(job, channel, message), name="post:resumed")
        return len(jobs)

    async def _finish_post(self, job: Job, channel: str, message: Message) -> None:
        """A resumed post: nobody waits for it, so its outcome is logged."""
        try:
            destination = await self._run_post(job, channel, message)
        except DeliveryError as exc:
            logger.warning("Resumed post to %s failed: %s", channel, exc.reason)
        except SlackPostError as exc:
            logger.warning("Resumed post to %s failed: Slack said %s", channel, exc.error)
        else:
            logger.info("Resumed post to %s made", destination.label)

    async def _post_once(self, destination: Destination, reply: Reply, job: Job | None) -> None:
        """Post ``reply``, recording it for a job. If Slack's answer was lost after the post
        was sent, it may have landed: a recorded job looks for itself (by its metadata) and
        is sent once more only if it is not there or Slack will not say, a rare duplicate
        rather than a lost report. Without a job, nothing is repeated."""
        try:
            await _uninterrupted(self._post_and_record(destination, reply, job))
        except SlackPostError as exc:
            if not exc.outcome_unknown or job is None:
                raise
            if not await self._landed(job, destination):
                logger.info("Sending job %s once more: Slack's answer was lost", job.id)
                await _uninterrupted(self._post_and_record(destination, reply, job))
            else:
                await self._record_posted(job)

    async def _post_and_record(
        self, destination: Destination, reply: Reply, job: Job | None
    ) -> None:
        """Post ``reply``; for a recorded delivery, count the attempt just before (only a
        job with an attempt may have landed) and record the post as soon as Slack answers
        (never sent twice after this)."""
        if job is None or self._jobs is None:
            await self.post(destination, reply)
            return
        await self._record(self._jobs.started(job.id))
        await self.post(destination, reply, metadata=_job_metadata(job.id))
        await self._record(self._jobs.posted(job.id))

    async def _record_posted(self, job: Job) -> None:
        if self._jobs is not None:
            await self._record(self._jobs.posted(job.id))

    @staticmethod
    async def _record(change: Awaitable[None]) -> None:
        """Write a job's progress; a store that fails costs the record (a rare resend
        after a crash), never the delivery."""
        try:
            await change
        except JobStoreError as exc:
            logger.warning("Could not record a delivery's progress: %s", exc)

    async def _landed(self, job: Job, destination: Destination) -> bool:
        """Whether a delivery that may have been posted (before a restart, or when Slack's
        answer was lost) is already in the channel: one of the channel's latest messages
        carries the job's id in its metadata. Reading history needs the ``*:history``
        scopes; without them (or if Slack will not say), the answer is no, and the delivery
        is sent again: a rare duplicate rather than a lost report."""
        try:
            page = await self._poster.history_page(destination.channel, limit=HISTORY_LOOKBACK)
        except SlackPostError as exc:
            logger.info(
                "Cannot tell whether delivery job %s reached Slack (%s): sending it again",
                job.id,
                exc.error,
            )
            return False
        for message in page.get("messages") or []:
            metadata = message.get("metadata") if isinstance(message, dict) else None
            if isinstance(metadata, dict) and metadata == _job_metadata(job.id):
                return True
        return False

    async def post(
        self, destination: Destination, reply: Reply, *, metadata: dict[str, Any] | None = None
    ) -> None:
        """Post a reply and its files to a resolved destination."""
        conversation = ChannelConversation(
            self._poster, channel=destination.channel, user="", metadata=metadata
        )
        await conversation.reply(reply.message, attachments=reply.attachments)


def _message_json(message: Message) -> dict[str, Any]:
    return {"text": message.text, "blocks": list(message.blocks)}


def _job_metadata(job_id: str) -> dict[str, Any]:
    """The message metadata that marks a delivery's post with its job."""
    return {"event_type": "lookerbot_delivery", "event_payload": {"job": job_id}}


async def _uninterrupted(work: Awaitable[None]) -> None:
    """Run ``work`` to its end even when the caller is cancelled (at shutdown), for up to
    :data:`POST_GRACE` seconds more: a post may already be in Slack's hands, and cutting it
    off before it is recorded would send it again after the restart."""
    inner = asyncio.ensure_future(work)
    try:
        await asyncio.shield(inner)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(inner, POST_GRACE)  # cancels it when the grace is over
        raise


def _plain(mrkdwn: str) -> str:
    """Looker shows the reason as plain text: drop Slack's escaping."""
    return mrkdwn.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _answer(
    plan: ScheduledPlan,
    looker: LookerInstance,
    title: str,
    *,
    filters: tuple[DashboardFilter, ...] = (),
) -> Answer | None:
    """A scheduled dashboard as an answer people can refresh, filter (``filters``, the
    dashboard's) and subscribe to (the whole dashboard, as Looker rendered it); ``None`` for
    anything else."""
    if plan.type.lower() != "dashboard" or not plan.dashboard_id:
        return None
    ref = AnswerRef(
        kind="command",
        looker=looker.url,
        target=plan.dashboard_id,
        title=title,
        filters=plan.dashboard_filters,
        whole=True,
        view="chart",
    )
    return Answer(ref=ref, open_url=plan.url, filters=filters)
