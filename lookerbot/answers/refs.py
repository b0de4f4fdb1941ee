"""What an answer is, carried in its own buttons so a click needs no memory on the bot.

An :class:`AnswerRef` names the content behind an answer (a custom command's or a scheduled
post's dashboard and filter values, a Look, or a query) on one Looker instance, and how it
is shown. It travels as the value of the answer's buttons (compact JSON, within Slack's
2,000 characters), so any replica can act on a click, after any restart, as the person who
clicks.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from lookerbot.looker.models import DashboardFilter

logger = logging.getLogger(__name__)

MAX_VALUE = 2000
"""Slack's limit on a button's ``value``."""

View = Literal["table", "chart"]


_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def safe_json(data: Any) -> str:
    """Compact JSON with ``<``, ``>`` and ``&`` escaped (JSON reads them back the same), so
    that nothing in a button's value could read as Slack markup (``<!channel>``)."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).translate(_SAFE)


def json_object(text: Any) -> dict[str, Any] | None:
    """``text`` read as a JSON object; ``None`` for anything else."""
    try:
        data = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


@dataclass(frozen=True)
class AnswerRef:
    """The content behind an answer.

    Attributes:
        kind: ``command`` (a dashboard: a custom command's, or one Looker's scheduler sent),
            ``look`` or ``query``.
        looker: the instance's URL.
        target: the dashboard id (``command``), the Look id (``look``) or the query id
            (``query``).
        title: the answer's title (the command's dashboard, or what ``ask`` ran in words).
        view: what it shows now: a text table or a chart.
        filters: the dashboard filters' values, by filter name (``command``).
        command: the custom command's name (``command``).
        source: the link shown with the result (``query``: the Explore).
        ask: the answer starts with ``ask``'s line saying in words what was run.
        whole: the whole dashboard is one image (several tiles): no table to switch to.
    """

    kind: Literal["command", "look", "query"]
    looker: str
    target: str
    title: str
    view: View = "table"
    filters: dict[str, str] = field(default_factory=dict)
    command: str = ""
    source: str = ""
    ask: bool = False
    whole: bool = False

    def with_view(self, view: View) -> AnswerRef:
        """This answer shown as ``view``."""
        return replace(self, view=view)

    def with_filter(self, name: str, value: str) -> AnswerRef:
        """This answer with dashboard filter ``name`` set to ``value``."""
        return replace(self, filters={**self.filters, name: value})

    def encode(self) -> str | None:
        """The compact JSON a button carries; ``None`` when it does not fit (then the
        answer offers no buttons that need it)."""
        data: dict[str, Any] = {
            "k": self.kind[0],
            "u": self.looker,
            "t": self.target,
            "n": self.title,
            "v": self.view[0],
        }
        if self.filters:
            data["f"] = self.filters
        if self.command:
            data["c"] = self.command
        if self.ask:
            data["a"] = 1
        if self.whole:
            data["w"] = 1
        if self.source:
            data["s"] = self.source
        text = safe_json(data)
        if len(text) > MAX_VALUE and self.source:
            data.pop("s")  # the Explore link is made again from the query
            text = safe_json(data)
        if len(text) > MAX_VALUE:
            logger.info("An answer is too large for Slack buttons (%d characters)", len(text))
            return None
        return text

    @classmethod
    def decode(cls, value: Any) -> AnswerRef | None:
        """The answer a button's value names; ``None`` for anything else (a forged or
        damaged value is refused, never half-read)."""
        data = json_object(value) if isinstance(value, str) and len(value) <= MAX_VALUE else None
        if data is None:
            return None
        kinds = {"c": "command", "l": "look", "q": "query"}
        kind = kinds.get(data.get("k"))  # type: ignore[arg-type]
        view = {"t": "table", "c": "chart"}.get(data.get("v"))  # type: ignore[arg-type]
        texts = [data.get(k, "") for k in ("u", "t", "n", "c", "s")]
        filters = data.get("f", {})
        if (
            kind is None
            or view is None
            or not all(isinstance(t, str) for t in texts)
            or not texts[0]
            or not texts[1]
            or not isinstance(filters, dict)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in filters.items())
        ):
            return None
        return cls(
            kind=kind,  # type: ignore[arg-type]
            looker=texts[0],
            target=texts[1],
            title=texts[2],
            view=view,  # type: ignore[arg-type]
            filters=dict(filters),
            command=texts[3],
            source=texts[4],
            ask=data.get("a") == 1,
            whole=data.get("w") == 1,
        )


@dataclass(frozen=True)
class Answer:
    """An answer the bot can act on again: what it is, where to open it, and the dashboard
    filters a person may change in place."""

    ref: AnswerRef
    open_url: str
    filters: tuple[DashboardFilter, ...] = ()
