"""Catalog review by people who speak the language: one language's unconfirmed translations out as a sheet (the
English source, the note for translators, the current text), and the reviewed sheet back in. A confirmed
translation loses its "needs review" mark and says who confirmed it and when; one that would break the bot (a
placeholder or command lost) is refused, and the catalog is left as it was for it.

    make review-export CATALOG=nl                                     (writes review-nl.csv)
    make review-import CATALOG=nl SHEET=review-nl.csv REVIEWER="Name"
    python -m bot.i18n.review export nl [review-nl.csv]
    python -m bot.i18n.review import nl review-nl.csv "Reviewer's name"
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from bot.i18n.locales import SOURCE_LOCALE, SUPPORTED

LOCALES = Path(__file__).resolve().parents[2] / "locales"
UNCONFIRMED = "Machine-written translation: needs review by a native speaker."
CONFIRMED = "Reviewed by a native speaker"
HEADER = ("key", "english", "note for translators", "translation now", "reviewed translation", "confirmed")
YES = frozenset({"yes", "y", "ja", "x", "1", "true", "ok"})
WIDTH = 100  # as `make catalogs-update` writes the catalogs
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
COMMAND = re.compile(r"/[a-z_]+")


@dataclass
class Imported:
    """What a reviewed sheet did: entries confirmed (of which changed), and rows refused with the reason."""

    confirmed: int = 0
    changed: int = 0
    refused: list[str] = field(default_factory=list)


def catalog_path(locale: str, root: Path = LOCALES) -> Path:
    """Where a language's catalog lives."""
    return root / locale / "LC_MESSAGES" / "messages.po"


def _key(message: Message) -> str:
    return str(message.context or message.id)


def _read(path: Path) -> Catalog:
    with path.open("rb") as stream:
        return read_po(stream)


def unconfirmed(catalog: Catalog) -> list[Message]:
    """The entries nobody has confirmed yet, in catalog order."""
    return [m for m in catalog if m.id and any(UNCONFIRMED in comment for comment in m.user_comments)]


def export_sheet(locale: str, out: Path, root: Path = LOCALES) -> int:
    """Write a language's unconfirmed entries as a CSV sheet (UTF-8, opens in any spreadsheet); how many."""
    rows = [
        (_key(m), str(m.id), " ".join(m.auto_comments), str(m.string), "", "")
        for m in unconfirmed(_read(catalog_path(locale, root)))
    ]
    with out.open("w", encoding="utf-8-sig", newline="") as stream:  # the BOM tells spreadsheets it is UTF-8
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return len(rows)


def import_sheet(locale: str, sheet: Path, reviewer: str, today: date, root: Path = LOCALES) -> Imported:
    """Take a reviewed sheet in: each row marked confirmed sets its translation (the reviewed one where given)
    and says who confirmed it; rows that would lose a placeholder or a command are refused."""
    path = catalog_path(locale, root)
    catalog = _read(path)
    by_key = {_key(m): m for m in catalog if m.id}
    result = Imported()
    with sheet.open(encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            message = by_key.get(row.get("key") or "")
            if message is None or (row.get("confirmed") or "").strip().lower() not in YES:
                continue
            text = (row.get("reviewed translation") or "").strip() or str(message.string)
            problem = _problem(str(message.id), text)
            if problem:
                result.refused.append(f"{_key(message)}: {problem}")
                continue
            result.changed += text != message.string
            message.string = text
            message.user_comments = [c for c in message.user_comments if UNCONFIRMED not in c and CONFIRMED not in c]
            message.user_comments.append(f"{CONFIRMED} ({reviewer}, {today.isoformat()}).")
            message.flags.discard("fuzzy")
            result.confirmed += 1
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH)
    path.write_bytes(buffer.getvalue())
    return result


def _problem(source: str, text: str) -> str | None:
    """Why a translation cannot be taken, if it cannot: the bot fills in placeholders and people tap commands."""
    if not text:
        return "empty"
    if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(text)):
        return "its {placeholders} differ from the English"
    lost = [command for command in COMMAND.findall(source) if command not in text]
    if lost:
        return f"it lost the command {lost[0]}"
    return None


def main(argv: Sequence[str]) -> int:
    """`export LANG [FILE]` or `import LANG FILE REVIEWER`."""
    reviewable = [code for code in SUPPORTED if code != SOURCE_LOCALE]
    if len(argv) < 2 or argv[0] not in ("export", "import") or argv[1] not in reviewable:
        print(__doc__, f"\nLanguages: {', '.join(reviewable)}", file=sys.stderr)
        return 2
    locale = argv[1]
    if argv[0] == "export":
        out = Path(argv[2] if len(argv) > 2 else f"review-{locale}.csv")
        count = export_sheet(locale, out)
        print(f"{out}: {count} translations in {locale} for a native speaker to check")
        return 0
    if len(argv) < 4:
        print("import needs the sheet and the reviewer's name", file=sys.stderr)
        return 2
    done = import_sheet(locale, Path(argv[2]), argv[3], date.today())
    print(f"{locale}: {done.confirmed} confirmed, {done.changed} of them changed, {len(done.refused)} refused")
    for reason in done.refused:
        print(f"  refused {reason}")
    return 1 if done.refused else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
