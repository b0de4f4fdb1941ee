"""What the parser knows of an Explore: the phrases that name each field, and known values.

Built once per Explore (and once per set of suggested values) and cached with it, so that
parsing a question is only dictionary lookups.

A field is named by (strongest first) its full label ("Orders Count"), its short label
("Total Revenue"), each of its LookML tags ("gmv", "number of orders"), its name
("total_revenue"), the end of its short label ("revenue"), and single words of its
description. A view's name or label ("customers") names the view's "Name" or "Title"
dimension when a dimension is wanted. Hidden fields are never offered.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from lookerbot.ask.words import FILLERS, contains, content_words, stems, tokenize
from lookerbot.looker.models import Explore, ExploreField

FULL_LABEL = 4.0
LABEL = 3.0
TAG = 3.0
NAME = 2.5
LABEL_END = 2.0
VIEW = 1.5
DESCRIPTION = 1.0

_DISPLAY_LABELS = ("name", "title", "full name")
_MAX_VALUE_WORDS = 8


@dataclass(frozen=True)
class Candidate:
    """A field a phrase may name, and how strongly."""

    field: ExploreField
    score: float
    view_noun: bool = False
    """The phrase names the field's view, not the field."""


@dataclass
class ExploreIndex:
    """The phrases of one Explore's visible fields, ready for matching.

    Attributes:
        explore: the Explore.
        phrases: stems of a phrase -> the fields it may name (best score per field).
        max_words: the longest phrase, in words.
        timeframes: dimension group -> timeframe (``month``) -> field.
        default_group: the dimension group time filters and grains use.
        display_name: how to name each field in answers (short label unless shared).
    """

    explore: Explore
    phrases: dict[tuple[str, ...], list[Candidate]] = field(default_factory=dict)
    max_words: int = 1
    timeframes: dict[str, dict[str, ExploreField]] = field(default_factory=dict)
    default_group: str | None = None
    display_name: dict[str, str] = field(default_factory=dict)
    fields: dict[str, ExploreField] = field(default_factory=dict)
    self_words: frozenset[str] = frozenset()
    """Stems of the Explore's own label and description that name no field ("shop" of
    "orders placed in the online shop"): a question may name the Explore with them
    ("shop revenue") without asking for anything more."""

    @classmethod
    def build(cls, explore: Explore) -> ExploreIndex:
        """Index ``explore``'s visible fields."""
        index = cls(explore=explore)
        visible = [f for f in explore.fields if not f.hidden and f.name]
        index.fields = {f.name: f for f in visible}
        short_counts: dict[str, int] = {}
        for f in visible:
            short_counts[f.label_short.lower()] = short_counts.get(f.label_short.lower(), 0) + 1
        for f in visible:
            shared = short_counts[f.label_short.lower()] > 1
            index.display_name[f.name] = f.label if shared else f.label_short
            index._add(stems(f.label), f, FULL_LABEL)
            index._add(stems(f.label_short), f, LABEL)
            for tag in f.tags:
                index._add(stems(tag), f, TAG)
            index._add(stems(f.name.partition(".")[2].replace("_", " ")), f, NAME)
            words = stems(f.label_short)
            for start in range(1, len(words)):
                if words[start:] != (words[-1],) or words[-1] not in FILLERS:
                    index._add(words[start:], f, LABEL_END)
            for word in set(content_words(f.description)):
                index._add((word,), f, DESCRIPTION)
            if f.is_timeframe and f.dimension_group and f.timeframe:
                index.timeframes.setdefault(f.dimension_group, {})[f.timeframe] = f
                if f.group_label and f.timeframe in ("date", "time"):
                    index._add(stems(f.group_label), f, LABEL)
        for view, display in _display_dimensions(visible).items():
            labels = {f.view_label for f in visible if f.view == view} | {view.replace("_", " ")}
            for label in labels:
                index._add(stems(label), display, VIEW, view_noun=True)
        index.default_group = _default_group(explore, index.timeframes)
        own = set(content_words(f"{explore.label} {explore.description}"))
        _add_glossary(index, own)
        index.self_words = frozenset(w for w in own if (w,) not in index.phrases)
        index.max_words = max((len(p) for p in index.phrases), default=1)
        return index

    def people(self) -> ExploreField | None:
        """The name of the one kind of person the Explore has (what "who" asks for): a
        view's display dimension whose view, tags or description speak of people."""
        found = [
            f
            for f in _display_dimensions(list(self.fields.values())).values()
            if any(
                word in " ".join((f.view_label, f.description, *f.tags)).lower() for word in _PEOPLE
            )
        ]
        return found[0] if len(found) == 1 else None

    def display_dimension(self, view: str) -> ExploreField | None:
        """The dimension that names a view's things (its ``name`` or ``title``)."""
        return self._displayed.get(view)

    @functools.cached_property
    def _displayed(self) -> dict[str, ExploreField]:
        # read once: the parser asks for it for many words of a question
        return _display_dimensions(list(self.fields.values()))

    def money_measures(self) -> list[ExploreField]:
        """The Explore's sums formatted as money."""
        return [
            f
            for f in self.fields.values()
            if f.is_measure
            and f.type == "sum"
            and any(sign in (f.value_format or "") for sign in ("$", "€", "£", "usd"))
        ]

    def money_measure(self) -> ExploreField | None:
        """The Explore's main money measure: what "how much did we make", "spent" or
        "paid" ask for. A summed measure formatted as money, one that says revenue or
        sales (label, tags, description) first; ``None`` when there is none."""
        money = self.money_measures()
        said = [
            f
            for f in money
            if any(
                word in " ".join((f.label, *f.tags, f.description)).lower()
                for word in ("revenue", "sales")
            )
        ]
        return next(iter(said or money), None)

    def _add(
        self, phrase: tuple[str, ...], f: ExploreField, score: float, *, view_noun: bool = False
    ) -> None:
        if not phrase:
            return
        candidates = self.phrases.setdefault(phrase, [])
        for i, existing in enumerate(candidates):
            if existing.field.name == f.name:
                if score > existing.score:
                    candidates[i] = Candidate(f, score, view_noun)
                return
        candidates.append(Candidate(f, score, view_noun))

    def time_field(self, timeframe: str) -> ExploreField | None:
        """The default dimension group's field for ``timeframe``."""
        if self.default_group is None:
            return None
        return self.timeframes[self.default_group].get(timeframe)

    def filter_time_field(self) -> ExploreField | None:
        """The field time filters go on: the default group's date (else any timeframe)."""
        if self.default_group is None:
            return None
        group = self.timeframes[self.default_group]
        for timeframe in ("date", "time", "raw", "week", "month"):
            if timeframe in group:
                return group[timeframe]
        return next(iter(group.values()))

    def count_measure(self) -> ExploreField | None:
        """The count of the Explore's base view (what "how many" counts by default)."""
        counts = self.counts_of({f.view for f in self.fields.values()})
        base = [f for f in counts if f.view == self.explore.base_view]
        return next(iter(base or counts), None)

    def counts_of(self, views: Collection[str]) -> list[ExploreField]:
        """The count measures of ``views`` (what counts their things), in field order."""
        return [
            f
            for f in self.fields.values()
            if f.view in views and f.is_measure and f.type in ("count", "count_distinct")
        ]

    def money_dimensions(self) -> list[ExploreField]:
        """Numeric dimensions formatted as money (what "over $200" compares)."""
        return [
            f
            for f in self.fields.values()
            if not f.is_measure
            and f.is_numeric
            and not f.is_timeframe
            and any(sign in (f.value_format or "") for sign in ("$", "€", "£", "usd"))
        ]

    def some_fields(self, measures: int = 5, dimensions: int = 4) -> list[str]:
        """A few fields to suggest: measures, then text dimensions (not ids or timeframes)."""
        chosen = [f for f in self.fields.values() if f.is_measure][:measures]
        text = [
            f
            for f in self.fields.values()
            if not f.is_measure and not f.is_timeframe and not f.is_numeric
        ]
        chosen += sorted(text, key=lambda f: not f.suggestable)[:dimensions]
        return [self.display_name[f.name] for f in chosen]


_PEOPLE = ("customer", "agent", "rep", "assignee", "person", "user", "employee", "buyer")

GLOSSARY: dict[str, str] = {
    "aov": "average order value",
    "arpu": "average revenue per user",
    "arpa": "average revenue per account",
    "mrr": "monthly recurring revenue",
    "arr": "annual recurring revenue",
    "gmv": "gross merchandise value",
    "ltv": "lifetime value",
    "cac": "customer acquisition cost",
    "csat": "customer satisfaction",
    "nps": "net promoter score",
    "frt": "first response time",
    "ttr": "time to resolve",
    "sla": "service level agreement",
    "dau": "daily active users",
    "wau": "weekly active users",
    "mau": "monthly active users",
}
"""Common business abbreviations. An abbreviation names a field only when that field's
label, tags or description spell it out (or the label is the abbreviation and the question
spells it out): nothing here names a field on its own.

A metric spelled out in a question ("daily active users") that no field names is one the
Explore does not have: its words ("daily", "active", "users") must not be read one by one
as a breakdown, a value and another measure."""


def unknown_metric(index: ExploreIndex, words: Sequence[str]) -> int:
    """How many of ``words`` (stems) spell out a glossary metric that no field of the
    Explore names; 0 when they do not start one."""
    for long in _spelled_metrics():
        if tuple(words[: len(long)]) == long and long not in index.phrases:
            return len(long)
    return 0


@functools.cache
def _spelled_metrics() -> tuple[tuple[str, ...], ...]:
    return tuple(stems(spelled) for spelled in GLOSSARY.values())


MONEY_VERBS: tuple[tuple[str, ...], ...] = (
    ("spend",),
    ("spent",),
    ("pay",),
    ("paid",),
    ("earn",),
    ("earned",),
    ("generate",),
    ("generated",),
    ("bring", "in"),
    ("brought", "in"),
    ("bill",),
    ("billed",),
    ("dollar", "value"),
    ("total", "value"),
    ("value", "of"),
    ("worth",),
    ("paying",),
    ("spending",),
    ("earning",),
    ("generating",),
    ("billing",),
    ("charged",),
    ("gross",),
    ("grossed",),
    ("make",),
    ("made",),
    ("bringing", "in"),
    ("dollar",),  # "in dollars", "how many dollars' worth"
)
"""Verbs of money: they name the Explore's main money measure (see ``money_measure``)."""

SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer": ("shopper", "buyer", "person", "client"),
    "max": ("maximum",),
    "min": ("minimum",),
    "period": ("cycle",),  # "billing cycle"
}
"""Nouns people use for the same thing: a phrase with the key word is also found with
each synonym (at a lower score), so "shoppers" finds what "customers" names."""

_GLOSSARY_SCORE = TAG
_SYNONYM_SCORE = LABEL_END


def _add_glossary(index: ExploreIndex, own: Collection[str]) -> None:
    """Abbreviations spelled out by a field, money verbs, and synonyms (see above);
    ``own``: the words of the Explore's label and description."""
    for abbreviation, spelled in GLOSSARY.items():
        long = stems(spelled)
        for f in index.fields.values():
            named_by = stems(" ".join((f.label, f.label_short, *f.tags)))
            if contains(named_by, long):
                index._add((abbreviation,), f, _GLOSSARY_SCORE)
            elif contains(stems(f.description), long):
                # Spelled out in a description only: a hint, as other description words.
                index._add((abbreviation,), f, DESCRIPTION)
            named = {stems(f.label_short), *(stems(t) for t in f.tags)}
            if (abbreviation,) in named:
                index._add(long, f, _GLOSSARY_SCORE)
                if long[:1] == ("annual",):  # "yearly recurring revenue": ARR too
                    index._add(("yearly", *long[1:]), f, _GLOSSARY_SCORE)
    money = index.money_measure()
    if money is not None:
        for verb in MONEY_VERBS:
            index._add(verb, money, _SYNONYM_SCORE)
        names = [stems(money.label_short or money.label), *(stems(t) for t in money.tags)]
        if not any("net" in words for words in names):
            # "gross revenue", "gross sales": the main money measure, before anything is
            # taken off
            for words in names:
                if len(words) == 1:
                    index._add(("gross", *words), money, TAG)
            index._add(("gross", *names[0][-1:]), money, TAG)
    # A count labelled by what happened to its things ("Escalated Tickets", "Returned
    # Orders"): the verb alone names it ("how many tickets were escalated").
    for f in index.fields.values():
        if f.type != "count":
            continue
        for name in (f.label_short or "", *f.tags):  # a tag too: "closed tickets"
            said = stems(name)
            happened = said[0] if len(said) == 2 else ""
            if not happened.endswith("ed") or len(happened) <= 5:
                continue
            # and its present ("did each agent solve", "escalate", "return", "churn")
            for form in (happened, happened[:-1], happened[:-2]):
                strong = [c for c in index.phrases.get((form,), []) if c.score >= _SYNONYM_SCORE]
                if not strong:
                    index._add((form,), f, _SYNONYM_SCORE)
    # A tag in the past tense ("resolved") also names its field in the present ("resolve").
    for phrase, candidates in list(index.phrases.items()):
        if len(phrase) == 1 and phrase[0].endswith("ed") and len(phrase[0]) > 5:
            for c in candidates:
                if c.score >= TAG:
                    index._add((phrase[0][:-1],), c.field, _SYNONYM_SCORE)
    # The event a date group records, as a plural noun ("Signup Date": "signups"), counts
    # the Explore's base view.
    count = index.count_measure()
    dated = index.filter_time_field()
    if count is not None and dated is not None and dated.group_label:
        event = tuple(w for w in stems(dated.group_label) if w not in ("date", "time"))
        if len(event) == 1 and event not in index.phrases:
            index._add(event, count, _SYNONYM_SCORE)
    # A synonym made from the Explore's own word ("shopper" of "the online shop") names
    # its things as well as the word it stands for.
    for phrase, candidates in list(index.phrases.items()):
        for word, others in SYNONYMS.items():
            if word not in phrase:
                continue
            for other in others:
                alias = tuple(other if w == word else w for w in phrase)
                if alias in index.phrases and alias != phrase:
                    continue
                its_own = any(len(w) >= 4 and other.startswith(w) for w in own)
                for c in candidates:
                    score = c.score if its_own else min(c.score, _SYNONYM_SCORE)
                    index._add(alias, c.field, score, view_noun=c.view_noun)


def _display_dimensions(visible: Sequence[ExploreField]) -> dict[str, ExploreField]:
    found: dict[str, ExploreField] = {}
    for f in visible:
        if f.is_measure or f.view in found:
            continue
        if f.label_short.lower() in _DISPLAY_LABELS or f.name.endswith((".name", ".title")):
            found[f.view] = f
    return found


def _default_group(
    explore: Explore, timeframes: Mapping[str, Mapping[str, ExploreField]]
) -> str | None:
    if not timeframes:
        return None
    own = [g for g in timeframes if g.partition(".")[0] == explore.base_view]
    return (own or list(timeframes))[0]


@dataclass(frozen=True)
class ValueMatch:
    """A value of a field that a phrase of the question spells."""

    field: ExploreField
    value: str


_SAME_VALUE: dict[str, tuple[str, ...]] = {
    "annual": ("annually", "yearly"),
    "monthly": ("month to month",),
    "cancelled": ("canceled",),
}
"""Words people use for the same value of a period or state (US and UK spelling too)."""

DEMONYMS: dict[str, tuple[str, ...]] = {
    "argentina": ("argentinian", "argentine"),
    "australia": ("australian",),
    "austria": ("austrian",),
    "belgium": ("belgian",),
    "brazil": ("brazilian",),
    "canada": ("canadian",),
    "chile": ("chilean",),
    "china": ("chinese",),
    "colombia": ("colombian",),
    "denmark": ("danish",),
    "finland": ("finnish",),
    "france": ("french",),
    "germany": ("german",),
    "greece": ("greek",),
    "india": ("indian",),
    "ireland": ("irish",),
    "israel": ("israeli",),
    "italy": ("italian",),
    "japan": ("japanese",),
    "mexico": ("mexican",),
    "netherlands": ("dutch",),
    "the netherlands": ("dutch",),
    "new zealand": ("new zealander",),
    "norway": ("norwegian",),
    "poland": ("polish",),
    "portugal": ("portuguese",),
    "singapore": ("singaporean",),
    "south africa": ("south african",),
    "south korea": ("korean", "south korean"),
    "spain": ("spanish",),
    "sweden": ("swedish",),
    "switzerland": ("swiss",),
    "turkey": ("turkish",),
    "united kingdom": ("british",),
    "united states": ("american",),
}
"""Country values by the adjectives people use for them ("German customers" names the value
"Germany"): general English, not any Explore's words."""


@dataclass
class ValueIndex:
    """Values Looker suggests for an Explore's fields, by the stems of their words."""

    phrases: dict[tuple[str, ...], list[ValueMatch]] = field(default_factory=dict)
    max_words: int = 0
    initials: dict[str, list[ValueMatch]] = field(default_factory=dict)
    """Values of several words by their initials ("United States": "us"), matched only
    when typed in capitals ("the US"), so "us" the word never becomes a value."""
    numbered: dict[str, set[str]] = field(default_factory=dict)
    """The numbers of values spelled as a word and a number ("tier": {"1", "2"})."""
    first_names: dict[str, ValueMatch] = field(default_factory=dict)
    """People (the Explore's one kind of person) by their first or last name ("Priya",
    "Knuth") when no one else has it, matched only when typed with a capital."""
    by_field: dict[str, set[str]] = field(default_factory=dict)
    """Each field's values, as Looker suggested them."""

    @classmethod
    def build(cls, index: ExploreIndex, values: Mapping[str, Iterable[str]]) -> ValueIndex:
        """Index ``values`` (field name -> values); fields not in ``index`` are ignored."""
        built = cls()
        for name, field_values in values.items():
            f = index.fields.get(name)
            if f is None:
                continue
            for value in field_values:
                built.add(f, value)
        person = index.people()
        if person is not None:
            built.add_first_names(person, values.get(person.name, ()), index)
        return built

    def add_first_names(self, f: ExploreField, names: Iterable[str], index: ExploreIndex) -> None:
        """Index the first and last names of ``f``'s values that no other value or field
        shares; a last name of several words ("van Rossum", "Berners-Lee") as a phrase."""
        seen: dict[str, set[str]] = {}
        tails: dict[tuple[str, ...], set[str]] = {}
        for name in names:
            words = name.split()
            if len(words) < 2 or not words[0][:1].isupper():
                continue
            for part in (words[0], words[-1]):
                said = tokenize(part)
                if len(said) == 1 and part[:1].isupper():
                    seen.setdefault(said[0].norm, set()).add(name)
            tail = stems(" ".join(words[1:]))
            if len(tail) >= 2:
                tails.setdefault(tail, set()).add(name)
        for word, full in seen.items():
            taken = (word,) in self.phrases or (word,) in index.phrases
            if len(full) == 1 and not taken:
                self.first_names[word] = ValueMatch(f, next(iter(full)))
        for tail, full in tails.items():
            if len(full) == 1 and tail not in self.phrases and tail not in index.phrases:
                self._alias(tail, f, next(iter(full)))

    def add(self, f: ExploreField, value: str) -> None:
        """Make ``value`` of ``f`` known."""
        self.by_field.setdefault(f.name, set()).add(value)
        phrase = stems(value)
        if not phrase or len(phrase) > _MAX_VALUE_WORDS:
            return
        self._alias(phrase, f, value)
        for adjective in (*DEMONYMS.get(value.lower(), ()), *_SAME_VALUE.get(value.lower(), ())):
            self._alias(stems(adjective), f, value)
        if value.isalpha() and value.islower() and value.endswith("e") and len(value) >= 6:
            self._alias(stems(value + "d"), f, value)  # "completed orders": status complete
        words = value.split()
        if len(words) >= 2 and all(w[:1].isalpha() and w[:1].isupper() for w in words):
            short = self.initials.setdefault("".join(w[0] for w in words).lower(), [])
            if all(m.field.name != f.name for m in short):
                short.append(ValueMatch(f, value))

    def _alias(self, phrase: tuple[str, ...], f: ExploreField, value: str) -> None:
        if len(phrase) == 2 and phrase[1].isdigit():
            self.numbered.setdefault(phrase[0], set()).add(phrase[1])
        matches = self.phrases.setdefault(phrase, [])
        if all(m.field.name != f.name for m in matches):
            matches.append(ValueMatch(f, value))
            self.max_words = max(self.max_words, len(phrase))

    def merged(self, other: ValueIndex) -> ValueIndex:
        """Both indexes' values."""
        result = ValueIndex()
        for source in (self, other):
            for matches in source.phrases.values():
                for match in matches:
                    result.add(match.field, match.value)
        result.first_names = {**other.first_names, **self.first_names}
        return result


def value_fields(index: ExploreIndex) -> list[ExploreField]:
    """The fields whose values the parser should know: suggestable string dimensions."""
    return [
        f
        for f in index.fields.values()
        if not f.is_measure
        and f.suggestable
        and not f.is_numeric
        and not f.is_timeframe
        and f.type in ("string", "zipcode", "tier", "")
    ]
