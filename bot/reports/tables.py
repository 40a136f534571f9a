"""Tables for people who work in spreadsheets: CSV (UTF-8, Excel-friendly) and XLSX with one sheet per table."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

import xlsxwriter

MAX_WIDTH = 60


@dataclass(frozen=True)
class Table:
    """A named table: a header and rows of plain values."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


def to_csv(table: Table) -> bytes:
    """CSV with a byte-order mark, so spreadsheet programs read Arabic, Tigrinya and emoji correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.header)
    writer.writerows(["" if value is None else value for value in row] for row in table.rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """A workbook with one sheet per table, a frozen bold header row and columns wide enough to read."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = workbook.add_format({"bold": True, "bg_color": "#EEEEEE"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    for table in tables:
        sheet = workbook.add_worksheet(table.name[:31])
        sheet.write_row(0, 0, table.header, bold)
        for number, row in enumerate(table.rows, 1):
            sheet.write_row(number, 0, ["" if value is None else value for value in row], wrap)
        for column, title in enumerate(table.header):
            longest = max([len(str(title))] + [len(str(row[column] or "")) for row in table.rows])
            sheet.set_column(column, column, min(MAX_WIDTH, longest + 2))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(1, len(table.rows)), len(table.header) - 1)
    workbook.close()
    return buffer.getvalue()
