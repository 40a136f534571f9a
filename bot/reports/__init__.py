"""What inspraak produces for people to look at: QR codes now; charts, exports and reports later."""

from bot.reports.chart import (
    AGENDA_KEYS,
    AgendaCheckin,
    AgendaRow,
    Column,
    agenda_chart,
    comparison_chart,
    display,
)
from bot.reports.qr import Sheet, qr_png, qr_sheet
from bot.reports.report import ActionLine, Checkpoint, IdeaLine, ReportData, Section, html, markdown
from bot.reports.tables import Table, to_csv, to_xlsx

__all__ = [
    "AGENDA_KEYS",
    "ActionLine",
    "AgendaCheckin",
    "AgendaRow",
    "Checkpoint",
    "Column",
    "IdeaLine",
    "ReportData",
    "Section",
    "Sheet",
    "Table",
    "agenda_chart",
    "comparison_chart",
    "display",
    "html",
    "markdown",
    "qr_png",
    "qr_sheet",
    "to_csv",
    "to_xlsx",
]
