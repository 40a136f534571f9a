"""Broadcasts: a coordinator's message to every participant of a session, prepared, translated, then sent."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.domain import Purpose
from bot.storage import members
from bot.storage.db import Conn, inserted, one
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
    status_chat: int | None = None  # the coordinator's message that counts how far it is
    status_message: int | None = None
    coordinator_locale: str | None = None


def prepare(conn: Conn, session_id: int, author: int, text: str) -> Broadcast:
    """A broadcast written, to be translated and confirmed before it goes."""
    conn.execute(
        "UPDATE broadcast SET status = 'cancelled' WHERE session_id = ? AND author = ? AND status = 'prepared'",
        (session_id, author),
    )
    broadcast_id = inserted(
        conn,
        "INSERT INTO broadcast (session_id, author, text, status, created_at) VALUES (?, ?, ?, 'prepared', ?) "
        "RETURNING id",
        (session_id, author, text, utc_now()),
    )
    found = get(conn, broadcast_id)
    assert found is not None
    return found


def get(conn: Conn, broadcast_id: int) -> Broadcast | None:
    """One broadcast."""
    row = one(
        conn,
        "SELECT id, session_id, author, text, translations, status, status_chat, status_message, coordinator_locale "
        "FROM broadcast WHERE id = ?",
        (broadcast_id,),
    )
    if row is None:
        return None
    return Broadcast(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6], row[7], row[8])


def latest_prepared(conn: Conn, session_id: int, author: int) -> Broadcast | None:
    """The coordinator's broadcast for a session still waiting for "Send now"."""
    row = one(
        conn,
        "SELECT MAX(id) FROM broadcast WHERE session_id = ? AND author = ? AND status = 'prepared'",
        (session_id, author),
    )
    return get(conn, int(row[0])) if row is not None and row[0] is not None else None


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


def send(conn: Conn, broadcast: Broadcast, report_to: int, status: tuple[int, int, str], moment: datetime) -> int:
    """Queue the broadcast for every reachable participant, and the final tally for its author, together;
    how many it goes to. `status` is the coordinator's chat, message and language that count how far it is."""
    conn.execute(
        "UPDATE broadcast SET status = 'sent', sent_at = ?, status_chat = ?, status_message = ?, "
        "coordinator_locale = ? WHERE id = ?",
        (utc_now(), *status, broadcast.id),
    )
    period = f"{broadcast.session_id}:b{broadcast.id}"
    payload = {"session": broadcast.session_id, "broadcast": broadcast.id}
    letters = [
        Letter(Purpose.BROADCAST, person, period, moment, payload)
        for person in members.reachable(conn, broadcast.session_id)
    ]
    report = Letter(Purpose.BROADCAST_REPORT, report_to, period, moment, {**payload, "total": len(letters)})
    enqueue(conn, [*letters, report])  # the report comes after everyone's message
    return len(letters)
