"""Sessions: their join codes, groups and languages, and the phase they are in."""

from __future__ import annotations

import json
import secrets
from typing import Any

from bot.domain import GroupDef, Phase, Session, make_join_code
from bot.storage.db import Conn, inserted, one, rows
from bot.storage.stamps import utc_now

_SESSION = (
    "SELECT s.id, s.code, s.title, s.question, s.languages, s.idea_limit, s.phase, s.source_locale, s.voting "
    "FROM session s "
)
# Every way a session is looked up, as whole queries made once when the module loads.
_BY = {
    "id": _SESSION + "WHERE s.id = ?",
    "code": _SESSION + "WHERE s.code = ?",
}
_TAKEN = {
    "session": "SELECT 1 FROM session WHERE code = ?",
    "pool": "SELECT 1 FROM pool WHERE code = ?",
}


def free_code(conn: Conn, table: str) -> str:
    """A fresh join code for a session or a pool."""
    while True:
        code = make_join_code(secrets.token_bytes(4))
        if one(conn, _TAKEN[table], (code,)) is None:
            return code


def create(
    conn: Conn,
    title: str,
    question: str,
    groups: tuple[GroupDef, ...],
    languages: tuple[str, ...],
    idea_limit: int,
    phase: Phase,
    source_locale: str | None,
    voting: str,
) -> Session:
    """A session with a fresh join code and its groups."""
    session_id = inserted(
        conn,
        "INSERT INTO session (code, title, question, languages, idea_limit, phase, source_locale, voting, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            free_code(conn, "session"),
            title,
            question,
            json.dumps(list(languages)),
            idea_limit,
            phase.value,
            source_locale,
            voting,
            utc_now(),
        ),
    )
    conn.executemany(
        "INSERT INTO session_group (session_id, id, name, position) VALUES (?, ?, ?, ?)",
        [(session_id, g.id, g.name, i) for i, g in enumerate(groups)],
    )
    session = by_id(conn, session_id)
    assert session is not None
    return session


def _session(conn: Conn, row: Any) -> Session:
    groups = rows(conn, "SELECT id, name FROM session_group WHERE session_id = ? ORDER BY position", (row[0],))
    return Session(
        id=row[0],
        code=row[1],
        title=row[2],
        question=row[3],
        groups=tuple(GroupDef(g[0], g[1]) for g in groups),
        languages=tuple(json.loads(row[4])),
        idea_limit=row[5],
        phase=Phase(row[6]),
        source_locale=row[7],
        voting=row[8],
    )


def by_id(conn: Conn, session_id: int) -> Session | None:
    """A session by its internal id."""
    row = one(conn, _BY["id"], (session_id,))
    return None if row is None else _session(conn, row)


def by_code(conn: Conn, code: str) -> Session | None:
    """The session a join code belongs to."""
    row = one(conn, _BY["code"], (code,))
    return None if row is None else _session(conn, row)


def set_phase(conn: Conn, session_id: int, phase: Phase) -> None:
    """Move a session to a phase."""
    conn.execute("UPDATE session SET phase = ? WHERE id = ?", (phase.value, session_id))


def introduction(conn: Conn, session_id: int) -> str | None:
    """The coordinator's introduction to the session's report, if they wrote one."""
    row = one(conn, "SELECT introduction FROM session WHERE id = ?", (session_id,))
    return None if row is None or not row[0] else str(row[0])


def set_introduction(conn: Conn, session_id: int, text: str) -> None:
    """Write (or clear, with "") the introduction to the session's report."""
    conn.execute("UPDATE session SET introduction = ? WHERE id = ?", (text.strip() or None, session_id))


def set_idea_limit(conn: Conn, session_id: int, limit: int) -> None:
    """Change how many ideas each participant may give."""
    conn.execute("UPDATE session SET idea_limit = ? WHERE id = ?", (limit, session_id))
