"""Broadcasts: a coordinator's message to every participant of a session, prepared, translated, then sent."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.domain import Purpose
from bot.storage import members
from bot.storage.db import Conn, one
from bot.storage.outbox import Letter, enqueue
from bot.storage.stamps import utc_now


@dataclass(frozen=True)
class Broadcast:
    """A message for everyone in a session, with the coordinator's translations."""

    id: int
    session_id: int
    author: int | None
    text: str
    translations: dict[str, str]
    status: str


def prepare(conn: Conn, session_id: int, author: int, text: str) -> Broadcast:
    """A broadcast written, to be translated and confirmed before it goes."""
    conn.execute(
        "UPDATE broadcast SET status = 'cancelled' WHERE session_id = ? AND author = ? AND status = 'prepared'",
        (session_id, author),
    )
    cursor = conn.execute(
        "INSERT INTO broadcast (session_id, author, text, status, created_at) VALUES (?, ?, ?, 'prepared', ?)",
        (session_id, author, text, utc_now()),
    )
    found = get(conn, int(cursor.lastrowid or 0))
    assert found is not None
    return found


def get(conn: Conn, broadcast_id: int) -> Broadcast | None:
    """One broadcast."""
    row = one(
        conn, "SELECT id, session_id, author, text, translations, status FROM broadcast WHERE id = ?", (broadcast_id,)
    )
    return None if row is None else Broadcast(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5])


def translate(conn: Conn, broadcast_id: int, locale: str, text: str) -> None:
    """Add (or replace) the coordinator's translation into one language."""
    conn.execute(
        "UPDATE broadcast SET translations = json_set(translations, '$.' || ?, ?) WHERE id = ?",
        (locale, text, broadcast_id),
    )


def cancel(conn: Conn, broadcast_id: int) -> bool:
    """Drop a prepared broadcast."""
    cursor = conn.execute(
        "UPDATE broadcast SET status = 'cancelled' WHERE id = ? AND status = 'prepared'", (broadcast_id,)
    )
    return cursor.rowcount == 1


def send(conn: Conn, broadcast: Broadcast, report_to: int, progress: dict[str, object], moment: datetime) -> int:
    """Queue the broadcast for every reachable participant, and the final tally for its author, together;
    how many it goes to. `progress` names the coordinator's message that shows how far it is."""
    conn.execute("UPDATE broadcast SET status = 'sent', sent_at = ? WHERE id = ?", (utc_now(), broadcast.id))
    period = f"{broadcast.session_id}:b{broadcast.id}"
    payload = {"session": broadcast.session_id, "broadcast": broadcast.id, **progress}
    letters = [
        Letter(Purpose.BROADCAST, person, period, moment, payload)
        for person in members.reachable(conn, broadcast.session_id)
    ]
    report = Letter(Purpose.BROADCAST_REPORT, report_to, period, moment, {**payload, "total": len(letters)})
    enqueue(conn, [*letters, report])  # the report comes after everyone's message
    return len(letters)
