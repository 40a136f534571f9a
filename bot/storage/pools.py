"""Expert pools in the database: creating them, joining and leaving, inviting members, and their statistics."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.domain import Membership, Purpose, Session
from bot.domain.pool import INVITATION_WINDOW_DAYS, Audience, Member, Pool, json_list
from bot.storage import members, sessions
from bot.storage.db import Conn, inserted, one, rows
from bot.storage.outbox import Letter, enqueue
from bot.storage.stamps import iso, utc_now

_POOL = "SELECT id, code, name, region, description, topics, fields, monthly_limit, source_locale FROM pool "
# Every way a pool is looked up, as whole queries.
_POOLS = {
    "id": _POOL + "WHERE id = ?",
    "code": _POOL + "WHERE code = ?",
    "owned": _POOL + "WHERE id = ? AND owner = ?",
    "of_owner": _POOL + "WHERE owner = ? ORDER BY id DESC",
}
_MEMBER = (
    "SELECT m.id, m.pool_id, m.participant_id, p.locale, m.group_id, m.profile, m.consent_at "
    "FROM pool_member m JOIN participant p ON p.id = m.participant_id "
)
_JOINING = (
    "EXISTS (SELECT 1 FROM run r WHERE r.participant_id = m.participant_id AND r.purpose = 'pool' "
    "AND r.subject = m.pool_id AND r.done = 0)"
)
# Every way members are looked up, as whole queries made once when the module loads.
_MEMBERS = {
    "in_pool": _MEMBER + "WHERE m.participant_id = ? AND m.pool_id = ?",
    "of_person": _MEMBER + "WHERE m.participant_id = ? AND m.consent_at IS NOT NULL ORDER BY m.id",
    "invitable": _MEMBER + f"WHERE m.pool_id = ? AND m.consent_at IS NOT NULL AND NOT {_JOINING} "
    "AND p.telegram_id IS NOT NULL AND p.stopped_at IS NULL ORDER BY m.id",
    "by_id": _MEMBER + "WHERE m.id = ?",
    "consented": _MEMBER + "WHERE m.pool_id = ? AND m.consent_at IS NOT NULL ORDER BY m.id",
}


@dataclass(frozen=True)
class Invitation:
    """An invitation as the member's button and the outbox need it."""

    id: int
    pool: Pool
    session_id: int
    member: Member


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
        int(row[0]),
        str(row[1]),
        str(row[2]),
        str(row[3]),
        str(row[4]),
        json_list(row[5]),
        json_list(row[6]),
        row[7],
        row[8],
    )


def _one_pool(conn: Conn, which: str, args: tuple[object, ...]) -> Pool | None:
    row = one(conn, _POOLS[which], args)
    return None if row is None else _pool(row)


def _members(conn: Conn, which: str, args: tuple[object, ...]) -> list[Member]:
    found = []
    for row in rows(conn, _MEMBERS[which], args):
        pool = _one_pool(conn, "id", (int(row[1]),))
        assert pool is not None
        found.append(Member(int(row[0]), pool, int(row[2]), row[3], row[4], json.loads(row[5]), row[6] is not None))
    return found


def _since(moment: datetime) -> str:
    return iso(moment - timedelta(days=INVITATION_WINDOW_DAYS))


# ---- pools -----------------------------------------------------------------------------------------


def create(
    conn: Conn,
    owner: int,
    name: str,
    region: str,
    description: str,
    topics: tuple[str, ...],
    fields: tuple[str, ...],
    monthly_limit: int,
    source_locale: str | None = None,
) -> Pool:
    """A new pool owned by this coordinator (by participant id), with a fresh join code."""
    pool_id = inserted(
        conn,
        "INSERT INTO pool (code, owner, name, region, description, topics, fields, monthly_limit, created_at, "
        "source_locale) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            sessions.free_code(conn, "pool"),
            owner,
            name,
            region,
            description,
            json.dumps(topics),
            json.dumps(fields),
            monthly_limit,
            utc_now(),
            source_locale,
        ),
    )
    found = by_id(conn, pool_id)
    assert found is not None
    return found


def of_owner(conn: Conn, owner: int) -> list[Pool]:
    """The pools this coordinator created, newest first."""
    return [_pool(r) for r in rows(conn, _POOLS["of_owner"], (owner,))]


def owned(conn: Conn, owner: int, pool_id: int) -> Pool | None:
    """The pool, if this coordinator created it."""
    return _one_pool(conn, "owned", (pool_id, owner))


def by_code(conn: Conn, code: str) -> Pool | None:
    """The pool a join link points to."""
    return _one_pool(conn, "code", (code,))


def by_id(conn: Conn, pool_id: int) -> Pool | None:
    """A pool by its internal id."""
    return _one_pool(conn, "id", (pool_id,))


# ---- members ---------------------------------------------------------------------------------------


def member(conn: Conn, participant_id: int, pool_id: int) -> Member | None:
    """This person's place in this pool, if they have one."""
    found = _members(conn, "in_pool", (participant_id, pool_id))
    return found[0] if found else None


def memberships(conn: Conn, participant_id: int) -> list[Member]:
    """The pools this person agreed to be in."""
    return _members(conn, "of_person", (participant_id,))


def start_join(conn: Conn, participant_id: int, pool: Pool, pseudonym: str) -> Member:
    """Begin joining a pool (the person's run holds where they are)."""
    now = utc_now()
    conn.execute(
        "INSERT INTO pool_member (pool_id, participant_id, pseudonym, joined_at, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (pool_id, participant_id) DO UPDATE SET updated_at = excluded.updated_at",
        (pool.id, participant_id, pseudonym, now, now),
    )
    found = member(conn, participant_id, pool.id)
    assert found is not None
    return found


def answer(
    conn: Conn,
    member_id: int,
    consent: bool,
    group_id: str | None,
    profile: Mapping[str, Any] | None,
) -> None:
    """Store what a joining member answered: consent, group and the optional profile."""
    now = utc_now()
    conn.execute(
        "UPDATE pool_member SET updated_at = ?, group_id = COALESCE(?, group_id), profile = COALESCE(?, profile), "
        "consent_at = CASE WHEN ? = 1 THEN COALESCE(consent_at, ?) ELSE consent_at END WHERE id = ?",
        (now, group_id, json.dumps(dict(profile)) if profile is not None else None, consent, now, member_id),
    )


def drop(conn: Conn, member_id: int) -> None:
    """A member leaves (or declined): their row goes, and so do invitations still waiting in the outbox."""
    conn.execute(
        "DELETE FROM outbox WHERE purpose = ? AND status = 'pending' "
        "AND CAST(json_extract(payload, '$.member') AS INTEGER) = ?",
        (Purpose.POOL_INVITE.value, member_id),
    )
    conn.execute("DELETE FROM pool_member WHERE id = ?", (member_id,))


def leave(conn: Conn, participant_id: int, pool_id: int) -> Pool | None:
    """Leave a pool at once: the member and their pending invitations go; None if not in it."""
    found = member(conn, participant_id, pool_id)
    if found is None:
        return None
    drop(conn, found.id)
    conn.execute(
        "DELETE FROM run WHERE participant_id = ? AND purpose = 'pool' AND subject = ?", (participant_id, pool_id)
    )
    return found.pool


# ---- consulting ------------------------------------------------------------------------------------


def reach(conn: Conn, pool: Pool, session_id: int, audience: Audience, moment: datetime) -> Reach:
    """How many members an invitation to this audience would go to, and how many are over their maximum."""
    eligible, over = _audience(conn, pool, session_id, audience, moment)
    return Reach(len(eligible), over)


def invite(conn: Conn, pool: Pool, session: Session, audience: Audience, moment: datetime) -> Reach:
    """Invite an audience of a pool to a session: an invitation and an outbox row per member, skipping who reached
    the pool's monthly maximum."""
    stamp = iso(moment)
    eligible, over = _audience(conn, pool, session.id, audience, moment)
    conn.execute(
        "INSERT INTO pool_consultation (pool_id, session_id, topic, invited_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (pool.id, session.id, audience.topic, stamp),
    )
    letters = []
    for invited in eligible:
        invitation = inserted(
            conn,
            "INSERT INTO pool_invitation (pool_id, session_id, member_id, invited_at) VALUES (?, ?, ?, ?) RETURNING id",
            (pool.id, session.id, invited.id, stamp),
        )
        payload = {"invitation": invitation, "session": session.id, "member": invited.id}
        letters.append(Letter(Purpose.POOL_INVITE, invited.participant_id, str(session.id), moment, payload))
    enqueue(conn, letters)
    return Reach(len(eligible), over)


def invitation(conn: Conn, invitation_id: int) -> Invitation | None:
    """An invitation with its (still present) member."""
    row = one(conn, "SELECT id, session_id, member_id FROM pool_invitation WHERE id = ?", (invitation_id,))
    if row is None or row[2] is None:
        return None
    found = _members(conn, "by_id", (row[2],))
    if not found:
        return None
    return Invitation(int(row[0]), found[0].pool, int(row[1]), found[0])


def accept(conn: Conn, invitation: Invitation, session: Session, pseudonym: str) -> tuple[Membership, bool]:
    """Take up an invitation: join the session (its own consent comes next) and count the response."""
    conn.execute(
        "UPDATE pool_invitation SET accepted_at = COALESCE(accepted_at, ?) WHERE id = ?", (utc_now(), invitation.id)
    )
    group = invitation.member.group_id
    known = group if any(g.id == group for g in session.groups) else None
    return members.enter(conn, invitation.member.participant_id, session, pseudonym, known)


# ---- what coordinators see -------------------------------------------------------------------------


def people_of(conn: Conn, pool_id: int) -> list[Member]:
    """Everyone who agreed to be in the pool (for counts only; never shown one by one)."""
    return _members(conn, "consented", (pool_id,))


def consultations(conn: Conn, pool_id: int) -> list[Consultation]:
    """The sessions the pool was consulted for, oldest first, with invitations sent and taken up."""
    found = rows(
        conn,
        "SELECT s.id, s.title, c.topic, "
        "(SELECT COUNT(*) FROM pool_invitation i WHERE i.pool_id = c.pool_id AND i.session_id = c.session_id), "
        "(SELECT COUNT(accepted_at) FROM pool_invitation i "
        "WHERE i.pool_id = c.pool_id AND i.session_id = c.session_id) "
        "FROM pool_consultation c JOIN session s ON s.id = c.session_id WHERE c.pool_id = ? "
        "ORDER BY c.invited_at, s.id",
        (pool_id,),
    )
    return [Consultation(int(r[0]), str(r[1]), r[2], int(r[3]), int(r[4])) for r in found]


def earlier(conn: Conn, pool_id: int, topic: str, session_id: int) -> int | None:
    """The latest finished consultation of the pool on the same topic, before this one."""
    row = one(
        conn,
        "SELECT c.session_id FROM pool_consultation c JOIN session s ON s.id = c.session_id "
        "WHERE c.pool_id = ? AND c.topic = ? AND c.session_id != ? AND s.phase IN ('closed', 'follow_up') "
        "ORDER BY c.invited_at DESC, c.session_id DESC LIMIT 1",
        (pool_id, topic, session_id),
    )
    return None if row is None else int(row[0])


def topic_of(conn: Conn, pool_id: int, session_id: int) -> str | None:
    """The topic a consultation of the pool was about, if it was chosen by interest."""
    row = one(conn, "SELECT topic FROM pool_consultation WHERE pool_id = ? AND session_id = ?", (pool_id, session_id))
    return None if row is None else row[0]


def _audience(
    conn: Conn, pool: Pool, session_id: int, audience: Audience, moment: datetime
) -> tuple[list[Member], int]:
    """The members an invitation would reach, and how many more it would, but for the monthly maximum.

    Members already invited to this session, or already taking part in it, are left out."""
    candidates = [m for m in _members(conn, "invitable", (pool.id,)) if audience.admits(m.profile)]
    busy = {
        int(r[0])
        for r in rows(
            conn,
            "SELECT m.id FROM pool_member m WHERE m.pool_id = ? AND (EXISTS (SELECT 1 FROM pool_invitation i "
            "WHERE i.member_id = m.id AND i.session_id = ?) OR EXISTS (SELECT 1 FROM membership s "
            "WHERE s.participant_id = m.participant_id AND s.session_id = ?))",
            (pool.id, session_id, session_id),
        )
    }
    counts = {
        int(r[0]): int(r[1])
        for r in rows(
            conn,
            "SELECT i.member_id, COUNT(*) FROM pool_invitation i JOIN pool_member m ON m.id = i.member_id "
            "WHERE m.pool_id = ? AND i.invited_at > ? GROUP BY i.member_id",
            (pool.id, _since(moment)),
        )
    }
    fresh = [m for m in candidates if m.id not in busy]
    eligible = [m for m in fresh if counts.get(m.id, 0) < pool.monthly_limit]
    return eligible, len(fresh) - len(eligible)


# ---- its words in other languages --------------------------------------------------------------------------


def translations_of(conn: Conn, pool_id: int) -> dict[tuple[str, str], str]:
    """Every translation of a pool's words, by (subject, locale)."""
    found = rows(conn, "SELECT subject, locale, text FROM pool_translation WHERE pool_id = ?", (pool_id,))
    return {(str(r[0]), str(r[1])): str(r[2]) for r in found}


def translate(conn: Conn, pool_id: int, subject: str, locale: str, text: str) -> None:
    """Store (or replace) one translation of a pool's words a person wrote or confirmed: no longer a machine's."""
    conn.execute(
        "INSERT INTO pool_translation (pool_id, subject, locale, text) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (pool_id, subject, locale) DO UPDATE SET text = excluded.text, machine = NULL",
        (pool_id, subject, locale, text),
    )


def draft(conn: Conn, pool_id: int, subject: str, locale: str, text: str, machine: str) -> None:
    """A machine's draft of a pool's words, kept only where no person has translated them."""
    conn.execute(
        "INSERT INTO pool_translation (pool_id, subject, locale, text, machine) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (pool_id, subject, locale) DO NOTHING",
        (pool_id, subject, locale, text, machine),
    )


def machine_made(conn: Conn, pool_id: int) -> dict[tuple[str, str], str]:
    """The translations of a pool's words a machine drafted and no person has confirmed yet, with the service."""
    found = rows(
        conn,
        "SELECT subject, locale, machine FROM pool_translation WHERE pool_id = ? AND machine IS NOT NULL",
        (pool_id,),
    )
    return {(str(r[0]), str(r[1])): str(r[2]) for r in found}
