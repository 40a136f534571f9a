"""The group comparison chart renders every script the themes come in, correctly, on a fresh machine."""

from __future__ import annotations

import io
import logging
import shutil
import warnings
from pathlib import Path

import matplotlib
import pytest
from fontTools.ttLib import TTFont
from matplotlib import pyplot as plt
from PIL import Image

from bot.reports import Column, chart, comparison_chart, display
from bot.reports.chart import font_families, font_files, palette

NAMES = {"taal": "🗣️ Taal leren", "ar": "اللغة الهولندية", "ti": "ስራሕ ምርካብ", "fa": "کار و آموزش", "uk": "Робота"}


def test_a_chart_with_arabic_tigrinya_and_dutch_themes_is_a_png_with_no_missing_glyph() -> None:
    columns = [
        Column("Iedereen", ("taal", "ar", "ti", "fa", "uk")),
        Column("القادمون الجدد", ("ar", "taal", "fa", "ti", "uk")),
        Column("ሞያውያን", ("ti", "uk", "taal", "ar", "fa")),
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = comparison_chart(columns, NAMES, "Wat is het belangrijkst?", "Nr. ")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size[0] >= 700 and image.size[1] >= 400
    assert not [w for w in caught if "missing from font" in str(w.message)]


def test_every_letter_of_every_script_is_in_the_chart_fonts() -> None:
    maps = [TTFont(str(path)).getBestCmap() for path in font_files()]
    assert len(maps) == 3, "Noto Sans, Noto Sans Arabic and Noto Sans Ethiopic are installed"
    for name in NAMES.values():
        for char in display(name).replace(" ", ""):
            assert any(ord(char) in cmap for cmap in maps), f"{char!r} of {name!r} has no glyph"


def test_arabic_letters_are_joined_when_drawn() -> None:
    assert tuple(int(part) for part in matplotlib.__version__.split(".")[:2]) >= (3, 11), "3.11 shapes text"
    word = "المستقبل"
    apart = "\u200c".join(word)  # ZERO WIDTH NON-JOINER between letters: the isolated forms, wider
    with plt.rc_context({"font.family": list(font_families()), "font.size": 40}):
        figure = plt.figure()
        renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
        joined_width = figure.text(0, 0, word).get_window_extent(renderer).width
        apart_width = figure.text(0, 0, apart).get_window_extent(renderer).width
        plt.close(figure)
    assert joined_width < apart_width * 0.9


def test_emoji_and_direction_marks_are_left_out_of_chart_labels() -> None:
    assert display("🗣️ Taal") == "Taal"
    assert display("\u2068ስራሕ\u2069") == "ስራሕ"
    assert display("اللغة") == "اللغة"


def test_a_persian_word_spelt_with_a_zero_width_non_joiner_keeps_it_in_the_chart() -> None:
    newcomer = "تازه\u200cوارد"  # «tāze-vārd»: the ZWNJ keeps the ه from joining the و
    assert display(newcomer) == newcomer
    with plt.rc_context({"font.family": list(font_families()), "font.size": 40}):
        figure = plt.figure()
        renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
        spelt = figure.text(0, 0, display(newcomer)).get_window_extent(renderer).width
        misspelt = figure.text(0, 0, newcomer.replace("\u200c", "")).get_window_extent(renderer).width
        plt.close(figure)
    assert spelt != misspelt, "the kept non-joiner changes how the word is drawn"


def test_a_session_with_many_themes_gives_every_theme_its_own_colour() -> None:
    for count in (1, 8, 9, 12, 30):
        colours = palette(count)
        assert len(colours) == count and len(set(colours)) == count, count
    themes = {f"t{n}": f"Thema {n}" for n in range(12)}
    png = comparison_chart([Column("Iedereen", tuple(themes)), Column("Buren", tuple(reversed(themes)))], themes, "?")
    pixels = Image.open(io.BytesIO(png)).convert("RGB").getcolors(maxcolors=1 << 20) or []
    drawn = {f"#{r:02x}{g:02x}{b:02x}" for _, (r, g, b) in pixels}
    assert set(palette(12)) <= drawn, "every theme's colour is in the picture"


@pytest.mark.filterwarnings("ignore:Glyph")  # the boxes it warns of
def test_a_machine_missing_a_chart_font_still_draws_and_says_once_which_script_shows_boxes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    shutil.copy(chart.FONT_DIR / "NotoSans-Regular.ttf", tmp_path)
    monkeypatch.setattr(chart, "FONT_DIR", tmp_path)
    font_families.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger=chart.__name__):
            png = comparison_chart([Column("Iedereen", ("ti",))], NAMES, "?")
            comparison_chart([Column("Iedereen", ("ar",))], NAMES, "?")
    finally:
        font_families.cache_clear()
    assert Image.open(io.BytesIO(png)).format == "PNG"
    warned = [r.getMessage() for r in caplog.records]
    assert len([w for w in warned if "Ethiopic" in w]) == 1 and len([w for w in warned if "Arabic" in w]) == 1
    assert not [w for w in warned if "Latin" in w]


def test_when_only_everyone_qualifies_the_chart_is_bars_with_each_theme_named_once() -> None:
    themes = {"taal": "Taal", "werk": "Werk", "zorg": "Zorg"}
    only = Column("Iedereen", ("werk", "taal", "zorg"), {"werk": 9.0, "taal": 6.0, "zorg": 3.0})
    figure = chart.comparison_figure([only], themes, "Wat is het belangrijkst?")
    try:
        figure.canvas.draw()
        drawn = {id(t): t for t in figure.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text()}
        shown = [t.get_text() for t in drawn.values()]
        (axes,) = figure.axes
        widths = [bar.get_width() for bar in axes.patches]
    finally:
        plt.close(figure)
    assert all(shown.count(name) == 1 for name in themes.values()), shown
    assert widths == [9.0, 6.0, 3.0], "one bar per theme, as long as its score, the first at the top"
    assert len(comparison_chart([only], themes, "?")) > 0
