"""Updates Telegram posted to the webhook, kept until handled (webhook mode), and taken a chat at a time by one of
the bot's processes: one person's updates are handled one after another, in Telegram's order, by whichever process
claims their chat, and by another when that process is gone."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.storage.db import Conn, alive, rows
from bot.storage.stamps import iso

LOCK = 1  # inspraak_lock number for taking updates
WINDOW = 1000  # waiting updates looked at per claim


def chat_of(update: dict[str, Any]) -> int | None:
    """The chat whose updates must stay in order (the person's own, for a button they pressed); None when none."""
    for kind, payload in update.items():
        if kind == "update_id" or not isinstance(payload, dict):
            continue
        inner = payload.get("message")
        message: dict[str, Any] = inner if isinstance(inner, dict) else payload
        for holder in (message.get("chat"), payload.get("from"), payload.get("user")):
            if isinstance(holder, dict) and isinstance(holder.get("id"), int):
                return int(holder["id"])
    return None


def keep(conn: Conn, update: dict[str, Any], now: datetime) -> bool:
    """Journal an update as it came; False when it is already waiting (Telegram posted it again)."""
    cursor = conn.execute(
        "INSERT INTO inbound_update (update_id, body, received_at, chat_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (int(update["update_id"]), json.dumps(update, ensure_ascii=False), iso(now), chat_of(update)),
    )
    return cursor.rowcount == 1


def waiting(conn: Conn, limit: int) -> list[dict[str, Any]]:
    """The oldest updates not handled yet, in Telegram's order."""
    found = rows(conn, "SELECT body FROM inbound_update ORDER BY update_id LIMIT ?", (limit,))
    return [json.loads(str(r[0])) for r in found]


def claim(conn: Conn, worker: int, limit: int) -> list[dict[str, Any]]:
    """Take the waiting updates of chats no other running process is handling, oldest first, at most `limit` (a
    chat's updates in order, never a later one without the earlier); what a process that is gone had taken is
    taken again (what it finished, its dedupe keys remember)."""
    conn.execute("SELECT inspraak_lock(?)", (LOCK,))
    if not alive(conn, worker):
        return []
    found = rows(
        conn,
        "SELECT update_id, COALESCE(chat_id, -update_id), body, "
        "CASE WHEN claimed_by IS NOT NULL AND claimed_by <> ? AND inspraak_alive(claimed_by) THEN 1 ELSE 0 END "
        "FROM inbound_update ORDER BY update_id LIMIT ?",
        (worker, WINDOW),
    )
    busy = {int(r[1]) for r in found if r[3]}
    taken: list[tuple[int, dict[str, Any]]] = []
    for update_id, chat, body, _held in found:
        if int(chat) in busy:
            continue
        if len(taken) == limit:
            busy.add(int(chat))  # its later updates wait for the next claim, behind this one's
            continue
        taken.append((int(update_id), json.loads(str(body))))
    conn.executemany("UPDATE inbound_update SET claimed_by = ? WHERE update_id = ?", [(worker, u) for u, _ in taken])
    return [update for _, update in taken]


def done(conn: Conn, update_ids: list[int]) -> None:
    """Forget updates once handled (their dedupe keys remember them)."""
    conn.executemany("DELETE FROM inbound_update WHERE update_id = ?", [(u,) for u in update_ids])
