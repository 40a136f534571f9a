"""Moments as the database stores them: UTC, ISO 8601."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    """Now, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def iso(moment: datetime) -> str:
    """A moment to the second (how due times are compared)."""
    return moment.isoformat(timespec="seconds")


def iso_ms(moment: datetime) -> str:
    """A moment to the millisecond (a retry half a second from now). It compares rightly with `iso` stamps."""
    return moment.isoformat(timespec="milliseconds")
