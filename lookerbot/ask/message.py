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

_SENTENCE_END = re.compile(
    r"(?<=[.?!])\s+(?=[\"'(\[A-Z0-9])"
    r"|(?<=[?!])\s+(?=[a-z])"
    r"|(?<=[a-z0-9]{3}[.])\s+(?=[a-z])"
    r"|\s+[\u2014\u2013]\s+|\s+--?\s+"
)
"""Where a sentence ends: ".", "?" or "!" before a capital, a digit, a quote or a
parenthesis; "?" or "!" before any word, and "." after a word of three characters or more
("... last week. need it for the sync"), as Slack messages are often typed in lower case;
a dash between spaces ("quick one — how many orders ...")."""
_ASKS_AFTER = re.compile(
    r"\s*:\s+(?=(?:how|what|whats|what's|which|who|can|could)\b)"
    r"|,?\s+(?:and\s+|so\s+)?(?:(?:i|we)\s+)?(?=need\s)"
    r"|,?\s+(?:i|we)(?:'d|\s+would)\s+(?:love|like)\s+to\s+(?=(?:see|get|have)\s)"
    r"|,\s+(?=(?:i'm|i\s+am|we're|we\s+are|it's|it\s+is|they're)\s)",
    re.IGNORECASE,
)
"""Where the asker's own words give way to the question, in one sentence: a colon before a
word that asks ("... so I want to settle it with data: how many ..."), and before what
they need or would like to see ("For the exec summary I need ...", "... for the QBR and
need total revenue ..."); or where the question gives way to them ("..., we're chasing
fulfilment")."""
_LEAD = re.compile(
    r"(?:for\s+(?:the|our|my|this|that|a|an|tomorrow'?s|today'?s|\w+day'?s|next)"
    r"|sorry|context|fyi|heads\s+up|quick\s+(?:one|question|q)|random\s+(?:one|question|q)"
    r"|putting\s+together|prepping|working\s+on|pulling\s+together)\b"
    r"[^,:;.?!]*?(?:(?:\s*[,:;])?\s+but\s+|\s*[,:;]\s+)",
    re.IGNORECASE,
)
"""A clause before the question, in the same sentence, that says what the asker is doing
or why ("for the QBR deck, ...", "sorry if this is obvious but ...", "context for the CS
kickoff: ...", "putting together the merch review, ..."): it ends at the first comma,
colon, semicolon or "but". Like any sentence before the question, it is passed over only
when it names no value or time the question does not use (:func:`_context`)."""
_SPEAKER = frozenset({"i", "im", "id", "ive", "we", "were", "weve", "my", "our", "me", "us"})
"""Words by which the asker speaks of themselves: what they say before the question is
about them (context), where "login problems: how many tickets ..." names what is asked."""
_ASKING = frozenset(
    """
    what whats which how who whom where when show give list can could would pull get tell
    compare is are was were did do does please need break split rank sum count see
    """.split()  # noqa: SIM905
)
"""First words of a sentence that asks."""
_PRONOUNS = frozenset({"she", "he", "her", "his", "him", "they", "them", "their", "its", "it"})
"""Words by which a question refers to something a sentence before it named."""
_TREND = frozenset({"trend", "trending", "trended", "moved", "evolved"})
"""Words of a series over time."""
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
        lead = _LEAD.match(part)
        if lead is not None and part[lead.end() :].strip():
            found.append(part[: lead.end()].strip(" ,:;").removesuffix(" but").strip(" ,"))
            part = part[lead.end() :].strip()
        split = _ASKS_AFTER.search(part)
        if split is not None:
            head = part[: split.start()]
            about = _SPEAKER & set(_words(head)) or head.lower().startswith("for ")
            if about or ":" not in split.group():
                found.append(head.strip())
                part = part[split.end() :].strip()
        if part:
            found.append(part)
    return found


def asks(sentence: str) -> bool:
    """Whether ``sentence`` asks (ends with "?" or starts with a word that asks; "we're"
    is no "were")."""
    words = _words(sentence)
    first = sentence.split()[0].lower() if sentence.split() else ""
    contracted = ("'" in first or "\u2019" in first) and not first.startswith(("what", "how"))
    return sentence.rstrip().endswith("?") or bool(words and words[0] in _ASKING and not contracted)


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
    if not readings:
        # "hello! weekly subscription signups over the past 6 weeks pls — marketing ...":
        # no sentence asks in words, but one reads as a question
        readings = [(k, *read(part)) for k, part in enumerate(parts)]
        answered = [(k, r, e) for k, r, e in readings if isinstance(r, QuerySpec)]
    if len(answered) != 1:
        return result, chosen  # no sentence asks, or two do: which one, it cannot tell
    k, question, explore = answered[0]
    if isinstance(question, Ambiguity):
        return (question, explore) if k == len(parts) - 1 else (result, chosen)
    for part in parts[k + 1 :]:
        refined = refine(question, part, explore, today=today)
        if isinstance(refined, QuerySpec):
            question = refined
        elif not _aside(part, question, explore, today):
            return result, chosen  # a sentence after the question it cannot apply
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


def _aside(sentence: str, question: QuerySpec, explore: ExploreQuestion, today: date) -> bool:
    """Whether ``sentence``, after the question, only says why or thanks ("need it for the
    monday sync, thx"): it limits nothing, and every field, value or time it names is one
    the question already uses."""
    words = _words(sentence)
    if set(words) & _LIMITING or (asks(sentence) and words[:1] != ["need"]):
        return False  # "pull the cancellation reason" asks for more
    used = {*question.fields, *question.filters}
    series = any(explore.index.fields[name].is_timeframe for name in question.fields)
    parser = _Parser(sentence, explore.index, explore.values, today, ())
    for item in parser.match():
        if item.kind in ("unknown", "comma") or item.marker in ("and", "which", "who"):
            continue
        if item.kind == "number" and item.text.isalpha():
            continue  # "felt like a busy one"
        if item.kind == "grain" and series and _TREND & set(_words(item.text)):
            continue  # "trying to show the trend" of a series already asked for
        if item.kind == "value" and all(
            m.value in question.filters.get(m.field.name, "").split(",") for m in item.values
        ):
            continue
        if item.kind == "field" and all(c.field.name in used for c in item.candidates):
            continue
        return False
    return True


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
