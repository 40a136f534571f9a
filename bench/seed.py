"""Databases for the benchmarks: a session as a coordinator sets it up, and bulk history for the footprint."""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from bench import texts
from bot.app.coordinating import tell_everyone
from bot.domain import DEFAULT_GROUPS, GroupDef, Phase, Purpose, Session
from bot.i18n import SUPPORTED
from bot.storage import Conn, Database, Location, roles, sessions, themes

THEMES = ("Taal", "Werk", "Wonen", "Ontmoeten", "Zorg")
STAMP = "2026-01-05T10:00:00.000+00:00"


@asynccontextmanager
async def opened(db: Location) -> AsyncIterator[Database]:
    """The bot's database, opened beside the running bot as an inspector would."""
    database = await Database.open(db)
    try:
        yield database
    finally:
        await database.close()


def _collecting(conn: Conn, owner: int, idea_limit: int) -> Session:
    coordinator = roles.make_coordinator(conn, owner)
    groups = tuple(GroupDef(g) for g in DEFAULT_GROUPS)
    session = sessions.create(
        conn,
        "Thuis in Assen",
        "Wat helpt jou het meest?",
        groups,
        SUPPORTED,
        idea_limit,
        Phase.COLLECTING,
        "nl",
        "ranking",
    )
    roles.own(conn, coordinator.participant.id, session.id)
    roles.use(conn, coordinator.participant.id, session.id)
    for theme in THEMES:
        themes.add(conn, session.id, theme, None)
    return session


async def collecting_session(db: Location, owner: int, idea_limit: int = 10) -> Session:
    """A session collecting ideas (up to `idea_limit` each), with five themes to vote on later."""
    async with opened(db) as database:
        return await database.write(lambda conn: _collecting(conn, owner, idea_limit))


def _open_voting(conn: Conn, session: Session) -> None:
    sessions.set_phase(conn, session.id, Phase.PRIORITISING)
    tell_everyone(conn, session.id, Purpose.VOTE_OPEN, Phase.PRIORITISING.value, datetime.now(UTC))


async def open_voting(db: Path, session: Session) -> None:
    """What the coordinator's "move on to prioritising" does: the phase, and a vote opening for everyone."""
    async with opened(db) as database:
        await database.write(lambda conn: _open_voting(conn, session))


# ---- bulk history, written straight into the schema (the real code paths are measured, not used, here) ----

SESSION_SIZE = 1_000
CHECKIN_SESSION = 999_999  # the number in the check-in session's code
FIRST_SEEDED_ID = 900_000_000  # Telegram ids of seeded people, clear of the stand-in's own


async def migrated(db: Path) -> None:
    """Create the schema as the bot would."""
    async with opened(db):
        pass


def _connect(db: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = OFF")  # seeding only: the bot itself always runs with FULL
    return connection


def size_of(connection: sqlite3.Connection) -> int:
    """Bytes the database takes, after moving the WAL into the main file."""
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    return int(pages) * int(connection.execute("PRAGMA page_size").fetchone()[0])


def _people(connection: sqlite3.Connection, telegram_ids: Sequence[int], prefix: str) -> int:
    """Participants with these Telegram ids, in the languages newcomers use; the first new participant id."""
    start = int(connection.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM participant").fetchone()[0])
    rng = random.Random(start)
    connection.executemany(
        "INSERT INTO participant (id, telegram_id, pseudonym, locale, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            (start + n, tid, f"{prefix}-{n:08d}", texts.language(rng), STAMP, STAMP)
            for n, tid in enumerate(telegram_ids)
        ),
    )
    return start


def _session(connection: sqlite3.Connection, number: int, phase: str) -> int:
    cursor = connection.execute(
        "INSERT INTO session (code, title, question, languages, idea_limit, phase, created_at, source_locale, voting) "
        "VALUES (?, ?, ?, ?, 10, ?, ?, 'nl', 'ranking')",
        (f"SEED{number:06d}", f"Sessie {number}", "Wat helpt?", json.dumps(SUPPORTED), phase, STAMP),
    )
    session_id = int(cursor.lastrowid or 0)
    connection.executemany(
        "INSERT INTO session_group (session_id, id, name, position) VALUES (?, ?, NULL, ?)",
        [(session_id, group, position) for position, group in enumerate(DEFAULT_GROUPS)],
    )
    connection.executemany(
        "INSERT INTO theme (session_id, name, emoji, position, created_at) VALUES (?, ?, NULL, ?, ?)",
        [(session_id, theme, position, STAMP) for position, theme in enumerate(THEMES)],
    )
    return session_id


def _members(connection: sqlite3.Connection, session_id: int, people: range) -> int:
    """Consented members; the first membership id."""
    start = int(connection.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM membership").fetchone()[0])
    groups = list(DEFAULT_GROUPS)
    connection.executemany(
        "INSERT INTO membership (id, session_id, participant_id, group_id, consent_at, joined_at, "
        "updated_at, pseudonym) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (start + n, session_id, person, groups[person % 3], STAMP, STAMP, STAMP, f"M{n}")
            for n, person in enumerate(people)
        ),
    )
    return start


def history(db: Path, participants: int, ideas_each: int) -> dict[str, int]:
    """Participants in sessions of 1,000, each with `ideas_each` ideas and a vote; bytes taken by ideas and votes."""
    rng = random.Random(participants)
    connection = _connect(db)
    try:
        connection.execute("BEGIN")
        first = _people(connection, range(FIRST_SEEDED_ID, FIRST_SEEDED_ID + participants), "S")
        memberships: list[tuple[int, int, str]] = []
        for number, offset in enumerate(range(0, participants, SESSION_SIZE)):
            session_id = _session(connection, number, "closed")
            people = range(first + offset, first + min(offset + SESSION_SIZE, participants))
            start = _members(connection, session_id, people)
            memberships += [(session_id, start + n, texts.language(rng)) for n in range(len(people))]
        connection.execute("COMMIT")
        before_ideas = size_of(connection)
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO idea (session_id, membership_id, seq, kind, text, language, created_at, updated_at) "
            "VALUES (?, ?, ?, 'text', ?, ?, ?, ?)",
            (
                (session_id, membership, seq, texts.idea(rng, locale), locale, STAMP, STAMP)
                for session_id, membership, locale in memberships
                for seq in range(1, ideas_each + 1)
            ),
        )
        connection.execute("COMMIT")
        before_votes = size_of(connection)
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO vote (session_id, membership_id, method, payload, cast_at) VALUES (?, ?, 'ranking', ?, ?)",
            (
                (session_id, membership, json.dumps(rng.sample(["1", "2", "3", "4", "5"], 3)), STAMP)
                for session_id, membership, _ in memberships
            ),
        )
        connection.execute("COMMIT")
        after = size_of(connection)
    finally:
        connection.close()
    return {"ideas": participants * ideas_each, "idea_bytes": before_votes - before_ideas,
            "votes": participants, "vote_bytes": after - before_votes}  # fmt: skip


def pending_outbox(db: Path, rows: int, due: datetime) -> None:
    """`rows` messages waiting in the outbox for a later day, spread over the participants there are."""
    connection = _connect(db)
    try:
        people = [int(r[0]) for r in connection.execute("SELECT id FROM participant ORDER BY id")]
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO outbox (purpose, recipient, period, due_at, payload, updated_at) "
            "VALUES ('digest', ?, ?, ?, '{}', ?)",
            ((people[n % len(people)], f"later-{n}", due.isoformat(timespec="seconds"), STAMP) for n in range(rows)),
        )
        connection.execute("COMMIT")
    finally:
        connection.close()


def due_checkins(db: Path, telegram_ids: list[int], due: datetime) -> None:
    """One active action per person, each with its first check-in due now: what a year of follow-up amounts to."""
    connection = _connect(db)
    try:
        connection.execute("BEGIN")
        first = _people(connection, telegram_ids, "O")
        session_id = _session(connection, CHECKIN_SESSION, "follow_up")
        _members(connection, session_id, range(first, first + len(telegram_ids)))
        moment = due.isoformat(timespec="seconds")
        for n in range(len(telegram_ids)):
            cursor = connection.execute(
                "INSERT INTO action (session_id, title, description, cadence, start_date, owner, timezone, status, "
                "created_at, updated_at) VALUES (?, ?, '', 'monthly', ?, ?, 'Europe/Amsterdam', 'active', ?, ?)",
                (session_id, f"Taalcafé {n}", due.date().isoformat(), first + n, STAMP, STAMP),
            )
            action = int(cursor.lastrowid or 0)
            connection.execute("INSERT INTO checkin (action_id, period, due_at) VALUES (?, 1, ?)", (action, moment))
            connection.execute(
                "INSERT INTO outbox (purpose, recipient, period, due_at, collapse_key, payload, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (Purpose.CHECKIN.value, first + n, f"{action}:1", moment, f"action:{action}",
                 json.dumps({"action": action, "period": 1}), STAMP),
            )  # fmt: skip
        connection.execute("COMMIT")
    finally:
        connection.close()
