"""Themes ideas are sorted into."""

from __future__ import annotations

from bot.domain import Theme
from bot.storage.db import Conn, inserted, rows
from bot.storage.stamps import utc_now


def of_session(conn: Conn, session_id: int) -> list[Theme]:
    """A session's themes, in order."""
    found = rows(
        conn, "SELECT id, name, emoji, position FROM theme WHERE session_id = ? ORDER BY position, id", (session_id,)
    )
    return [Theme(int(r[0]), str(r[1]), r[2], int(r[3])) for r in found]


def add(conn: Conn, session_id: int, name: str, emoji: str | None) -> Theme:
    """A new theme at the end of the list."""
    theme_id = inserted(
        conn,
        "INSERT INTO theme (session_id, name, emoji, position, created_at) VALUES "
        "(?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM theme WHERE session_id = ?), ?) RETURNING id",
        (session_id, name, emoji, session_id, utc_now()),
    )
    return next(t for t in of_session(conn, session_id) if t.id == theme_id)


def rename(conn: Conn, session_id: int, theme_id: int, name: str, emoji: str | None = None) -> bool:
    """Rename a theme of this session, with a new emoji if one is given; its translations go (they no longer match)."""
    cursor = conn.execute(
        "UPDATE theme SET name = ?, emoji = COALESCE(?, emoji) WHERE id = ? AND session_id = ?",
        (name, emoji, theme_id, session_id),
    )
    conn.execute(
        "DELETE FROM content_translation WHERE session_id = ? AND subject = ?", (session_id, f"theme:{theme_id}")
    )
    return cursor.rowcount == 1


def remove(conn: Conn, session_id: int, theme_id: int) -> bool:
    """Remove a theme; its ideas become unsorted again (never deleted)."""
    cursor = conn.execute("DELETE FROM theme WHERE id = ? AND session_id = ?", (theme_id, session_id))
    conn.execute(
        "DELETE FROM content_translation WHERE session_id = ? AND subject = ?", (session_id, f"theme:{theme_id}")
    )
    return cursor.rowcount == 1
