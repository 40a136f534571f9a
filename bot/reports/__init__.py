"""What inspraak produces for people to look at: QR codes now; charts, exports and reports later."""

from bot.reports.chart import Column, comparison_chart, display, status_grid
from bot.reports.qr import qr_png
from bot.reports.report import ActionLine, IdeaLine, ReportData, Section, html, markdown
from bot.reports.tables import Table, to_csv, to_xlsx

__all__ = [
    "ActionLine",
    "Column",
    "IdeaLine",
    "ReportData",
    "Section",
    "Table",
    "comparison_chart",
    "display",
    "html",
    "markdown",
    "qr_png",
    "status_grid",
    "to_csv",
    "to_xlsx",
]
