"""What inspraak produces for people to look at: QR codes now; charts, exports and reports later."""

from bot.reports.chart import Column, comparison_chart, display, status_grid
from bot.reports.qr import Sheet, qr_png, qr_sheet
from bot.reports.report import ActionLine, Checkpoint, IdeaLine, ReportData, Section, html, markdown
from bot.reports.tables import Table, to_csv, to_xlsx

__all__ = [
    "ActionLine",
    "Checkpoint",
    "Column",
    "IdeaLine",
    "ReportData",
    "Section",
    "Sheet",
    "Table",
    "comparison_chart",
    "display",
    "html",
    "markdown",
    "qr_png",
    "qr_sheet",
    "status_grid",
    "to_csv",
    "to_xlsx",
]
