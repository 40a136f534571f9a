"""The group comparison chart: each theme's rank per group, readable on a phone, in any script."""

from __future__ import annotations

import colorsys
import io
import logging
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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


STATUS_COLOURS = {"on_track": "#1b9e77", "delay": "#e6ab02", "stuck": "#d95f02", "done": "#7570b3"}
UNANSWERED = "#dddddd"


def status_grid(history: Mapping[str, Sequence[str | None]], labels: Mapping[str, str], title: str) -> bytes:
    """One row per action, one square per check-in, coloured by the owner's answer (grey: no answer yet)."""
    actions = list(history)
    periods = max((len(answers) for answers in history.values()), default=0)
    plt = _pyplot()
    rectangle = plt.Rectangle
    with plt.rc_context({"font.family": list(font_families()), "font.size": 12}):
        figure, axes = plt.subplots(figsize=(max(6.0, 0.25 * periods + 4), max(2.5, 0.6 * len(actions) + 1.8)), dpi=120)
        try:
            for row, action in enumerate(actions):
                for column, status in enumerate(history[action]):
                    colour = STATUS_COLOURS.get(status or "", UNANSWERED)
                    axes.add_patch(rectangle((column, row), 0.9, 0.8, color=colour))
            axes.set_xlim(0, max(periods, 1))
            axes.set_ylim(len(actions), -0.2)
            axes.set_yticks([r + 0.4 for r in range(len(actions))], [display(a) for a in actions])
            axes.set_xticks([])
            axes.set_title(display(title))
            handles = [rectangle((0, 0), 1, 1, color=c) for c in STATUS_COLOURS.values()]
            names = [display(labels.get(k, k)) for k in STATUS_COLOURS]
            axes.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=4, frameon=False)
            for side in ("top", "right", "bottom", "left"):
                axes.spines[side].set_visible(False)
            figure.tight_layout()
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png")
        finally:
            plt.close(figure)
    return buffer.getvalue()
