"""Actions, their owners and check-ins, and the outbox rows that keep the year going."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import aiosqlite

from bot.domain import Action, ActionStatus, Cadence, Membership, Progress, Schedule, due_times
from bot.domain.cadence import REMINDER_AFTER
from bot.storage.db import Database
from bot.storage.outbox import CHECKIN, REMINDER, STUCK, UPDATE, Letter, cancel, enqueue
from bot.storage.rows import claim_update, ensure_participant, fetch_one, fetch_rows, load_membership, utc_now

DONE_STATE = {"flow": "checkin", "version": 1, "node": "thanks", "answers": {}, "scratch": {}, "done": True}


@dataclass(frozen=True)
class CheckinRecord:
    """One check-in of an action: when it was due and sent, and what the owner answered."""

    period: int
    due_at: str
    sent_at: str | None
    status: str | None
    help: str | None
    note: str | None
    answered_at: str | None


def _action(row: Any) -> Action:
    hours, minutes = (int(x) for x in str(row[8]).split(":"))
    schedule = Schedule(date.fromisoformat(row[6]), Cadence(row[5]), time(hours, minutes), row[9], int(row[7]))
    return Action(
        id=row[0],
        session_id=row[1],
        title=row[2],
        description=row[3],
        themes=tuple(json.loads(row[4])),
        schedule=schedule,
        status=ActionStatus(row[10]),
        owner=row[11],
        owner_pseudonym=row[12],
    )


# Every way actions are looked up, as whole queries made once when the module loads.
_ACTIONS_BY = {
    "id": (
        "SELECT a.id, a.session_id, a.title, a.description, a.themes, a.cadence, a.start_date, a.months, a.at_time, "
        "a.timezone, a.status, a.owner, m.pseudonym FROM action a "
        "LEFT JOIN membership m ON m.participant_id = a.owner AND m.session_id = a.session_id "
        "WHERE a.id = ?"
    ),
    "session": (
        "SELECT a.id, a.session_id, a.title, a.description, a.themes, a.cadence, a.start_date, a.months, a.at_time, "
        "a.timezone, a.status, a.owner, m.pseudonym FROM action a "
        "LEFT JOIN membership m ON m.participant_id = a.owner AND m.session_id = a.session_id "
        "WHERE a.session_id = ? ORDER BY a.id"
    ),
    "open_invite": (
        "SELECT a.id, a.session_id, a.title, a.description, a.themes, a.cadence, a.start_date, a.months, a.at_time, "
        "a.timezone, a.status, a.owner, m.pseudonym FROM action a "
        "LEFT JOIN membership m ON m.participant_id = a.owner AND m.session_id = a.session_id "
        "WHERE a.invite_hash = ? AND a.owner IS NULL"
    ),
}


async def _load(conn: aiosqlite.Connection, by: str, args: tuple[object, ...]) -> list[Action]:
    return [_action(row) for row in await fetch_rows(conn, _ACTIONS_BY[by], args)]


async def coordinators(conn: aiosqlite.Connection, session_id: int) -> list[int]:
    """Participant ids of everyone who runs a session (for alerts and digests)."""
    rows = await fetch_rows(
        conn,
        "SELECT participant_id FROM session_coordinator WHERE session_id = ? ORDER BY role DESC, participant_id",
        (session_id,),
    )
    return [int(r[0]) for r in rows]


class ActionStore:
    """Every query of the action agenda."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self,
        session_id: int,
        title: str,
        description: str,
        themes: list[int],
        schedule: Schedule,
        invite_hash: str,
        key: str,
    ) -> Action | None:
        """A new action waiting for its owner to accept the invite; None if this update was handled."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return None
            now = utc_now()
            cursor = await conn.execute(
                "INSERT INTO action (session_id, title, description, themes, cadence, start_date, months, "
                "invite_hash, at_time, timezone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    title,
                    description,
                    json.dumps(themes),
                    schedule.cadence.value,
                    schedule.start.isoformat(),
                    schedule.months,
                    invite_hash,
                    schedule.at.strftime("%H:%M"),
                    schedule.timezone,
                    now,
                    now,
                ),
            )
            return (await _load(conn, "id", (cursor.lastrowid,)))[0]

    async def of_session(self, session_id: int) -> list[Action]:
        """A session's actions, oldest first."""
        async with self.db.reading() as conn:
            return await _load(conn, "session", (session_id,))

    async def get(self, action_id: int) -> Action | None:
        """One action."""
        async with self.db.reading() as conn:
            found = await _load(conn, "id", (action_id,))
        return found[0] if found else None

    async def by_invite(self, invite_hash: str) -> Action | None:
        """The action an invite is for, while it has no owner."""
        async with self.db.reading() as conn:
            found = await _load(conn, "open_invite", (invite_hash,))
        return found[0] if found else None

    async def accept(
        self,
        telegram_id: int,
        invite_hash: str,
        at: time,
        dues: list[tuple[int, datetime]],
        key: str,
        moment: datetime,
        pseudonym: str,
    ) -> tuple[Action, Membership] | None:
        """The invited person owns the action: their check-ins for the whole period go into the outbox at once."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return None
            found = await _load(conn, "open_invite", (invite_hash,))
            if not found:
                return None
            action = found[0]
            owner = await ensure_participant(conn, telegram_id)
            now = utc_now()
            await conn.execute(
                "UPDATE action SET owner = ?, invite_hash = NULL, at_time = ?, status = 'active', updated_at = ? "
                "WHERE id = ?",
                (owner.id, at.strftime("%H:%M"), now, action.id),
            )
            await conn.execute(
                "INSERT OR IGNORE INTO membership (session_id, participant_id, pseudonym, consent_at, flow_state, "
                "joined_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (action.session_id, owner.id, pseudonym, now, json.dumps(DONE_STATE), now, now),
            )
            membership = await load_membership(conn, "person_in_session", (action.session_id, owner.id))
            assert membership is not None
            await conn.execute("UPDATE participant SET active_membership = ? WHERE id = ?", (membership.id, owner.id))
            await conn.executemany(
                "INSERT OR IGNORE INTO checkin (action_id, period, due_at) VALUES (?, ?, ?)",
                [(action.id, period, due.isoformat(timespec="seconds")) for period, due in dues],
            )
            await enqueue(conn, _checkin_letters(action.id, owner.id, dues))
            accepted = (await _load(conn, "id", (action.id,)))[0]
            await enqueue(conn, await _updates(conn, accepted, ActionStatus.ACTIVE, moment))
        return accepted, membership

    async def update(
        self,
        action_id: int,
        title: str,
        description: str,
        themes: list[int],
        schedule: Schedule,
        key: str,
        moment: datetime,
    ) -> Action | None:
        """Change an action; a new rhythm replaces the check-ins still to come (answered ones stay)."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return None
            found = await _load(conn, "id", (action_id,))
            if not found:
                return None
            action = found[0]
            await conn.execute(
                "UPDATE action SET title = ?, description = ?, themes = ?, cadence = ?, start_date = ?, "
                "updated_at = ? WHERE id = ?",
                (
                    title,
                    description,
                    json.dumps(themes),
                    schedule.cadence.value,
                    schedule.start.isoformat(),
                    utc_now(),
                    action_id,
                ),
            )
            rhythm_changed = (schedule.cadence, schedule.start) != (action.schedule.cadence, action.schedule.start)
            if rhythm_changed and action.owner is not None and action.status is ActionStatus.ACTIVE:
                await _reschedule(conn, action, schedule, moment)
            return (await _load(conn, "id", (action_id,)))[0]

    async def set_status(self, action_id: int, status: ActionStatus, now: datetime, key: str) -> Action | None:
        """Pause, resume, close or finish an action; pausing or ending cancels its pending check-ins."""
        async with self.db.transaction() as conn:
            if not await claim_update(conn, key):
                return None
            return await _set_status(conn, action_id, status, now)

    async def checkins(self, action_id: int) -> list[CheckinRecord]:
        """An action's check-ins, in order."""
        async with self.db.reading() as conn:
            rows = await fetch_rows(
                conn,
                "SELECT period, due_at, sent_at, status, help, note, answered_at FROM checkin WHERE action_id = ? "
                "ORDER BY period",
                (action_id,),
            )
        return [CheckinRecord(*row) for row in rows]

    async def mark_sent(self, action_id: int, period: int, membership_id: int, state: Mapping[str, Any]) -> None:
        """The check-in question went out: note it, and put the owner at its first question."""
        async with self.db.transaction() as conn:
            now = utc_now()
            await conn.execute(
                "UPDATE checkin SET sent_at = ? WHERE action_id = ? AND period = ?", (now, action_id, period)
            )
            await conn.execute(
                "UPDATE membership SET flow_state = ?, updated_at = ? WHERE id = ?",
                (json.dumps(dict(state)), now, membership_id),
            )

    async def reminded(self, action_id: int, period: int, escalate_to: list[Letter]) -> None:
        """A reminder went out; when this was the second unanswered check-in in a row, tell the coordinators."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE checkin SET reminded_at = ? WHERE action_id = ? AND period = ?",
                (utc_now(), action_id, period),
            )
            await enqueue(conn, escalate_to)

    async def owner_membership(self, action: Action) -> tuple[int, Membership] | None:
        """The owner's Telegram id and their part in the session (where check-ins run)."""
        if action.owner is None:
            return None
        async with self.db.reading() as conn:
            row = await fetch_one(conn, "SELECT telegram_id, stopped_at FROM participant WHERE id = ?", (action.owner,))
            if row is None or row[0] is None:
                return None
            membership = await load_membership(conn, "person_in_session", (action.session_id, action.owner))
        return (int(row[0]), membership) if membership is not None else None

    async def coordinators(self, session_id: int) -> list[int]:
        """Participant ids of the session's coordinators."""
        async with self.db.reading() as conn:
            return await coordinators(conn, session_id)


async def _reschedule(conn: aiosqlite.Connection, action: Action, schedule: Schedule, moment: datetime) -> None:
    """Replace the check-ins still to come with those of a new rhythm, numbered after the ones already sent."""
    assert action.owner is not None
    await cancel(conn, f"action:{action.id}")
    await cancel(conn, f"reminder:{action.id}")
    await conn.execute("DELETE FROM checkin WHERE action_id = ? AND sent_at IS NULL", (action.id,))
    row = await fetch_one(conn, "SELECT COALESCE(MAX(period), 0) FROM checkin WHERE action_id = ?", (action.id,))
    last = int((row or (0,))[0])
    planned = Schedule(schedule.start, schedule.cadence, action.schedule.at, action.schedule.timezone, schedule.months)
    future = [(last + n, due) for n, (_, due) in enumerate((d for d in due_times(planned) if d[1] > moment), 1)]
    await conn.executemany(
        "INSERT INTO checkin (action_id, period, due_at) VALUES (?, ?, ?)",
        [(action.id, period, due.isoformat(timespec="seconds")) for period, due in future],
    )
    await conn.execute(
        "DELETE FROM outbox WHERE status = 'cancelled' AND collapse_key IN (?, ?)",
        (f"action:{action.id}", f"reminder:{action.id}"),
    )
    await enqueue(conn, _checkin_letters(action.id, action.owner, future))


def _checkin_letters(action_id: int, owner: int, dues: list[tuple[int, datetime]]) -> list[Letter]:
    letters = []
    for period, due in dues:
        payload = {"action": action_id, "period": period}
        letters.append(Letter(CHECKIN, owner, f"{action_id}:{period}", due, payload, f"action:{action_id}"))
        letters.append(
            Letter(REMINDER, owner, f"{action_id}:{period}", due + REMINDER_AFTER, payload, f"reminder:{action_id}")
        )
    return letters


async def _set_status(conn: aiosqlite.Connection, action_id: int, status: ActionStatus, now: datetime) -> Action | None:
    found = await _load(conn, "id", (action_id,))
    if not found:
        return None
    action = found[0]
    await conn.execute(
        "UPDATE action SET status = ?, updated_at = ? WHERE id = ?", (status.value, utc_now(), action_id)
    )
    if status is ActionStatus.ACTIVE and action.owner is not None:
        rows = await fetch_rows(
            conn,
            "SELECT period, due_at FROM checkin WHERE action_id = ? AND due_at > ? AND sent_at IS NULL",
            (action_id, now.isoformat(timespec="seconds")),
        )
        future = [(int(r[0]), datetime.fromisoformat(r[1])) for r in rows]
        await conn.execute(
            "DELETE FROM outbox WHERE status = 'cancelled' AND collapse_key IN (?, ?)",
            (f"action:{action_id}", f"reminder:{action_id}"),
        )
        await enqueue(conn, _checkin_letters(action_id, action.owner, future))
    elif status is not ActionStatus.ACTIVE:
        await cancel(conn, f"action:{action_id}")
        await cancel(conn, f"reminder:{action_id}")
    await enqueue(conn, await _updates(conn, action, status, now))
    return (await _load(conn, "id", (action_id,)))[0]


async def record_checkin(
    conn: aiosqlite.Connection, membership: Membership, answer: Mapping[str, Any], now: datetime
) -> None:
    """Store an owner's answer in the caller's transaction, with what it sets off: an alert when stuck,
    the action closed when done."""
    action_id, period = int(answer["action"]), int(answer["period"])
    fields = {k: answer.get(k) for k in ("status", "help", "note", "note_voice")}
    await conn.execute(
        "UPDATE checkin SET status = COALESCE(?, status), help = COALESCE(?, help), note = COALESCE(?, note), "
        "note_voice = COALESCE(?, note_voice), answered_at = ? WHERE action_id = ? AND period = ?",
        (fields["status"], fields["help"], fields["note"], fields["note_voice"], utc_now(), action_id, period),
    )
    stored = await fetch_one(conn, "SELECT status FROM checkin WHERE action_id = ? AND period = ?", (action_id, period))
    if "help" in answer and stored is not None and stored[0] == Progress.STUCK.value:  # asked only when stuck
        letters = [
            Letter(STUCK, coordinator, f"{action_id}:{period}", now, {"action": action_id, "period": period})
            for coordinator in await coordinators(conn, membership.session.id)
        ]
        await enqueue(conn, letters)
    if answer.get("done_confirmed"):
        await _set_status(conn, action_id, ActionStatus.DONE, now)


async def _updates(conn: aiosqlite.Connection, action: Action, status: ActionStatus, now: datetime) -> list[Letter]:
    """Tell participants who asked for it, and gave ideas in or voted for the action's themes (one a week at most)."""
    if not action.themes:
        return []
    themes = json.dumps([str(t) for t in action.themes])
    rows = await fetch_rows(
        conn,
        "SELECT DISTINCT m.participant_id FROM membership m WHERE m.session_id = ? AND m.wants_updates = 1 AND ("
        "EXISTS (SELECT 1 FROM idea i WHERE i.membership_id = m.id "
        "AND CAST(i.theme_id AS TEXT) IN (SELECT value FROM json_each(?))) OR "
        "EXISTS (SELECT 1 FROM vote v, json_each(v.payload) j WHERE v.membership_id = m.id "
        "AND (CAST(j.value AS TEXT) IN (SELECT value FROM json_each(?)) "
        "OR j.key IN (SELECT value FROM json_each(?)))))",
        (action.session_id, themes, themes, themes),
    )
    people = [int(r[0]) for r in rows]
    week = f"{now.isocalendar().year}-W{now.isocalendar().week:02d}"
    payload = {"action": action.id, "status": status.value}
    return [Letter(UPDATE, person, week, now, payload) for person in people]
