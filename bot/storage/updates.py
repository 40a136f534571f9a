"""Updates already handled (each is handled once, even when Telegram delivers it again), and updates set aside."""

from __future__ import annotations

import hashlib
from datetime import datetime

from bot.storage.db import Conn, one, rows
from bot.storage.stamps import iso, utc_now


def claim(conn: Conn, key: str) -> bool:
    """Record an update as handled in the caller's transaction; False if it was handled before."""
    cursor = conn.execute(
        "INSERT INTO processed_update (key, processed_at) VALUES (?, ?) ON CONFLICT DO NOTHING", (key, utc_now())
    )
    return cursor.rowcount == 1


def handled(conn: Conn, key: str) -> bool:
    """Whether an update was handled before."""
    return one(conn, "SELECT 1 FROM processed_update WHERE key = ?", (key,)) is not None


def set_aside(conn: Conn, update_id: int, key: str, kinds: str, reason: str) -> None:
    """Keep the id of an update that cannot be handled, and why (never its content); once, however often it came."""
    conn.execute(
        "INSERT INTO set_aside (update_id, key, kinds, reason, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (update_id, key, kinds, reason, utc_now()),
    )


def set_aside_ids(conn: Conn) -> list[int]:
    """The ids of the updates set aside, oldest first (for operators and tests)."""
    return [int(r[0]) for r in rows(conn, "SELECT update_id FROM set_aside ORDER BY at, update_id")]


def prune(conn: Conn, before: datetime) -> None:
    """Forget handled keys older than Telegram ever redelivers (it keeps updates for 24 hours)."""
    conn.execute("DELETE FROM processed_update WHERE processed_at < ?", (iso(before),))


def update_key(raw: str, secret: bytes = b"") -> str:
    """The stored form of an update's dedupe key: hashed, keyed with the installation's secret, so it holds no
    Telegram id and none can be found from it by trying ids."""
    return hashlib.blake2b(raw.encode("utf-8"), key=secret[:64], digest_size=16).hexdigest()
