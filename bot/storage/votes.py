"""Votes: one per person per session; voting again replaces it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.storage.db import Conn, one, rows
from bot.storage.stamps import utc_now


@dataclass(frozen=True)
class VoteRecord:
    """A vote as results and exports see it: pseudonymous."""

    pseudonym: str
    group_id: str | None
    method: str
    payload: Any
    cast_at: str


def cast(conn: Conn, session_id: int, membership_id: int, method: str, payload: Any) -> None:
    """Store a person's vote, replacing an earlier one."""
    conn.execute(
        "INSERT INTO vote (session_id, membership_id, method, payload, cast_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (session_id, membership_id) DO UPDATE SET method = excluded.method, payload = excluded.payload, "
        "cast_at = excluded.cast_at",
        (session_id, membership_id, method, json.dumps(payload), utc_now()),
    )


def of_session(conn: Conn, session_id: int) -> list[VoteRecord]:
    """Every vote of a session, with the voter's pseudonym and group."""
    found = rows(
        conn,
        "SELECT m.pseudonym, m.group_id, v.method, v.payload, v.cast_at FROM vote v "
        "JOIN membership m ON m.id = v.membership_id WHERE v.session_id = ? ORDER BY v.cast_at, m.id",
        (session_id,),
    )
    return [VoteRecord(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in found]


def count(conn: Conn, session_id: int) -> int:
    """How many have voted."""
    row = one(conn, "SELECT COUNT(*) FROM vote WHERE session_id = ?", (session_id,))
    return int(row[0]) if row else 0
