"""Time phrases of a question, as Looker date filter expressions.

"last month" is the previous calendar month and "last 7 days" the seven days up to today
(Looker's ``7 days``); a month or day named without a year is the latest one that is not
after today; ranges include the last day people name (Looker's ``A to B`` leaves ``B`` out,
so ``B`` is the day after it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from lookerbot.ask.words import Token, number_value

Unit = Literal["day", "week", "month", "quarter", "year"]
Grain = Literal["day", "month", "year"]

MONTHS = {
    name: index
    for index, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
UNITS: dict[str, Unit] = {
    "day": "day",
    "week": "week",
    "month": "month",
    "quarter": "quarter",
    "year": "year",
}
WEEKDAYS = {
    name: index
    for index, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
_LEADS = frozenset({"in", "during", "for", "over", "within", "of", "throughout"})
_LAST = frozenset({"last", "past", "previous", "prior", "trailing", "rolling"})
_THIS = frozenset({"this", "current"})
CHANGE_WORDS = frozenset(
    {"change", "changed", "grew", "grow", "grown", "growth", "increase", "increased"}
    | {"decrease", "decreased", "drop", "dropped", "rise", "rose", "fell", "fall"}
)
"""Words of change: after them "from last month" is where a change starts, not last month
alone; a question with one and no periods to compare is declined."""
_UNTIL = frozenset({"to", "until", "through", "thru", "and"})
"""What ends a range after "from" ("from January to March")."""
_TO_DATE = {
    ("year", "to", "date"): "year",
    ("ytd",): "year",
    ("month", "to", "date"): "month",
    ("mtd",): "month",
    ("quarter", "to", "date"): "quarter",
    ("qtd",): "quarter",
    ("week", "to", "date"): "week",
    ("wtd",): "week",
}
for _unit_name in ("year", "quarter", "month", "week"):
    for _start in ("start", "beginning"):
        # "since the start of the quarter": this quarter so far
        _TO_DATE[("since", "the", _start, "of", "the", _unit_name)] = _unit_name
        _TO_DATE[("since", "the", _start, "of", "this", _unit_name)] = _unit_name
    _TO_DATE[("earlier", "this", _unit_name)] = _unit_name
    _TO_DATE[(_unit_name, "so", "far")] = _unit_name  # "for the month so far"
_TO_DATE_FIRST = frozenset(phrase[0] for phrase in _TO_DATE)


@dataclass(frozen=True)
class TimeFilter:
    """A time filter.

    Attributes:
        expression: the Looker filter expression.
        words: how to say it ("last 7 days", "since 2026-01-01").
        unit: for a range from one whole period to another, their unit, when it was said
            ("from 2024 to 2025": year; "from Q1 to Q3": quarter).
    """

    expression: str
    words: str
    unit: Unit | None = None


@dataclass(frozen=True)
class _Point:
    """A date people named, and how much time it covers (a day, a month or a year)."""

    start: date
    grain: Grain

    @property
    def end(self) -> date:
        if self.grain == "day":
            return self.start + timedelta(days=1)
        if self.grain == "month":
            return _add_months(self.start, 1)
        return date(self.start.year + 1, 1, 1)

    def words(self) -> str:
        if self.grain == "day":
            return self.start.isoformat()
        if self.grain == "month":
            return f"{_MONTH_NAMES[self.start.month - 1]} {self.start.year}"
        return str(self.start.year)

    def expression(self) -> str:
        if self.grain == "day":
            return looker_day(self.start)
        if self.grain == "month":
            return f"{self.start.year:04d}/{self.start.month:02d}"
        return f"{self.start.year:04d}"


HOLIDAYS: dict[tuple[str, ...], tuple[int, int]] = {
    ("christmas", "eve"): (12, 24),
    ("christmas",): (12, 25),
    ("xmas",): (12, 25),
    ("new", "years", "eve"): (12, 31),
    ("new", "years"): (1, 1),
    ("new", "year"): (1, 1),
    ("valentines",): (2, 14),
    ("halloween",): (10, 31),
    ("black", "friday"): (1, 0),  # the day after Thanksgiving
    ("cyber", "monday"): (4, 0),  # four days after it
}
"""Days people name by their holiday (month, day; day 0: days after Thanksgiving)."""
_HOLIDAY_FIRST = frozenset(words[0] for words in HOLIDAYS)


def _after_thanksgiving(year: int, days: int) -> date:
    """``days`` days after the fourth Thursday of November of ``year``."""
    first = date(year, 11, 1)
    thursday = first + timedelta(days=(3 - first.weekday()) % 7 + 21)
    return thursday + timedelta(days=days)


def looker_day(day: date) -> str:
    """A day as Looker's filter expressions write it."""
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


_ONWARDS = frozenset({"on", "onward", "onwards", "forward"})
"""Words after "from <day>" that make it a start ("from July 1 on")."""


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _quarter_name(start: date) -> str:
    return f"Q{(start.month + 2) // 3} {start.year}"


_SHORT_UNITS = frozenset({"wk", "mo", "yr", "qtr"})
"""One unit, abbreviated ("last wk")."""


def _unit(token: Token) -> Unit | None:
    return UNITS.get(token.stem) if token.kind == "word" else None


def _period_start(unit: Unit, today: date, *, previous: bool) -> date:
    if unit == "day":
        start = today
        return start - timedelta(days=1) if previous else start
    if unit == "week":
        start = today - timedelta(days=today.weekday())
        return start - timedelta(days=7) if previous else start
    if unit == "month":
        start = today.replace(day=1)
        return _add_months(start, -1) if previous else start
    if unit == "quarter":
        start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        return _add_months(start, -3) if previous else start
    start = date(today.year, 1, 1)
    return date(today.year - 1, 1, 1) if previous else start


class _Reader:
    """Reads time phrases at a position of a question's tokens."""

    def __init__(self, tokens: Sequence[Token], today: date) -> None:
        self.tokens = tokens
        self.today = today

    def norm(self, i: int) -> str:
        return self.tokens[i].norm if 0 <= i < len(self.tokens) else ""

    def year(self, i: int) -> int | None:
        if i < len(self.tokens) and self.tokens[i].kind == "number":
            text = self.tokens[i].norm
            if len(text) == 4 and text.isdigit() and 1990 <= int(text) <= 2100:
                return int(text)
        return None

    def day_number(self, i: int) -> int | None:
        if i >= len(self.tokens):
            return None
        token = self.tokens[i]
        text = token.norm
        if token.kind == "ordinal":
            text = text[:-2]
        elif token.kind != "number":
            return None
        if text.isdigit() and 1 <= int(text) <= 31:
            return int(text)
        return None

    def _latest(self, month: int, day: int = 1) -> date | None:
        """The latest such day that is not after today."""
        try:
            candidate = date(self.today.year, month, day)
            return candidate if candidate <= self.today else date(self.today.year - 1, month, day)
        except ValueError:
            return None

    def point(self, i: int) -> tuple[int, _Point] | None:
        """A date at ``i``: 2026-03-01, March 2026, March 1st, 1 March 2026, 2025, March."""
        if i >= len(self.tokens):
            return None
        token = self.tokens[i]
        if token.kind == "date":
            parts = token.norm.replace("/", "-").replace(".", "-").split("-")
            try:
                return i + 1, _Point(date(int(parts[0]), int(parts[1]), int(parts[2])), "day")
            except ValueError:
                return None
        if token.kind == "yearmonth":
            year_text, month_text = token.norm.replace("/", "-").split("-")
            if 1 <= int(month_text) <= 12:
                return i + 1, _Point(date(int(year_text), int(month_text), 1), "month")
            return None
        if (year := self.year(i)) is not None:
            return i + 1, _Point(date(year, 1, 1), "year")
        named_month = MONTHS.get(token.norm) if token.kind == "word" else None
        if named_month is not None:
            return self._month_point(i + 1, named_month)
        relative = {"today": 0, "yesterday": 1}.get(token.norm) if token.kind == "word" else None
        if relative is not None:  # "until yesterday"
            return i + 1, _Point(self.today - timedelta(days=relative), "day")
        holiday = self.holiday(i + (token.norm == "last"))
        if holiday is not None:  # "on (last) Christmas Day": the latest one not after today
            return holiday
        weekday = WEEKDAYS.get(token.norm) if token.kind == "word" else None
        if weekday is not None:  # "on Monday": the latest Monday that is not after today
            back = (self.today.weekday() - weekday) % 7
            return i + 1, _Point(self.today - timedelta(days=back), "day")
        day = self.day_number(i)
        if day is not None:
            j = i + 1 + (self.norm(i + 1) == "of")
            month = MONTHS.get(self.norm(j))
            if month is not None:
                day_year = self.year(j + 1)
                if day_year is not None:
                    return self._day(j + 2, day_year, month, day)
                found = self._latest(month, day)
                return None if found is None else (j + 1, _Point(found, "day"))
        return None

    def holiday(self, i: int) -> tuple[int, _Point] | None:
        """A holiday on a fixed day ("Christmas Day", "New Year's Eve", "Halloween"), or
        Black Friday and Cyber Monday, as the latest such day not after today."""
        if self.norm(i) not in _HOLIDAY_FIRST:
            return None
        for words, (month, day) in HOLIDAYS.items():
            if tuple(self.norm(i + k) for k in range(len(words))) != words:
                continue
            end = i + len(words) + (self.norm(i + len(words)) == "day")
            if day == 0:  # Black Friday and Cyber Monday: days after Thanksgiving
                found = _after_thanksgiving(self.today.year, month)
                if found > self.today:
                    found = _after_thanksgiving(self.today.year - 1, month)
            else:
                latest = self._latest(month, day)
                if latest is None:
                    return None
                found = latest
            named = self.year(end)
            if named is not None:  # "Christmas 2025"
                found = _after_thanksgiving(named, month) if day == 0 else date(named, month, day)
                end += 1
            return end, _Point(found, "day")
        return None

    def _month_point(self, j: int, month: int) -> tuple[int, _Point] | None:
        day = self.day_number(j)
        if day is not None:
            k = j + 1 + (self.norm(j + 1) in (",",))
            year = self.year(k)
            if year is not None:
                return self._day(k + 1, year, month, day)
            found = self._latest(month, day)
            return None if found is None else (j + 1, _Point(found, "day"))
        k = j + (self.norm(j) == ",")
        year = self.year(k)
        if year is not None:
            return k + 1, _Point(date(year, month, 1), "month")
        worded = self.year_words(j)
        if worded is not None:  # "August last year"
            return worded[0], _Point(date(worded[1], month, 1), "month")
        found = self._latest(month)
        return None if found is None else (j, _Point(found, "month"))

    @staticmethod
    def _day(end: int, year: int, month: int, day: int) -> tuple[int, _Point] | None:
        try:
            return end, _Point(date(year, month, day), "day")
        except ValueError:
            return None

    def relative_start(self, i: int) -> tuple[int, date, str] | None:
        """``yesterday``, ``last month``, ``this year`` as the day they start, for "since"."""
        if self.norm(i) == "today":
            return i + 1, self.today, "today"
        if self.norm(i) == "yesterday":
            return i + 1, self.today - timedelta(days=1), "yesterday"
        if self.norm(i) in _LAST | _THIS and i + 1 < len(self.tokens):
            unit = _unit(self.tokens[i + 1])
            if unit is not None:
                previous = self.norm(i) in _LAST
                start = _period_start(unit, self.today, previous=previous)
                return i + 2, start, f"{'last' if previous else 'this'} {unit}"
        return None

    def elided_unit(self, i: int) -> Unit | None:
        """The unit left out after "last" or "this" at ``i`` when it ends a comparison with a
        named period ("this year vs last", "last month versus this")."""
        if self.norm(i) not in _LAST | _THIS or i < 3:
            return None
        if i + 1 < len(self.tokens) and _unit(self.tokens[i + 1]) is not None:
            return None
        j = i - 1
        if self.norm(j) in ("to", "with") and self.norm(j - 1) in ("compared", "compare"):
            j -= 1  # "this month compared with last"
        if self.norm(j) not in ("vs", "versus", "v", "to", "than", "against", "compared"):
            return None
        if j < 2 or self.norm(j - 2) not in _LAST | _THIS:
            return None
        return _unit(self.tokens[j - 1])

    def year_words(self, i: int) -> tuple[int, int] | None:
        """A year said in words at ``i`` after a month, quarter or half ("Q4 last year",
        "March of this year") and where the words end."""
        j = i + (self.norm(i) == "of")
        if self.norm(j + 1) == "year" and self.norm(j) in _LAST | _THIS:
            return j + 2, self.today.year - (self.norm(j) in _LAST)
        return None

    def quarter(self, i: int) -> tuple[int, date] | None:
        """A quarter at ``i`` ("Q2", "Q2 2026", "Q2 last year") and the day it starts:
        without a year, the latest that has begun."""
        if i >= len(self.tokens) or self.tokens[i].kind != "quarter":
            return None
        number = int(self.tokens[i].norm[1])
        year = self.year(i + 1)
        end = i + 2 if year is not None else i + 1
        worded = self.year_words(i + 1) if year is None else None
        if worded is not None:
            end, year = worded
        first = date(year or self.today.year, number * 3 - 2, 1)
        if year is None and first > self.today:
            first = first.replace(year=first.year - 1)
        return end, first

    def since(self, i: int, *, quarters: bool = False) -> tuple[int, TimeFilter] | None:
        """The start of a "since" phrase; a quarter only after "since" or "after" ("from Q4
        signups" names the quarter, "from Q1 to Q2" compares two)."""
        if self.norm(i) == "the" and self.norm(i + 1) in ("start", "beginning"):
            i += 1  # "since the start of July", "since the beginning of the quarter"
        if self.norm(i) in ("start", "beginning") and self.norm(i + 1) == "of":
            i += 2  # of a named month or quarter ("of the quarter": see _TO_DATE)
            quarters = True
        relative = self.relative_start(i)
        if relative is not None:
            end, start, words = relative
            return end, TimeFilter(f"after {looker_day(start)}", f"since {words}")
        quarter = self.quarter(i) if quarters else None
        if quarter is not None:
            end, first = quarter
            return end, TimeFilter(f"after {looker_day(first)}", f"since {_quarter_name(first)}")
        found = self.point(i)
        if found is None:
            return None
        end, point = found
        return end, TimeFilter(f"after {looker_day(point.start)}", f"since {point.words()}")

    def after(self, i: int) -> tuple[int, TimeFilter] | None:
        """ "after Aug 31", "after Q2", "after last month": from the day after the period
        named (Looker's "after" keeps its day, so it is the next one)."""
        quarter = self.quarter(i)
        if quarter is not None:
            end, first = quarter
            following = _add_months(first, 3)
            said = f"after {_quarter_name(first)}"
            return end, TimeFilter(f"after {looker_day(following)}", said)
        found = self.point(i)
        if found is not None:
            end, point = found
            return end, TimeFilter(f"after {looker_day(point.end)}", f"after {point.words()}")
        core = self._read_core(i)
        bounds = period_bounds(core[1].expression, self.today) if core is not None else None
        if core is None or bounds is None:
            return None
        return core[0], TimeFilter(f"after {looker_day(bounds[1])}", f"after {core[1].words}")

    def quarter_range(self, i: int, separators: frozenset[str]) -> tuple[int, TimeFilter] | None:
        """ "between Q1 and Q2", "from Q4 2025 to Q1 2026": both quarters, whole."""
        first = self.quarter(i)
        if first is None or self.norm(first[0]) not in separators:
            return None
        second = self.quarter(first[0] + 1)
        if second is None:
            return None
        end, last = second
        begin = first[1]
        if begin > last and self.year(i + 1) is None:
            begin = begin.replace(year=begin.year - 1)  # "from Q4 to Q1"
        if begin > last:
            return None
        words = f"between {_quarter_name(begin)} and {_quarter_name(last)}"
        return end, TimeFilter(
            f"{looker_day(begin)} to {looker_day(_add_months(last, 3))}", words, "quarter"
        )

    def range(self, i: int, separators: frozenset[str]) -> tuple[int, TimeFilter] | None:
        quarters = self.quarter_range(i, separators)
        if quarters is not None:
            return quarters
        first = self.point(i)
        if first is None:
            return None
        j, start = first
        if self.norm(j) not in separators:
            return None
        second = self.point(j + 1)
        if second is None:
            return None
        end, last = second
        begin = start.start
        if begin >= last.end and begin.year == last.start.year + 1:
            begin = begin.replace(year=begin.year - 1)  # "from December to February"
        if begin >= last.end:
            return None
        first_words = _Point(begin, start.grain).words()
        return end, TimeFilter(
            f"{looker_day(begin)} to {looker_day(last.end)}",
            f"between {first_words} and {last.words()}",
            last.grain if start.grain == last.grain else None,
        )

    def read(self, i: int) -> tuple[int, TimeFilter] | None:
        """The time phrase starting at ``i``, and where it ends."""
        start = i
        if self.norm(i) in _LEADS:
            i += 1
        if self.norm(i) == "the":
            i += 1
        found = self._read_core(i)
        if found is None and start != i:
            return None
        if found is not None:
            found = self._so_far(*found)
        return found

    def _so_far(self, end: int, time: TimeFilter) -> tuple[int, TimeFilter]:
        """ "2026 so far", "Q3 to date": the period that holds today, up to today."""
        words = (self.norm(end), self.norm(end + 1))
        if words not in (("so", "far"), ("to", "date")):
            return end, time
        bounds = period_bounds(time.expression, self.today)
        if bounds is None or not bounds[0] <= self.today < bounds[1] or bounds[2] == "day":
            return end, time
        return end + 2, TimeFilter(f"this {bounds[2]}", f"this {bounds[2]} so far")

    def _read_core(self, i: int) -> tuple[int, TimeFilter] | None:
        word = self.norm(i)
        today = self.today
        for phrase, unit in _TO_DATE.items() if word in _TO_DATE_FIRST else ():
            if tuple(self.norm(i + k) for k in range(len(phrase))) == phrase:
                return i + len(phrase), TimeFilter(f"this {unit}", f"this {unit} so far")
        if word == "today":
            return i + 1, TimeFilter("today", "today")
        if word == "yesterday":
            return i + 1, TimeFilter("yesterday", "yesterday")
        if word in _THIS and i + 1 < len(self.tokens):
            this_unit = _unit(self.tokens[i + 1])
            if this_unit == "day":
                return i + 2, TimeFilter("today", "today")
            if this_unit is not None:
                return i + 2, TimeFilter(f"this {this_unit}", f"this {this_unit}")
        before_last = _unit(self.tokens[i]) if i < len(self.tokens) else None
        if before_last is not None and (self.norm(i + 1), self.norm(i + 2)) == ("before", "last"):
            # "the week before last": the period before the last one
            first = _period_start(before_last, today, previous=True)
            first = _period_start(before_last, first, previous=True)
            return i + 3, TimeFilter(
                f"{looker_day(first)} to {looker_day(_unit_end(before_last, first))}",
                f"the {before_last} before last",
            )
        if word in _LAST and self.norm(i + 1) in WEEKDAYS:
            # "last Friday": the latest Friday before today
            back = (self.today.weekday() - WEEKDAYS[self.norm(i + 1)]) % 7 or 7
            weekday = self.today - timedelta(days=back)
            return i + 2, TimeFilter(looker_day(weekday), f"on {weekday.isoformat()}")
        same_unit = (
            _unit(self.tokens[i + 1]) if word == "same" and i + 1 < len(self.tokens) else None
        )
        year_ago = self.year_words(i + 2) if same_unit in ("week", "month", "quarter") else None
        if same_unit is not None and year_ago is not None:
            # "the same quarter last year": this quarter, a year back
            first = _period_start(same_unit, today, previous=False)
            first = first.replace(year=year_ago[1] - today.year + first.year)
            if same_unit == "month":
                point = _Point(first, "month")
                return year_ago[0], TimeFilter(point.expression(), f"in {point.words()}")
            return year_ago[0], TimeFilter(
                f"{looker_day(first)} to {looker_day(_unit_end(same_unit, first))}",
                f"the same {same_unit} of {year_ago[1]}",
            )
        elided = self.elided_unit(i)
        if elided is not None:
            # "this year vs last": the unit of the period it is compared with.
            said = f"{'last' if word in _LAST else 'this'} {elided}"
            if elided == "day":
                said = "yesterday" if word in _LAST else "today"
            return i + 1, TimeFilter(said, said)
        if word in _LAST and i + 1 < len(self.tokens):
            last_unit = _unit(self.tokens[i + 1])
            said = self.tokens[i + 1].norm
            if last_unit is not None and (said == last_unit or said in _SHORT_UNITS):  # singular
                if last_unit == "day":
                    return i + 2, TimeFilter("yesterday", "yesterday")
                if word in ("past", "trailing", "rolling") and last_unit == "quarter":
                    return i + 2, TimeFilter("3 months", "past 3 months")
                if word in ("past", "trailing", "rolling"):
                    days = {"week": 7, "month": 30, "year": 365}[last_unit]
                    return i + 2, TimeFilter(f"{days} days", f"past {last_unit}")
                return i + 2, TimeFilter(f"last {last_unit}", f"last {last_unit}")
            count = number_value(self.tokens[i + 1])
            counted = _unit(self.tokens[i + 2]) if i + 2 < len(self.tokens) else None
            if count is not None and count.is_integer() and 1 <= count <= 10_000 and counted:
                n = int(count)
                plural = f"{n} {counted}s" if n != 1 else f"1 {counted}"
                if counted == "quarter":  # as "trailing quarter": three months each
                    return i + 3, TimeFilter(f"{3 * n} months", f"last {plural}")
                return i + 3, TimeFilter(plural, f"last {plural}")
        if word == "after":
            return self.after(i + 1)
        if word == "since":
            return self.since(i + 1, quarters=True)
        changed = any(self.norm(k) in CHANGE_WORDS for k in range(i))
        if word == "from" and not changed and self.norm(i + 1) in _LAST | _THIS | {"yesterday"}:
            return self._read_core(i + 1)  # "tickets from last week": last week's
        if word == "from" and not self._is_range(i + 1):
            # "tickets from september", "orders from 2025": of that period, as "in"
            # would say; "from september on(wards)": since then
            found = self.point(i + 1)
            if found is not None and self.norm(found[0]) not in _ONWARDS:
                end, point = found
                prefix = "on" if point.grain == "day" else "in"
                return end, TimeFilter(point.expression(), f"{prefix} {point.words()}")
            started = self.since(i + 1)
            if started is not None and self.norm(started[0]) in _ONWARDS:
                return started[0] + 1, started[1]
            return started
        if word == "before":
            found = self.point(i + 1)
            if found is not None:
                end, point = found
                return end, TimeFilter(
                    f"before {looker_day(point.start)}", f"before {point.words()}"
                )
        up_to = word == "up" and self.norm(i + 1) == "to"  # "up to yesterday"
        if word in ("until", "through", "thru") or up_to:
            found = self.point(i + 2 if up_to else i + 1)
            if found is not None:
                end, point = found
                return end, TimeFilter(f"before {looker_day(point.end)}", f"until {point.words()}")
        if word == "between":
            return self.range(i + 1, frozenset({"and", "to"}))
        if word == "from":
            return self.range(i + 1, _UNTIL)
        quarter = self.quarter(i)
        if quarter is not None:
            end, first = quarter
            last = _add_months(first, 3)
            return end, TimeFilter(
                f"{looker_day(first)} to {looker_day(last)}", _quarter_name(first)
            )
        halves = {("first", "half"): 1, ("second", "half"): 2}
        spelled = halves.get((self.norm(i), self.norm(i + 1)))
        if spelled is not None or (i < len(self.tokens) and self.tokens[i].kind == "half"):
            half = spelled or int(self.tokens[i].norm[1])
            after = i + 2 if spelled else i + 1
            if spelled and self.norm(after) == "of":
                after += 1
                if self.norm(after) == "the" and self.norm(after + 1) == "year":
                    after += 2  # "the first half of the year": of this year
            year = self.year(after)
            end = after + 1 if year is not None else after
            worded = self.year_words(after) if year is None else None
            if worded is not None:  # "H1 last year"
                end, year = worded
            first = date(year or today.year, half * 6 - 5, 1)
            if year is None and first > today:
                first = first.replace(year=first.year - 1)
            last = _add_months(first, 6)
            return end, TimeFilter(
                f"{looker_day(first)} to {looker_day(last)}", f"H{half} {first.year}"
            )
        if word == "on":
            day = self.point(i + 1)
            if day is not None and day[1].grain == "day":
                end, point = day
                return end, TimeFilter(point.expression(), f"on {point.words()}")
            return None
        ranged = self.range(i, frozenset({"to", "until", "through", "thru"}))
        if ranged is not None:
            return ranged
        named = self.point(i)
        if named is not None:
            end, point = named
            prefix = "on" if point.grain == "day" else "in"
            return end, TimeFilter(point.expression(), f"{prefix} {point.words()}")
        return None

    def _is_range(self, i: int) -> bool:
        if self.quarter_range(i, _UNTIL):
            return True
        found = self.point(i)
        return found is not None and self.norm(found[0]) in _UNTIL


def read_time(tokens: Sequence[Token], i: int, today: date) -> tuple[int, TimeFilter] | None:
    """The time phrase starting at token ``i`` (with a leading "in", "for", "over the"...),
    and the index just after it; ``None`` when no time phrase starts there."""
    if i >= len(tokens):
        return None
    return _Reader(tokens, today).read(i)


def _unit_end(unit: Unit, start: date) -> date:
    if unit == "day":
        return start + timedelta(days=1)
    if unit == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[unit]
    return _add_months(start, months)


_RELATIVE = re.compile(r"^(this|last) (day|week|month|quarter|year)$")
_DAY = re.compile(r"^(\d{4})/(\d{2})/(\d{2})$")
_MONTH = re.compile(r"^(\d{4})/(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}/\d{2}/\d{2}) to (\d{4}/\d{2}/\d{2})$")


def period_bounds(expression: str, today: date) -> tuple[date, date, Unit] | None:
    """The whole calendar period a time filter names (its first day, the day after its
    last, and its unit), for comparing two periods; ``None`` for a rolling range or one
    that is not a whole day, week, month, quarter or year."""
    e = expression.strip().lower()
    if e in ("today", "yesterday"):
        day = today - timedelta(days=1 if e == "yesterday" else 0)
        return day, day + timedelta(days=1), "day"
    m = _RELATIVE.match(e)
    if m:
        unit: Unit = m.group(2)  # type: ignore[assignment]
        start = _period_start(unit, today, previous=m.group(1) == "last")
        return start, _unit_end(unit, start), unit
    m = _DAY.match(e)
    if m:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return day, day + timedelta(days=1), "day"
    m = _MONTH.match(e)
    if m:
        start = date(int(m.group(1)), int(m.group(2)), 1)
        return start, _add_months(start, 1), "month"
    m = _YEAR.match(e)
    if m:
        start = date(int(m.group(1)), 1, 1)
        return start, date(start.year + 1, 1, 1), "year"
    m = _RANGE.match(e)
    if m:
        start, end = (date(*map(int, part.split("/"))) for part in m.groups())
        units: tuple[Unit, ...] = ("month", "quarter", "year")
        for whole in units:
            aligned = whole != "quarter" or start.month % 3 == 1
            if start.day == 1 and aligned and _unit_end(whole, start) == end:
                return start, end, whole
    return None


def period_end(expression: str, today: date) -> date | None:
    """The day after the last day a time filter keeps ("2024": 2025-01-01; "before D": D),
    or ``None`` when it runs up to today ("after D", "30 days")."""
    e = expression.strip().lower()
    m = _RANGE.match(e)
    if m:
        return date(*map(int, m.group(2).split("/")))
    if e.startswith("before "):
        m = _DAY.match(e.removeprefix("before "))
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    bounds = period_bounds(e, today)
    return bounds[1] if bounds is not None else None


def before_first_day(time: TimeFilter, first_day: date | None, today: date) -> bool:
    """Whether ``time`` keeps only days before ``first_day`` (an Explore's first; ``None``
    when not known: never)."""
    ends = period_end(time.expression, today)
    return first_day is not None and ends is not None and ends <= first_day


def range_unit(expression: str) -> Unit | None:
    """The unit of the whole periods an ``A to B`` range covers ("July to August": month),
    when it starts and ends on their boundaries."""
    m = _RANGE.match(expression.strip())
    if not m:
        return None
    start, end = (date(*map(int, part.split("/"))) for part in m.groups())
    if start.day != 1 or end.day != 1:
        return None
    if start.month % 3 == 1 and end.month % 3 == 1 and start.month != end.month:
        months = (end.year - start.year) * 12 + end.month - start.month
        if months % 3 == 0 and months > 3:
            return "quarter"
    return "month"


def periods_in(expression: str, unit: Unit) -> int | None:
    """How many whole periods of ``unit`` the ``A to B`` range ``expression`` covers, when
    it starts and ends on their boundaries ("2025/01/01 to 2027/01/01": 2 years)."""
    m = _RANGE.match(expression.strip())
    if not m:
        return None
    start, end = (date(*map(int, part.split("/"))) for part in m.groups())
    count, at = 0, start
    if _period_start(unit, start, previous=False) != start:
        return None
    while at < end and count <= 60:
        at, count = _unit_end(unit, at), count + 1
    return count if at == end else None


def combine(first: TimeFilter, second: TimeFilter, today: date) -> tuple[TimeFilter, Unit] | None:
    """Two periods compared ("this month vs last month") as one filter covering both whole
    periods, and their unit; ``None`` unless both are whole periods of one unit."""
    a, b = period_bounds(first.expression, today), period_bounds(second.expression, today)
    if a is None or b is None or a[2] != b[2]:
        return None
    start, end = min(a[0], b[0]), max(a[1], b[1])
    expression = f"{looker_day(start)} to {looker_day(end)}"
    return TimeFilter(expression, f"{first.words} vs {second.words}"), a[2]


def since_period(expression: str, today: date) -> tuple[TimeFilter, Unit] | None:
    """``after D`` where D starts the previous week, month, quarter or year ("change from
    last month"): that period and the current one, as one range, and their unit."""
    m = re.fullmatch(r"after (\d{4})/(\d{2})/(\d{2})", expression.strip())
    if not m:
        return None
    start = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    units: tuple[Unit, ...] = ("month", "quarter", "year", "week")
    for unit in units:
        last = period_bounds(f"last {unit}", today)
        this = period_bounds(f"this {unit}", today)
        if last is not None and this is not None and last[0] == start:
            expression = f"{looker_day(start)} to {looker_day(this[1])}"
            return TimeFilter(expression, f"last {unit} vs this {unit}"), unit
    return None
