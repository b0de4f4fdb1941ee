"""Typos: a word nothing in the question's Explores knows, one keystroke away from exactly
one word that something does ("regoin": "region", "tikcets": "tickets").

Only words of five letters or more are corrected, and only to words of five letters or
more: short words are too close to each other to guess ("cost", "most", "post").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from lookerbot.ask.words import stem, tokenize

MIN_LENGTH = 5
_ENDINGS = ("ed", "ing", "ly")
_INFLECTIONS = ("ies", "ied", "ing", "es", "ed", "s", "d")


def one_edit(typed: str, word: str) -> bool:
    """Whether ``typed`` is ``word`` with one letter changed, added, dropped, or two
    neighbouring letters swapped (Damerau-Levenshtein distance 1)."""
    if typed == word:
        return False
    n, m = len(typed), len(word)
    if abs(n - m) > 1:
        return False
    i = 0
    while i < min(n, m) and typed[i] == word[i]:
        i += 1
    if n == m:
        if typed[i + 1 :] == word[i + 1 :]:
            return True  # one letter changed
        swapped = i + 1 < n and typed[i] == word[i + 1] and typed[i + 1] == word[i]
        return swapped and typed[i + 2 :] == word[i + 2 :]
    if n > m:
        return typed[i + 1 :] == word[i:]  # one letter added
    return typed[i:] == word[i + 1 :]  # one letter dropped


def vocabulary(words: Iterable[str]) -> frozenset[str]:
    """``words`` (stems) and their plurals, as someone would type them."""
    known: set[str] = set()
    for word in words:
        if word.isalpha():
            known.update((word, f"{word}s"))
            if word.endswith("y"):
                known.add(f"{word[:-1]}ies")
    return frozenset(known)


class Vocabulary:
    """Words someone may mean (stems and their plurals), kept by length so that a typo is
    compared only with words a keystroke longer or shorter."""

    def __init__(self, stems: Iterable[str]) -> None:
        self.words = vocabulary(stems)
        self.by_length: dict[int, list[str]] = {}
        for word in self.words:
            self.by_length.setdefault(len(word), []).append(word)

    def __contains__(self, word: object) -> bool:
        return word in self.words

    def near(self, typed: str) -> Iterator[str]:
        """The words one letter shorter, as long, or one longer than ``typed``."""
        for length in (len(typed) - 1, len(typed), len(typed) + 1):
            yield from self.by_length.get(length, ())


def corrections(question: str, known: Sequence[Vocabulary]) -> dict[str, str]:
    """The typed words of ``question`` that no vocabulary of ``known`` has, each with the
    one known word it is a typo of; words with no such word, or several, are left out."""
    found: dict[str, str] = {}
    for token in tokenize(question):
        typed = token.norm
        if token.kind != "word" or len(typed) < MIN_LENGTH or not typed.isalpha():
            continue
        if any(typed in v or token.stem in v for v in known):
            continue
        near = {
            word
            for v in known
            for word in v.near(typed)
            if len(word) >= MIN_LENGTH and one_edit(typed, word)
        }
        # "started" is not "Starter": a word with the ending of an English verb or adverb
        # is more likely that word, typed right, than a typo of one without it.
        near = {w for w in near if w.endswith(_ENDINGS) or not typed.endswith(_ENDINGS)}
        # nor is "invoice" a typo of "invoiced": the word itself, in another tense
        near = {w for w in near if w != typed + "d"}
        # nor "replies" one of "replied": the same word in another form
        near = {w for w in near if _root(w) != _root(typed)}
        if len({stem(word) for word in near}) == 1:
            # "tikcets": "tickets" (one swap), not "ticket" (two edits); the nearest form
            found[token.text] = min(near, key=lambda w: abs(len(w) - len(typed)))
    return found


def _root(word: str) -> str:
    """``word`` without its English inflections ("replies", "replied", "replieds":
    "repl")."""
    for _ in range(2):
        ending = next((e for e in _INFLECTIONS if word.endswith(e) and len(word) - len(e) >= 3), "")
        word = word[: len(word) - len(ending)]
    return word


def typo_fixes(text: str, unknown: Iterable[str], known: Sequence[Vocabulary]) -> dict[str, str]:
    """The corrections of the typos in ``text`` among ``unknown``, the phrases a reading of
    it left unknown (see :func:`corrections`)."""
    said = {word.lower() for phrase in unknown for word in phrase.split()}
    return {t: word for t, word in corrections(text, known).items() if t.lower() in said}


def read_as(description: str, fixes: dict[str, str]) -> str:
    """``description`` of an answer, saying which typos it was read with."""
    said = ", ".join(f"“{typed}” as “{word}”" for typed, word in fixes.items())
    return f"{description} (read {said})"


def corrected(question: str, fixes: dict[str, str]) -> str:
    """``question`` with each typed word of ``fixes`` replaced by its correction."""
    for typed, word in fixes.items():
        question = re.sub(rf"(?<!\w){re.escape(typed)}(?!\w)", word, question, count=1)
    return question
