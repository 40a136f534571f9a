"""Spoken versions of a session's question and consent text, one per language (Telegram keeps the audio)."""

from __future__ import annotations

from bot.storage.db import Conn, one, rows

SUBJECTS = ("question", "consent")


def of_session(conn: Conn, session_id: int) -> dict[tuple[str, str], str]:
    """Every recording of a session, its Telegram file id by (subject, locale)."""
    found = rows(conn, "SELECT subject, locale, file_id FROM recording WHERE session_id = ?", (session_id,))
    return {(str(r[0]), str(r[1])): str(r[2]) for r in found}


def find(conn: Conn, session_id: int, subject: str, locale: str) -> str | None:
    """The recording of one text in one language, if someone made it."""
    found = one(
        conn,
        "SELECT file_id FROM recording WHERE session_id = ? AND subject = ? AND locale = ?",
        (session_id, subject, locale),
    )
    return str(found[0]) if found else None


def put(conn: Conn, session_id: int, subject: str, locale: str, file_id: str, duration: int) -> None:
    """Keep (or replace) the recording of one text in one language."""
    conn.execute(
        "INSERT INTO recording (session_id, subject, locale, file_id, duration) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (session_id, subject, locale) DO UPDATE SET file_id = excluded.file_id, "
        "duration = excluded.duration",
        (session_id, subject, locale, file_id, duration),
    )


def remove(conn: Conn, session_id: int, locale: str) -> int:
    """Take a language's recordings away; how many there were."""
    return conn.execute("DELETE FROM recording WHERE session_id = ? AND locale = ?", (session_id, locale)).rowcount
