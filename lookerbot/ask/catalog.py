"""What ask needs from Looker, fetched once and cached per instance: Explores and values.

Each allowed Explore is read with ``GET /lookml_models/{model}/explores/{explore}`` and
indexed (:class:`~lookerbot.ask.index.ExploreIndex`); the values of its suggestable string
dimensions come from Looker's field suggestions. Both are kept for ``ttl`` seconds; a
refresh that fails keeps serving what was loaded before, so a Looker hiccup does not make
ask forget its Explores. Fields with more values than Looker suggests at once are looked up
again with the words of a question that nothing else matched.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from lookerbot.ask.index import ExploreIndex, ValueIndex, value_fields
from lookerbot.ask.parser import ExploreQuestion
from lookerbot.errors import LookerApiError
from lookerbot.looker.instances import LookerInstance
from lookerbot.looker.models import ExploreField

logger = logging.getLogger(__name__)

MAX_VALUE_FIELDS = 40
MAX_TERMS = 5
_CONCURRENCY = 4
RETRY_FAILED_REFRESH = 60.0
MAX_ENTRIES = 500
"""Explores kept at once (per person and Explore under run-as)."""
"""Seconds before an Explore whose refresh failed is read from Looker again."""


@dataclass
class _Entry:
    question: ExploreQuestion
    loaded_at: float
    capped: tuple[ExploreField, ...] = ()
    terms: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class LoadedExplore:
    """An allowed Explore, ready for the parser, and the instance it is on."""

    looker: LookerInstance
    question: ExploreQuestion

    @property
    def key(self) -> str:
        """``model/explore``."""
        return self.question.index.explore.key


class AskCatalog:
    """The allowed Explores of every instance, indexed, with their fields' values.

    Args:
        ttl: seconds an Explore and its values are kept before they are read again.
        clock: monotonic seconds.
    """

    def __init__(self, *, ttl: float = 600.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[tuple[str, str, str], _Entry] = {}
        self._loading: dict[tuple[str, str, str], asyncio.Task[_Entry]] = {}

    async def load(
        self, lookers: Iterable[LookerInstance]
    ) -> tuple[list[LoadedExplore], list[tuple[str, LookerApiError]]]:
        """Every allowed Explore of ``lookers``, in configuration order, and those that could
        not be read (``model/explore`` and why)."""
        wanted = [(looker, key) for looker in lookers for key in looker.settings.ask_explores]
        outcomes = await asyncio.gather(
            *(self._get(looker, key) for looker, key in wanted), return_exceptions=True
        )
        loaded: list[LoadedExplore] = []
        failed: list[tuple[str, LookerApiError]] = []
        for (looker, key), outcome in zip(wanted, outcomes, strict=True):
            if isinstance(outcome, LookerApiError):
                failed.append((key, outcome))
            elif isinstance(outcome, BaseException):
                raise outcome
            else:
                loaded.append(LoadedExplore(looker, outcome.question))
        return loaded, failed

    async def with_terms(self, explore: LoadedExplore, words: Sequence[str]) -> LoadedExplore:
        """``explore`` with more values: those of fields Looker suggested only some values
        of, looked up with ``words`` (those of a question nothing else matched)."""
        entry = self._entries.get((explore.looker.url, _viewer(explore.looker), explore.key))
        if entry is None or not entry.capped or not words:
            return explore
        terms = [w for w in dict.fromkeys(w.lower() for w in words) if len(w) >= 2][:MAX_TERMS]
        index = explore.question.index
        client = explore.looker.client
        extra = ValueIndex()
        semaphore = asyncio.Semaphore(_CONCURRENCY)

        async def lookup(f: ExploreField, term: str) -> None:
            cache_key = (f.name, term)
            if cache_key not in entry.terms:
                async with semaphore:
                    try:
                        found = await client.field_suggestions(
                            index.explore.model,
                            f.suggest_explore or index.explore.name,
                            f.suggest_dimension or f.name,
                            term=term,
                        )
                    except LookerApiError as exc:
                        logger.info("No suggestions for %s (%s): %s", f.name, term, exc.reason)
                        return
                entry.terms[cache_key] = found.values
            for value in entry.terms[cache_key]:
                extra.add(f, value)

        await asyncio.gather(*(lookup(f, t) for f in entry.capped for t in terms))
        if not extra.phrases:
            return explore
        values = explore.question.values.merged(extra)
        return LoadedExplore(explore.looker, dataclasses.replace(explore.question, values=values))

    def forget(self) -> None:
        """Drop everything cached (the next question reads the Explores again)."""
        self._entries.clear()

    async def _get(self, looker: LookerInstance, key: str) -> _Entry:
        # Under run-as, each person reads the Explore (its fields and values) in their own
        # Looker session, and keeps their own copy: suggestions follow their access filters.
        cache_key = (looker.url, _viewer(looker), key)
        entry = self._entries.get(cache_key)
        if entry is not None and self._clock() - entry.loaded_at < self._ttl:
            return entry
        task = self._loading.get(cache_key)
        if task is None:
            task = asyncio.get_running_loop().create_task(
                self._read(looker, key), name=f"ask-explore:{key}"
            )
            self._loading[cache_key] = task
            task.add_done_callback(lambda done: self._finished(cache_key, done))
        try:
            entry = await asyncio.shield(task)
        except LookerApiError as exc:
            stale = self._entries.get(cache_key)
            if stale is None:
                raise
            logger.warning(
                "Could not refresh Explore %s on %s (%s); using the one read before",
                key,
                looker.url,
                exc.reason,
            )
            # Keep serving it, and try Looker again in a while rather than on every question
            # (each would wait for Looker to fail first).
            stale.loaded_at = self._clock() - self._ttl + min(RETRY_FAILED_REFRESH, self._ttl)
            return stale
        if cache_key not in self._entries and len(self._entries) >= MAX_ENTRIES:
            # One copy per person and Explore under run-as: drop the oldest read.
            oldest = min(self._entries, key=lambda k: self._entries[k].loaded_at)
            del self._entries[oldest]
        self._entries[cache_key] = entry
        return entry

    def _finished(self, cache_key: tuple[str, str, str], task: asyncio.Task[_Entry]) -> None:
        self._loading.pop(cache_key, None)
        if not task.cancelled():
            task.exception()  # retrieved here even when every waiter has gone

    async def _read(self, looker: LookerInstance, key: str) -> _Entry:
        model, _, name = key.partition("/")
        explore = await looker.client.explore(model, name)
        index = ExploreIndex.build(explore)
        fields = value_fields(index)[:MAX_VALUE_FIELDS]
        semaphore = asyncio.Semaphore(_CONCURRENCY)

        async def suggest(f: ExploreField) -> tuple[ExploreField, tuple[str, ...], bool]:
            async with semaphore:
                try:
                    found = await looker.client.field_suggestions(
                        model, f.suggest_explore or name, f.suggest_dimension or f.name
                    )
                except LookerApiError as exc:
                    logger.info("No suggestions for %s on %s: %s", f.name, looker.url, exc.reason)
                    return f, (), False
            return f, found.values, found.hit_limit

        # its first day is read beside the suggestions, not after them
        suggested, dated_from = await asyncio.gather(
            asyncio.gather(*(suggest(f) for f in fields)), _first_day(looker, index)
        )
        values = ValueIndex()
        for f, field_values, _ in suggested:
            for value in field_values:
                values.add(f, value)
        capped = tuple(f for f, _, hit_limit in suggested if hit_limit)
        logger.info(
            "Read Explore %s on %s: %d fields, values of %d",
            key,
            looker.url,
            len(index.fields),
            len([s for s in suggested if s[1]]),
        )
        return _Entry(ExploreQuestion(index, values, dated_from), self._clock(), capped)


async def _first_day(looker: LookerInstance, index: ExploreIndex) -> date | None:
    """The earliest day of the Explore's time field: one inline query (the field, sorted,
    one row), run as the Explore's reader. ``None`` when Looker cannot say (an error, a null
    first, a value that is no date); a question is then never declined for its period."""
    dated = index.filter_time_field()
    if dated is None:
        return None
    body = {
        "model": index.explore.model,
        "view": index.explore.name,
        "fields": [dated.name],
        "sorts": [dated.name],
        "limit": "1",
    }
    try:
        result = await looker.client.run_inline_query(body)
    except LookerApiError as exc:
        logger.info("No first day for %s on %s: %s", index.explore.key, looker.url, exc.reason)
        return None
    cell = result.rows[0].get(dated.name) if result.rows else None
    try:
        return date.fromisoformat(str(cell.value)[:10]) if cell is not None else None
    except ValueError:
        return None


def _viewer(looker: LookerInstance) -> str:
    """Whose session ``looker``'s client reads with: a Looker user id under run-as, else
    ``""`` (the bot's API user)."""
    acting_as = getattr(looker.client, "acting_as", None)
    return str(acting_as) if acting_as else ""
