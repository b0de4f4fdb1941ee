"""find [look|dashboard] [instance] <words>: search Looks and dashboards by title."""

from __future__ import annotations

import asyncio
import difflib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from lookerbot import messages
from lookerbot.commands.base import CommandRequest, Reply
from lookerbot.errors import CommandError, LookerApiError
from lookerbot.formatting.message import Message, context, section
from lookerbot.formatting.slack_text import escape, link
from lookerbot.looker.instances import LookerInstance, LookerRegistry
from lookerbot.looker.models import ContentKind, ContentRef

logger = logging.getLogger(__name__)

MAX_RESULTS = 5
_PER_SEARCH = 50
_MAX_WORDS = 5
_KIND_WORDS: dict[str, ContentKind] = {
    "look": "look",
    "looks": "look",
    "dashboard": "dashboard",
    "dashboards": "dashboard",
}


@dataclass(frozen=True)
class Found:
    """A search result and the instance it is on."""

    looker: LookerInstance
    content: ContentRef


def score(query: str, title: str) -> float:
    """How well ``title`` matches ``query``: higher is better, 0 is no match at all.

    An exact title beats one that starts with the query, which beats one containing it,
    which beats one containing all its words, then some of them; similarity breaks ties.
    """
    q, t = " ".join(query.lower().split()), " ".join(title.lower().split())
    if not q or not t:
        return 0.0
    similarity = difflib.SequenceMatcher(None, q, t).ratio()
    if t == q:
        return 100.0
    if t.startswith(q):
        return 90.0 + similarity
    if q in t:
        return 80.0 + similarity
    words = q.split()
    found = sum(1 for w in words if w in t)
    if not found:
        return 0.0
    return 60.0 * found / len(words) + similarity


def rank(query: str, found: Sequence[Found]) -> list[Found]:
    """The matches, best first; ties go to the shorter title, then to Looks, then by id."""
    scored = [(score(query, f.content.title), f) for f in found]
    scored = [(s, f) for s, f in scored if s > 0]
    scored.sort(
        key=lambda sf: (
            -sf[0],
            len(sf[1].content.title),
            sf[1].content.title.lower(),
            sf[1].content.kind,
            sf[1].content.id,
        )
    )
    return [f for _, f in scored]


def search_patterns(query: str) -> list[str]:
    """Looker title patterns for ``query``: the whole phrase, then each longer word."""
    words = [w for w in query.split() if len(w) >= 2]
    patterns = [f"%{query}%"]
    for word in sorted(set(words), key=len, reverse=True)[:_MAX_WORDS]:
        if f"%{word}%" not in patterns:
            patterns.append(f"%{word}%")
    return patterns


class FindCommand:
    """Searches Looks and dashboards on every instance (or the one named) by title."""

    name = "find"
    slow = True

    def __init__(self, *, lookers: LookerRegistry) -> None:
        self._lookers = lookers

    async def run(self, request: CommandRequest, args: str) -> Reply:
        words = args.split()
        kind: ContentKind | None = None
        if words and words[0].lower() in _KIND_WORDS:
            kind = _KIND_WORDS[words.pop(0).lower()]
        lookers = request.lookers or self._lookers
        targets = list(lookers)
        if len(words) > 1 and (named := lookers.named(words[0])) is not None:
            words.pop(0)
            targets = [named]
        query = " ".join(words)
        if not query:
            raise CommandError(messages.FIND_USAGE)

        kinds: list[ContentKind] = [kind] if kind else ["look", "dashboard"]
        outcomes = await asyncio.gather(
            *(self._search(looker, kinds, query) for looker in targets), return_exceptions=True
        )
        found: list[Found] = []
        failures: list[tuple[LookerInstance, LookerApiError]] = []
        for looker, outcome in zip(targets, outcomes, strict=True):
            if isinstance(outcome, LookerApiError):
                failures.append((looker, outcome))
            elif isinstance(outcome, BaseException):
                raise outcome
            else:
                found.extend(outcome)
        if failures and len(failures) == len(targets):
            raise failures[0][1]

        best = rank(query, found)[:MAX_RESULTS]
        notes = [messages.find_partial_failure(lk.url, err.reason) for lk, err in failures]
        if not best:
            text = messages.find_no_match(query, kind)
            blocks = [section(text)] + ([context(*notes)] if notes else [])
            return Reply(Message.from_blocks(blocks, text))
        lines = [self._line(f, several=len(self._lookers) > 1) for f in best]
        blocks = [section(f"*{messages.FIND_HEADING}*\n" + "\n".join(lines))]
        if notes:
            blocks.append(context(*notes))
        return Reply(Message.from_blocks(blocks, messages.FIND_HEADING))

    async def _search(
        self, looker: LookerInstance, kinds: list[ContentKind], query: str
    ) -> list[Found]:
        calls = [
            looker.client.search_content(k, pattern, limit=_PER_SEARCH)
            for k in kinds
            for pattern in search_patterns(query)
        ]
        results = await asyncio.gather(*calls)
        unique: dict[tuple[str, str], ContentRef] = {}
        for batch in results:
            for item in batch:
                unique.setdefault((item.kind, item.id), item)
        return [Found(looker, c) for c in unique.values()]

    @staticmethod
    def _line(found: Found, *, several: bool) -> str:
        content = found.content
        what = "Look" if content.kind == "look" else "Dashboard"
        where = f" in _{escape(content.folder.name)}_" if content.folder else ""
        instance = f" on {escape(found.looker.host)}" if several else ""
        title = content.title or f"{what} {content.id}"
        return f"• {link(found.looker.url + content.path, title)} — {what}{where}{instance}"
