"""An optional language model that reads questions before the parser does.

Any OpenAI-compatible chat-completions endpoint works (``LOOKERBOT_ASK_LLM_URL``). The model
gets the question, today's date and each allowed Explore's fields, and must answer with one
JSON object::

    {"explore": "model/explore", "fields": ["view.field", ...],
     "filters": {"view.field": "<Looker filter expression>"},
     "sorts": ["view.field desc"], "limit": 10}

The answer is checked like any query (:func:`~lookerbot.ask.spec.build_spec`): an Explore
that is not allowed, a field the Explore does not have or hides, a bad sort or limit, and
the answer is dropped. Every failure (unreachable, slow, an error status, not JSON, not that
shape) returns ``None`` and is logged without the question or the key; the caller then asks
the parser.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

import aiohttp

from lookerbot.ask.parser import ExploreQuestion
from lookerbot.ask.spec import InvalidQuery, QuerySpec, build_spec
from lookerbot.proxies import Proxies
from lookerbot.settings import AskLlmSettings

logger = logging.getLogger(__name__)

MAX_VALUES_SHOWN = 25
MAX_ANSWER_BYTES = 64 * 1024

SYSTEM_PROMPT = """You turn questions about business data into Looker queries.
You are given today's date, the Explores you may use with their fields, and a question.
Answer with exactly one JSON object and nothing else, in this shape:
{"explore": "model/explore", "fields": ["view.field"], "filters": {"view.field": "expression"},
 "sorts": ["view.field desc"], "limit": 10}
Rules:
- Use only field names listed for the chosen Explore. Put dimensions to group by and the
  measures asked for in "fields".
- Filters use Looker filter expressions: dates like "7 days", "last month", "this year",
  "2025/03", "after 2025/01/01", "2025/01/01 to 2025/02/01"; strings like "West",
  "West,East", "-cancelled"; numbers like ">100".
- For a time series, group by the matching timeframe (e.g. created_month) and sort by it.
- "limit" is a number or null. "sorts" may be empty.
- If the question cannot be answered from these fields, answer {"fields": []}."""


def _values_by_field(question: ExploreQuestion) -> dict[str, list[str]]:
    found: dict[str, set[str]] = {}
    for matches in question.values.phrases.values():
        for match in matches:
            found.setdefault(match.field.name, set()).add(match.value)
    return {name: sorted(values)[:MAX_VALUES_SHOWN] for name, values in found.items()}


def _field_json(question: ExploreQuestion, name: str, values: list[str]) -> dict[str, Any]:
    f = question.index.fields[name]
    described: dict[str, Any] = {
        "name": f.name,
        "label": f.label,
        "kind": "measure" if f.is_measure else "dimension",
        "type": f.type,
    }
    if f.description:
        described["description"] = f.description
    if f.tags:
        described["tags"] = list(f.tags)
    if values:
        described["values"] = values
    return described


def build_messages(
    question: str, explores: Sequence[ExploreQuestion], today: date
) -> list[dict[str, str]]:
    """The chat messages sent for ``question``."""
    described = []
    for e in explores:
        values = _values_by_field(e)
        described.append(
            {
                "explore": e.index.explore.key,
                "label": e.index.explore.label,
                "description": e.index.explore.description,
                "fields": [_field_json(e, name, values.get(name, [])) for name in e.index.fields],
            }
        )
    payload = {"today": today.isoformat(), "explores": described, "question": question}
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": json.dumps(payload, ensure_ascii=False)},
    ]


def _answer_object(content: str) -> dict[str, Any]:
    """The JSON object in the model's answer (code fences and prose around it tolerated)."""
    fenced = re.search(r"```(?:json)?\s*(\{.*?\})\s*```", content, re.DOTALL)
    text = fenced.group(1) if fenced else content[content.find("{") : content.rfind("}") + 1]
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("the answer is not a JSON object")
    return data


def spec_from_answer(
    data: dict[str, Any], explores: Sequence[ExploreQuestion]
) -> tuple[QuerySpec, ExploreQuestion]:
    """The checked query a model's answer describes.

    Raises:
        InvalidQuery: the answer is not the expected shape, or names what does not exist.
    """
    by_key = {e.index.explore.key: e for e in explores}
    key = data.get("explore")
    if key is None and len(explores) == 1:
        key = explores[0].index.explore.key
    if not isinstance(key, str) or key not in by_key:
        raise InvalidQuery("the answer names no allowed Explore")
    fields, filters = data.get("fields"), data.get("filters") or {}
    sorts, limit = data.get("sorts") or [], data.get("limit")
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise InvalidQuery("fields is not a list of names")
    if not isinstance(filters, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in filters.items()
    ):
        raise InvalidQuery("filters is not an object of expressions")
    if not isinstance(sorts, list) or not all(isinstance(s, str) for s in sorts):
        raise InvalidQuery("sorts is not a list")
    if isinstance(limit, str) and limit.isdigit():
        limit = int(limit)
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
        raise InvalidQuery("limit is not a number")
    explore = by_key[key]
    spec = build_spec(
        explore.index,
        fields=fields,
        filters={k: v.strip() for k, v in filters.items()},
        sorts=[" ".join(s.split()) for s in sorts],
        limit=limit,
    )
    return spec, explore


class LlmReader:
    """Reads questions with an OpenAI-compatible chat-completions endpoint.

    Args:
        settings: the endpoint, model, key and timeout.
        session: the HTTP session to call it with.
    """

    def __init__(
        self,
        *,
        settings: AskLlmSettings,
        session: aiohttp.ClientSession,
        proxies: Proxies | None = None,
    ) -> None:
        self._settings = settings
        self._session = session
        self._proxies = proxies or Proxies()

    @property
    def model(self) -> str:
        """The model asked."""
        return self._settings.model

    async def read(
        self, question: str, explores: Sequence[ExploreQuestion], *, today: date
    ) -> tuple[QuerySpec, ExploreQuestion] | None:
        """The model's query for ``question``, checked; ``None`` on any failure."""
        settings = self._settings
        headers = {"Content-Type": "application/json"}
        if settings.api_key is not None:
            headers["Authorization"] = f"Bearer {settings.api_key.reveal()}"
        body = {
            "model": settings.model,
            "temperature": 0,
            "messages": build_messages(question, explores, today),
        }
        try:
            async with self._session.post(
                settings.url,
                json=body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=settings.timeout),
                proxy=self._proxies.for_url(settings.url),
            ) as response:
                raw = await response.content.read(MAX_ANSWER_BYTES + 1)
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            logger.warning(
                "Language model unreachable (%s); the parser answers", type(exc).__name__
            )
            return None
        if status != 200:
            logger.warning("Language model answered HTTP %s; the parser answers", status)
            return None
        try:
            if len(raw) > MAX_ANSWER_BYTES:
                raise ValueError("the answer is too large")
            answer = json.loads(raw)
            content = answer["choices"][0]["message"]["content"]
            if not isinstance(content, str):
                raise ValueError("no text in the answer")
            return spec_from_answer(_answer_object(content), explores)
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            # InvalidQuery is a ValueError: a field that does not exist lands here too.
            kind = "unusable query" if isinstance(exc, InvalidQuery) else "unreadable answer"
            logger.warning("Language model gave an %s (%s); the parser answers", kind, exc)
            return None
