"""Spoken versions of a session's question and consent text, one per language (Telegram keeps the audio), each with
a fingerprint of the text that was read."""

from __future__ import annotations

import hashlib

from bot.storage.db import Conn, one, rows


def fingerprint(text: str) -> str:
    """What identifies a text that was read aloud (a recording of another text does not match it)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def of_session(conn: Conn, session_id: int) -> dict[tuple[str, str], str]:
    """Every recording of a session: the fingerprint of the text it reads, by (subject, locale)."""
    found = rows(conn, "SELECT subject, locale, text_hash FROM recording WHERE session_id = ?", (session_id,))
    return {(str(r[0]), str(r[1])): str(r[2]) for r in found}


def find(conn: Conn, session_id: int, subject: str, locale: str) -> tuple[str, str] | None:
    """The recording of one text in one language, if someone made it: its file id and the text's fingerprint."""
    found = one(
        conn,
        "SELECT file_id, text_hash FROM recording WHERE session_id = ? AND subject = ? AND locale = ?",
        (session_id, subject, locale),
    )
    return (str(found[0]), str(found[1])) if found else None


def put(conn: Conn, session_id: int, subject: str, locale: str, file_id: str, text_hash: str) -> None:
    """Keep (or replace) the recording of one text in one language."""
    conn.execute(
        "INSERT INTO recording (session_id, subject, locale, file_id, text_hash) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (session_id, subject, locale) DO UPDATE SET file_id = excluded.file_id, "
        "text_hash = excluded.text_hash",
        (session_id, subject, locale, file_id, text_hash),
    )


def remove(conn: Conn, session_id: int, locale: str) -> int:
    """Take a language's recordings away; how many there were."""
    return conn.execute("DELETE FROM recording WHERE session_id = ? AND locale = ?", (session_id, locale)).rowcount
