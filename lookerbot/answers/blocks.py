"""Block Kit for answers: their buttons and filter menus, the subscription modal, the
subscriptions list and the App Home tab, each within Slack's limits.

Limits (https://docs.slack.dev/reference/block-kit): an ``actions`` block holds at most 25
elements; a button's ``text`` 75 characters, ``value`` 2,000, ``url`` 3,000; an
``action_id`` or ``block_id`` 255 characters; an option's ``text`` 75 and ``value`` 150; a
select 100 options; an overflow menu 5 options; a modal or Home tab 100 blocks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lookerbot import messages
from lookerbot.answers.refs import Answer, AnswerRef, View, json_object, safe_json
from lookerbot.formatting.message import Block, context, divider, header, section, truncate
from lookerbot.formatting.slack_text import escape
from lookerbot.looker.models import DashboardFilter, Schedule

ACTIONS_BLOCK = "answer_actions"
FILTERS_BLOCK = "answer_filters:"
"""The filter menus' block id: this prefix, then the Looker instance's URL."""
REFRESH = "answer:refresh"
VIEW = "answer:view"
CSV = "answer:csv"
OPEN = "answer:open"
SUBSCRIBE = "answer:subscribe"
FILTER = "answer_filter:"
"""A filter menu's action id: this prefix, then the filter as JSON (name, model, explore,
field), so that its options can be looked up without another Looker call."""
SUBSCRIPTION_MENU = "subscription:menu"
SUBSCRIBE_VIEW = "answer_subscribe"
HOME_REFRESH = "home:refresh"
MAX_FILTER_MENUS = 5
MAX_ID = 255
MAX_OPTIONS = 100
MAX_VIEW_BLOCKS = 100


def plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": True}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value[:150]}


def _button(text: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "action_id": action_id,
        "text": plain(text),
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def answer_blocks(answer: Answer, *, subscribe: bool) -> list[Block]:
    """The buttons (and filter menus) under an answer. ``subscribe`` offers "Subscribe"
    (a scheduled plan of the dashboard, or of an ``ask`` answer saved as a Look)."""
    ref = answer.ref
    value = ref.encode()
    elements: list[Block] = []
    if value is not None:
        elements.append(_button(messages.ANSWER_REFRESH, REFRESH, value))
        if not ref.whole:
            other: View = "table" if ref.view == "chart" else "chart"
            toggled = ref.with_view(other).encode()
            label = messages.ANSWER_AS_TABLE if other == "table" else messages.ANSWER_AS_CHART
            if toggled is not None:
                elements.append(_button(label, VIEW, toggled))
            elements.append(_button(messages.ANSWER_CSV, CSV, value))
    if answer.open_url.startswith(("https://", "http://")) and len(answer.open_url) <= 3000:
        elements.append(
            {
                "type": "button",
                "action_id": OPEN,
                "text": plain(messages.ANSWER_OPEN),
                "url": answer.open_url,
            }
        )
    if value is not None and subscribe:
        elements.append(_button(messages.ANSWER_SUBSCRIBE, SUBSCRIBE, value, style="primary"))
    blocks: list[Block] = []
    if elements:
        blocks.append({"type": "actions", "block_id": ACTIONS_BLOCK, "elements": elements})
    menus = filter_menus(ref, answer.filters) if value is not None else None
    if menus is not None:
        blocks.append(menus)
    return blocks


def filter_menus(ref: AnswerRef, filters: Sequence[DashboardFilter]) -> Block | None:
    """A menu per dashboard filter of a field (at most 5), its options loaded from Looker's
    suggestions as the person types, showing the value the answer ran with."""
    block_id = FILTERS_BLOCK + ref.looker
    if len(block_id) > MAX_ID:
        return None
    menus: list[Block] = []
    for f in filters:
        if not (f.dimension and f.model and f.explore):
            continue
        spec = safe_json([f.name, f.model, f.explore, f.dimension])
        action_id = FILTER + spec
        if len(action_id) > MAX_ID:
            continue
        menu: Block = {
            "type": "external_select",
            "action_id": action_id,
            "placeholder": plain(f.title or f.name, 150),
            "min_query_length": 0,
        }
        current = ref.filters.get(f.name, "")
        if current and len(current) <= 150:
            menu["initial_option"] = option(current, current)
        menus.append(menu)
        if len(menus) == MAX_FILTER_MENUS:
            break
    if not menus:
        return None
    return {"type": "actions", "block_id": block_id, "elements": menus}


def filter_spec(action_id: str) -> tuple[str, str, str, str] | None:
    """The filter a menu's action id names: (name, model, explore, field)."""
    if not action_id.startswith(FILTER):
        return None
    try:
        spec = json.loads(action_id[len(FILTER) :])
    except ValueError:
        return None
    if not (isinstance(spec, list) and len(spec) == 4 and all(isinstance(s, str) for s in spec)):
        return None
    return spec[0], spec[1], spec[2], spec[3]


def ref_of_message(blocks: Any) -> AnswerRef | None:
    """The answer a message shows, from its Refresh button."""
    for block in blocks if isinstance(blocks, list) else []:
        if not isinstance(block, dict) or block.get("block_id") != ACTIONS_BLOCK:
            continue
        for element in block.get("elements") or []:
            if isinstance(element, dict) and element.get("action_id") == REFRESH:
                return AnswerRef.decode(element.get("value"))
    return None


def suggestion_options(values: Sequence[str]) -> list[dict[str, Any]]:
    """Options for a filter menu: Looker's suggestions (at most 100, each within 150
    characters: a longer value could not be given back whole)."""
    return [option(v, v) for v in values if v and len(v) <= 150][:MAX_OPTIONS]


# -- the subscription modal --------------------------------------------------------------

FREQUENCIES = (
    ("daily", "Every day"),
    ("weekdays", "Every weekday (Mon–Fri)"),
    ("weekly", "Every week"),
    ("monthly", "Every month (on the 1st)"),
)
DAYS = (
    ("1", "Monday"),
    ("2", "Tuesday"),
    ("3", "Wednesday"),
    ("4", "Thursday"),
    ("5", "Friday"),
    ("6", "Saturday"),
    ("0", "Sunday"),
)
TIMES = tuple(f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30))
ZONES = (
    "UTC",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Amsterdam",
    "Europe/Madrid",
    "Europe/Stockholm",
    "Europe/Helsinki",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)


@dataclass(frozen=True)
class SubscribeContext:
    """What the subscription modal is about: the answer, and where it was asked."""

    ref: AnswerRef
    channel: str
    in_dm: bool

    def metadata(self) -> str:
        return json.dumps(
            {"r": self.ref.encode(), "c": self.channel, "d": self.in_dm}, separators=(",", ":")
        )

    @classmethod
    def from_metadata(cls, text: Any) -> SubscribeContext | None:
        data = json_object(text)
        if data is None or not isinstance(data.get("c"), str):
            return None
        ref = AnswerRef.decode(data.get("r"))
        if ref is None:
            return None
        return cls(ref=ref, channel=data["c"], in_dm=data.get("d") is True)


def _select(block_id: str, label: str, options: list[dict[str, Any]], initial: str) -> Block:
    element: Block = {"type": "static_select", "action_id": "value", "options": options}
    chosen = next((o for o in options if o["value"] == initial), None)
    if chosen is not None:
        element["initial_option"] = chosen
    return {"type": "input", "block_id": block_id, "label": plain(label), "element": element}


def subscribe_view(where: SubscribeContext, *, zone: str, owner_note: str) -> dict[str, Any]:
    """The modal to subscribe to an answer: how often, at what time, in which time zone
    (the person's own first), and where it goes."""
    zones = [zone, *(z for z in ZONES if z != zone)] if zone else list(ZONES)
    day = _select("day", "Day (for every week)", [option(t, v) for v, t in DAYS], "1")
    day["optional"] = True
    destinations = [option(messages.SUBSCRIBE_TO_DM, "dm")]
    if not where.in_dm:
        destinations.insert(0, option(messages.SUBSCRIBE_TO_CHANNEL, "channel"))
    blocks: list[Block] = [
        section(f"*{escape(where.ref.title)}*"),
        _select("frequency", "How often", [option(t, v) for v, t in FREQUENCIES], "daily"),
        day,
        _select("time", "Time", [option(t, t) for t in TIMES], "09:00"),
        _select("timezone", "Time zone", [option(z, z) for z in zones[:MAX_OPTIONS]], zones[0]),
        _select("where", "Send it to", destinations, destinations[0]["value"]),
        context(owner_note),
    ]
    return {
        "type": "modal",
        "callback_id": SUBSCRIBE_VIEW,
        "title": plain("Subscribe", 24),
        "submit": plain("Subscribe", 24),
        "close": plain("Cancel", 24),
        "private_metadata": where.metadata(),
        "blocks": blocks,
    }


def submitted(view: dict[str, Any]) -> dict[str, str]:
    """The values chosen in a submitted modal, by block id."""
    values: dict[str, str] = {}
    state = view.get("state") if isinstance(view.get("state"), dict) else {}
    blocks = (state or {}).get("values") if isinstance(state, dict) else None
    for block_id, actions in (blocks or {}).items():
        element = actions.get("value") if isinstance(actions, dict) else None
        if not isinstance(element, dict):
            continue
        chosen = element.get("selected_option")
        if isinstance(chosen, dict) and isinstance(chosen.get("value"), str):
            values[block_id] = chosen["value"]
        elif isinstance(element.get("value"), str):
            values[block_id] = element["value"]
    return values


# -- subscriptions ---------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """A subscription as listed: its plan, on which instance, and how to say it."""

    looker: str
    plan: Schedule
    where: str
    """Where it posts, in mrkdwn (``<#C1>`` or ``a DM to <@U1>``)."""


def subscription_block(item: Listed) -> Block:
    """One subscription: what, when, where, next run and owner, with its menu (Pause or
    Resume, Send now, Delete)."""
    plan = item.plan
    state = "" if plan.enabled else f" · _{messages.SUBSCRIPTION_PAUSED}_"
    when = messages.describe_schedule(plan.crontab, plan.timezone)
    next_run = messages.slack_date(plan.next_run_at) if plan.enabled and plan.next_run_at else "—"
    text = (
        f"*{escape(plan.title)}*{state}\n{escape(when)} → {item.where}\n"
        f"{messages.subscription_facts(next_run, escape(plan.owner_name))}"
    )

    def value(action: str) -> str:
        return json.dumps({"u": item.looker, "p": plan.id, "a": action}, separators=(",", ":"))

    toggle = ("resume", "Resume") if not plan.enabled else ("pause", "Pause")
    options = [
        option(toggle[1], value(toggle[0])),
        option("Send now", value("send")),
        option("Delete", value("delete")),
    ]
    return {
        "type": "section",
        "block_id": f"subscription:{plan.id}"[:MAX_ID],
        "text": {"type": "mrkdwn", "text": truncate(text, 3000)},
        "accessory": {"type": "overflow", "action_id": SUBSCRIPTION_MENU, "options": options},
    }


def menu_choice(value: Any) -> tuple[str, str, str] | None:
    """(Looker URL, plan id, action) of a subscription menu's option."""
    data = json_object(value)
    if data is None:
        return None
    found = (data.get("u"), data.get("p"), data.get("a"))
    if not all(isinstance(v, str) and v for v in found):
        return None
    if found[2] not in ("pause", "resume", "send", "delete"):
        return None
    return found  # type: ignore[return-value]


def subscriptions_blocks(items: Sequence[Listed], *, budget: int) -> list[Block]:
    """Subscriptions, one block each, within ``budget`` blocks (a note says how many more)."""
    if not items:
        return [context(messages.NO_SUBSCRIPTIONS)]
    shown = list(items) if len(items) <= budget else list(items[: budget - 1])
    blocks = [subscription_block(i) for i in shown]
    if len(shown) < len(items):
        blocks.append(context(messages.more_subscriptions(len(items) - len(shown))))
    return blocks


def home_view(
    *,
    identity: str,
    commands: Sequence[tuple[str, Sequence[str]]],
    subscriptions: Sequence[Listed],
    notes: Sequence[str] = (),
) -> dict[str, Any]:
    """The App Home tab: who the bot answers as, the person's commands grouped as in help,
    and their subscriptions with the same menus; 100 blocks at most, whatever the counts."""
    blocks: list[Block] = [header(messages.HOME_TITLE), context(identity)]
    blocks += [context(n) for n in notes[:3]]
    blocks.append(
        {
            "type": "actions",
            "block_id": "home",
            "elements": [_button(messages.HOME_REFRESH, HOME_REFRESH, "home")],
        }
    )
    blocks += [divider(), section(f"*{messages.HOME_COMMANDS}*")]
    # Commands: one section per category, its names as one line of text (3,000 characters).
    category_budget = 30
    for index, (category, names) in enumerate(commands):
        if index == category_budget - 1 and len(commands) > category_budget:
            rest = sum(len(n) for _, n in commands[index:])
            blocks.append(context(messages.more_commands_home(rest)))
            break
        line = ", ".join(f"`{escape(n)}`" for n in names)
        blocks.append(section(truncate(f"*{escape(category)}*\n{line}", 3000)))
    if not commands:
        blocks.append(context(messages.HOME_NO_COMMANDS))
    blocks += [divider(), section(f"*{messages.HOME_SUBSCRIPTIONS}*")]
    budget = MAX_VIEW_BLOCKS - len(blocks)
    blocks += subscriptions_blocks(subscriptions, budget=budget)
    return {"type": "home", "callback_id": "lookerbot_home", "blocks": blocks[:MAX_VIEW_BLOCKS]}
