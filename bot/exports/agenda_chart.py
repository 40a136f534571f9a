"""The agenda chart as people read it: each action's check-ins over time, in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo

from babel.dates import get_month_names

from bot.domain import PROGRESS_NAMES, Action, ActionStatus, Msg
from bot.i18n import Translator
from bot.reports import AgendaCheckin, AgendaRow, agenda_chart
from bot.reports.chart import CANCELLED, FINISHED, NOT_ANSWERED, TODAY, UNREACHABLE, UPCOMING
from bot.storage.actions import CheckinRecord

ENDED = (ActionStatus.DONE, ActionStatus.CLOSED)
CHART_LABELS = {
    NOT_ANSWERED: Msg("agenda_chart.not_answered", "Not answered"),
    UPCOMING: Msg("agenda_chart.upcoming", "Still to come"),
    CANCELLED: Msg("agenda_chart.ended", "Closed or ended"),
    FINISHED: Msg("agenda_chart.finished", "Finished"),
    UNREACHABLE: Msg("agenda_chart.unreachable", "Owner unreachable"),
    TODAY: Msg("agenda_chart.today", "Today"),
}


def _day(stamp: str, zone: tzinfo) -> date:
    return datetime.fromisoformat(stamp).astimezone(zone).date()


def agenda_row(action: Action, checkins: Sequence[CheckinRecord], zone: tzinfo, today: date) -> AgendaRow:
    """One action: its check-ins by due day, where it ended, and since when its owner cannot be reached."""
    shown = [c for c in checkins if c.status or c.answered_at is None]  # a year's closing answer is its end mark
    points = [AgendaCheckin(_day(c.due_at, zone), c.status, c.sent_at is not None) for c in shown]
    last = max((_day(c.answered_at or c.sent_at or c.due_at, zone) for c in checkins if c.sent_at), default=today)
    missed = next((c for c in checkins if c.sent_at is None and _day(c.due_at, zone) <= today), None)
    return AgendaRow(
        action.title,
        points,
        ended=last if action.status in ENDED else None,
        ended_as=FINISHED if action.status is ActionStatus.DONE else CANCELLED,
        unreachable_since=_day(missed.due_at, zone) if action.owner_unreachable and missed else None,
    )


def agenda_picture(
    found: Sequence[tuple[Action, Sequence[CheckinRecord]]],
    heading: str,
    translator: Translator,
    zone: tzinfo,
    now: datetime,
) -> bytes:
    """The chart of these actions (a PNG), with its legend and months in the reader's language."""
    today = now.astimezone(zone).date()
    rows = [agenda_row(action, checkins, zone, today) for action, checkins in found]
    labels = {p.value: translator.text(name) for p, name in PROGRESS_NAMES.items()}
    labels |= {key: translator.text(label) for key, label in CHART_LABELS.items()}
    months = get_month_names("abbreviated", locale=translator.locale)
    return agenda_chart(rows, labels, heading, today, [str(months[m]) for m in range(1, 13)])
