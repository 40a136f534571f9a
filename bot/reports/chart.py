"""The group comparison chart: each theme's rank per group, readable on a phone, in any script."""

from __future__ import annotations

import colorsys
import io
import logging
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

# Noto covers Latin, Cyrillic, Arabic script and Ethiopic (Tigrinya); matplotlib falls back per glyph. The bot ships
# these OFL fonts itself (fonts/OFL.txt), so charts are right on any machine without installing anything.
FONT_FILES = {
    "NotoSans-Regular.ttf": "Latin and Cyrillic",
    "NotoSansArabic-Regular.ttf": "Arabic script (Arabic, Persian, Dari)",
    "NotoSansEthiopic-Regular.ttf": "Ethiopic (Tigrinya)",
}
FONT_DIR = Path(__file__).with_name("fonts")
log = logging.getLogger(__name__)
FALLBACK_FAMILY = "DejaVu Sans"
DROPPED = ("So", "Cf", "Cs")  # emoji and invisible format marks (bidi isolates), which no chart font draws
JOINER_CONTROLS = frozenset("\u200c\u200d")  # ZWNJ and ZWJ are spelling in Persian and Dari: «تازه‌وارد»
COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666")


@dataclass(frozen=True)
class Column:
    """One group's order of the themes (most important first), with its label."""

    label: str
    order: tuple[str, ...]
    scores: Mapping[str, float] = field(default_factory=dict)  # what each theme scored, for a bar chart


@cache
def _pyplot() -> ModuleType:
    """matplotlib, loaded the first time a chart is drawn: it would double the bot's memory and start-up time."""
    import matplotlib

    matplotlib.use("Agg")  # no screen: render to PNG
    from matplotlib import pyplot

    return pyplot


@cache
def font_families() -> tuple[str, ...]:
    """The shipped Noto families, registered with matplotlib, in fallback order; says once which are missing."""
    families: list[str] = []
    font_manager = _pyplot().matplotlib.font_manager
    for path in font_files():
        font_manager.fontManager.addfont(str(path))
        families.append(font_manager.FontProperties(fname=str(path)).get_name())
    for name, script in FONT_FILES.items():
        if not (FONT_DIR / name).is_file():
            log.warning("chart font %s is missing: %s will show as boxes in charts", name, script)
    return (*families, FALLBACK_FAMILY)


def font_files() -> tuple[Path, ...]:
    """The font files the chart draws with (for checking that every glyph is there)."""
    return tuple(FONT_DIR / name for name in FONT_FILES if (FONT_DIR / name).is_file())


def display(text: str) -> str:
    """Text as the chart can draw it: without emoji and direction marks, with the joiners words are spelt with.

    Joining Arabic letters and ordering right-to-left text is matplotlib's own work since 3.11.
    """
    kept = "".join(
        c for c in text if c in JOINER_CONTROLS or (unicodedata.category(c) not in DROPPED and c != "\ufe0f")
    )
    return " ".join(kept.split())


def palette(count: int) -> list[str]:
    """As many colours as there are themes, none twice: the calm eight first, then evenly spread hues."""
    if count <= len(COLOURS):
        return list(COLOURS[:count])
    extra = count - len(COLOURS)
    spread = [
        _pyplot().matplotlib.colors.to_hex(colorsys.hls_to_rgb(i / extra, 0.35 + 0.2 * (i % 2), 0.75))
        for i in range(extra)
    ]
    return [*COLOURS, *spread]


def comparison_chart(columns: Sequence[Column], labels: Mapping[str, str], title: str, rank_word: str = "#") -> bytes:
    """A slope chart: one column per group, one line per theme, rank 1 at the top; with only one column (no group
    reached three voters), a bar per theme instead; a PNG."""
    plt = _pyplot()
    with plt.rc_context({"font.family": list(font_families()), "font.size": 13}):
        figure = comparison_figure(columns, labels, title, rank_word)
        try:
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png")
        finally:
            plt.close(figure)
    return buffer.getvalue()


def comparison_figure(columns: Sequence[Column], labels: Mapping[str, str], title: str, rank_word: str = "#") -> Any:
    """The comparison chart as a matplotlib figure (the caller closes it)."""
    if len(columns) == 1:
        return _bars(columns[0], labels, title)
    themes = list(columns[0].order) if columns else []
    height = max(4.0, 0.55 * len(themes) + 2)
    width = max(6.0, 2.2 * len(columns) + 4)
    figure, axes = _pyplot().subplots(figsize=(width, height), dpi=120)
    colours = palette(len(themes))
    for index, theme in enumerate(themes):
        colour = colours[index]
        ranks = [column.order.index(theme) + 1 if theme in column.order else None for column in columns]
        xs = [x for x, r in enumerate(ranks) if r is not None]
        ys = [r for r in ranks if r is not None]
        axes.plot(xs, ys, marker="o", markersize=9, linewidth=2.5, color=colour)
        name = display(labels.get(theme, theme))
        for x, y, offset, side in ((xs[0], ys[0], -12, "right"), (xs[-1], ys[-1], 12, "left")):
            axes.annotate(
                name, (x, y), xytext=(offset, 0), textcoords="offset points", ha=side, va="center", color=colour
            )
    axes.set_xticks(range(len(columns)), [display(c.label) for c in columns])
    axes.set_yticks(range(1, len(themes) + 1), [f"{rank_word}{n}" for n in range(1, len(themes) + 1)])
    axes.set_ylim(len(themes) + 0.5, 0.5)
    axes.set_xlim(-1.6, len(columns) - 1 + 1.6)
    axes.set_title(display(title))
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="y", alpha=0.25)
    figure.tight_layout()
    return figure


def _bars(column: Column, labels: Mapping[str, str], title: str) -> Any:
    """One group only: a bar per theme, the most important at the top, each name once beside its bar."""
    themes = list(column.order)
    figure, axes = _pyplot().subplots(figsize=(8.0, max(3.0, 0.55 * len(themes) + 1.8)), dpi=120)
    values = [column.scores.get(t, float(len(themes) - n)) for n, t in enumerate(themes)]
    axes.barh(range(len(themes)), values, color=palette(len(themes)))
    axes.set_yticks(range(len(themes)), [display(labels.get(t, t)) for t in themes])
    axes.invert_yaxis()
    axes.set_title(display(f"{title} ({column.label})"))
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    return figure


# ---- the agenda chart: every action's check-ins over its year ----------------------------------------------------

STATUS_COLOURS = {"on_track": "#1b9e77", "delay": "#e6ab02", "stuck": "#d95f02", "done": "#7570b3"}
NOT_ANSWERED = "not_answered"  # the question went out (or its day passed) and no answer came
UPCOMING = "upcoming"  # still to come
CANCELLED = "cancelled"  # the action was stopped before its year was over
FINISHED = "finished"  # the action was finished (done) before its year was over
UNREACHABLE = "unreachable"  # the owner stopped or blocked the bot: no check-in reaches them
TODAY = "today"
AGENDA_KEYS = (*STATUS_COLOURS, NOT_ANSWERED, UPCOMING, CANCELLED, FINISHED, UNREACHABLE, TODAY)
TITLE_LIMIT = 40  # an action's name beside its row, in characters
HEADING_LIMIT = 70
INK = "#333333"
UNREACHABLE_COLOUR = "#e7298a"  # Dark2's magenta, used by none of the answers
LANE = "#d9d9d9"
TICK_STEPS = (1, 2, 3, 4, 6, 12)  # months between two dates on the time axis


@dataclass(frozen=True)
class AgendaCheckin:
    """One check-in: the day it is due, the owner's answer (None: none yet) and whether the question went out."""

    due: date
    status: str | None = None  # "on_track" | "delay" | "stuck" | "done"
    sent: bool = False


@dataclass(frozen=True)
class AgendaRow:
    """One action on the agenda chart."""

    title: str
    checkins: Sequence[AgendaCheckin] = ()
    ended: date | None = None  # cancelled or finished then: nothing after it is drawn as still to come
    ended_as: str = CANCELLED  # CANCELLED or FINISHED
    unreachable_since: date | None = None


@dataclass(frozen=True)
class _Mark:
    """How one kind of point is drawn."""

    marker: str
    face: str
    edge: str
    scale: float = 1.0


MARKS = {
    **{key: _Mark("s", colour, colour) for key, colour in STATUS_COLOURS.items()},
    NOT_ANSWERED: _Mark("s", "#bdbdbd", "#969696"),
    UPCOMING: _Mark("s", "white", "#737373"),
    CANCELLED: _Mark("X", "#222222", "#222222", 1.5),
    FINISHED: _Mark("D", "white", STATUS_COLOURS["done"], 1.3),
}


def checkin_key(checkin: AgendaCheckin, row: AgendaRow, today: date) -> str | None:
    """What a check-in shows: the owner's answer, NOT_ANSWERED, UPCOMING, or None (after its action ended)."""
    if checkin.status in STATUS_COLOURS:
        return checkin.status
    if row.ended is not None and checkin.due > row.ended:
        return None
    return NOT_ANSWERED if checkin.sent or checkin.due < today else UPCOMING


def shorten(text: str, limit: int = TITLE_LIMIT) -> str:
    """Text as the chart shows it, cut with an ellipsis beyond `limit` characters."""
    shown = display(text)
    return shown if len(shown) <= limit else shown[: limit - 1].rstrip() + "…"


def month_ticks(start: date, end: date, step: int, month_names: Sequence[str] = ()) -> list[tuple[date, str]]:
    """The first days of every `step`-th month from `start` to `end`, each with its label: a month name (with the
    year under the first and under January) or, without names, the numeric `2026-03`."""
    first = start.year * 12 + start.month - (1 if start.day == 1 else 0)  # months since year 0, January = 0
    ticks: list[tuple[date, str]] = []
    for index in range(first, end.year * 12 + end.month, step):
        year, month = divmod(index, 12)
        ticks.append((date(year, month + 1, 1), _month_label(year, month + 1, month_names, first=not ticks)))
    return ticks


def _month_label(year: int, month: int, month_names: Sequence[str], first: bool) -> str:
    """A month's name, with its year under it when it is the first shown or January; or numeric, `2026-03`."""
    if not month_names:
        return f"{year}-{month:02d}"
    name = display(month_names[month - 1])
    return f"{name}\n{year}" if first or month == 1 else name


def agenda_chart(
    rows: Sequence[AgendaRow], labels: Mapping[str, str], title: str, today: date, month_names: Sequence[str] = ()
) -> bytes:
    """The agenda over time: one row per action, a square per check-in coloured by the answer; a PNG."""
    plt = _pyplot()
    with plt.rc_context({"font.family": list(font_families()), "font.size": 12}):
        figure = agenda_figure(rows, labels, title, today, month_names)
        try:
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png")
        finally:
            plt.close(figure)
    return buffer.getvalue()


def agenda_figure(
    rows: Sequence[AgendaRow], labels: Mapping[str, str], title: str, today: date, month_names: Sequence[str] = ()
) -> Any:
    """The agenda chart as a matplotlib figure (the caller closes it); `labels` names AGENDA_KEYS, `month_names`
    the twelve months from January (without them the time axis reads 2026-03)."""
    if month_names and len(month_names) != 12:
        raise ValueError(f"twelve month names, from January, not {len(month_names)}")
    plt = _pyplot()
    with plt.rc_context({"font.family": list(font_families()), "font.size": 12}):
        figure, axes = plt.subplots(figsize=(9.0, max(3.8, 0.42 * len(rows) + 3.0)), dpi=120, layout="constrained")
        start, end = _span(rows, today)
        axes.set_xlim(_day(start), _day(end))
        size = _marker_size(rows, (end - start).days)
        shown = {key for index, row in enumerate(rows) for key in _draw_row(axes, index, row, today, size)}
        axes.axvline(_day(today), color=INK, linestyle="--", linewidth=1.2, zorder=4, gid=TODAY)
        axes.set_ylim(max(len(rows), 1) - 0.5, -0.5)
        axes.set_yticks(range(len(rows)), [shorten(row.title) for row in rows])
        axes.tick_params(axis="y", length=0)
        axes.set_title(shorten(title, HEADING_LIMIT))
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
        axes.grid(axis="x", alpha=0.25)
        _legend(figure, [key for key in AGENDA_KEYS if key in shown or key in _ALWAYS], labels, size)
        _time_axis(figure, axes, start, end, month_names)
    return figure


_ALWAYS = frozenset((*STATUS_COLOURS, NOT_ANSWERED, UPCOMING, TODAY))  # in the legend even before they are drawn


def _day(day: date) -> float:
    """A date as a position on the time axis."""
    return float(_pyplot().matplotlib.dates.date2num(day))


def _span(rows: Sequence[AgendaRow], today: date) -> tuple[date, date]:
    """The days the time axis covers: every check-in, end and today, with a margin; two months at least."""
    days = [today, *(c.due for row in rows for c in row.checkins)]
    days += [d for row in rows for d in (row.ended, row.unreachable_since) if d is not None]
    start, end = min(days) - timedelta(days=10), max(days) + timedelta(days=10)
    return start, max(end, start + timedelta(days=61))


def _marker_size(rows: Sequence[AgendaRow], span_days: int) -> float:
    """Markers as large as the closest two check-ins of a row allow without touching, in points."""
    gaps = [
        (b.due - a.due).days
        for row in rows
        for a, b in zip(row.checkins, row.checkins[1:], strict=False)
        if b.due > a.due
    ]
    points_per_day = 0.65 * 9.0 * 72 / max(span_days, 1)
    return min(11.0, max(4.0, 0.75 * min(gaps, default=30) * points_per_day))


def _draw_row(axes: Any, index: int, row: AgendaRow, today: date, size: float) -> set[str]:
    """One action's lane, check-ins, end and unreachable span; which keys it drew."""
    points: dict[str, list[date]] = {}
    for checkin in row.checkins:
        key = checkin_key(checkin, row, today)
        if key is not None:
            points.setdefault(key, []).append(checkin.due)
    drawn = [d for dates in points.values() for d in dates]
    last = row.ended or max(drawn, default=None)
    if drawn and last is not None:
        axes.plot([_day(min(drawn)), _day(last)], [index, index], color=LANE, linewidth=1.5, zorder=1, gid="lane")
    if row.unreachable_since is not None:
        _unreachable(axes, index, row.unreachable_since, row.ended)
    for key, dates in points.items():
        _mark(axes, key, [_day(d) for d in dates], index, size)
    if row.ended is not None:
        _mark(axes, row.ended_as, [_day(row.ended)], index, size)
    keys = set(points) | ({row.ended_as} if row.ended is not None else set())
    return keys | ({UNREACHABLE} if row.unreachable_since is not None else set())


def _mark(axes: Any, key: str, xs: Sequence[float], y: int, size: float) -> None:
    """Points of one kind on a row."""
    mark = MARKS[key]
    axes.plot(xs, [y] * len(xs), linestyle="none", zorder=3, gid=key, **_mark_style(mark, size))


def _mark_style(mark: _Mark, size: float) -> dict[str, Any]:
    """A marker's drawing options, for the chart and its legend alike."""
    return {
        "marker": mark.marker,
        "markersize": size * mark.scale,
        "markerfacecolor": mark.face,
        "markeredgecolor": mark.edge,
        "markeredgewidth": 1.2,
    }


def _unreachable(axes: Any, y: int, since: date, until: date | None) -> None:
    """A hatched band over the row from the day its owner could no longer be reached."""
    right = _day(until) if until is not None and until > since else axes.get_xlim()[1]
    left = _day(since)
    axes.add_patch(_unreachable_patch((left, y - 0.25), right - left, 0.5))


def _unreachable_patch(corner: tuple[float, float], width: float, height: float) -> Any:
    """The look of a span whose owner cannot be reached: a light hatched band."""
    rectangle = _pyplot().Rectangle
    face = (*_pyplot().matplotlib.colors.to_rgb(UNREACHABLE_COLOUR), 0.08)
    return rectangle(
        corner,
        width,
        height,
        facecolor=face,
        edgecolor=UNREACHABLE_COLOUR,
        hatch="///",
        linewidth=0.8,
        zorder=2,
        gid=UNREACHABLE,
    )


def _legend(figure: Any, keys: Sequence[str], labels: Mapping[str, str], size: float) -> None:
    """The key below the chart, in as many columns as fit the picture's width."""
    handles = [_legend_handle(key, max(size, 8.0)) for key in keys]
    names = [shorten(labels.get(key, key), HEADING_LIMIT) for key in keys]
    renderer = figure.canvas.get_renderer()
    for columns in (4, 3, 2, 1):
        legend = figure.legend(handles, names, loc="outside lower center", ncol=columns, frameon=False)
        if columns == 1 or legend.get_window_extent(renderer).width <= 0.96 * figure.bbox.width:
            return
        legend.remove()


def _legend_handle(key: str, size: float) -> Any:
    """What stands for a key in the legend."""
    mpl = _pyplot().matplotlib
    if key == TODAY:
        return mpl.lines.Line2D([], [], color=INK, linestyle="--", linewidth=1.2)
    if key == UNREACHABLE:
        return _unreachable_patch((0, 0), 1, 1)
    return mpl.lines.Line2D([], [], linestyle="none", **_mark_style(MARKS[key], size))


def _time_axis(figure: Any, axes: Any, start: date, end: date, month_names: Sequence[str]) -> None:
    """Month dates along the bottom, as often as their labels fit side by side."""
    renderer = figure.canvas.get_renderer()
    widest = max(
        (_text_width(figure, renderer, label) for _, label in month_ticks(start, end, 1, month_names)), default=0.0
    )
    figure.canvas.draw()  # lays the figure out, so the axes' width is known
    per_month = axes.bbox.width * 30.4 / max((end - start).days, 1)
    step = next((s for s in TICK_STEPS if s * per_month >= widest + 10), TICK_STEPS[-1])
    ticks = month_ticks(start, end, step, month_names)
    axes.set_xticks([_day(day) for day, _ in ticks], [label for _, label in ticks])


def _text_width(figure: Any, renderer: Any, text: str) -> float:
    """How wide a tick label would be, in pixels."""
    probe = figure.text(0, 0, text, fontsize=_pyplot().rcParams["xtick.labelsize"])
    try:
        return float(probe.get_window_extent(renderer).width)
    finally:
        probe.remove()
