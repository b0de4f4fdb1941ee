"""Follow-up questions in a thread: "now by month", "only the West", "what about last
year?", "top 10 instead" refine the thread's last query rather than start again.

The follow-up is read by the same parser as a question, against the previous query's
Explore, and what it names replaces (or, with "also"/"split by", joins) the matching part
of the previous query:

- a breakdown ("by X", "now by X", "by X instead") replaces the dimensions; "also by X",
  "and by X" adds X; "split by X" / "across X" adds X as a pivot;
- a value ("only the West", "just Chat") sets that field's filter; "excluding X" adds an
  exclusion;
- a time ("what about last year?") replaces the time filter;
- a ranking ("top 10 instead") sorts the measure and limits the rows ("which was
  highest?": one row); "highest first", "lowest first", "reverse it" only sort;
- a measure ("what about net revenue?", "and churn rate?") replaces the measures; "and
  churn rate", "and AOV too", "plus ARR", "the count too", "add AOV" add one;
- "drop category", "without region" remove a breakdown; "remove the date filter", "no
  filters" remove filters ("without the West", "remove West" leave the value out: taken
  from the values a filter keeps, if it keeps some);
- "as a percentage", "share of total" add the first measure's percent of its total;
- a first word that only acknowledges the answer ("ok", "hmm", "cool") is passed over;
- "all time" drops the time filter; "compare to last year" is declined (which period
  against which, the thread's query does not say).

Text that reads as a whole question of its own (a measure and a breakdown, without a
follow-up's leading words) is not a follow-up: :func:`refine` returns ``None``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from lookerbot.ask.dates import (
    TimeFilter,
    Unit,
    before_first_day,
    combine,
    periods_in,
    read_time,
)
from lookerbot.ask.index import ExploreIndex, ValueMatch
from lookerbot.ask.parser import (
    _SHARE_WORDS,
    _UNIT_TIMEFRAME,
    ExploreQuestion,
    _Parser,
    _Reading,
    known_words,
)
from lookerbot.ask.spec import (
    Calculation,
    InvalidQuery,
    NotUnderstood,
    ParseResult,
    QuerySpec,
    build_spec,
    escape_value,
)
from lookerbot.ask.spelling import corrected, read_as, typo_fixes
from lookerbot.ask.words import stems, tokenize

_LEADS = re.compile(
    r"^\s*(?:ok(?:ay)?,?\s+|and\s+|but\s+|so\s+|cool,?\s+|thanks,?\s+)?"
    r"(?P<lead>now|what about|how about|and what about|what if|just|only|also|add|include|"
    r"throw in|excluding|"
    r"except|without|exclude|minus|split(?: it| out)? by|break(?: it)? down by|across|"
    r"(?:the )?same(?: thing)?(?: but)? (?:for|in))?\b",
    re.IGNORECASE,
)
_INTERJECTION = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|cool|hmm+|great|nice|thanks|thx|alright|sure|perfect|got it|actually)"
    r"\s*[,.!]*\s+)+",
    re.IGNORECASE,
)
"""A reply's first words that only acknowledge the answer: "hmm, and by channel"."""
_POLITE = re.compile(
    r"^\s*(?:(?:could|can|would|will)\s+(?:you|we|u)\s+(?:please\s+)?|please\s+|let'?s\s+)",
    re.IGNORECASE,
)
"""A request's polite start: "could you split that by plan", "let's leave out Low"."""
_THAT = re.compile(r"\b(split|break|show|see|do|have)\s+(?:that|it|this|them)\b", re.IGNORECASE)
"""The answer referred to after a verb: "split that by plan" is "split by plan"."""
_LOOK_AT = re.compile(
    r"^\s*(?:what|how)\s+(?:if|about if)\s+(?:we|i|you)\s+(only|just)\s+"
    r"(?:look(?:ed)?\s+at|see|count|keep|take)\s+",
    re.IGNORECASE,
)
"""A narrowing asked as a suggestion: "what if we only look at Enterprise accounts"."""
_LEAVE_OUT = re.compile(r"^\s*(?:leave|leaving|take|taking)\s+out\s+", re.IGNORECASE)
_SWAP = re.compile(
    r"^\s*(?:swap|switch|change|flip)(?:\s+(?:it|that|this))?\s+(?:in|to|over to)\s+",
    re.IGNORECASE,
)
"""A replacement said as a swap: "swap in AOV", "switch to plan" (as "... instead")."""
_RESLICE = re.compile(r"^\s*(?:re-?slice|slice|cut|group)(?:\s+(?:it|that))?\s+by\s+", re.I)
"""Another breakdown: "re-slice by industry" (as "now by industry")."""
_SAME_BUT = re.compile(r"^\s*(?:the\s+)?same(?:\s+thing)?\s+but(?:\s+(?:for|with))?\s+", re.I)
"""The same query with one thing changed: "same but net sales" (as "what about ...")."""
_INSTEAD_OF = re.compile(r"\b(instead|rather)\s+(?:of|than)\s+(?P<what>[^?.!]*)", re.IGNORECASE)
"""What a replacement replaces, which the previous query says: "ARR instead of MRR"."""
_COMPARING = frozenset({"vs", "versus", "compare", "compared", "against", "change", "growth"})
_ALL_TIME = re.compile(r"\ball[- ]time\b", re.IGNORECASE)
_ORDER = re.compile(
    r"^\s*(?:sort(?:ed)?\s+|order(?:ed)?\s+)?(?:(?P<way>highest|biggest|largest|most|top|lowest|"
    r"smallest|least|fewest|bottom)\s+(?:ones?\s+)?(?:first|on top)|(?P<rev>reverse)"
    r"(?:\s+(?:it|that|this|the order|the sort))?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_DROP = re.compile(
    r"^\s*(?:and\s+|now\s+|also\s+)?(?:drop|remove|take out|get rid of|without|no|lose|ditch)"
    r"\s+(?P<what>.+?)"
    r"\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_AS_SHARE = re.compile(
    r"^\s*(?:(?:show|give|make)\s+(?:it|that|this|me)?\s*)?(?:(?:as|in)\s+(?:a\s+)?"
    r"(?:percentages?|percents?|shares?|%)|(?:the\s+)?(?:share|percentages?|%)\s+of\s+(?:the\s+)?"
    r"total)(?:\s+of\s+(?:the\s+)?total)?\s*(?:instead)?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
"""A reply asking for the answer as shares of its total: "as a percentage"."""
_AS_CHANGE = re.compile(
    r"^\s*(?:and|plus|with|add|also|\+)?\s*(?:the\s+)?(?:yoy|mom|qoq|wow)?\s*"
    r"(?:%|percent(?:age)?|pct)?\s*"
    r"(?:change|growth|difference)(?:\s+(?:too|as well|pls|please))?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
"""A reply asking for the change between the periods of the answer: "and the % change?"."""
_VERSUS = re.compile(
    r"^\s*(?:and\s+)?(?:vs\.?|versus|compared (?:to|with)|against)\s+(?P<when>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
"""A reply comparing the answer's period with another: "vs last week?"."""
_PLUS = re.compile(r"^\s*(?:and|plus|with)\s+(?!by\b|per\b)", re.IGNORECASE)
_AND_ASKED = re.compile(r"^\s*and\s.*\?\s*$", re.IGNORECASE | re.DOTALL)
"""A follow-up "and <measure>?" asked as a question: what about it, instead."""
_TOO = re.compile(r"\s+(?:too|as well)\s*[?.!]*\s*$", re.IGNORECASE)
_AND_BY = re.compile(r"^\s*(?:and|plus)\s+(?:by|per)\b", re.IGNORECASE)
_INSTEAD = re.compile(r"\b(instead|rather)\b[?.!,]*(?=\s|$)", re.IGNORECASE)
_ADD = (
    "also",
    "split by",
    "split it by",
    "split out by",
    "across",
    "break down by",
    "break it down by",
)
_NEGATE = ("excluding", "except", "without", "exclude", "minus")
WHY = re.compile(r"^\s*(why|how did you get (this|that)|what did you run)\s*[?.!]*\s*$", re.I)
AS_CHART = re.compile(
    r"^\s*(?:(?:show|make|draw|give)\s+(?:it|this|that|me)\s+)?(?:as|in)\s+an?\s+"
    r"(?P<kind>chart|graph|plot|table)\s*(?:instead)?\s*[?.!]*\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Previous:
    """The thread's last query, as kept with the thread."""

    spec: QuerySpec

    @classmethod
    def from_json(cls, index: ExploreIndex, data: dict[str, Any]) -> Previous | None:
        """The kept query, checked again against the Explore as it is now; ``None`` if it
        no longer fits (a field was removed or hidden since)."""
        try:
            spec = build_spec(
                index,
                fields=[str(f) for f in data["fields"]],
                filters={str(k): str(v) for k, v in data["filters"].items()},
                sorts=[str(s) for s in data["sorts"]],
                limit=int(data["limit"]) if data.get("limit") is not None else None,
                pivots=[str(p) for p in data.get("pivots") or []],
                calculations=[
                    Calculation(str(c["type"]), str(c["field"]))
                    for c in data.get("calculations") or []
                ],
            )
        except (InvalidQuery, KeyError, TypeError, ValueError, AttributeError):
            return None
        return cls(spec)


def _compared_periods(previous: QuerySpec, index: ExploreIndex) -> str | None:
    """The time breakdown of a query of two periods side by side and nothing else ("this
    year vs last year": Created Year), if it is one."""
    dims = [f for f in previous.fields if not index.fields[f].is_measure]
    time_field = index.filter_time_field()
    said = previous.filters.get(time_field.name, "") if time_field is not None else ""
    if len(dims) != 1 or not index.fields[dims[0]].is_timeframe or previous.pivots:
        return None
    units: tuple[Unit, ...] = ("day", "week", "month", "quarter", "year")
    timeframe = index.fields[dims[0]].timeframe
    unit = next((u for u in units if _UNIT_TIMEFRAME[u] == timeframe), None)
    return dims[0] if unit is not None and periods_in(said, unit) == 2 else None


def _replaced_dimension(
    swapped: re.Match[str] | None, dims: list[str], explore: ExploreQuestion, today: date
) -> str | None:
    """The one breakdown of ``dims`` that "instead of ..." names ("channel instead of
    topic": Topic), if it names one."""
    if swapped is None:
        return None
    parser = _Parser(f"by {swapped['what']}", explore.index, explore.values, today, ())
    named = [d.name for d in parser.read(parser.match()).dimensions if d.name in dims]
    return named[0] if len(named) == 1 else None


def refine(
    previous: QuerySpec, text: str, explore: ExploreQuestion, *, today: date
) -> ParseResult | None:
    """``text`` as a change to ``previous``; ``None`` when it is a question of its own."""
    if re.search(r"\bwhy\b", text, re.IGNORECASE) and not WHY.match(text):
        # "and why did they churn?": a cause, which no change to the query says ("why?"
        # alone asks how the answer was found: see ``WHY``)
        index = explore.index
        return NotUnderstood(
            index.explore.key, ("why",), tuple(index.some_fields()), reason="why", matched=0
        )
    text = _INTERJECTION.sub("", text, count=1) or text
    text = _POLITE.sub("", text, count=1) or text
    text = _LOOK_AT.sub(r"\1 ", text, count=1)
    text = _LEAVE_OUT.sub("excluding ", text, count=1)
    if _SWAP.match(text):
        text = _SWAP.sub("", text, count=1).rstrip(" ?.!") + " instead"
    text = _RESLICE.sub("now by ", text, count=1)
    text = _SAME_BUT.sub("what about ", text, count=1)
    swapped = _INSTEAD_OF.search(text)  # "channel instead of topic": what is replaced
    text = _INSTEAD_OF.sub(r"\1", _THAT.sub(r"\1", text))
    dropped = _DROP.match(text)
    unchanged = _without(previous, explore.index, dropped.group("what")) if dropped else None
    if unchanged is not None:
        return unchanged
    if dropped:
        text = f"without {dropped.group('what')}"  # "remove west": left out, as a value
    if _AS_SHARE.match(text):
        return _as_share(previous, explore.index, text)
    if _AS_CHANGE.match(text):
        return _as_change(previous, explore.index, text)
    versus = _VERSUS.match(text)
    if versus:
        return _versus(previous, explore, versus.group("when"), today)
    ordered = _ORDER.match(text)
    if ordered:
        way = (ordered.group("way") or ordered.group("rev")).lower()
        return _reordered(previous, explore.index, way)
    lead_match = _LEADS.match(text)
    lead = (lead_match.group("lead") or "").lower() if lead_match else ""
    lead = "also" if lead in ("add", "include", "throw in") else lead  # "add AOV"
    if not lead and _AND_BY.match(text):
        lead = "also"  # "and by category": one more breakdown
    if not lead and re.search(r"\bsplit(?: it| out)? by\b", text, re.IGNORECASE):
        lead = "split by"  # "healthcare and retail together, split by industry": a pivot
    rest = text[lead_match.end() :] if lead_match and lead_match.group("lead") and lead else text
    also_split = re.match(r"\s*(split(?: it| out)? by|across)\b", rest, re.IGNORECASE)
    if lead == "also" and also_split:  # "also split by channel": a pivot, as "split by"
        lead = also_split.group(1).lower()
        rest = rest[also_split.end() :]
    rest = _INSTEAD.sub("", rest).strip(" ?.!")
    instead = bool(_INSTEAD.search(text))
    # "and churn rate", "plus ARR", "the count too": one more measure beside the others;
    # "and churn rate?", "and her order count?", asked as a question, is what about it
    # instead (two blind sets, while every "and ... too" of the sets adds)
    plus = bool(_PLUS.match(text)) and not _AND_ASKED.match(text)
    adding = not instead and (lead == "also" or plus or bool(_TOO.search(rest)))
    rest = _TOO.sub("", rest).strip(" ?.!")
    # "excluding returned": read as "not returned", where a value wins over a field.
    said = f"not {rest}" if lead in _NEGATE else rest
    if lead.endswith(" by") or lead == "across":
        said = f"by {rest}"  # "break it down by agent": a breakdown, not the agents counted
    parser = _Parser(said, explore.index, explore.values, today, ())
    reading = parser.read(parser.match())
    index = explore.index
    only = _only_value(explore, rest) if lead in ("just", "only", *_NEGATE) else None
    read = reading.includes or reading.excludes
    if only and len({m.field.name for m in only}) == 1 and not read:
        # "only returned (orders)", "without returned orders": the value, though a
        # measure is named so (a negating lead makes it an exclusion below)
        reading.includes[only[0].field.name] = [m.value for m in only]
        reading.measures, reading.weak_measures = [], []
        reading.grain = None  # "only monthly": the billing period, not a monthly grain
        reading.unknown = [w for w in reading.unknown if w != "not"]
    if reading.unknown:
        fixes = typo_fixes(text, reading.unknown, known_words([explore]))
        again = refine(previous, corrected(text, fixes), explore, today=today) if fixes else None
        if isinstance(again, QuerySpec):  # "now by regoin": read as "region", and said so
            return dataclasses.replace(again, description=read_as(again.description, fixes))
        return NotUnderstood(
            index.explore.key, tuple(reading.unknown), tuple(index.some_fields()), matched=0
        )
    if (reading.versus or reading.change) and reading.time is not None:
        # "compare to last year": which period against which, a thread's last query does
        # not say; asked as a question of its own it is read whole (see ``ask``).
        said = next((w for w in rest.split() if w.lower() in _COMPARING), rest)
        return NotUnderstood(
            index.explore.key, (said,), tuple(index.some_fields()), reason="", matched=0
        )
    new_dims = _dimensions(reading, index)
    named_measures = {m.name for m in (reading.measures or reading.weak_measures)}
    new_dims = [  # "what about max order amount?": the amount is what the measure measures
        d
        for d in new_dims
        if not {m.name for m in parser.measures_of_number(index.fields[d])} & named_measures
        or index.fields[d].is_measure
        or not index.fields[d].is_numeric
        or index.fields[d].is_timeframe
    ]
    if (
        not lead
        and not instead
        and (reading.measures or reading.weak_measures or reading.how_many)
        and new_dims
    ):
        return None  # a whole question: read it as one
    fields = list(previous.fields)
    old_dims = [f for f in fields if not index.fields[f].is_measure]
    measures = [f for f in fields if index.fields[f].is_measure]
    pivots = list(previous.pivots)
    calculations = list(previous.calculations)
    sorts = list(previous.sorts)
    limit = previous.limit
    filters = dict(previous.filters)
    changed = False

    named = list(reading.measures or reading.weak_measures)
    if named and all(
        m.name in reading.described
        and (m.name not in reading.named or m.name in reading.verb_measures)
        for m in named
    ):  # a verb of money beside it ("refund on those in $") says money, not which
        # "how much did we refund on those?": "refunds" is only a word of Total Revenue's
        # description ("before refunds"); not enough to run a query someone might believe
        words = tuple(reading.described[m.name] for m in named)
        return NotUnderstood(index.explore.key, words, tuple(index.some_fields()), matched=0)
    dated = index.filter_time_field()
    event = stems(dated.label_short or dated.label)[:1] if dated is not None else ()
    if (
        lead in ("what about", "how about", "and what about")
        and reading.time is not None
        and named
        and all(m.type in ("count", "count_distinct") for m in named)
        and event
        and event[0] in parser.stems
    ):
        # "what about signups since april?": the signups are when the rows are dated
        # (Signup Date), so the time changes; the measures stay
        named = []
    billed = named and all(m.name in reading.verb_measures for m in named)
    if lead in ("only", "just") and billed and (reading.includes or reading.excludes):
        # "only the ones billed monthly": the verb says which, with its value; it asks
        # for no money
        named = []
    things = index.count_measure()
    if lead in ("only", "just") and reading.time is not None and named == [things]:
        # "only subs that signed up in the last 12 months": which of the things, by time;
        # what is measured of them stays
        named = []
    ranked_by = reading.sort_key[0].name if reading.rank and reading.sort_key else None
    if ranked_by in previous.fields and {m.name for m in named} == {ranked_by}:
        # "top 3 by csat (instead)": the rows ranked by a measure they show; the other
        # measures stay
        named = []
    happened = parser.count_of_value(named, reading)
    if happened is not None:  # "what about the number of churned subs?"
        del reading.includes[happened[0]]
        named = [happened[1]]
    elif reading.includes or reading.excludes:
        # "just enterprise customers": the customers are the value's kind of thing.
        named = [m for m in named if m.name not in reading.noun_counts]
    new_measures = [m.name for m in named]
    if new_measures and adding:
        measures = [*measures, *(m for m in new_measures if m not in measures)]
        changed = True
    elif new_measures:
        if any(index.fields[d].primary_key for d in old_dims) and not new_dims:
            # a list of rows ("... : id, plan, seats"), then "just total seats and MRR for
            # those": the totals of those rows, not one per row
            old_dims, pivots = [], []
        replaced = dict(zip(measures, new_measures, strict=False))
        measures = new_measures
        calculations = [
            Calculation(c.type, replaced.get(c.field, new_measures[0])) for c in calculations
        ]
        sorts = [_rename_sort(s, replaced) for s in sorts]
        changed = True
    if new_dims:
        if (lead in _ADD and not instead) or adding:  # "break that down by X instead"
            dims = old_dims + [d for d in new_dims if d not in old_dims]
            if lead.startswith(("split", "across")):
                pivots = [*pivots, *(d for d in new_dims if d not in pivots)]
            elif not pivots and (compared := _compared_periods(previous, index)) is not None:
                # "escalations this year vs last year", then "also by topic": the two
                # periods side by side, as a question saying both would be
                pivots = [compared]
        else:
            out = _replaced_dimension(swapped, old_dims, explore, today)
            if out is not None and len(new_dims) == 1:
                # "channel instead of topic": the one named swapped, in its place; the
                # other breakdowns kept
                dims = [new_dims[0] if d == out else d for d in old_dims]
                pivots = [new_dims[0] if p == out else p for p in pivots]
            else:
                dims = new_dims
            pivots = [p for p in pivots if p in dims]
        old_time_sort = [s for s in sorts if _is_time(index, s)]
        sorts = [s for s in sorts if s.split(" ")[0] in dims + measures and s not in old_time_sort]
        if not sorts:
            time_dims = [d for d in dims if index.fields[d].is_timeframe and d not in pivots]
            others = [d for d in dims if not index.fields[d].is_timeframe]
            if time_dims and not others:
                sorts = [time_dims[0]]
        old_dims = dims
        changed = True
        names = [index.fields[d] for d in new_dims]
        listed = "list" in parser.norms or parser.names_only()
        if listed and not new_measures and all(f == index.display_dimension(f.view) for f in names):
            # "how many UK accounts are past due?", then "list their names instead": the
            # accounts themselves, not a count beside each
            measures, calculations = [], []
            sorts = [s for s in sorts if s.split(" ")[0] in dims]
            limit = None if not sorts else limit
    negate = lead in _NEGATE
    for name, values in reading.includes.items():
        if negate:
            filters[name] = _left_out(filters.get(name), values)
        elif adding and _own(filters.get(name)) and "-" not in filters[name][:1]:
            # "Chat vs Email" then "add phone too": one more value beside them
            kept = _own(filters.get(name))
            filters[name] = ",".join([*kept, *(escape_value(v) for v in values if v not in kept)])
        else:
            filters[name] = ",".join(escape_value(v) for v in values)
        changed = True
    for name, values in reading.excludes.items():
        if name in reading.includes and not negate:
            continue  # "past due only, not trialing": the value kept leaves the others out
        filters[name] = _left_out(filters.get(name), values)
        changed = True
    if reading.compares:
        filters.update(reading.compares)
        changed = True
    time_field = index.filter_time_field()
    if reading.time is not None and time_field is not None:
        first_day = explore.dated_from
        if first_day is not None and before_first_day(reading.time, first_day, today):
            # "and Q1 2024?" when the rows start later: nothing to show, said so
            starts = (reading.time.words, first_day.isoformat())
            return NotUnderstood(
                index.explore.key, starts, tuple(index.some_fields()), reason="before_data"
            )
        filters[time_field.name] = reading.time.expression
        changed = True
    elif _ALL_TIME.search(rest) and time_field is not None:
        filters.pop(time_field.name, None)  # "what about all time?": no time filter
        changed = True
    rank = reading.rank
    if reading.sort_key is not None and (rank is None or rank.rank == "order"):
        # "sorted by region", "order by revenue descending"
        key, direction = reading.sort_key
        if rank is not None:  # "sort by region descending": the word after says how
            direction = rank.direction
        if key.name in [*old_dims, *measures]:
            down = direction == "desc" or (not direction and key.is_measure)
            sorts = [f"{key.name} desc" if down else key.name]
            changed = True
    if rank is not None and rank.rank != "order" and measures:
        target = reading.sort_key[0].name if reading.sort_key else measures[0]
        if target not in measures and index.fields[target].is_measure:
            measures = [*measures, target]
        sorts = [f"{target} desc" if rank.direction == "desc" else target]
        if rank.limit is not None:
            limit = rank.limit
        elif reading.which:
            limit = 1  # "who had the most?", "which was highest?": one answer
        else:
            limit = limit or 10
        changed = True
    if not changed:
        return NotUnderstood(
            index.explore.key, (rest,), tuple(index.some_fields()), reason="", matched=0
        )
    fields = [*old_dims, *(m for m in measures if m not in old_dims)]
    shares = any(c.type == "percent_of_total" for c in calculations)
    if reading.share and not shares:
        if not measures or not old_dims:
            said = next((w for w in rest.split() if w.lower().strip("?") in _SHARE_WORDS), rest)
            return NotUnderstood(index.explore.key, (said,), tuple(index.some_fields()), matched=0)
        # "what % of them is each topic": the shares asked for, not only the breakdown
        calculations = [*calculations, Calculation("percent_of_total", measures[0])]
    try:
        return build_spec(
            index,
            fields=fields,
            filters=filters,
            sorts=[s for s in sorts if s.split(" ")[0] in fields],
            limit=limit,
            pivots=[p for p in pivots if p in fields],
            calculations=[c for c in calculations if c.field in fields],
        )
    except InvalidQuery:
        return None


def _only_value(explore: ExploreQuestion, rest: str) -> list[ValueMatch]:
    """The values ``rest`` spells whole, or before a noun of their own view ("returned
    orders")."""
    said = tuple(stems(rest))
    if len(said) > 1 and said[0] == "the":
        said = said[1:]  # "only the returned ones"
    if len(said) > 1 and said[-1] in ("one", "ones"):
        said = said[:-1]  # "only monthly ones": the value
    found = explore.values.phrases.get(said)
    if found or len(said) < 2:
        return list(found or [])
    found = explore.values.phrases.get(said[:-1]) or []
    nouns = explore.index.phrases.get(said[-1:], [])
    counts = ("count", "count_distinct")
    views = {c.field.view for c in nouns if c.view_noun or c.field.type in counts}
    return [m for m in found if m.field.view in views]


def _without(previous: QuerySpec, index: ExploreIndex, what: str) -> ParseResult | None:
    """The previous query without a breakdown ("drop category") or a filter ("remove the
    date filter", "no filters"); ``None`` when ``what`` names neither ("without the West"
    is an exclusion, read as any other follow-up)."""
    words = [w for w in stems(what) if w not in ("the", "a")]
    filters = dict(previous.filters)
    fields = list(previous.fields)
    filtering = bool(words) and words[-1] == "filter"
    named = words[:-1] if filtering else words
    time_field = index.filter_time_field()
    if filtering and named in ([], ["all"]):
        filters = {}
    elif filtering and named in (["date"], ["time"]) and time_field is not None:
        filters.pop(time_field.name, None)
    else:

        def names(name: str) -> bool:
            f = index.fields[name]
            return named == list(stems(f.label_short or f.label)) or named == list(stems(f.label))

        if filtering:
            filters = {k: v for k, v in filters.items() if not names(k)}
        else:
            fields = [f for f in fields if index.fields[f].is_measure or not names(f)]
    if filters == dict(previous.filters) and fields == list(previous.fields):
        return None
    return build_spec(
        index,
        fields=fields,
        filters=filters,
        sorts=[s for s in previous.sorts if s.split(" ")[0] in fields],
        limit=previous.limit,
        pivots=[p for p in previous.pivots if p in fields],
        calculations=[c for c in previous.calculations if c.field in fields],
    )


def _as_share(previous: QuerySpec, index: ExploreIndex, said: str) -> ParseResult:
    """The previous query with its first measure as a percent of its total."""
    measures = [f for f in previous.fields if index.fields[f].is_measure]
    dims = [f for f in previous.fields if not index.fields[f].is_measure]
    if not measures or not dims:
        # one row is all of its total: a share of nothing
        return NotUnderstood(
            index.explore.key, (said.strip(" ?.!"),), tuple(index.some_fields()), matched=0
        )
    return _with_calculation(previous, index, Calculation("percent_of_total", measures[0]))


def _with_calculation(previous: QuerySpec, index: ExploreIndex, added: Calculation) -> QuerySpec:
    """The previous query with ``added`` (once) after its table calculations."""
    return build_spec(
        index,
        fields=list(previous.fields),
        filters=dict(previous.filters),
        sorts=list(previous.sorts),
        limit=previous.limit,
        pivots=list(previous.pivots),
        calculations=[*(c for c in previous.calculations if c != added), added],
    )


def _as_change(previous: QuerySpec, index: ExploreIndex, said: str) -> ParseResult:
    """The previous query with the change of its first measure from one period to the next
    ("this month vs last month", then "and the % change?")."""
    measures = [f for f in previous.fields if index.fields[f].is_measure]
    timed = [f for f in previous.fields if index.fields[f].is_timeframe]
    if not measures or not timed:
        # a change from what, the answer has no periods to say
        return NotUnderstood(
            index.explore.key, (said.strip(" ?.!"),), tuple(index.some_fields()), matched=0
        )
    return _with_calculation(previous, index, Calculation("percent_change", measures[0]))


def _versus(
    previous: QuerySpec, explore: ExploreQuestion, when: str, today: date
) -> ParseResult | None:
    """The previous query's period and another one side by side ("... this week", then
    "vs last week?"): both whole periods, by their unit, as a question saying both would
    be; ``None`` (a question of its own) when ``when`` is not a period."""
    index = explore.index
    time_field = index.filter_time_field()
    tokens = tokenize(when)
    read = read_time(tokens, 0, today) if tokens else None
    if time_field is None or read is None or read[0] != len(tokens):
        return None
    said = previous.filters.get(time_field.name)
    both = combine(TimeFilter(said, said), read[1], today) if said else None
    grain = index.time_field(_UNIT_TIMEFRAME[both[1]]) if both is not None else None
    if both is None or grain is None:
        # "vs last week" after a query of no single period: which one, it does not say
        return NotUnderstood(index.explore.key, (when,), tuple(index.some_fields()), matched=0)
    dims = [f for f in previous.fields if not index.fields[f].is_measure]
    others = [d for d in dims if not index.fields[d].is_timeframe]
    measures = [f for f in previous.fields if index.fields[f].is_measure]
    fields = [*others, grain.name, *measures]
    return build_spec(
        index,
        fields=fields,
        filters={**previous.filters, time_field.name: both[0].expression},
        sorts=[] if others else [grain.name],
        limit=previous.limit,
        pivots=[grain.name] if others else [],
        calculations=[c for c in previous.calculations if c.field in fields],
    )


def _reordered(previous: QuerySpec, index: ExploreIndex, way: str) -> ParseResult:
    """The previous query sorted by its first measure: "highest first", "lowest first", or
    the other way round from its sort ("reverse it")."""
    measures = [f for f in previous.fields if index.fields[f].is_measure]
    if not measures:
        return NotUnderstood(
            index.explore.key, (way,), tuple(index.some_fields()), reason="", matched=0
        )
    if way == "reverse":
        # Unsorted, Looker puts the largest first: reversed, the smallest
        key, _, direction = (
            previous.sorts[0] if previous.sorts else f"{measures[0]} desc"
        ).partition(" ")
        sort = key if direction == "desc" else f"{key} desc"
    else:
        down = way in ("highest", "biggest", "largest", "most", "top")
        sort = f"{measures[0]} desc" if down else measures[0]
    return build_spec(
        index,
        fields=list(previous.fields),
        filters=dict(previous.filters),
        sorts=[sort],
        limit=previous.limit,
        pivots=list(previous.pivots),
        calculations=list(previous.calculations),
    )


def _dimensions(reading: _Reading, index: ExploreIndex) -> list[str]:
    dims = [d.name for d in reading.dimensions]
    if reading.grain is not None:
        time_dim = index.time_field(reading.grain)
        if time_dim is not None and time_dim.name not in dims:
            dims.insert(0, time_dim.name)
    return dims


def _left_out(expression: str | None, values: Sequence[str]) -> str:
    """A value filter with ``values`` left out: taken from the values it keeps ("only West
    and South", then "remove West": South), else excluded besides what it excludes."""
    own = _own(expression)
    said = {escape_value(v) for v in values}
    kept = [p for p in own if p not in said]
    if own and not any(p.startswith("-") for p in own) and kept != own:
        return ",".join(kept or ["-" + p for p in said])
    return ",".join([*own, *("-" + escape_value(v) for v in values)])


def _own(expression: str | None) -> list[str]:
    return [p for p in (expression or "").split(",") if p]


def _rename_sort(sort: str, renamed: dict[str, str]) -> str:
    name, _, direction = sort.partition(" ")
    name = renamed.get(name, name)
    return f"{name} {direction}".strip()


def _is_time(index: ExploreIndex, sort: str) -> bool:
    f = index.fields.get(sort.split(" ")[0])
    return f is not None and f.is_timeframe and not f.is_measure
