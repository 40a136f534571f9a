"""Updates Telegram posted to the webhook, kept until handled (webhook mode)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.storage.db import Conn, rows
from bot.storage.stamps import iso


def keep(conn: Conn, update: dict[str, Any], now: datetime) -> bool:
    """Journal an update as it came; False when it is already waiting (Telegram posted it again)."""
    cursor = conn.execute(
        "INSERT INTO inbound_update (update_id, body, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (int(update["update_id"]), json.dumps(update, ensure_ascii=False), iso(now)),
    )
    return cursor.rowcount == 1


def waiting(conn: Conn, limit: int) -> list[dict[str, Any]]:
    """The oldest updates not handled yet, in Telegram's order."""
    found = rows(conn, "SELECT body FROM inbound_update ORDER BY update_id LIMIT ?", (limit,))
    return [json.loads(str(r[0])) for r in found]


def done(conn: Conn, update_ids: list[int]) -> None:
    """Forget updates once handled (their dedupe keys remember them)."""
    conn.executemany("DELETE FROM inbound_update WHERE update_id = ?", [(u,) for u in update_ids])
