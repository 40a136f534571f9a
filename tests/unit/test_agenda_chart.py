"""The agenda chart: every action's check-ins over its year, readable from the first week on, in any script."""

from __future__ import annotations

import io
import itertools
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, timedelta
from typing import Any

import matplotlib
import pytest
from matplotlib import pyplot as plt
from PIL import Image

from bot.domain import Action, ActionStatus, Cadence, Schedule
from bot.exports.agenda_chart import agenda_row
from bot.reports import AGENDA_KEYS, AgendaCheckin, AgendaRow, agenda_chart
from bot.reports.chart import (
    CANCELLED,
    FINISHED,
    NOT_ANSWERED,
    STATUS_COLOURS,
    TITLE_LIMIT,
    TODAY,
    UNREACHABLE,
    UPCOMING,
    agenda_figure,
    checkin_key,
    month_ticks,
)
from bot.storage.actions import CheckinRecord

LABELS = {
    "on_track": "Op schema",
    "delay": "Wat vertraging",
    "stuck": "Vast",
    "done": "Klaar",
    NOT_ANSWERED: "Geen antwoord",
    UPCOMING: "Nog te komen",
    CANCELLED: "Gestopt",
    FINISHED: "Afgerond",
    UNREACHABLE: "Eigenaar onbereikbaar",
    TODAY: "Vandaag",
}
MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
START = date(2026, 3, 2)


def monthly(start: date = START, answers: tuple[str | None, ...] = (), today: date = START) -> list[AgendaCheckin]:
    """A year of monthly check-ins from `start`: the first ones answered, those due before `today` sent."""
    dues = [
        date(start.year + (start.month - 1 + n) // 12, (start.month - 1 + n) % 12 + 1, start.day) for n in range(12)
    ]
    return [AgendaCheckin(due, answers[n] if n < len(answers) else None, due < today) for n, due in enumerate(dues)]


@contextmanager
def drawn(
    rows: list[AgendaRow], today: date, title: str = "Actieagenda", months: tuple[str, ...] = MONTHS
) -> Iterator[Any]:
    """The chart as a drawn figure, closed afterwards."""
    figure = agenda_figure(rows, LABELS, title, today, months)
    try:
        figure.canvas.draw()
        yield figure
    finally:
        plt.close(figure)


def points(figure: Any, key: str) -> list[tuple[float, float]]:
    """Where the chart drew points of one kind (an answer, not answered, upcoming, an end)."""
    (axes,) = figure.axes
    return [
        (float(x), float(y))
        for line in axes.lines
        if line.get_gid() == key
        for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True)
    ]


def day(x: float) -> date:
    """A position on the time axis as a date."""
    return matplotlib.dates.num2date(x).date()  # type: ignore[no-any-return]


def legend_names(figure: Any) -> list[str]:
    """The names the legend lists."""
    (legend,) = figure.legends
    return [text.get_text() for text in legend.get_texts()]


def test_an_agenda_in_its_first_weeks_shows_the_upcoming_check_ins() -> None:
    rows = [AgendaRow("Taalcafé", monthly()), AgendaRow("Buurtmaaltijd", monthly(date(2026, 3, 9)))]
    with drawn(rows, today=START - timedelta(days=3)) as figure:
        upcoming = points(figure, UPCOMING)
        answered = [p for key in STATUS_COLOURS for p in points(figure, key)]
        (axes,) = figure.axes
        left, right = axes.get_xlim()
    assert len(upcoming) == 24 and not answered, "every check-in of the year is drawn, still to come"
    assert {y for _, y in upcoming} == {0.0, 1.0}, "on its action's row"
    assert left <= min(x for x, _ in upcoming) and max(x for x, _ in upcoming) <= right, "all within the time axis"


def test_the_agenda_legend_lies_inside_the_image_and_names_not_answered() -> None:
    long_labels = {**LABELS, UNREACHABLE: "De eigenaar van deze actie is niet meer bereikbaar via de bot"}
    rows = [
        AgendaRow("Taalcafé", monthly(answers=("on_track", None, "delay"), today=date(2026, 6, 10))),
        AgendaRow("Werk zoeken", monthly(), unreachable_since=date(2026, 4, 1)),
    ]
    for labels in (LABELS, long_labels):
        figure = agenda_figure(rows, labels, "Actieagenda", date(2026, 6, 10), MONTHS)
        try:
            figure.canvas.draw()
            renderer = figure.canvas.get_renderer()
            (legend,) = figure.legends
            box = legend.get_window_extent(renderer)
            names = legend_names(figure)
            inside = figure.bbox
        finally:
            plt.close(figure)
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0 and box.y1 <= inside.y1, box
        assert labels[NOT_ANSWERED] in names and labels[TODAY] in names and labels[UNREACHABLE] in names
        assert all(labels[status] in names for status in STATUS_COLOURS), "every answer is in the key"


def test_a_check_in_that_went_out_unanswered_is_told_apart_from_one_still_to_come() -> None:
    today = date(2026, 6, 10)
    row = AgendaRow("Taalcafé", monthly(answers=("on_track", "stuck"), today=today))
    assert [checkin_key(c, row, today) for c in row.checkins[:5]] == [
        "on_track",
        "stuck",
        NOT_ANSWERED,
        NOT_ANSWERED,
        UPCOMING,
    ]
    due_today = AgendaCheckin(today)
    assert checkin_key(due_today, row, today) == UPCOMING, "the question of today has not gone out yet"
    assert checkin_key(AgendaCheckin(today, sent=True), row, today) == NOT_ANSWERED
    with drawn([row], today) as figure:
        unanswered, upcoming = points(figure, NOT_ANSWERED), points(figure, UPCOMING)
        (axes,) = figure.axes
        marks = {line.get_gid(): line for line in axes.lines}
        today_lines = [line for line in axes.lines if line.get_gid() == TODAY]
    assert [day(x) for x, _ in unanswered] == [date(2026, 5, 2), date(2026, 6, 2)]
    assert all(day(x) > today for x, _ in upcoming) and len(upcoming) == 8
    assert marks[UPCOMING].get_markerfacecolor() != marks[NOT_ANSWERED].get_markerfacecolor(), "hollow vs grey"
    assert [day(line.get_xdata()[0]) for line in today_lines] == [today], "a line marks today"


def test_a_cancelled_action_shows_no_upcoming_check_ins_after_it_ended() -> None:
    ended = date(2026, 5, 20)
    rows = [
        AgendaRow("Gestopt", monthly(answers=("delay", "stuck")), ended=ended),
        AgendaRow("Loopt door", monthly()),
    ]
    with drawn(rows, today=date(2026, 6, 10)) as figure:
        after = [
            day(x) for key in (UPCOMING, NOT_ANSWERED) for x, y in points(figure, key) if y == 0 and day(x) > ended
        ]
        crosses = points(figure, CANCELLED)
        running = [x for x, y in points(figure, UPCOMING) if y == 1]
        names = legend_names(figure)
    assert not after, "nothing is drawn as still to come after the action was stopped"
    assert [(day(x), y) for x, y in crosses] == [(ended, 0.0)], "a cross where it ended"
    assert len(running) == 8, "the other action goes on"
    assert LABELS[CANCELLED] in names and LABELS[FINISHED] not in names


def test_an_action_finished_early_is_marked_finished_not_cancelled() -> None:
    row = AgendaRow("Klaar", monthly(answers=("on_track", "done")), ended=date(2026, 4, 5), ended_as=FINISHED)
    with drawn([row], today=date(2026, 6, 10)) as figure:
        assert [day(x) for x, _ in points(figure, FINISHED)] == [date(2026, 4, 5)]
        assert not points(figure, CANCELLED) and not points(figure, UPCOMING)
        assert LABELS[FINISHED] in legend_names(figure) and LABELS[CANCELLED] not in legend_names(figure)


def test_an_owner_who_blocked_the_bot_shows_as_a_hatched_span_from_that_day_on() -> None:
    since = date(2026, 4, 15)
    rows = [AgendaRow("Bereikbaar", monthly()), AgendaRow("Onbereikbaar", monthly(), unreachable_since=since)]
    with drawn(rows, today=date(2026, 6, 10)) as figure:
        (axes,) = figure.axes
        (band,) = [patch for patch in axes.patches if patch.get_gid() == UNREACHABLE]
        left, right = axes.get_xlim()
        corner, width, height = band.get_xy(), band.get_width(), band.get_height()
        hatch = band.get_hatch()
        names = legend_names(figure)
    assert day(corner[0]) == since and corner[0] + width == pytest.approx(right) and right > left
    assert corner[1] < 1 < corner[1] + height < 1.5, "on the second action's row only"
    assert hatch and LABELS[UNREACHABLE] in names


def test_without_anything_unusual_the_legend_stays_short() -> None:
    with drawn([AgendaRow("Taalcafé", monthly())], today=START) as figure:
        names = legend_names(figure)
    assert LABELS[CANCELLED] not in names and LABELS[UNREACHABLE] not in names and LABELS[FINISHED] not in names
    assert LABELS[UPCOMING] in names and LABELS[NOT_ANSWERED] in names


def test_long_and_right_to_left_action_titles_are_cut_with_an_ellipsis() -> None:
    arabic = "دورة اللغة الهولندية للقادمين الجدد في المكتبة العامة كل أسبوع"
    dutch = "Een heel lange titel van een actie die echt veel te lang is om naast de rij te tonen"
    tigrinya = "ስራሕ ምርካብ"
    rows = [AgendaRow(title, monthly()) for title in (arabic, dutch, tigrinya, "🗣️ Taal")]
    with drawn(rows, today=START) as figure:
        (axes,) = figure.axes
        shown = [label.get_text() for label in axes.get_yticklabels()]
    assert [len(text) <= TITLE_LIMIT for text in shown] == [True] * 4
    assert shown[0].endswith("…") and shown[0].startswith("دورة") and shown[1].endswith("…")
    assert shown[2:] == [tigrinya, "Taal"], "short titles whole, without emoji"


def test_an_agenda_with_many_actions_grows_taller_and_is_a_png() -> None:
    today = date(2026, 6, 10)
    few = agenda_chart([AgendaRow("Een", monthly(today=today))], LABELS, "Agenda", today, MONTHS)
    many_rows = [AgendaRow(f"Actie {n}", monthly(answers=("on_track", "delay"), today=today)) for n in range(15)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        many = agenda_chart(many_rows, LABELS, "Agenda", today, MONTHS)
    small, large = Image.open(io.BytesIO(few)), Image.open(io.BytesIO(many))
    assert small.format == large.format == "PNG"
    assert small.size[0] >= 1000 and small.size[1] >= 400
    assert large.size[1] >= small.size[1] + 15 * 40, "each action gets its own readable row"
    assert not [w for w in caught if "missing from font" in str(w.message)]


def test_the_time_axis_names_the_months_in_the_callers_language_or_reads_year_month() -> None:
    assert month_ticks(date(2026, 11, 20), date(2027, 2, 10), 1, MONTHS) == [
        (date(2026, 12, 1), "dec\n2026"),
        (date(2027, 1, 1), "jan\n2027"),
        (date(2027, 2, 1), "feb"),
    ]
    assert [label for _, label in month_ticks(date(2026, 3, 1), date(2026, 8, 1), 2)] == [
        "2026-03",
        "2026-05",
        "2026-07",
    ]
    with drawn([AgendaRow("Taalcafé", monthly())], today=START) as figure:
        (axes,) = figure.axes
        renderer = figure.canvas.get_renderer()
        labels = [label for label in axes.get_xticklabels() if label.get_text()]
        boxes = [label.get_window_extent(renderer) for label in labels]
    assert len(labels) >= 4 and labels[0].get_text() == "mrt\n2026", "the first month with its year"
    assert all(a.x1 < b.x0 for a, b in itertools.pairwise(boxes)), "tick labels do not overlap"
    with pytest.raises(ValueError, match="twelve"):
        agenda_figure([], LABELS, "?", START, MONTHS[:6])


def test_every_agenda_key_can_be_named_by_the_caller() -> None:
    assert set(AGENDA_KEYS) == set(LABELS), "the caller translates exactly these keys"
    empty = agenda_chart([], LABELS, "Nog geen acties", START)
    assert Image.open(io.BytesIO(empty)).format == "PNG"


def test_an_agenda_row_shows_where_a_finished_action_ended_and_since_when_its_owner_is_unreachable() -> None:
    def checkin(period: int, due: str, sent: bool, status: str | None = None) -> CheckinRecord:
        stamp = f"{due}T09:00:00+00:00"
        return CheckinRecord(period, stamp, stamp if sent else None, status, None, None, stamp if status else None)

    schedule = Schedule(date(2026, 1, 5), Cadence.MONTHLY)
    checkins = [
        checkin(1, "2026-01-05", True, "on_track"),
        checkin(2, "2026-02-05", True, "done"),
        checkin(3, "2026-03-05", False),
    ]
    done = Action(1, 1, "Taalcafé", "", (), schedule, ActionStatus.DONE, owner=7)
    row = agenda_row(done, checkins, UTC, date(2026, 4, 1))
    assert (row.ended, row.ended_as) == (date(2026, 2, 5), "finished")
    assert [c.status for c in row.checkins] == ["on_track", "done", None]

    gone = Action(2, 1, "Buddy's", "", (), schedule, ActionStatus.ACTIVE, owner=8, owner_unreachable=True)
    row = agenda_row(gone, [*checkins[:1], checkin(2, "2026-02-05", False)], UTC, date(2026, 4, 1))
    assert row.ended is None and row.unreachable_since == date(2026, 2, 5)
