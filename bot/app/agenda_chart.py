"""The agenda chart as people read it: each action's check-ins over time, in the reader's language."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from babel.dates import get_month_names

from bot.app import action_texts as say
from bot.domain import PROGRESS_NAMES, Action, ActionStatus, Session
from bot.i18n import Translator
from bot.reports import AgendaCheckin, AgendaRow, agenda_chart
from bot.reports.chart import CANCELLED, FINISHED, NOT_ANSWERED, TODAY, UNREACHABLE, UPCOMING
from bot.storage import Conn, actions

ENDED = (ActionStatus.DONE, ActionStatus.CLOSED)


def _day(stamp: str, zone: tzinfo) -> date:
    return datetime.fromisoformat(stamp).astimezone(zone).date()


def agenda_row(action: Action, checkins: list[actions.CheckinRecord], zone: tzinfo, today: date) -> AgendaRow:
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


def agenda_picture(conn: Conn, session: Session, translator: Translator, zone: tzinfo, now: datetime) -> bytes:
    """The chart of a session's actions (a PNG), with its legend and months in the reader's language."""
    today = now.astimezone(zone).date()
    rows = [agenda_row(a, actions.checkins(conn, a.id), zone, today) for a in actions.of_session(conn, session.id)]
    labels = {p.value: translator.text(name) for p, name in PROGRESS_NAMES.items()}
    labels |= {
        NOT_ANSWERED: translator.text(say.CHART_NOT_ANSWERED),
        UPCOMING: translator.text(say.CHART_UPCOMING),
        CANCELLED: translator.text(say.CHART_ENDED),
        FINISHED: translator.text(say.CHART_FINISHED),
        UNREACHABLE: translator.text(say.CHART_UNREACHABLE),
        TODAY: translator.text(say.CHART_TODAY),
    }
    months = get_month_names("abbreviated", locale=translator.locale)
    heading = translator.text(say.AGENDA.with_params(title=session.title))
    return agenda_chart(rows, labels, heading, today, [str(months[m]) for m in range(1, 13)])
