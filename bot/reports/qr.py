"""QR codes of join links, large enough to project in a room, and an A4 sheet around one to print and put up."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import segno

from bot.reports.chart import _pyplot, display, font_families

A4_PIXELS = (1240, 1754)  # portrait A4 (210 x 297 mm) at 150 dpi: sharp on a projector, fine on paper
SHEET_DPI = 150
BORDER = 4  # modules of quiet zone around the code, as the standard asks
MARGIN = 0.05  # of the page's width, kept free of text on either side
CODE_FONT = "DejaVu Sans Mono"  # ships with matplotlib; a join code is read character by character


def _qr(link: str) -> Any:
    """The link's QR code (error correction at least M, as large as the link needs)."""
    return segno.make(link, error="m", micro=False)


def qr_png(link: str, scale: int = 16) -> bytes:
    """A PNG of the link's QR code (error correction M, quiet zone of 4 modules)."""
    buffer = io.BytesIO()
    _qr(link).save(buffer, kind="png", scale=scale, border=BORDER)
    return buffer.getvalue()


@dataclass(frozen=True)
class Sheet:
    """A join sheet twice over: a PNG to show in the chat and a PDF (A4, fonts embedded) to print."""

    png: bytes
    pdf: bytes


def qr_sheet(link: str, title: str, code: str, lines: Sequence[str]) -> Sheet:
    """An A4 portrait sheet: the title, the QR code large in the middle, the join code, the link, then one line
    per language (e.g. "Scan, then choose your language", each in its own script)."""
    plt = _pyplot()
    with plt.rc_context({"font.family": list(font_families()), "pdf.fonttype": 42}):
        figure = sheet_figure(link, title, code, lines)
        try:
            png, pdf = io.BytesIO(), io.BytesIO()
            figure.savefig(png, format="png", dpi=SHEET_DPI)
            figure.savefig(pdf, format="pdf")
        finally:
            plt.close(figure)
    return Sheet(png.getvalue(), pdf.getvalue())


def sheet_figure(link: str, title: str, code: str, lines: Sequence[str]) -> Any:
    """The join sheet as a matplotlib figure (the caller closes it); positions are fractions of the page."""
    width, height = (pixels / SHEET_DPI for pixels in A4_PIXELS)
    figure = _pyplot().figure(figsize=(width, height), dpi=SHEET_DPI)
    wrapped = textwrap.wrap(display(title), 30, max_lines=3, placeholder=" …") or [""]
    heading = figure.text(0.5, 0.96, "\n".join(wrapped), ha="center", va="top", fontsize=(34, 30, 26)[len(wrapped) - 1])
    size, bottom = 0.6, 0.38  # the code's width (of the page's) and where it ends
    axes = figure.add_axes((0.5 - size / 2, bottom, size, size * width / height))
    axes.imshow([list(row) for row in _qr(link).matrix_iter(border=BORDER)], cmap="binary", interpolation="nearest")
    axes.set_axis_off()
    texts = [
        heading,
        figure.text(0.5, bottom - 0.005, f"Code: {code}", ha="center", va="top", fontsize=40, family=CODE_FONT),
        figure.text(0.5, bottom - 0.065, link, ha="center", va="top", fontsize=11, color="#444444"),
    ]
    shown = [display(line) for line in lines if display(line)]
    step = min(0.032, 0.235 / max(len(shown), 1))
    for index, line in enumerate(shown):
        top = bottom - 0.105 - index * step
        texts.append(figure.text(0.5, top, line, ha="center", va="top", fontsize=min(20.0, 640 * step)))
    _fit(figure, texts)
    return figure


def _fit(figure: Any, texts: Sequence[Any]) -> None:
    """Shrink any text wider than the page between its margins (a long translation, a long title word)."""
    renderer = figure.canvas.get_renderer()
    room = figure.bbox.width * (1 - 2 * MARGIN)
    for text in texts:
        wide = text.get_window_extent(renderer).width
        if wide > room:
            text.set_fontsize(text.get_fontsize() * room / wide)
