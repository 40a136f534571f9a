"""Row-level helpers shared by the stores: each works inside a transaction the caller holds."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot.domain import GroupDef, Membership, Participant, Phase, Session, make_join_code, make_pseudonym


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


async def fetch_rows(conn: aiosqlite.Connection, sql: str, args: tuple[object, ...]) -> list[Any]:
    """Every row a query returns."""
    return list(await conn.execute_fetchall(sql, args))


async def fetch_one(conn: aiosqlite.Connection, sql: str, args: tuple[object, ...]) -> Any | None:
    """The first row a query returns, or None."""
    return next(iter(await conn.execute_fetchall(sql, args)), None)


async def claim_update(conn: aiosqlite.Connection, key: str) -> bool:
    cursor = await conn.execute(
        "INSERT OR IGNORE INTO processed_update (key, processed_at) VALUES (?, ?)", (key, utc_now())
    )
    return cursor.rowcount == 1


async def participant_by_telegram(conn: aiosqlite.Connection, telegram_id: int) -> Participant | None:
    row = await fetch_one(conn, "SELECT id, pseudonym, locale FROM participant WHERE telegram_id = ?", (telegram_id,))
    return None if row is None else Participant(id=row[0], pseudonym=row[1], locale=row[2])


async def ensure_participant(conn: aiosqlite.Connection, telegram_id: int) -> Participant:
    """The participant with this Telegram id, created (without a language yet) if new."""
    existing = await participant_by_telegram(conn, telegram_id)
    if existing is not None:
        return existing
    now = utc_now()
    await conn.execute(
        "INSERT INTO participant (telegram_id, pseudonym, locale, created_at, updated_at) VALUES (?, ?, NULL, ?, ?)",
        (telegram_id, await free_pseudonym(conn), now, now),
    )
    created = await participant_by_telegram(conn, telegram_id)
    assert created is not None
    return created


async def free_pseudonym(conn: aiosqlite.Connection) -> str:
    while True:
        candidate = make_pseudonym(secrets.token_bytes(4))
        if await fetch_one(conn, "SELECT 1 FROM participant WHERE pseudonym = ?", (candidate,)) is None:
            return candidate


_CODE_TAKEN = {
    "session": "SELECT 1 FROM session WHERE code = ?",
    "pool": "SELECT 1 FROM pool WHERE code = ?",
}


async def free_code(conn: aiosqlite.Connection, table: str) -> str:
    """A fresh join code for a session or a pool."""
    while True:
        code = make_join_code(secrets.token_bytes(4))
        if await fetch_one(conn, _CODE_TAKEN[table], (code,)) is None:
            return code


async def insert_session(
    conn: aiosqlite.Connection,
    title: str,
    question: str,
    groups: tuple[GroupDef, ...],
    languages: tuple[str, ...],
    idea_limit: int,
    phase: Phase,
    source_locale: str | None,
    voting: str,
) -> int:
    """Insert a session with a fresh join code and its groups; returns its id."""
    code = await free_code(conn, "session")
    cursor = await conn.execute(
        "INSERT INTO session (code, title, question, languages, idea_limit, phase, source_locale, voting, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (code, title, question, json.dumps(list(languages)), idea_limit, phase.value, source_locale, voting, utc_now()),
    )
    session_id = cursor.lastrowid
    assert session_id is not None
    await conn.executemany(
        "INSERT INTO session_group (session_id, id, name, position) VALUES (?, ?, ?, ?)",
        [(session_id, g.id, g.name, i) for i, g in enumerate(groups)],
    )
    return session_id


async def load_session(conn: aiosqlite.Connection, column: str, value: object) -> Session | None:
    query = {
        "id": "SELECT id, code, title, question, languages, idea_limit, phase, source_locale, voting "
        "FROM session WHERE id = ?",
        "code": "SELECT id, code, title, question, languages, idea_limit, phase, source_locale, voting "
        "FROM session WHERE code = ?",
    }[column]
    row = await fetch_one(conn, query, (value,))
    if row is None:
        return None
    group_rows = await fetch_rows(
        conn, "SELECT id, name FROM session_group WHERE session_id = ? ORDER BY position", (row[0],)
    )
    groups = tuple(GroupDef(g[0], g[1]) for g in group_rows)
    return Session(
        id=row[0],
        code=row[1],
        title=row[2],
        question=row[3],
        groups=groups,
        languages=tuple(json.loads(row[4])),
        idea_limit=row[5],
        phase=Phase(row[6]),
        source_locale=row[7],
        voting=row[8],
    )


async def enter_session(
    conn: aiosqlite.Connection,
    participant_id: int,
    session: Session,
    flow_state: Mapping[str, Any],
    pseudonym: str,
    group_id: str | None = None,
) -> tuple[Membership, bool]:
    """Join a session or come back to it, and make it the one the person talks about (True when new)."""
    now = utc_now()
    # Opening a session's link leaves an unfinished pool join: what was consented to stays, the rest goes.
    await conn.execute("DELETE FROM pool_member WHERE participant_id = ? AND consent_at IS NULL", (participant_id,))
    await conn.execute(
        "UPDATE pool_member SET flow_state = NULL WHERE participant_id = ? AND flow_state IS NOT NULL",
        (participant_id,),
    )
    inserted = await conn.execute(
        "INSERT OR IGNORE INTO membership (session_id, participant_id, pseudonym, group_id, flow_state, joined_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (session.id, participant_id, pseudonym, group_id, json.dumps(dict(flow_state)), now, now),
    )
    await conn.execute(
        "UPDATE participant SET active_membership = "
        "(SELECT id FROM membership WHERE session_id = ? AND participant_id = ?), updated_at = ? WHERE id = ?",
        (session.id, participant_id, now, participant_id),
    )
    membership = await load_membership(conn, "person_in_session", (session.id, participant_id))
    assert membership is not None
    return membership, inserted.rowcount == 1


# Every way a membership is looked up, as whole queries made once when the module loads.
MEMBERSHIPS_BY = {
    "id": (
        "SELECT m.id, m.session_id, m.group_id, m.consent_at, m.flow_state, p.id, COALESCE(m.pseudonym, p.pseudonym), "
        "p.locale "
        "FROM membership m JOIN participant p ON p.id = m.participant_id WHERE "
        "m.id = ?"
    ),
    "person_in_session": (
        "SELECT m.id, m.session_id, m.group_id, m.consent_at, m.flow_state, p.id, COALESCE(m.pseudonym, p.pseudonym), "
        "p.locale "
        "FROM membership m JOIN participant p ON p.id = m.participant_id WHERE "
        "m.session_id = ? AND m.participant_id = ?"
    ),
    "active_of": (
        "SELECT m.id, m.session_id, m.group_id, m.consent_at, m.flow_state, p.id, COALESCE(m.pseudonym, p.pseudonym), "
        "p.locale "
        "FROM membership m JOIN participant p ON p.id = m.participant_id WHERE "
        "m.id = (SELECT active_membership FROM participant WHERE telegram_id = ?)"
    ),
}


async def load_membership(conn: aiosqlite.Connection, by: str, args: tuple[object, ...]) -> Membership | None:
    row = await fetch_one(conn, MEMBERSHIPS_BY[by], args)
    if row is None:
        return None
    session = await load_session(conn, "id", row[1])
    assert session is not None
    return Membership(
        id=row[0],
        session=session,
        participant=Participant(row[5], row[6], row[7]),
        group_id=row[2],
        consented=row[3] is not None,
        flow_state=json.loads(row[4]),
    )
