"""What inspraak produces for people to look at: QR codes now; charts, exports and reports later."""

from bot.reports.chart import Column, comparison_chart, display
from bot.reports.qr import qr_png

__all__ = ["Column", "comparison_chart", "display", "qr_png"]
