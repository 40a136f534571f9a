"""Conversation runs: every conversation a person has open, one row each, with where they are in its flow."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.domain import Run, RunPurpose
from bot.storage.db import Conn, one, rows
from bot.storage.stamps import utc_now

_RUN = "SELECT id, participant_id, purpose, subject, flow, version, node, done, answers, scratch, focus FROM run "
_BY = {
    "id": _RUN + "WHERE id = ?",
    "person": _RUN + "WHERE participant_id = ? ORDER BY focus DESC",
    "subject": _RUN + "WHERE participant_id = ? AND purpose = ? AND subject = ?",
}


def _run(row: Any) -> Run:
    state = {
        "flow": row[4],
        "version": row[5],
        "node": row[6],
        "done": bool(row[7]),
        "answers": json.loads(row[8]),
        "scratch": json.loads(row[9]),
    }
    return Run(int(row[0]), int(row[1]), RunPurpose(row[2]), int(row[3]), state, int(row[10]))


def get(conn: Conn, run_id: int) -> Run | None:
    """A run by its id."""
    row = one(conn, _BY["id"], (run_id,))
    return None if row is None else _run(row)


def of_person(conn: Conn, participant_id: int) -> list[Run]:
    """Every run of a person, the one that asked something last first."""
    return [_run(row) for row in rows(conn, _BY["person"], (participant_id,))]


def find(conn: Conn, participant_id: int, purpose: RunPurpose, subject: int) -> Run | None:
    """A person's run of one purpose about one subject."""
    row = one(conn, _BY["subject"], (participant_id, purpose.value, subject))
    return None if row is None else _run(row)


def start(conn: Conn, participant_id: int, purpose: RunPurpose, subject: int, state: Mapping[str, Any]) -> Run:
    """Begin a run (replacing one of the same purpose and subject), in focus."""
    values = _columns(state)
    conn.execute(
        "INSERT INTO run (participant_id, purpose, subject, flow, version, node, done, answers, scratch, focus, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "(SELECT COALESCE(MAX(focus), 0) + 1 FROM run WHERE participant_id = ?), ?) "
        "ON CONFLICT (participant_id, purpose, subject) DO UPDATE SET flow = excluded.flow, "
        "version = excluded.version, node = excluded.node, done = excluded.done, answers = excluded.answers, "
        "scratch = excluded.scratch, focus = excluded.focus, updated_at = excluded.updated_at",
        (participant_id, purpose.value, subject, *values, participant_id, utc_now()),
    )
    found = find(conn, participant_id, purpose, subject)
    assert found is not None
    return found


def save(conn: Conn, run: Run, state: Mapping[str, Any], focus: bool) -> None:
    """Store where the person is now; `focus` when the step asked them something (their next message is its)."""
    values = _columns(state)
    if focus:
        conn.execute(
            "UPDATE run SET flow = ?, version = ?, node = ?, done = ?, answers = ?, scratch = ?, updated_at = ?, "
            "focus = (SELECT COALESCE(MAX(focus), 0) + 1 FROM run WHERE participant_id = ?) WHERE id = ?",
            (*values, utc_now(), run.participant_id, run.id),
        )
    else:
        conn.execute(
            "UPDATE run SET flow = ?, version = ?, node = ?, done = ?, answers = ?, scratch = ?, updated_at = ? "
            "WHERE id = ?",
            (*values, utc_now(), run.id),
        )


def remove(conn: Conn, run_id: int) -> None:
    """End a run for good (a wizard finished or cancelled, a pool joined)."""
    conn.execute("DELETE FROM run WHERE id = ?", (run_id,))


def remove_wizard(conn: Conn, participant_id: int) -> bool:
    """Stop the coordinator's wizard, if they are in one."""
    cursor = conn.execute("DELETE FROM run WHERE participant_id = ? AND purpose = 'wizard'", (participant_id,))
    return cursor.rowcount > 0


def _columns(state: Mapping[str, Any]) -> tuple[object, ...]:
    return (
        str(state["flow"]),
        int(state["version"]),
        str(state["node"]),
        int(bool(state.get("done", False))),
        json.dumps(dict(state.get("answers", {})), ensure_ascii=False),
        json.dumps(dict(state.get("scratch", {})), ensure_ascii=False),
    )
