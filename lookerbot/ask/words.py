"""Words of a question: tokens, their normal and stemmed forms, and words that carry no field.

Stemming is deliberately small (plurals, a few irregular forms and common abbreviations): it
only has to make "orders" meet "Orders" and "categories" meet "Category", in English.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

TokenKind = Literal[
    "word", "number", "ordinal", "money", "date", "yearmonth", "quarter", "half", "op", "comma"
]

_TOKEN = re.compile(
    r"(?P<date>\d{4}[-/.]\d{1,2}[-/.]\d{1,2})"
    r"|(?P<yearmonth>\d{4}[-/]\d{1,2})(?![\d])"
    r"|(?P<money>\$\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?k?)"
    r"|(?P<ordinal>\d{1,2}(?:st|nd|rd|th))\b"
    r"|(?P<number>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?k?)(?![\w])"
    r"|(?P<quarter>\bq[1-4])\b"
    r"|(?P<half>\bh[12])\b"
    r"|(?P<op>>=|<=|>|<|=)"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*(?:(?<=[sS])['’](?!\w))?|%)"
    r"|(?P<comma>[,;]|[?!](?=\s*\w)|:(?=\s+\w)|(?<=\s)[\u2014\u2013-](?=\s))",
    re.IGNORECASE,
)

_NUMBER_SIGN = re.compile(r"#\s*(?=(of\b)|[^\W\d_])", re.IGNORECASE)
_AMPERSAND = re.compile(r"\s&\s")
_PLUS_AND = re.compile(r"(?<=[^\W\d_])\s*\+\s*(?=[^\W\d_])")
_PLUS_AFTER_NUMBER = re.compile(r"(?:(?<=\d)|(?<=\d[kK]))\+(?![\d+])")
_WITH = re.compile(r"\bw/(o\b)?\s*", re.IGNORECASE)
_SPAN_UNITS = {"d": "days", "w": "weeks", "wk": "weeks", "mo": "months", "yr": "years"}
_PHRASES = (
    # "how many $ of Fabrikam stuff", "how many dollars' worth of shoes": how much
    (
        re.compile(
            r"\bhow\s+many\s+(?:\$|dollars?|bucks)(?:['\u2019]?\s*worth)?(?:\s+of)?(?!\w)",
            re.IGNORECASE,
        ),
        "how much",
    ),
    # "I'd like ...": not an ID; "what's the $ value": dollar value
    (re.compile(r"\b(i|we|you)['\u2019]d\b", re.IGNORECASE), r"\1 would"),
    (re.compile(r"\$(?!\s*\d)"), " dollar "),
    # "how many times has she bought": how many (orders)
    (re.compile(r"\bhow\s+many\s+times\b", re.IGNORECASE), "how many"),
    # "orders sent back": returned
    (re.compile(r"\b(?:got\s+|were\s+|was\s+)?sent\s+back\b", re.IGNORECASE), " returned"),
    (re.compile(r"\bsend(?:ing)?\s+back\b", re.IGNORECASE), "return"),
    # "not counting returned orders": excluding them
    (re.compile(r"\bnot\s+counting\b", re.IGNORECASE), "excluding"),
    # "this month vs the previous one": vs last (month)
    (
        re.compile(
            r"\b(vs\.?|versus|compared\s+(?:to|with))\s+the\s+(?:previous|prior)\s+one\b",
            re.IGNORECASE,
        ),
        r"\1 last",
    ),
    # "100 dollars": $100
    (re.compile(r"\b(\d+(?:\.\d+)?k?)\s+(?:dollars|bucks|usd)\b", re.IGNORECASE), r"$\1"),
    # ", phone excluded": excluding phone
    (
        re.compile(
            r"(?:(?<=,)|(?<=^))\s*((?:[^\W\d_]+\s+){0,2}?[^\W\d_]+)\s+(?:excluded|left\s+out)\b",
            re.IGNORECASE,
        ),
        r" excluding \1",
    ),
    # "this calendar year": this year
    (re.compile(r"\bcalendar\s+(?=(?:year|quarter|month|week)s?\b)", re.IGNORECASE), ""),
    # "last 90d", "past 12mo": days, months
    (
        re.compile(r"\b(\d{1,3})(d|w|wk|wks|mo|mos|yr|yrs)\b", re.IGNORECASE),
        lambda m: f"{m[1]} {_SPAN_UNITS[m[2].lower().rstrip('s')]}",
    ),
    # "gross vs net revenue": gross revenue vs net revenue
    (
        re.compile(
            r"\b(gross|net)\s+(vs\.?|versus|and|or|&|\+|compared\s+(?:to|with))\s+"
            r"(gross|net)\s+(?=([^\W\d_]+))",
            re.IGNORECASE,
        ),
        r"\1 \4 \2 \3 ",
    ),
)
"""Everyday ways of saying what the parser reads, rewritten to it, in this order."""
IRREGULAR = {
    "sold": "sale",
    "sell": "sale",
    "sells": "sale",
    "selling": "sale",
    "avg": "average",
    "num": "number",
    "qty": "quantity",
    "amt": "amount",
    "pct": "percent",
    "cnt": "count",
    "rev": "revenue",
    "revs": "revenue",
    "hrs": "hour",
    "hr": "hour",
    "mins": "minute",
    "tix": "ticket",
    "cust": "customer",
    "custs": "customer",
    "acct": "account",
    "accts": "account",
    "yr": "year",
    "qtr": "quarter",
    "qtrs": "quarter",
    "yrs": "year",
    "wk": "week",
    "wks": "week",
    "mo": "month",
    "mos": "month",
    "people": "person",
    "children": "child",
}

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "fifty": 50,
    "hundred": 100,
}

FILLERS = frozenset(
    """
    a an the of for in on at to from by with and or but as into within during
    what whats which who whom whose how much many when where why
    is are was were be been being am do does did done doing have has had having
    i me my we us our ours you your it its they them their there here this that these those
    she he her his him hers
    show shows showing give gave tell list display pull see get got find report fetch
    please can could would should will shall may might must want need like know let lets
    all any some something anything everything every whole entire overall total totals
    so far just only also up out about over right now currently still ever
    come came coming bring brings brought make makes made place placed places
    buy bought buys purchase purchased purchases happen happened
    look looking hey hi hello thanks thank bot looker unique distinct single new
    quick gimme pls plz idea wondering curious btw then ok okay cool hmm great nice thx
    u someone somebody anyone anybody love asap separately individually respectively
    represent represents hold holds held
    gotten received receive via ordered among take takes took taking
    handle handles handled handling work works worked working
    number sum value amount figure figures data numbers stats
    break breaks breakdown broken down combined together altogether
    current different score weve taken fall falls ones these
    through add added adding gain gained acquire acquired volume getting gets howre sign
    based sits sit sitting oh moment rn seen saw stuff
    """.split()  # noqa: SIM905
)
"""Words that may stay unmatched without making the question misunderstood (matched words
win: "total" is part of "Total Revenue", "number of orders" may be a tag)."""

DESCRIPTION_STOPWORDS = FILLERS | frozenset(
    """
    not no nor than then same other others each per one two such via using used use
    s t before after left out include includes including excluded exclude
    """.split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Token:
    """One token of a question.

    Attributes:
        text: as typed.
        norm: lowercased, apostrophes and a trailing "'s" removed.
        stem: ``norm`` stemmed (words only).
        kind: what the token is.
    """

    text: str
    norm: str
    stem: str
    kind: TokenKind


def stem(word: str) -> str:
    """``word`` (already normalized) without its plural ending or irregular form."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "uses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _normal(text: str) -> str:
    lowered = text.lower().replace("’", "'")
    if lowered.endswith("'s"):
        lowered = lowered[:-2]
    return lowered.replace("'", "")


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``; anything that is not a word, number, date or operator is
    dropped (punctuation other than commas)."""
    tokens: list[Token] = []
    # "# of orders": the number of them; "tickets + FRT": and; "100+ seats": 100 or more
    # "# churned subs": the number of them; "volume & escalations": and
    text = _NUMBER_SIGN.sub(lambda m: "number " if m.group(1) else "number of ", text)
    text = _PLUS_AND.sub(" and ", _AMPERSAND.sub(" and ", text))
    text = _PLUS_AFTER_NUMBER.sub(" or more", text)
    # "w/ % change", "w/o chat": with, without
    text = _WITH.sub(lambda m: "without " if m.group(1) else "with ", text)
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        raw = match.group()
        if kind == "word":
            norm = _normal(raw)
            tokens.append(Token(raw, norm, stem(norm), "word"))
        elif kind in ("quarter", "half"):
            tokens.append(Token(raw, raw.lower(), raw.lower(), kind))  # type: ignore[arg-type]
        elif kind in ("number", "money", "ordinal", "date", "yearmonth", "op", "comma"):
            norm = raw.lower().replace(" ", "")
            tokens.append(Token(raw, norm, norm, kind))  # type: ignore[arg-type]
    return tokens


@functools.lru_cache(maxsize=65536)
def stems(text: str) -> tuple[str, ...]:
    """The stems of the words (and numbers) of ``text``, for matching phrases (kept: the
    parser asks again and again for the stems of the same labels and descriptions)."""
    return tuple(t.stem for t in tokenize(text) if t.kind != "comma")


def number_value(token: Token) -> float | None:
    """The number a token stands for (``5``, ``five``, ``$1,200``, ``2k``), if any."""
    if token.kind == "word":
        value = NUMBER_WORDS.get(token.norm)
        return None if value is None else float(value)
    if token.kind not in ("number", "money"):
        return None
    text = token.norm.lstrip("$").replace(",", "")
    scale = 1000.0 if text.endswith("k") else 1.0
    try:
        return float(text.rstrip("k")) * scale
    except ValueError:
        return None


def content_words(text: str) -> Iterable[str]:
    """Stems of the words of a description that could name its field."""
    for token in tokenize(text):
        if token.kind == "word" and len(token.norm) > 2 and token.norm not in DESCRIPTION_STOPWORDS:
            yield token.stem


def contains(words: Sequence[str], part: Sequence[str]) -> bool:
    """Whether ``part`` stands in ``words`` as a run ("per order" in "amount per order")."""
    n = len(part)
    return any(tuple(words[i : i + n]) == tuple(part) for i in range(len(words) - n + 1))
