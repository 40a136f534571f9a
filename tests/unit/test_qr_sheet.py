"""A coordinator prints the session's join sheet on A4 and projects it: title, a code that scans, the join code,
the link, and "scan, then choose your language" in every language of the session, each in its own script."""

from __future__ import annotations

import io
import math
import re
import warnings

import zxingcpp
from matplotlib import pyplot as plt
from PIL import Image

from bot.reports import qr_sheet
from bot.reports.chart import font_families
from bot.reports.qr import sheet_figure

LINK = "https://t.me/inspraak_bot?start=AB12CD"
SCAN = {
    "nl": "Scan, en kies dan je taal",
    "en": "Scan, then choose your language",
    "ar": "امسح الرمز، ثم اختر لغتك",
    "uk": "Відскануйте, потім виберіть свою мову",
    "ti": "ስካን ግበሩ፣ ድሕሪኡ ቋንቋኹም ምረጹ",
    "fa": "اسکن کنید، سپس زبان خود را انتخاب کنید",
    "tr": "Tarayın, sonra dilinizi seçin",
    "so": "Iskaan garee, kadib dooro luqaddaada",
    "ru": "Отсканируйте, затем выберите свой язык",
}


def test_the_sheet_is_a_portrait_a4_page_whose_code_scans_to_the_join_link() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sheet = qr_sheet(LINK, "Thuis in Assen", "AB12CD", list(SCAN.values()))
    image = Image.open(io.BytesIO(sheet.png))
    assert image.format == "PNG" and image.size == (1240, 1754)
    assert math.isclose(image.size[1] / image.size[0], math.sqrt(2), rel_tol=0.01), "A4 proportions"
    assert [found.text for found in zxingcpp.read_barcodes(image)] == [LINK]
    assert not [w for w in caught if "missing from font" in str(w.message)], "every script has its glyphs"
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", sheet.pdf)
    assert sheet.pdf.startswith(b"%PDF") and box is not None
    assert (round(float(box.group(1)) * 25.4 / 72), round(float(box.group(2)) * 25.4 / 72)) == (210, 297), "mm"


def test_each_language_line_is_drawn_in_its_own_script_with_the_fonts_in_the_printable_file() -> None:
    latin_only = qr_sheet(LINK, "Thuis in Assen", "AB12CD", [SCAN["nl"], SCAN["en"]])
    every_script = qr_sheet(LINK, "Thuis in Assen", "AB12CD", list(SCAN.values()))
    assert every_script.png != latin_only.png
    assert b"NotoSansArabic" not in latin_only.pdf and b"NotoSansEthiopic" not in latin_only.pdf
    assert b"NotoSansArabic" in every_script.pdf and b"NotoSansEthiopic" in every_script.pdf


def test_long_titles_and_translations_stay_on_the_page_and_off_the_code_and_its_quiet_zone() -> None:
    long_lines = [line + " " + line for line in SCAN.values()]
    title = "Thuis in Assen: wat helpt jou het meest om je thuis te voelen in je nieuwe buurt en stad?"
    with plt.rc_context({"font.family": list(font_families())}):
        figure = sheet_figure(LINK, title, "AB12CD", long_lines)
        try:
            renderer = figure.canvas.get_renderer()
            page, code = figure.bbox, figure.axes[0].get_window_extent(renderer)
            texts = [text.get_window_extent(renderer) for text in figure.texts]
        finally:
            plt.close(figure)
    assert len(texts) == 3 + len(long_lines), "title, join code, link and a line per language"
    assert math.isclose(code.width, code.height, rel_tol=0.01) and code.width > page.width / 2, "square and large"
    for extent in texts:
        assert page.x0 <= extent.x0 and extent.x1 <= page.x1 and page.y0 <= extent.y0 and extent.y1 <= page.y1
        assert not extent.overlaps(code)
