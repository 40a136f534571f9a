"""Translations of what coordinators wrote (title, question, group and theme names), per language."""

from __future__ import annotations

from bot.storage.db import Conn, rows


def of_session(conn: Conn, session_id: int) -> dict[tuple[str, str], str]:
    """Every translation of a session's own texts, by (subject, locale)."""
    found = rows(conn, "SELECT subject, locale, text FROM content_translation WHERE session_id = ?", (session_id,))
    return {(str(r[0]), str(r[1])): str(r[2]) for r in found}


def put(conn: Conn, session_id: int, subject: str, locale: str, text: str) -> None:
    """Store (or replace) one translation a person wrote or confirmed: no longer a machine's draft."""
    conn.execute(
        "INSERT INTO content_translation (session_id, subject, locale, text) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (session_id, subject, locale) DO UPDATE SET text = excluded.text, machine = NULL",
        (session_id, subject, locale, text),
    )


def machine_made(conn: Conn, session_id: int) -> dict[tuple[str, str], str]:
    """The translations of a session's texts a machine drafted and no person has confirmed yet, with the service."""
    found = rows(
        conn,
        "SELECT subject, locale, machine FROM content_translation WHERE session_id = ? AND machine IS NOT NULL",
        (session_id,),
    )
    return {(str(r[0]), str(r[1])): str(r[2]) for r in found}
