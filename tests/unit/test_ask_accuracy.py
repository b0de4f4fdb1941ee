"""How many of the question set's questions the parser turns into exactly the expected query.

The set (tests/fixtures/ask_questions.json) was written from the asker's point of view before
the parser; the accuracy is printed at the end of the test run.
"""

from __future__ import annotations

from datetime import date

import pytest

from lookerbot.ask.parser import parse
from lookerbot.ask.spec import QuerySpec, same_rows
from tests.ask_support import ACCURACY, question_set, shop

TARGET = 0.90


def test_the_question_set_is_large_and_names_only_real_fields():
    doc = question_set()
    questions = doc["questions"]
    assert len(questions) >= 60
    assert len({q["question"].lower() for q in questions}) == len(questions)
    fields = shop().index.fields
    for q in questions:
        for name in [*q["fields"], *q["filters"]]:
            assert name in fields, (q["question"], name)
        for sort in q["sorts"]:
            assert sort.split(" ")[0] in q["fields"], q["question"]


def test_accuracy_on_the_question_set(pytestconfig: pytest.Config):
    doc = question_set()
    today = date.fromisoformat(doc["today"])
    explore = shop(today)
    exact = 0
    misses = []
    for q in doc["questions"]:
        result = parse(q["question"], [explore], today=today)
        expected = {
            "fields": sorted(q["fields"]),
            "filters": {name: same_rows(e) for name, e in q["filters"].items()},
            "sorts": q["sorts"],
            "limit": q["limit"],
            "pivots": sorted(q.get("pivots", [])),
            "calculations": q.get("calculations", []),
        }
        if isinstance(result, QuerySpec) and result.comparable() == expected:
            exact += 1
        else:
            misses.append(q["question"])
    total = len(doc["questions"])
    pytestconfig.stash[ACCURACY] = (exact, total, misses)
    assert exact / total >= TARGET, misses
