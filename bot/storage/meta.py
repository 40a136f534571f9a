"""Small facts about the running bot, e.g. its username for join links."""

from __future__ import annotations

from bot.storage.db import Conn, one


def put(conn: Conn, key: str, value: str) -> None:
    """Remember a fact."""
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def get(conn: Conn, key: str) -> str | None:
    """A remembered fact, if any."""
    row = one(conn, "SELECT value FROM meta WHERE key = ?", (key,))
    return None if row is None else str(row[0])
