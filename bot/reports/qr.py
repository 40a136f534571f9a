"""QR codes of join links, large enough to project in a room."""

from __future__ import annotations

import io

import segno


def qr_png(link: str, scale: int = 16) -> bytes:
    """A PNG of the link's QR code (error correction M, quiet zone of 4 modules)."""
    buffer = io.BytesIO()
    segno.make(link, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
