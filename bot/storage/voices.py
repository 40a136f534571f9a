"""Voice ideas on their way to words: waiting for the transcriber, shown to their giver, kept, typed or left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage.db import Conn, one, rows
from bot.storage.stamps import iso, utc_now

WAITING, ASKED, TYPING, KEPT, TYPED = "waiting", "asked", "typing", "kept", "typed"
RECORDING, UNSUPPORTED, TOO_LONG = "recording", "unsupported", "too_long"


@dataclass(frozen=True)
class Waiting:
    """A voice idea to transcribe: its recording, how long it is, the language it was spoken in and its giver."""

    idea_id: int
    file_id: str | None
    duration: int | None
    language: str | None
    participant_id: int
    attempts: int


@dataclass(frozen=True)
class Draft:
    """A voice idea's draft as its giver decides on it."""

    idea_id: int
    state: str
    draft: str | None
    participant_id: int


def request(conn: Conn, membership_id: int, seqs: list[int], now: datetime) -> None:
    """A person's new voice ideas wait for the transcriber."""
    conn.executemany(
        "INSERT INTO voice_draft (idea_id, next_at) SELECT id, ? FROM idea "
        "WHERE membership_id = ? AND seq = ? AND kind = 'voice' ON CONFLICT DO NOTHING",
        [(iso(now), membership_id, seq) for seq in seqs],
    )


def due(conn: Conn, now: datetime, limit: int) -> list[Waiting]:
    """Voice ideas to transcribe now, oldest first."""
    found = rows(
        conn,
        "SELECT d.idea_id, i.voice_file_id, i.voice_duration, i.language, m.participant_id, d.attempts "
        "FROM voice_draft d JOIN idea i ON i.id = d.idea_id JOIN membership m ON m.id = i.membership_id "
        "WHERE d.state = 'waiting' AND d.next_at <= ? ORDER BY d.next_at LIMIT ?",
        (iso(now), limit),
    )
    return [Waiting(*row) for row in found]


def later(conn: Conn, idea_id: int, at: datetime) -> None:
    """The transcriber could not work now: try again at `at`."""
    conn.execute(
        "UPDATE voice_draft SET attempts = attempts + 1, next_at = ? WHERE idea_id = ? AND state = 'waiting'",
        (iso(at), idea_id),
    )


def settle(conn: Conn, idea_id: int, state: str, draft: str | None = None) -> bool:
    """A waiting voice idea was heard (its draft now shown to its giver) or cannot be."""
    cursor = conn.execute(
        "UPDATE voice_draft SET state = ?, draft = ? WHERE idea_id = ? AND state = 'waiting'", (state, draft, idea_id)
    )
    return cursor.rowcount == 1


def of_person(conn: Conn, idea_id: int, participant_id: int) -> Draft | None:
    """A voice idea's draft, only for the person who gave it (a forged button finds nothing)."""
    found: Any = one(
        conn,
        "SELECT d.idea_id, d.state, d.draft, m.participant_id FROM voice_draft d JOIN idea i ON i.id = d.idea_id "
        "JOIN membership m ON m.id = i.membership_id WHERE d.idea_id = ? AND m.participant_id = ?",
        (idea_id, participant_id),
    )
    return Draft(*found) if found else None


def typing(conn: Conn, participant_id: int) -> Draft | None:
    """The voice idea a person said they would type the words of, if any."""
    found: Any = one(
        conn,
        "SELECT d.idea_id, d.state, d.draft, m.participant_id FROM voice_draft d JOIN idea i ON i.id = d.idea_id "
        "JOIN membership m ON m.id = i.membership_id WHERE d.state = 'typing' AND m.participant_id = ? "
        "ORDER BY d.idea_id DESC LIMIT 1",
        (participant_id,),
    )
    return Draft(*found) if found else None


def decide(conn: Conn, draft: Draft, state: str, words: str | None = None) -> bool:
    """The giver's choice: keep the draft (or their own words) as the idea's words, type them, or keep only the
    recording. Only a draft still open to a choice changes."""
    cursor = conn.execute(
        "UPDATE voice_draft SET state = ? WHERE idea_id = ? AND state IN ('asked', 'typing')", (state, draft.idea_id)
    )
    if cursor.rowcount != 1:
        return False
    if words is not None:
        conn.execute(
            "UPDATE idea SET transcription = ?, updated_at = ? WHERE id = ?", (words, utc_now(), draft.idea_id)
        )
    return True
