"""The deterministic question parser: plain words -> a query on an Explore.

Two passes over the question's tokens:

1. **Matching**, left to right, longest phrase first: time phrases ("last 7 days", "since
   2026-01-01"), comparisons ("over $200"), rankings ("top 5", "least"), time grains
   ("monthly", "by week"), structure words ("by", "which", "not", "and"), field phrases
   (labels, tags, names, descriptions: see :mod:`lookerbot.ask.index`) and field values
   (from Looker's suggestions). Filler words are dropped; anything else is not understood.
2. **Reading** the matched items: "by X" groups by X (or sorts by X when X is a measure), a
   value filters its field, "top N X by M" ranks X by M, "how many" counts, a time grain adds
   the timeframe and sorts by it.

The result only ever names fields of the Explore (:func:`~lookerbot.ask.spec.build_spec`
checks it again). When two fields fit a phrase equally, it returns an
:class:`~lookerbot.ask.spec.Ambiguity` instead of guessing; ``prefer`` (the fields a person
picked from an earlier ambiguity) settles it.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal, TypeVar

from lookerbot.ask.dates import (
    CHANGE_WORDS,
    MONTHS,
    UNITS,
    WEEKDAYS,
    TimeFilter,
    before_first_day,
    combine,
    range_unit,
    read_time,
    since_period,
)
from lookerbot.ask.index import (
    DESCRIPTION,
    LABEL,
    LABEL_END,
    MONEY_VERBS,
    SYNONYMS,
    TAG,
    Candidate,
    ExploreIndex,
    ValueIndex,
    ValueMatch,
    unknown_metric,
)
from lookerbot.ask.spec import (
    Ambiguity,
    Calculation,
    NotUnderstood,
    ParseResult,
    QuerySpec,
    build_spec,
    escape_value,
)
from lookerbot.ask.spelling import Vocabulary, corrected, read_as, typo_fixes
from lookerbot.ask.words import (
    FILLERS,
    Token,
    contains,
    content_words,
    number_value,
    stems,
    tokenize,
)
from lookerbot.looker.models import ExploreField

MAX_QUESTION = 500
"""Characters of a question read; longer ones are cut (a question, not an essay)."""


_WHO_ASKS = re.compile(
    r"^(?:(?:hi|hey|hello)\W+)?(?:(?!(?:by|per|of|in|for|from|on|with|and|vs)\b)[\w&/'-]+\s+){0,3}?"
    r"(?:here|asking)\s*[:,\u2014\u2013-]\s+"
    r"|^(?:quick\s+)?(?:q|question)\s*:\s*"
    r"|^quick\s+(?:one|favou?r)(?:\s+for\s+[^,:?]{1,40}?)?\s*[:,\u2014\u2013-]+\s*",
    re.IGNORECASE,
)
"""Who is asking, before the question: "finance here:", "CS team asking:", "quick q:",
"quick one:"."""

_CONTEXT = re.compile(
    r"^(?:i'?m|i am|we'?re|we are)\s+(?:preparing|prepping|working on|putting together|"
    r"writing|building)\b[^:?]{0,60}:\s+",
    re.IGNORECASE,
)
"""What the asker is doing, before the question: "I'm preparing a board update: ..."."""

_FOR_WHOM = re.compile(
    r"^(?:for\s+(?:the|our|my|a)\s+)?(?:[\w&/'-]+\s+){0,2}"
    r"(?:tile|dashboard|deck|report|slide|board|review)\s*:\s+"
    r"|^(?:finance|marketing|ops|operations|leadership|execs?|product|merch|merchandising|hr|"
    r"legal|engineering|customer\s+success|cs)(?:\s+team)?\s*"
    r"(?::\s+|wants(?:\s+to\s+(?:see|know))?\s+|needs\s+|asked\s+for\s+)",
    re.IGNORECASE,
)
"""What the answer is for, or who wants it, before the question: "Sales tile:", "For the
finance dashboard:", "finance wants ...". ("Sales" and "support" name fields: only a tile
or dashboard after them is passed over.)"""

_GREETING = re.compile(
    r"^(?:hi|hey|hello|morning|yo)\s+(?:team|all|folks|everyone|everybody|guys|y'all)\b[\s,!.:]*"
    r"|^(?:hi+|hey+|hello+|hiya|howdy|yo|(?:good\s+)?(?:morning|afternoon|evening)|hi\s+hi)"
    r"(?:\s+(?:there|all|team|folks|everyone|everybody|guys|y'all|\w+\s+(?:folks|team)))?"
    r"(?:\s*(?:[,!.\u2014\u2013-]+|[:;]-?[()DPp]|:)|\s*[^\w\s,.!?:;'\"()$%&/#@*+=<>-]+)+\s*",
    re.IGNORECASE,
)
"""A greeting before the question: "hey team, ...", "hiya, ...", "Morning 👋 could you ..."
(the team is not Agents Team); a word that may start a question ("morning orders") only
with a mark after it."""

_EMOJI = re.compile(r"(?<!\w):[a-z0-9_+-]+:(?!\w)")
"""Slack's emoji codes (":pray:")."""

_WHAT_FOR = re.compile(
    r"[\s,]+for\s+(?:the|my|our|a|an|this|next|tomorrow's|today's|her|his|their|[a-z]+'s)\s+"
    r"(?:[\w'-]+\s+){0,2}?"
    r"(?:deck|slides?|meeting|presentation|qbr|standup|stand-up|all-hands|sync|review|report|"
    r"recap|doc|pack|update|summary|offsite|retro|awards?|1:1|one-on-one)"
    r"(?:\s+(?:on|this|next)\s+\w+|\s+(?:today|tomorrow))?"
    r"(?:[\s,!.]+(?:thanks?|thx|ty|cheers|pls|please|thank\s+you)(?:\s+\w+)?)?\W*$",
    re.IGNORECASE,
)
"""What the answer is for, after the question: "... for the board deck", "for her review
on friday", "for the growth sync, ty"."""


_CLARIFIED = re.compile(
    r"\(\s*(?:i\.?e\.?,?\s*|meaning\s+)?the\s+[^(),]{1,30},\s*not\s+[^()]{1,40}\)",
    re.IGNORECASE,
)
"""Which of two things a word meant, in brackets: "except North (the region, not the
Northwind brand)" (the word is read as what it names; the other is no filter)."""


def clip(question: str) -> str:
    """``question`` with its spaces squeezed, without who asks and what for ("finance
    here: ...", "... for the board deck"), cut after a word within :data:`MAX_QUESTION`."""
    text = " ".join(question.split())
    said = _EMOJI.sub(" ", _GREETING.sub("", _CLARIFIED.sub(" ", text), count=1))
    said = _CONTEXT.sub("", _WHO_ASKS.sub("", said.strip(), count=1), count=1)
    said = _FOR_WHOM.sub("", said, count=1)
    said = " ".join(_WHAT_FOR.sub("", said, count=1).split())
    text = said or text
    if len(text) <= MAX_QUESTION:
        return text
    cut = text[: MAX_QUESTION + 1]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut[:MAX_QUESTION]


DEFAULT_TOP = 10
MAX_CANDIDATES = 5

ItemKind = Literal[
    "field", "value", "time", "grain", "rank", "number", "compare", "marker", "comma", "unknown"
]
RankKind = Literal["top", "most", "order"]

# -- phrase tables (stems) ---------------------------------------------------------------

_MARKERS: dict[tuple[str, ...], str] = {
    ("by",): "by",
    ("per",): "by",
    ("each",): "by",
    ("every",): "by",
    ("for", "each"): "by",
    ("for", "every"): "by",
    ("in", "each"): "by",
    ("in", "every"): "by",
    ("broken", "down", "by"): "by",
    ("break", "down", "by"): "by",
    ("breakdown", "by"): "by",
    ("split", "by"): "pivot",
    ("split", "out", "by"): "pivot",
    ("across",): "pivot",
    ("vs",): "versus",
    ("versus",): "versus",
    ("compared", "to"): "versus",
    ("compare",): "versus",
    ("compared", "with"): "versus",
    ("compare", "to"): "versus",
    ("compare", "with"): "versus",
    ("against",): "versus",
    ("share",): "share",
    ("percent",): "share",
    ("percentage",): "share",
    ("%",): "share",
    ("pct",): "share",
    ("proportion",): "share",
    ("mix",): "share",  # "revenue mix by region"
    ("growth",): "change",
    # "the % change", "percent growth": a change, not a share
    ("%", "change"): "change",
    ("%", "growth"): "change",
    ("percent", "change"): "change",
    ("percent", "growth"): "change",
    ("percentage", "change"): "change",
    ("percentage", "growth"): "change",
    ("pct", "change"): "change",
    ("growth", "%"): "change",
    ("change", "%"): "change",
    ("change",): "change",
    ("changed",): "change",
    ("grew",): "change",
    ("grown",): "change",
    ("grow",): "change",
    ("outside",): "not",
    ("outside", "of"): "not",
    ("mom",): "change:month",
    ("yoy",): "change:year",
    ("qoq",): "change:quarter",
    ("wow",): "change:week",
    ("how", "much"): "howmuch",
    ("money",): "howmuch",
    ("grouped", "by"): "by",
    ("group", "by"): "by",
    ("sorted", "by"): "sortby",
    ("sort", "by"): "sortby",
    ("ordered", "by"): "sortby",
    ("order", "by"): "sortby",
    ("ranked", "by"): "sortby",
    ("rank", "by"): "sortby",
    ("which",): "which",
    ("who",): "who",
    ("what",): "which",
    ("how", "many"): "howmany",
    ("number", "of"): "howmany",
    ("count", "of"): "howmany",
    ("and",): "and",
    ("or",): "and",
    ("plus",): "and",
    ("as", "well", "as"): "and",
    ("not",): "not",
    ("isnt",): "not",
    ("arent",): "not",
    ("wasnt",): "not",
    ("werent",): "not",
    ("non",): "not",
    ("excluding",): "not",
    ("not", "including"): "not",
    ("not", "counting"): "not",
    ("exclude",): "not",
    ("except",): "not",
    ("without",): "not",
    ("excl",): "not",
    ("minus",): "not",
    ("leaving", "out"): "not",
    ("leave", "out"): "not",
    ("ignoring",): "not",
    ("other", "than"): "not",
    ("apart", "from"): "not",
    ("but", "not"): "not",
}
_GRAINS: dict[tuple[str, ...], str] = {
    ("daily",): "date",
    ("weekly",): "week",
    ("monthly",): "month",
    ("quarterly",): "quarter",
    ("yearly",): "year",
    ("annually",): "year",
    ("over", "time"): "month",
    ("trend",): "month",
    ("trending",): "month",
    ("trended",): "month",
    ("moved",): "month",  # "how has net revenue moved month by month"
    ("evolved",): "month",
}
_WEAK_GRAINS = frozenset({"over time", "trend", "trending", "trended", "moved", "evolved"})
_VALUE_LEADS = frozenset({"on", "the", "vs", "versus", "and", "or", "for", "only", "just"})
"""Words after which a word that is also a value ("Growth") is that value."""
"""Grains that only say "over time": an explicit one ("by quarter") wins over them."""
_COUNT_WORDS = frozenset({"count", "counts", "number", "many", "total", "much", "volume", "each"})
"""Words that ask for a count or a total: a list of things without them has none."""
_SHOW_ME = frozenset({"show", "me", "give", "pull", "get", "find", "all", "the", "our"})
"""Words before the things a question starts with ("show me all the accounts that ...")."""
_ALWAYS = frozenset({(">=", 1.0), (">", 0.0), (">=", 0.0)})
"""Conditions every group of rows meets on a count of them ("at least one order")."""
_APART_LEADS = frozenset({"for", "from", "in"})
"""Words that, said again after "and" ("for Contoso and for Fabrikam"), set two values
apart."""
_SUPERLATIVES = frozenset(
    {
        "largest",
        "biggest",
        "smallest",
        "highest",
        "lowest",
        "greatest",
        "fewest",
        "slowest",
        "longest",
        "fastest",
        "quickest",
        "shortest",
    }
)
"""Rank words that, before a plural ("the largest brands"), ask for a list, not one."""
_UNIT_TIMEFRAME = {"day": "date", "week": "week", "month": "month", "quarter": "quarter"}
_UNIT_TIMEFRAME["year"] = "year"
_GRAIN_LEADS = (("by",), ("per",), ("each",), ("every",), ("for", "each"), ("for", "every"))
for _lead in _GRAIN_LEADS:
    for _unit, _timeframe in _UNIT_TIMEFRAME.items():
        _GRAINS[(*_lead, _unit)] = _timeframe
        _GRAINS[(*_lead, "the", _unit)] = _timeframe
for _unit, _timeframe in _UNIT_TIMEFRAME.items():
    # "which day had the most orders": one day, the best (see ``_Parser.read``).
    _GRAINS[("which", _unit)] = _timeframe
    _GRAINS[("what", _unit)] = _timeframe
# A grain no Explore of ours has a timeframe for is still a grain: asked for, it is declined
# ("tickets by hour"), never read as another field ("Resolution Hours").
for _lead in _GRAIN_LEADS:
    _GRAINS[(*_lead, "hour")] = "hour"
    _GRAINS[(*_lead, "day", "of", "week")] = "day_of_week"
    _GRAINS[(*_lead, "day", "of", "the", "week")] = "day_of_week"
_GRAINS[("hourly",)] = "hour"

# word -> (direction, kind); "top"/"bottom"/"best"/"worst" default to 10 rows.
_RANKS: dict[str, tuple[str, RankKind]] = {
    "top": ("desc", "top"),
    "best": ("desc", "top"),
    "bottom": ("asc", "top"),
    "worst": ("asc", "top"),
    "highest": ("desc", "most"),
    "largest": ("desc", "most"),
    "biggest": ("desc", "most"),
    "most": ("desc", "most"),
    "greatest": ("desc", "most"),
    "lowest": ("asc", "most"),
    "smallest": ("asc", "most"),
    "least": ("asc", "most"),
    "fewest": ("asc", "most"),
    # Of a time ("the slowest first response time"): more time is slower.
    "slowest": ("desc", "most"),
    "longest": ("desc", "most"),
    "fastest": ("asc", "most"),
    "quickest": ("asc", "most"),
    "shortest": ("asc", "most"),
}
_ORDER_WORDS: dict[tuple[str, ...], str] = {
    ("descending",): "desc",
    ("desc",): "desc",
    ("ascending",): "asc",
    ("asc",): "asc",
}
for _word in ("highest", "largest", "biggest", "most"):
    _ORDER_WORDS[(_word, "first")] = "desc"
for _word in ("lowest", "smallest", "least", "fewest"):
    _ORDER_WORDS[(_word, "first")] = "asc"

_COMPARE: dict[tuple[str, ...], str] = {
    ("over",): ">",
    ("above",): ">",
    ("more", "than"): ">",
    ("greater", "than"): ">",
    ("bigger", "than"): ">",
    ("larger", "than"): ">",
    ("exceeding",): ">",
    ("at", "least"): ">=",
    ("under",): "<",
    ("below",): "<",
    ("less", "than"): "<",
    ("fewer", "than"): "<",
    ("smaller", "than"): "<",
    ("cheaper", "than"): "<",
    ("longer", "than"): ">",  # "took longer than 48 hours to resolve"
    ("shorter", "than"): "<",
    ("quicker", "than"): "<",
    ("faster", "than"): "<",
    ("at", "most"): "<=",
    (">",): ">",
    (">=",): ">=",
    ("<",): "<",
    ("<=",): "<=",
}
_V = TypeVar("_V")
_FIRST_WORDS: dict[int, dict[str, set[tuple[str, ...]]]] = {}
"""The phrases of each phrase table (by its id) by their first word."""


def _by_first_word(table: dict[tuple[str, ...], _V]) -> dict[str, set[tuple[str, ...]]]:
    firsts: dict[str, set[tuple[str, ...]]] = {}
    for phrase in table:
        firsts.setdefault(phrase[0], set()).add(phrase)
    return firsts


_MONEY_WORDS = frozenset({"dollar", "usd", "buck", "euro", "eur", "pound", "gbp"})
_OR_MORE: dict[tuple[str, ...], str] = {
    ("or", "more"): ">=",
    ("or", "above"): ">=",
    ("or", "higher"): ">=",
    ("or", "over"): ">=",
    ("and", "up"): ">=",
    ("and", "above"): ">=",
    ("or", "less"): "<=",
    ("or", "fewer"): "<=",
    ("or", "below"): "<=",
    ("or", "under"): "<=",
    ("and", "under"): "<=",
    ("and", "below"): "<=",
}

# Priorities break ties between matches of the same length.
_PRIORITY = {
    "time": 10,
    "compare": 9,
    "rank": 8,
    "grain": 7,
    "marker": 6,
    "field": 5,
    "value": 4,
    "weak_field": 3,
    "number": 2,
    "comma": 1,
}


@dataclass
class _Item:
    kind: ItemKind
    start: int
    end: int
    text: str
    candidates: list[Candidate] = field(default_factory=list)
    values: list[ValueMatch] = field(default_factory=list)
    time: TimeFilter | None = None
    grain: str | None = None
    direction: str = "desc"
    rank: RankKind = "top"
    limit: int | None = None
    number: float | None = None
    op: str = ""
    money: bool = False
    marker: str = ""


def _not_counting(measures: list[ExploreField], views: set[str]) -> list[ExploreField]:
    """``measures`` without the counts of ``views``, whose things are listed one per row
    (each would count 1), unless nothing else is asked."""
    kept = [m for m in measures if not (m.view in views and m.type in ("count", "count_distinct"))]
    return kept or measures


def _counting_instead(
    reading: _Reading,
    measures: list[ExploreField],
    base: ExploreField,
    happened: tuple[str, ExploreField],
) -> list[ExploreField]:
    """``measures`` with the Explore's own count replaced by the count of what happened
    (``happened``: the value's field and that count), the value no longer a filter."""
    name, measure = happened
    del reading.includes[name]
    if reading.rank_noun == base:
        reading.rank_noun = measure
    return [measure if m == base else m for m in measures]


_SALE_VERBS = frozenset({"sold", "sell", "sells", "selling"})
"""The verb of "sales" ("what sold best"): like a verb of money, it gives way to a measure
named ("... top 3 products by # of orders")."""

_RATE_WORDS = {
    "year": ("yearly", "annual", "annually"),
    "quarter": ("quarterly",),
    "month": ("monthly",),
    "week": ("weekly",),
    "day": ("daily",),
}
"""How a label or description says a measure is per period ("Annual recurring revenue")."""


def _words_of(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


@dataclass
class _Reading:
    """What the second pass found."""

    dimensions: list[ExploreField] = field(default_factory=list)
    measures: list[ExploreField] = field(default_factory=list)
    weak_measures: list[ExploreField] = field(default_factory=list)
    includes: dict[str, list[str]] = field(default_factory=dict)
    excludes: dict[str, list[str]] = field(default_factory=dict)
    compares: dict[str, str] = field(default_factory=dict)
    having: dict[str, str] = field(default_factory=dict)
    """Conditions on measures ("a CSAT below 4"): filters Looker applies to the groups."""
    having_said: list[str] = field(default_factory=list)
    """Those conditions as said, to name them when declined."""
    time: TimeFilter | None = None
    grain: str | None = None
    rank: _Item | None = None
    sort_key: tuple[ExploreField, str] | None = None
    limit: int | None = None
    how_many: bool = False
    unknown: list[str] = field(default_factory=list)
    ambiguous: list[tuple[_Item, list[Candidate]]] = field(default_factory=list)
    value_ambiguity: tuple[_Item, list[ExploreField]] | None = None
    uncountable: str = ""
    times: list[TimeFilter] = field(default_factory=list)
    versus: bool = False
    share: bool = False
    change: bool = False
    change_grain: str | None = None
    how_much: bool = False
    weak_grain: bool = False
    pivots: list[ExploreField] = field(default_factory=list)
    pivot_grain: bool = False
    by_groups: int = 0
    list_rank: bool = False
    described: dict[str, str] = field(default_factory=dict)
    """Measures a word of their description names ("refunds" in "before refunds")."""
    named: set[str] = field(default_factory=set)
    """Measures named by a label, tag or glossary word ("basket size")."""
    noun_counts: set[str] = field(default_factory=set)
    verb_measures: set[str] = field(default_factory=set)
    loose_numbers: set[str] = field(default_factory=set)
    """Numeric dimensions named outside a breakdown ("max order amount"): part of a
    measure's name when a measure is asked for, not a grouping."""
    versus_values: list[str] = field(default_factory=list)
    undated: str | None = None
    """A verb whose date the Explore does not have, before a time ("resolved yesterday")."""
    plural_dims: bool = False
    """A dimension was named in the plural ("lowest AOV regions": a list)."""
    subjects: set[str] = field(default_factory=set)
    """Dimensions named only by their view's noun outside a breakdown ("Software
    accounts"): the subject of the question when a measure is asked for."""
    """Measures named only by a money verb ("billed"): they give way to one named."""
    """Counts named by a bare plural noun ("tickets"): the subject, when another measure
    is asked for ("how many tickets did we resolve")."""
    which: bool = False
    which_many: bool = False
    """"Which" asked of things in the plural ("which agents ..."): a list of them."""
    new_things: str | None = None
    """Things called "new" that the Explore's date does not date ("new customers" of an
    Explore dated by orders): which are new, it cannot tell."""
    how_many_of: ExploreField | None = None
    """The count the noun right after "how many" names ("how many pending orders")."""
    joined_counts: set[str] = field(default_factory=set)
    """Views counted because a count was joined to their noun ("accounts and subs")."""
    rank_noun: ExploreField | None = None
    """The count a plural noun right after "most"/"fewest" names ("the most orders")."""
    per_thing: Token | None = None
    """The things a measure is asked per ("revenue per order"): an average of them."""
    per_row: tuple[Token, ExploreField] | None = None
    """Things a measure is asked per that a dimension lists ("tickets per agent"): a row
    each, unless another breakdown makes it a rate ("tickets per agent by team")."""
    happened_after_noun: bool = False
    """A count named by what happened after the things it counts ("orders returned")."""
    lists_with: bool = False
    """Things named "with (their)" a measure ("agents with their CSAT"): a row each."""
    ranked_by: bool = False
    """A measure was said after "ranked by", "sorted by": what the things asked for are
    listed by ("agents ranked by CSAT")."""
    averaged: str | None = None
    """ "average" said of a total ("average revenue", "avg daily MRR"): the words, when no
    measure named so averages it."""
    each: bool = False
    """ "each" with no breakdown after it: a row per value the question names."""
    superlative: tuple[ExploreField, str] | None = None
    """A measure named with a superlative ("Largest Order") and its direction."""
    hinted: set[str] = field(default_factory=set)
    """Views named next to one of their values ("Tier 1 agents")."""
    whose: set[str] = field(default_factory=set)
    """Counts of things said after "for" with a value of theirs ("returns ... for customers
    in the East"): whose the others are, not counted when something else is."""
    kinds: set[str] = field(default_factory=set)
    """Of those, views whose things were named by their noun ("enterprise accounts"; not
    "the Escalations team", which names the field)."""
    shown: set[str] = field(default_factory=set)
    """Dimensions named by their own words ("name" in "show name, industry ... for
    accounts ..."): shown, though a view's noun names them too."""
    asked_counts: set[str] = field(default_factory=set)
    """Counts asked for by name ("order count"): never only the noun of what another
    measure is of, though the noun is said again ("... for complete orders")."""
    rows_of: bool = False
    """The Explore's own things were said one by one ("for every subscription"): a row
    each, with the fields named."""

    def add_dimension(self, f: ExploreField) -> None:
        if all(d.name != f.name for d in self.dimensions):
            self.dimensions.append(f)

    def add_measure(self, f: ExploreField, *, weak: bool = False) -> None:
        target = self.weak_measures if weak else self.measures
        if all(m.name != f.name for m in target):
            target.append(f)

    @property
    def chosen(self) -> set[str]:
        return {f.name for f in [*self.dimensions, *self.measures, *self.weak_measures]}


class _Parser:
    def __init__(
        self,
        question: str,
        index: ExploreIndex,
        values: ValueIndex,
        today: date,
        prefer: Collection[str],
        dated_from: date | None = None,
    ) -> None:
        self.dated_from = dated_from
        # "the biggest single order": "single" only stresses the noun; dropped (unless the
        # Explore has it as a value) so that "biggest order" meets its tag.
        said = tokenize(clip(question))
        # "the most common topic", "least popular brand": ranked by how many rows each has
        self.popular = any(
            a.norm in ("most", "least") and b.norm in _POPULAR for a, b in itertools.pairwise(said)
        )
        said = [t for t in said if t.norm not in _POPULAR or not self.popular]
        self.tokens = _plain([t for t in said if t.norm != "single" or (t.stem,) in values.phrases])
        self.stems = [t.stem for t in self.tokens]
        self.norms = [t.norm for t in self.tokens]
        self.index = index
        self.values = values
        self.today = today
        self.prefer = set(prefer)
        self.matched = 0
        self.strength = 0.0
        """How strongly the matched phrases name their fields (a label over a synonym)."""
        self.read_already: set[int] = set()
        """Tokens a phrase read with words in between has taken ("how long ... resolve")."""
        waived = self.waived()
        self.read_already.update(range(waived))
        self.items: list[_Item] = []
        """The items being read (see ``read``), as converted while reading them."""

    # -- pass 1: matching ------------------------------------------------------------------

    def waived(self) -> int:
        """Where a first clause that says what is not wanted ends ("don't need the list,
        just how many ...", "no need for names, ..."): its tokens and its comma are
        passed over; 0 when there is none."""
        lead = self.norms[:3]
        if lead[:2] not in (["dont", "need"], ["no", "need"]) and lead != ["do", "not", "need"]:
            return 0
        for k, token in enumerate(self.tokens[:10]):
            if token.kind == "comma":
                return k + 1
        return 0

    def text(self, start: int, end: int) -> str:
        return " ".join(t.text for t in self.tokens[start:end])

    def match(self) -> list[_Item]:
        items: list[_Item] = []
        i = 0
        while i < len(self.tokens):
            if i in self.read_already:
                i += 1
                continue
            weekday = self.day_of_week(i)
            if not weekday and self.norm_at(i) in ("what", "which"):
                weekday = self.day_of_week(i + 1)  # "what day of the week"
            if weekday:
                # "what day of the week do we get the most orders on": a timeframe the
                # Explore does not have (its date has days and weeks, not weekdays)
                items.append(_Item("unknown", i, weekday, self.text(i, weekday)))
                i = weekday
                continue
            if self.accounts_for(i) and set(self.norms) & _SHARE_WORDS:
                i += 2  # "what % of ARR does each segment account for": a share, of each
                continue
            if self.norm_at(i) == "as" and self.norm_at(i + 1) == "of":
                # "MRR as of June": a snapshot on a day, which no measure keeps
                items.append(_Item("unknown", i, i + 2, self.text(i, i + 2)))
                i += 2
                continue
            if self.unlisted_numbered_value(i):
                # "Tier 3 agents" where the teams are Tier 1 and Tier 2: no such value
                items.append(_Item("unknown", i, i + 2, self.text(i, i + 2)))
                i += 2
                continue
            ever = self.norm_at(i) == "ever" and i + 1 < len(self.tokens)
            if ever and any(o.kind == "value" for o in self.options(i + 1)):
                # "how many were ever past due": a status once held, which a status now
                # does not keep
                items.append(_Item("unknown", i, i + 1, self.tokens[i].text))
                i += 1
                continue
            sold = i > 0 and self.stems[i - 1] in ("sale", "sold", "buy", "bought")
            if self.norm_at(i) == "many" and sold and self.norm_at(i - 2) != "how":
                # "are we selling many Boots": how many were sold, not the sales
                if items and items[-1].kind == "field" and items[-1].end == i:
                    items.pop()
                items.append(_Item("marker", i, i + 1, self.tokens[i].text, marker="howmany"))
                i += 1
                continue
            if self.norm_at(i) == "paying" and i > 0 and self.norm_at(i - 1) == "per":
                i += 1  # "revenue per paying customer": an average per customer (see below)
                continue
            but = self.norm_at(i) == "but" and any(
                self.norm_at(k) in ("every", "all", "everything", "any", "anything")
                for k in range(max(0, i - 3), i)
            )
            if but and any(o.kind == "value" for o in self.options(i + 1)):
                # "every status but cancelled", "all brands but Tailspin": all except it
                items.append(_Item("marker", i, i + 1, self.tokens[i].text, marker="not"))
                i += 1
                continue
            every = self.all_of_them(i)
            if every:
                i = every  # "total MRR across all subscriptions": all of them, not a pivot
                continue
            timed = self.how_long(i)
            if timed is not None:
                items.append(timed)
                self.matched += timed.end - timed.start + 1  # and the verb
                i = timed.end
                continue
            missing = unknown_metric(self.index, self.stems[i:])
            if missing:
                items.append(_Item("unknown", i, i + missing, self.text(i, i + missing)))
                i += missing
                continue
            options = self.options(i)
            if options:
                best = max(options, key=lambda o: (o.end - o.start, _priority(o)))
                if best.kind == "field":
                    # "the Escalations team": a value named with its field's noun; "on
                    # Escalations": a value after "on", as "on Pro", "on Tier 2"
                    on = self.norm_at(i - 1) == "on"
                    named = [
                        o
                        for o in options
                        if o.kind == "value"
                        and o.end == best.end
                        and (self.names_field_at(o) or on)
                    ]
                    best = named[0] if named else best
                if best.kind == "grain":
                    # "monthly subs", "monthly-billed": a value that is also a grain word,
                    # naming the kind of thing that follows, or with its field's verb.
                    for o in options:
                        end = self.kind_of_thing(o) if o.kind == "value" else 0
                        if o.end == best.end and end:
                            best = replace(o, end=end, text=self.text(o.start, end))
                            break
                if best.kind == "grain" and i > 0:
                    # "billed monthly", "invoiced yearly": after its field's own verb, the
                    # value, not a grain
                    root = _root(self.tokens[i - 1].norm)
                    for o in options:
                        here = o.kind == "value" and o.end == best.end
                        if here and any(
                            _root(word) == root
                            for m in o.values
                            for word in stems(m.field.label_short or m.field.label)
                        ):
                            best = o
                            break
                paid = self.norm_at(i - 1) in ("pay", "pays", "paid", "billed")
                which = self.norm_at(0) in ("which", "list") or "list" in self.norms[:4]
                said_of = self.norm_at(i - 2) in ("that", "who") or (which and i >= 2)
                if best.kind == "grain" and paid and said_of:
                    # "accounts that pay monthly": which accounts, by how they are billed
                    for o in options:
                        if o.kind == "value" and o.end == best.end:
                            best = o
                            break
                if best.kind == "grain" and len(items) >= 2 and items[-1].marker == "versus":
                    # "annual vs monthly MRR": a value compared with a value, not a grain
                    peers = {m.field.name for m in items[-2].values}
                    values = [
                        o
                        for o in options
                        if o.kind == "value" and any(m.field.name in peers for m in o.values)
                    ]
                    best = values[0] if values else best
                if best.kind == "field" and self.done_to_other_things(items, best):
                    # "how many accounts churned": the accounts with churned subscriptions,
                    # counted; the count of churned subscriptions counts other things
                    values = [o for o in options if o.kind == "value" and o.end == best.end]
                    best = values[0] if values else best
                if best.kind == "field" and items and items[-1].marker == "not":
                    # "excluding returned": what is left out is a value.
                    values = [o for o in options if o.kind == "value" and o.end >= best.end]
                    best = values[0] if values else best
                ranked_by = i > 0 and self.tokens[i - 1].norm in ("by", "on")
                if best.marker == "howmany" and self.tokens[i].norm != "how" and ranked_by:
                    i = best.end  # "top topics by number of cases": what ranks them
                    continue
                if best.kind == "field":
                    self.strength += max(c.score for c in best.candidates)
                elif best.kind == "value":
                    self.strength += TAG
                counted = self.count_of_state(best)
                if counted is not None:
                    # "churned count", "solved count": the count the Explore keeps of it
                    items.append(counted)
                    self.matched += counted.end - counted.start
                    i = counted.end
                    continue
                rated = self.rate_said(items, best)
                if rated is not None:
                    items[-1] = rated
                    i = best.end
                    continue
                if best.kind == "marker" and best.marker.startswith(("change", "share")):
                    # "the Growth plan", "on Growth", "Pro vs Growth": a value, not a change.
                    after_word = i > 0 and self.tokens[i - 1].norm in _VALUE_LEADS
                    if after_word and self.tokens[i - 1].norm == "the":
                        # "MRR this year vs last year, with the growth": after two periods
                        # compared, "the growth" is their change.
                        after_word = not any(
                            a.kind == "time" and b.marker == "versus" and c.kind == "time"
                            for a, b, c in zip(items, items[1:], items[2:], strict=False)
                        )
                    values = [
                        o
                        for o in options
                        if o.kind == "value"
                        and o.end >= best.end
                        and (self.names_field_at(o) or after_word)
                    ]
                    best = values[0] if values else best
                items.append(best)
                # "monthly vs annual subs": the grain word was a value compared too;
                # "returned or cancelled": a value joined to a value of its field, not the
                # count of returned orders
                joined = {"versus": ("grain", "field"), "and": ("field",)}.get(
                    items[-2].marker if len(items) >= 3 else ""
                )  # "Escalations vs Tier 1": the team, though "escalations" names a count
                if best.kind == "value" and joined is not None and items[-3].kind in joined:
                    first = items[-3]
                    peers = {m.field.name for m in best.values}
                    said = self.values.phrases.get(tuple(self.stems[first.start : first.end]))
                    same = [m for m in said or [] if m.field.name in peers]
                    if same:
                        items[-3] = replace(first, kind="value", values=same, candidates=[])
                if best.kind not in ("comma", "marker", "number"):
                    self.matched += best.end - best.start
                i = best.end
                continue
            token = self.tokens[i]
            if self.accounts_for(i):
                i += 2  # "...does each channel account for (over the past 90 days)?"
                continue
            if self.the_us(i):
                items.append(_Item("unknown", i, i + 1, token.text))  # "in the us": a place
            elif self.up_or_down(items, i):
                # "is revenue up this month": up on what, it does not say
                items.append(_Item("unknown", i, i + 1, token.text))
            elif self.says_nothing(i):
                pass
            elif token.norm not in FILLERS and token.stem not in FILLERS:
                end = self.names_explore(i)
                if end:
                    i = end
                    continue
                items.append(_Item("unknown", i, i + 1, token.text))
            i += 1
        for item in list(items):
            tops = _tops(item.candidates, "any") if item.kind == "field" else []
            k = item.start - 1 - (self.norm_at(item.start - 1) == "of")
            if (
                self.norm_at(k) in ("total", "sum")
                and tops
                and all(c.field.type == "average" for c in tops)
            ):
                # "total order value", "sum of CSAT": a total, which an average is not
                items.insert(items.index(item), _Item("unknown", k, k + 1, self.tokens[k].text))
        return [
            item
            for k, item in enumerate(items)
            if not self.modifies(items, k) and not self.dated_verb(items, k)
        ]

    def state_of_count(self, count: ExploreField) -> tuple[str, str] | None:
        """The one value a count of some of the rows is named by ("Returned Orders":
        status returned), as (field, value); None for the Explore's own count."""
        if count.type != "count" or count == self.index.count_measure():
            return None
        asked = {t.stem for t in self.tokens}
        for tag in count.tags:  # "closed tickets", a tag of Solved Tickets: status closed
            word = stems(tag)[:1]
            tagged = [m for m in self.values.phrases.get(word, []) if m.field.view == count.view]
            if word and word[0] in asked and len({(m.field.name, m.value) for m in tagged}) == 1:
                return tagged[0].field.name, tagged[0].value
        said = stems(count.label_short or count.label)[:1]
        matches = [m for m in self.values.phrases.get(said, []) if m.field.view == count.view]
        if len({(m.field.name, m.value) for m in matches}) != 1:
            return None
        return matches[0].field.name, matches[0].value

    def dated_verb(self, items: Sequence[_Item], k: int) -> bool:
        """Whether ``items[k]`` is the verb of the Explore's own date right before a time
        ("signed up this month", "created last week"): part of the time, never a
        breakdown by the date ("trialing subscriptions by plan, signed up this month")."""
        item = items[k]
        if item.kind != "field" or k + 1 >= len(items) or items[k + 1].kind != "time":
            return False
        word = self.norms[item.start]
        if item.end != item.start + 1 or not word.endswith("ed"):
            return False
        gap = self.norms[item.end : items[k + 1].start]
        if any(w not in ("up", "in", "on", "during") for w in gap):
            return False
        tops = _tops(item.candidates, "any")
        dated = self.index.filter_time_field()
        return bool(tops) and dated is not None and all(c.field == dated for c in tops)

    def describes_next(self, items: Sequence[_Item], i: int) -> bool:
        """Whether ``items[i]`` is a word only measures' descriptions have ("refunds" in
        "before refunds"), right before a field it would say the kind of ("refund
        amount")."""
        item = items[i]
        if i + 1 >= len(items) or items[i + 1].kind != "field" or items[i + 1].start != item.end:
            return False
        word = self.tokens[item.start]
        if item.end - item.start != 1 or word.stem in ("average", "mean", "median"):
            return False  # "average revenue", "mean spend": what is computed of it
        if word.norm.endswith(("ed", "ing")):
            return False  # "assigned tickets": what happened to them
        tops = _tops(item.candidates, "any")
        after = _tops(items[i + 1].candidates, "any")
        money = after and all("$" in (c.field.value_format or "") for c in after)
        return bool(tops) and not any(_named(c) for c in tops) and bool(money)

    def count_of_state(self, said: _Item) -> _Item | None:
        """ "churned count", "solved count": a one-word value and "count", when a count
        measure is labelled with that word ("Churned Subscriptions"), as that measure."""
        if said.kind != "value" or said.end - said.start != 1:
            return None
        if self.norm_at(said.end) not in ("count", "counts"):
            return None
        word = self.stems[said.start]
        found = [
            f
            for f in self.index.fields.values()
            if f.is_measure and f.type == "count" and stems(f.label_short or f.label)[:1] == (word,)
        ]
        if len(found) != 1:
            return None
        end = said.end + 1
        return _Item(
            "field",
            said.start,
            end,
            self.text(said.start, end),
            candidates=[Candidate(found[0], LABEL)],
        )

    def rate_said(self, items: Sequence[_Item], share: _Item) -> _Item | None:
        """ "churn %", "escalation pct": a percent right after a measure, not "of"
        anything, is that measure's rate (the Explore's "Churn Rate"), as one item; an
        unknown item when the measure counts events and the Explore keeps no rate of them;
        ``None`` when ``share`` is not such a percent."""
        if share.kind != "marker" or share.marker != "share" or not items:
            return None
        said = items[-1]
        if said.kind != "field" or said.end != share.start or self.norm_at(share.end) == "of":
            return None
        tops = _tops(said.candidates, "any")
        if not tops or not all(c.field.is_measure for c in tops):
            return None
        word = self.tokens[said.end - 1].norm[:5]
        rates = [
            f
            for f in self.index.fields.values()
            if f.is_measure
            and {"rate", "percent", "percentage"} & set(stems(f.label_short))
            and any(w[:5] == word for w in stems(f.label_short))
        ]
        text = self.text(said.start, share.end)
        if len(rates) == 1:
            rate = [Candidate(rates[0], LABEL)]
            return _Item("field", said.start, share.end, text, candidates=rate)
        base = self.index.count_measure()
        events = all(c.field.type == "count" and c.field != base for c in tops)
        if events and self.tokens[share.start].norm != "share":
            return _Item("unknown", said.start, share.end, text)
        return None

    def names_values_left_out(self, items: Sequence[_Item], k: int) -> bool:
        """Whether ``items[k]``, after what is measured, names the field of the values an
        exclusion right after it leaves out ("revenue from brands other than Tailspin"):
        what is filtered, not a breakdown (unless "by" asks for one)."""
        item = items[k]
        if item.kind != "field" or k + 2 >= len(items) or items[k + 1].marker != "not":
            return False
        if k > 0 and items[k - 1].kind == "marker" and items[k - 1].marker in ("by", "pivot"):
            return False
        asked_before = any(
            (o.kind == "field" and all(c.field.is_measure for c in _tops(o.candidates, "any")))
            or o.marker == "howmany"  # "how many accounts are on a plan other than Pro"
            for o in items[:k]
        )
        if not asked_before:
            return False  # "products except Boots by revenue": the products are asked for
        said = {c.field.name for c in _tops(item.candidates, "dim") if not c.field.is_measure}
        left_out = items[k + 2]
        return left_out.kind == "value" and any(m.field.name in said for m in left_out.values)

    def modifies(self, items: Sequence[_Item], k: int) -> bool:
        """Whether ``items[k]`` only says which things are meant, and is dropped: one of the
        Explore's things said in the singular as a modifier or an object, not a count
        ("order revenue", "how many customers placed an order over $100"); a word of a
        field's description before that field ("price plan"); a money verb said of things,
        not an amount ("billing country", "accounts are billed in Germany"); the field of
        values left out ("revenue from brands other than Tailspin")."""
        item = items[k]
        token = self.tokens[item.start]
        if self.names_values_left_out(items, k):
            return True
        if item.kind != "field":
            return False
        after = items[k + 1] if k + 1 < len(items) else None
        beside = (
            after.candidates if after and after.kind == "field" and after.start == item.end else []
        )
        if beside and max(c.score for c in item.candidates) <= DESCRIPTION:
            # "each price plan": a word of the plan's description, naming it beside it;
            # not beside a verb of money ("refunds paid out": "refunds" is no name of
            # the revenue the verb names)
            said = {c.field.name for c in item.candidates}
            assert after is not None
            verb = tuple(self.stems[after.start : after.end]) in MONEY_VERBS
            if not verb and any(c.field.name in said for c in _tops(beside, "any")):
                return True
        verb_after = after is not None and after.start == item.end and after.kind == "field"
        averaged = self.norm_at(item.start - 1) in ("avg", "average", "mean", "max", "min")
        if verb_after and token.norm in ("amount", "amounts", "money") and not averaged:
            # "by amount spent", "the amount paid": the money the verb names
            assert after is not None
            if tuple(self.stems[after.start : after.end]) in MONEY_VERBS:
                return True
        if beside and item.end - item.start == 1:
            # "which sales region": the words of the region's description ("Sales region
            # of the customer's address") naming it, not the sales
            assert after is not None
            named_as = tuple(self.stems[item.start : after.end])
            things = any(c.view_noun for c in item.candidates)  # not "accounts signed up"
            if not things and any(
                c.score >= LABEL_END and contains(stems(c.field.description), named_as)
                for c in _tops(beside, "dim")
            ):
                return True
        if tuple(self.stems[item.start : item.end]) in MONEY_VERBS:
            which = not any(c.field.is_measure or c.view_noun for c in _tops(beside, "any"))
            if beside and token.norm.endswith("ing") and which:
                return True  # "billing country": which country, not an amount
            if self.norm_at(item.start - 1) in ("is", "are", "was", "were", "be", "been"):
                return True  # "which accounts are billed in Germany": which ones, not an amount
        if item.end - item.start != 1 or token.kind != "word":
            return False
        if token.stem != token.norm or token.norm.endswith(("s", "ed")):
            return False  # plural: "orders revenue" is as the other readings take it
        if self.norm_at(item.start - 1) in ("which", "what", "each", "every", "per"):
            return False  # "which agent solved the most": who is asked for
        tops = _tops(item.candidates, "any")
        counts = ("count", "count_distinct")
        if not tops or not all(c.field.is_measure and c.field.type in counts for c in tops):
            return False
        nxt = items[k + 1] if k + 1 < len(items) else None
        verb = nxt is not None and tuple(self.stems[nxt.start : nxt.end]) in MONEY_VERBS
        if nxt is not None and nxt.kind == "field" and nxt.start == item.end and not verb:
            # a measure named by its label, tag or name: "order revenue", not "agent solved"
            named = _tops(nxt.candidates, "any")
            strong = all(
                c.field.is_measure and c.field.type not in counts and c.score >= LABEL_END
                for c in named
            )
            if named and strong and not self.tokens[nxt.end - 1].norm.endswith("ed"):
                return True
        measures_elsewhere = any(
            o.kind == "field" and any(c.field.is_measure for c in _tops(o.candidates, "any"))
            for o in items
            if o is not item
        )
        after_a = self.norm_at(item.start - 1) in ("a", "an")
        had = self.norm_at(item.start - 2) in ("have", "has", "had", "with", "hold", "holds")
        # "how many accounts have a subscription of 200 seats": the accounts are counted
        return after_a and (measures_elsewhere or had)

    def day_of_week(self, i: int) -> int:
        """Where "day of (the) week" (or "hour of (the) day", "weekday") starting at ``i``
        ends, when no field of the Explore is named so; 0 otherwise."""
        for phrase in (
            ("day", "of", "the", "week"),
            ("day", "of", "week"),
            ("hour", "of", "the", "day"),
            ("hour", "of", "day"),
            ("weekday",),
        ):
            said = tuple(self.norm_at(i + k) for k in range(len(phrase)))
            if said == phrase and not any(
                contains(stems(f.label), tuple(stems(" ".join(phrase))))
                for f in self.index.fields.values()
            ):
                return i + len(phrase)
        return 0

    def unlisted_numbered_value(self, i: int) -> bool:
        """Whether a word and a number at ``i`` spell a value like the Explore's numbered
        ones ("Tier 1", "Tier 2") that it does not have ("Tier 3")."""
        if i + 1 >= len(self.tokens) or self.tokens[i + 1].kind != "number":
            return False
        numbers = self.values.numbered.get(self.stems[i])
        return numbers is not None and self.stems[i + 1] not in numbers

    def all_of_them(self, i: int) -> int:
        """Where "across all <things the Explore counts>" or "(for) all <things> combined",
        starting at ``i``, ends: every row, which is what a total is of anyway; 0 when
        neither starts there."""
        lead = self.norm_at(i) in ("across", "for", "over")
        k = i + lead
        if self.norm_at(k) not in ("all", "every") or k + 1 >= len(self.tokens):
            return 0
        for end in (k + 2, k + 3):  # "all plans combined", "all billing periods together"
            if self.norm_at(end) in ("combined", "together", "altogether", "overall"):
                return end + 1
        named = self.index.phrases.get((self.stems[k + 1],), [])
        things = any(c.field.type in ("count", "count_distinct") for c in _tops(named, "any"))
        if self.norm_at(i) == "across" and things:
            return k + 2  # "total MRR across all customers": the accounts, every one
        return 0

    def how_long(self, i: int) -> _Item | None:
        """ "how long does it take to resolve", "how fast do we respond" at ``i``: the one
        average measure whose label has the verb's noun ("Average Resolution Time"), as an
        item of "how long" (the verb, and an "on average" before it, marked read); ``None``
        otherwise."""
        start = i + 2
        if self.stems[i] == "average":
            # "average hours to resolve", "avg number of days to first response"
            k = i + 1
            while self.norm_at(k) in ("number", "of"):
                k += 1
            unit = self.tokens[k] if k < len(self.tokens) else None
            if unit is None or unit.stem not in _UNITS_OF_TIME or unit.stem == unit.norm:
                return None
            start = k + 1
        elif self.norm_at(i) != "how" or self.norm_at(i + 1) not in ("long", "fast", "quickly"):
            return None
        for j in range(start, min(i + 12, len(self.tokens))):
            verb = self.tokens[j].norm
            if len(verb) < 5:
                continue
            found = [
                f
                for f in self.index.fields.values()
                if f.is_measure
                and f.type == "average"
                and _DURATION & set(stems(f"{f.label_short} {f.description}"))
                and any(len(w) >= 5 and w[:5] == verb[:5] for w in stems(f.label_short))
            ]
            if len(found) == 1:
                # "how long did each team take on average to resolve them": the words in
                # between are read as they are; the verb, and "on average", are taken
                between = range(start, j)
                averaged = {k for k in between if self.stems[k] == "average"}
                ons = {k - 1 for k in averaged if self.norm_at(k - 1) == "on"}
                label = [w[:5] for w in stems(found[0].label_short) if len(w) >= 5]
                more = j + 1  # "how long until first response": the label's next words too
                while more < len(self.tokens) and self.tokens[more].norm[:5] in label:
                    more += 1
                self.read_already |= {*range(j, more), *averaged, *ons}
                said = self.text(i, j + 1)
                end = start if start > i + 2 else i + 2
                return _Item("field", i, end, said, candidates=[Candidate(found[0], LABEL)])
        return None

    def done_to_other_things(self, items: Sequence[_Item], said: _Item) -> bool:
        """Whether ``said`` is a past participle naming a count ("churned") right after a
        noun counted by a count of another view ("accounts"): what happened to the things
        of the participle's count, said of the noun's things."""
        word = self.tokens[said.start]
        if said.end - said.start != 1 or not word.norm.endswith("ed") or not items:
            return False
        before = items[-1]
        if before.kind != "field" or before.end != said.start:
            return False
        counts = ("count", "count_distinct")
        views = {
            c.field.view
            for c in before.candidates
            if c.view_noun or (c.field.type in counts and c.score >= TAG)
        }
        counted = {f.view for f in self.index.fields.values() if f.is_measure and f.type in counts}
        done = {c.field.view for c in _tops(said.candidates, "any") if c.field.type in counts}
        return bool(views & counted and done) and not views & done

    def up_or_down(self, items: Sequence[_Item], i: int) -> bool:
        """Whether token ``i`` is "up" or "down" said of the measure just before it ("are
        tickets down"): a change from a period the question does not name."""
        if self.norm_at(i) not in ("up", "down") or self.norm_at(i + 1) in ("to", "by"):
            return False
        last = items[-1] if items else None
        if last is None or last.kind != "field" or last.end != i:
            return False
        if any(t.norm in _VERSUS_WORDS | {"than"} for t in self.tokens[i + 1 :]):
            return False  # "revenue up or down vs last month": the periods are named
        tops = _tops(last.candidates, "any")
        return bool(tops) and all(c.field.is_measure for c in tops)

    def names_explore(self, i: int) -> int:
        """Where the words of the Explore's own label or description at token ``i`` end
        when they name the data asked about, not a field ("shop revenue", "online shop
        orders", "revenue from the shop"); 0 when they do not."""
        j = i
        while j < len(self.tokens) and self.tokens[j].stem in self.index.self_words:
            j += 1
        if j == i:
            return 0
        if j < len(self.tokens) and (
            (self.stems[j],) in self.index.phrases or self._starts_field(j)
        ):
            return j  # "shop revenue"
        k = i - 1 if self.norm_at(i - 1) != "the" else i - 2
        # "revenue from the shop", "YoY growth for the shop", "how many buyers did the
        # shop have", "tickets raised last week"
        said_of = self.norm_at(k) in ("from", "in", "at", "on", "for", "across")
        named = (
            said_of
            or (self.norm_at(k) in ("did", "does", "has") and k == i - 2)
            or (
                j == i + 1
                and self.tokens[i].norm.endswith("ed")
                and any(
                    tuple(self.stems[i - length : i]) in self.index.phrases
                    for length in range(1, min(self.index.max_words, i) + 1)
                )
            )
        )
        return j if named else 0

    def accounts_for(self, i: int) -> bool:
        """Whether tokens ``i`` and after are "account for" ending the question, or before
        its time ("... does each channel account for (over the past 90 days)?")."""
        if self.norm_at(i) not in ("account", "accounts") or self.norm_at(i + 1) != "for":
            return False
        if i + 2 == len(self.tokens):
            return True
        after = i + 2 + (self.tokens[i + 2].kind == "comma")
        return read_time(self.tokens, after, self.today) is not None

    def says_nothing(self, i: int) -> bool:
        """Whether token ``i`` only leads to what follows ("including the % change") or is
        a verb that names no measure here ("which topic generates the most tickets", in an
        Explore without money)."""
        word = self.norm_at(i)
        k = i + 1 + (self.norm_at(i + 1) == "the")
        if word in ("incl", "including") and self.norm_at(k) in (*_SHARE_WORDS, *CHANGE_WORDS):
            return True
        generic = self.tokens[i].stem in ("generate", "generated", "generating", "produce")
        return generic and self.index.money_measure() is None

    def norm_at(self, i: int) -> str:
        return self.tokens[i].norm if 0 <= i < len(self.tokens) else ""

    def the_us(self, i: int) -> bool:
        """Whether token ``i`` is "us" naming a place, not the pronoun: after "the" ("in
        the us"), or after a preposition before the things it says where they are ("for
        us accounts"; "give us orders" is the pronoun)."""
        if self.norm_at(i) != "us":
            return False
        if self.norm_at(i - 1) == "the":
            return True
        if self.norm_at(i + 1) == "only" or self.norm_at(i - 1) in ("only", "just", "excluding"):
            return True  # "bottom 3 industries by arr, us only": a place, as a filter
        for k in (i - 2, i + 2):  # "us and canada", "uk or us": beside another place
            joined = self.norm_at((i + k) // 2) in ("and", "or", ",")
            if joined and 0 <= k < len(self.tokens) and self.is_place(k):
                return True
        if i > 0 and self.norm_at(i - 1) not in ("for", "in", "from", "of", "among", "across"):
            return False
        if i + 1 >= len(self.tokens):
            return False
        after = self.tokens[i + 1]
        things = self.index.phrases.get((after.stem,), [])
        plural = after.kind == "word" and after.stem != after.norm
        return plural and any(
            c.view_noun or (c.field.type in ("count", "count_distinct") and c.score >= TAG)
            for c in things
        )

    def is_place(self, i: int) -> bool:
        """Whether token ``i`` is a value of a field that also has the United States (the
        value "us" stands for beside it)."""
        fields = {m.field.name for m in self.values.initials.get("us", [])}
        if not fields or self.norm_at(i) == "us":
            return False
        return any(
            o.kind == "value" and any(m.field.name in fields for m in o.values)
            for o in self.options(i)
        )

    def _starts_field(self, i: int) -> bool:
        """Whether a field's phrase of two words or more starts at token ``i``."""
        for length in range(2, min(self.index.max_words, len(self.tokens) - i) + 1):
            if tuple(self.stems[i : i + length]) in self.index.phrases:
                return True
        return False

    def is_subject(self, item: _Item, count: ExploreField) -> bool:
        """Whether ``item`` is a plural noun naming what a count counts: the view's own
        things ("orders", "tickets", "subs"), the subject of a question that may ask for
        another measure of them ("returns on Q3 orders"), not a measure of its own."""
        if item.end - item.start != 1:
            return False
        token = self.tokens[item.start]
        if token.kind != "word" or token.stem == token.norm:
            return False
        own = set(stems(count.view_label)) | {count.view.rstrip("s")}
        own |= {other for word, others in SYNONYMS.items() if word in own for other in others}
        # A plural noun the count is tagged with ("customers" for Accounts Count) too.
        tagged = any(c.field == count and c.score >= TAG for c in item.candidates)
        return token.stem in own or tagged or count == self.index.count_measure()

    def average_of_next(self, items: Sequence[_Item], i: int) -> ExploreField | None:
        """The one average measure of the number the next item names, when ``items[i]``
        is "average" ("avg order amount": the measure whose description averages the
        amount); ``None`` otherwise."""
        item = items[i]
        if item.end - item.start != 1 or self.tokens[item.start].stem != "average":
            return None
        if i + 1 >= len(items) or items[i + 1].kind != "field" or items[i + 1].start != item.end:
            return None
        numbers = [
            c.field
            for c in _tops(items[i + 1].candidates, "any")
            if c.field.is_numeric and not c.field.is_measure and not c.field.is_timeframe
        ]
        if len(numbers) != 1:
            return None
        said = set(stems(numbers[0].label_short or numbers[0].label))
        found = [
            f
            for f in self.index.fields.values()
            if f.is_measure
            and f.type == "average"
            and f.view == numbers[0].view
            and said <= set(stems(f.description))
        ]
        return found[0] if len(found) == 1 else None

    def average_of_time(self, items: Sequence[_Item], i: int) -> int:
        """Where "average (number of) days|hours..." ends when ``items[i]`` is a lone
        "average" before a unit of time in the plural; 0 otherwise."""
        item = items[i]
        if item.end - item.start != 1 or self.tokens[item.start].stem != "average":
            return 0
        if i + 1 >= len(items) or items[i + 1].end - items[i + 1].start != 1:
            return 0
        unit = self.tokens[items[i + 1].start]
        between = {t.norm for t in self.tokens[item.end : items[i + 1].start]}
        if between <= {"number", "of"} and unit.stem in _UNITS_OF_TIME and unit.stem != unit.norm:
            return items[i + 1].end
        return 0

    def measures_of_number(self, number: ExploreField) -> list[ExploreField]:
        """The measures whose label and description name a per-row number ("Average
        Resolution Time": "average hours ..." of Resolution Hours)."""
        said = set(stems(number.label_short or number.label)) - set(stems(number.view_label))
        return [
            f
            for f in self.index.fields.values()
            if f.is_measure
            and f.type in ("sum", "average", "max", "min", "median")
            and said <= set(stems(" ".join((f.label, f.description))))
        ]

    def happened_after_noun(self, items: Sequence[_Item], i: int) -> bool:
        """Whether ``items[i]`` is a past participle naming a count ("returned"), right
        after the noun of the Explore's own things ("orders returned")."""
        base = self.index.count_measure()
        word = self.tokens[items[i].start]
        if base is None or i == 0 or items[i - 1].kind != "field" or not word.norm.endswith("ed"):
            return False
        before = _tops(items[i - 1].candidates, "any")
        tops = _tops(items[i].candidates, "any")
        counts = ("count", "count_distinct")
        return (
            any(c.field == base for c in before)
            and bool(tops)
            and all(c.field.is_measure and c.field.type in counts and c.field != base for c in tops)
        )

    def done_by_value(self, items: Sequence[_Item], i: int, counted: ExploreField) -> bool:
        """Whether a past participle naming another count follows ``items[i]``, right
        after it or after values ("number of orders returned", "number of tickets Emma
        Schmidt resolved"): the noun's things that were done, which that count counts."""
        j = i + 1
        while j < len(items) and items[j].kind == "value":
            j += 1
        if j >= len(items) or items[j].kind != "field" or items[j].start != items[j - 1].end:
            return False
        word = self.tokens[items[j].start]
        tops = _tops(items[j].candidates, "any")
        return (
            word.norm.endswith("ed")
            and bool(tops)
            and all(c.field.type == "count" and c.field != counted for c in tops)
        )

    def paying_things(self, items: Sequence[_Item], i: int) -> bool:
        """Whether ``items[i]`` is a money verb's "-ing" form qualifying the plural noun of
        a counted thing after it ("paying customers"), not after a ranking ("highest paying
        accounts")."""
        item = items[i]
        word = self.tokens[item.start]
        if item.end - item.start != 1 or not word.norm.endswith("ing"):
            return False
        if (word.stem,) not in MONEY_VERBS and (word.norm[:-3],) not in MONEY_VERBS:
            return False
        if (i > 0 and items[i - 1].kind == "rank") or i + 1 >= len(items):
            return False
        after = items[i + 1]
        last = self.tokens[after.end - 1]
        counted = any(c.field.type in ("count", "count_distinct") for c in after.candidates)
        plural = last.kind == "word" and last.stem != last.norm
        return after.kind == "field" and after.start == item.end and counted and plural

    def singular_after(self, rank: _Item) -> bool | None:
        """Whether the noun a ranking word is said of is singular ("best month", "top
        customer"), skipping a participle ("best selling products"); ``None`` when no noun
        follows it."""
        nouns = []
        stop = None
        for token in self.tokens[rank.end :]:
            if token.kind != "word" or token.norm in _PREPOSITIONS or token.norm in ("by", "per"):
                stop = token
                break
            if token.norm not in FILLERS and not token.norm.endswith("ing"):
                nouns.append(token)
        if not nouns:
            return None
        measured = all(
            (candidates := self.index.phrases.get((t.stem,), []))
            and all(c.field.is_measure for c in candidates)
            for t in nouns
        )
        if measured and stop is not None and stop.norm in ("by", "per"):
            return False  # "worst CSAT by agent": the agents, ranked by their CSAT
        return not any(_plural(t) or t.norm.endswith("s") for t in nouns)

    def with_measure(self, items: Sequence[_Item], i: int) -> bool:
        """Whether ``items[i]`` is followed by "with (their)" and a measure ("agents with
        their CSAT")."""
        k = items[i].end
        if self.norm_at(k) == "and" and self.norm_at(k + 1) in ("their", "its"):
            k += 2  # "Tier 1 agents and their ticket volume": each with it
        elif self.norm_at(k) == "with":
            k += 1 + (self.norm_at(k + 1) in ("their", "its", "the"))
        else:
            return False
        after = next((it for it in items[i + 1 :] if it.start == k), None)
        tops = _tops(after.candidates, "any") if after is not None else []
        return after is not None and after.kind == "field" and all(c.field.is_measure for c in tops)

    def average_of_total(self, items: Sequence[_Item], i: int) -> _Item | None:
        """The item naming a total that ``items[i]``, a lone "average", averages ("average
        revenue", "avg daily MRR"), if it is one; ``None`` otherwise."""
        item = items[i]
        if item.end - item.start != 1 or self.tokens[item.start].stem != "average":
            return None
        j = i + 1
        if j < len(items) and items[j].kind == "grain" and items[j].start == item.end:
            j += 1  # "average daily revenue": an average of the day's total
        if j >= len(items) or items[j].kind != "field" or items[j].start != items[j - 1].end:
            return None
        tops = _tops(items[j].candidates, "any")
        totals = ("sum", "count", "count_distinct")
        if tops and all(c.field.is_measure and c.field.type in totals for c in tops):
            return items[j]
        return None

    def undated_new(self, item: _Item) -> bool:
        """Whether ``item`` follows "new" and names things the Explore's date does not
        date: not its own rows, and not named in that date's description ("new customers"
        where the date is the day an order was placed)."""
        if item.start == 0 or self.tokens[item.start - 1].norm != "new":
            return False
        dated, base = self.index.filter_time_field(), self.index.count_measure()
        if dated is None or base is None:
            return False
        views = {c.field.view for c in _tops(item.candidates, "any")}
        if not views or base.view in views:
            return False
        said = set(stems(" ".join((dated.label, dated.group_label or "", dated.description))))
        return not any(view.rstrip("s") in said or view in said for view in views)

    def columns_named(self, reading: _Reading) -> bool:
        """Whether the question names the Explore's own things, then ends with the columns
        it wants of each ("the Enterprise Plus subs with under 50 seats - account, seats,
        signup date", "trialing subs ...: account name, country, seats"): rows of them."""
        base = self.index.count_measure()
        if base is None or reading.rank is not None or reading.grain or reading.by_groups:
            return False
        tail: list[_Item] = []
        k = len(self.items) - 1
        while k >= 0 and (self.items[k].kind == "field" or _joins(self.items[k])):
            tail.insert(0, self.items[k])
            k -= 1
        fields = [it for it in tail if it.kind == "field"]
        if len(fields) < 2 or k < 0 or self.items[k + 1].kind != "comma":
            return False  # the columns come after a comma, a colon or a dash
        dims = [
            f for f in fields if any(not c.field.is_measure for c in _tops(f.candidates, "dim"))
        ]
        plural_things = any(
            t.kind == "word"
            and t.stem != t.norm
            and any(c.field == base for c in self.index.phrases.get((t.stem,), []))
            for t in self.tokens[: fields[0].start]
        )
        return plural_things and len(dims) >= 1

    def columns_with(self, reading: _Reading) -> bool:
        """Whether the question asks for a list of the Explore's own things ("list",
        "pull", "show"), named in the plural, then "with" the columns it wants of each
        ("list churned subs that signed up in the last 90 days w/ account name and plan",
        "Kenji Tanaka's open tickets, list them w/ priority"): rows of them."""
        base = self.index.count_measure()
        if base is None or reading.rank is not None or reading.grain or reading.by_groups:
            return False
        own_counts = all(  # "list returned orders ...": the orders, not a count of them
            m.view == base.view and m.type in ("count", "count_distinct") for m in reading.measures
        )
        if reading.how_many or not own_counts or not {"list", "pull", "show"} & set(self.norms):
            return False
        withs = [k for k, word in enumerate(self.norms) if word == "with"]
        if not withs:
            return False
        tail = [it for it in self.items if it.start > withs[-1]]
        fields = [it for it in tail if it.kind == "field"]
        if not fields or not all(it.kind == "field" or _joins(it) for it in tail):
            return False
        if any(c.field.is_measure for f in fields for c in _tops(f.candidates, "any")):
            return False  # "... with their MRR": a measure of each, not columns
        return any(
            t.kind == "word"
            and t.stem != t.norm
            and any(c.field == base for c in self.index.phrases.get((t.stem,), []))
            for t in self.tokens[: withs[-1]]
        )

    def things_first(self, reading: _Reading) -> bool:
        """Whether the question starts with things, in the plural, and says which of them
        ("shoppers with cancelled orders in the last 30 days", "accounts that signed up in
        March"): those things, listed, when no count or condition on a measure is asked."""
        if reading.having or reading.how_many or reading.rank:
            return False
        j = 0
        while j < len(self.tokens) and self.norms[j] in _SHOW_ME:
            j += 1  # "show me accounts that ..."
        if j + 2 >= len(self.tokens):
            return False
        first = self.tokens[j]
        if first.kind != "word" or first.stem == first.norm:
            return False
        if self.norms[j + 1] not in ("with", "who", "that", "whose", "which"):
            return False
        views = {c.field.view for c in self.index.phrases.get((first.stem,), []) if c.view_noun}
        if len(views) != 1:
            return False
        view = next(iter(views))
        return (
            self.index.display_dimension(view) is not None
            and bool(self.index.counts_of({view}))
            and not _COUNT_WORDS & set(self.norms)
        )

    def dated_by_other_event(self) -> str | None:
        """The verb of "by the date they cancelled", "the day it was resolved": a date the
        Explore does not keep when its date is of something else."""
        words = self.norms
        base = self.index.count_measure()
        for event, when in itertools.pairwise(self.items):
            # "churn by cancellation month": the month of an event (a count of some of the
            # rows) the Explore keeps no date of, not the month of its own date
            tops = _tops(event.candidates, "any") if event.kind == "field" else []
            timeframes = _tops(when.candidates, "any") if when.kind == "field" else []
            if (
                self.norm_at(event.start - 1) in ("by", "per", "each")
                and when.start == event.end
                and when.end == when.start + 1
                and self.norms[when.start] in _DATE_WORDS
                and tops
                and all(c.field.type in ("count", "count_distinct") for c in tops)
                and all(c.field != base and not c.view_noun for c in tops)
                and timeframes
                and all(c.field.is_timeframe for c in timeframes)
            ):
                return event.text
        for k, word in enumerate(words):
            if word not in ("date", "day", "dates", "days"):
                continue
            rest = [w for w in words[k + 1 : k + 4] if w not in ("that", "when", "was", "were")]
            if len(rest) < 2 or rest[0] not in ("they", "it", "we", "he", "she", "those"):
                continue
            at = words.index(rest[1], k + 1)
            verb = _Item("unknown", at + 1, at + 1, "")  # the verb is just before it
            said = self.undated_event(verb)
            if said is not None:
                return said
        return None

    def undated_event(self, item: _Item) -> str | None:
        """The past-tense verb just before a time phrase ("resolved yesterday", "churned
        last month") when the Explore's date is of something else: the Explore cannot
        say when that happened, and filtering its own date would answer another question."""
        if item.start == 0:
            return None
        verb = self.tokens[item.start - 1]
        if verb.kind != "word" or not verb.norm.endswith("ed") or len(verb.norm) < 5:
            return None
        if verb.norm in CHANGE_WORDS:
            return None  # "how has CSAT changed this year": the measure changed, over time
        money = self.index.money_measure()
        if (verb.stem,) in MONEY_VERBS and money is not None and not self.says_rate(money):
            # "revenue generated last month": money a row brings in, on the row's own date;
            # not "MRR billed last month", a monthly rate no date of billing dates
            return None
        dated = self.index.filter_time_field()
        if dated is None:
            return None
        # the date's own words, and the Explore's ("tickets raised with customer support":
        # its rows are dated when raised)
        explore = self.index.explore
        said = set(stems(" ".join((dated.label, dated.group_label or "", dated.description))))
        said |= set(stems(explore.description)) if dated.view == explore.base_view else set()
        if verb.stem in said or verb.norm in said or verb.norm[:-1] in said:
            return None
        return verb.text

    def kind_of_thing(self, value: _Item) -> int:
        """Where ``value`` ends when the word after it is its view's things by tag or label
        ("monthly subs": the value alone) or a verb of its field's label ("monthly-billed"
        for Billing Period: the verb too); 0 when neither."""
        if value.end >= len(self.stems) or self.stems[value.end] in ("count", "number", "total"):
            return 0  # "monthly count of subscriptions": a count per month
        views = {m.field.view for m in value.values}
        for c in self.index.phrases.get((self.stems[value.end],), []):
            counts = c.field.type in ("count", "count_distinct")
            # the things themselves ("Subscriptions Count"), not some of them a count
            # keeps apart ("monthly cancellations": Churned Subscriptions, by month)
            said = set(stems(c.field.label_short or "")) - {"count", "number"}
            whole = not said - set(stems(c.field.view_label or c.field.view))
            if c.field.view in views and counts and c.score >= TAG and whole:
                return value.end
        root = _root(self.tokens[value.end].norm)
        verb = any(
            _root(word) == root
            for m in value.values
            for word in stems(m.field.label_short or m.field.label)
        )
        return value.end + 1 if verb else 0

    def names_field_at(self, value: _Item) -> bool:
        """Whether the word after ``value`` names its field ("Growth plan")."""
        if value.end >= len(self.stems):
            return False
        fields = {m.field.name for m in value.values}
        views = {m.field.view for m in value.values}
        for c in self.index.phrases.get((self.stems[value.end],), []):
            if c.field.name in fields or (c.view_noun and c.field.view in views):
                return True
        return False

    def options(self, i: int) -> list[_Item]:
        found: list[_Item] = []
        time = read_time(self.tokens, i, self.today)
        if time is not None:
            found.append(_Item("time", i, time[0], self.text(i, time[0]), time=time[1]))
        found.extend(self.compare_at(i))
        found.extend(self.rank_at(i))
        for phrase, timeframe in self.phrases_at(i, _GRAINS):
            if self.starts_with(i, phrase):
                end = i + len(phrase)
                found.append(_Item("grain", i, end, self.text(i, end), grain=timeframe))
        for phrase, marker in self.phrases_at(i, _MARKERS):
            if self.starts_with(i, phrase, exact=True):  # "orders by" is not "order by"
                end = i + len(phrase)
                found.append(_Item("marker", i, end, self.text(i, end), marker=marker))
        for length in range(min(self.index.max_words, len(self.tokens) - i), 0, -1):
            phrase = tuple(self.stems[i : i + length])
            candidates = self.index.phrases.get(phrase)
            if candidates:
                kind: ItemKind = "field"
                item = _Item(kind, i, i + length, self.text(i, i + length), list(candidates))
                found.append(item)
                break
        for length in range(min(self.values.max_words, len(self.tokens) - i), 0, -1):
            phrase = tuple(self.stems[i : i + length])
            matches = self.values.phrases.get(phrase)
            if matches:
                end = i + length
                found.append(_Item("value", i, end, self.text(i, end), values=list(matches)))
                break
        token = self.tokens[i]
        typed = token.text.isupper() or self.the_us(i) or token.norm not in FILLERS | _WORDS
        if token.kind == "word" and len(token.text) >= 2 and typed:
            initials = self.values.initials.get(token.norm)
            if initials:  # "the US", "UK"
                found.append(_Item("value", i, i + 1, token.text, values=list(initials)))
        person = self.values.first_names.get(token.norm) if token.kind == "word" else None
        if person is not None and token.text[:1].isupper() and not found:
            found.append(_Item("value", i, i + 1, token.text, values=[person]))  # "Priya"
        value = number_value(token)
        if value is not None and token.kind != "money":
            found.append(_Item("number", i, i + 1, token.text, number=value))
        if token.kind == "comma":
            found.append(_Item("comma", i, i + 1, token.text))
        return found

    def phrases_at(
        self, i: int, table: dict[tuple[str, ...], _V]
    ) -> list[tuple[tuple[str, ...], _V]]:
        """The entries of ``table`` whose first word is token ``i``'s (as typed or as its
        stem), in the table's order: what :meth:`starts_with` may then match."""
        firsts = _FIRST_WORDS.get(id(table))
        if firsts is None:
            firsts = _FIRST_WORDS[id(table)] = _by_first_word(table)
        token = self.tokens[i]
        seen = {*firsts.get(token.norm, ()), *firsts.get(token.stem, ())}
        return [(phrase, table[phrase]) for phrase in table if phrase in seen]

    def starts_with(self, i: int, phrase: tuple[str, ...], *, exact: bool = False) -> bool:
        if i + len(phrase) > len(self.tokens):
            return False
        return all(
            self.tokens[i + k].norm == word or (not exact and self.stems[i + k] == word)
            for k, word in enumerate(phrase)
        )

    def compare_at(self, i: int) -> list[_Item]:
        for phrase, op in self.phrases_at(i, _COMPARE):
            if not self.starts_with(i, phrase):
                continue
            j = i + len(phrase)
            if j >= len(self.tokens):
                continue
            token = self.tokens[j]
            value = number_value(token)
            unit = self.stems[j + 1] if j + 1 < len(self.stems) else ""
            counted = any(
                c.field.type in ("count", "count_distinct")
                for c in self.index.phrases.get((unit,), [])
            )  # "at least one order": a number of orders
            worded = token.kind == "word" and unit not in _UNITS_OF_TIME and not counted
            if value is None or worded:
                continue  # "over one hour" is a number; "over one" alone is not
            end = j + 1
            money = token.kind == "money"
            if end < len(self.tokens) and self.stems[end] in _MONEY_WORDS:
                money, end = True, end + 1
            return [_Item("compare", i, end, self.text(i, end), number=value, op=op, money=money)]
        # "$500 or more", "50 or less": the number first.
        token = self.tokens[i]
        value = number_value(token)
        if value is not None and token.kind != "word":
            j = i + 1
            money = token.kind == "money"
            if j < len(self.tokens) and self.stems[j] in _MONEY_WORDS:
                money, j = True, j + 1
            for tail, op in _OR_MORE.items():
                if self.starts_with(j, tail):
                    end = j + len(tail)
                    text = self.text(i, end)
                    return [_Item("compare", i, end, text, number=value, op=op, money=money)]
                if j + 1 < len(self.tokens) and self.starts_with(j + 1, tail) and not money:
                    # "200 seats or more": the number, its unit read after it as usual
                    self.read_already.update(range(j + 1, j + 1 + len(tail)))
                    text = self.text(i, j + 1 + len(tail))
                    return [_Item("compare", i, j, text, number=value, op=op)]
        return []

    def rank_at(self, i: int) -> list[_Item]:
        found = []
        for phrase, direction in self.phrases_at(i, _ORDER_WORDS):
            if self.starts_with(i, phrase):
                end = i + len(phrase)
                if phrase[-1] == "first" and self._starts_field(end - 1):
                    continue  # "lowest first response time": a field, not an order
                found.append(
                    _Item("rank", i, end, self.text(i, end), direction=direction, rank="order")
                )
        word = self.tokens[i].norm
        if word in _RANKS:
            direction, kind = _RANKS[word]
            end = i + 1
            limit = None
            if end < len(self.tokens):
                value = number_value(self.tokens[end])
                if value is not None and value.is_integer() and 1 <= value <= 5000:
                    limit, end = int(value), end + 1
            found.append(
                _Item(
                    "rank", i, end, self.text(i, end), direction=direction, rank=kind, limit=limit
                )
            )
        return found

    # -- pass 2: reading ---------------------------------------------------------------

    def read(self, items: list[_Item]) -> _Reading:
        self.items = items  # read in place: converted items stay converted
        reading = _Reading()
        reading.how_many_of = self.things_with(items)
        strong_measures = self.strong_measure_items(items)
        i = 0
        while i < len(items):
            item = items[i]
            kind = item.kind
            if kind == "marker":
                i = self.read_marker(items, i, reading)
                continue
            if kind == "rank":
                i = self.read_rank(items, i, reading)
                continue
            if self.uncounted_distinct(item):
                # "unique products sold", "distinct brands": a distinct count the Explore
                # does not keep; counting rows of something else would answer another thing.
                reading.unknown.append(self.text(item.start - 1, item.end))
                i += 1
                continue
            if kind == "field":
                nxt = items[i + 1] if i + 1 < len(items) else None
                then = items[i + 2] if i + 2 < len(items) else None
                # "returned orders and total orders": both counts asked for
                both = (
                    nxt is not None
                    and _joins(nxt)
                    and then is not None
                    and then.kind == "field"
                    and any(c.field.is_measure for c in _tops(then.candidates, "any"))
                )
                converted = self.value_in_series(items, i)
                if converted is None and not both:
                    converted = self.as_value(item, strong_measures, nxt)
                if converted is not None:
                    items[i] = converted
                    named = {m.field.name for m in converted.values}
                    before = items[i - 1] if i > 0 else None
                    if before is not None and before.kind == "field":
                        # "whose status is returned": the status named for its value, not
                        # a breakdown by it
                        said = {c.field.name for c in before.candidates}
                        reading.dimensions = [
                            d
                            for d in reading.dimensions
                            if not (d.name in said and d.name in named)
                        ]
                    continue
                if self.qualifies_next(items, i):
                    i += 1
                    continue
                if self.describes_next(items, i):
                    # "refund amount": a kind of amount only a description mentions
                    reading.unknown.append(item.text)
                    i += 1
                    continue
                span = self.average_of_time(items, i)
                if span:
                    # "average number of days from signup to cancellation": a duration no
                    # measure keeps (an average of a duration is "how long", see how_long)
                    reading.unknown.append(self.text(item.start, span))
                    i += 2
                    continue
                averaged = self.average_of_next(items, i)
                if averaged is not None:  # "avg order amount": Average Order Value
                    reading.add_measure(averaged)
                    reading.named.add(averaged.name)
                    i += 2
                    continue
                total = self.average_of_total(items, i)
                if total is not None:
                    # "average revenue per order" is an average the Explore may describe
                    # (see ``result``); "average" alone names no measure of its own.
                    reading.averaged = self.text(item.start, total.end)
                    i += 1
                    continue
                if self.undated_new(item):
                    reading.new_things = self.text(item.start - 1, item.end)
                reading.lists_with = reading.lists_with or self.with_measure(items, i)
                reading.happened_after_noun |= self.happened_after_noun(items, i)
                if self.rate_of_measure(items, i, reading):
                    i += 1  # "paying us a month": what MRR is, not a breakdown by month
                    continue
                if self.said_of_things(items, i):
                    i += 1  # "subs billed in Germany": which subs, not what they pay
                    continue
                if self.paying_things(items, i):
                    # "paying accounts by country": accounts that pay (which statuses?),
                    # not the money they pay
                    reading.unknown.append(self.text(item.start, items[i + 1].end))
                    i += 2
                    continue
                self.read_field(items, i, reading)
            elif kind == "value":
                i = self.read_values(items, i, reading, negate=False)
                continue
            elif kind == "time":
                assert item.time is not None
                event = self.undated_event(item)
                ranked = reading.rank is not None or any(o.marker == "sortby" for o in items[:i])
                if event is not None and not ranked:
                    # "how many tickets were solved yesterday": declined; "top 3 agents by
                    # tickets resolved this month" ranks the month's tickets, as "which
                    # agent resolved the most tickets last month" does
                    reading.undated = event
                if item.time not in reading.times:
                    reading.times.append(item.time)
                if reading.time is None:
                    reading.time = item.time
            elif kind == "grain" and self.unlisted_period_value(item):
                # "how many subs are on quarterly billing": a billing period the Explore
                # does not have, never subscriptions by signup quarter
                reading.unknown.append(self.text(item.start, item.end + 1))
            elif kind == "grain" and self.rate_of_measure(items, i, reading):
                pass  # "paying us each month": what MRR is, not a breakdown by month
            elif kind == "grain":
                if item.text.lower().startswith(("which ", "what ")):
                    reading.which = True
                weak = item.text.lower() in _WEAK_GRAINS
                if item.text.lower().startswith(("by ", "per ")):
                    if reading.by_groups > 0 and reading.dimensions:
                        reading.pivot_grain = True  # "by brand by quarter"
                    reading.by_groups += 1
                if reading.grain is None or (reading.weak_grain and not weak):
                    reading.grain, reading.weak_grain = item.grain, weak
                elif reading.grain != item.grain and not weak:
                    reading.unknown.append(item.text)
            elif kind == "compare":
                self.read_compare(items, i, reading)
            elif (
                kind == "number"
                and i + 1 < len(items)
                and items[i + 1].kind == "rank"
                and items[i + 1].rank != "order"
                and items[i + 1].limit is None
                and float(item.number or 0).is_integer()
                and 1 <= (item.number or 0) <= 5000
            ):
                items[i + 1].limit = int(item.number or 0)  # "the 3 largest brands"
            elif kind == "number" and self.counts_rows(items, i):
                pass  # "the 3 countries with the fewest accounts": the rank's limit
            elif kind in ("number", "unknown"):
                reading.unknown.append(item.text)
            i += 1
        return reading

    def things_with(self, items: Sequence[_Item]) -> ExploreField | None:
        """The count of the things a question starts with when "with", "that", "who" or
        "which" says which of them ("accounts with Pro subscriptions"): those are counted,
        not the things they have."""
        first = items[0] if items else None
        if first is None or first.kind != "field" or first.end - first.start != 1:
            return None
        if self.norm_at(first.end) not in ("with", "that", "who", "which", "having"):
            return None
        counts = ("count", "count_distinct")
        tops = _tops(first.candidates, "any")
        views = {c.field.view for c in tops if c.view_noun}
        found = [
            c.field for c in tops if c.field.type in counts and self.is_subject(first, c.field)
        ]
        found += self.index.counts_of(views)
        token = self.tokens[first.start]
        plural = token.kind == "word" and token.stem != token.norm
        return found[0] if plural and len(found) == 1 else None

    def uncounted_distinct(self, item: _Item) -> bool:
        """ "distinct X", "unique X" where X names no count measure of its own."""
        if item.start == 0 or self.tokens[item.start - 1].norm not in ("distinct", "unique"):
            return False
        counts = ("count", "count_distinct")
        return not any(c.field.is_measure and c.field.type in counts for c in item.candidates)

    def declined(self, words: Sequence[str], reason: str = "") -> NotUnderstood:
        """The question declined: the words that could not be read (or why, ``reason``),
        and some fields of the Explore to suggest."""
        return NotUnderstood(
            self.index.explore.key,
            tuple(words),
            tuple(self.index.some_fields()),
            reason=reason,
            matched=self.matched,
        )

    def average_per(self, asked: ExploreField, per: Token) -> ExploreField | None:
        """The one average measure the Explore describes "per" the thing ``per`` names, of
        what ``asked`` measures: "revenue per order" (the money measure, a sum of amounts)
        is the average amount per order; "seats per subscription" (Total Seats) is Average
        Seats. ``None`` when there is not exactly one."""
        thing = per.stem
        # "per sub": the things a count counts are also named by its label ("Subscriptions
        # Count") and tags ("subs")
        things = {thing} | {
            word
            for c in self.index.phrases.get((thing,), [])
            if c.field.type in ("count", "count_distinct") and c.score >= TAG
            for phrase in (c.field.label_short, *c.field.tags)
            for word in stems(phrase)
            if word not in FILLERS and word != "count"
        }
        plain = {"per", "of", "the", "a", "an", "and", "or", "to", "average", *things}
        base = self.index.count_measure()
        if (
            asked.type == "average"
            and base is not None
            and asked.view == base.view
            and any(c.field == base for c in self.index.phrases.get((thing,), []))
        ):
            return asked  # "average resolution time per ticket": an average over its rows
        said = set(stems(" ".join((asked.label, asked.description)))) - plain
        money = asked == self.index.money_measure()
        total_of = set(stems(asked.label_short)) - {"total"} if asked.type == "sum" else None
        found = [
            f
            for f in self.index.fields.values()
            if f.is_measure
            and f.type == "average"
            and any(_describes_per(stems(f.description), t) for t in things)
            and (
                f == asked
                or (money and bool(said & set(stems(f.description))))
                or (total_of is not None and total_of <= set(stems(f.label_short)))
            )
        ]
        return found[0] if len(found) == 1 else None

    def counts_rows(self, items: Sequence[_Item], i: int) -> bool:
        """Whether the whole number at ``i`` says how many of the plural dimension after it
        a later ranking lists ("the 3 countries with the fewest accounts"); if so the
        ranking takes it as its limit."""
        number = items[i].number
        if number is None or not number.is_integer() or not 1 <= number <= 5000:
            return False
        if i + 1 >= len(items) or items[i + 1].kind != "field":
            return False
        k = i + 1
        if (
            k + 1 < len(items)
            and items[k + 1].kind == "field"
            and items[k + 1].start == items[k].end
        ):
            k += 1  # "the 3 support agents": the agents
        token = self.tokens[items[k].end - 1]
        tops = _tops(items[k].candidates, "dim")
        if token.stem == token.norm or not tops or any(c.field.is_measure for c in tops):
            return False
        ranks = [it for it in items[k + 1 :] if it.kind == "rank" and it.rank != "order"]
        if len(ranks) != 1 or ranks[0].limit is not None:
            return False
        ranks[0].limit = int(number)
        return True

    def listing(self, measures: Sequence[ExploreField], reading: _Reading) -> ExploreField | None:
        """The names asked for when the question asks for a list of things ("list all
        enterprise accounts", "show all agents in Tier 2", "give me a list of accounts in
        Germany") and nothing else: the display dimension of the things' view."""
        words = self.norms
        said_list = "list" in words[:4] and not _NEGATIONS & set(words[: words.index("list")])
        asks = (
            said_list  # "list the accounts", "can u list the shop customers"; not "don't
            # need the list, just how many ..."
            or words[:2] == ["show", "all"]
            or self.things_first(reading)
            or any(
                words[k : k + 2] in (["list", "of"], ["names", "of"], ["emails", "of"])
                for k in range(len(words))
            )
        )
        if not asks or reading.grain is not None:
            return None
        # "list the Healthcare customers billed in the US", "list the brands that sold
        # Sneakers": what the things did, not a measure asked for
        sold = any(t.norm in _SALE_VERBS for t in self.tokens)
        money = self.index.money_measure()
        measures = [
            m for m in measures if m.name not in reading.verb_measures and not (sold and m == money)
        ] or [m for m in reading.weak_measures if m.name in reading.noun_counts]
        if reading.dimensions:
            # "list the accounts with more than 100 seats": the things themselves
            listed = reading.dimensions[0]
            things = listed.name in reading.subjects or all(
                m.name in reading.noun_counts for m in measures
            )
            only = len(reading.dimensions) == 1 and things and reading.rank is None
            asked = [m for m in measures if m.name not in reading.noun_counts]
            if reading.lists_with and asked:
                return None  # "list the past due accounts with their MRR": each one's MRR
            if only and not reading.pivots:
                return listed
            counted = {m.view for m in measures}
            view = next(iter(counted)) if len(counted) == 1 else ""
            theirs = {"their", "its"} & set(words) and self.things_first(reading)
            if theirs and all(d.view == view for d in reading.dimensions):
                # "accounts that signed up in March, with their segment and country": the
                # accounts, named, each with those
                return self.index.display_dimension(view)
            return None
        counts = [m for m in measures if m.type in ("count", "count_distinct")]
        views = {m.view for m in counts} or set(reading.hinted)
        if counts:
            # "list outerwear products that had orders under $40", "list the UK accounts
            # that have a past due subscription": the things named with their values; the
            # orders, the subscriptions are what they had
            views |= set(reading.hinted)
        if len(views) > 1:
            # "list the accounts that have a Pro subscription": the things named first
            first = next(
                (
                    c.field.view
                    for t in self.tokens
                    for c in self.index.phrases.get((t.stem,), [])
                    if (c.view_noun or c.field in counts) and c.field.view in views
                ),  # "list healthcare customers on annual billing": a synonym's count
                None,
            )
            views = {first} if first is not None else views
        if len(counts) != len(measures) or len(views) != 1:
            return None
        return self.index.display_dimension(next(iter(views)))

    def count_of_value(
        self, measures: Sequence[ExploreField], reading: _Reading
    ) -> tuple[str, ExploreField] | None:
        """When the question counts things and filters one value that names a count of its
        own ("returned", "churned": Returned Orders, Churned Subscriptions): that value's
        field and the count."""
        if len(measures) != 1 or measures[0].type != "count":
            return None
        base = measures[0] == self.index.count_measure()
        for name, values in reading.includes.items():
            if len(values) != 1 or " " in values[0]:
                continue
            field_words = set(stems(self.index.fields[name].label_short or ""))
            if field_words & set(self.stems):
                continue  # "for status returned": the status, as named
            said = values[0].lower()
            if not said.endswith("ed"):
                continue
            counts = {
                c.field.name: c.field
                for c in self.index.phrases.get((said,), [])
                if c.field.is_measure
                and c.field.type == "count"
                and c.score >= LABEL_END
                and c.field.view == name.split(".")[0]
            }
            if len(counts) == 1 and (base or measures[0].name in counts):
                # "the number of solved tickets": Solved Tickets already counts only those
                return name, next(iter(counts.values()))
        return None

    def qualifies_next(self, items: Sequence[_Item], i: int) -> bool:
        """Whether the one-word dimension at ``i`` only says whose the next dimension is
        ("customer segment": the accounts' segment, not their names and segments)."""
        if i + 1 >= len(items) or items[i].kind != "field":
            return False
        item, after = items[i], items[i + 1]
        if item.end - item.start != 1:
            return False
        if after.kind != "field" or after.start != item.end:
            return False
        tops = [c for c in _tops(item.candidates, "any") if not c.field.is_measure]
        next_tops = _tops(after.candidates, "any")
        word = self.tokens[item.start]
        counted = [
            c
            for c in _tops(item.candidates, "any")
            if c.field.type == "count"
            and (word.stem in stems(c.field.view_label) or c.score >= TAG)
            and not word.norm.endswith("ed")
        ]
        if not tops and counted and word.stem == word.norm and next_tops:
            # "the most subscription cancellations": a noun in the singular naming the
            # view's count, before another measure of that view, says whose it is;
            # "customer accounts": before the same count, it says nothing more
            views = {c.field.view for c in counted}
            return all(c.field.is_measure and c.field.view in views for c in next_tops)
        if not tops or not next_tops:
            return False
        possessive = self.tokens[item.start].text.lower().endswith(("'s", "’s"))
        if possessive and all(c.field.is_measure for c in next_tops):
            return False  # "each plan's MRR": the plans, each with its MRR
        if tuple(self.stems[after.start : after.end]) in MONEY_VERBS:
            return False  # "does each plan bring in": what the plans do, not whose
        named = max(c.score for c in tops) >= 2.0  # by its label or a tag, not a description
        if (
            named
            and all(c.field.is_measure for c in next_tops)
            and not any(c.view_noun for c in tops)
        ):
            return False  # "channel csat", "team csat": the measure by that dimension
        views = {c.field.view for c in next_tops}
        return len(views) == 1 and any(c.field.view in views for c in item.candidates)

    def rate_of_measure(self, items: Sequence[_Item], i: int, reading: _Reading) -> bool:
        """A rate after a verb of money ("paying us each month", "spend per month", "pay us
        the most per month") that the measure the verb names already is: its label or
        description says so ("Monthly Recurring Revenue"). When only another money measure
        says the rate ("paying us annually": "Annual recurring revenue"), the verb names
        that one, in ``reading``."""
        item = items[i]
        said = item.text.lower().split() if item.text else []
        lead = said[0] if said else ""
        adverb = len(said) == 1 and said[0] in {  # "pay monthly", "paying us annually"
            f"{item.grain}ly",
            *_RATE_WORDS.get(item.grain or "", ()),
        }
        grain = item.grain
        if item.kind == "field":
            # "paying us a month": the timeframe named after "a"
            tops = _tops(item.candidates, "any")
            timeframes = {c.field.name.rsplit("_", 1)[-1] for c in tops}
            if self.norm_at(item.start - 1) != "a" or len(said) != 1:
                return False
            if not tops or not all(c.field.is_timeframe for c in tops) or len(timeframes) != 1:
                return False
            lead, grain = "a", timeframes.pop()
        if i == 0 or (lead not in ("each", "per", "every", "a") and not adverb):
            return False
        if grain is None:
            return False
        k = i - 1
        while k > 0 and items[k].kind in ("rank", "value"):
            k -= 1  # "pay us the most per month", "billing Pine & Co per month"
        verb = items[k]
        if verb.kind != "field" or tuple(self.stems[verb.start : verb.end]) not in MONEY_VERBS:
            # "how much recurring revenue does Blue Harbor Bank bring us each month": the
            # question ends on the rate its one measure already is
            last = i == len(items) - 1 and lead in ("each", "per", "a")
            asked = reading.measures
            return last and len(asked) == 1 and self.says_rate(asked[0], grain)
        named = [c.field for c in _tops(verb.candidates, "any")]
        if any(self.says_rate(f, grain) for f in named):
            return True
        others = [f for f in self.index.money_measures() if self.says_rate(f, grain)]
        if len(others) != 1 or not reading.measures or reading.measures[-1] not in named:
            return False
        reading.measures[-1] = others[0]
        reading.named.add(others[0].name)
        return True

    def did_the_most(self, reading: _Reading) -> bool:
        """Whether a value said as a verb comes right before the ranking of the things
        it happened to ("solved the most tickets")."""
        items = self.items
        for k, item in enumerate(items[:-2]):
            if item.kind != "value" or items[k + 1] is not reading.rank:
                continue
            between = self.norms[item.end : items[k + 1].start]
            if items[k + 2].kind == "field" and between in ([], ["the"]):
                return True
        return False

    def placed(self, items: Sequence[_Item], i: int, view: str) -> bool:
        """Whether ``items[i]``, things of ``view``, is followed by a value of theirs
        ("customers in the East", "accounts in Germany")."""
        k = i + 1
        if k < len(items) and items[k].kind == "marker" and items[k].marker in ("in", "from"):
            k += 1
        after = items[k] if k < len(items) else None
        return (
            after is not None
            and after.kind == "value"
            and any(m.field.view == view for m in after.values)
        )

    def said_by_name(self, f: ExploreField) -> bool:
        """Whether the question says ``f``'s label or one of its tags ("MRR", "recurring
        revenue"), not only a verb that names it."""
        names = (f.label_short or f.label, *f.tags)
        return any(contains(self.stems, stems(name)) for name in names if name)

    def money_verb_said(self) -> str:
        """The verb of money said ("spend", "paid", "brought in"), if any ("" if none)."""
        for k in range(len(self.stems)):
            for verb in MONEY_VERBS:
                if tuple(self.stems[k : k + len(verb)]) == verb:
                    return self.text(k, k + len(verb))
        return ""

    @staticmethod
    def says_rate(f: ExploreField, grain: str | None = None) -> bool:
        """Whether ``f``'s label or description says it is per period ("Monthly recurring
        revenue"), per ``grain`` when given."""
        rates = (
            _RATE_WORDS.get(grain, (f"{grain}ly",))
            if grain is not None
            else [w for words in _RATE_WORDS.values() for w in words]
        )
        return bool(set(rates) & set(_words_of(f"{f.label} {f.description}")))

    def said_of_things(self, items: Sequence[_Item], i: int) -> bool:
        """ "billed" or "charged" right after the plural noun of things the Explore counts
        ("subs billed in Germany"), with no amount asked ("how much", "total"): it says
        which things, and they are counted. ("Shoppers spent", "customers paid" are what
        they did: the money.)"""
        item = items[i]
        if item.end != item.start + 1 or self.norms[item.start] not in ("billed", "charged"):
            return False
        if i == 0 or items[i - 1].end != item.start or items[i - 1].kind != "field":
            return False
        noun = self.tokens[items[i - 1].end - 1]
        tops = _tops(items[i - 1].candidates, "any")
        counted = tops and all(c.field.type in ("count", "count_distinct") for c in tops)
        if not counted or noun.stem == noun.norm:  # things are named in the plural
            return False
        return not ({"much", "total", "sum", "amount"} & set(self.norms))

    def done_by_those(self, items: Sequence[_Item], i: int) -> bool:
        """Whether "by" at ``items[i]`` follows a past participle and names, in the plural,
        things a value right after it qualifies ("placed by shoppers in the South") or a
        clause does ("generated by accounts that signed up in the past 90 days")."""
        item = items[i]
        if item.text.lower() != "by" or item.start == 0 or i + 1 >= len(items):
            return False
        verb = self.tokens[item.start - 1]
        if not verb.norm.endswith("ed") or verb.kind != "word":
            return False
        noun = items[i + 1]
        last = self.tokens[noun.end - 1]
        if noun.kind != "field" or last.stem == last.norm:
            return False
        views = {c.field.view for c in _tops(noun.candidates, "dim") if c.view_noun}
        if views and self.norm_at(noun.end) in ("that", "who", "which", "whose"):
            return True
        value = items[i + 2] if i + 2 < len(items) else None
        if value is None or value.kind != "value":
            return False
        return bool(views) and any(m.field.view in views for m in value.values)

    def said_by_measures(self, measures: Sequence[ExploreField], reading: _Reading) -> list[str]:
        """The fields of values the question names with the very words every measure's
        description keeps ("completed orders" for Net Revenue, the sum "of completed
        orders"): a filter the measures already apply."""
        if not measures:
            return []
        found = []
        for name, values in reading.includes.items():
            if len(values) != 1:
                continue
            said = [
                (a.stem, b.stem)
                for a, b in itertools.pairwise(self.tokens)
                if any(m.value == values[0] for m in self.values.phrases.get((a.stem,), []))
            ]
            if said and all(
                any(contains(stems(m.description), pair) for pair in said) for m in measures
            ):
                found.append(name)
        return found

    def things_by(
        self, rows: Sequence[ExploreField], measures: Sequence[ExploreField], reading: _Reading
    ) -> ExploreField | None:
        """The count of the things a question names in the plural and breaks down "by"
        something else, with nothing measured ("accounts by country", "accounts signed up
        last month by segment"), unless it asks for a list; ``None`` otherwise."""
        if measures or not reading.by_groups or reading.rank is not None:
            return None
        words = self.norms
        if "list" in words[:4] or words[:1] in (["which"], ["who"], ["what"]):
            return None
        if self.names_only() or "by" not in words:
            return None
        before = self.tokens[: words.index("by")]
        views = {
            view
            for t in before
            if t.kind == "word" and t.stem != t.norm
            for view in self.views_named(t)
        }
        others = [d for d in rows if d != self.index.display_dimension(d.view)]
        counts = self.index.counts_of(views) if len(views) == 1 else []
        return counts[0] if len(counts) == 1 and others else None

    def new_things_counted(self, shown: ExploreField, reading: _Reading) -> bool:
        """Whether the question is "new <things>" (their names shown so far): a count."""
        if shown != self.index.display_dimension(shown.view) or reading.rank is not None:
            return False
        words = self.norms
        if "list" in words[:4] or words[:1] in (["which"], ["who"]) or self.names_only():
            return False
        tokens = self.tokens
        return any(
            a.norm == "new" and b.stem != b.norm and shown.view in self.views_named(b)
            for k, a in enumerate(tokens)
            for b in tokens[k + 1 : k + 3]  # "new accounts", "new customer accounts"
        )

    def views_named(self, token: Token) -> set[str]:
        """The views whose things ``token`` names ("accounts", "customers")."""
        return {
            c.field.view
            for c in self.index.phrases.get((token.stem,), [])
            if c.view_noun or c.field.type in ("count", "count_distinct")
        }

    def values_asked(
        self,
        rows: Sequence[ExploreField],
        measures: Sequence[ExploreField],
        reading: _Reading,
        sorts: Sequence[str],
    ) -> bool:
        """Whether the question asks which values a dimension has ("what countries do we
        have customers in", "which plans have past due subscriptions"): a list of them,
        without a count no word asks for."""
        if not rows or rows[0].is_timeframe or sorts or reading.how_many:
            return False
        first = rows[0]
        by_name = first == self.index.display_dimension(first.view)
        if len(rows) > 1 and not (by_name and not any(r.is_timeframe for r in rows)):
            return False  # "which accounts ...? name and country": their names and more
        if reading.having:
            return False  # "which topics had at least 100 tickets": the count is shown
        words = self.norms
        listing = words[:1] in (["which"], ["who"], ["list"]) or "list" in words[:4]
        listing = listing or "names" in words  # "names of agents...", "customer names in..."
        listing = listing or any(  # "trialing subs that signed up this month - which
            # companies?": the things named after "which", later in the question
            word == "which"
            and k + 1 < len(self.tokens)
            and self.tokens[k + 1].kind == "word"
            and self.tokens[k + 1].stem != self.tokens[k + 1].norm
            and any(
                c.field.view == first.view for c in self.index.phrases.get((self.stems[k + 1],), [])
            )
            for k, word in enumerate(words)
        )
        if len(self.tokens) < 2:
            return False
        plurals = {
            c.field
            for t in self.tokens
            if t.kind == "word" and t.stem != t.norm
            for c in self.index.phrases.get((t.stem,), [])
        }
        shown = rows[0] == self.index.display_dimension(rows[0].view) or rows[0] in plurals
        if listing and shown:
            # "which Tier 2 agents had billing tickets...", "list the customers who bought
            # Boots", "customer names in the South who...": those things, listed
            pass
        elif words[0] in ("what", "which"):
            plural = self.tokens[1]
            if plural.stem == plural.norm or plural.kind != "word":
                return False
            named = self.index.phrases.get((plural.stem,), [])
            if not any(c.field == rows[0] for c in named):
                return False
        else:
            return False
        counts = all(m.type in ("count", "count_distinct") for m in measures)
        money = self.index.money_measure()
        sold = {"sold", "sell", "sells"} & set(words) and measures == [money]
        # not "... sold in the South? product name and revenue pls": the revenue named
        said = set(stems(" ".join((money.label, *money.tags)))) if money is not None else set()
        sold = sold and not any(
            t.stem in said for t in self.tokens if t.norm not in ("sold", "sell", "sells")
        )
        return bool(measures) and (counts or bool(sold)) and not _COUNT_WORDS & set(words)

    def names_only(self) -> bool:
        """Whether the question asks for names alone ("names only", "just the names")."""
        words = self.norms
        for k, word in enumerate(words):
            if word != "names":
                continue
            near = words[max(0, k - 3) : k] + words[k + 1 : k + 4]  # "names + emails pls"
            if _NEGATIONS & set(words[max(0, k - 3) : k]):
                continue  # "no need for names, just how many ..."
            if {"only", "just", "please", "pls", "plz"} & set(near):
                return True
        return False

    def grain_after(self, items: Sequence[_Item], i: int) -> int:
        """1 when a grain follows ``items[i]`` right after it ("tickets per week + FRT":
        what joins the tickets to FRT comes after the grain), else 0."""
        nxt = items[i + 1] if i + 1 < len(items) else None
        return int(nxt is not None and nxt.kind == "grain" and nxt.start == items[i].end)

    def counted_too(self, items: Sequence[_Item], i: int) -> bool:
        """Whether ``items[i]`` is joined by "and" or a comma to a count, before or after it
        ("number of subs and accounts", "accounts and subs by week", "accounts, subs, churn
        rate"): things counted too, not a list of them."""
        counts = ("count", "count_distinct")
        for other, join in ((i - 2, i - 1), (i + 2, i + 1)):  # either way
            if not 0 <= other < len(items) or not _joins(items[join]):
                continue
            if items[other].kind != "field" or items[join].text == ":":
                continue
            tops = _tops(items[other].candidates, "any")
            if tops and all(c.field.is_measure and c.field.type in counts for c in tops):
                return True
        return False

    def possessive(self, item: _Item) -> bool:
        """Whether ``item`` ends in "'s" ("Acme Corp's MRR"): whose the next thing is, not
        a kind of it ("cancelled orders")."""
        return self.tokens[item.end - 1].text.lower().endswith(("'s", "’s", "s'", "s’"))

    def names_things_of_view(self, candidate: Candidate) -> bool:
        """Whether ``candidate`` is the dimension that names its view's things ("companies":
        the accounts' names) or the count of them, where that view has a count."""
        f = candidate.field
        shown = self.index.display_dimension(f.view)
        if shown is None or not self.index.counts_of({f.view}):
            return False
        return f == shown or (f.is_measure and f.type in ("count", "count_distinct"))

    def second_clause(self) -> int | None:
        """Where a second part of the question starts, which asks for more beside the first
        (", and", ", with", ", plus", "and their", "and what"): the joining word's index."""
        words = self.norms
        for k, word in enumerate(words):
            if k == 0 or word not in ("and", "with", "plus"):
                continue
            after = words[k + 1] if k + 1 < len(words) else ""
            if words[k - 1] == "," or (word != "with" and after in ("their", "what", "whats")):
                return k
        return None

    def first_named(self, measure: ExploreField) -> int | None:
        """Where a field phrase first names ``measure``: as its best reading, else as any
        ("accounts" after "how many": their count)."""
        fields = [it for it in self.items if it.kind == "field"]
        for best in (True, False):
            found = [
                it.start
                for it in fields
                if any(
                    c.field == measure
                    for c in (_tops(it.candidates, "any") if best else it.candidates)
                )
            ]
            if found:
                return min(found)
        return None

    def every_but(self, items: Sequence[_Item], i: int) -> bool:
        """Whether "every" at ``i`` is said of a field's values but one ("every region
        except North")."""
        if not items[i].text.lower().endswith("every") or i + 3 >= len(items):
            return False
        field, but, value = items[i + 1], items[i + 2], items[i + 3]
        if field.kind != "field" or but.marker != "not" or value.kind != "value":
            return False
        named = {c.field.name for c in _tops(field.candidates, "dim")}
        return any(m.field.name in named for m in value.values)

    def each_thing(self, items: Sequence[_Item], i: int) -> bool:
        """Whether "every" or "each" at ``i`` is said of the Explore's own things, in the
        singular ("for every subscription"): each one of them, not a breakdown."""
        if items[i].text.lower() not in ("every", "each", "for every", "for each"):
            return False
        nxt = items[i + 1] if i + 1 < len(items) else None
        base = self.index.count_measure()
        if nxt is None or nxt.kind != "field" or base is None or nxt.start != items[i].end:
            return False
        token = self.tokens[nxt.start]
        tops = _tops(nxt.candidates, "any")
        return (
            nxt.end - nxt.start == 1
            and token.stem == token.norm
            and bool(tops)
            and all(c.field == base or (c.view_noun and c.field.view == base.view) for c in tops)
        )

    def unlisted_period_value(self, item: _Item) -> bool:
        """Whether the grain word ``item`` ("quarterly") names a value of a field whose
        values are such words (Billing Period: "monthly", "annual"), said right before a
        word of that field's label ("billing"), but is not one of them."""
        if item.end - item.start != 1 or item.end >= len(self.tokens):
            return False
        after = _root(self.tokens[item.end].stem)  # "quarterly billing", "quarterly-billed"
        for name, values in self.values.by_field.items():
            label = stems(self.index.fields[name].label_short or self.index.fields[name].label)
            if after not in {_root(word) for word in label}:
                continue
            periods = {v.lower() for v in values if (v.lower(),) in _GRAINS}
            if periods and self.norms[item.start] not in periods:
                return True
        return False

    def names_things(self, item: _Item) -> bool:
        """Whether the value ``item`` names things by their names ("Sophie Wilson"), the
        dimension that names its view's things, not a kind of thing ("Tier 1")."""
        return bool(item.values) and all(
            self.index.display_dimension(m.field.view) == m.field for m in item.values
        )

    def strong_measure_items(self, items: Sequence[_Item]) -> set[int]:
        """Items that name a measure and do not merely follow a value ("cancelled orders")."""
        strong = set()
        for i, item in enumerate(items):
            if item.kind != "field":
                continue
            tops = _tops(item.candidates, "any")
            # "cancelled orders": the things the value is of; not "jeans revenue", an amount
            counted = bool(tops) and all(c.field.type in ("count", "count_distinct") for c in tops)
            after_value = (
                i > 0
                and items[i - 1].kind == "value"
                and not self.possessive(items[i - 1])
                and counted
            )
            # "seats" names a per-row number whose total is a measure: asked for, it is one
            numbers = all(c.field.is_numeric and not c.field.is_timeframe for c in tops)
            measured = all(c.field.is_measure for c in tops) or (numbers and bool(_totals(item)))
            if tops and measured and not after_value:
                strong.add(id(item))
        return strong

    def value_in_series(self, items: Sequence[_Item], i: int) -> _Item | None:
        """The field phrase at ``i`` as a value, when it is one of the same field as the
        value it is set beside ("tier 1 vs tier 2 vs escalations": the Escalations team,
        not the escalated tickets)."""
        item = items[i]
        if i < 2 or items[i - 1].marker not in ("versus", "and") or items[i - 2].kind != "value":
            return None
        fields = {m.field.name for m in items[i - 2].values}
        said = tuple(self.stems[item.start : item.end])
        matches = [m for m in self.values.phrases.get(said, []) if m.field.name in fields]
        if not matches:
            return None
        return _Item("value", item.start, item.end, item.text, values=matches)

    def as_value(self, item: _Item, strong_measures: set[int], nxt: _Item | None) -> _Item | None:
        """A measure phrase that is really a value and its noun ("returned orders" in "AOV
        of returned orders"), or a value before an amount ("returned revenue"), when another
        measure is asked for: the value, else None."""
        tops = _tops(item.candidates, "any")
        if not tops or not all(c.field.is_measure for c in tops):
            return None
        if not strong_measures - {id(item)}:
            return None
        said_first = all(
            it.start >= item.start or it.kind in ("marker", "comma") for it in self.items
        )
        joined_later = any(
            it.marker == "and" and id(nxt) in strong_measures
            for it, nxt in itertools.pairwise(self.items)
            if it.start >= item.end
        )
        if said_first and joined_later:
            return None  # "returned orders by category and the biggest order": both asked
        lead = [t.norm for t in self.tokens[max(0, item.start - 3) : item.start]]
        joined = lead[-1:] in (["and"], [","]) or lead[-3:] in (
            ["and", "number", "of"],
            ["and", "count", "of"],
        )
        k = item.start - (1 if lead[-1:] in (["and"], [","]) else 3) - 1  # what "and" follows
        if joined and k >= 0 and (self.stems[k],) not in self.values.phrases:
            return None  # "CSAT and (the number of) solved tickets": asked for too
        for length in range(item.end - item.start - 1, 0, -1):
            phrase = tuple(self.stems[item.start : item.start + length])
            matches = self.values.phrases.get(phrase)
            if not matches:
                continue
            rest = tuple(self.stems[item.start + length : item.end])
            if rest in (("count",), ("number",)):
                continue  # "churned count": the count of churned subscriptions
            nouns = self.index.phrases.get(rest, [])
            if any(c.view_noun or c.field.type in ("count", "count_distinct") for c in nouns):
                end = item.start + length
                return _Item("value", item.start, end, self.text(item.start, end), values=matches)
        said = tuple(self.stems[item.start : item.end])
        matches = self.values.phrases.get(said) if len(said) == 1 else None
        j = item.end
        while j < len(self.stems) and (self.stems[j],) in self.values.phrases:
            j += 1  # "returned Outerwear orders": the noun after other values
        noun = self.stems[j] if j < len(self.stems) else ""
        views = {m.field.view for m in matches or []}
        things = [
            c
            for c in self.index.phrases.get((noun,), [])
            if c.field.view in views
            and (c.view_noun or c.field.type in ("count", "count_distinct"))
        ]
        k = item.start - 1
        while k > 0 and self.norms[k] in ("is", "was", "are", "were", "equals", "of"):
            k -= 1  # "whose status is returned"
        before = self.stems[k] if k >= 0 else ""
        field_named = any(before in stems(m.field.label_short or "") for m in matches or [])
        if matches and field_named:
            # "for status returned": the value, its field named before it
            return _Item("value", item.start, item.end, item.text, values=matches)
        k = item.start - 1
        while k > 0 and self.norms[k] in _AUXILIARIES:
            k -= 1
        if matches and k < item.start - 1 and self.norm_at(k) in ("that", "which") and k > 0:
            said_of = self.tokens[k - 1]
            of_view = [
                c
                for c in self.index.phrases.get((said_of.stem,), [])
                if c.field.view in views and (c.view_noun or c.field.type == "count")
            ]
            if of_view and said_of.stem != said_of.norm:
                # "revenue from orders that got returned": which orders, beside the
                # measure asked for
                return _Item("value", item.start, item.end, item.text, values=matches)
        if matches and things and noun not in ("count", "number", "total"):
            # "avg seats on churned subs": the status of the subs, beside the measure asked
            # for ("escalation count" is the count of escalations, not of a team)
            return _Item("value", item.start, item.end, item.text, values=matches)
        amount = (
            nxt is not None
            and id(nxt) in strong_measures
            and nxt.start == item.end
            and all(c.field.type not in ("count", "count_distinct") for c in nxt.candidates)
        )
        if matches and amount:
            # "returned revenue", "churned MRR": the amount of those, not a count beside it
            return _Item("value", item.start, item.end, item.text, values=matches)
        return None

    def read_marker(self, items: list[_Item], i: int, reading: _Reading) -> int:
        item = items[i]
        marker = item.marker
        if marker == "by" and self.done_by_those(items, i):
            # "orders placed by shoppers in the South": who did it, of those in the South;
            # not a row per shopper
            return i + 2
        if item.text.lower() == "each" and i > 0 and items[i - 1].kind == "value":
            # "how much have Grace Hopper and Alan Turing each spent": a row each
            reading.each = True
            return i + 1
        ranked_by_count = (
            marker == "by"
            and reading.rank is not None
            and i + 1 < len(items)
            and items[i + 1].kind == "field"
            and self.norm_at(items[i + 1].start) in ("number", "count")
        )
        counts = (
            [
                c.field
                for c in _tops(items[i + 1].candidates, "any")
                if c.field.type in ("count", "count_distinct")
            ]
            if ranked_by_count
            else []
        )
        if len(counts) == 1:
            # "5 lowest selling products by # of orders": ranked by the orders, not by the
            # money "selling" would name
            ranked_on = reading.sort_key[0] if reading.sort_key is not None else None
            if ranked_on is not None and ranked_on != counts[0]:
                reading.measures = [m for m in reading.measures if m != ranked_on]
            reading.sort_key = (counts[0], "")
            reading.rank_noun = counts[0]
            reading.add_measure(counts[0])
            return i + 2
        if marker == "by" and self.every_but(items, i) and (reading.dimensions or reading.grain):
            # "orders per brand, every region except North", "signups per month for every
            # industry except Education": all of them but one, a filter beside the
            # breakdown asked for ("AOV for every brand except Tailspin" is by brand)
            return i + 2
        if marker == "by" and self.each_thing(items, i):
            # "plan and seats for every subscription with more than 100 seats": a row per
            # subscription with the fields named, not a count of them by plan
            reading.rows_of = True
            return i + 2
        if marker in ("by", "pivot"):
            # A second breakdown ("by A by B", "by A split by B", "across B") is pivoted.
            pivot = reading.by_groups > 0 and bool(reading.dimensions or reading.grain)
            pivot = pivot or (marker == "pivot" and bool(reading.dimensions or reading.grain))
            reading.by_groups += 1
            j = i + 1
            took = False
            while j < len(items):
                nxt = items[j]
                if nxt.kind == "field" and self.qualifies_next(items, j):
                    j += 1  # "by customer segment": the segment
                    continue
                if nxt.kind == "field":
                    before = len(reading.dimensions)
                    self.group_or_sort(nxt, reading, per=item.text.lower() == "per")
                    if pivot and len(reading.dimensions) > before:
                        reading.pivots.append(reading.dimensions[-1])
                elif nxt.kind == "grain":
                    reading.grain = nxt.grain
                    reading.weak_grain = False
                    reading.pivot_grain = reading.pivot_grain or pivot
                else:
                    break
                took = True
                j += 1
                # "by topic, channel" joins; "by topic: count and ..." starts what is shown
                joined = j + 1 < len(items) and _joins(items[j]) and items[j].text != ":"
                measured = joined and items[j].kind == "comma" and items[j + 1].kind == "field"
                measured = measured and all(
                    c.field.is_measure for c in _tops(items[j + 1].candidates, "any")
                )  # "for each team, escalations and avg FRT": what is shown for each
                if joined and items[j + 1].kind in ("field", "grain") and not measured:
                    j += 1
                    continue
                break
            if not took:
                k = j
                while k < len(items) and items[k].kind == "value":
                    k += 1
                thing = items[k] if j < k < len(items) and items[k].kind == "field" else None
                named = [c for c in _tops(thing.candidates, "dim") if c.view_noun] if thing else []
                if thing is not None and len(named) == 1 and item.text.lower() in ("each", "every"):
                    # "each Tier 1 agent": a row per agent, of those in Tier 1
                    reading.add_dimension(named[0].field)
                    items[k] = _Item("marker", thing.start, thing.end, thing.text)
                    return j
                each_of = item.text.lower() in ("each", "for each")
                if each_of and j < len(items) and items[j].kind == "value":
                    reading.each = True  # "MRR for each of Orchid Clinics and Cedar Health"
                    return j
                if j < len(items) and items[j].kind in ("value", "unknown"):
                    return j  # "by West": read as the value it is; "by planet": say "planet"
                if item.text.lower() in ("each", "for each"):
                    # "Kenji and Emma each", "for each of these accounts: A and B": one
                    # row per value named (see ``result``).
                    reading.each = True
                    return j
                reading.unknown.append(item.text)
            return j
        if marker == "sortby":
            if i + 1 < len(items) and items[i + 1].kind == "field":
                picked = self.resolve(items[i + 1], "any", reading)
                key_end = i + 2
                if key_end < len(items) and self.happened_after_noun(items, key_end):
                    # "ranked by tickets solved": the solved ones, not all of them
                    picked = self.resolve(items[key_end], "any", reading)
                    key_end += 1
                if picked is not None:
                    f = picked.field
                    if f.is_measure and not _named(picked):
                        # "top 10 customers by refund $": a word of its description only
                        reading.described.setdefault(f.name, items[i + 1].text)
                    reading.ranked_by = f.is_measure
                    direction = "desc" if f.is_measure else "asc"
                    if reading.rank is not None:
                        direction = reading.rank.direction
                    reading.sort_key = (f, direction)
                    (reading.add_measure if f.is_measure else reading.add_dimension)(f)
                return key_end
            reading.unknown.append(item.text)
            return i + 1
        if marker == "who":
            # "who spent the most": the Explore's people, when it names one kind of them
            # (a question's first word; "customers who signed up" is not a question).
            first = item.start == 0 or self.tokens[item.start - 1].kind == "comma"
            people = self.index.people() if first else None
            if people is not None:
                reading.which = True
                reading.add_dimension(people)
            return i + 1
        if marker == "which":
            aux = self.norm_at(item.end) in ("did", "do", "does", "have", "has", "had")
            if aux and self.norms[item.start] == "what" and self.money_verb_said():
                # "what did shoppers spend on shoes", "what have we earned": how much
                reading.how_much = True
                return i + 1
            reading.which = True
            j = i + 1
            if j < len(items) and items[j].kind == "number":
                number = items[j].number or 0.0
                if number.is_integer() and number >= 1:
                    reading.limit = int(number)
                j += 1
            nouns = (
                [c for c in _tops(items[j + 1].candidates, "dim") if c.view_noun]
                if j + 1 < len(items)
                else []
            )
            if nouns and self.qualifies_next(items, j):
                j += 1  # "which support agents": the agents
            names_dimension = j < len(items) and any(
                not c.field.is_measure and _named(c) for c in items[j].candidates
            )
            if names_dimension and all(
                c.field.is_numeric and not c.field.is_timeframe
                for c in _tops(items[j].candidates, "dim")
            ):
                return j  # "what seat total": a number each row has, read as a field
            if names_dimension and items[j].kind == "field":
                chosen = self.resolve(items[j], "dim", reading)
                if chosen is not None:
                    if chosen.field.is_measure:
                        reading.add_measure(chosen.field)
                    else:
                        reading.add_dimension(chosen.field)
                        last = self.tokens[items[j].end - 1]
                        if _plural(last):
                            # "which agents have the lowest CSAT", "which countries have
                            # the smallest ARR": a list
                            reading.which_many = True
                return j + 1
            return j
        if marker == "howmany":
            reading.how_many = True
            unit = self.tokens[item.end] if item.end < len(self.tokens) else None
            if unit is not None and unit.stem in _UNITS_OF_TIME and unit.stem != unit.norm:
                # "how many hours did Emma work", "how many days had over $10k": no
                # measure counts hours or days
                reading.uncountable = unit.text
            k = i + 1
            while k < len(items) and (
                items[k].kind in ("value", "comma")
                or (items[k].kind == "marker" and items[k].marker == "and")
                or (
                    items[k].kind == "field"
                    and items[k - 1].kind == "value"
                    and {c.field.name for c in items[k].candidates}
                    <= {m.field.name for m in items[k - 1].values}
                )  # "how many Enterprise-segment accounts": the segment of the value
            ):
                k += 1  # "how many past due accounts": the noun after the values
            following = items[k] if k < len(items) else None
            right_after = items[i + 1] if i + 1 < len(items) else None
            alone = (
                right_after is None or right_after.kind == "comma" or right_after.marker == "and"
            )
            fields_before = [  # "past due subs by country: how many ...": the subs
                it
                for it in items[:i]
                if it.kind == "field"
                and any(c.field.type in ("count", "count_distinct") for c in it.candidates)
            ]
            counted = (
                [c.field for c in _tops(fields_before[-1].candidates, "any")]
                if fields_before
                else []
            )
            if alone and len(counted) == 1 and counted[0].type in ("count", "count_distinct"):
                # "past due SMB subs: how many and how much MRR?": the subs, counted
                reading.how_many_of = counted[0]
                reading.add_measure(counted[0])
                reading.asked_counts.add(counted[0].name)
                return i + 1
            if following is not None and following.kind == "field":
                nxt = following
                tops = _tops(nxt.candidates, "any")
                reading.how_many_of = next(
                    (c.field for c in tops if c.field.type in ("count", "count_distinct")), None
                )
                again = items[k + 1] if k + 1 < len(items) else None
                one_noun = (  # "how many client companies": one noun, the accounts
                    again is not None
                    and again.kind == "field"
                    and again.start == nxt.end
                    and bool(tops)
                    and all(
                        (c.view_noun or self.names_things_of_view(c))
                        and c.field.view == tops[0].field.view
                        for c in [*tops, *_tops(again.candidates, "any")]
                    )
                )
                names = bool(tops) and all(
                    self.names_things_of_view(c) and not c.field.is_measure for c in tops
                )  # "how many companies" (the accounts' names): the accounts
                if tops and (all(c.view_noun for c in tops) or names or one_noun):
                    # "how many products": a count of that view, if it has one.
                    counts = self.index.counts_of({tops[0].field.view})
                    if one_noun and again is not None:
                        items[k + 1] = _Item("marker", again.start, again.end, again.text)
                    if counts:
                        reading.how_many_of = counts[0]
                        reading.add_measure(counts[0])
                        if not (i > 0 and items[i - 1].marker == "and"):
                            # "... and how many orders": asked for, beside the other
                            reading.noun_counts.add(counts[0].name)
                    else:
                        reading.uncountable = nxt.text
                    if k == i + 1:
                        return i + 2
                    items[k] = _Item("marker", nxt.start, nxt.end, nxt.text)  # read here
                elif (
                    tops
                    and not any(
                        c.field.is_measure or c.field.is_numeric or c.field.is_timeframe
                        for c in nxt.candidates
                    )
                    and not (
                        k + 1 < len(items)
                        and items[k + 1].kind == "field"
                        and items[k + 1].start == nxt.end
                    )  # "how many support tickets": the tickets
                ):
                    # "how many brands did shoppers buy": brands are a dimension's values,
                    # and nothing counts them.
                    reading.uncountable = nxt.text
            return i + 1
        if marker == "not":
            if i + 1 < len(items) and items[i + 1].kind == "field":
                # "excluding returned orders": a value and its noun, not a measure.
                after = items[i + 2] if i + 2 < len(items) else None
                converted = self.as_value(items[i + 1], self.strong_measure_items(items), after)
                if converted is not None:
                    items[i + 1] = converted
            if i + 1 < len(items) and items[i + 1].kind == "value":
                return self.read_values(items, i + 1, reading, negate=True)
            reading.unknown.append(item.text)
            return i + 1
        if marker == "versus":
            reading.versus = True
            return i + 1
        if marker == "share":
            nxt_norm = self.norm_at(item.end)
            if (
                self.norms[item.start : item.end] in (["%"], ["percent"], ["pct"])
                and nxt_norm not in ("of", "share")
                and any(o.marker.startswith("change") for o in items if o is not item)
            ):
                return i + 1  # "how much did it change from last month? % please": as a %
            reading.share = True
            k = i + 2 if self.qualifies_next(items, i + 1) else i + 1  # "of customer accounts"
            of = items[k] if k < len(items) else None
            tops = _tops(of.candidates, "any") if of is not None and of.kind == "field" else []
            if of is not None and tops and all(c.view_noun for c in tops):
                # "share of our accounts by industry": of the view's count, if it has one
                counts = [
                    f
                    for f in self.index.fields.values()
                    if f.view == tops[0].field.view
                    and f.is_measure
                    and f.type in ("count", "count_distinct")
                ]
                if not counts:  # "share of products": no count of them to share out
                    reading.unknown.append(self.text(item.start, of.end))
                else:
                    reading.add_measure(counts[0])  # the accounts, counted
                return i + 2
            return i + 1
        if marker.startswith("change"):
            reading.change = True
            grain = marker.partition(":")[2]
            if grain:
                reading.change_grain = grain
            return i + 1
        if marker == "howmuch":
            reading.how_much = True
            return i + 1
        between_times = 0 < i < len(items) - 1 and items[i - 1].kind == items[i + 1].kind == "time"
        if item.text.lower() == "or" and between_times:
            reading.versus = True  # "this year or last year": the two side by side
        return i + 1  # "and", ","

    def read_rank(self, items: list[_Item], i: int, reading: _Reading) -> int:
        item = items[i]
        if reading.rank is None or (item.limit is not None and reading.rank.limit is None):
            reading.rank = item
        j = i + 1
        if item.rank != "order" and j < len(items) and items[j].kind == "number":
            number = items[j].number or 0.0
            if number.is_integer() and number >= 1 and item.limit is None:
                item.limit = int(number)
            j += 1
        if item.rank != "order" and self.qualifies_next(items, j):
            j += 1  # "the fewest customer accounts": the accounts
        if item.rank != "order" and j < len(items) and items[j].kind == "field":
            nxt = items[j]
            last = self.tokens[nxt.end - 1]
            plural = last.kind == "word" and last.stem != last.norm
            before = len(reading.dimensions)
            counted = [c for c in _tops(nxt.candidates, "any") if c.field.is_measure and _named(c)]
            if not counted and plural:
                # "the fewest accounts": a view named in the plural counts its things.
                views = {c.field.view for c in nxt.candidates if c.view_noun}
                counted = [
                    c
                    for c in nxt.candidates
                    if c.field.view in views and c.field.type in ("count", "count_distinct")
                ]
            between = {t.norm for t in self.tokens[item.end : nxt.start]}
            if item.rank == "most" and len(counted) == 1 and plural and between <= {"new"}:
                # "the most (new) subscriptions"; not "spent the most on orders"
                reading.rank_noun = counted[0].field
            if reading.dimensions and item.rank == "most" and len(counted) == 1 and plural:
                # "which country has the fewest customers": the thing counted, not grouped.
                reading.add_measure(counted[0].field)
                if nxt.end - nxt.start == 1:
                    reading.noun_counts.add(counted[0].field.name)
                return j + 1
            self.group_or_sort(nxt, reading)
            after = items[j + 1] if j + 1 < len(items) else None
            if (
                len(reading.dimensions) == before
                and after is not None
                and after.kind == "field"
                and after.start == nxt.end
                and any(c.view_noun for c in _tops(after.candidates, "dim"))
            ):
                # "best selling product": ranked by the measure, one row per product.
                self.group_or_sort(after, reading)
                j += 1
                last = self.tokens[after.end - 1]  # "highest paying accounts": a list
                plural = last.kind == "word" and last.stem != last.norm
            grouped = len(reading.dimensions) > before
            if item.text.split()[0].lower() in _SUPERLATIVES and plural and grouped:
                reading.list_rank = True
            if item.rank == "most" and plural and grouped:
                reading.plural_dims = True  # "the most common topics": a list
            return j + 1
        return j

    def group_or_sort(self, item: _Item, reading: _Reading, *, per: bool = False) -> None:
        """X in "by X", "top 5 X": a dimension to group by, or a measure to rank by."""
        counted = (
            per
            and reading.averaged is not None
            and any(
                c.field.is_measure and c.field.type in ("count", "count_distinct")
                for c in item.candidates
            )
        )
        if counted or (per and self.norm_at(item.start - 1) == "paying"):
            # "average MRR per account", "revenue per paying customer": a rate
            reading.per_thing = self.tokens[item.end - 1]
            return
        chosen = self.resolve(item, "dim", reading)
        if chosen is None:
            if all(c.score <= DESCRIPTION for c in item.candidates):
                # "MRR by plan price": words of descriptions only, none the breakdown
                reading.unknown.append(item.text)
            return
        f = chosen.field
        if per and not f.is_measure and f.is_numeric and not f.is_timeframe:
            # "MRR per seat": a rate of a number each row has, not a row per seat count
            reading.per_thing = self.tokens[item.end - 1]
            return
        if per and f.is_measure and f.type in ("count", "count_distinct"):
            # "average seats per subscription", "revenue per order": a rate, not a
            # breakdown (see ``result``).
            reading.per_thing = self.tokens[item.end - 1]
            return
        if not f.is_measure and f.is_numeric and not f.is_timeframe and reading.rank is not None:
            # "biggest accounts by seats": ranked by the total of a per-row number.
            totals = _totals(item)
            if len(totals) == 1:
                chosen = totals[0]
            else:
                # "orders with the highest amount": each order's own number, ranked; the
                # bot answers with measures, so it says so rather than group by amounts.
                reading.unknown.append(item.text)
                return
        counts = ("count", "count_distinct")
        if chosen.field.type in counts and self.is_subject(item, chosen.field):
            reading.noun_counts.add(chosen.field.name)
        if chosen.field.is_measure:
            reading.add_measure(chosen.field)
            if tuple(self.stems[item.start : item.end]) in MONEY_VERBS:
                reading.verb_measures.add(chosen.field.name)  # "top 5 customers by spend"
            if not _named(chosen):
                # "top 10 customers by refund $", "MRR by plan price": only a word of its
                # description ("before refunds", "monthly price") names it, where a
                # breakdown or a ranking was asked: too little to run
                reading.unknown.append(item.text)
            if reading.sort_key is None:
                reading.sort_key = (chosen.field, "")
        else:
            if per and chosen.field == self.index.display_dimension(chosen.field.view):
                reading.per_row = (self.tokens[item.end - 1], chosen.field)
            reading.add_dimension(chosen.field)

    def read_field(self, items: list[_Item], i: int, reading: _Reading) -> None:
        item = items[i]
        if self.is_hint(items, i):
            # "Tier 1 agents": a value of the agents; "which of our Tier 1 agents" asks for
            # them (see ``result``).
            tops = _tops(item.candidates, "dim")
            reading.hinted.update(c.field.view for c in tops)
            reading.kinds.update(c.field.view for c in tops if c.view_noun)
            return
        if self.counts_before(items, i):
            return  # "seat count": the seats, counted by the measure they name
        chosen = self.resolve(item, "any", reading)
        if chosen is None:
            return
        if chosen.view_noun and not chosen.field.is_measure and self.counted_too(items, i):
            own = self.index.counts_of({chosen.field.view})
            if len(own) == 1:
                # "number of subs and (distinct) accounts": the accounts, counted too, and
                # "accounts and subs": the subs too
                reading.add_measure(own[0])
                reading.named.add(own[0].name)
                reading.joined_counts.add(own[0].view)
                return
        if (
            not chosen.field.is_measure
            and chosen.field.is_numeric
            and not chosen.field.is_timeframe
        ):
            reading.loose_numbers.add(chosen.field.name)
        if not chosen.field.is_measure:
            token = self.tokens[item.end - 1]
            if token.kind == "word" and token.stem != token.norm:
                reading.plural_dims = True
            if chosen.view_noun:
                reading.subjects.add(chosen.field.name)
            else:
                reading.shown.add(chosen.field.name)  # "show name, industry ..."
        if not chosen.field.is_measure and not _named(chosen):
            # A word of a dimension's description ("signed up", "assigned to"): it says
            # what happened, it does not ask to group by it.
            return
        if chosen.field.is_measure and not _named(chosen):
            reading.described.setdefault(chosen.field.name, item.text)
        elif chosen.field.is_measure:
            reading.named.add(chosen.field.name)
        numeric = chosen.field.is_numeric and not chosen.field.is_timeframe
        if not chosen.field.is_measure and numeric:
            # "seats" names a number per row and its total: asked for, it is the total.
            totals = _totals(item)
            summed = self.norm_at(item.start - 1) in ("total", "sum") or (
                self.norm_at(item.start - 1) == "of" and self.norm_at(item.start - 2) == "sum"
            )
            if len(totals) == 1:
                chosen = totals[0]
            elif not totals and summed:
                # "sum of order amounts": the sums of that number the Explore keeps, the
                # one there is, or asked which
                sums = [m for m in self.measures_of_number(chosen.field) if m.type == "sum"]
                first = item.start - (2 if self.norm_at(item.start - 1) == "of" else 1)
                said = self.stems[first : item.end]
                described = [m for m in sums if contains(stems(m.description), said)]
                sums = described if len(described) == 1 else sums  # "Sum of order amounts"
                if len(sums) == 1:
                    chosen = Candidate(sums[0], chosen.score)
                else:
                    if sums:
                        reading.ambiguous.append((item, [Candidate(m, TAG) for m in sums]))
                    else:  # no sum of it
                        reading.unknown.append(self.text(item.start - 1, item.end))
                    return
        joined = False
        if chosen.field.is_measure and chosen.field.type in ("count", "count_distinct"):
            if self.norm_at(item.start) in ("count", "counts"):
                reading.noun_counts.discard(chosen.field.name)  # "orders: count, revenue"
            token = self.tokens[item.start]
            # "the number of subscriptions" asks for the count; a bare noun may only name
            # what another measure is of.
            asked = [t.norm for t in self.tokens[max(0, item.start - 2) : item.start]]
            noun = item
            if [t.norm for t in self.tokens[item.start : item.start + 2]] in (
                ["number", "of"],
                ["count", "of"],
            ):  # "number of orders", a phrase of its own (a tag)
                asked = [t.norm for t in self.tokens[item.start : item.start + 2]]
                noun = replace(item, start=item.start + 2)
            counted_after = self.norm_at(item.end) in ("count", "counts", "number", "total")
            bare = (
                not counted_after
                and self.is_subject(noun, chosen.field)
                and (
                    asked not in (["number", "of"], ["count", "of"])
                    or self.done_by_value(items, i, chosen.field)
                )
            )
            # Joined to another measure ("orders and revenue"), not to anything else.
            joined = any(
                0 <= k < len(items)
                and 0 <= k + step < len(items)
                and (_joins(items[k]) or items[k].marker == "versus")  # "resolved vs total"
                and self.adjacent(items[min(i, k)], items[max(i, k)])
                and items[k + step].kind == "field"
                and (
                    any(c.field.is_measure for c in _tops(items[k + step].candidates, "any"))
                    # "new signups and seats", not "by seats, signups in the past 6 months"
                    or (items[k].marker == "and" and bool(_totals(items[k + step])))
                )
                for k, step in ((i - 1, -1), (i + 1 + self.grain_after(items, i), 1))
            )
            asked_again = (  # "revenue and how many orders": asked for too
                i >= 2 and items[i - 1].marker == "howmany" and items[i - 2].marker == "and"
            )
            before = items[i - 1] if i > 0 else None
            counted_before = (  # "resolved tickets and CSAT": the tickets the count counts
                before is not None
                and before.kind == "field"
                and before.end == item.start
                and bool(tops := _tops(before.candidates, "any"))
                and all(
                    c.field.type in ("count", "count_distinct")
                    and c.field.view == chosen.field.view
                    and c.field != chosen.field
                    for c in tops
                )
            )
            said_count = counted_after or self.norms[item.end - 1] in ("count", "counts")
            if (said_count or joined) and not counted_before:
                # "order count ... for complete orders", "Billing tickets by channel:
                # volume, csat and resolution time": asked for
                reading.asked_counts.add(chosen.field.name)
            elif said_count:
                # "resolved ticket count": the tickets the resolved count counts
                reading.noun_counts.add(chosen.field.name)
            beside = bool(reading.joined_counts - {chosen.field.view}) and self.norm_at(
                item.start - 1
            ) in ("and", ",")
            if bare and not beside and (counted_before or (not joined and not asked_again)):
                reading.noun_counts.add(chosen.field.name)
                base_count = chosen.field == self.index.count_measure()  # "for orders that"
                if (
                    self.norm_at(item.start - 1) in ("for", "among", "from")
                    and not base_count
                    and self.placed(items, i, chosen.field.view)
                ):
                    reading.whose.add(chosen.field.name)
        noun_use = self.norm_at(item.start - 1) in ("total", "their", "his", "her", "overall")
        noun_use = noun_use or self.norm_at(item.start) == "total"  # "total value"
        sold = item.end - item.start == 1 and self.norms[item.start] in _SALE_VERBS
        if (tuple(self.stems[item.start : item.end]) in MONEY_VERBS or sold) and not noun_use:
            # not "total spend": the money itself, named as a noun
            reading.verb_measures.add(chosen.field.name)
        said_first = self.tokens[item.start].norm
        if chosen.field.is_measure and said_first in _RANKS and item.end - item.start > 1:
            # "the largest order" names Largest Order; "which customer placed the largest
            # order" also asks for the one with the largest (see ``result``).
            reading.superlative = (chosen.field, _RANKS[said_first][0])
        if chosen.field.is_measure:
            counts = chosen.field.type in ("count", "count_distinct")
            weak = i > 0 and items[i - 1].kind == "value" and not self.possessive(items[i - 1])
            # "... in the West with their order count": asked for, not a kind of them
            weak = weak and not {"their", "its"} & set(self.norms[items[i - 1].end : item.start])
            joined_values = i > 1 and items[i - 2].marker == "versus"
            if weak and not counts and joined_values:
                weak = False  # "chat vs phone - frt and csat": the values compared
            if weak and (not counts or joined) and self.names_things(items[i - 1]):
                # "Sophie Wilson and Guido van Rossum - avg order value and # of orders",
                # "Margaret Hamilton - orders, revenue and largest order": a name is whose
                # they are, not a kind of them ("cancelled orders")
                weak = False
            if i > 1 and items[i - 1].kind == "field" and items[i - 2].kind == "value":
                # "High priority tickets": the values, named with their field
                fields = {m.field.name for m in items[i - 2].values}
                weak = any(c.field.name in fields for c in items[i - 1].candidates)
            joined_after = (
                i + 2 < len(items)
                and items[i + 1].marker == "and"
                and items[i + 2].kind == "field"
                and items[i + 2].start == items[i + 1].end
                and any(c.field.is_measure for c in _tops(items[i + 2].candidates, "any"))
            )
            if weak and counts and joined_after:
                # "Northwind orders and revenue", "SMB new subs and seats": the things the
                # value names are counted too, beside the measure joined to them
                weak = False
            if weak and counts and self.is_subject(item, chosen.field):
                reading.hinted.add(chosen.field.view)  # "Tier 1 agents"
                reading.kinds.add(chosen.field.view)
            reading.add_measure(chosen.field, weak=weak)
        else:
            reading.add_dimension(chosen.field)

    def adjacent(self, first: _Item, second: _Item) -> bool:
        """Whether ``second`` follows ``first`` with no preposition between: in "resolved
        and total tickets" the "and" joins two measures, in "resolved tickets, for tickets
        created..." the comma does not."""
        return not any(t.norm in _PREPOSITIONS for t in self.tokens[first.end : second.start])

    def counts_before(self, items: Sequence[_Item], i: int) -> bool:
        """Whether ``items[i]`` is a bare "count" after a field that names a measure or a
        number of its own ("seat count", "ticket count"): nothing more to read."""
        item = items[i]
        if self.norm_at(item.start) != "count" or item.end - item.start != 1 or i == 0:
            return False
        before = items[i - 1]
        if before.kind != "field" or before.end != item.start:
            return False
        return any(
            c.field.is_measure or (c.field.is_numeric and not c.field.is_timeframe)
            for c in _tops(before.candidates, "any")
        )

    def is_hint(self, items: Sequence[_Item], i: int) -> bool:
        """A field named next to one of its values ("the West region", "status complete"),
        or a numeric field before a comparison ("amount over 200"): not a grouping."""
        item = items[i]
        before = items[i - 1] if i > 0 else None
        if (
            before is not None
            and before.kind == "value"
            and before.end == item.start == item.end - 1
            and self.kind_of_thing(before) == item.end
        ):
            return True  # "annual billing": the Billing Period of "annual", not a measure
        dims = [c for c in item.candidates if not c.field.is_measure and _named(c)]
        if not dims or any(c.field.is_measure for c in _tops(item.candidates, "any")):
            return False
        # "Enterprise Plus seats": the seats' total, not the kind of thing the value is
        amount = all(c.field.is_numeric for c in dims) and bool(_totals(item))
        for j in (i - 1, i + 1):
            if 0 <= j < len(items) and items[j].kind == "value":
                for match in items[j].values:
                    for c in dims:
                        if c.field.name == match.field.name:
                            return True
                        if c.view_noun and c.field.view == match.field.view:
                            return True
                        kind = j == i - 1 and c.field.view == match.field.view and not amount
                        # not "Education with its segment": that one's own segment
                        kind = kind and items[j].end == item.start
                        if kind and c.score >= TAG:
                            return True  # "Software companies": the kind of thing
        if i + 1 < len(items) and items[i + 1].kind == "compare":
            return any(c.field.is_numeric for c in dims)
        return False

    def read_values(self, items: list[_Item], i: int, reading: _Reading, *, negate: bool) -> int:
        """A value, or several joined by "and", "or" or commas, all of one field."""
        group = [items[i]]
        j = i + 1
        while j + 1 < len(items):
            nxt = items[j + 1]
            same_field = self.value_and_noun(nxt, group) if nxt.kind == "field" else None
            if same_field is not None and _joins(items[j]):
                # "cancelled and returned orders": the second value, then its things
                items[j + 1] = same_field
            elif negate and _joins(items[j]) and items[j + 1].kind == "field":
                # "excluding cancelled and returned orders", "... and returned ones": both
                # left out
                nxt = items[j + 1]
                after = items[j + 2] if j + 2 < len(items) else None
                converted = self.as_value(nxt, self.strong_measure_items(items), after)
                matches = self.values.phrases.get(tuple(self.stems[nxt.start : nxt.end]))
                if converted is None and matches:
                    converted = _Item("value", nxt.start, nxt.end, nxt.text, values=matches)
                if converted is not None:
                    items[j + 1] = converted
            if _joins(items[j]) and items[j + 1].kind == "value":
                group.append(items[j + 1])
                j += 2
                continue
            break
        common = {m.field.name: m.field for m in group[0].values}
        for other in group[1:]:
            names = {m.field.name for m in other.values}
            common = {n: f for n, f in common.items() if n in names}
        if not common:  # different fields: read them one by one
            group, j = [items[i]], i + 1
            common = {m.field.name: m.field for m in items[i].values}
        target = self.value_field(items, i, j, list(common.values()), reading)
        if target is None:
            return j
        for value_item in group:
            value = next(m.value for m in value_item.values if m.field.name == target.name)
            bucket = reading.excludes if negate else reading.includes
            values = bucket.setdefault(target.name, [])
            if value not in values:
                values.append(value)
        return j

    def value_and_noun(self, item: _Item, group: Sequence[_Item]) -> _Item | None:
        """``item``, a field phrase that starts with a value of the field the values in
        ``group`` have ("returned orders" after "cancelled and"), as that value; ``None``
        when it does not."""
        fields = {m.field.name for value in group for m in value.values}
        for length in range(item.end - item.start - 1, 0, -1):
            said = self.values.phrases.get(tuple(self.stems[item.start : item.start + length]))
            same = [m for m in said or [] if m.field.name in fields]
            if same:
                end = item.start + length
                return _Item("value", item.start, end, self.text(item.start, end), values=same)
        return None

    def value_field(
        self,
        items: Sequence[_Item],
        start: int,
        end: int,
        fields: list[ExploreField],
        reading: _Reading,
    ) -> ExploreField | None:
        if len(fields) == 1:
            return fields[0]
        near = [items[k] for k in (start - 1, end) if 0 <= k < len(items)]
        named = [
            f
            for f in fields
            if any(
                it.kind == "field"
                and any(
                    c.field.name == f.name or (c.view_noun and c.field.view == f.view)
                    for c in it.candidates
                )
                for it in near
            )
        ]
        if len(named) == 1:
            return named[0]
        preferred = [f for f in fields if f.name in self.prefer]
        if len(preferred) == 1:
            return preferred[0]
        if reading.value_ambiguity is None:
            reading.value_ambiguity = (items[start], fields)
        return None

    def read_compare(self, items: list[_Item], i: int, reading: _Reading) -> None:
        item = items[i]
        target: ExploreField | None = None
        for k in (i - 1, i + 1):  # "amount over 200", "more than 100 seats"
            if target is not None or not 0 <= k < len(items) or items[k].kind != "field":
                continue
            numeric = [
                c.field
                for c in items[k].candidates
                if not c.field.is_measure
                and c.field.is_numeric
                and not c.field.is_timeframe
                and _named(c)
            ]
            if len(numeric) == 1:
                target = numeric[0]
                if k > i:  # the unit after the number: read, not a field of the query
                    items[k] = _Item("marker", items[k].start, items[k].end, items[k].text)
                    self.duration_verb(items, k, target)
        factor = 1
        unit = items[i + 1] if i + 1 < len(items) else None
        in_days = unit is not None and unit.end - unit.start == 1 and unit.start == item.end
        per_unit = _HOURS_IN.get(self.stems[unit.start]) if unit is not None and in_days else None
        if target is None and unit is not None and per_unit:
            # "at least 3 days to resolve": the one number counted in hours, in hours
            hours = [
                f
                for f in self.index.fields.values()
                if not f.is_measure
                and f.is_numeric
                and not f.is_timeframe
                and stems(f.label_short or f.label)[-1:] == ("hour",)
            ]
            if len(hours) == 1:
                target, factor = hours[0], per_unit
                items[i + 1] = _Item("marker", unit.start, unit.end, unit.text)
                self.duration_verb(items, i + 1, target)
        unit_end = items[i + 1].end if i + 1 < len(items) else 0
        in_total = unit_end > 0 and [self.norm_at(unit_end), self.norm_at(unit_end + 1)] in (
            ["in", "total"],
            ["combined", ""],
            ["altogether", ""],
        )
        totals = self.measures_of_number(target) if target is not None and in_total else []
        summed = [m for m in totals if m.type == "sum"]
        if len(summed) == 1 and self.things_that():
            # "which clients have more than 100 seats in total": their total seats, a
            # condition on the measure, not on each subscription's seats
            target = None
            items[i + 1] = _Item(
                "field",
                items[i + 1].start,
                unit_end,
                items[i + 1].text,
                candidates=[Candidate(summed[0], LABEL)],
            )
        condition = self.condition_on_measure(items, i) if target is None else None
        # "revenue over $1000 by region" may mean orders over $1000; "AOV above $80" not
        plain = condition is not None and condition != self.index.money_measure()
        counted = condition is not None and condition.type in ("count", "count_distinct")
        if counted and item.number is not None and (item.op, item.number) in _ALWAYS:
            # "shoppers who had at least one order above $1,000": every group has one row;
            # the things that had such an order, with no condition on a count
            if i + 1 < len(items) and items[i + 1].kind == "field":
                unit = items[i + 1]
                items[i + 1] = _Item("marker", unit.start, unit.end, unit.text)
            return
        if condition is not None and item.number is not None and (plain or self.things_that()):
            # "agents with a CSAT below 4", "customers who placed more than 5 orders",
            # "brands that did more than $20k in sales": each row's measure meets it (a
            # filter on a measure, which Looker applies to the groups: SQL's HAVING)
            number = int(item.number) if item.number.is_integer() else item.number
            reading.having[condition.name] = f"{item.op}{number}"
            reading.having_said.append(f"{condition.label_short or condition.label} {item.text}")
            reading.add_measure(condition)
            reading.named.add(condition.name)
            return
        spent = tuple(self.stems[max(0, item.start - 2) : item.start])
        if item.money and any(spent[k:] in MONEY_VERBS for k in range(len(spent))):
            # "customers who spent over $1,000": their total, not any one order's amount
            reading.unknown.append(self.text(max(0, item.start - 1), item.end))
            return
        if target is None and item.money:
            money = self.index.money_dimensions()
            if len(money) == 1:
                target = money[0]
        if target is None or item.number is None:
            reading.unknown.append(item.text)
            return
        named = items[i - 1] if i > 0 and items[i - 1].kind == "field" else None
        said = self.stems[named.start : named.end] if named is not None else []
        if named is not None and ("average" in said or self.norm_at(named.start - 1) == "average"):
            # "agents with an average resolution time over 24 hours": a condition on the
            # average (a filter on the measure), not on each row's number
            averages = [m for m in self.measures_of_number(target) if m.type == "average"]
            if len(averages) != 1 or factor != 1:
                reading.unknown.append(self.text(named.start, item.end))
                return
            reading.measures = [m for m in reading.measures if m.name != target.name]
            scaled = int(item.number) if item.number.is_integer() else item.number
            reading.having[averages[0].name] = f"{item.op}{scaled}"
            reading.having_said.append(self.text(named.start, item.end))
            reading.add_measure(averages[0])
            reading.named.add(averages[0].name)
            return
        if named is not None:
            # "tickets with resolution time over 24 hours": each ticket's number is
            # compared; the average the same words name is not asked for.
            own = "_" + target.name.split(".", 1)[1]
            gone = {
                c.field.name
                for c in named.candidates
                if c.field.is_measure
                and c.field.name.endswith(own)
                and c.field.view == target.view
                and _named(c)  # not "subscriptions", a word of Total Seats' description
            }
            reading.measures = [m for m in reading.measures if m.name not in gone]
        self.verb_of_duration(items, i, target, reading)
        scaled = item.number * factor
        number = int(scaled) if scaled.is_integer() else scaled
        reading.compares[target.name] = f"{item.op}{number}"

    def things_that(self) -> bool:
        """Whether the question asks for things that meet a condition ("which agents...",
        "customers who...", "accounts with..."), which a condition on a measure keeps;
        "revenue over $1000 by region" may as well mean orders over $1000."""
        words = self.norms
        asks = words[:1] in (["which"], ["who"], ["list"]) or "list" in words[:4]
        return asks or bool({"with", "who", "that", "having", "where"} & set(words))

    def condition_on_measure(self, items: Sequence[_Item], i: int) -> ExploreField | None:
        """The measure a comparison at ``items[i]`` is said of: named right before it ("a
        CSAT below 4", "ARR over 100k"; not a plain noun, "orders over $200", whose rows
        are compared), or right after it ("more than 5 orders", "more than $20k in
        sales", "spent more than $2,000"); money only of a money measure."""
        item = items[i]
        unit = i + 1 < len(items) and items[i + 1].start == item.end
        # "agents by CSAT with at least 30 tickets": the noun right after the number is
        # what it counts, though a measure was named before
        for k in (i + 1, i - 1) if unit else (i - 1, i + 1):
            if not 0 <= k < len(items) or items[k].kind != "field":
                continue
            at = items[k].start
            if k > i and self.qualifies_next(items, k):
                k += 1  # "more than 3 subscription cancellations": the cancellations
            tops = _tops(items[k].candidates, "any")
            if k > i:  # "more than 10 customers": the count the noun names
                tops = [c for c in tops if c.field.is_measure] or tops
            if len(tops) != 1 or not tops[0].field.is_measure or not _named(tops[0]):
                continue
            measure = tops[0].field
            said = tuple(self.stems[items[k].start : items[k].end])
            verb = said in MONEY_VERBS
            if k < i and not verb and self.is_subject(items[k], measure):
                continue  # "orders over 200": each order compared
            own_noun = k < i and self.tokens[items[k].start].stem in stems(measure.view_label)
            if own_noun and measure.type in ("count", "count_distinct"):
                continue  # "a pending order over 500": that order's amount, not a count
            money = any(sign in (measure.value_format or "") for sign in ("$", "€", "£"))
            if item.money and not money:
                continue
            if k > i and not verb and at != item.end + (self.norm_at(item.end) == "in"):
                continue
            return measure
        return None

    def verb_of_duration(
        self, items: Sequence[_Item], i: int, target: ExploreField, reading: _Reading
    ) -> None:
        """ "resolved in 12 hours or less": the verb before the duration says which one
        (Resolution Hours); it is no count of its own (Solved Tickets)."""
        verb = items[i - 1] if i > 0 else None
        if verb is None or verb.kind != "field" or verb.end - verb.start != 1:
            return
        if not _DURATION & set(stems(target.label)):
            return  # "orders over $250": the orders are counted
        if self.norm_at(verb.end) not in ("in", "within") and verb.end != items[i].start:
            return
        word = self.tokens[verb.start].norm
        label = target.label.lower().split()
        if len(word) < 5 or not any(w[:5] == word[:5] for w in label):
            return
        said = {c.field.name for c in verb.candidates if c.field.type == "count"}
        reading.measures = [m for m in reading.measures if m.name not in said]
        reading.named -= said

    def duration_verb(self, items: list[_Item], unit: int, target: ExploreField) -> None:
        """ "48 hours to resolve": the verb says which duration (Resolution Hours), and is
        read with it, not as a field of the query."""
        k = unit + 1
        if k >= len(items) or items[k].kind != "field" or items[k].end - items[k].start != 1:
            return
        between = range(items[unit].end, items[k].start)  # "hours (or more) to resolve"
        if [self.tokens[j].norm for j in between if j not in self.read_already] != ["to"]:
            return
        verb = self.tokens[items[k].start].norm
        label = target.label.lower().split()
        if len(verb) >= 5 and any(w[:5] == verb[:5] for w in label):
            items[k] = _Item("marker", items[k].start, items[k].end, items[k].text)

    def resolve(self, item: _Item, want: str, reading: _Reading) -> Candidate | None:
        tops = _tops(item.candidates, want)
        if len(tops) == 1:
            return tops[0]
        measures = [c for c in tops if c.field.is_measure]
        if want == "any" and len(measures) == 1 and len(tops) == 2:
            # A noun that is both a count and a dimension ("customers"), not after "by" or
            # a ranking (those want the dimension): the count.
            return measures[0]
        preferred = [c for c in tops if c.field.name in self.prefer]
        if len(preferred) == 1:
            return preferred[0]
        if all(c.field.primary_key for c in tops):
            # "Bug Report tickets ...: id, priority": the id of the things listed
            base = self.index.count_measure()
            listed = {base.view} if base is not None else set()
            own = [c for c in tops if c.field.view in listed]
            if len(own) == 1:
                return own[0]
        counts = ("count", "count_distinct")
        if self.norm_at(item.start) in ("count", "counts") and all(
            c.field.type in counts for c in tops
        ):
            # "Linus Torvalds' orders: count, revenue": the count of the things named
            named = reading.hinted | {self.index.fields[name].view for name in reading.noun_counts}
            of_named = [c for c in tops if c.field.view in named]
            if len(of_named) == 1:
                return of_named[0]
        reading.ambiguous.append((item, tops))
        return None

    # -- result ----------------------------------------------------------------------------

    def result(self, reading: _Reading) -> ParseResult:
        index = self.index
        key = index.explore.key
        words = self.norms
        # "Maria Garcia and Priya Patel ticket counts": counts, one per person.
        plural = any(w in ("counts", "totals", *_APART) for w in words)
        # "how many came in through Chat and how many through Email": one row each
        plural = plural or sum(pair == ("how", "many") for pair in itertools.pairwise(words)) > 1
        # "CSAT for Maria Garcia and James O'Brien": people (things named by their
        # names) side by side, unless said together ("combined")
        person = index.people()
        named_several = [
            n
            for n, v in reading.includes.items()
            if len(v) >= 2 and person is not None and n == person.name
        ]  # not products: "boots + sneakers orders" is one count of both
        together = {"combined", "together", "altogether", "overall", "total"} & set(words)
        apart = not together and not reading.how_many and "or" not in words and not reading.versus
        plural = plural or (
            bool(named_several) and not reading.dimensions and not reading.grain and apart
        )
        # "the AOV for Contoso and for Fabrikam": each said on its own, a row each
        repeated = any(
            a == "and" and b in _APART_LEADS and b in words[:k]
            for k, (a, b) in enumerate(itertools.pairwise(words))
        )
        several_of_one = sum(len(v) >= 2 for v in reading.includes.values()) == 1
        plural = plural or (repeated and several_of_one and not reading.dimensions and apart)
        if reading.each or plural:
            several = [n for n, v in reading.includes.items() if len(v) >= 2]
            if len(several) == 1 and all(d.name != several[0] for d in reading.dimensions):
                reading.dimensions.append(index.fields[several[0]])
            elif len(several) != 1 and reading.each:
                reading.unknown.append("each")
        if reading.versus and len(reading.times) == 2:
            # "did we get more signups this year or last year": the comparison says it.
            reading.unknown = [w for w in reading.unknown if w.lower() not in _COMPARATIVES]
        pers = [k for k, t in enumerate(self.tokens) if t.norm == "per"]
        if len(pers) >= 2 and not any(t.norm == "by" for t in self.tokens):
            # "tickets per agent per day": a rate (tickets an agent handles in a day), not
            # tickets by agent by day
            reading.unknown.append(self.text(pers[0], pers[-1] + 2))
        if len(words) > 1 and "why" in words:
            # "why did Lumen Labs churn?", "escalations by priority and why they got
            # escalated": a cause, which no query shows (a lone "why?" in a thread explains
            # the answer's query instead)
            return self.declined(("why",), reason="why")
        if reading.unknown:
            return self.declined(tuple(reading.unknown))
        for item, tops in reading.ambiguous:
            if not any(c.field.name in reading.chosen for c in tops):
                return Ambiguity(key, item.text, tuple(c.field for c in tops[:MAX_CANDIDATES]))
        if reading.value_ambiguity is not None:
            value_item, value_fields = reading.value_ambiguity
            return Ambiguity(key, value_item.text, tuple(value_fields[:MAX_CANDIDATES]))
        if reading.new_things is not None:
            return self.declined((reading.new_things,), reason="no_new")
        undated = reading.undated or self.dated_by_other_event()
        if undated is not None:
            return self.declined((undated,), reason="no_event_date")
        if reading.uncountable:
            return self.declined((reading.uncountable,), reason="no_count")

        split_at = self.second_clause()
        if split_at is not None:
            # "urgent tickets by channel this quarter, with avg first response time", "which
            # agent solved the most tickets last month, and what's their csat": what the
            # first part counts is asked for as well as what the second adds
            clause = [
                it
                for it in self.items
                if it.start > split_at and it.kind != "comma" and it.marker != "and"
            ]
            asked_all = list(dict.fromkeys([*reading.measures, *reading.weak_measures]))
            shown_already = any(m.type not in ("count", "count_distinct") for m in asked_all)
            if not clause and not shown_already:
                # "# of orders over $500 last week and their total value": what the second
                # part asks for, nothing here names ("agents with csat below 4, with their
                # score": the CSAT, shown already)
                return self.declined((self.text(split_at + 1, len(self.tokens)),))
            at: dict[str, int] = {}
            for m in asked_all:
                position = self.first_named(m)
                if position is not None:
                    at[m.name] = position
            asked_first = [m for m in asked_all if at.get(m.name, split_at) < split_at]
            asked_then = [m for m in asked_all if at.get(m.name, split_at) > split_at]
            strong_at = [at[m.name] for m in reading.measures if m.name in at]
            asked_first = [  # not "... the lowest churn rate among SMB customers": a kind
                m
                for m in asked_first
                if m in reading.measures or all(at[m.name] < p for p in strong_at)
            ]
            if asked_first and asked_then:
                for m in asked_first:
                    reading.add_measure(m)
                both = {m.name for m in [*asked_first, *asked_then]}
                reading.noun_counts -= both
                reading.verb_measures -= both
                reading.asked_counts |= both
        reading.noun_counts -= reading.asked_counts
        measures = list(reading.measures) or list(reading.weak_measures)
        base = index.count_measure()
        if reading.share and reading.happened_after_noun:
            # "percentage of orders returned by category": a rate within each category
            # (returned of all orders), which a share of the returns is not
            share = next((t.text for t in self.tokens if t.norm in _SHARE_WORDS), "percent")
            return self.declined((share,))
        asked = reading.how_many_of
        counts_asked = (("how", "many"), ("number", "of"), ("count", "of"))
        then_how_many = any(
            a in ("and", "plus", "with") and (b, c) == ("how", "many") and k > 0
            for k, (a, b, c) in enumerate(zip(words, words[1:], words[2:], strict=False))
        )  # "monthly new subs ..., with how many of those have churned": both asked
        if then_how_many or sum(pair in counts_asked for pair in itertools.pairwise(words)) > 1:
            # "how many orders ... and from how many customers", "... plus the number of
            # returns": each is asked for
            asked = None
            reading.noun_counts -= {m.name for m in measures}
        said_of = asked is not None and asked in (*measures, *reading.weak_measures)
        if asked is not None and (said_of or not reading.how_many):
            others = [m for m in measures if m != asked]
            if all(m.name in reading.noun_counts for m in others):
                # "how many pending orders do we have from customers": the orders, which
                # "how many" is said of; the customers are whose they are.
                measures = [asked]
        if (
            len(measures) >= 2
            and base in measures
            and all(m.name in reading.noun_counts for m in measures)
        ):
            # "how many agents worked tickets", "the fewest returns on Q3 orders": the
            # agents, the returns are counted; the Explore's own things (not joined to them
            # by "and") are what they worked on, what was returned.
            measures = [m for m in measures if m != base]
        if measures and all(m.name in reading.noun_counts for m in measures):
            # "how many tickets did Priya resolve": the verb after the value says what.
            # Not the Explore's own count: "agents handling Urgent tickets" counts agents.
            # Nor the kind of thing a value names: "Enterprise customers" are a filter.
            measures += [
                m
                for m in reading.weak_measures
                if m not in measures and m != base and m.view not in reading.hinted
            ]
        after_many = words[words.index("many") :] if "many" in words else []
        asked_too = any(  # "how many orders has she placed, and how much has she spent"
            word in ("and", "plus", "with")
            and {"what", "whats", "how", "number", "count"} & set(after_many[k + 1 : k + 4])
            for k, word in enumerate(after_many)
        )  # "... yesterday and from how many customers", "plus the number of returns"
        if then_how_many:
            # "which customer spent the most in august and how many orders did they place":
            # the money the verb names and the count, each asked for
            asked_too = True
            reading.verb_measures.clear()
        weak_first = (reading.noun_counts, reading.verb_measures)
        if reading.how_many and not asked_too:
            # "how many (Enterprise) subs are billed annually": "how many" asks for a
            # count, so the money verb is what the counted things do, not a total.
            weak_first = weak_first[::-1]
            counted = [m for m in reading.weak_measures if m.name in reading.noun_counts]
            if measures and counted and all(m.name in reading.verb_measures for m in measures):
                measures = counted
        for weak in (reading.whose - reading.asked_counts, *weak_first):
            if len(measures) > 1 and any(m.name not in weak for m in measures):
                measures = [m for m in measures if m.name not in weak]
        averages = [m for m in measures if m.type == "average"]
        on_average = bool({("on", "average"), ("on", "avg")} & set(itertools.pairwise(words)))
        if on_average and len(averages) == 1 and len(measures) > 1:
            averaged = set(content_words(averages[0].label_short or averages[0].label))
            totals = [m for m in measures if m.type == "sum"]
            if all(averaged & set(content_words(m.label_short or m.label)) for m in totals):
                # "on average how many seats does a sub have": the average of the seats,
                # which "how many seats" names the total of
                measures = [m for m in measures if m not in totals]
        listed = self.listing(measures, reading)
        if listed is not None:
            # "list all enterprise accounts": their names, not how many there are.
            reading.add_dimension(listed)
            measures = []
        if reading.averaged is not None and (reading.per_thing is None or not measures):
            # "average revenue by region": an average of what, per what, it does not say,
            # and the Explore has no measure that does.
            return self.declined((reading.averaged,))
        if reading.per_row is not None and len(reading.dimensions) > 1 and measures:
            # "tickets per agent by team", "revenue per shopper in each region": within
            # each team, a rate per agent, which only a measure described per agent is.
            reading.per_thing, listed = reading.per_row
            reading.dimensions.remove(listed)
            if len(reading.dimensions) == 1:
                reading.pivots.clear()  # "MRR per account by plan": plans are the rows
        if reading.per_thing is not None and measures:
            # "revenue per order": the one average the Explore describes per order.
            per = reading.per_thing
            if len(measures) > 1 and any(self.average_per(m, per) in measures for m in measures):
                pass  # "total seats and avg seats per sub": the average named is the one per sub
            else:
                average = self.average_per(measures[0], per)
                if average is None:
                    return self.declined((f"per {per.text}",))
                measures = [average]
        if reading.how_much and then_how_many and reading.how_many_of is not None:
            # "how much has she spent ..., and how many orders did she place": both
            money = index.money_measure()
            measures = [m for m in measures if m.type not in ("count", "count_distinct")]
            if money is not None and not measures:
                measures = [money]
            measures = [*measures, reading.how_many_of]
        elif reading.how_much:
            # "How much" asks for an amount: the money measure when none is named, and
            # never a count beside an amount ("how much have shoppers spent").
            named = [*measures, *reading.weak_measures]
            amounts = [m for m in named if m.type not in ("count", "count_distinct")]
            kept = [m for m in amounts if m in measures]
            amounts = kept or amounts  # "how much ARR does healthcare bring in": the ARR
            if not measures:
                money = index.money_measure()
                measures = [money] if money is not None else []
            elif amounts:
                measures = list({m.name: m for m in amounts}.values())
        if measures and all(
            m.name in reading.described
            and (m.name not in reading.named or m.name in reading.verb_measures)
            for m in measures
        ):  # a money verb beside the word says money, not which ("pay out in refunds")
            # Only words of a measure's description fit ("refunds" in "before refunds"),
            # also once "how much" kept the amounts ("how much did we refund on returned
            # orders"): not enough to run a query someone might believe.
            return self.declined(tuple(reading.described.values()))
        timed = reading.time is not None or bool(reading.times)
        if (
            timed
            and measures
            and all(m.name in reading.verb_measures and self.says_rate(m) for m in measures)
            and not any(self.said_by_name(m) for m in measures)  # "how much MRR did we ..."
            and reading.rank_noun is None  # "which country brought in the most new logos"
        ):
            # "how much did we earn last month": money made in that month, which a rate
            # (Monthly Recurring Revenue) of the rows dated then is not
            return self.declined((self.money_verb_said() or "how much",))
        if reading.how_many and asked_too and asked is not None and asked not in measures:
            measures = [asked, *measures]
        sold = any(t.norm in _SALE_VERBS for t in self.tokens)
        if reading.how_many and sold and measures == [index.money_measure()] and base:
            measures = [base]  # "how many parkas did we sell": orders, not revenue
        if not measures and reading.sort_key is not None and reading.sort_key[0].is_measure:
            measures = [reading.sort_key[0]]
        if (
            not measures
            and not reading.dimensions
            and reading.includes
            and base is not None
            and all(name.split(".")[0] == base.view for name in reading.includes)
        ):
            # "login issues this week?": a kind of the Explore's own things, counted.
            measures = [base]
        listed_words = "list" in self.norms[:4] or self.norms[:1] in (["every"], ["all"])
        names_listed = listed_words and any(
            d == index.display_dimension(d.view) for d in reading.dimensions
        )  # "list every account in Healthcare with its segment", "every account outside
        # the US, with their country": the accounts, no count
        if (
            not measures
            and reading.by_groups
            and (reading.includes or reading.excludes)
            and not names_listed
        ):
            # "urgent bug reports by channel": values of things, counted by a breakdown;
            # "Pro accounts by country": the accounts, when their view has a count; and
            # "enterprise accounts by country", a value of the accounts' own
            views = {index.fields[name].view for name in reading.subjects} or reading.kinds
            own = index.counts_of(views)
            count = own[0] if len(own) == 1 else index.count_measure()
            measures = [count] if count is not None else []
        if not measures and reading.how_many:
            count = reading.how_many_of or index.count_measure()
            if count is None:
                return self.declined((), reason="no_count")
            measures = [count]
        happened = self.count_of_value(measures, reading)
        if happened is not None:
            # "how many orders were returned", "how many churned subscriptions": the count
            # the Explore keeps of what the value says happened, not all with that status.
            name, measure = happened
            del reading.includes[name]
            measures = [measure]
        elif split_at is not None and base in measures and len(measures) > 1:
            # "which agent solved the most tickets last month, and what's their csat": the
            # solved tickets counted, the CSAT of all of them
            others = [m for m in measures if m != base]
            happened = self.count_of_value([base], reading)
            if happened is not None and all(
                m.type not in ("count", "count_distinct") for m in others
            ):
                measures = _counting_instead(reading, measures, base, happened)
        if base is not None and reading.rank_noun == base and self.did_the_most(reading):
            # "which tier 1 agent solved the most tickets": the solved ones counted, though
            # the agents named by a value are counted too (they give way, below)
            happened = self.count_of_value([base], reading)
            if happened is not None:
                measures = _counting_instead(reading, measures, base, happened)
        ranking = reading.rank is not None and reading.rank.rank != "order"
        if not measures and ranking and self.popular and base is not None:
            measures = [base]
        if not measures and ranking:
            all_measures = [f for f in index.fields.values() if f.is_measure]
            preferred = [f for f in all_measures if f.name in self.prefer]
            if len(preferred) == 1:
                measures = preferred
            else:
                assert reading.rank is not None
                return Ambiguity(key, reading.rank.text, tuple(all_measures[:MAX_CANDIDATES]))

        # Two periods compared ("this month vs last month"): one filter over both, grouped
        # by their unit; a change over a range ("from July to August") likewise.
        grain = reading.grain
        time = reading.time
        compared = False
        against_time = any(
            w in ("vs", "versus", "against", "to", "with") and nxt in ("last", "previous", "prior")
            for w, nxt in itertools.pairwise(words)
        )
        if reading.versus and len(reading.times) == 1 and against_time:
            # "orders vs last month": this month against last month
            said = reading.times[0].expression
            unit = said.removeprefix("last ") if said.startswith("last ") else ""
            if unit in ("week", "month", "quarter", "year"):
                current = TimeFilter(f"this {unit}", f"this {unit}")
                reading.times = [current, reading.times[0]]
        if len(reading.times) == 2 and (reading.versus or reading.change):
            combined = combine(reading.times[0], reading.times[1], self.today)
            for this, start in (reading.times, reversed(reading.times)):
                # "the change this month from last month", "from last month to this month"
                since = since_period(start.expression, self.today)
                starts_this = since is not None and this.expression == f"this {since[1]}"
                if combined is None and reading.change and starts_this:
                    combined = since
            if combined is None:
                return NotUnderstood(
                    key, (reading.times[1].words,), tuple(index.some_fields()), matched=0
                )
            time, unit = combined
            grain = grain if grain is not None and not reading.weak_grain else _UNIT_TIMEFRAME[unit]
            compared = True
        elif len(reading.times) > 1:
            return self.declined((reading.times[1].words,))
        elif reading.change and time is not None and time.expression.startswith("after "):
            # "how did revenue change from last month": last month against this one.
            since = since_period(time.expression, self.today)
            if since is not None:
                time, unit = since
                grain, compared = _UNIT_TIMEFRAME[unit], True
        elif reading.change and time is not None and (grain is None or reading.weak_grain):
            spanned = time.unit or range_unit(time.expression)
            if spanned is not None:
                grain, compared = _UNIT_TIMEFRAME[spanned], True
        if (
            reading.change
            and reading.change_grain is not None
            and (grain is None or reading.weak_grain)
        ):
            # "YoY MRR by plan": years side by side, pivoted beside another breakdown.
            grain, compared = reading.change_grain, True

        dimensions = list(reading.dimensions)
        listed_with = bool(dimensions) and self.columns_with(reading)
        if not reading.rows_of and dimensions and (self.columns_named(reading) or listed_with):
            reading.rows_of = True
        if reading.rows_of and not dimensions:
            # "MRR for each subscription": each one's own, which no field named here keeps
            k = next(k for k, t in enumerate(self.tokens) if t.norm in ("each", "every"))
            return self.declined((self.text(k, k + 2),))
        keys = [d for d in dimensions if d.primary_key]
        own_key = (
            next(
                (
                    f
                    for f in index.fields.values()
                    if f.primary_key and f.view == index.explore.base_view and not f.is_measure
                ),
                None,
            )
            if reading.rows_of and not keys and ("list" in words[:4] or listed_with)
            else None
        )
        if own_key is not None:
            # "list every order Ada Lovelace placed ... with the date and amount": each
            # one, by its id, with the fields named
            dimensions.insert(0, own_key)
            keys = [own_key]
        listed_rows = bool(keys) or (reading.rows_of and bool(dimensions))
        listing_rows = listed_rows and reading.rank is None and not reading.share
        if listing_rows and not reading.change:
            # "Ada Lovelace's orders this year: order id, date, status, amount": her
            # orders, one row each with the fields named; a thing named by a count of
            # another view ("agent") is its name
            listed_view = keys[0].view if keys else index.explore.base_view
            for m in measures:
                shown = index.display_dimension(m.view)
                of_things = m.type in ("count", "count_distinct")
                other = of_things and m.view != listed_view
                if other and shown is not None and shown not in dimensions:
                    dimensions.append(shown)
                state = self.state_of_count(m) if of_things and not other else None
                if state is not None and state[0] not in reading.includes:
                    # "the returned orders from august with order id, ...": the rows of
                    # those, the count's value a filter
                    reading.includes[state[0]] = [state[1]]
            for name in reading.loose_numbers:  # "seats": each row's own, not their total
                if index.fields[name] not in dimensions:
                    dimensions.append(index.fields[name])
            measures = []
        elif measures:
            loose = reading.loose_numbers | (reading.subjects - reading.shown)
            dimensions = [d for d in dimensions if d.name not in loose]
        numbers = [d for d in dimensions if d.name in reading.loose_numbers]
        if not measures and numbers and not listing_rows:
            # "resolution hours by agent": the one measure of that number (Average
            # Resolution Time); "amount by region" has several (total, average, largest):
            # which, it does not say. Never rows of each one's own number.
            of_it = self.measures_of_number(numbers[0])
            if len(numbers) > 1 or len(of_it) != 1:
                return self.declined((numbers[0].label_short or numbers[0].label,))
            measures = of_it
            dimensions = [d for d in dimensions if d != numbers[0]]
        if reading.versus and len(reading.times) < 2 and not measures and not dimensions:
            # "boots vs sneakers": compared by what, it does not say
            said = next((t.text for t in self.tokens if t.norm in _VERSUS_WORDS), "vs")
            return self.declined((said,))
        pair = any(len(values) > 1 for values in reading.includes.values())
        if reading.versus and not reading.times and grain and not pair and len(measures) < 2:
            # "annual plans vs monthly plans": what is compared is neither two periods nor
            # two values or two measures; "monthly" was not a grain
            said = next((t.text for t in self.tokens if t.norm in _VERSUS_WORDS), "vs")
            return self.declined((said,))
        pairs = list(itertools.pairwise(self.norms))
        examples = "etc" in self.norms or ("so", "on") in pairs or ("for", "example") in pairs
        for name in list(reading.includes):
            if examples and any(d.name == name for d in dimensions):
                # "orders in each status (complete, cancelled and so on)": examples of
                # what the breakdown shows, not a filter
                del reading.includes[name]
        versus_fields = {
            m.field.name
            for a, b, c in zip(self.items, self.items[1:], self.items[2:], strict=False)
            if a.kind == "value" and b.marker == "versus" and c.kind == "value"
            for m in [*a.values, *c.values]
        }
        if reading.versus and (len(reading.times) < 2 or versus_fields):
            # "SMB vs Enterprise": the values compared side by side, one row each (and
            # "North vs South revenue, this month vs last month": the periods pivoted);
            # other values joined by "and" stay filters ("phone vs chat CSAT for Urgent
            # and High priority")
            for name, values in list(reading.includes.items()):
                if versus_fields and name not in versus_fields:
                    continue
                if len(values) > 1 and all(d.name != name for d in dimensions):
                    dimensions.append(index.fields[name])
                if len(values) > 1 and set(values) == self.values.by_field.get(name):
                    # "monthly vs annual billing": every value there is, so no filter
                    del reading.includes[name]
        pivots = [p.name for p in reading.pivots]
        if grain is not None:
            time_dim = index.time_field(grain)
            if time_dim is None:
                return self.declined((), reason="no_timeframe")
            dimensions = [time_dim, *(d for d in dimensions if d.name != time_dim.name)]
            if compared:
                # "subscriptions by signup date, this quarter vs last": the periods
                # compared are what the date is broken down by.
                dimensions = [
                    d
                    for d in dimensions
                    if d == time_dim
                    or not (d.is_timeframe and d.dimension_group == time_dim.dimension_group)
                ]
            others = [d for d in dimensions if d.name != time_dim.name]
            if reading.pivot_grain or (compared and others):
                pivots.append(time_dim.name)
        names = [index.display_dimension(view) for view in reading.hinted]
        if not measures and not dimensions and reading.which and len(names) == 1 and names[0]:
            dimensions = [names[0]]  # "which Enterprise accounts are billed in Germany": names
        for name, values in reading.includes.items():
            whose = index.fields[name]
            if (
                not measures
                and len(values) > 1
                and whose == index.display_dimension(whose.view)
                and whose not in dimensions
                and any(d.view == whose.view for d in dimensions)
            ):
                # "industry and country for Quartz Software and Pine & Co": each one's,
                # in a row that says whose
                dimensions.insert(0, whose)
        views = {d.view for d in dimensions}
        shown_things = index.display_dimension(next(iter(views))) if len(views) == 1 else None
        if (
            not measures
            and shown_things is not None
            and shown_things not in dimensions
            and shown_things.view in reading.hinted
            and {"their", "its"} & set(self.norms)
        ):
            # "healthcare and education accounts in the US, with their segment": each of
            # those accounts, named, with its segment
            dimensions.insert(0, shown_things)
        listed_things = [
            shown
            for view in sorted(reading.hinted)
            if (shown := index.display_dimension(view)) is not None
        ]
        per_row = [index.fields[name] for name in sorted(reading.loose_numbers)]
        totals_of_loose = [
            m for m in measures if any(m in self.measures_of_number(n) for n in per_row)
        ]
        if (
            len(totals_of_loose) == len(measures)
            and dimensions
            and "list" in self.norms[:2]
            and len(listed_things) == 1
            and listed_things[0] not in dimensions
            and "with" in self.norms
        ):
            # "list UK and France accounts on Enterprise Plus with signup date and billing
            # period", "list enterprise accounts in germany with their plan and seats": those
            # accounts, named, with the fields of theirs asked for, each row's own number
            dimensions.insert(0, listed_things[0])
            dimensions += [n for n in per_row if n not in dimensions] if measures else []
            measures = []
        if not measures and not dimensions:
            understood = reading.time or reading.includes or reading.excludes or reading.compares
            reason = "no_fields" if understood else "nothing"
            return self.declined((), reason=reason)

        filters: dict[str, str] = {}
        phrases: dict[str, str] = {}
        if time is not None:
            time_field = index.filter_time_field()
            if time_field is None:
                return self.declined((), reason="no_time")
            if self.dated_from is not None and before_first_day(time, self.dated_from, self.today):
                # "revenue in 2024" when the orders start in October 2025: nothing to show
                starts = (time.words, self.dated_from.isoformat())
                return self.declined(starts, reason="before_data")
            filters[time_field.name] = time.expression
            phrases[time_field.name] = time.words
        for name in self.said_by_measures(measures, reading):
            # "net revenue (completed orders only)": what Net Revenue already keeps
            del reading.includes[name]
        for name in dict.fromkeys([*reading.includes, *reading.excludes]):
            included = reading.includes.get(name, [])
            parts = [escape_value(v) for v in included]
            # "in status solved (not the closed ones)": the values kept already leave the
            # others out
            left_out = [] if included else reading.excludes.get(name, [])
            parts += ["-" + escape_value(v) for v in left_out]
            filters[name] = ",".join(parts)
        filters.update(reading.compares)
        filters.update(reading.having)

        sorts: list[str] = []
        limit = reading.limit
        rank = reading.rank
        sort_key = reading.sort_key
        if sort_key is not None and (rank is not None or sort_key[1]):
            f, direction = sort_key
            if rank is not None and rank.rank == "order":
                direction = rank.direction  # "sorted by region descending"
            direction = direction or (rank.direction if rank else "desc")
            sorts = [f"{f.name} desc" if direction == "desc" else f.name]
        elif rank is not None and measures:
            sorts = [f"{measures[0].name} desc" if rank.direction == "desc" else measures[0].name]
        if rank is not None and rank.rank != "order":
            if rank.limit is not None:
                limit = rank.limit
            elif limit is None and rank.rank == "top" and reading.which and dimensions:
                # "which agent has the worst CSAT": one answer; "which agents", "what are
                # our top products": a list
                plural = self.singular_after(rank) is False
                limit = DEFAULT_TOP if reading.which_many or plural else 1
            elif limit is None and rank.rank == "top":
                # "the top customers": a list; "the best month for revenue": one
                limit = 1 if self.singular_after(rank) and dimensions else DEFAULT_TOP
            elif limit is None and rank.rank == "most" and dimensions:
                # "fewest escalations by agent": a list; "which agent has the fewest": one
                grouped = reading.plural_dims or reading.by_groups > 0
                plural_list = (grouped and not reading.which) or reading.which_many
                # "who are our biggest customers by MRR": the customers, in the plural
                said = rank.text.split()[0].lower()
                sized = said in _SUPERLATIVES and said not in ("most", "least", "fewest")
                plural_things = sized and any(
                    t.stem != t.norm
                    and t.kind == "word"
                    and any(
                        c.field in dimensions
                        and c.field == self.index.display_dimension(c.field.view)
                        for c in self.index.phrases.get((t.stem,), [])
                    )
                    for t in self.tokens[rank.end : rank.end + 1]
                )
                limit = DEFAULT_TOP if reading.list_rank or plural_list or plural_things else 1
        rows = [d for d in dimensions if d.name not in pivots]
        people = index.people()
        hinted = people is not None and people.view in reading.hinted
        counted_people = people is not None and all(
            m.view == people.view and m.type in ("count", "count_distinct") for m in measures
        )
        if rank is None and not rows and reading.which and hinted and counted_people and measures:
            # "which Tier 2 agents handled urgent tickets": those agents, not how many
            assert people is not None
            dimensions.append(people)
            rows = [people]
            measures = [
                m
                for m in reading.weak_measures
                if m.view != people.view and m.name in reading.noun_counts
            ][:1]
        named_things = [
            shown
            for view in sorted(reading.hinted)
            if (shown := index.display_dimension(view)) is not None
        ]
        which = self.norm_at(0) == "which"  # not "what's the MRR from Enterprise accounts"
        if rank is None and not rows and which and measures and len(named_things) == 1:
            # "which SMB accounts have a churned subscription": those accounts, each with
            # the measure; one total of it does not say which
            dimensions.append(named_things[0])
            rows = [named_things[0]]
        if reading.which and rows and rank is None and reading.superlative is not None:
            biggest, direction = reading.superlative
            if biggest in measures and not sorts:
                # "which customer placed the largest order": the one with the largest
                # ("which jeans product had the biggest single order": of those named)
                sorts = [f"{biggest.name} desc" if direction == "desc" else biggest.name]
                limit = reading.limit or 1
        if rank is not None and not rows and reading.which and people is not None and hinted:
            dimensions.append(people)  # "which of our Tier 1 agents ... the most"
            rows = [people]
            if rank.limit is None and reading.limit is None:
                limit = 1  # one answer, as "which agent has the worst CSAT"
        ranked = reading.rank_noun
        if rank is not None and rank.rank == "most" and not rows and ranked is not None:
            others = [m for m in measures if m != ranked]
            elsewhere = [m for m in others if m.view != ranked.view]
            counts = ("count", "count_distinct")
            if others and elsewhere == others and all(m.type in counts for m in others):
                # "customers with the most orders": the customers, ranked by their orders
                reading.noun_counts |= {m.name for m in others}
                measures = [ranked]
                sort_key = (ranked, "")
                sorts = [ranked.name if rank.direction == "asc" else f"{ranked.name} desc"]
        verbs = bool(measures) and all(m.name in reading.verb_measures for m in measures)
        # not "the 3 biggest shoppers by total spend": ranked by what "by" names
        verbs = verbs and not (reading.sort_key is not None and reading.sort_key[0] in measures)
        if rank is not None and rank.rank == "most" and ranked is not None and verbs:
            # "which month brought in the most new subscriptions": the subscriptions, not
            # the money the verb would name
            measures = [ranked]
            sort_key = (ranked, "")
            sorts = [ranked.name if rank.direction == "asc" else f"{ranked.name} desc"]
        things = {index.fields[name] for name in reading.subjects}
        for name in reading.noun_counts - {m.name for m in measures}:
            shown = index.display_dimension(index.fields[name].view)
            if shown is not None:
                things.add(shown)
        if rank is not None and rank.rank != "order" and not rows and not things:
            # "top 5 enterprise accounts by MRR": the accounts the value is said of, not
            # also counted ("the 3 biggest healthcare customers by seat count")
            things = set(named_things)
            measures = _not_counting(measures, {t.view for t in things})
            if sorts and sorts[0].split()[0] not in {m.name for m in measures}:
                first = measures[0].name
                sorts = [f"{first} desc" if rank.direction == "desc" else first]
        if rank is not None and rank.rank != "order" and not rows and len(things) == 1:
            # "accounts with the lowest ARPU", "agents with the best CSAT": those, ranked
            subject = next(iter(things))
            dimensions.append(subject)
            rows = [subject]
            limit = rank.limit or reading.limit or (1 if reading.which else DEFAULT_TOP)
        by_count = self.things_by(rows, measures, reading) if not listing_rows else None
        if by_count is not None:
            # "accounts by country": how many accounts in each, as "customers by country"
            # and "logos by plan" are; not every account's name
            shown = index.display_dimension(by_count.view)
            measures = [by_count]
            dimensions = [d for d in dimensions if d != shown]
            rows = [d for d in rows if d != shown]
        untimed = [d for d in rows if not d.is_timeframe]
        if not measures and len(untimed) == 1 and self.new_things_counted(untimed[0], reading):
            # "new accounts on Sept 14?", "weekly new accounts": how many there were, not
            # their names
            measures = index.counts_of({untimed[0].view})[:1]
            dimensions = [d for d in dimensions if d != untimed[0]]
            rows = [d for d in rows if d != untimed[0]]
        named_rows = all(index.display_dimension(d.view) in rows for d in rows)
        if (self.names_only() and rows and named_rows and not sorts) or self.values_asked(
            rows, measures, reading, sorts
        ):
            # "which shoppers had a cancelled order? just need the names": the list alone;
            # a count of things in a state ("a churned subscription") keeps the state
            said_words = {t.stem for t in self.tokens}
            for m in measures:
                label = stems(m.label_short or m.label)
                state = self.state_of_count(m) if label[:1] and label[0] in said_words else None
                if state is not None and state[0] not in filters:
                    filters[state[0]] = escape_value(state[1])
            measures = []
        if reading.having and reading.how_many:
            # "how many agents have an average resolution time over 24 hours": a count of
            # the groups a condition keeps, which one Looker query does not give
            return self.declined(tuple(reading.having_said))
        if reading.having and not rows:
            # "agents with an average resolution time over 24 hours": the agents; a
            # condition on one total row says nothing
            if len(things) != 1:
                return self.declined(tuple(reading.having_said))
            rows = [next(iter(things))]
            dimensions.append(rows[0])
        measures_of = [m.name for m in measures]
        by_measure = sort_key is not None and sort_key[0].is_measure and not sort_key[1]
        listed_by = by_measure or reading.lists_with or reading.ranked_by
        if rank is None and reading.lists_with and not rows and not things:
            # "list the enterprise accounts with their MRR", "Tier 1 agents and their
            # ticket volume": those named, each with the measure, not also counted
            things = set(named_things)
            measures = _not_counting(measures, {t.view for t in things})
        if rank is None and listed_by and not rows and len(things) == 1:
            # "agents by CSAT", "products except Boots by revenue": those, with the measure
            subject = next(iter(things))
            dimensions.append(subject)
            rows = [subject]
        elif rank is None and by_measure and not rows and reading.noun_counts - set(measures_of):
            # "tickets by CSAT": a breakdown by a measure, of things it cannot list
            assert sort_key is not None
            return self.declined((f"by {sort_key[0].label_short or sort_key[0].label}",))
        if rank is not None and rank.rank != "order" and not rows:
            # "smallest orders": ranked among what? One total row has nothing to rank.
            return self.declined((rank.text,))
        if not sorts and rows and all(d.is_timeframe for d in dimensions):
            # a time series, in time order; not one with another breakdown beside it, even
            # pivoted ("new subs by month by plan"), which Looker sorts as it does a table
            sorts = [rows[0].name]
        fields = [f.name for f in dimensions] + [
            m.name for m in measures if m.name not in {d.name for d in dimensions}
        ]
        # Every field came from the index, so build_spec accepts them; if it ever did not,
        # that is a parser bug, reported (with an error id) rather than hidden.
        measure_names = [m.name for m in measures]
        for n, sort in enumerate(sorts):
            name, _, direction = sort.partition(" ")
            if name not in fields and measure_names:  # a subject noun's count, dropped
                sorts[n] = f"{measure_names[0]} {direction}".strip()
        calculations: list[Calculation] = []
        if reading.share and not rows and not any(m.type == "number" for m in measures):
            # "what percent of orders were returned": a rate of one total, which a share of
            # the total (by some breakdown) is not; a measure that is a rate says it itself.
            share = next((t.text for t in self.tokens if t.norm in _SHARE_WORDS), "percent")
            return self.declined((share,))
        in_percent = reading.change and any(
            (a.norm == "in" or a.norm in CHANGE_WORDS or a.norm in _OVER.values())
            and b.norm in _SHARE_WORDS
            for a, b in itertools.pairwise(self.tokens)
        )  # "grow from Q1 to Q2, in %", "the yoy %": the change, as a percent
        if reading.share and measure_names and rows and not in_percent:
            calculations.append(Calculation("percent_of_total", measure_names[0]))
        if reading.change and not any(d.is_timeframe for d in dimensions):
            # "MRR growth": growth over which periods, it does not say; not run as MRR.
            said = next((t.text for t in self.tokens if t.norm in CHANGE_WORDS), "growth")
            return self.declined((said,))
        if reading.change and measure_names and any(d.is_timeframe for d in dimensions):
            calculations.append(Calculation("percent_change", measure_names[0]))
        if not measure_names:
            pivots = []
        return build_spec(
            index,
            fields=fields,
            filters=filters,
            sorts=sorts,
            limit=limit,
            filter_phrases=phrases,
            pivots=[p for p in dict.fromkeys(pivots) if p in fields],
            calculations=calculations,
        )


def _plural(token: Token) -> bool:
    """Whether a word is a noun in the plural ("agents", "accts"; not "acct", which is
    shorthand for one account)."""
    if token.kind != "word" or token.stem == token.norm:
        return False
    return token.norm.endswith("s") or token.norm in ("people", "children", "tix")


def _root(word: str) -> str:
    """A verb's root for comparing forms ("billed", "billing": "bill")."""
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_NEGATIONS = frozenset({"no", "not", "dont", "without", "never"})
"""Words that take back what follows ("don't need the list", "no need for names")."""

_AUXILIARIES = frozenset({"were", "was", "got", "get", "are", "is", "been", "have", "has", "had"})
"""Verbs before a participle ("that were returned", "that got escalated")."""

_DATE_WORDS = frozenset({"date", "day", "week", "month", "quarter", "year"})
"""A timeframe named by its grain alone ("cancellation month")."""

_DURATION = frozenset({"time", "hour", "minute", "day", "second", "duration"})
"""Words of a measure of how long something takes."""

_OVER = {"week": "wow", "month": "mom", "quarter": "qoq", "year": "yoy"}


def _plain(tokens: list[Token]) -> list[Token]:
    """``tokens`` without "number of" after "average" ("the average number of seats" is
    the Average Seats a label names), and "week over week" as "WoW" (and the same for
    months, quarters and years), so that "signups week over week" is not "Signup Week"."""
    kept: list[Token] = []
    for n, token in enumerate(tokens):
        unit = _OVER.get(token.norm)
        if unit and len(kept) >= 2 and kept[-1].norm == "over" and kept[-2].norm == token.norm:
            text = f"{kept[-2].text} over {token.text}"
            del kept[-2:]
            kept.append(Token(text, unit, unit, "word"))
            continue
        if token.norm in ("one", "question", "q") and kept and kept[-1].norm == "quick":
            continue  # "quick one": chatter, not a number
        if token.norm in ("fortnight", "fortnights"):  # "the last fortnight": 2 weeks
            kept += [Token("2", "2", "2", "number"), Token(token.text, "weeks", "week", "word")]
            continue
        if token.norm == "of" and kept and kept[-1].norm == "couple":  # "a couple of weeks"
            kept[-1] = Token(kept[-1].text, "2", "2", "number")
            continue
        quarter = _ORDINALS.get(kept[-1].norm) if kept and token.norm == "quarter" else None
        if quarter is not None:  # "the second quarter": Q2
            kept[-1] = Token(f"Q{quarter}", f"q{quarter}", f"q{quarter}", "quarter")
            continue
        if token.norm == "of" and kept and kept[-1].kind == "quarter":
            continue  # "the first quarter of 2025": Q1 2025
        if token.norm == "time" and kept and kept[-1].norm == "all":
            kept.pop()  # "revenue of all time", "all-time top customers": no time filter
            continue
        last = n + 1 == len(tokens) or tokens[n + 1].kind != "word"
        if token.norm == "mean" and not last and not any(k.norm in _DOES for k in kept[-3:]):
            # "mean resolution time": the average; "what does churn mean": not a field
            token = Token(token.text, token.norm, "average", token.kind)
        if (
            token.norm == "of"
            and len(kept) >= 2
            and kept[-1].norm == "number"
            and kept[-2].stem == "average"
        ):
            kept.pop()
            continue
        kept.append(token)
    return kept


_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4}
_ORDINALS["4th"] = 4

_DOES = frozenset({"do", "does", "did", "i", "you", "we", "they", "it", "that", "this"})
"""Words shortly before "mean" the verb ("what does churn mean", "do you mean")."""

_HOURS_IN = {"day": 24, "week": 168}
"""Hours in a unit a duration counted in hours may be asked in ("over 3 days")."""

_POPULAR = frozenset({"common", "frequent", "popular", "often", "frequently"})
_UNITS_OF_TIME = frozenset({"minute", "hour", "day", "week", "month", "quarter", "year"})
_APART = frozenset({"separately", "individually", "respectively"})
"""Words that ask for a row per value named ("Jeans and Shoes separately")."""

_VERSUS_WORDS = frozenset({"vs", "versus", "compare", "compared", "against", "or"})

_SHARE_WORDS = frozenset({"percent", "percentage", "share", "proportion", "%", "pct", "mix"})

_WORDS = frozenset({"am", "an", "as", "at", "be", "go", "he", "hi", "ok", "us", "we"})
"""Short words that are also some value's initials ("us"): a value only in capitals."""

_COMPARATIVES = frozenset({"more", "fewer", "less", "higher", "lower", "better", "worse"})
"""Words of a two-period comparison that ask for nothing more than the comparison."""

_PREPOSITIONS = frozenset(
    {"for", "on", "of", "in", "with", "from", "about", "at", "among", "across", "to"}
)


def _describes_per(described: Sequence[str], thing: str) -> bool:
    """Whether a description says its average is per ``thing``: "amount per order", or
    "revenue divided by the number of (paying) accounts"."""
    if contains(described, ("per", thing)):
        return True
    divided = ("divided", "by", "the", "number", "of")
    return any(
        tuple(described[k : k + 5]) == divided and thing in described[k + 5 : k + 7]
        for k in range(len(described) - 5)
    )


def _joins(item: _Item) -> bool:
    """A comma, "and" or "or"."""
    return item.kind == "comma" or (item.kind == "marker" and item.marker == "and")


def _named(candidate: Candidate) -> bool:
    """Named by more than a word of its description."""
    return candidate.score > DESCRIPTION or candidate.view_noun


def _priority(item: _Item) -> int:
    if item.kind == "field" and max(c.score for c in item.candidates) <= DESCRIPTION:
        return _PRIORITY["weak_field"]  # a word of a description loses to a value
    return _PRIORITY[item.kind]


def _totals(item: _Item) -> list[Candidate]:
    """The sums a per-row number's words also name ("seats": Total Seats)."""
    return [
        c
        for c in item.candidates
        if c.field.is_measure and c.field.type == "sum" and c.score >= LABEL_END
    ]


def _tops(candidates: Sequence[Candidate], want: str) -> list[Candidate]:
    """The best candidates for a slot: "dim" prefers dimensions (a view's name counts),
    "any" takes the best of all, a view's name only when nothing else fits."""
    pool = list(candidates)
    if want == "dim":
        # A word of a dimension's description does not outweigh a measure's name.
        dims = [c for c in candidates if not c.field.is_measure and _named(c)]
        pool = dims or pool
    else:
        # A field's own name first, then a view's name, then words of descriptions.
        pool = (
            [c for c in candidates if not c.view_noun and c.score > DESCRIPTION]
            or [c for c in candidates if c.view_noun]
            or pool
        )
    if not pool:
        return []
    best = max(c.score for c in pool)
    return [c for c in pool if c.score == best]


@dataclass(frozen=True)
class ExploreQuestion:
    """What one Explore offers the parser: its index and the values known for its fields."""

    index: ExploreIndex
    values: ValueIndex
    dated_from: date | None = None
    """The first day the Explore has rows for (its time field's earliest date), when known:
    a period wholly before it is declined rather than answered with nothing."""

    @functools.cached_property
    def spelling(self) -> Vocabulary:
        """The words of the Explore's fields and values, for reading typos (kept with it)."""
        words = {w for phrase in self.index.phrases for w in phrase}
        words.update(w for phrase in self.values.phrases for w in phrase)
        return Vocabulary(words)


def parse(
    question: str,
    explores: Sequence[ExploreQuestion],
    *,
    today: date,
    prefer: Collection[str] = (),
) -> ParseResult:
    """Read ``question`` against each Explore; the best reading wins (the first on a tie).

    Args:
        question: what the person asked.
        explores: the Explores to read it against, in order of preference.
        today: the day relative dates count from.
        prefer: field names picked by the person to settle an earlier ambiguity.
    """
    return read_question(question, explores, today=today, prefer=prefer)[0]


def read_question(
    question: str,
    explores: Sequence[ExploreQuestion],
    *,
    today: date,
    prefer: Collection[str] = (),
) -> tuple[ParseResult, ExploreQuestion]:
    """As :func:`parse`, and which of ``explores`` the result is for.

    When words fit nothing, and each is a typo of one word the Explores or the parser
    know ("regoin"), the question is read again with them corrected; the answer says so.
    """
    if not explores:
        raise ValueError("parse needs at least one Explore")
    result, chosen = _read_question(question, explores, today=today, prefer=prefer)
    if not isinstance(result, NotUnderstood) or not result.unknown or result.reason:
        return result, chosen
    fixes = typo_fixes(question, result.unknown, known_words(explores))
    if not fixes:
        return result, chosen
    again, chosen_again = _read_question(
        corrected(question, fixes), explores, today=today, prefer=prefer
    )
    if isinstance(again, QuerySpec):
        return replace(again, description=read_as(again.description, fixes)), chosen_again
    if isinstance(again, Ambiguity):
        return again, chosen_again
    return result, chosen


def known_words(explores: Sequence[ExploreQuestion]) -> list[Vocabulary]:
    """What a typo may be corrected to: the words of the Explores' fields and values (each
    kept with its Explore), and the words the parser reads."""
    return [*(explore.spelling for explore in explores), _parser_words()]


@functools.cache
def _parser_words() -> Vocabulary:
    words: set[str] = set()
    for phrases in (_MARKERS, _GRAINS, _COMPARE, _ORDER_WORDS, _OR_MORE):
        words.update(w for phrase in phrases for w in phrase)
    words.update((*_RANKS, *MONTHS, *UNITS, *WEEKDAYS, *CHANGE_WORDS, *_SUPERLATIVES))
    return Vocabulary(words)


def _read_question(
    question: str,
    explores: Sequence[ExploreQuestion],
    *,
    today: date,
    prefer: Collection[str],
) -> tuple[ParseResult, ExploreQuestion]:
    best: tuple[tuple[int, int, int, float], ParseResult, ExploreQuestion] | None = None
    tied: list[tuple[QuerySpec, ExploreQuestion]] = []
    results: dict[str, ParseResult] = {}
    tokens: dict[str, list[Token]] = {}
    for explore in explores:
        parser = _Parser(question, explore.index, explore.values, today, prefer, explore.dated_from)
        result = parser.result(parser.read(parser.match()))
        results[explore.index.explore.key] = result
        tokens[explore.index.explore.key] = parser.tokens
        if isinstance(result, QuerySpec):
            rank = 2
        elif isinstance(result, Ambiguity):
            rank = 1
        else:
            rank = 0
        # a question declined for a reason (read whole) says more than words unknown
        unknown = (
            len(result.unknown) if isinstance(result, NotUnderstood) and not result.reason else 0
        )
        score = (rank, -unknown, parser.matched, parser.strength)
        if best is None or score > best[0]:
            best = (score, result, explore)
            tied = [(result, explore)] if isinstance(result, QuerySpec) else []
        elif score == best[0] and isinstance(result, QuerySpec):
            tied.append((result, explore))
    assert best is not None
    if len(tied) > 1 and not prefer:
        # The question fits several Explores equally ("how many customers"): asking which
        # is better than running one at random.
        picks = [(spec.fields[-1], e) for spec, e in tied]
        return (
            Ambiguity(
                tied[0][1].index.explore.key,
                question,
                tuple(e.index.fields[name] for name, e in picks),
                explores=tuple(e.index.explore.key for _, e in picks),
            ),
            tied[0][1],
        )
    chosen = best[2]
    said = tokens[chosen.index.explore.key]
    owner = _owner_of_things(said, chosen, explores) if isinstance(best[1], QuerySpec) else None
    if isinstance(best[1], NotUnderstood) and best[1].reason == "" and best[1].unknown:
        # declined, the Explore whose things the question names says what it lacks
        owner = _owner_of_things(said, chosen, explores)
        if owner is not None and not isinstance(results[owner.index.explore.key], NotUnderstood):
            owner = None
    if owner is not None:
        # "how much did shoppers in Germany spend": shoppers are the shop's own things
        # (another Explore's word for them is only a synonym); the shop cannot say
        # Germany, and answering from the other Explore would answer about other people
        return results[owner.index.explore.key], owner
    return best[1], chosen


def _owner_of_things(
    tokens: Sequence[Token], chosen: ExploreQuestion, explores: Sequence[ExploreQuestion]
) -> ExploreQuestion | None:
    """Another Explore whose own word (a label or tag of its things) the question uses for
    the things it asks about, where ``chosen`` knows that word only as a synonym; ``None``
    when there is none."""
    for token in tokens:
        if token.kind != "word" or token.stem == token.norm:
            continue  # things are named in the plural: "shoppers", "buyers"
        here = max((c.score for c in chosen.index.phrases.get((token.stem,), [])), default=0.0)
        if here >= TAG or here == 0.0:
            continue
        for other in explores:
            if other is chosen:
                continue
            there = [
                c
                for c in other.index.phrases.get((token.stem,), [])
                if c.score >= TAG and (c.view_noun or c.field.type in ("count", "count_distinct"))
            ]
            if there:
                return other
    return None
