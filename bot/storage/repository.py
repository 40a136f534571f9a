"""All SQL of inspraak: each method is one read or one write transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.domain import Changes, GroupDef, Membership, Participant, Phase, Session
from bot.storage.actions import record_checkin
from bot.storage.db import Database
from bot.storage.rows import (
    claim_update,
    ensure_participant,
    enter_session,
    fetch_one,
    fetch_rows,
    insert_session,
    load_membership,
    load_session,
    participant_by_telegram,
    utc_now,
)


def update_key(raw: str) -> str:
    """The stored form of an update's dedupe key: hashed, so it holds no Telegram id."""
    return hashlib.blake2b(raw.encode("utf-8"), digest_size=16).hexdigest()


class Repository:
    """The bot's only way to read and write the database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def participant(self, telegram_id: int) -> Participant | None:
        """The participant with this Telegram id, if they have talked to the bot before."""
        async with self.db.reading() as conn:
            return await participant_by_telegram(conn, telegram_id)

    async def was_processed(self, key: str) -> bool:
        """Whether the update with this (hashed) key has already been handled."""
        async with self.db.reading() as conn:
            return await fetch_one(conn, "SELECT 1 FROM processed_update WHERE key = ?", (key,)) is not None

    async def mark_processed(self, key: str) -> bool:
        """Record an update that changed nothing else; False if it was already recorded."""
        async with self.db.transaction() as conn:
            return await claim_update(conn, key)

    async def choose_locale(self, telegram_id: int, locale: str, key: str) -> Participant | None:
        """Store a person's language (creating them if new); None if this update was already handled."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return None
            participant = await ensure_participant(conn, telegram_id)
            await conn.execute(
                "UPDATE participant SET locale = ?, updated_at = ? WHERE id = ?", (locale, utc_now(), participant.id)
            )
            return await participant_by_telegram(conn, telegram_id)

    # ---- sessions -------------------------------------------------------------------------------

    async def create_session(
        self,
        title: str,
        question: str,
        groups: tuple[GroupDef, ...],
        languages: tuple[str, ...],
        idea_limit: int,
        phase: Phase = Phase.COLLECTING,
    ) -> Session:
        """A new session with a fresh join code."""
        async with self.db.transaction() as conn:
            session_id = await insert_session(
                conn, title, question, groups, languages, idea_limit, phase, None, "ranking"
            )
            session = await load_session(conn, "id", session_id)
        assert session is not None
        return session

    async def session_by_id(self, session_id: int) -> Session | None:
        """A session by its internal id."""
        async with self.db.reading() as conn:
            return await load_session(conn, "id", session_id)

    async def session_by_code(self, code: str) -> Session | None:
        """The session a join code belongs to."""
        async with self.db.reading() as conn:
            return await load_session(conn, "code", code)

    async def ideas(self, session_id: int) -> list[IdeaRecord]:
        """Every idea of a session, oldest first, with the giver's pseudonym and group."""
        async with self.db.reading() as conn:
            rows = await fetch_rows(
                conn,
                "SELECT m.pseudonym, m.group_id, i.seq, i.kind, i.text, i.voice_file_id, i.voice_duration, "
                "i.language FROM idea i JOIN membership m ON m.id = i.membership_id "
                "JOIN participant p ON p.id = m.participant_id WHERE i.session_id = ? ORDER BY i.id",
                (session_id,),
            )
        return [IdeaRecord(*row) for row in rows]

    async def members(self, session_id: int) -> list[MemberRecord]:
        """Everyone in a session, by pseudonym, with group, language and whether they consented."""
        async with self.db.reading() as conn:
            rows = await fetch_rows(
                conn,
                "SELECT m.pseudonym, m.group_id, p.locale, m.consent_at IS NOT NULL FROM membership m "
                "JOIN participant p ON p.id = m.participant_id WHERE m.session_id = ? ORDER BY m.id",
                (session_id,),
            )
        return [MemberRecord(row[0], row[1], row[2], bool(row[3])) for row in rows]

    async def votes(self, session_id: int) -> list[VoteRecord]:
        """Every vote of a session, with the voter's pseudonym and group."""
        async with self.db.reading() as conn:
            rows = await fetch_rows(
                conn,
                "SELECT m.pseudonym, m.group_id, v.method, v.payload, v.cast_at FROM vote v "
                "JOIN membership m ON m.id = v.membership_id JOIN participant p ON p.id = m.participant_id "
                "WHERE v.session_id = ? ORDER BY v.cast_at, m.id",
                (session_id,),
            )
        return [VoteRecord(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows]

    async def membership_of(self, participant_id: int, session_id: int) -> Membership | None:
        """A participant's part in a session, by internal ids."""
        async with self.db.reading() as conn:
            where = "person_in_session"
            return await load_membership(conn, where, (session_id, participant_id))

    async def reachable_members(self, session_id: int) -> list[tuple[int, Membership]]:
        """Telegram id and membership of everyone who consented and can still be messaged."""
        async with self.db.reading() as conn:
            rows = await fetch_rows(
                conn,
                "SELECT p.telegram_id, m.id FROM membership m JOIN participant p ON p.id = m.participant_id "
                "WHERE m.session_id = ? AND m.consent_at IS NOT NULL AND p.telegram_id IS NOT NULL ORDER BY m.id",
                (session_id,),
            )
            found = [(int(r[0]), await load_membership(conn, "id", (r[1],))) for r in rows]
        return [(telegram_id, m) for telegram_id, m in found if m is not None]

    async def contributions(self, telegram_id: int) -> list[tuple[Session, list[tuple[str, str | None]]]]:
        """The sessions a person took part in (gave consent to), oldest first, with their ideas as (kind, text)."""
        async with self.db.reading() as conn:
            taken_part = await fetch_rows(
                conn,
                "SELECT m.id, m.session_id FROM membership m JOIN participant p ON p.id = m.participant_id "
                "WHERE p.telegram_id = ? AND m.consent_at IS NOT NULL ORDER BY m.joined_at, m.id",
                (telegram_id,),
            )
            found = []
            for membership_id, session_id in taken_part:
                session = await load_session(conn, "id", session_id)
                idea_rows = await fetch_rows(
                    conn,
                    "SELECT kind, COALESCE(text, transcription) FROM idea WHERE membership_id = ? ORDER BY seq",
                    (membership_id,),
                )
                ideas = [(str(r[0]), r[1]) for r in idea_rows]
                if session is not None:
                    found.append((session, ideas))
        return found

    # ---- taking part ----------------------------------------------------------------------------

    async def active_membership(self, telegram_id: int) -> Membership | None:
        """The session this person is talking about now, with where they are in it."""
        async with self.db.reading() as conn:
            return await load_membership(
                conn,
                "active_of",
                (telegram_id,),
            )

    async def join(
        self, telegram_id: int, session: Session, flow_state: Mapping[str, Any], key: str, pseudonym: str
    ) -> tuple[Membership, bool] | None:
        """Join a session, or come back to it (True when new); None if this update was already handled."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return None
            participant = await ensure_participant(conn, telegram_id)
            return await enter_session(conn, participant.id, session, flow_state, pseudonym)

    async def advance(self, membership: Membership, changes: Changes, key: str, moment: datetime | None = None) -> bool:
        """Store one conversation step, all of it or nothing; False if this update was already handled.

        `moment` is the bot's clock, for whatever the step schedules (tests run a year in seconds).
        """
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return False
            now = utc_now()
            if changes.forget:
                await conn.execute("DELETE FROM membership WHERE id = ?", (membership.id,))
                await conn.execute(
                    "DELETE FROM participant WHERE id = ? AND NOT EXISTS "
                    "(SELECT 1 FROM membership WHERE participant_id = ?) AND NOT EXISTS "
                    "(SELECT 1 FROM pool_member WHERE participant_id = ?)",
                    (membership.participant.id, membership.participant.id, membership.participant.id),
                )
                return True
            await conn.execute(
                "UPDATE membership SET flow_state = ?, updated_at = ?, "
                "group_id = COALESCE(?, group_id), consent_at = CASE WHEN ? THEN COALESCE(consent_at, ?) "
                "ELSE consent_at END WHERE id = ?",
                (json.dumps(dict(changes.flow_state)), now, changes.group_id, changes.consent, now, membership.id),
            )
            if changes.locale is not None:
                await conn.execute(
                    "UPDATE participant SET locale = ?, updated_at = ? WHERE id = ?",
                    (changes.locale, now, membership.participant.id),
                )
            # Every statement is a trip to SQLite's thread while this transaction holds the write lock: skip empty ones.
            if changes.new_ideas:
                await conn.executemany(
                    "INSERT INTO idea (session_id, membership_id, seq, kind, text, voice_file_id, voice_duration, "
                    "language, source_message_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            membership.session.id,
                            membership.id,
                            idea.seq,
                            "voice" if idea.voice_file_id else "text",
                            idea.text,
                            idea.voice_file_id,
                            idea.voice_duration,
                            idea.language,
                            idea.source_message_id,
                            now,
                            now,
                        )
                        for idea in changes.new_ideas
                    ],
                )
            if changes.withdrawn:
                await conn.executemany(
                    "DELETE FROM idea WHERE membership_id = ? AND seq = ?",
                    [(membership.id, seq) for seq in changes.withdrawn],
                )
            if changes.checkin is not None:
                await record_checkin(conn, membership, changes.checkin, moment or datetime.now(UTC))
            if changes.wants_updates is not None:
                await conn.execute(
                    "UPDATE membership SET wants_updates = ? WHERE id = ?", (int(changes.wants_updates), membership.id)
                )
            if changes.vote is not None:
                method, payload = changes.vote
                await conn.execute(
                    "INSERT OR REPLACE INTO vote (session_id, membership_id, method, payload, cast_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (membership.session.id, membership.id, method, json.dumps(payload), now),
                )
            return True

    async def edit_idea(self, membership: Membership, source_message_id: int, text: str, key: str) -> bool:
        """Replace the text of the idea that came from an edited message; False if there is none."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return False
            cursor = await conn.execute(
                "UPDATE idea SET text = ?, updated_at = ? "
                "WHERE membership_id = ? AND source_message_id = ? AND kind = 'text'",
                (text, utc_now(), membership.id, source_message_id),
            )
            return cursor.rowcount == 1

    # ---- facts about the bot --------------------------------------------------------------------

    async def set_meta(self, key: str, value: str) -> None:
        """Remember a fact about the running bot."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    async def meta(self, key: str) -> str | None:
        """A remembered fact, if any."""
        async with self.db.reading() as conn:
            row = await fetch_one(conn, "SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row[0])


@dataclass(frozen=True)
class IdeaRecord:
    """An idea as reports and tests see it: pseudonymous, never with a Telegram id."""

    pseudonym: str
    group_id: str | None
    seq: int
    kind: str
    text: str | None
    voice_file_id: str | None
    voice_duration: int | None
    language: str | None


@dataclass(frozen=True)
class VoteRecord:
    """A vote as results and exports see it: pseudonymous."""

    pseudonym: str
    group_id: str | None
    method: str
    payload: Any
    cast_at: str


@dataclass(frozen=True)
class MemberRecord:
    """A member of a session as coordinators may know them."""

    pseudonym: str
    group_id: str | None
    locale: str | None
    consented: bool
