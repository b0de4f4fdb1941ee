"""Scoring the parser against a question set (tests/fixtures/ask_*.json).

Each answerable question is read against every Explore of the set, as the bot reads a
question against every Explore it may answer from, and is:

- **exact** when the parser builds exactly the expected query on the expected Explore;
- **wrong** when it builds any other query (an unanswerable question is wrong whenever a
  query is built): a query someone might believe;
- **declined** otherwise: it says it did not understand, or asks which field was meant.

An unanswerable question is never **exact** (it has no expected query), so the exact share
of a set cannot pass its share of answerable questions; the line also gives the exact share
of the answerable questions and the share of right outcomes (exact, or an unanswerable
question declined).

A conversation's follow-up turn is scored on its own: it refines the *expected* query of the
turn before (so one miss does not count against every later turn). A turn marked
unanswerable is right when declined, and the turn after it refines the last answerable one
(the thread keeps its last query).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lookerbot.ask.followup import Previous, refine
from lookerbot.ask.message import read_message
from lookerbot.ask.parser import ExploreQuestion
from lookerbot.ask.spec import QuerySpec, same_rows


@dataclass
class Score:
    """How the parser did on one set."""

    exact: int = 0
    wrong: int = 0
    declined: int = 0
    refused: int = 0
    """Unanswerable questions declined, as they should be (counted in ``declined``)."""
    unanswerable: int = 0
    misses: list[str] = field(default_factory=list)
    wrongs: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.exact + self.wrong + self.declined

    def line(self, name: str) -> str:
        answerable = self.total - self.unanswerable
        right = self.exact + self.refused
        return (
            f"{name}: {self.exact} of {self.total} exactly the expected query "
            f"({self.exact / max(self.total, 1):.1%}); {self.wrong} wrong queries "
            f"({self.wrong / max(self.total, 1):.1%}); {self.declined} declined; "
            f"of the {answerable} answerable, {self.exact / max(answerable, 1):.1%} exact; "
            f"right outcome {right / max(self.total, 1):.1%}"
        )


@dataclass
class Report:
    """Questions and follow-up turns, scored apart."""

    questions: Score = field(default_factory=Score)
    follow_ups: Score = field(default_factory=Score)


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def expected(q: dict[str, Any]) -> dict[str, Any]:
    """An entry's query in the shape of :meth:`QuerySpec.comparable`."""
    return {
        "fields": sorted(q["fields"]),
        "filters": {name: same_rows(e) for name, e in q["filters"].items()},
        "sorts": q["sorts"],
        "limit": q["limit"],
        "pivots": sorted(q.get("pivots", [])),
        "calculations": sorted(q.get("calculations", []), key=lambda c: (c["type"], c["field"])),
    }


def evaluate(doc: dict[str, Any], explores: dict[str, ExploreQuestion]) -> Report:
    """Score every question and follow-up of ``doc`` (``explores`` by ``model/explore``)."""
    today = date.fromisoformat(doc["today"])
    order = [explores[key] for key in doc["explores"]]
    report = Report()
    for q in doc["questions"]:
        result, chosen = read_message(q["question"], order, today=today)
        answerable = q.get("answerable", True)
        _score(
            report.questions,
            q["question"],
            result,
            want=expected(q) if answerable else None,
            right_explore=answerable and chosen is explores[q["explore"]],
        )
    for conversation in doc.get("conversations", []):
        explore = explores[conversation["explore"]]
        turns = conversation["turns"]
        before = turns[0]
        for turn in turns[1:]:
            previous = Previous.from_json(
                explore.index,
                {
                    "fields": before["fields"],
                    "filters": before["filters"],
                    "sorts": before["sorts"],
                    "limit": before["limit"],
                    "pivots": before.get("pivots", []),
                    "calculations": before.get("calculations", []),
                },
            )
            assert previous is not None, before["question"]
            result = refine(previous.spec, turn["question"], explore, today=today)
            if result is None:  # a question of its own: read as one
                result, _ = read_message(turn["question"], [explore], today=today)
            label = f"{before['question']} → {turn['question']}"
            if turn.get("answerable", True):
                _score(report.follow_ups, label, result, want=expected(turn), right_explore=True)
                before = turn
            else:  # a follow-up the Explore cannot answer: the thread keeps its last query
                _score(report.follow_ups, label, result, want=None, right_explore=False)
    return report


def _score(
    score: Score, text: str, result: Any, *, want: dict[str, Any] | None, right_explore: bool
) -> None:
    if want is None:
        score.unanswerable += 1
    if not isinstance(result, QuerySpec):
        score.declined += 1
        if want is not None:
            score.misses.append(text)
        else:
            score.refused += 1
    elif want is not None and right_explore and result.comparable() == want:
        score.exact += 1
    else:
        score.wrong += 1
        score.wrongs.append(text)
