"""Acting on answers: their buttons, filter menus and the subscription modal, the
subscriptions' menus, and the App Home tab.

Every click runs as the person who clicks (their own Looker session under run-as), after
the bot's access rules; a failure reaches them as a private ``:warning:`` with the cause.
An answer is changed in place: ``chat.update`` for a message the bot posted, the
interaction's ``response_url`` (``replace_original``) for a slash command's answer or a
private one. Files that go with an answer (a chart uploaded to Slack, a CSV) go into its
thread.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from lookerbot import messages
from lookerbot.answers import blocks as kit
from lookerbot.answers.refs import Answer, AnswerRef
from lookerbot.answers.subscriptions import Choice, Subscriptions
from lookerbot.commands.access import AccessPolicy
from lookerbot.commands.base import CommandRequest, Reply, Source
from lookerbot.commands.custom import (
    CustomCommandCatalog,
    answer_dashboard,
    effective_filters,
    tile_query,
)
from lookerbot.commands.help import HelpCommand
from lookerbot.content import ContentRunner, filename, shown_as
from lookerbot.errors import CommandError, LookerApiError
from lookerbot.formatting.message import Attachment, Block, Message, context, section
from lookerbot.formatting.results import ResultLink, columns_of, to_csv
from lookerbot.logs import new_error_id
from lookerbot.looker.instances import LookerInstance, LookerRegistry
from lookerbot.looker.models import Query
from lookerbot.looker.run_as import RunAsUser
from lookerbot.slack.poster import PostedMessage, SlackPoster, SlackPostError
from lookerbot.tasks import BackgroundTasks

logger = logging.getLogger(__name__)

Ack = Callable[..., Awaitable[Any]]
LIST_BUDGET = 45
"""Subscriptions listed in one message (of Slack's 50 blocks)."""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def decorate(reply: Reply, *, subscribe: bool) -> Message:
    """The reply's message with its answer's buttons and filter menus, when it has any."""
    if reply.answer is None:
        return reply.message
    extra = kit.answer_blocks(reply.answer, subscribe=subscribe)
    if not extra:
        return reply.message
    return Message.from_blocks([*reply.message.blocks, *extra], reply.message.text)


class AnswerActions:
    """Handles what people do with answers and subscriptions (see the module docstring)."""

    def __init__(
        self,
        *,
        runner: ContentRunner,
        run_as: RunAsUser,
        access: AccessPolicy,
        poster: SlackPoster,
        tasks: BackgroundTasks,
        subscriptions: Subscriptions,
        catalog: CustomCommandCatalog,
        help_command: HelpCommand,
        lookers: LookerRegistry,
    ) -> None:
        self._runner = runner
        self._run_as = run_as
        self._access = access
        self._poster = poster
        self._tasks = tasks
        self.subscriptions = subscriptions
        self._catalog = catalog
        self._help = help_command
        self._lookers = lookers

    # -- running an answer again ---------------------------------------------------------

    async def rerun(self, ref: AnswerRef, people: LookerRegistry) -> Reply:
        """The answer ``ref`` names, run again in ``people``'s view of Looker."""
        looker = self._instance(ref, people)
        if ref.kind == "command":
            dashboard = await looker.client.dashboard(ref.target)
            values = effective_filters(dashboard.filters, ref.filters)
            return await answer_dashboard(
                self._runner,
                looker,
                dashboard,
                values,
                command=ref.command,
                view=None if ref.whole else ref.view,
            )
        query = await self._query(looker, ref)
        source_url = ref.source or f"{looker.url}/x/{query.slug}"
        label = messages.ASK_OPEN_EXPLORE if ref.ask else ref.title
        reply = await self._runner.query_reply(
            looker, query, title=ref.title, source=ResultLink(source_url, label), view=ref.view
        )
        blocks = list(reply.message.blocks)
        if ref.ask:
            blocks.insert(0, section(messages.ask_heading(ref.title)))
        return dataclasses.replace(
            reply,
            message=Message.from_blocks(blocks, reply.message.text),
            answer=Answer(ref=ref.with_view(shown_as(reply)), open_url=source_url),
        )

    @staticmethod
    async def _query(looker: LookerInstance, ref: AnswerRef) -> Query:
        """The query behind a Look's or a query's answer (a Look's as it is now)."""
        if ref.kind == "look":
            look = await looker.client.look(ref.target)
            if look.query is None:
                raise CommandError(messages.look_without_query(look.title))
            return look.query
        return await looker.client.query(ref.target)

    async def csv(self, ref: AnswerRef, people: LookerRegistry) -> Attachment:
        """The answer's whole result as a CSV file."""
        looker = self._instance(ref, people)
        if ref.kind == "command":
            dashboard = await looker.client.dashboard(ref.target)
            single = tile_query(dashboard, effective_filters(dashboard.filters, ref.filters))
            if single is None:
                raise CommandError(messages.ANSWER_NO_CSV)
            base, tile_filters = single
            query = await looker.client.create_query(base.copy_with_filters(tile_filters))
        else:
            query = await self._query(looker, ref)
        result = await looker.client.run_query(query.id)
        if result.errors and not result.rows:
            raise CommandError(messages.ANSWER_NO_CSV)
        data = to_csv(columns_of(query, result), result)
        return Attachment(
            filename=filename(ref.title, "csv"),
            data=data,
            title=messages.csv_title(ref.title, len(result.rows)),
        )

    def _instance(self, ref: AnswerRef, people: LookerRegistry) -> LookerInstance:
        looker = people.for_url(ref.looker)
        if looker is None:
            raise CommandError(messages.UNKNOWN_LOOKER_IN_BUTTON)
        return looker

    # -- buttons and menus on answers ----------------------------------------------------

    async def pressed(self, body: dict[str, Any], *, bot_user: str | None) -> None:
        """Refresh, Table/Chart or CSV was pressed (already acknowledged)."""
        action = _first_action(body)
        ref = AnswerRef.decode(action.get("value"))
        kind = _text(action.get("action_id"))
        if kind == kit.CSV:
            await self._guarded(body, lambda people: self._send_csv(body, ref, people))
            return
        await self._guarded(body, lambda people: self._show_again(body, ref, people, bot_user))

    async def filter_chosen(self, body: dict[str, Any], *, bot_user: str | None) -> None:
        """A value was chosen in a filter menu: run the answer again with it."""
        action = _first_action(body)
        spec = kit.filter_spec(_text(action.get("action_id")))
        chosen = _text(_dict(action.get("selected_option")).get("value"))
        ref = kit.ref_of_message(_dict(body.get("message")).get("blocks"))
        if spec is not None and ref is not None:
            ref = ref.with_filter(spec[0], chosen)
        await self._guarded(body, lambda people: self._show_again(body, ref, people, bot_user))

    async def options(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """Options for a filter menu: Looker's suggestions for its field, as the person
        typing may see them (none when anything fails: Slack shows "no results")."""
        spec = kit.filter_spec(_text(body.get("action_id")))
        block_id = _text(body.get("block_id"))
        user = _text(_dict(body.get("user")).get("id"))
        if spec is None or not block_id.startswith(kit.FILTERS_BLOCK) or not user:
            return []
        if await self._access.check(user) is not None:
            return []
        people = await self._run_as.registry_for(user)
        looker = people.for_url(block_id[len(kit.FILTERS_BLOCK) :])
        if looker is None:
            return []
        _, model, explore, field = spec
        try:
            found = await looker.client.field_suggestions(
                model, explore, field, term=_text(body.get("value")).strip()
            )
        except (CommandError, LookerApiError) as exc:
            logger.info("No suggestions for %s: %s", field, exc)
            return []
        return kit.suggestion_options(found.values)

    async def _show_again(
        self,
        body: dict[str, Any],
        ref: AnswerRef | None,
        people: LookerRegistry,
        bot_user: str | None,
    ) -> None:
        if ref is None:
            raise CommandError(messages.ANSWER_GONE)
        reply = await self.rerun(ref, people)
        user = _text(_dict(body.get("user")).get("id"))
        message = decorate(reply, subscribe=self.subscriptions.available)
        stamp = context(messages.refreshed(user, int(time.time())))
        message = Message.from_blocks([*message.blocks, stamp], message.text)
        await self._replace(body, message, reply.attachments, bot_user=bot_user)

    async def _send_csv(
        self, body: dict[str, Any], ref: AnswerRef | None, people: LookerRegistry
    ) -> None:
        if ref is None:
            raise CommandError(messages.ANSWER_GONE)
        attachment = await self.csv(ref, people)
        channel, thread, ephemeral = _place(body)
        if ephemeral or not channel:
            raise CommandError(messages.ANSWER_CSV_PRIVATE)
        try:
            await self._upload(channel, thread, attachment)
        except SlackPostError as exc:
            raise CommandError(messages.cannot_attach(attachment.title, exc.error)) from exc

    async def _replace(
        self,
        body: dict[str, Any],
        message: Message,
        attachments: Sequence[Attachment],
        *,
        bot_user: str | None,
    ) -> None:
        channel, thread, ephemeral = _place(body)
        posted = _dict(body.get("message"))
        ts = _text(_dict(body.get("container")).get("message_ts"))
        hosted = frozenset(a.hosted_url for a in attachments if a.hosted_url)

        async def show(shown: Message) -> None:
            if not ephemeral and channel and ts and bot_user and posted.get("user") == bot_user:
                await self._poster.update(PostedMessage(channel, ts), shown)
            else:
                url = _text(body.get("response_url"))
                await self._poster.respond(url, shown, ephemeral=ephemeral, replace=True)

        try:
            await show(message)
        except SlackPostError:
            if not hosted:
                raise
            await show(message.without_images(hosted))
            hosted = frozenset()
        if ephemeral or not channel:
            return
        for attachment in attachments:
            if attachment.hosted_url not in hosted:
                await self._upload(channel, thread, attachment)

    async def _upload(self, channel: str, thread: str | None, attachment: Attachment) -> None:
        await self._poster.upload_file(
            channel,
            filename=attachment.filename,
            data=attachment.data,
            title=attachment.title,
            thread_ts=thread,
        )

    async def _guarded(
        self, body: dict[str, Any], work: Callable[[LookerRegistry], Awaitable[None]]
    ) -> None:
        """Run ``work`` as the person who acted; tell them privately if it fails."""
        user = _text(_dict(body.get("user")).get("id"))
        try:
            refusal = await self._access.check(user)
            if refusal is not None:
                await self._tell(body, refusal)
                return
            await work(await self._run_as.registry_for(user))
        except CommandError as exc:
            await self._tell(body, messages.warning(exc.reason))
        except SlackPostError as exc:
            logger.error("An answer's action could not reach Slack: %s", exc.error)
        except Exception:
            error_id = new_error_id()
            logger.exception("An answer's action failed, error_id=%s", error_id)
            await self._tell(body, messages.unexpected_error(error_id))

    async def _tell(self, body: dict[str, Any], text: str) -> None:
        """A private note to the person who acted, where they acted."""
        user = _text(_dict(body.get("user")).get("id"))
        url = _text(body.get("response_url"))
        channel, _, _ = _place(body)
        try:
            if url:
                await self._poster.respond(url, Message.of(text), ephemeral=True)
            elif channel:
                await self._poster.post_ephemeral(channel, user, Message.of(text))
            else:
                dm = await self._poster.open_dm(user)
                await self._poster.post(dm, Message.of(text))
        except SlackPostError as exc:
            logger.error("Could not tell %s about an action: %s", user, exc.error)

    # -- subscribing -----------------------------------------------------------------------

    async def open_subscribe(self, body: dict[str, Any]) -> None:
        """ "Subscribe here" was pressed: open the modal (a trigger works for 3 seconds)."""
        action = _first_action(body)
        ref = AnswerRef.decode(action.get("value"))
        user = _text(_dict(body.get("user")).get("id"))
        channel, _, _ = _place(body)
        trigger = _text(body.get("trigger_id"))
        if ref is None or not channel or not trigger:
            await self._tell(body, messages.warning(messages.ANSWER_GONE))
            return
        if not self.subscriptions.available:
            await self._tell(body, messages.warning(messages.SUBSCRIPTIONS_OFF))
            return
        refusal = await self._access.check(user)
        if refusal is not None:
            await self._tell(body, refusal)
            return
        zone = ""
        try:
            zone = _text((await self._poster.user_info(user)).get("tz"))
        except SlackPostError as exc:
            logger.info("No time zone for %s: %s", user, exc.error)
        base = self._lookers.for_url(ref.looker)
        run_as = base is not None and self.subscriptions.run_as(base)
        where = kit.SubscribeContext(ref=ref, channel=channel, in_dm=channel.startswith("D"))
        note = messages.owner_note(run_as, self._api_user(base))
        if ref.kind == "query":
            note += " " + messages.saved_look_note(run_as)
        view = kit.subscribe_view(where, zone=zone, owner_note=note)
        try:
            await self._poster.open_view(trigger, view)
        except SlackPostError as exc:
            logger.error("Could not open the subscription modal: %s", exc.error)
            await self._tell(body, messages.warning(messages.slack_refused("Slack", exc.error)))

    @staticmethod
    def _api_user(looker: LookerInstance | None) -> str:
        return "the Looker API user" if looker is None else f"its API user on {looker.host}"

    async def subscribe_submitted(self, ack: Ack, body: dict[str, Any]) -> None:
        """The subscription modal was submitted: check it, close it, create the plan."""
        view = _dict(body.get("view"))
        where = kit.SubscribeContext.from_metadata(view.get("private_metadata"))
        chosen = kit.submitted(view)
        user = _text(_dict(body.get("user")).get("id"))
        if chosen.get("frequency") == "weekly" and not chosen.get("day"):
            await ack(response_action="errors", errors={"day": messages.SUBSCRIBE_PICK_DAY})
            return
        await ack()
        if where is None or not user:
            logger.warning("Ignored a subscription modal without its answer")
            return
        choice = Choice(
            frequency=chosen.get("frequency", "daily"),
            day=chosen.get("day", "1"),
            time=chosen.get("time", "09:00"),
            timezone=chosen.get("timezone", "UTC"),
            to_dm=chosen.get("where") == "dm" or where.in_dm,
        )
        self._tasks.spawn(self._subscribe(where, choice, user), name="subscribe")

    async def _subscribe(self, where: kit.SubscribeContext, choice: Choice, user: str) -> None:
        place = {"user": {"id": user}, "channel": {"id": where.channel}}

        async def work(people: LookerRegistry) -> None:
            plan, _ = await self.subscriptions.create(
                where.ref, choice, user=user, channel=where.channel
            )
            target = f"<@{user}> (a DM)" if choice.to_dm else f"<#{where.channel}>"
            when = messages.describe_schedule(plan.crontab or choice.crontab(), choice.timezone)
            await self._tell(place, messages.subscribed(where.ref.title, when, target))

        await self._guarded(place, work)

    # -- managing subscriptions --------------------------------------------------------------

    async def list_message(self, *, user: str, channel: str | None, note: str = "") -> Message:
        """The subscriptions of ``channel`` and ``user``, with their menus."""
        items = await self.subscriptions.listing(user=user, channel=channel)
        where = f"<#{channel}>" if channel and not channel.startswith("D") else "this DM"
        blocks: list[Block] = [section(messages.subscriptions_heading(where))]
        if note:
            blocks.append(context(note))
        if not self.subscriptions.available:
            blocks.append(context(messages.warning(messages.SUBSCRIPTIONS_OFF)))
        blocks += kit.subscriptions_blocks(items, budget=LIST_BUDGET)
        return Message.from_blocks(blocks, messages.subscriptions_fallback(len(items)))

    async def menu_chosen(self, body: dict[str, Any]) -> None:
        """Pause, Resume, Send now or Delete was chosen in a subscription's menu."""
        action = _first_action(body)
        choice = kit.menu_choice(_dict(action.get("selected_option")).get("value"))
        user = _text(_dict(body.get("user")).get("id"))
        container = _dict(body.get("container"))
        if choice is None:
            await self._tell(body, messages.warning(messages.ANSWER_GONE))
            return

        async def work(people: LookerRegistry) -> None:
            note = await self.subscriptions.change(*choice, user=user)
            if container.get("type") == "view":
                await self.publish_home(user, note=note)
                return
            channel, _, _ = _place(body)
            shown = await self.list_message(user=user, channel=channel or None, note=note)
            url = _text(body.get("response_url"))
            if url:
                await self._poster.respond(url, shown, ephemeral=True, replace=True)

        await self._guarded(body, work)

    # -- the Home tab ----------------------------------------------------------------------

    async def publish_home(self, user: str, *, note: str = "") -> None:
        """Build and publish ``user``'s Home tab (a refusal is shown there instead)."""
        refusal = await self._access.check(user)
        if refusal is not None:
            view = {"type": "home", "blocks": [section(refusal)]}
            await self._poster.publish_home(user, view)
            return
        people = await self._run_as.registry_for(user)
        identities = [await self._identity(looker, people) for looker in self._lookers]
        request = CommandRequest(
            text="help", user_id=user, channel_id="", source=Source.DM, lookers=people
        )
        commands, notes = await self._help.visible_commands(request)
        grouped: dict[str, list[str]] = {}
        for command in commands:
            grouped.setdefault(command.category, []).append(self._catalog.qualified_name(command))
        order = sorted(grouped, key=lambda c: (c != "Shortcuts", c.lower()))
        try:
            items = await self.subscriptions.listing(user=user, channel=None)
        except (CommandError, LookerApiError) as exc:
            items = []
            notes.append(messages.warning(getattr(exc, "reason", str(exc))))
        if note:
            notes.insert(0, note)
        view = kit.home_view(
            identity=" ".join(identities),
            commands=[(c, sorted(grouped[c])) for c in order],
            subscriptions=items,
            notes=notes,
        )
        await self._poster.publish_home(user, view)

    async def _identity(self, looker: LookerInstance, people: LookerRegistry) -> str:
        try:
            if self.subscriptions.run_as(looker):
                me = await people.same(looker).client.me()
                return messages.home_identity_run_as(me.display_name, looker.host)
            me = await looker.client.me()
            return messages.home_identity_api_user(me.display_name, looker.host)
        except CommandError as exc:
            return messages.warning(exc.reason)


def _first_action(body: dict[str, Any]) -> dict[str, Any]:
    actions = body.get("actions")
    return (
        actions[0] if isinstance(actions, list) and actions and isinstance(actions[0], dict) else {}
    )


def _place(body: dict[str, Any]) -> tuple[str, str | None, bool]:
    """The channel an interaction came from, the thread of its message (where files go),
    and whether that message is private."""
    container = _dict(body.get("container"))
    channel = _text(_dict(body.get("channel")).get("id")) or _text(container.get("channel_id"))
    message = _dict(body.get("message"))
    ts = _text(container.get("message_ts")) or _text(message.get("ts"))
    thread = _text(message.get("thread_ts")) or ts or None
    return channel, thread, container.get("is_ephemeral") is True
