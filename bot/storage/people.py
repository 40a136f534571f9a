"""People who talk to the bot: their row, their language, and whether they can still be reached."""

from __future__ import annotations

import secrets
from datetime import datetime

from bot.domain import Participant, make_pseudonym
from bot.storage.db import Conn, inserted, one
from bot.storage.stamps import iso, utc_now


def by_telegram(conn: Conn, telegram_id: int) -> Participant | None:
    """The participant with this Telegram id, if they have talked to the bot before."""
    row = one(conn, "SELECT id, pseudonym, locale FROM participant WHERE telegram_id = ?", (telegram_id,))
    return None if row is None else Participant(id=row[0], pseudonym=row[1], locale=row[2])


def by_id(conn: Conn, participant_id: int) -> Participant | None:
    """A participant by internal id."""
    row = one(conn, "SELECT id, pseudonym, locale FROM participant WHERE id = ?", (participant_id,))
    return None if row is None else Participant(id=row[0], pseudonym=row[1], locale=row[2])


def ensure(conn: Conn, telegram_id: int) -> Participant:
    """The participant with this Telegram id, created (without a language yet) if new."""
    existing = by_telegram(conn, telegram_id)
    if existing is not None:
        return existing
    now = utc_now()
    participant_id = inserted(
        conn,
        "INSERT INTO participant (telegram_id, pseudonym, locale, created_at, updated_at) VALUES (?, ?, NULL, ?, ?) "
        "RETURNING id",
        (telegram_id, _free_pseudonym(conn), now, now),
    )
    created = by_id(conn, participant_id)
    assert created is not None
    return created


def _free_pseudonym(conn: Conn) -> str:
    while True:
        candidate = make_pseudonym(secrets.token_bytes(4))
        if one(conn, "SELECT 1 FROM participant WHERE pseudonym = ?", (candidate,)) is None:
            return candidate


def set_locale(conn: Conn, participant_id: int, locale: str) -> None:
    """Store the language a person chose."""
    conn.execute("UPDATE participant SET locale = ?, updated_at = ? WHERE id = ?", (locale, utc_now(), participant_id))


def remove_if_unused(conn: Conn, participant_id: int) -> None:
    """Delete a person who is in no session, pool or coordinator role (someone who declined consent)."""
    conn.execute(
        "DELETE FROM participant WHERE id = ? AND NOT EXISTS "
        "(SELECT 1 FROM membership WHERE participant_id = ?) AND NOT EXISTS "
        "(SELECT 1 FROM pool_member WHERE participant_id = ?) AND NOT EXISTS "
        "(SELECT 1 FROM coordinator WHERE participant_id = ?)",
        (participant_id,) * 4,
    )


def returned(conn: Conn, telegram_id: int, now: datetime) -> bool:
    """Someone who had blocked the bot writes to it again: they can be messaged again, and what was still to come
    for them (check-ins, reminders, summaries) comes after all; what fell due while they were away stays stopped."""
    row = one(conn, "SELECT id FROM participant WHERE telegram_id = ? AND stopped_at IS NOT NULL", (telegram_id,))
    if row is None:
        return False
    conn.execute("UPDATE participant SET stopped_at = NULL, updated_at = ? WHERE id = ?", (utc_now(), row[0]))
    conn.execute(
        "UPDATE outbox SET status = 'pending', last_error = NULL, updated_at = ? "
        "WHERE recipient = ? AND status = 'stopped' AND due_at > ?",
        (utc_now(), row[0], iso(now)),
    )
    return True


def stop(conn: Conn, participant_id: int) -> None:
    """The person blocked the bot: never message them again."""
    conn.execute(
        "UPDATE participant SET stopped_at = COALESCE(stopped_at, ?) WHERE id = ?", (utc_now(), participant_id)
    )
