"""Check-ins arrive at the owner's local morning hour all year, whatever the timezone and its clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.cadence import Cadence, Schedule, add_months, due_times, local_to_utc, parse_time


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_weekly_in_amsterdam_stays_at_ten_local_through_both_clock_changes() -> None:
    schedule = Schedule(date(2026, 1, 5), Cadence.WEEKLY, time(10, 0), "Europe/Amsterdam")
    dues = dict(due_times(schedule))
    assert len(dues) == 52  # 5 Jan 2026 + 52 weeks = 4 Jan 2027, within the 12 months
    zone = ZoneInfo("Europe/Amsterdam")
    assert all(d.astimezone(zone).time() == time(10, 0) for d in dues.values())
    assert dues[11] == utc(2026, 3, 23, 9, 0)  # before 29 March: CET, UTC+1
    assert dues[12] == utc(2026, 3, 30, 8, 0)  # after: CEST, UTC+2
    assert dues[41] == utc(2026, 10, 19, 8, 0)  # before 25 October
    assert dues[42] == utc(2026, 10, 26, 9, 0)  # after


def test_new_york_switches_on_its_own_dates() -> None:
    schedule = Schedule(date(2026, 3, 1), Cadence.WEEKLY, time(9, 30), "America/New_York")
    dues = dict(due_times(schedule))
    assert dues[1] == utc(2026, 3, 8, 13, 30)  # 8 March itself is already EDT (UTC-4) at 09:30
    assert dues[35] == utc(2026, 11, 1, 14, 30)  # 1 November: EST again (UTC-5)


def test_tehran_has_no_clock_changes() -> None:
    schedule = Schedule(date(2026, 1, 1), Cadence.MONTHLY, time(10, 0), "Asia/Tehran")
    assert {d.time() for _, d in due_times(schedule)} == {time(6, 30)}  # UTC+3:30 all year


def test_sydney_clocks_change_the_other_way_round() -> None:
    schedule = Schedule(date(2026, 1, 15), Cadence.MONTHLY, time(10, 0), "Australia/Sydney")
    dues = dict(due_times(schedule))
    assert dues[1] == utc(2026, 2, 14, 23, 0)  # summer time, UTC+11: 10:00 on the 15th is 23:00 UTC the 14th
    assert dues[5] == utc(2026, 6, 15, 0, 0)  # winter (from 5 April), UTC+10
    assert dues[9] == utc(2026, 10, 14, 23, 0)  # summer again from 4 October
    assert len(dues) == 12


def test_a_time_that_never_happens_moves_forward_and_a_doubled_one_takes_the_first() -> None:
    amsterdam = ZoneInfo("Europe/Amsterdam")
    assert local_to_utc(date(2026, 3, 29), time(2, 30), amsterdam) == utc(2026, 3, 29, 1, 30)  # 03:30 CEST
    assert local_to_utc(date(2026, 10, 25), time(2, 30), amsterdam) == utc(2026, 10, 25, 0, 30)  # first 02:30


@pytest.mark.parametrize(
    ("wanted", "gets"), [(time(23, 0), time(20, 0)), (time(5, 0), time(8, 0)), (time(14, 15), time(14, 15))]
)
def test_nobody_is_asked_at_night(wanted: time, gets: time) -> None:
    schedule = Schedule(date(2026, 6, 1), Cadence.QUARTERLY, wanted, "UTC")
    assert {d.time() for _, d in due_times(schedule)} == {gets}


def test_monthly_on_the_31st_uses_each_months_last_day_and_quarterly_makes_four() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    days = [d.date() for _, d in due_times(Schedule(date(2026, 1, 31), Cadence.MONTHLY, time(12), "UTC"))]
    assert days[:3] == [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert len(due_times(Schedule(date(2026, 1, 1), Cadence.QUARTERLY, time(12), "UTC"))) == 4
    assert len(due_times(Schedule(date(2026, 1, 1), Cadence.BIWEEKLY, time(12), "UTC"))) == 26


def test_times_are_read_the_way_people_type_them() -> None:
    assert parse_time("10:00") == time(10) and parse_time("9.30") == time(9, 30) and parse_time("14") == time(14)
    assert parse_time("25:00") is None and parse_time("morning") is None
