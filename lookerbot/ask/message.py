"""A Slack message that asks a question among other sentences: context before it ("We're
reviewing Q3 with the board."), refinements after it ("Show me revenue by brand. Only
Jackets, and just last quarter.").

The message is read whole first; only when that fails is it read sentence by sentence. The
sentence that asks (a question mark, or a first word that asks: "what", "show", "how"...)
is the question; a sentence after it must read as a follow-up that changes the query
("Only Outerwear.") and is applied as one; a sentence before it is context and is passed
over, unless it names a value or a time the question does not use, or limits something
("only", "excluding"): then the message is declined, since the question may lean on it
("Acme Corp's renewal is coming up. How many subscriptions do they have?").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Sequence
from datetime import date

from lookerbot.ask.followup import refine
from lookerbot.ask.parser import ExploreQuestion, _Parser, read_question
from lookerbot.ask.spec import Ambiguity, NotUnderstood, ParseResult, QuerySpec

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[\"'(\[A-Z0-9])")
_ASKING = frozenset(
    """
    what whats which how who whom where when show give list can could would pull get tell
    compare is are was were did do does please need break split rank sum count
    """.split()  # noqa: SIM905
)
"""First words of a sentence that asks."""
_PRONOUNS = frozenset({"she", "he", "her", "his", "him", "they", "them", "their", "its", "it"})
"""Words by which a question refers to something a sentence before it named."""
_LIMITING = frozenset({"only", "just", "excluding", "except", "without", "not", "but"})
"""Words that narrow what is asked: in a sentence of context, the question may mean them."""


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences (at ".", "?" or "!" before a capital, a digit, a quote
    or a parenthesis); parentheses around a whole sentence are dropped."""
    found = []
    for part in _SENTENCE_END.split(text.strip()):
        part = part.strip()
        if part.startswith("(") and part.rstrip(".").endswith(")"):
            part = part.rstrip(".")[1:-1].strip(" .")
        if part:
            found.append(part)
    return found


def asks(sentence: str) -> bool:
    """Whether ``sentence`` asks (ends with "?" or starts with a word that asks)."""
    words = _words(sentence)
    return sentence.rstrip().endswith("?") or bool(words and words[0] in _ASKING)


def read_message(
    text: str,
    explores: Sequence[ExploreQuestion],
    *,
    today: date,
    prefer: Collection[str] = (),
) -> tuple[ParseResult, ExploreQuestion]:
    """Read ``text`` whole, and when that fails, as a question among sentences of context
    and refinement (see the module's docs)."""

    @functools.cache
    def read(part: str) -> tuple[ParseResult, ExploreQuestion]:
        return read_question(part, explores, today=today, prefer=prefer)

    result, chosen = read(text)
    parts = sentences(text)
    asked = [part for part in parts if part.rstrip().endswith("?")]
    if len(asked) > 1 and all(isinstance(read(part)[0], QuerySpec) for part in asked):
        # "What's MRR by plan? What's ARR by segment?": two answers, not one of both
        index = chosen.index
        declined = NotUnderstood(
            index.explore.key,
            tuple(asked),
            tuple(index.some_fields()),
            reason="two_questions",
            matched=len(asked),  # each one understood
        )
        return declined, chosen
    if not isinstance(result, NotUnderstood) or result.reason or len(parts) < 2:
        return result, chosen
    readings = [(k, *read(part)) for k, part in enumerate(parts) if asks(part)]
    answered = [(k, r, e) for k, r, e in readings if isinstance(r, QuerySpec | Ambiguity)]
    if len(answered) != 1:
        return result, chosen  # no sentence asks, or two do: which one, it cannot tell
    k, question, explore = answered[0]
    if isinstance(question, Ambiguity):
        return (question, explore) if k == len(parts) - 1 else (result, chosen)
    for part in parts[k + 1 :]:
        refined = refine(question, part, explore, today=today)
        if not isinstance(refined, QuerySpec):
            return result, chosen  # a sentence after the question it cannot apply
        question = refined
    pronoun = bool(_PRONOUNS & set(_words(parts[k])))
    for part in parts[:k]:
        named = _context(part, question, explore, today)
        if named is None:
            return result, chosen
        if named:
            # "Grace Hopper is one of our VIP shoppers. How many orders has she placed?":
            # the one value the question refers to, when it refers to one
            field, value = named
            referred = refine(question, f"only {value}", explore, today=today)
            if not pronoun or field in question.filters or not isinstance(referred, QuerySpec):
                return result, chosen
            question = referred
    return question, explore


def _words(text: str) -> list[str]:
    """The words of ``text``, in lower case, apostrophes dropped ("What's": "whats")."""
    return [w.lower() for w in re.findall(r"[A-Za-z]+", text.replace("'", ""))]


def _context(
    sentence: str, question: QuerySpec, explore: ExploreQuestion, today: date
) -> tuple[str, str] | tuple[()] | None:
    """What ``sentence``, before the question, adds: nothing (``()``) when it only sets the
    scene, every value and time it names being one the question keeps or breaks down by;
    the one value it names otherwise (field, value), which a pronoun may refer to; ``None``
    when it limits something, names a time, or names more."""
    if set(_words(sentence)) & _LIMITING:
        return None
    parser = _Parser(sentence, explore.index, explore.values, today, ())
    others: list[tuple[str, str]] = []
    for item in parser.match():
        if item.kind == "time" and not any(
            explore.index.fields[name].is_timeframe for name in question.filters
        ):
            return None  # "We changed the checkout in March.": the question may mean it
        if item.kind == "value" and not any(
            m.field.name in question.fields
            or m.value in question.filters.get(m.field.name, "").split(",")
            for m in item.values
        ):
            others.extend((m.field.name, m.value) for m in item.values)
    if len(set(others)) > 1:
        return None
    return others[0] if others else ()
