"""A native speaker reviews one language: the unconfirmed translations go out as a sheet with the English and the
note for translators, the reviewed sheet comes back in, and only what they confirmed stops saying it needs review."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date
from pathlib import Path

from babel.messages.pofile import read_po

from bot.i18n.review import CONFIRMED, HEADER, LOCALES, UNCONFIRMED, catalog_path, export_sheet, import_sheet, main


def _copy(tmp_path: Path, locale: str) -> Path:
    """The shipped catalogs, copied, so a review here changes nothing in the tree."""
    root = tmp_path / "locales"
    shutil.copytree(LOCALES / locale, root / locale)
    return root


def _rows(sheet: Path) -> list[dict[str, str]]:
    with sheet.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def _message(root: Path, locale: str, key: str) -> object:
    with catalog_path(locale, root).open("rb") as stream:
        return next(m for m in read_po(stream) if m.context == key)


def test_a_reviewer_gets_the_unconfirmed_translations_and_their_confirmations_stick(tmp_path: Path) -> None:
    root = _copy(tmp_path, "uk")
    sheet = tmp_path / "review-uk.csv"
    count = export_sheet("uk", sheet, root)
    rows = _rows(sheet)
    assert count == len(rows) > 100
    assert tuple(rows[0]) == HEADER
    start = next(r for r in rows if r["key"] == "ideas.ask.say")
    assert start["english"].startswith("{question}") and start["translation now"]
    assert "{question}" in start["note for translators"], "the note the translator had goes along"

    reviewed = {
        "peers.later": ("Новіші ▶", "yes"),  # corrected
        "peers.earlier": ("", "x"),  # confirmed as it is
        "peers.title": ("Що сказали інші", "yes"),  # loses {title} and the numbers: refused
        "peers.none": ("Ще ніхто", ""),  # not confirmed: stays as it was
    }
    for row in rows:
        if row["key"] in reviewed:
            row["reviewed translation"], row["confirmed"] = reviewed[row["key"]]
    with sheet.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)

    done = import_sheet("uk", sheet, "Olena K.", date(2026, 12, 5), root)
    assert (done.confirmed, done.changed) == (2, 1)
    assert len(done.refused) == 1 and done.refused[0].startswith("peers.title")

    later = _message(root, "uk", "peers.later")
    assert later.string == "Новіші ▶"  # type: ignore[attr-defined]
    comments = " ".join(later.user_comments)  # type: ignore[attr-defined]
    assert CONFIRMED in comments and "Olena K., 2026-12-05" in comments and UNCONFIRMED not in comments
    for key in ("peers.title", "peers.none"):
        assert UNCONFIRMED in " ".join(_message(root, "uk", key).user_comments)  # type: ignore[attr-defined]
    compiled = subprocess.run(
        [
            shutil.which("pybabel") or ".venv/bin/pybabel",
            "compile",
            "--domain=messages",
            "--statistics",
            f"--input-file={catalog_path('uk', root)}",
            f"--output-file={tmp_path / 'uk.mo'}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert compiled.returncode == 0, compiled.stderr
    assert export_sheet("uk", sheet, root) == count - 2, "what was confirmed is not asked again"


def test_the_review_command_says_how_to_use_it_when_asked_wrongly() -> None:
    assert main(["export", "xx"]) == 2
    assert main(["import", "nl"]) == 2
