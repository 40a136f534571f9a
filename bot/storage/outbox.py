"""The outbox: proactive messages as rows, claimed in transactions, each sent once."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.storage.db import Database
from bot.storage.rows import fetch_rows, utc_now

# What a row is for; the delivery port knows how to say each.
CHECKIN = "checkin"
REMINDER = "reminder"
ESCALATION = "escalation"
STUCK = "stuck"
UPDATE = "update"
SUMMARY = "summary"
DIGEST = "digest"
VOTE_OPEN = "vote_open"
RESULTS = "results"
BROADCAST = "broadcast"
BROADCAST_REPORT = "broadcast_report"
POOL_INVITE = "pool_invite"


@dataclass(frozen=True)
class OutboxRow:
    """One message to send: what for, to whom (participant id and Telegram id), and its details."""

    id: int
    purpose: str
    recipient: int
    telegram_id: int | None
    locale: str | None
    period: str
    due_at: str
    attempts: int
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class Letter:
    """A message to put in the outbox."""

    purpose: str
    recipient: int
    period: str
    due_at: datetime
    payload: Mapping[str, Any]
    collapse_key: str | None = None


async def enqueue(conn: aiosqlite.Connection, letters: list[Letter]) -> int:
    """Add messages inside the caller's transaction; one already there for its (purpose, recipient, period) stays."""
    now = utc_now()
    cursor = await conn.executemany(
        "INSERT OR IGNORE INTO outbox (purpose, recipient, period, due_at, collapse_key, payload, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (m.purpose, m.recipient, m.period, _iso(m.due_at), m.collapse_key, json.dumps(dict(m.payload)), now)
            for m in letters
        ],
    )
    return cursor.rowcount


async def cancel(conn: aiosqlite.Connection, collapse_key: str) -> int:
    """Cancel the pending messages that belong together (e.g. an action's check-ins when it is done)."""
    cursor = await conn.execute(
        "UPDATE outbox SET status = 'cancelled', updated_at = ? WHERE collapse_key = ? AND status = 'pending'",
        (utc_now(), collapse_key),
    )
    return cursor.rowcount


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


async def _tidy(conn: aiosqlite.Connection, stamp: str, oldest: str) -> None:
    """Stop, skip and collapse due rows as the catch-up policy says (see `OutboxStore.claim`)."""
    await conn.execute(
        "UPDATE outbox SET status = 'stopped', last_error = 'blocked', updated_at = ? "
        "WHERE status = 'pending' AND due_at <= ? AND EXISTS (SELECT 1 FROM participant p "
        "WHERE p.id = outbox.recipient AND (p.stopped_at IS NOT NULL OR p.telegram_id IS NULL))",
        (stamp, stamp),
    )
    await conn.execute(
        "UPDATE outbox SET status = 'skipped', last_error = 'too old', updated_at = ? "
        "WHERE status = 'pending' AND due_at < ?",
        (stamp, oldest),
    )
    await conn.execute(
        "UPDATE outbox SET status = 'skipped', last_error = 'collapsed', updated_at = ? "
        "WHERE status = 'pending' AND due_at <= ? AND collapse_key IS NOT NULL AND EXISTS ("
        "SELECT 1 FROM outbox later WHERE later.collapse_key = outbox.collapse_key "
        "AND later.purpose = outbox.purpose AND later.status = 'pending' "
        "AND later.due_at <= ? AND later.due_at > outbox.due_at)",
        (stamp, stamp, stamp),
    )


class OutboxStore:
    """Claiming and settling outbox rows."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, letters: list[Letter]) -> int:
        """Add messages in a transaction of their own."""
        async with self.db.transaction() as conn:
            return await enqueue(conn, letters)

    async def recover(self) -> int:
        """After a crash, rows caught mid-send go back to pending (they may be sent once more, never lost)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE outbox SET status = 'pending', attempts = MAX(0, attempts - 1), updated_at = ? "
                "WHERE status = 'sending'",
                (utc_now(),),
            )
            return cursor.rowcount

    async def claim(self, now: datetime, limit: int, window: timedelta, tidy: bool = True) -> list[OutboxRow]:
        """Take due rows to send, after applying the catch-up policy, in one transaction.

        - Rows for people who blocked the bot or were forgotten stop.
        - Rows due longer ago than `window` are skipped: news that old helps nobody.
        - Of several due rows with one collapse key (missed check-ins of one action) only the latest is sent.

        That tidying reads every due row; `tidy=False` leaves it out for the next batches of one delivery round.
        """
        stamp, oldest = _iso(now), _iso(now - window)
        async with self.db.transaction() as conn:
            if tidy:
                await _tidy(conn, stamp, oldest)
            found = await fetch_rows(
                conn,
                "SELECT o.id, o.purpose, o.recipient, p.telegram_id, p.locale, o.period, o.due_at, o.attempts, "
                "o.payload "
                "FROM outbox o JOIN participant p ON p.id = o.recipient "
                "WHERE o.status = 'pending' AND o.due_at <= ? AND (o.not_before IS NULL OR o.not_before <= ?) "
                "ORDER BY o.due_at, o.id LIMIT ?",
                (stamp, stamp, limit),
            )
            rows = [OutboxRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], json.loads(r[8])) for r in found]
            if rows:
                await conn.executemany(
                    "UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ?",
                    [(stamp, row.id) for row in rows],
                )
        return rows

    async def release(self, row_ids: list[int]) -> None:
        """Claimed rows that were never tried go back to pending, with no attempt counted."""
        async with self.db.transaction() as conn:
            await conn.executemany(
                "UPDATE outbox SET status = 'pending', attempts = MAX(0, attempts - 1), updated_at = ? "
                "WHERE id = ? AND status = 'sending'",
                [(utc_now(), row_id) for row_id in row_ids],
            )

    async def settle(self, row_id: int, status: str, error: str | None = None) -> None:
        """Record how a send ended: sent, skipped (nothing to say any more) or failed."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET status = ?, last_error = ?, updated_at = ? WHERE id = ?",
                (status, error, utc_now(), row_id),
            )

    async def retry(self, row_id: int, at: datetime, error: str, count: bool = True) -> None:
        """Try again later; a rate-limit pause does not count as an attempt."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET status = 'pending', not_before = ?, last_error = ?, updated_at = ?, "
                "attempts = attempts - ? WHERE id = ?",
                (_iso(at), error, utc_now(), 0 if count else 1, row_id),
            )

    async def stop_recipient(self, row_id: int, recipient: int) -> None:
        """The person blocked the bot: this row and everything still pending for them stop, and so do they."""
        async with self.db.transaction() as conn:
            now = utc_now()
            await conn.execute(
                "UPDATE outbox SET status = 'stopped', last_error = 'blocked', updated_at = ? "
                "WHERE id = ? OR (recipient = ? AND status = 'pending')",
                (now, row_id, recipient),
            )
            await conn.execute(
                "UPDATE participant SET stopped_at = COALESCE(stopped_at, ?) WHERE id = ?", (now, recipient)
            )

    async def tally(self, purpose: str, period: str) -> dict[str, int]:
        """How the rows of one mass message stand (e.g. a broadcast), by status."""
        async with self.db.reading() as conn:
            rows = await fetch_rows(
                conn,
                "SELECT status, COUNT(*) FROM outbox WHERE purpose = ? AND period = ? GROUP BY status",
                (purpose, period),
            )
        return {str(r[0]): int(r[1]) for r in rows}

    async def counts(self) -> dict[str, int]:
        """How many rows are in each status (for tests, benchmarks and operators)."""
        async with self.db.reading() as conn:
            rows = await fetch_rows(conn, "SELECT status, COUNT(*) FROM outbox GROUP BY status", ())
        return {str(r[0]): int(r[1]) for r in rows}
