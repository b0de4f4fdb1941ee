"""What an Action Hub action is, in the Action API's terms.

An :class:`Action` describes itself (name, label, params, form, formats, required field
tags) for the Action Hub listing, and carries out a request in two steps, so that nothing
is sent anywhere before everything that can be checked has been:

1. :meth:`Action.prepare` checks the params (set by the Looker admin) and the form values
   (chosen by the person sending) without touching the data, and returns a
   :class:`Sending`; a one-time download URL is not used up by a request that was bad anyway.
2. The route opens the result and reads its fields; :meth:`Sending.check` validates the
   field tags; :meth:`Sending.send` streams the rows to the service and returns an
   :class:`ActionOutcome`.

Both steps raise :class:`~lookerbot.errors.ActionInputError` for bad input.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from lookerbot import messages
from lookerbot.actions.results import ResultHeader, Row
from lookerbot.errors import ActionInputError

JSON_DETAIL_FORMATS: tuple[str, ...] = ("json_detail_lite_stream", "json_detail")
"""The result formats the actions read (the same shape; the first streams from Looker)."""


@dataclass(frozen=True)
class Param:
    """A setting the Looker admin gives an action once (Admin > Actions).

    Attributes:
        name: the key it arrives under in the request's ``data``.
        label: what the admin sees.
        description: one line of help.
        required: whether the action can run without it.
        sensitive: whether Looker must encrypt it and never show it again.
    """

    name: str
    label: str
    description: str
    required: bool = True
    sensitive: bool = False

    def as_json(self) -> dict[str, Any]:
        """The Action API's form of it."""
        return {
            "name": self.name,
            "label": self.label,
            "description": self.description,
            "required": self.required,
            "sensitive": self.sensitive,
        }


@dataclass(frozen=True)
class FormField:
    """A field of the form Looker shows the person sending.

    Attributes:
        name: the key it arrives under in ``form_params``.
        label: what the person sees.
        description: one line of help.
        type: ``string``, ``textarea`` or ``select``.
        required: whether it must be filled in.
        default: the value shown at first.
        options: ``(name, label)`` pairs for a ``select``.
    """

    name: str
    label: str
    description: str = ""
    type: str = "string"
    required: bool = False
    default: str | None = None
    options: tuple[tuple[str, str], ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The Action API's form of it."""
        out: dict[str, Any] = {
            "name": self.name,
            "label": self.label,
            "description": self.description,
            "type": self.type,
            "required": self.required,
        }
        if self.default is not None:
            out["default"] = self.default
        if self.options:
            out["options"] = [{"name": n, "label": label} for n, label in self.options]
        return out


@dataclass(frozen=True)
class RequiredField:
    """A field the query must have for the action to be offered: one with ``tag``, or one
    with any of ``any_tag``."""

    tag: str | None = None
    any_tag: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The Action API's form of it."""
        return {"any_tag": list(self.any_tag)} if self.any_tag else {"tag": self.tag}


@dataclass(frozen=True)
class ActionRequest:
    """An execute (or form) request from Looker, as far as the actions need it.

    Attributes:
        params: the admin's settings (the payload's ``data``).
        form: the person's form values (``form_params``).
        download_url: the one-time URL of the result, if Looker sent one.
        attachment: the inline result, if Looker sent one.
        hidden_fields: fields the query hides in its visualization.
    """

    params: Mapping[str, Any] = field(default_factory=dict)
    form: Mapping[str, Any] = field(default_factory=dict)
    download_url: str | None = None
    attachment: Mapping[str, Any] | None = None
    hidden_fields: frozenset[str] = frozenset()

    @classmethod
    def from_payload(cls, payload: Any) -> ActionRequest:
        """Read Looker's payload (a JSON object).

        Raises:
            ActionInputError: the payload is not an object, or not of type ``query``.
        """
        if payload is None:
            return cls()
        if not isinstance(payload, Mapping):
            raise ActionInputError({"body": messages.ACTION_BODY_NOT_OBJECT})
        kind = payload.get("type")
        if kind not in (None, "query"):
            raise ActionInputError({"type": messages.action_type_unsupported(str(kind))})
        params = payload.get("data")
        form = payload.get("form_params")
        plan = payload.get("scheduled_plan")
        plan = plan if isinstance(plan, Mapping) else {}
        attachment = payload.get("attachment")
        query = plan.get("query")
        vis = query.get("vis_config") if isinstance(query, Mapping) else None
        hidden = vis.get("hidden_fields") if isinstance(vis, Mapping) else None
        download_url = plan.get("download_url")
        return cls(
            params=params if isinstance(params, Mapping) else {},
            form=form if isinstance(form, Mapping) else {},
            download_url=download_url if isinstance(download_url, str) and download_url else None,
            attachment=attachment if isinstance(attachment, Mapping) else None,
            hidden_fields=frozenset(h for h in hidden or () if isinstance(h, str))
            if isinstance(hidden, list)
            else frozenset(),
        )


@dataclass(frozen=True)
class ActionOutcome:
    """What the execute route answers.

    Attributes:
        success: whether everything was sent.
        message: what happened, for Looker's schedule history.
        status: the HTTP status (200, or 502 when the service failed some of it).
        validation_errors: problems by field (empty unless the request was bad).
    """

    success: bool
    message: str
    status: int = 200
    validation_errors: Mapping[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The Action API's response body (a failure also in Lookerbot's own shape)."""
        body: dict[str, Any] = {
            "looker": {
                "success": self.success,
                "message": self.message,
                "validation_errors": dict(self.validation_errors),
            }
        }
        if not self.success:
            body.update(success=False, reason=self.message)
        return body


class Sending(Protocol):
    """One prepared run of an action: its params and form values are valid."""

    def check(self, header: ResultHeader) -> None:
        """Validate the result's fields (tags) before anything is sent.

        Raises:
            ActionInputError: a required tag is missing, or a tag is malformed.
        """

    async def send(self, rows: AsyncIterator[Row]) -> ActionOutcome:
        """Send the rows and say what happened (never raises for a service's failure)."""


class Action(Protocol):
    """An action the bot's Action Hub offers Looker.

    Implementations describe themselves through these attributes (listed on ``POST /``),
    answer :meth:`form`, and check a request in :meth:`prepare` without sending anything.
    """

    name: str
    """Unique among the hub's actions; part of its URLs."""
    label: str
    description: str
    params: tuple[Param, ...]
    required_fields: tuple[RequiredField, ...]
    supported_formats: tuple[str, ...]
    icon_data_uri: str

    def form(self) -> tuple[FormField, ...]:
        """The form shown to the person sending (may be empty)."""

    def prepare(self, request: ActionRequest) -> Sending:
        """Check the params and form values; raise ``ActionInputError`` if any is bad."""


def text_param(request: ActionRequest, name: str, label: str) -> str:
    """A required, non-empty text param.

    Raises:
        ActionInputError: about ``name``.
    """
    value = request.params.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ActionInputError({name: messages.param_missing(label, name)})
    return value.strip()


def merge_errors(*checks: Callable[[], None]) -> None:
    """Run each zero-argument check, then raise one error listing every problem found."""
    errors: dict[str, str] = {}
    for check in checks:
        try:
            check()
        except ActionInputError as exc:
            errors.update(exc.errors)
    if errors:
        raise ActionInputError(errors)
