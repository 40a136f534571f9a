"""People's part in sessions: joining, their group and consent, and who can be reached."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.domain import Membership, Participant, Session
from bot.storage import sessions
from bot.storage.db import Conn, one, rows
from bot.storage.stamps import utc_now

_MEMBER = (
    "SELECT m.id, m.session_id, m.group_id, m.consent_at, p.id, COALESCE(m.pseudonym, p.pseudonym), p.locale "
    "FROM membership m JOIN participant p ON p.id = m.participant_id "
)
# Every way a membership is looked up, as whole queries made once when the module loads.
_BY = {
    "id": _MEMBER + "WHERE m.id = ?",
    "person_in_session": _MEMBER + "WHERE m.session_id = ? AND m.participant_id = ?",
}


def _membership(conn: Conn, row: Any, session: Session | None = None) -> Membership:
    found = session or sessions.by_id(conn, int(row[1]))
    assert found is not None
    return Membership(
        id=row[0],
        session=found,
        participant=Participant(row[4], row[5], row[6]),
        group_id=row[2],
        consented=bool(row[3]),
    )


def of(conn: Conn, participant_id: int, session_id: int, session: Session | None = None) -> Membership | None:
    """A person's part in a session, by internal ids."""
    row = one(conn, _BY["person_in_session"], (session_id, participant_id))
    return None if row is None else _membership(conn, row, session)


def by_id(conn: Conn, membership_id: int) -> Membership | None:
    """A membership by its id."""
    row = one(conn, _BY["id"], (membership_id,))
    return None if row is None else _membership(conn, row)


def enter(
    conn: Conn, participant_id: int, session: Session, pseudonym: str, group_id: str | None = None
) -> tuple[Membership, bool]:
    """Join a session, or come back to it (True when new)."""
    now = utc_now()
    # Opening a session's link leaves an unfinished pool join: what was consented to stays, the rest goes.
    conn.execute("DELETE FROM run WHERE participant_id = ? AND purpose = 'pool' AND done = 0", (participant_id,))
    conn.execute("DELETE FROM pool_member WHERE participant_id = ? AND consent_at IS NULL", (participant_id,))
    inserted = conn.execute(
        "INSERT INTO membership (session_id, participant_id, pseudonym, group_id, joined_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (session.id, participant_id, pseudonym, group_id, now, now),
    )
    membership = of(conn, participant_id, session.id, session)
    assert membership is not None
    return membership, inserted.rowcount == 1


def agree(conn: Conn, membership_id: int, consent_at: str | None = None) -> None:
    """The person agreed to take part (the first agreement counts)."""
    now = utc_now()
    conn.execute(
        "UPDATE membership SET consent_at = COALESCE(consent_at, ?), updated_at = ? WHERE id = ?",
        (consent_at or now, now, membership_id),
    )


def set_group(conn: Conn, membership_id: int, group_id: str) -> None:
    """The group the person said they belong to."""
    conn.execute(
        "UPDATE membership SET group_id = ?, updated_at = ? WHERE id = ?", (group_id, utc_now(), membership_id)
    )


def wants_updates(conn: Conn, membership_id: int) -> None:
    """The person asked to hear what becomes of the ideas."""
    conn.execute("UPDATE membership SET wants_updates = 1 WHERE id = ?", (membership_id,))


def leave(conn: Conn, membership_id: int) -> None:
    """Remove a person's part in a session (they declined consent: nothing is kept)."""
    conn.execute("DELETE FROM membership WHERE id = ?", (membership_id,))


def reachable(conn: Conn, session_id: int) -> list[int]:
    """Participant ids of everyone who consented and can still be messaged, in the order they joined."""
    found = rows(
        conn,
        "SELECT m.participant_id FROM membership m JOIN participant p ON p.id = m.participant_id "
        "WHERE m.session_id = ? AND m.consent_at IS NOT NULL AND p.telegram_id IS NOT NULL AND p.stopped_at IS NULL "
        "ORDER BY m.id",
        (session_id,),
    )
    return [int(r[0]) for r in found]


def reach(conn: Conn, session_id: int, purpose: str, period: str) -> tuple[int, int, int]:
    """Of everyone who consented: how many were sent a mass message (by its outbox purpose and period) and can
    still be messaged, how many cannot be (stopped or blocked the bot), and how many messages are still on their way
    to them (the message itself, or a notice a job journaled from it)."""
    found = one(
        conn,
        "SELECT "
        "COUNT(CASE WHEN p.stopped_at IS NULL AND EXISTS (SELECT 1 FROM outbox o WHERE o.purpose = ? "
        "AND o.period = ? AND o.recipient = m.participant_id AND o.status = 'sent') THEN 1 END), "
        "COUNT(CASE WHEN p.stopped_at IS NOT NULL THEN 1 END), "
        "(SELECT COUNT(*) FROM outbox o JOIN membership w ON w.participant_id = o.recipient WHERE w.session_id = ? "
        "AND o.status IN ('pending', 'sending') AND (o.purpose = 'notice' OR (o.purpose = ? AND o.period = ?))) "
        "FROM membership m JOIN participant p ON p.id = m.participant_id "
        "WHERE m.session_id = ? AND m.consent_at IS NOT NULL AND p.telegram_id IS NOT NULL",
        (purpose, period, session_id, purpose, period, session_id),
    )
    assert found is not None
    return int(found[0]), int(found[1]), int(found[2])


def locales_of(conn: Conn, session_id: int) -> list[str | None]:
    """The language of everyone who consented (to ask a broadcast's translations)."""
    found = rows(
        conn,
        "SELECT p.locale FROM membership m JOIN participant p ON p.id = m.participant_id "
        "WHERE m.session_id = ? AND m.consent_at IS NOT NULL AND p.telegram_id IS NOT NULL ORDER BY m.id",
        (session_id,),
    )
    return [r[0] for r in found]


def taken_part(conn: Conn, participant_id: int) -> list[tuple[int, int]]:
    """(membership id, session id) of every session a person consented to, oldest first."""
    found = rows(
        conn,
        "SELECT id, session_id FROM membership WHERE participant_id = ? AND consent_at IS NOT NULL "
        "ORDER BY joined_at, id",
        (participant_id,),
    )
    return [(int(r[0]), int(r[1])) for r in found]


@dataclass(frozen=True)
class MemberRecord:
    """A member of a session as coordinators may know them."""

    pseudonym: str
    group_id: str | None
    locale: str | None
    consented: bool


def members(conn: Conn, session_id: int) -> list[MemberRecord]:
    """Everyone in a session, by pseudonym, with group, language and whether they consented."""
    found = rows(
        conn,
        "SELECT m.pseudonym, m.group_id, p.locale, m.consent_at IS NOT NULL FROM membership m "
        "JOIN participant p ON p.id = m.participant_id WHERE m.session_id = ? ORDER BY m.id",
        (session_id,),
    )
    return [MemberRecord(r[0], r[1], r[2], bool(r[3])) for r in found]


def counts(conn: Conn, session_id: int) -> tuple[dict[str | None, int], dict[str | None, int]]:
    """How many who consented are in each group, and speak each language (for /status)."""
    by_group: dict[str | None, int] = {}
    by_language: dict[str | None, int] = {}
    for group_id, locale in rows(
        conn,
        "SELECT m.group_id, p.locale FROM membership m JOIN participant p ON p.id = m.participant_id "
        "WHERE m.session_id = ? AND m.consent_at IS NOT NULL",
        (session_id,),
    ):
        by_group[group_id] = by_group.get(group_id, 0) + 1
        by_language[locale] = by_language.get(locale, 0) + 1
    return by_group, by_language
