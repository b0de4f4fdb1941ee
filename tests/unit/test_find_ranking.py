"""How find ranks titles."""

from __future__ import annotations

from lookerbot.commands.find import Found, rank, score, search_patterns
from lookerbot.looker.models import ContentRef


def found(title: str, kind: str = "look", cid: str = "1") -> Found:
    return Found(looker=None, content=ContentRef(kind=kind, id=cid, title=title))  # type: ignore[arg-type]


def test_exact_beats_prefix_beats_contains_beats_words():
    assert score("revenue", "Revenue") > score("revenue", "Revenue by Region")
    assert score("revenue", "Revenue by Region") > score("revenue", "Total Revenue")
    assert score("total revenue", "Total Revenue Daily") > score("total revenue", "Revenue Total")
    assert score("revenue region", "Revenue by Region") > score("revenue region", "Revenue")
    assert score("zzz", "Revenue") == 0


def test_rank_orders_and_drops_non_matches():
    items = [
        found("Total Revenue", cid="1"),
        found("Revenue", "dashboard", "2"),
        found("Orders", cid="3"),
        found("Revenue by Region", cid="4"),
    ]
    titles = [f.content.title for f in rank("revenue", items)]
    assert titles == ["Revenue", "Revenue by Region", "Total Revenue"]


def test_ties_go_to_shorter_titles_then_looks():
    items = [
        found("Sales Q1", "dashboard", "9"),
        found("Sales Q1", "look", "8"),
        found("Sales", cid="7"),
    ]
    ranked = rank("sales", items)
    assert [(f.content.title, f.content.kind) for f in ranked] == [
        ("Sales", "look"),
        ("Sales Q1", "dashboard"),
        ("Sales Q1", "look"),
    ]


def test_search_patterns_phrase_then_longest_words():
    assert search_patterns("top revenue by region") == [
        "%top revenue by region%",
        "%revenue%",
        "%region%",
        "%top%",
        "%by%",
    ]
    assert search_patterns("x") == ["%x%"]
