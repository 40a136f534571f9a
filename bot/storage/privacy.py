"""What is held about a person, and forgetting them: the privacy self-service, and retention."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage import outbox
from bot.storage.db import Conn, one, rows
from bot.storage.stamps import iso, utc_now

DELETED = "deleted"


@dataclass(frozen=True)
class Purge:
    """What retention removes (or, in a dry run, would remove)."""

    sessions: tuple[tuple[str, str], ...]  # (code, title)
    people: int


def _all(conn: Conn, sql: str, args: tuple[object, ...]) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, args)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def everything(conn: Conn, telegram_id: int) -> dict[str, Any] | None:
    """All that is held about a person, as plain data (None when nothing is)."""
    found = _all(conn, "SELECT id, locale, created_at FROM participant WHERE telegram_id = ?", (telegram_id,))
    if not found:
        return None
    person = found[0]
    pid = person.pop("id")
    sessions = _all(
        conn,
        "SELECT m.id AS membership, s.id AS session, s.code, s.title, m.pseudonym, m.group_id, m.joined_at, "
        "m.consent_at, "
        "m.wants_updates FROM membership m JOIN session s ON s.id = m.session_id "
        "WHERE m.participant_id = ? ORDER BY m.id",
        (pid,),
    )
    for session in sessions:
        membership, session_id = session.pop("membership"), session.pop("session")
        found_themes = _all(conn, "SELECT id, name FROM theme WHERE session_id = ? ORDER BY position", (session_id,))
        session["themes"] = {str(t["id"]): t["name"] for t in found_themes}  # what the vote's numbers stand for
        session["wants_updates"] = bool(session["wants_updates"])
        session["ideas"] = _all(
            conn,
            "SELECT i.kind, i.text, i.voice_duration, i.transcription, i.translation, t.name AS theme, "
            "i.hidden_reason IS NOT NULL AS hidden, i.created_at FROM idea i "
            "LEFT JOIN theme t ON t.id = i.theme_id WHERE i.membership_id = ? ORDER BY i.id",
            (membership,),
        )
        votes = _all(conn, "SELECT method, payload, cast_at FROM vote WHERE membership_id = ?", (membership,))
        session["vote"] = [{**v, "payload": json.loads(v["payload"])} for v in votes]
    checkins = _all(
        conn,
        "SELECT a.title AS action, c.period, c.status, c.help, c.note, c.answered_at FROM checkin c "
        "JOIN action a ON a.id = c.action_id WHERE a.owner = ? AND c.answered_at IS NOT NULL "
        "ORDER BY a.id, c.period",
        (pid,),
    )
    pools = _all(
        conn,
        "SELECT m.id AS member, p.name AS pool, m.pseudonym, m.group_id, m.profile, m.joined_at, m.consent_at "
        "FROM pool_member m JOIN pool p ON p.id = m.pool_id WHERE m.participant_id = ? ORDER BY m.id",
        (pid,),
    )
    for pool in pools:
        member = pool.pop("member")
        pool["profile"] = json.loads(pool["profile"])
        pool["invitations"] = _all(
            conn,
            "SELECT s.title AS session, i.invited_at, i.accepted_at FROM pool_invitation i "
            "JOIN session s ON s.id = i.session_id WHERE i.member_id = ? ORDER BY i.id",
            (member,),
        )
    coordinator = _all(conn, "SELECT created_at FROM coordinator WHERE participant_id = ?", (pid,))
    return {
        "telegram_account": "the one you are using now (its id is kept only to send you messages)",
        **person,
        "coordinator_since": coordinator[0]["created_at"] if coordinator else None,
        "sessions": sessions,
        "pools": pools,
        "check_in_answers": checkins,
    }


def forget(conn: Conn, telegram_id: int, delete_contributions: bool) -> bool:
    """Erase a person: their Telegram id and language, their roles, their conversations and pending messages;
    their ideas and votes stay under "deleted" unless they asked to delete them too. False if nothing is held."""
    row = one(conn, "SELECT id FROM participant WHERE telegram_id = ?", (telegram_id,))
    if row is None:
        return False
    _forget(conn, int(row[0]), delete_contributions)
    return True


def purge(conn: Conn, cutoff: datetime, dry_run: bool) -> Purge:
    """Retention: closed sessions with no activity since `cutoff` lose everything personal."""
    sessions, people = _stale(conn, cutoff)
    if not dry_run:
        ids = json.dumps([int(s["id"]) for s in sessions])
        conn.execute(
            "UPDATE membership SET pseudonym = ?, wants_updates = 0 "
            "WHERE session_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))",
            (DELETED, ids),
        )
        conn.execute(
            "UPDATE idea SET voice_file_id = ? WHERE voice_file_id IS NOT NULL "
            "AND session_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))",
            (DELETED, ids),
        )
        for person in people:
            _forget(conn, person, delete_contributions=False)
    return Purge(tuple((str(s["code"]), str(s["title"])) for s in sessions), len(people))


def _stale(conn: Conn, cutoff: datetime) -> tuple[list[dict[str, Any]], list[int]]:
    """Closed sessions without activity since the cutoff, and the people who took part only in those
    (a pool member stays: they agreed to be asked again, until they /leave)."""
    sessions = _all(
        conn,
        "SELECT s.id, s.code, s.title FROM session s WHERE s.phase IN ('closed', 'follow_up') AND "
        "s.created_at < ? "
        "AND NOT EXISTS (SELECT 1 FROM idea i WHERE i.session_id = s.id AND i.created_at >= ?) "
        "AND NOT EXISTS (SELECT 1 FROM vote v WHERE v.session_id = s.id AND v.cast_at >= ?) "
        "AND NOT EXISTS (SELECT 1 FROM checkin c JOIN action a ON a.id = c.action_id "
        "WHERE a.session_id = s.id AND c.due_at >= ?) "
        "AND EXISTS (SELECT 1 FROM membership m WHERE m.session_id = s.id AND m.pseudonym != ?)",
        (iso(cutoff), iso(cutoff), iso(cutoff), iso(cutoff), DELETED),
    )
    ids = json.dumps([int(s["id"]) for s in sessions])
    people = rows(
        conn,
        "SELECT DISTINCT m.participant_id FROM membership m JOIN participant p ON p.id = m.participant_id "
        "WHERE m.session_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?)) AND p.telegram_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM membership other WHERE other.participant_id = m.participant_id "
        "AND other.session_id NOT IN (SELECT CAST(value AS INTEGER) FROM json_each(?))) "
        "AND NOT EXISTS (SELECT 1 FROM pool_member pm WHERE pm.participant_id = m.participant_id)",
        (ids, ids),
    )
    return sessions, [int(p[0]) for p in people]


def _forget(conn: Conn, participant_id: int, delete_contributions: bool) -> None:
    memberships = json.dumps(
        [r[0] for r in rows(conn, "SELECT id FROM membership WHERE participant_id = ?", (participant_id,))]
    )
    if delete_contributions:
        conn.execute(
            "DELETE FROM idea WHERE membership_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))", (memberships,)
        )
        conn.execute(
            "DELETE FROM vote WHERE membership_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))", (memberships,)
        )
        conn.execute(
            "UPDATE checkin SET help = NULL, note = NULL, note_voice = NULL, help_voice = NULL, "
            "note_translation = NULL, help_translation = NULL, translation_machine = NULL "
            "WHERE action_id IN (SELECT id FROM action WHERE owner = ?)",
            (participant_id,),
        )
    else:  # a voice is a person's own: the recording goes, what was written down from it stays
        conn.execute(
            "UPDATE idea SET voice_file_id = ? WHERE voice_file_id IS NOT NULL "
            "AND membership_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))",
            (DELETED, memberships),
        )
        conn.execute(
            "UPDATE checkin SET note_voice = NULL, help_voice = NULL "
            "WHERE action_id IN (SELECT id FROM action WHERE owner = ?)",
            (participant_id,),
        )
    conn.execute(
        "UPDATE membership SET pseudonym = ?, wants_updates = 0 WHERE participant_id = ?", (DELETED, participant_id)
    )
    conn.execute("DELETE FROM run WHERE participant_id = ?", (participant_id,))
    conn.execute("DELETE FROM keyboard WHERE participant_id = ?", (participant_id,))
    conn.execute("UPDATE broadcast SET status_chat = NULL, status_message = NULL WHERE author = ?", (participant_id,))
    conn.execute("DELETE FROM pool_member WHERE participant_id = ?", (participant_id,))
    conn.execute("DELETE FROM session_coordinator WHERE participant_id = ?", (participant_id,))
    conn.execute("DELETE FROM coordinator WHERE participant_id = ?", (participant_id,))
    outbox.forget_recipient(conn, participant_id)
    now = utc_now()
    conn.execute(
        "UPDATE participant SET telegram_id = NULL, locale = NULL, pseudonym = 'X-' || id, forgotten_at = ?, "
        "updated_at = ? WHERE id = ?",
        (now, now, participant_id),
    )
