"""How long the ask parser takes per question once an Explore is cached (run by hand).

    .venv/bin/python benchmarks/ask_parse.py [--rounds 20]

Parses every question of tests/fixtures/ask_questions.json ``rounds`` times against the demo
shop's Explore (with the values the emulator suggests), then against a wide synthetic
Explore (300 fields, about 10,000 values), then every question of the tuning set
(tests/fixtures/ask_tuning.json) against the emulator's three Explores at once, as the bot
reads a question against every Explore it may answer from; it prints the time per
question. Indexing an Explore, which happens once per refresh, is timed separately.
Bounded: at most ``rounds`` passes and never more than ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import copy
import json
import platform
import random
import statistics
import time
from datetime import date
from pathlib import Path

from lookerbot.ask.index import ExploreIndex, ValueIndex, value_fields
from lookerbot.ask.parser import ExploreQuestion, read_question
from lookerbot.looker.models import Explore
from lookerbot.sandbox.looker_emulator import explore_json
from lookerbot.sandbox.query_engine import dimension_value
from lookerbot.sandbox.sample_data import generate
from tests.ask_support import explore_question

ROOT = Path(__file__).resolve().parent.parent
WORDS = (  # noqa: SIM905
    "account active agent amount balance billing branch campaign carrier channel city claim "
    "class code contract cost country coupon credit currency device discount district "
    "division duration email fee fleet gross inventory invoice item lead margin market "
    "member merchant method order partner payment plan policy price profit promo quota "
    "rate refund region renewal return route sale score segment seller session shipment "
    "sku source stage store supplier tax team ticket tier trial unit user vendor visit "
    "warehouse weight zone"
).split()


def shop(today: date) -> ExploreQuestion:
    index = ExploreIndex.build(Explore.from_api(explore_json()))
    rows = generate(today).rows
    values = {
        f.name: sorted({str(dimension_value(r, f.name)) for r in rows}) for f in value_fields(index)
    }
    return ExploreQuestion(index, ValueIndex.build(index, values))


def wide(rng: random.Random) -> tuple[dict, dict[str, list[str]]]:
    """The shop's fields plus 20 more views of 14 fields each, with many values."""
    data = copy.deepcopy(explore_json())
    values: dict[str, list[str]] = {}
    for v in range(20):
        view = f"{rng.choice(WORDS)}_{v}"
        for n in range(14):
            label = " ".join(rng.sample(WORDS, 2)).title()
            measure = n >= 9
            name = f"{view}.{label.lower().replace(' ', '_')}_{n}"
            field = {
                "name": name,
                "label": f"{view.title()} {label}",
                "label_short": label,
                "view_label": view.title(),
                "category": "measure" if measure else "dimension",
                "type": "sum" if measure else "string",
                "description": " ".join(rng.sample(WORDS, 8)),
                "tags": [" ".join(rng.sample(WORDS, 2))],
                "suggestable": not measure,
                "is_numeric": measure,
            }
            data["fields"]["measures" if measure else "dimensions"].append(field)
            if not measure:
                values[name] = [" ".join(rng.sample(WORDS, 2)).title() for _ in range(70)]
    return data, values


def timed(
    questions: list[str],
    explores: ExploreQuestion | list[ExploreQuestion],
    today: date,
    rounds: int,
    limit: float,
):
    samples: list[float] = []
    started = time.perf_counter()
    read = explores if isinstance(explores, list) else [explores]
    for _ in range(rounds):
        for question in questions:
            t0 = time.perf_counter()
            read_question(question, read, today=today)
            samples.append((time.perf_counter() - t0) * 1000)
        if time.perf_counter() - started > limit:
            break
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    return (
        f"{statistics.median(samples):.2f} ms median, {p95:.2f} ms p95, "
        f"{samples[-1]:.2f} ms max over {len(samples)} parses"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    args = parser.parse_args()
    doc = json.loads((ROOT / "tests" / "fixtures" / "ask_questions.json").read_text())
    today = date.fromisoformat(doc["today"])
    questions = [q["question"] for q in doc["questions"]]
    print(f"Python {platform.python_version()} on {platform.machine()}")

    t0 = time.perf_counter()
    small = shop(today)
    print(
        f"shop Explore ({len(small.index.fields)} fields): indexed in "
        f"{(time.perf_counter() - t0) * 1000:.1f} ms"
    )
    print("  per question:", timed(questions, small, today, args.rounds, args.max_seconds))

    data, values = wide(random.Random(1))
    t0 = time.perf_counter()
    index = ExploreIndex.build(Explore.from_api(data))
    big = ExploreQuestion(index, small.values.merged(ValueIndex.build(index, values)))
    count = sum(len(v) for v in values.values())
    print(
        f"wide Explore ({len(index.fields)} fields, {count} more values): indexed in "
        f"{(time.perf_counter() - t0) * 1000:.1f} ms"
    )
    print("  per question:", timed(questions, big, today, args.rounds, args.max_seconds))

    tuning = json.loads((ROOT / "tests" / "fixtures" / "ask_tuning.json").read_text())
    t0 = time.perf_counter()
    three = [explore_question(key, today) for key in tuning["explores"]]
    fields = sum(len(e.index.fields) for e in three)
    print(
        f"three Explores ({fields} fields): indexed in {(time.perf_counter() - t0) * 1000:.1f} ms"
    )
    asked = [q["question"] for q in tuning["questions"]]
    print("  per question:", timed(asked, three, today, args.rounds, args.max_seconds))


if __name__ == "__main__":
    main()
