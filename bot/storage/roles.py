"""Who may run what: coordinators, the sessions they own or were invited to, and single-use invites."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import InviteKind, Participant, Session
from bot.storage import people, sessions
from bot.storage.db import Conn, one, rows
from bot.storage.stamps import utc_now


@dataclass(frozen=True)
class Coordinator:
    """A coordinator: who they are, and which session their commands act on."""

    participant: Participant
    active_session: int | None


@dataclass(frozen=True)
class Redeemed:
    """What an accepted invite made of someone."""

    kind: InviteKind
    session_id: int | None


def coordinator(conn: Conn, telegram_id: int) -> Coordinator | None:
    """The coordinator with this Telegram id, if they are one."""
    row = one(
        conn,
        "SELECT p.id, p.pseudonym, p.locale, c.active_session FROM coordinator c "
        "JOIN participant p ON p.id = c.participant_id WHERE p.telegram_id = ?",
        (telegram_id,),
    )
    return None if row is None else Coordinator(Participant(row[0], row[1], row[2]), row[3])


def make_coordinator(conn: Conn, telegram_id: int) -> Coordinator:
    """Make someone a coordinator (admins are, from their first command on)."""
    participant = people.ensure(conn, telegram_id)
    conn.execute(
        "INSERT INTO coordinator (participant_id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (participant.id, utc_now()),
    )
    found = coordinator(conn, telegram_id)
    assert found is not None
    return found


def use(conn: Conn, participant_id: int, session_id: int | None) -> None:
    """Make a session the one the coordinator's later commands act on."""
    conn.execute("UPDATE coordinator SET active_session = ? WHERE participant_id = ?", (session_id, participant_id))


def own(conn: Conn, participant_id: int, session_id: int, role: str = "owner") -> None:
    """Let a coordinator run a session, as its owner or as a co-coordinator."""
    conn.execute(
        "INSERT INTO session_coordinator (session_id, participant_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (session_id, participant_id, role),
    )


def runnable(conn: Conn, participant_id: int, session_id: int) -> Session | None:
    """The session, if this coordinator (by participant id) may run it."""
    allowed = one(
        conn,
        "SELECT 1 FROM session_coordinator WHERE participant_id = ? AND session_id = ?",
        (participant_id, session_id),
    )
    return sessions.by_id(conn, session_id) if allowed is not None else None


def sessions_of(conn: Conn, participant_id: int) -> list[Session]:
    """The sessions this coordinator may run, newest first."""
    found = rows(
        conn,
        "SELECT session_id FROM session_coordinator WHERE participant_id = ? ORDER BY session_id DESC",
        (participant_id,),
    )
    loaded = [sessions.by_id(conn, int(r[0])) for r in found]
    return [s for s in loaded if s is not None]


def of_session(conn: Conn, session_id: int) -> list[int]:
    """Participant ids of everyone who runs a session (for alerts and digests), owner first."""
    found = rows(
        conn,
        "SELECT participant_id FROM session_coordinator WHERE session_id = ? ORDER BY role DESC, participant_id",
        (session_id,),
    )
    return [int(r[0]) for r in found]


def create_invite(conn: Conn, kind: InviteKind, session_id: int | None, token_hash: str, expires_at: str) -> None:
    """Remember an invite by the hash of its token."""
    conn.execute(
        "INSERT INTO invite (token_hash, kind, session_id, expires_at) VALUES (?, ?, ?, ?)",
        (token_hash, kind.value, session_id, expires_at),
    )


def redeem_invite(conn: Conn, telegram_id: int, token_hash: str, now: str) -> Redeemed | None:
    """Use an invite once, before it expires: the person becomes a (co-)coordinator."""
    row = one(
        conn,
        "SELECT kind, session_id FROM invite WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
        (token_hash, now),
    )
    if row is None:
        return None
    conn.execute("UPDATE invite SET used_at = ? WHERE token_hash = ?", (now, token_hash))
    made = make_coordinator(conn, telegram_id)
    kind, session_id = InviteKind(row[0]), row[1]
    if kind is InviteKind.CO_COORDINATOR and session_id is not None:
        own(conn, made.participant.id, session_id, "co")
        use(conn, made.participant.id, session_id)
    return Redeemed(kind, session_id)
