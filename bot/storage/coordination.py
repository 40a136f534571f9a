"""The coordinator side of the store: roles, invites, session ownership, phases, themes, moderation, translations."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot.domain import GroupDef, InviteKind, Participant, Phase, Session, Theme
from bot.storage.db import Database
from bot.storage.outbox import BROADCAST, BROADCAST_REPORT, Letter, enqueue
from bot.storage.rows import (
    claim_update,
    ensure_participant,
    fetch_one,
    fetch_rows,
    insert_session,
    load_session,
    utc_now,
)


@dataclass(frozen=True)
class CoordinatorRecord:
    """A coordinator: who they are, which session their commands act on, and any wizard they are in."""

    participant: Participant
    active_session: int | None
    flow_state: Mapping[str, Any] | None


@dataclass(frozen=True)
class Redeemed:
    """What an accepted invite made of someone."""

    kind: InviteKind
    session_id: int | None


@dataclass(frozen=True)
class IdeaCard:
    """One idea as a coordinator sorts it: never with a name or Telegram id."""

    id: int
    pseudonym: str
    group_id: str | None
    language: str | None
    kind: str
    text: str | None
    voice_file_id: str | None
    voice_duration: int | None
    transcription: str | None
    translation: str | None
    theme_id: int | None
    duplicate_of: int | None
    hidden_reason: str | None


@dataclass(frozen=True)
class ExportIdea:
    """An idea as exports show it: pseudonymous, with its theme's name and whether it was merged or hidden."""

    id: int
    pseudonym: str
    group_id: str | None
    language: str | None
    kind: str
    text: str | None
    voice_duration: int | None
    transcription: str | None
    translation: str | None
    theme: str | None
    duplicate_of: int | None
    hidden_reason: str | None
    created_at: str


@dataclass(frozen=True)
class Status:
    """Live counts of a session."""

    by_group: Mapping[str | None, int]
    by_language: Mapping[str | None, int]
    by_theme: Mapping[int, int]
    unsorted: int
    hidden: int
    voice_untranscribed: int
    votes: int = 0


_CARD = (
    "SELECT i.id, m.pseudonym, m.group_id, i.language, i.kind, i.text, i.voice_file_id, i.voice_duration, "
    "i.transcription, "
    "i.translation, i.theme_id, i.duplicate_of, i.hidden_reason FROM idea i "
    "JOIN membership m ON m.id = i.membership_id JOIN participant p ON p.id = m.participant_id "
)


class CoordinatorStore:
    """Every query the coordinator commands need; each method one read or one write transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ---- roles and invites ----------------------------------------------------------------------

    async def coordinator(self, telegram_id: int) -> CoordinatorRecord | None:
        """The coordinator with this Telegram id, if they are one."""
        async with self.db.reading() as conn:
            return await _coordinator(conn, telegram_id)

    async def ensure_coordinator(self, telegram_id: int) -> CoordinatorRecord:
        """Make someone a coordinator (admins are, from their first command on)."""
        async with self.db.transaction() as conn:
            await _make_coordinator(conn, telegram_id)
            found = await _coordinator(conn, telegram_id)
        assert found is not None
        return found

    async def create_invite(self, kind: InviteKind, session_id: int | None, token_hash: str, expires_at: str) -> None:
        """Remember an invite by the hash of its token."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO invite (token_hash, kind, session_id, expires_at) VALUES (?, ?, ?, ?)",
                (token_hash, kind.value, session_id, expires_at),
            )

    async def redeem_invite(self, telegram_id: int, token_hash: str, now: str, key: str) -> Redeemed | None:
        """Use an invite once, before it expires: the person becomes a (co-)coordinator."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return None
            row = await fetch_one(
                conn,
                "SELECT kind, session_id FROM invite WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
                (token_hash, now),
            )
            if row is None:
                return None
            await conn.execute("UPDATE invite SET used_at = ? WHERE token_hash = ?", (now, token_hash))
            participant_id = await _make_coordinator(conn, telegram_id)
            kind, session_id = InviteKind(row[0]), row[1]
            if kind is InviteKind.CO_COORDINATOR and session_id is not None:
                await conn.execute(
                    "INSERT OR IGNORE INTO session_coordinator (session_id, participant_id, role) VALUES (?, ?, 'co')",
                    (session_id, participant_id),
                )
                await conn.execute(
                    "UPDATE coordinator SET active_session = ? WHERE participant_id = ?", (session_id, participant_id)
                )
            return Redeemed(kind, session_id)

    # ---- sessions -------------------------------------------------------------------------------

    async def create_session(
        self,
        telegram_id: int,
        title: str,
        question: str,
        groups: tuple[GroupDef, ...],
        languages: tuple[str, ...],
        idea_limit: int,
        source_locale: str | None,
        voting: str,
        key: str,
    ) -> Session | None:
        """A new session owned by this coordinator, in the draft phase, made their active one; None if done before."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return None
            participant_id = await _make_coordinator(conn, telegram_id)
            session_id = await insert_session(
                conn, title, question, groups, languages, idea_limit, Phase.DRAFT, source_locale, voting
            )
            await conn.execute(
                "INSERT INTO session_coordinator (session_id, participant_id, role) VALUES (?, ?, 'owner')",
                (session_id, participant_id),
            )
            await conn.execute(
                "UPDATE coordinator SET active_session = ? WHERE participant_id = ?",
                (session_id, participant_id),
            )
            session = await load_session(conn, "id", session_id)
        assert session is not None
        return session

    async def sessions_of(self, telegram_id: int) -> list[Session]:
        """The sessions this coordinator may run, newest first."""
        async with self.db.reading() as conn:
            rows = await fetch_rows(
                conn,
                "SELECT sc.session_id FROM session_coordinator sc JOIN participant p ON p.id = sc.participant_id "
                "WHERE p.telegram_id = ? ORDER BY sc.session_id DESC",
                (telegram_id,),
            )
            ids = [row[0] for row in rows]
            sessions = [await load_session(conn, "id", session_id) for session_id in ids]
        return [s for s in sessions if s is not None]

    async def runnable(self, telegram_id: int, session_id: int) -> Session | None:
        """The session, if this coordinator may run it."""
        async with self.db.reading() as conn:
            allowed = (
                await fetch_one(
                    conn,
                    "SELECT 1 FROM session_coordinator sc JOIN participant p ON p.id = sc.participant_id "
                    "WHERE p.telegram_id = ? AND sc.session_id = ?",
                    (telegram_id, session_id),
                )
                is not None
            )
            return await load_session(conn, "id", session_id) if allowed else None

    async def runnable_by_participant(self, participant_id: int, session_id: int) -> Session | None:
        """The session, if this participant (by internal id) runs it."""
        async with self.db.reading() as conn:
            row = await fetch_one(
                conn,
                "SELECT 1 FROM session_coordinator WHERE participant_id = ? AND session_id = ?",
                (participant_id, session_id),
            )
            return await load_session(conn, "id", session_id) if row is not None else None

    async def use(self, telegram_id: int, session_id: int) -> None:
        """Make a session the one later commands act on."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE coordinator SET active_session = ? "
                "WHERE participant_id = (SELECT id FROM participant WHERE telegram_id = ?)",
                (session_id, telegram_id),
            )

    async def set_flow(self, telegram_id: int, flow_state: Mapping[str, Any] | None, key: str | None) -> bool:
        """Store where a coordinator is in a wizard (None when it is over); False if already handled.

        Without a key the write belongs to an update already claimed by an earlier write.
        """
        async with self.db.transaction() as conn:
            if key is not None and not await claim_update(conn, key):
                return False
            await conn.execute(
                "UPDATE coordinator SET flow_state = ? "
                "WHERE participant_id = (SELECT id FROM participant WHERE telegram_id = ?)",
                (json.dumps(dict(flow_state)) if flow_state is not None else None, telegram_id),
            )
            return True

    async def set_phase(
        self, session_id: int, phase: Phase, key: str, tell: str | None = None, moment: datetime | None = None
    ) -> bool:
        """Move a session to a phase; with `tell`, an outbox row of that purpose for every participant,
        in the same transaction. False if this update was already handled."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return False
            await conn.execute("UPDATE session SET phase = ? WHERE id = ?", (phase.value, session_id))
            if tell is not None:
                await enqueue(conn, await _to_members(conn, session_id, tell, phase.value, {}, moment))
            return True

    async def send_broadcast(
        self, telegram_id: int, session_id: int, payload: Mapping[str, Any], key: str, moment: datetime
    ) -> int | None:
        """Queue a broadcast for every participant and drop the prepared message, together; how many, or None."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return None
            await conn.execute(
                "UPDATE coordinator SET flow_state = NULL "
                "WHERE participant_id = (SELECT id FROM participant WHERE telegram_id = ?)",
                (telegram_id,),
            )
            period = str(payload["broadcast_id"])
            letters = await _to_members(conn, session_id, BROADCAST, period, payload, moment)
            rows = await fetch_rows(conn, "SELECT id FROM participant WHERE telegram_id = ?", (telegram_id,))
            report = Letter(
                BROADCAST_REPORT, int(rows[0][0]), f"{session_id}:{period}", moment, {**payload, "total": len(letters)}
            )
            await enqueue(conn, [*letters, report])  # the report comes after everyone's message
            return len(letters)

    async def recipients(self, session_id: int) -> list[tuple[int, str | None]]:
        """Telegram id and language of everyone who consented to take part (for notices)."""
        async with self.db.reading() as conn:
            rows = await fetch_rows(
                conn,
                "SELECT p.telegram_id, p.locale FROM membership m JOIN participant p ON p.id = m.participant_id "
                "WHERE m.session_id = ? AND m.consent_at IS NOT NULL AND p.telegram_id IS NOT NULL ORDER BY m.id",
                (session_id,),
            )
        return [(int(row[0]), row[1]) for row in rows]

    async def status(self, session_id: int) -> Status:
        """Counts of participants and ideas, as shown by /status."""
        async with self.db.reading() as conn:
            member_rows = await fetch_rows(
                conn,
                "SELECT m.group_id, p.locale FROM membership m JOIN participant p ON p.id = m.participant_id "
                "WHERE m.session_id = ? AND m.consent_at IS NOT NULL",
                (session_id,),
            )
            vote_rows = await fetch_rows(conn, "SELECT COUNT(*) FROM vote WHERE session_id = ?", (session_id,))
            idea_rows = await fetch_rows(
                conn,
                "SELECT theme_id, duplicate_of, hidden_reason IS NOT NULL, kind, transcription FROM idea "
                "WHERE session_id = ?",
                (session_id,),
            )
        by_group: dict[str | None, int] = {}
        by_language: dict[str | None, int] = {}
        for group_id, locale in member_rows:
            by_group[group_id] = by_group.get(group_id, 0) + 1
            by_language[locale] = by_language.get(locale, 0) + 1
        by_theme: dict[int, int] = {}
        unsorted = hidden = untranscribed = 0
        for theme_id, duplicate_of, is_hidden, kind, transcription in idea_rows:
            if is_hidden:
                hidden += 1
                continue
            if kind == "voice" and transcription is None:
                untranscribed += 1
            if theme_id is not None:
                by_theme[theme_id] = by_theme.get(theme_id, 0) + 1
            elif duplicate_of is None:
                unsorted += 1
        return Status(by_group, by_language, by_theme, unsorted, hidden, untranscribed, int(vote_rows[0][0]))

    # ---- themes ---------------------------------------------------------------------------------

    async def themes(self, session_id: int) -> list[Theme]:
        """A session's themes, in order."""
        async with self.db.reading() as conn:
            return await _themes(conn, session_id)

    async def add_theme(self, session_id: int, name: str, emoji: str | None, key: str) -> Theme | None:
        """A new theme at the end of the list; None if this update was already handled."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return None
            cursor = await conn.execute(
                "INSERT INTO theme (session_id, name, emoji, position, created_at) VALUES "
                "(?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM theme WHERE session_id = ?), ?)",
                (session_id, name, emoji, session_id, utc_now()),
            )
            themes = await _themes(conn, session_id)
        return next(t for t in themes if t.id == cursor.lastrowid)

    async def rename_theme(self, session_id: int, theme_id: int, name: str, key: str) -> bool:
        """Rename a theme of this session."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return False
            cursor = await conn.execute(
                "UPDATE theme SET name = ? WHERE id = ? AND session_id = ?", (name, theme_id, session_id)
            )
            await conn.execute(
                "DELETE FROM content_translation WHERE session_id = ? AND subject = ?",
                (session_id, f"theme:{theme_id}"),
            )
            return cursor.rowcount == 1

    async def remove_theme(self, session_id: int, theme_id: int, key: str) -> bool:
        """Remove a theme; its ideas become unsorted again (never deleted)."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return False
            cursor = await conn.execute("DELETE FROM theme WHERE id = ? AND session_id = ?", (theme_id, session_id))
            await conn.execute(
                "DELETE FROM content_translation WHERE session_id = ? AND subject = ?",
                (session_id, f"theme:{theme_id}"),
            )
            return cursor.rowcount == 1

    # ---- sorting and moderation -----------------------------------------------------------------

    async def next_unsorted(self, session_id: int, after: int = 0) -> IdeaCard | None:
        """The oldest idea not yet sorted, merged or hidden (after a given idea id, to skip one)."""
        async with self.db.reading() as conn:
            return await _card(
                conn,
                "WHERE i.session_id = ? AND i.theme_id IS NULL AND i.duplicate_of IS NULL "
                "AND i.hidden_reason IS NULL AND i.id > ? ORDER BY i.id LIMIT 1",
                (session_id, after),
            )

    async def idea(self, session_id: int, idea_id: int) -> IdeaCard | None:
        """One idea of this session."""
        async with self.db.reading() as conn:
            return await _card(conn, "WHERE i.session_id = ? AND i.id = ?", (session_id, idea_id))

    async def sorted_ideas(self, session_id: int) -> list[IdeaCard]:
        """Ideas that are in a theme and visible (candidates for "duplicate of...")."""
        async with self.db.reading() as conn:
            return await _cards(
                conn,
                "WHERE i.session_id = ? AND i.theme_id IS NOT NULL AND i.hidden_reason IS NULL "
                "AND i.duplicate_of IS NULL ORDER BY i.theme_id, i.id",
                (session_id,),
            )

    async def hidden(self, session_id: int) -> list[IdeaCard]:
        """Hidden ideas, with the reason, so they can be restored."""
        async with self.db.reading() as conn:
            return await _cards(
                conn, "WHERE i.session_id = ? AND i.hidden_reason IS NOT NULL ORDER BY i.id", (session_id,)
            )

    async def sort_into(self, session_id: int, idea_id: int, theme_id: int, key: str) -> bool:
        """Put an idea in a theme of the same session."""
        return await self._change_idea(
            "UPDATE idea SET theme_id = ?, duplicate_of = NULL, updated_at = ? WHERE id = ? AND session_id = ? "
            "AND EXISTS (SELECT 1 FROM theme WHERE id = ? AND session_id = ?)",
            (theme_id, utc_now(), idea_id, session_id, theme_id, session_id),
            key,
        )

    async def merge(self, session_id: int, idea_id: int, original_id: int, key: str) -> bool:
        """Mark an idea a duplicate of another: it keeps its author and counts for the original's theme."""
        return await self._change_idea(
            "UPDATE idea SET duplicate_of = ?, theme_id = (SELECT theme_id FROM idea WHERE id = ? AND session_id = ?), "
            "updated_at = ? WHERE id = ? AND session_id = ? AND id != ? "
            "AND EXISTS (SELECT 1 FROM idea WHERE id = ? AND session_id = ?)",
            (
                original_id,
                original_id,
                session_id,
                utc_now(),
                idea_id,
                session_id,
                original_id,
                original_id,
                session_id,
            ),
            key,
        )

    async def hide(self, session_id: int, idea_id: int, reason: str, key: str) -> bool:
        """Hide an idea from results and exports, with a reason; it is never deleted."""
        return await self._change_idea(
            "UPDATE idea SET hidden_reason = ?, updated_at = ? WHERE id = ? AND session_id = ?",
            (reason, utc_now(), idea_id, session_id),
            key,
        )

    async def restore(self, session_id: int, idea_id: int, key: str) -> bool:
        """Show a hidden idea again."""
        return await self._change_idea(
            "UPDATE idea SET hidden_reason = NULL, updated_at = ? WHERE id = ? AND session_id = ? "
            "AND hidden_reason IS NOT NULL",
            (utc_now(), idea_id, session_id),
            key,
        )

    async def annotate(self, session_id: int, idea_id: int, field: str, text: str, key: str) -> bool:
        """Keep a coordinator's transcription or translation next to the original, never replacing it."""
        queries = {
            "transcription": "UPDATE idea SET transcription = ?, updated_at = ? WHERE id = ? AND session_id = ?",
            "translation": "UPDATE idea SET translation = ?, updated_at = ? WHERE id = ? AND session_id = ?",
        }
        return await self._change_idea(queries[field], (text, utc_now(), idea_id, session_id), key)

    async def _change_idea(self, sql: str, args: tuple[object, ...], key: str) -> bool:
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return False
            cursor = await conn.execute(sql, args)
            return cursor.rowcount == 1

    async def export_ideas(self, session_id: int) -> list[ExportIdea]:
        """Every idea of a session with what an export shows: pseudonym, group, theme, status and time."""
        async with self.db.reading() as conn:
            rows = await fetch_rows(
                conn,
                "SELECT i.id, m.pseudonym, m.group_id, i.language, i.kind, i.text, i.voice_duration, i.transcription, "
                "i.translation, t.name, i.duplicate_of, i.hidden_reason, i.created_at FROM idea i "
                "JOIN membership m ON m.id = i.membership_id JOIN participant p ON p.id = m.participant_id "
                "LEFT JOIN theme t ON t.id = i.theme_id WHERE i.session_id = ? ORDER BY i.id",
                (session_id,),
            )
        return [ExportIdea(*row) for row in rows]

    # ---- translations of what coordinators wrote -------------------------------------------------

    async def translations(self, session_id: int) -> dict[tuple[str, str], str]:
        """Every translation of a session's own texts, by (subject, locale)."""
        async with self.db.reading() as conn:
            rows = await fetch_rows(
                conn, "SELECT subject, locale, text FROM content_translation WHERE session_id = ?", (session_id,)
            )
        return {(str(r[0]), str(r[1])): str(r[2]) for r in rows}

    async def set_translation(self, session_id: int, subject: str, locale: str, text: str, key: str) -> bool:
        """Store (or replace) one translation."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return False
            await conn.execute(
                "INSERT INTO content_translation (session_id, subject, locale, text) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (session_id, subject, locale) DO UPDATE SET text = excluded.text",
                (session_id, subject, locale, text),
            )
            return True


async def _coordinator(conn: aiosqlite.Connection, telegram_id: int) -> CoordinatorRecord | None:
    row = await fetch_one(
        conn,
        "SELECT p.id, p.pseudonym, p.locale, c.active_session, c.flow_state FROM coordinator c "
        "JOIN participant p ON p.id = c.participant_id WHERE p.telegram_id = ?",
        (telegram_id,),
    )
    if row is None:
        return None
    state = json.loads(row[4]) if row[4] else None
    return CoordinatorRecord(Participant(row[0], row[1], row[2]), row[3], state)


async def _make_coordinator(conn: aiosqlite.Connection, telegram_id: int) -> int:
    """The participant id of a (new or existing) coordinator."""
    participant = await ensure_participant(conn, telegram_id)
    await conn.execute(
        "INSERT OR IGNORE INTO coordinator (participant_id, created_at) VALUES (?, ?)", (participant.id, utc_now())
    )
    return participant.id


async def _themes(conn: aiosqlite.Connection, session_id: int) -> list[Theme]:
    rows = await fetch_rows(
        conn, "SELECT id, name, emoji, position FROM theme WHERE session_id = ? ORDER BY position, id", (session_id,)
    )
    return [Theme(int(r[0]), str(r[1]), r[2], int(r[3])) for r in rows]


async def _cards(conn: aiosqlite.Connection, where: str, args: tuple[object, ...]) -> list[IdeaCard]:
    return [IdeaCard(*row) for row in await fetch_rows(conn, _CARD + where, args)]


async def _card(conn: aiosqlite.Connection, where: str, args: tuple[object, ...]) -> IdeaCard | None:
    cards = await _cards(conn, where, args)
    return cards[0] if cards else None


async def _to_members(
    conn: aiosqlite.Connection,
    session_id: int,
    purpose: str,
    period: str,
    payload: Mapping[str, Any],
    moment: datetime | None,
) -> list[Letter]:
    """One outbox row per consented, reachable participant of a session."""
    rows = await fetch_rows(
        conn,
        "SELECT m.participant_id FROM membership m JOIN participant p ON p.id = m.participant_id "
        "WHERE m.session_id = ? AND m.consent_at IS NOT NULL AND p.telegram_id IS NOT NULL AND p.stopped_at IS NULL "
        "ORDER BY m.id",
        (session_id,),
    )
    due = moment or datetime.now(UTC)
    full = {"session": session_id, **payload}
    return [Letter(purpose, int(r[0]), f"{session_id}:{period}", due, full) for r in rows]
