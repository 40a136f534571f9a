"""Machine translation's work: what waits for the service, what a session asked for, and where results go."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage.db import Conn, one, rows
from bot.storage.stamps import iso

DEMAND = "demand"
AUTO = "auto"


@dataclass(frozen=True)
class Request:
    """One piece of work for the translation service."""

    kind: str  # 'idea', 'checkin' or 'session'
    ref: int
    period: int
    requested_by: int | None
    attempts: int


@dataclass(frozen=True)
class Passage:
    """A participant's or owner's words to translate, with the languages from and to."""

    text: str
    source: str
    target: str
    part: str  # 'idea', 'note' or 'help'


def mode(conn: Conn, session_id: int) -> str:
    """Whether a session's ideas are machine-translated on demand or as they come."""
    found: Any = one(conn, "SELECT machine_translation FROM session WHERE id = ?", (session_id,))
    return str(found[0]) if found else DEMAND


def set_mode(conn: Conn, session_id: int, chosen: str) -> None:
    """Switch automatic machine translation on or off for a session."""
    conn.execute("UPDATE session SET machine_translation = ? WHERE id = ?", (chosen, session_id))


def request(conn: Conn, kind: str, ref: int, now: datetime, by: int | None = None, period: int = 0) -> bool:
    """Ask for a translation (again); False when the service already said it cannot translate it."""
    conn.execute(
        "INSERT INTO translation_request (kind, ref, period, requested_by, next_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (kind, ref, period) DO UPDATE SET "
        "requested_by = COALESCE(excluded.requested_by, translation_request.requested_by), "
        "next_at = CASE WHEN excluded.next_at < translation_request.next_at THEN excluded.next_at "
        "ELSE translation_request.next_at END",
        (kind, ref, period, by, iso(now)),
    )
    found: Any = one(
        conn,
        "SELECT refused IS NULL FROM translation_request WHERE kind = ? AND ref = ? AND period = ?",
        (kind, ref, period),
    )
    return bool(found and found[0])


def request_automatic(conn: Conn, now: datetime) -> None:
    """Ask for every idea and check-in answer of a session that translates as they come, not yet translated."""
    at = iso(now)
    conn.execute(
        "INSERT INTO translation_request (kind, ref, period, next_at) "
        "SELECT 'idea', i.id, 0, ? FROM idea i JOIN session s ON s.id = i.session_id "
        "WHERE s.machine_translation = 'auto' AND i.translation IS NULL AND COALESCE(i.text, i.transcription) "
        "IS NOT NULL AND i.language IS NOT NULL AND s.source_locale IS NOT NULL AND i.language != s.source_locale "
        "ON CONFLICT (kind, ref, period) DO NOTHING",
        (at,),
    )
    conn.execute(
        "INSERT INTO translation_request (kind, ref, period, next_at) "
        "SELECT 'checkin', c.action_id, c.period, ? FROM checkin c JOIN action a ON a.id = c.action_id "
        "JOIN session s ON s.id = a.session_id JOIN participant p ON p.id = a.owner "
        "WHERE s.machine_translation = 'auto' AND (c.note IS NOT NULL OR c.help IS NOT NULL) "
        "AND c.note_translation IS NULL AND c.help_translation IS NULL AND p.locale IS NOT NULL "
        "AND s.source_locale IS NOT NULL AND p.locale != s.source_locale "
        "ON CONFLICT (kind, ref, period) DO NOTHING",
        (at,),
    )


def due(conn: Conn, now: datetime, limit: int) -> list[Request]:
    """The requests to try now, oldest first."""
    found = rows(
        conn,
        "SELECT kind, ref, period, requested_by, attempts FROM translation_request "
        "WHERE refused IS NULL AND next_at <= ? ORDER BY next_at LIMIT ?",
        (iso(now), limit),
    )
    return [Request(*row) for row in found]


def later(conn: Conn, request: Request, at: datetime) -> None:
    """The service could not answer now: try again at `at`."""
    conn.execute(
        "UPDATE translation_request SET attempts = attempts + 1, next_at = ? WHERE kind = ? AND ref = ? AND period = ?",
        (iso(at), request.kind, request.ref, request.period),
    )


def refuse(conn: Conn, request: Request, reason: str) -> None:
    """The service will never translate this (its language): keep the reason, stop trying."""
    conn.execute(
        "UPDATE translation_request SET refused = ? WHERE kind = ? AND ref = ? AND period = ?",
        (reason, request.kind, request.ref, request.period),
    )


def done(conn: Conn, request: Request) -> None:
    """The work is done (or there is nothing left to do)."""
    conn.execute(
        "DELETE FROM translation_request WHERE kind = ? AND ref = ? AND period = ?",
        (request.kind, request.ref, request.period),
    )


def refused(conn: Conn, kind: str, ref: int, period: int = 0) -> bool:
    """Whether the service said it cannot translate this."""
    found: Any = one(
        conn,
        "SELECT 1 FROM translation_request WHERE kind = ? AND ref = ? AND period = ? AND refused IS NOT NULL",
        (kind, ref, period),
    )
    return found is not None


def waiting(conn: Conn, kind: str, ref: int, period: int = 0) -> bool:
    """Whether a translation is on its way."""
    found: Any = one(
        conn,
        "SELECT 1 FROM translation_request WHERE kind = ? AND ref = ? AND period = ? AND refused IS NULL",
        (kind, ref, period),
    )
    return found is not None


# ---- what to translate, and where the results go -----------------------------------------------------------


def idea_passage(conn: Conn, idea_id: int) -> Passage | None:
    """An idea's words in its language, to translate into the session's; None when there is nothing to do (a
    voice note not yet written down, a person's translation already there, the same language)."""
    found: Any = one(
        conn,
        "SELECT COALESCE(i.text, i.transcription), i.language, s.source_locale FROM idea i "
        "JOIN session s ON s.id = i.session_id WHERE i.id = ? AND (i.translation IS NULL OR "
        "i.translation_machine IS NOT NULL)",
        (idea_id,),
    )
    if found is None or found[0] is None or found[1] is None or found[2] is None or found[1] == found[2]:
        return None
    return Passage(str(found[0]), str(found[1]), str(found[2]), "idea")


def put_idea(conn: Conn, idea_id: int, passage: Passage, text: str, machine: str) -> bool:
    """Keep a machine's translation next to the idea, unless its words changed or a person translated it since."""
    cursor = conn.execute(
        "UPDATE idea SET translation = ?, translation_machine = ?, translation_by = NULL WHERE id = ? "
        "AND COALESCE(text, transcription) = ? AND (translation IS NULL OR translation_machine IS NOT NULL)",
        (text, machine, idea_id, passage.text),
    )
    return cursor.rowcount == 1


def checkin_passages(conn: Conn, action_id: int, period: int) -> list[Passage]:
    """An owner's check-in note and help request, to translate into the session's language."""
    found: Any = one(
        conn,
        "SELECT c.note, c.help, p.locale, s.source_locale FROM checkin c JOIN action a ON a.id = c.action_id "
        "JOIN session s ON s.id = a.session_id JOIN participant p ON p.id = a.owner "
        "WHERE c.action_id = ? AND c.period = ?",
        (action_id, period),
    )
    if found is None or found[2] is None or found[3] is None or found[2] == found[3]:
        return []
    note, help_, source, target = found
    return [
        Passage(str(text), str(source), str(target), part) for part, text in (("note", note), ("help", help_)) if text
    ]


def put_checkin(conn: Conn, action_id: int, period: int, translated: dict[str, str], machine: str) -> None:
    """Keep a machine's translation of a check-in's answers next to them."""
    conn.execute(
        "UPDATE checkin SET note_translation = COALESCE(?, note_translation), "
        "help_translation = COALESCE(?, help_translation), translation_machine = ? WHERE action_id = ? AND period = ?",
        (translated.get("note"), translated.get("help"), machine, action_id, period),
    )


def put_content(conn: Conn, session_id: int, subject: str, locale: str, text: str, machine: str) -> None:
    """A machine's draft of a session text, kept only where no person has translated it."""
    conn.execute(
        "INSERT INTO content_translation (session_id, subject, locale, text, machine) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (session_id, subject, locale) DO NOTHING",
        (session_id, subject, locale, text, machine),
    )
