"""Expert pools in the database: creating them, joining and leaving, inviting members, and their statistics."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.domain import Membership, Session
from bot.domain.pool import INVITATION_WINDOW_DAYS, Audience, Member, Pool, json_list
from bot.storage.db import Database
from bot.storage.outbox import POOL_INVITE, Letter, enqueue
from bot.storage.rows import (
    claim_update,
    ensure_participant,
    enter_session,
    fetch_one,
    fetch_rows,
    free_code,
    utc_now,
)

# Every way a pool is looked up, as whole queries.
_POOLS = {
    "id": "SELECT id, code, name, region, description, topics, fields, monthly_limit FROM pool WHERE id = ?",
    "code": "SELECT id, code, name, region, description, topics, fields, monthly_limit FROM pool WHERE code = ?",
    "owned": "SELECT id, code, name, region, description, topics, fields, monthly_limit FROM pool "
    "WHERE id = ? AND owner = (SELECT id FROM participant WHERE telegram_id = ?)",
    "of_owner": "SELECT id, code, name, region, description, topics, fields, monthly_limit FROM pool "
    "WHERE owner = (SELECT id FROM participant WHERE telegram_id = ?) ORDER BY id DESC",
}
_MEMBER = (
    "SELECT m.id, m.pool_id, m.participant_id, p.locale, m.group_id, m.profile, m.consent_at, m.flow_state "
    "FROM pool_member m JOIN participant p ON p.id = m.participant_id "
)


@dataclass(frozen=True)
class JoinStep:
    """What one step of joining a pool changes: where the person is (None once joined) and what they answered."""

    flow_state: Mapping[str, Any] | None
    locale: str | None = None
    consent: bool = False
    group_id: str | None = None
    profile: Mapping[str, Any] | None = None
    forget: bool = False


@dataclass(frozen=True)
class Invitation:
    """An invitation as the member's button and the outbox need it."""

    id: int
    pool: Pool
    session_id: int
    member: Member
    telegram_id: int | None


@dataclass(frozen=True)
class Consultation:
    """One session a pool was consulted for, with how many were invited and how many took part."""

    session_id: int
    title: str
    topic: str | None
    invited: int
    accepted: int


@dataclass(frozen=True)
class Reach:
    """How many members an audience holds, and how many of them cannot be invited now (monthly maximum)."""

    eligible: int
    over_limit: int


def _pool(row: Any) -> Pool:
    return Pool(
        int(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]), json_list(row[5]), json_list(row[6]), row[7]
    )


async def _load_pool(conn: aiosqlite.Connection, pool_id: int) -> Pool | None:
    row = await fetch_one(conn, _POOLS["id"], (pool_id,))
    return None if row is None else _pool(row)


async def _members(conn: aiosqlite.Connection, where: str, args: tuple[object, ...]) -> list[Member]:
    found = []
    for row in await fetch_rows(conn, _MEMBERS[where], args):
        pool = await _load_pool(conn, int(row[1]))
        assert pool is not None
        state = json.loads(row[7]) if row[7] else None
        found.append(
            Member(int(row[0]), pool, int(row[2]), row[3], row[4], json.loads(row[5]), row[6] is not None, state)
        )
    return found


# Every way members are looked up, as whole queries made once when the module loads.
_MEMBERS = {
    "joining": _MEMBER + "WHERE p.telegram_id = ? AND m.flow_state IS NOT NULL ORDER BY m.updated_at DESC LIMIT 1",
    "in_pool": _MEMBER + "WHERE p.telegram_id = ? AND m.pool_id = ?",
    "of_person": _MEMBER + "WHERE p.telegram_id = ? AND m.consent_at IS NOT NULL ORDER BY m.id",
    "invitable": _MEMBER + "WHERE m.pool_id = ? AND m.consent_at IS NOT NULL AND m.flow_state IS NULL "
    "AND p.telegram_id IS NOT NULL AND p.stopped_at IS NULL ORDER BY m.id",
    "by_id": _MEMBER + "WHERE m.id = ?",
}


def _since(moment: datetime) -> str:
    return (moment - timedelta(days=INVITATION_WINDOW_DAYS)).isoformat(timespec="seconds")


class PoolStore:
    """Every query expert pools need; each method one read or one write transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ---- pools -----------------------------------------------------------------------------------

    async def create(
        self,
        telegram_id: int,
        name: str,
        region: str,
        description: str,
        topics: tuple[str, ...],
        fields: tuple[str, ...],
        monthly_limit: int,
        key: str,
    ) -> Pool | None:
        """A new pool owned by this coordinator, with a fresh join code; None if this was done before."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return None
            owner = await ensure_participant(conn, telegram_id)
            code = await free_code(conn, "pool")
            cursor = await conn.execute(
                "INSERT INTO pool (code, owner, name, region, description, topics, fields, monthly_limit, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    code,
                    owner.id,
                    name,
                    region,
                    description,
                    json.dumps(topics),
                    json.dumps(fields),
                    monthly_limit,
                    utc_now(),
                ),
            )
            assert cursor.lastrowid is not None
            return await _load_pool(conn, cursor.lastrowid)

    async def pools_of(self, telegram_id: int) -> list[Pool]:
        """The pools this coordinator created, newest first."""
        async with self.db.reading() as conn:
            rows = await fetch_rows(conn, _POOLS["of_owner"], (telegram_id,))
        return [_pool(r) for r in rows]

    async def owned(self, telegram_id: int, pool_id: int) -> Pool | None:
        """The pool, if this coordinator created it."""
        async with self.db.reading() as conn:
            row = await fetch_one(conn, _POOLS["owned"], (pool_id, telegram_id))
        return None if row is None else _pool(row)

    async def by_code(self, code: str) -> Pool | None:
        """The pool a join link points to."""
        async with self.db.reading() as conn:
            row = await fetch_one(conn, _POOLS["code"], (code,))
        return None if row is None else _pool(row)

    async def by_id(self, pool_id: int) -> Pool | None:
        """A pool by its internal id."""
        async with self.db.reading() as conn:
            return await _load_pool(conn, pool_id)

    # ---- members ---------------------------------------------------------------------------------

    async def joining(self, telegram_id: int) -> Member | None:
        """The pool this person is in the middle of joining, if any."""
        async with self.db.reading() as conn:
            found = await _members(conn, "joining", (telegram_id,))
        return found[0] if found else None

    async def member(self, telegram_id: int, pool_id: int) -> Member | None:
        """This person's place in this pool, if they have one."""
        async with self.db.reading() as conn:
            found = await _members(conn, "in_pool", (telegram_id, pool_id))
        return found[0] if found else None

    async def memberships(self, telegram_id: int) -> list[Member]:
        """The pools this person agreed to be in."""
        async with self.db.reading() as conn:
            return await _members(conn, "of_person", (telegram_id,))

    async def start_join(
        self, telegram_id: int, pool: Pool, flow_state: Mapping[str, Any], pseudonym: str, key: str
    ) -> Member | None:
        """Begin joining a pool (the first question is asked next); None if this update was already handled."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return None
            participant = await ensure_participant(conn, telegram_id)
            now = utc_now()
            await conn.execute(
                "INSERT INTO pool_member (pool_id, participant_id, pseudonym, flow_state, joined_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (pool_id, participant_id) DO UPDATE SET "
                "flow_state = excluded.flow_state, updated_at = excluded.updated_at",
                (pool.id, participant.id, pseudonym, json.dumps(dict(flow_state)), now, now),
            )
            found = await _members(conn, "in_pool", (telegram_id, pool.id))
        return found[0]

    async def step_join(self, member: Member, step: JoinStep, key: str) -> bool:
        """Store one step of joining, all of it or nothing; False if this update was already handled."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return False
            if step.forget:
                await _drop_member(conn, member.id)
                await conn.execute(
                    "DELETE FROM participant WHERE id = ? AND NOT EXISTS "
                    "(SELECT 1 FROM membership WHERE participant_id = ?) AND NOT EXISTS "
                    "(SELECT 1 FROM pool_member WHERE participant_id = ?) AND NOT EXISTS "
                    "(SELECT 1 FROM coordinator WHERE participant_id = ?)",
                    (member.participant_id,) * 4,
                )
                return True
            now = utc_now()
            state = json.dumps(dict(step.flow_state)) if step.flow_state is not None else None
            await conn.execute(
                "UPDATE pool_member SET flow_state = ?, updated_at = ?, group_id = COALESCE(?, group_id), "
                "profile = COALESCE(?, profile), "
                "consent_at = CASE WHEN ? THEN COALESCE(consent_at, ?) ELSE consent_at END WHERE id = ?",
                (
                    state,
                    now,
                    step.group_id,
                    json.dumps(dict(step.profile)) if step.profile is not None else None,
                    step.consent,
                    now,
                    member.id,
                ),
            )
            if step.locale is not None:
                await conn.execute(
                    "UPDATE participant SET locale = ?, updated_at = ? WHERE id = ?",
                    (step.locale, now, member.participant_id),
                )
            return True

    async def leave(self, telegram_id: int, pool_id: int, key: str) -> Pool | None:
        """Leave a pool at once: the member and their pending invitations go; None if not in it (or done before)."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return None
            found = await _members(conn, "in_pool", (telegram_id, pool_id))
            if not found:
                return None
            await _drop_member(conn, found[0].id)
            return found[0].pool

    # ---- consulting ------------------------------------------------------------------------------

    async def reach(self, pool: Pool, session_id: int, audience: Audience, moment: datetime) -> Reach:
        """How many members an invitation to this audience would go to, and how many are over their maximum."""
        async with self.db.reading() as conn:
            eligible, over = await _audience(conn, pool, session_id, audience, moment)
        return Reach(len(eligible), over)

    async def invite(
        self, pool: Pool, session: Session, audience: Audience, moment: datetime, key: str
    ) -> Reach | None:
        """Invite an audience of a pool to a session: an invitation and an outbox row per member, in one
        transaction, skipping who reached the pool's monthly maximum. None if this was done before."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return None
            stamp = moment.isoformat(timespec="seconds")
            eligible, over = await _audience(conn, pool, session.id, audience, moment)
            await conn.execute(
                "INSERT OR IGNORE INTO pool_consultation (pool_id, session_id, topic, invited_at) VALUES (?, ?, ?, ?)",
                (pool.id, session.id, audience.topic, stamp),
            )
            letters = []
            for member in eligible:
                cursor = await conn.execute(
                    "INSERT INTO pool_invitation (pool_id, session_id, member_id, invited_at) VALUES (?, ?, ?, ?)",
                    (pool.id, session.id, member.id, stamp),
                )
                payload = {"invitation": cursor.lastrowid, "session": session.id, "member": member.id}
                letters.append(Letter(POOL_INVITE, member.participant_id, str(session.id), moment, payload))
            await enqueue(conn, letters)
            return Reach(len(eligible), over)

    async def invitation(self, invitation_id: int) -> Invitation | None:
        """An invitation with its (still present) member."""
        async with self.db.reading() as conn:
            row = await fetch_one(
                conn,
                "SELECT i.id, i.session_id, i.member_id, p.telegram_id FROM pool_invitation i "
                "JOIN pool_member m ON m.id = i.member_id JOIN participant p ON p.id = m.participant_id WHERE i.id = ?",
                (invitation_id,),
            )
            if row is None:
                return None
            members = await _members(conn, "by_id", (row[2],))
        member = members[0]
        return Invitation(int(row[0]), member.pool, int(row[1]), member, row[3])

    async def accept(
        self, invitation: Invitation, session: Session, flow_state: Mapping[str, Any], pseudonym: str, key: str
    ) -> tuple[Membership, bool] | None:
        """Take up an invitation: join the session (its own consent comes next) and count the response."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return None
            await conn.execute(
                "UPDATE pool_invitation SET accepted_at = COALESCE(accepted_at, ?) WHERE id = ?",
                (utc_now(), invitation.id),
            )
            group = invitation.member.group_id
            known = group if any(g.id == group for g in session.groups) else None
            return await enter_session(conn, invitation.member.participant_id, session, flow_state, pseudonym, known)

    # ---- what coordinators see -------------------------------------------------------------------

    async def people(self, pool_id: int) -> list[Member]:
        """Everyone who agreed to be in the pool (for counts only; never shown one by one)."""
        async with self.db.reading() as conn:
            return await _members(conn, "consented", (pool_id,))

    async def consultations(self, pool_id: int) -> list[Consultation]:
        """The sessions the pool was consulted for, oldest first, with invitations sent and taken up."""
        async with self.db.reading() as conn:
            rows = await fetch_rows(
                conn,
                "SELECT s.id, s.title, c.topic, "
                "(SELECT COUNT(*) FROM pool_invitation i WHERE i.pool_id = c.pool_id AND i.session_id = c.session_id), "
                "(SELECT COUNT(accepted_at) FROM pool_invitation i "
                "WHERE i.pool_id = c.pool_id AND i.session_id = c.session_id) "
                "FROM pool_consultation c JOIN session s ON s.id = c.session_id WHERE c.pool_id = ? "
                "ORDER BY c.invited_at, s.id",
                (pool_id,),
            )
        return [Consultation(int(r[0]), str(r[1]), r[2], int(r[3]), int(r[4])) for r in rows]

    async def earlier(self, pool_id: int, topic: str, session_id: int) -> int | None:
        """The latest finished consultation of the pool on the same topic, before this one."""
        async with self.db.reading() as conn:
            row = await fetch_one(
                conn,
                "SELECT c.session_id FROM pool_consultation c JOIN session s ON s.id = c.session_id "
                "WHERE c.pool_id = ? AND c.topic = ? AND c.session_id != ? AND s.phase IN ('closed', 'follow_up') "
                "ORDER BY c.invited_at DESC, c.session_id DESC LIMIT 1",
                (pool_id, topic, session_id),
            )
        return None if row is None else int(row[0])

    async def topic_of(self, pool_id: int, session_id: int) -> str | None:
        """The topic a consultation of the pool was about, if it was chosen by interest."""
        async with self.db.reading() as conn:
            row = await fetch_one(
                conn, "SELECT topic FROM pool_consultation WHERE pool_id = ? AND session_id = ?", (pool_id, session_id)
            )
        return None if row is None else row[0]


_MEMBERS["consented"] = _MEMBER + "WHERE m.pool_id = ? AND m.consent_at IS NOT NULL ORDER BY m.id"


async def _audience(
    conn: aiosqlite.Connection, pool: Pool, session_id: int, audience: Audience, moment: datetime
) -> tuple[list[Member], int]:
    """The members an invitation would reach, and how many more it would, but for the monthly maximum.

    Members already invited to this session, or already taking part in it, are left out."""
    candidates = [m for m in await _members(conn, "invitable", (pool.id,)) if audience.admits(m.profile)]
    busy = {
        int(r[0])
        for r in await fetch_rows(
            conn,
            "SELECT m.id FROM pool_member m WHERE m.pool_id = ? AND (EXISTS (SELECT 1 FROM pool_invitation i "
            "WHERE i.member_id = m.id AND i.session_id = ?) OR EXISTS (SELECT 1 FROM membership s "
            "WHERE s.participant_id = m.participant_id AND s.session_id = ?))",
            (pool.id, session_id, session_id),
        )
    }
    counts = {
        int(r[0]): int(r[1])
        for r in await fetch_rows(
            conn,
            "SELECT i.member_id, COUNT(*) FROM pool_invitation i JOIN pool_member m ON m.id = i.member_id "
            "WHERE m.pool_id = ? AND i.invited_at > ? GROUP BY i.member_id",
            (pool.id, _since(moment)),
        )
    }
    fresh = [m for m in candidates if m.id not in busy]
    eligible = [m for m in fresh if counts.get(m.id, 0) < pool.monthly_limit]
    return eligible, len(fresh) - len(eligible)


async def _drop_member(conn: aiosqlite.Connection, member_id: int) -> None:
    """A member leaves: their row goes, and so do invitations still waiting in the outbox."""
    await conn.execute(
        "UPDATE outbox SET status = 'cancelled', updated_at = ? WHERE purpose = ? AND status = 'pending' "
        "AND json_extract(payload, '$.member') = ?",
        (utc_now(), POOL_INVITE, member_id),
    )
    await conn.execute("DELETE FROM pool_member WHERE id = ?", (member_id,))
