"""The demo shop's Explore, indexed the way the bot indexes it, for parser tests."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from typing import Any

import pytest

from lookerbot.ask.index import ExploreIndex, ValueIndex, value_fields
from lookerbot.ask.parser import ExploreQuestion
from lookerbot.looker.models import Explore
from lookerbot.sandbox.looker_emulator import explore_json
from lookerbot.sandbox.query_engine import dimension_value
from lookerbot.sandbox.sample_data import generate
from tests.conftest import ROOT

QUESTIONS = ROOT / "tests" / "fixtures" / "ask_questions.json"
ACCURACY = pytest.StashKey[tuple[int, int, list[str]]]()
"""Where the accuracy test leaves its result for the end-of-run report."""


def question_set() -> dict[str, Any]:
    return json.loads(QUESTIONS.read_text())


def shop_index(data: dict[str, Any] | None = None) -> ExploreIndex:
    return ExploreIndex.build(Explore.from_api(data or explore_json()))


@cache
def shop(today: date = date(2026, 9, 30)) -> ExploreQuestion:
    """thelook/orders with the values the emulator suggests for its fields."""
    index = shop_index()
    rows = generate(today).rows
    values = {
        f.name: sorted({str(dimension_value(r, f.name)) for r in rows}) for f in value_fields(index)
    }
    return ExploreQuestion(index, ValueIndex.build(index, values))
