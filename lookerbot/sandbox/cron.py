"""A small Vixie cron evaluator: when a Looker scheduled plan's ``crontab`` next fires.

Looker's ``ScheduledPlan.crontab`` is a "Vixie-Style crontab specification when to run"
(looker_sdk/sdk/api40/models.py). The rules below are Vixie cron's own, from its manual
page, crontab(5):

- Five fields: minute (0-59), hour (0-23), day of month (1-31), month (1-12) and day of
  week (0-7, "0 or 7 is Sun").
- A field is ``*`` ("first-last"), a number, a range ``a-b`` ("inclusive"), or a list of
  those separated by commas. "Step values can be used in conjunction with ranges": ``a-b/n``
  and ``*/n``; a step after a lone number is no Vixie syntax.
- "Names can also be used for the 'month' and 'day of week' fields. Use the first three
  letters of the particular day or month (case doesn't matter). Ranges or lists of names
  are not allowed."
- "If both fields are restricted (i.e., aren't *), the command will be run when either
  field matches the current time." As in Vixie's source, a field that starts with ``*``
  (``*/2`` too) counts as unrestricted.
- The eight special strings (``@yearly``, ``@annually``, ``@monthly``, ``@weekly``,
  ``@daily``, ``@midnight``, ``@hourly``) stand for their five fields; ``@reboot`` has no
  time and is refused.

Times are wall-clock times in the plan's time zone. A wall-clock time a daylight-saving
change skips never fires; one it repeats fires once, at its first occurrence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_SPECIAL = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
# A 29 February on a given weekday can be 28 years away; nothing valid is further.
_HORIZON_DAYS = 366 * 29


class CronError(ValueError):
    """A crontab Vixie cron would not read; the message says why."""


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    name_base: int = 0


_FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day of month", 1, 31),
    _Field("month", 1, 12, _MONTHS, 1),
    _Field("day of week", 0, 7, _DAYS, 0),
)
_ITEM = re.compile(r"^(?:(\*)|(\d+)(?:-(\d+))?)(?:/(\d+))?$")


@dataclass(frozen=True)
class Cron:
    """A parsed crontab: the values each field allows."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    """0 is Sunday (a 7 in the crontab is stored as 0)."""
    any_day: bool
    """The day-of-month field starts with ``*``."""
    any_weekday: bool
    """The day-of-week field starts with ``*``."""

    @classmethod
    def parse(cls, text: str) -> Cron:
        """Read a crontab, or raise :class:`CronError`."""
        spec = text.strip()
        if spec.startswith("@"):
            if spec.lower() not in _SPECIAL:
                raise CronError(f"{spec} is not a time (use five fields)")
            spec = _SPECIAL[spec.lower()]
        parts = spec.split()
        if len(parts) != 5:
            raise CronError(f"a crontab has 5 fields, not {len(parts)}")
        values = [_values(part, field) for part, field in zip(parts, _FIELDS, strict=True)]
        weekdays = frozenset(0 if d == 7 else d for d in values[4])
        return cls(
            minutes=values[0],
            hours=values[1],
            days=values[2],
            months=values[3],
            weekdays=weekdays,
            any_day=parts[2].startswith("*"),
            any_weekday=parts[4].startswith("*"),
        )

    def on(self, day: date) -> bool:
        """Whether the crontab fires on ``day`` (at some hour and minute)."""
        if day.month not in self.months:
            return False
        by_day = day.day in self.days
        by_weekday = (day.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            # One field is "*": the other decides (both "*": every day).
            return by_day and by_weekday
        return by_day or by_weekday

    def next_after(self, after: datetime, zone: ZoneInfo) -> datetime | None:
        """The first time after ``after`` (aware) that the crontab fires in ``zone``, in
        UTC; ``None`` if it never does (``0 0 30 2 *``)."""
        start = after.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
        start += timedelta(minutes=1)
        day = start.date()
        for _ in range(_HORIZON_DAYS):
            if self.on(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        wall = datetime.combine(day, time(hour, minute))
                        if wall < start:
                            continue
                        moment = _existing(wall, zone)
                        if moment is not None and moment > after:
                            return moment
            day += timedelta(days=1)
        return None


def next_run(crontab: str, zone: str, after: datetime) -> datetime | None:
    """When ``crontab`` in time zone ``zone`` next fires after ``after`` (UTC)."""
    return Cron.parse(crontab).next_after(after, ZoneInfo(zone))


def _existing(wall: datetime, zone: ZoneInfo) -> datetime | None:
    """``wall`` (naive, in ``zone``) as a UTC moment; ``None`` if the zone skips it."""
    moment = wall.replace(tzinfo=zone).astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != wall:
        return None  # in a daylight-saving gap
    return moment


def _values(text: str, field: _Field) -> frozenset[int]:
    lowered = text.lower()
    if field.names and lowered in field.names:
        return frozenset({field.names.index(lowered) + field.name_base})
    found: set[int] = set()
    for item in text.split(","):
        match = _ITEM.match(item)
        if match is None:
            if field.names and any(n in item.lower() for n in field.names):
                raise CronError(f"{field.name}: ranges or lists of names are not allowed")
            raise CronError(f"{field.name}: {item!r} is not a number, range or *")
        star, first, last, step = match.groups()
        if step is not None and not star and last is None:
            raise CronError(f"{field.name}: a step needs a range or * ({item!r})")
        low, high = (field.low, field.high) if star else (int(first), int(last or first))
        for value in (low, high):
            if not field.low <= value <= field.high:
                raise CronError(f"{field.name}: {value} is outside {field.low}-{field.high}")
        if low > high:
            raise CronError(f"{field.name}: {item!r} runs backwards")
        every = int(step) if step is not None else 1
        if every < 1:
            raise CronError(f"{field.name}: a step of 0")
        found.update(range(low, high + 1, every))
    return frozenset(found)
