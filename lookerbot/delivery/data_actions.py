"""LookML data actions in Slack: buttons under single values, forms as Slack modals.

A single-value result whose cell carries data actions (``action:`` in LookML) shows them as
buttons. A click runs the action through Looker's data action API on the instance the result
came from and answers the person privately. An action with a form (``form_param`` or
``form_url``) opens a modal with the form's fields; submitting runs the action with the
values, and Looker's validation errors show on the fields.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from lookerbot import messages
from lookerbot.commands.access import AccessPolicy
from lookerbot.errors import CommandError, LookerApiError
from lookerbot.formatting.message import Block, Message, truncate
from lookerbot.looker.instances import LookerInstance
from lookerbot.looker.run_as import RunAsUser
from lookerbot.slack.poster import SlackPoster, SlackPostError
from lookerbot.tasks import BackgroundTasks

logger = logging.getLogger(__name__)

VIEW_CALLBACK_ID = "data_action_form"
MAX_METADATA = 3000  # Slack's limit on a view's private_metadata
SUBMIT_BUDGET = 2.0
"""Seconds from a submission's arrival to the answer (Slack waits 3 s from sending it)."""
_BLOCK_PREFIX = "field:"

Ack = Callable[..., Awaitable[Any]]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def form_blocks(fields: list[Any]) -> list[Block]:
    """Modal inputs for a Looker action form, within what a modal can show: 90 fields at
    most, each with a name of its own that fits a ``block_id`` (Slack: 255 characters,
    unique in the view). A field that cannot be shown is left out and logged."""
    blocks: list[Block] = []
    seen: set[str] = set()
    for field in fields:
        name = _text(field.get("name")) if isinstance(field, dict) else ""
        if not name or name in seen or len(_BLOCK_PREFIX) + len(name) > 255:
            logger.warning("Left out a data action form field without a usable name")
            continue
        seen.add(name)
        blocks.append(form_field_block(field))
    return blocks[:90]


def form_field_block(field: dict[str, Any]) -> Block:
    """A modal input for one field of a Looker action form."""
    name = _text(field.get("name"))
    kind = _text(field.get("type")) or "string"
    default = _text(field.get("default"))
    element: dict[str, Any]
    # An option without a name has no value to send back (and Slack refuses empty ones).
    options = [o for o in field.get("options") or [] if isinstance(o, dict) and o.get("name")][:100]
    if kind == "select" and options:
        choices = [
            {
                "text": {
                    "type": "plain_text",
                    "text": truncate(_text(o.get("label") or o.get("name")), 75),
                },
                "value": truncate(_text(o.get("name")), 150),
            }
            for o in options
        ]
        element = {"type": "static_select", "action_id": "value", "options": choices}
        initial = next((c for c in choices if c["value"] == default), None)
        if initial is not None:
            element["initial_option"] = initial
    else:
        element = {
            "type": "plain_text_input",
            "action_id": "value",
            "multiline": kind == "textarea",
        }
        if default:
            element["initial_value"] = truncate(default, 3000)
    block: Block = {
        "type": "input",
        "block_id": f"{_BLOCK_PREFIX}{name}",
        "optional": not field.get("required"),
        "label": {"type": "plain_text", "text": truncate(_text(field.get("label")) or name, 2000)},
        "element": element,
    }
    if field.get("description"):
        block["hint"] = {"type": "plain_text", "text": truncate(_text(field["description"]), 2000)}
    return block


def _view(title: str, blocks: list[Block], *, metadata: str, submit: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": VIEW_CALLBACK_ID,
        "title": {"type": "plain_text", "text": truncate(title or "Looker action", 24)},
        "close": {"type": "plain_text", "text": "Cancel" if submit else "Close"},
        "private_metadata": metadata,
        "blocks": blocks,
    }
    if submit:
        view["submit"] = {"type": "plain_text", "text": "Send"}
    return view


def _note_view(title: str, text: str, metadata: str = "") -> dict[str, Any]:
    block = {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, 3000)}}
    return _view(title, [block], metadata=metadata, submit=False)


def form_values(view: dict[str, Any]) -> dict[str, str]:
    """The values a person entered in a data action modal, by field name."""
    values: dict[str, str] = {}
    state = ((view.get("state") or {}).get("values")) or {}
    for block_id, inputs in state.items():
        if not str(block_id).startswith(_BLOCK_PREFIX) or not isinstance(inputs, dict):
            continue
        entry = inputs.get("value") or {}
        selected = entry.get("selected_option") or {}
        value = entry.get("value") if "value" in entry else selected.get("value")
        if value is not None:
            values[str(block_id)[len(_BLOCK_PREFIX) :]] = str(value)
    return values


def outcome_text(response: dict[str, Any]) -> str:
    """Lookerbot's answer to a data action: ``:white_check_mark: ...`` or ``:x: ...``."""
    if response.get("success"):
        return messages.data_action_done(_text(response.get("message")))
    errors = _validation_errors(response)
    if errors:
        return "\n".join(messages.data_action_failed(m) for m in errors.values())
    return messages.data_action_failed(_text(response.get("message")))


def _validation_errors(response: dict[str, Any]) -> dict[str, str]:
    """Looker's validation errors by field (``""`` for errors on no particular field)."""
    raw = response.get("validation_errors")
    items = raw.get("errors") if isinstance(raw, dict) else raw
    errors: dict[str, str] = {}
    for item in items or []:
        if isinstance(item, dict) and item.get("message"):
            errors.setdefault(_text(item.get("field")), _text(item["message"]))
    return errors


class DataActionHandler:
    """Handles clicks on data action buttons and submissions of their forms."""

    def __init__(
        self,
        *,
        access: AccessPolicy,
        poster: SlackPoster,
        tasks: BackgroundTasks,
        run_as: RunAsUser,
    ) -> None:
        self._access = access
        self._poster = poster
        self._tasks = tasks
        self._run_as = run_as

    async def clicked(self, body: dict[str, Any]) -> None:
        """A button was clicked (already acknowledged): open a form or run the action."""
        user = _text((body.get("user") or {}).get("id"))
        response_url = _text(body.get("response_url"))
        channel = _text(
            (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        )
        actions = body.get("actions") or []
        value = actions[0].get("value") if actions and isinstance(actions[0], dict) else None
        try:
            data = json.loads(value) if isinstance(value, str) else None
        except ValueError:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("a"), dict):
            logger.warning("Ignored a data action click with an unreadable value")
            return
        looker = (await self._run_as.registry_for(user)).for_url(_text(data.get("u")))
        action: dict[str, Any] = data["a"]

        async def tell(text: str) -> None:
            await self._tell(response_url, channel, user, text)

        if looker is None:
            await tell(messages.warning(messages.UNKNOWN_LOOKER_IN_BUTTON))
            return
        refusal = await self._access.check(user)
        if refusal is not None:
            await tell(refusal)
            return
        if action.get("form") or action.get("form_url"):
            await self._open_form(looker, action, body, channel=channel, response_url=response_url)
            return
        self._tasks.spawn(self._perform(looker, action, tell), name="data-action")

    async def _perform(
        self, looker: LookerInstance, action: dict[str, Any], tell: Callable[[str], Awaitable[None]]
    ) -> None:
        try:
            response = await looker.client.perform_data_action(action)
        except LookerApiError as exc:
            await tell(messages.data_action_error(exc.reason))
            return
        await tell(outcome_text(response))

    async def _tell(self, response_url: str, channel: str, user: str, text: str) -> None:
        try:
            if response_url:
                await self._poster.respond(response_url, Message.of(text), ephemeral=True)
            elif channel and user:
                await self._poster.post_ephemeral(channel, user, Message.of(text))
        except SlackPostError as exc:
            logger.warning("Could not tell %s how a data action went: %s", user, exc.error)

    async def _open_form(
        self,
        looker: LookerInstance,
        action: dict[str, Any],
        body: dict[str, Any],
        *,
        channel: str,
        response_url: str,
    ) -> None:
        title = _text(action.get("label")) or "Looker action"
        metadata = json.dumps(
            {"u": looker.url, "a": action, "c": channel, "r": response_url}, separators=(",", ":")
        )
        if len(metadata) > MAX_METADATA:
            await self._tell(
                response_url,
                channel,
                _text((body.get("user") or {}).get("id")),
                messages.warning("This action's form is too large for a Slack modal."),
            )
            return
        try:
            # The trigger expires in 3 seconds: open the modal now, fill it in once Looker
            # has sent the form.
            opened = await self._poster.open_view(
                _text(body.get("trigger_id")), _note_view(title, messages.FORM_LOADING, metadata)
            )
        except SlackPostError as exc:
            logger.warning("Could not open a data action form: %s", exc.error)
            return
        view_id = _text(opened.get("id"))
        self._tasks.spawn(
            self._fill_form(looker, action, view_id, title, metadata), name="data-action-form"
        )

    async def _fill_form(
        self,
        looker: LookerInstance,
        action: dict[str, Any],
        view_id: str,
        title: str,
        metadata: str,
    ) -> None:
        try:
            fields = action.get("form") or await looker.client.fetch_data_action_form(action)
            blocks = form_blocks(list(fields))
            view = (
                _view(title, blocks, metadata=metadata, submit=True)
                if blocks
                else _note_view(title, messages.warning("Looker sent an empty form."))
            )
        except LookerApiError as exc:
            view = _note_view(title, messages.data_action_error(exc.reason))
        try:
            await self._poster.update_view(view_id, view)
        except SlackPostError as exc:
            logger.warning("Could not show a data action form: %s", exc.error)

    async def submitted(
        self,
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        *,
        received_at: float | None = None,
    ) -> None:
        """The form was submitted: run the action, showing Looker's validation errors.

        Slack waits 3 s for the answer, counted from when it sent the submission, so the
        budget counts from ``received_at`` (the loop time the request arrived; now, if not
        known) and covers everything: the run-as and access lookups (cold caches take a
        Slack and a Looker round trip or two) as well as the action. Whatever is not done
        within it finishes in the background and updates the modal."""
        loop = asyncio.get_running_loop()
        deadline = (received_at if received_at is not None else loop.time()) + SUBMIT_BUDGET
        try:
            meta = json.loads(_text(view.get("private_metadata")))
            looker_url = _text(meta.get("u"))
            action = meta["a"]
        except (ValueError, KeyError, AttributeError):
            await ack()
            return
        user = _text((body.get("user") or {}).get("id"))
        title = _text(action.get("label")) or "Looker action"
        values = form_values(view)
        run = self._tasks.spawn(self._submit(user, looker_url, action, values), name="data-action")
        try:
            outcome = await asyncio.wait_for(asyncio.shield(run), max(deadline - loop.time(), 0.0))
        except TimeoutError:
            await ack(response_action="update", view=_note_view(title, messages.FORM_SENDING))
            view_id = _text(view.get("id"))
            self._tasks.spawn(self._finish_late(run, view_id, title), name="data-action-late")
            return
        except LookerApiError as exc:
            await ack(
                response_action="update",
                view=_note_view(title, messages.data_action_error(exc.reason)),
            )
            return
        if isinstance(outcome, str):
            await ack(response_action="update", view=_note_view(title, outcome))
            return
        errors = _validation_errors(outcome)
        field_names = set(values) | {
            _text(b.get("block_id"))[len(_BLOCK_PREFIX) :] for b in view.get("blocks") or []
        }
        on_fields = {f"{_BLOCK_PREFIX}{k}": v for k, v in errors.items() if k in field_names}
        if not outcome.get("success") and on_fields:
            await ack(response_action="errors", errors=on_fields)
            return
        await ack()
        await self._tell(_text(meta.get("r")), _text(meta.get("c")), user, outcome_text(outcome))

    async def _submit(
        self, user: str, looker_url: str, action: dict[str, Any], values: dict[str, str]
    ) -> dict[str, Any] | str:
        """Run a submitted action as ``user``: Looker's answer, or why it was not run."""
        looker = (await self._run_as.registry_for(user)).for_url(looker_url)
        if looker is None:
            return messages.warning(messages.UNKNOWN_LOOKER_IN_BUTTON)
        refusal = await self._access.check(user)
        if refusal is not None:
            return refusal
        try:
            return await looker.client.perform_data_action(action, form_values=values)
        except CommandError as exc:  # run-as found no Looker user to act as
            return messages.warning(exc.reason)

    async def _finish_late(
        self, run: asyncio.Task[dict[str, Any] | str], view_id: str, title: str
    ) -> None:
        try:
            outcome = await run
            text = outcome if isinstance(outcome, str) else outcome_text(outcome)
        except LookerApiError as exc:
            text = messages.data_action_error(exc.reason)
        try:
            await self._poster.update_view(view_id, _note_view(title, text))
        except SlackPostError as exc:
            logger.warning("Could not show how a data action went: %s", exc.error)
