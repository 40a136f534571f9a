"""The outbox: every message a step wants to send, and every scheduled job, as rows written in the step's own
transaction; claimed chat by chat, each chat's rows in the order they were written, each sent once."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain import Purpose
from bot.domain.outbox import LAST, STALE_AFTER
from bot.storage.db import Conn, alive, one, rows
from bot.storage.stamps import iso, iso_ms, utc_now

MESSAGES = (Purpose.REPLY.value, Purpose.NOTICE.value)  # journaled messages: never skipped as too old


@dataclass(frozen=True)
class OutboxRow:
    """One row to deliver or run: what for, to whom (participant id and chat), and its details."""

    id: int
    purpose: str
    recipient: int | None
    chat: int | None  # the chat it goes to: its own chat_id, else the recipient's Telegram id
    locale: str | None  # the recipient's language
    period: str
    due_at: str
    attempts: int
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class Letter:
    """A row to put in the outbox."""

    purpose: str
    recipient: int | None
    period: str
    due_at: datetime
    payload: Mapping[str, Any]
    collapse_key: str | None = None
    chat_id: int | None = None


_INSERT = (
    "INSERT INTO outbox (purpose, recipient, chat_id, period, due_at, collapse_key, payload, status, "
    "attempts, updated_at, claimed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)


def _chat_lock(chat: int) -> int:
    """The inspraak_lock number for claiming one chat's rows (2 and up: 1 is for taking updates); two chats may
    share one, which only makes them wait for each other."""
    return 2 + chat % (2**31 - 3)


_CLAIMED = _INSERT + " RETURNING id"

_OF_CHAT = (
    "SELECT o.id, o.purpose, o.recipient, COALESCE(o.chat_id, p.telegram_id), p.locale, o.period, o.due_at, "
    "o.attempts, o.payload, o.not_before, o.status FROM outbox o LEFT JOIN participant p ON p.id = o.recipient "
    "WHERE o.status IN ('pending', 'sending') AND o.due_at <= ? AND (o.chat_id = ? OR (o.chat_id IS NULL AND "
    "o.recipient = (SELECT id FROM participant WHERE telegram_id = ?))) ORDER BY o.id LIMIT ?"
)


def _row(found: Any) -> OutboxRow:
    return OutboxRow(
        found[0], found[1], found[2], found[3], found[4], found[5], found[6], found[7], json.loads(found[8])
    )


def enqueue(conn: Conn, letters: Iterable[Letter]) -> int:
    """Add rows inside the caller's transaction; one already there for its (purpose, recipient, period) stays."""
    now = utc_now()
    cursor = conn.executemany(_INSERT, [_values(m, "pending", now) for m in letters])
    return cursor.rowcount


def _values(letter: Letter, status: str, now: str, worker: int | None = None) -> tuple[object, ...]:
    return (
        letter.purpose,
        letter.recipient,
        letter.chat_id,
        letter.period,
        iso(letter.due_at),
        letter.collapse_key,
        json.dumps(dict(letter.payload), ensure_ascii=False),
        status,
        1 if status == "sending" else 0,
        now,
        worker,
    )


def journal(conn: Conn, chat: int, recipient: int | None, letters: list[Letter], worker: int) -> list[OutboxRow]:
    """Write a step's messages to one chat. When nothing older for that chat is still unsent, they are written
    already claimed (by this process's worker) and returned, to be delivered at once; otherwise they wait their
    turn (an empty list)."""
    if not letters:
        return []
    conn.execute("SELECT inspraak_lock(?)", (_chat_lock(chat),))
    waiting = not alive(conn, worker) or one(
        conn,
        "SELECT 1 FROM outbox WHERE status IN ('pending', 'sending') AND due_at <= ? AND "
        "(chat_id = ? OR (chat_id IS NULL AND recipient = ?)) LIMIT 1",
        (iso(letters[0].due_at), chat, recipient),
    )
    now = utc_now()
    if waiting:
        # The person just wrote, so Telegram is reachable: what waits for a retry may go now.
        conn.execute(
            "UPDATE outbox SET not_before = NULL WHERE status = 'pending' AND not_before IS NOT NULL AND "
            "(chat_id = ? OR (chat_id IS NULL AND recipient = ?))",
            (chat, recipient),
        )
        conn.executemany(_INSERT, [_values(m, "pending", now) for m in letters])
        return []
    made = []  # a letter already journaled (the same purpose, person and period) is not delivered twice
    for letter in letters:
        found = one(conn, _CLAIMED, _values(letter, "sending", now, worker))
        if found is not None:
            made.append((int(found[0]), letter))
    locale = one(conn, "SELECT locale FROM participant WHERE id = ?", (recipient,)) if recipient else None
    return [
        OutboxRow(
            row_id, m.purpose, recipient, chat, locale[0] if locale else None, m.period, iso(m.due_at), 1, m.payload
        )
        for row_id, m in made
    ]


def cancel(conn: Conn, collapse_key: str) -> int:
    """Cancel the pending rows that belong together (e.g. an action's check-ins when it is done)."""
    cursor = conn.execute(
        "UPDATE outbox SET status = 'cancelled', updated_at = ? WHERE collapse_key = ? AND status = 'pending'",
        (utc_now(), collapse_key),
    )
    return cursor.rowcount


def forget_recipient(conn: Conn, participant_id: int) -> None:
    """Nothing more goes to someone who was forgotten, and nothing of what waited for them is kept."""
    conn.execute("DELETE FROM outbox WHERE recipient = ? AND status IN ('pending', 'sending')", (participant_id,))
    conn.execute("UPDATE outbox SET payload = '{}' WHERE recipient = ?", (participant_id,))


def tidy(conn: Conn, now: datetime, window: timedelta) -> None:
    """The catch-up policy, applied to due rows before they are claimed.

    - Rows for people who blocked the bot or were forgotten stop (a reply to a chat still goes there).
    - Proactive rows due longer ago than `window` (or their purpose's own STALE_AFTER) are skipped: news that old
      helps nobody. Journaled replies and notices are never skipped: what a person was to be told still reaches them.
    - Of several due rows with one collapse key (missed check-ins of one action) only the latest is sent.
    """
    stamp = iso(now)
    conn.execute(
        "UPDATE outbox SET status = 'stopped', last_error = 'blocked', updated_at = ? "
        "WHERE status = 'pending' AND due_at <= ? AND chat_id IS NULL AND EXISTS (SELECT 1 FROM participant p "
        "WHERE p.id = outbox.recipient AND (p.stopped_at IS NOT NULL OR p.telegram_id IS NULL))",
        (stamp, stamp),
    )
    conn.executemany(
        "UPDATE outbox SET status = 'skipped', last_error = 'too old', updated_at = ? "
        "WHERE status = 'pending' AND purpose = ? AND due_at < ?",
        [
            (stamp, purpose.value, iso(now - STALE_AFTER.get(purpose, window)))
            for purpose in Purpose
            if purpose.value not in MESSAGES
        ],
    )
    conn.execute(
        "UPDATE outbox SET status = 'skipped', last_error = 'collapsed', updated_at = ? "
        "WHERE status = 'pending' AND due_at <= ? AND collapse_key IS NOT NULL AND EXISTS ("
        "SELECT 1 FROM outbox later WHERE later.collapse_key = outbox.collapse_key "
        "AND later.purpose = outbox.purpose AND later.status = 'pending' "
        "AND later.due_at <= ? AND later.due_at > outbox.due_at)",
        (stamp, stamp, stamp),
    )


def due_chats(conn: Conn, now: datetime, limit: int) -> list[int]:
    """Chats whose next row is due now, the longest waiting first (a chat whose next row waits for a retry is
    not: its later rows may not overtake it; a report waiting for its tally holds up nothing)."""
    stamp = iso_ms(now)
    found = rows(
        conn,
        "SELECT chat FROM (SELECT COALESCE(o.chat_id, p.telegram_id) AS chat, o.id, o.not_before, "
        "ROW_NUMBER() OVER (PARTITION BY COALESCE(o.chat_id, p.telegram_id) ORDER BY o.id) AS place "
        "FROM outbox o LEFT JOIN participant p ON p.id = o.recipient WHERE o.status = 'pending' AND o.due_at <= ? "
        "AND NOT (o.purpose IN (SELECT value FROM json_each(?)) AND o.not_before > ?)) AS due "
        "WHERE place = 1 AND chat IS NOT NULL AND (not_before IS NULL OR not_before <= ?) ORDER BY id LIMIT ?",
        (stamp, json.dumps(sorted(LAST)), stamp, stamp, limit),
    )
    return [int(r[0]) for r in found]


def claim_chat(conn: Conn, chat: int, now: datetime, limit: int, worker: int) -> list[OutboxRow]:
    """Take one chat's due rows for this process's worker, oldest first, stopping at the first that must wait (a
    retry) or is being sent already (by any process): a person's messages never overtake one another. The SELECT
    sees those on purpose."""
    conn.execute("SELECT inspraak_lock(?)", (_chat_lock(chat),))
    if not alive(conn, worker):
        return []
    stamp = iso_ms(now)
    found = rows(conn, _OF_CHAT, (stamp, chat, chat, limit))
    ready = []
    for row in found:
        if row[10] == "sending":  # in hand (a step's own rows, handed over): later ones wait behind them
            break
        if row[9] is not None and row[9] > stamp:
            if row[1] in LAST:  # a report waiting for its tally holds up nothing else
                continue
            break
        ready.append(_row(row))
    if ready:
        conn.executemany(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ?, claimed_by = ? "
            "WHERE id = ?",
            [(stamp, worker, row.id) for row in ready],
        )
    return [replace(r, attempts=r.attempts + 1) for r in ready]


def recover(conn: Conn, worker: int) -> int:
    """Rows a process was sending when it crashed or was killed go back to pending (they may be sent once more,
    never lost); rows other running processes are sending stay theirs."""
    cursor = conn.execute(
        "UPDATE outbox SET status = 'pending', attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, "
        "updated_at = ?, claimed_by = NULL "
        "WHERE status = 'sending' AND (claimed_by IS NULL OR (claimed_by <> ? AND NOT inspraak_alive(claimed_by)))",
        (utc_now(), worker),
    )
    return cursor.rowcount


def release(conn: Conn, row_ids: list[int]) -> None:
    """Claimed rows that were never tried go back to pending, with no attempt counted."""
    conn.executemany(
        "UPDATE outbox SET status = 'pending', attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, "
        "updated_at = ? "
        "WHERE id = ? AND status = 'sending'",
        [(utc_now(), row_id) for row_id in row_ids],
    )


def settle(conn: Conn, outcomes: list[tuple[int, str, str | None]]) -> None:
    """Record how sends ended (sent, skipped, failed). A journaled message is deleted once settled: what it
    said may be personal, and it is never needed again."""
    now = utc_now()
    conn.executemany(
        "DELETE FROM outbox WHERE id = ? AND purpose IN (?, ?)", [(row_id, *MESSAGES) for row_id, _, _ in outcomes]
    )
    conn.executemany(
        "UPDATE outbox SET status = ?, last_error = ?, updated_at = ? WHERE id = ?",
        [(status, error, now, row_id) for row_id, status, error in outcomes],
    )


def retry(conn: Conn, row_id: int, at: datetime, error: str, count: bool = True) -> None:
    """Try again later; a rate-limit pause does not count as an attempt."""
    conn.execute(
        "UPDATE outbox SET status = 'pending', not_before = ?, last_error = ?, updated_at = ?, "
        "attempts = attempts - ? WHERE id = ?",
        (iso_ms(at), error, utc_now(), 0 if count else 1, row_id),
    )


def stop_recipient(conn: Conn, row_id: int, recipient: int | None) -> None:
    """The person blocked the bot: this row and everything still pending for them stop, and so do they."""
    now = utc_now()
    conn.execute(
        "UPDATE outbox SET status = 'stopped', last_error = 'blocked', updated_at = ? "
        "WHERE id = ? OR (recipient = ? AND status = 'pending')",
        (now, row_id, recipient),
    )
    conn.execute(
        "DELETE FROM outbox WHERE status = 'stopped' AND purpose IN (?, ?) AND (id = ? OR recipient = ?)",
        (*MESSAGES, row_id, recipient),
    )
    if recipient is not None:
        conn.execute("UPDATE participant SET stopped_at = COALESCE(stopped_at, ?) WHERE id = ?", (now, recipient))


def tally(conn: Conn, purpose: str, period: str) -> dict[str, int]:
    """How the rows of one mass message stand (e.g. a broadcast), by status."""
    found = rows(
        conn,
        "SELECT status, COUNT(*) FROM outbox WHERE purpose = ? AND period = ? GROUP BY status",
        (purpose, period),
    )
    return {str(r[0]): int(r[1]) for r in found}


def counts(conn: Conn) -> dict[str, int]:
    """How many rows are in each status (for tests, benchmarks and operators)."""
    return {str(r[0]): int(r[1]) for r in rows(conn, "SELECT status, COUNT(*) FROM outbox GROUP BY status")}


def unsettled_now(conn: Conn, now: datetime | None = None) -> int:
    """Rows due by now (the real time unless given) and not yet settled, pending or mid-send, leaving out those
    waiting for a retry: what the sender still has to do at once."""
    moment = now or datetime.now(UTC)
    row = one(
        conn,
        "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending') AND due_at <= ? "
        "AND (not_before IS NULL OR not_before <= ?)",
        (iso(moment), iso_ms(moment)),
    )
    return int(row[0]) if row else 0
