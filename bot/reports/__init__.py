"""What inspraak produces for people to look at: QR codes now; charts, exports and reports later."""

from bot.reports.qr import qr_png

__all__ = ["qr_png"]
