"""The Looker emulator's crontab evaluator follows Vixie cron's crontab(5)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from lookerbot.sandbox.cron import Cron, CronError, next_run

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("crontab", "after", "expected"),
    [
        ("0 9 * * *", utc(2026, 9, 30, 8, 0), utc(2026, 9, 30, 9, 0)),
        ("0 9 * * *", utc(2026, 9, 30, 9, 0), utc(2026, 10, 1, 9, 0)),  # strictly after
        ("*/15 * * * *", utc(2026, 9, 30, 8, 1), utc(2026, 9, 30, 8, 15)),
        ("5-10/5 * * * *", utc(2026, 9, 30, 8, 6), utc(2026, 9, 30, 8, 10)),
        ("0 9 * * 1-5", utc(2026, 10, 2, 10, 0), utc(2026, 10, 5, 9, 0)),  # Fri -> Mon
        ("0 0 * * 7", utc(2026, 9, 30, 0, 0), utc(2026, 10, 4, 0, 0)),  # 7 is Sunday
        ("0 0 * * sun", utc(2026, 9, 30, 0, 0), utc(2026, 10, 4, 0, 0)),
        ("0 0 1 feb *", utc(2026, 9, 30, 0, 0), utc(2027, 2, 1, 0, 0)),
        ("0 0 29 2 *", utc(2026, 9, 30, 0, 0), utc(2028, 2, 29, 0, 0)),
        ("0 0 13 * 5", utc(2026, 9, 30, 0, 0), utc(2026, 10, 2, 0, 0)),  # 13th OR a Friday
        ("@daily", utc(2026, 9, 30, 8, 0), utc(2026, 10, 1, 0, 0)),
        ("@hourly", utc(2026, 9, 30, 8, 30), utc(2026, 9, 30, 9, 0)),
    ],
)
def test_the_next_time_a_crontab_fires(crontab, after, expected):
    assert next_run(crontab, "UTC", after) == expected


def test_the_day_fields_combine_as_vixie_cron_says():
    # "0 0 */2 * 5": the day of month starts with "*", so both must match: odd days that
    # are Fridays. 2 October 2026 is a Friday but even; 9 October is odd.
    assert next_run("0 0 */2 * 5", "UTC", utc(2026, 10, 2, 0, 0)) == utc(2026, 10, 9, 0, 0)


def test_a_crontab_is_read_in_its_time_zone():
    # 09:00 in Amsterdam is 07:00 UTC in summer time and 08:00 UTC in winter time.
    assert next_run("0 9 * * *", "Europe/Amsterdam", utc(2026, 9, 30, 8, 0)) == utc(
        2026, 10, 1, 7, 0
    )
    assert next_run("0 9 * * *", "Europe/Amsterdam", utc(2026, 11, 2, 0, 0)) == utc(
        2026, 11, 2, 8, 0
    )


def test_a_time_a_clock_change_skips_never_fires_and_a_repeated_one_fires_once():
    # 29 March 2026: Amsterdam's clocks go from 02:00 to 03:00; 25 October: 03:00 to 02:00.
    skipped = Cron.parse("30 2 * * *").next_after(utc(2026, 3, 28, 12, 0), AMSTERDAM)
    assert skipped == utc(2026, 3, 30, 0, 30)  # 02:30 on the 30th, summer time
    first = Cron.parse("30 2 * * *").next_after(utc(2026, 10, 24, 12, 0), AMSTERDAM)
    assert first == utc(2026, 10, 25, 0, 30)  # 02:30 summer time
    again = Cron.parse("30 2 * * *").next_after(first, AMSTERDAM)
    assert again == utc(2026, 10, 26, 1, 30)  # not 01:30 UTC on the 25th (02:30 again)


def test_a_crontab_that_never_fires_has_no_next_time():
    assert next_run("0 0 30 2 *", "UTC", utc(2026, 9, 30, 0, 0)) is None


@pytest.mark.parametrize(
    ("crontab", "reason"),
    [
        ("0 9 * *", "5 fields, not 4"),
        ("0 9 * * * *", "5 fields, not 6"),
        ("60 * * * *", "minute: 60 is outside 0-59"),
        ("0 24 * * *", "hour: 24 is outside 0-23"),
        ("0 0 0 * *", "day of month: 0 is outside 1-31"),
        ("0 0 * 13 *", "month: 13 is outside 1-12"),
        ("0 0 * * 8", "day of week: 8 is outside 0-7"),
        ("0 9 * * mon-fri", "ranges or lists of names are not allowed"),
        ("0 9 * * mon,wed", "ranges or lists of names are not allowed"),
        ("5/10 * * * *", "a step needs a range or *"),
        ("*/0 * * * *", "a step of 0"),
        ("10-5 * * * *", "runs backwards"),
        ("x * * * *", "is not a number, range or *"),
        ("@reboot", "@reboot is not a time"),
    ],
)
def test_a_crontab_vixie_cron_would_not_read_is_refused(crontab, reason):
    with pytest.raises(CronError, match=reason):
        Cron.parse(crontab)
