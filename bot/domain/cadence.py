"""When an action's check-ins fall due: a rhythm over a period, at the owner's local time, in any timezone."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

EARLIEST = time(8, 0)  # never at night: a preferred time outside the day is moved into it
LATEST = time(20, 0)
DEFAULT_TIME = time(10, 0)
REMINDER_AFTER = timedelta(days=3)


class Cadence(StrEnum):
    """How often an action owner is asked how things are going."""

    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


@dataclass(frozen=True)
class Schedule:
    """An action's rhythm: from a local start date, every period, at a local time, for some months."""

    start: date
    cadence: Cadence
    at: time = DEFAULT_TIME
    timezone: str = "Europe/Amsterdam"
    months: int = 12

    @property
    def end(self) -> date:
        """The last day check-ins may fall on."""
        return add_months(self.start, self.months)


def add_months(day: date, months: int) -> date:
    """The same day of the month, `months` later; the 31st becomes the month's last day where needed."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_after(moment: datetime, months: int) -> datetime:
    """The same moment, `months` calendar months later (the 31st becomes the month's last day where needed)."""
    day = add_months(moment.date(), months)
    return moment.replace(year=day.year, month=day.month, day=day.day)


def daytime(at: time) -> time:
    """The preferred time, moved into the day (08:00–20:00) when it falls at night."""
    if at < EARLIEST:
        return EARLIEST
    if at > LATEST:
        return LATEST
    return at


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A wall-clock time on a day as a UTC instant.

    In the spring gap (the hour that does not exist) the time moves forward by the gap; in the autumn
    overlap (the hour that happens twice) the first occurrence counts. Both are what PEP 495's fold=0 means.
    """
    return datetime.combine(day, at).replace(tzinfo=zone, fold=0).astimezone(UTC)


def period_day(schedule: Schedule, period: int) -> date:
    """The local date of check-in number `period` (1 is the first, one period after the start)."""
    if schedule.cadence is Cadence.WEEKLY:
        return schedule.start + timedelta(weeks=period)
    if schedule.cadence is Cadence.BIWEEKLY:
        return schedule.start + timedelta(weeks=2 * period)
    step = 1 if schedule.cadence is Cadence.MONTHLY else 3
    return add_months(schedule.start, step * period)


def due_times(schedule: Schedule) -> list[tuple[int, datetime]]:
    """Every check-in of the schedule as (period number, UTC due time), in order."""
    zone = ZoneInfo(schedule.timezone)
    at = daytime(schedule.at)
    found = []
    period = 1
    while (day := period_day(schedule, period)) <= schedule.end:
        found.append((period, local_to_utc(day, at, zone)))
        period += 1
    return found


def parse_time(text: str) -> time | None:
    """ "10:00", "9.30" or "14" as a time of day; None if it is not one."""
    cleaned = text.strip().replace(".", ":")
    parts = cleaned.split(":")
    if not 1 <= len(parts) <= 2 or not all(p.isdigit() for p in parts):
        return None
    hour, minute = int(parts[0]), int(parts[1]) if len(parts) == 2 else 0
    return time(hour, minute) if hour < 24 and minute < 60 else None
