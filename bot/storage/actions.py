"""Actions, their owners and check-ins, and the outbox rows that keep the year going."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.domain import YEAR_END_GRACE, Action, ActionStatus, Cadence, Ending, Progress, Purpose, Schedule, due_times
from bot.domain.cadence import REMINDER_AFTER
from bot.storage import people, roles
from bot.storage.db import Conn, inserted, one, rows
from bot.storage.outbox import Letter, cancel, enqueue
from bot.storage.stamps import iso, utc_now


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
    note_voice: str | None = None  # a spoken note, by its Telegram file id
    help_voice: str | None = None  # a spoken answer to "what would help?", likewise
    note_translation: str | None = None  # the note in the session's language, by machine
    help_translation: str | None = None
    translation_machine: str | None = None  # the service that translated them


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
        owner_unreachable=bool(row[13]),
        ending=Ending(row[14]) if row[14] else None,
    )


_ACTION = (
    "SELECT a.id, a.session_id, a.title, a.description, a.themes, a.cadence, a.start_date, a.months, a.at_time, "
    "a.timezone, a.status, a.owner, m.pseudonym, "
    "a.owner IS NOT NULL AND (o.telegram_id IS NULL OR o.stopped_at IS NOT NULL), a.ending FROM action a "
    "LEFT JOIN membership m ON m.participant_id = a.owner AND m.session_id = a.session_id "
    "LEFT JOIN participant o ON o.id = a.owner "
)
# Every way actions are looked up, as whole queries made once when the module loads.
_BY = {
    "id": _ACTION + "WHERE a.id = ?",
    "session": _ACTION + "WHERE a.session_id = ? ORDER BY a.id",
    "open_invite": _ACTION + "WHERE a.invite_hash = ? AND a.owner IS NULL",
    "owner": _ACTION + "WHERE a.owner = ? ORDER BY a.id",
}


def _load(conn: Conn, by: str, args: tuple[object, ...]) -> list[Action]:
    return [_action(row) for row in rows(conn, _BY[by], args)]


def create(
    conn: Conn, session_id: int, title: str, description: str, themes: list[int], schedule: Schedule, invite_hash: str
) -> Action:
    """A new action waiting for its owner to accept the invite."""
    now = utc_now()
    action_id = inserted(
        conn,
        "INSERT INTO action (session_id, title, description, themes, cadence, start_date, months, invite_hash, "
        "at_time, timezone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
    return _load(conn, "id", (action_id,))[0]


def of_session(conn: Conn, session_id: int) -> list[Action]:
    """A session's actions, oldest first."""
    return _load(conn, "session", (session_id,))


def get(conn: Conn, action_id: int) -> Action | None:
    """One action."""
    found = _load(conn, "id", (action_id,))
    return found[0] if found else None


def by_invite(conn: Conn, invite_hash: str) -> Action | None:
    """The action an invite is for, while it has no owner."""
    found = _load(conn, "open_invite", (invite_hash,))
    return found[0] if found else None


def accept(
    conn: Conn, owner: int, action: Action, at: time, dues: list[tuple[int, datetime]], moment: datetime, pseudonym: str
) -> Action:
    """The invited person owns the action: their check-ins for the whole period go into the outbox at once."""
    now = utc_now()
    conn.execute(
        "UPDATE action SET owner = ?, invite_hash = NULL, at_time = ?, status = 'active', updated_at = ? WHERE id = ?",
        (owner, at.strftime("%H:%M"), now, action.id),
    )
    conn.execute(
        "INSERT INTO membership (session_id, participant_id, pseudonym, consent_at, joined_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (action.session_id, owner, pseudonym, now, now, now),
    )
    conn.executemany(
        "INSERT INTO checkin (action_id, period, due_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [(action.id, period, iso(due)) for period, due in dues],
    )
    enqueue(conn, _checkin_letters(action.id, owner, dues))
    accepted = _load(conn, "id", (action.id,))[0]
    _tell_followers(conn, accepted, ActionStatus.ACTIVE, moment)
    return accepted


def update(
    conn: Conn, action_id: int, title: str, description: str, themes: list[int], schedule: Schedule, moment: datetime
) -> Action | None:
    """Change an action; a new rhythm replaces the check-ins still to come (answered ones stay)."""
    found = _load(conn, "id", (action_id,))
    if not found:
        return None
    action = found[0]
    conn.execute(
        "UPDATE action SET title = ?, description = ?, themes = ?, cadence = ?, start_date = ?, updated_at = ? "
        "WHERE id = ?",
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
        _reschedule(conn, action, schedule, moment)
    return _load(conn, "id", (action_id,))[0]


def checkins(conn: Conn, action_id: int) -> list[CheckinRecord]:
    """An action's check-ins, in order."""
    found = rows(
        conn,
        "SELECT period, due_at, sent_at, status, help, note, answered_at, note_voice, help_voice, note_translation, "
        "help_translation, translation_machine FROM checkin WHERE action_id = ? "
        "ORDER BY period",
        (action_id,),
    )
    return [CheckinRecord(*row) for row in found]


def spoken_answer(conn: Conn, session_id: int, action_id: int, period: int) -> str | None:
    """The file id of an owner's spoken answer at a check-in of one of the session's actions (their note, else
    what would help)."""
    row = one(
        conn,
        "SELECT COALESCE(c.note_voice, c.help_voice) FROM checkin c JOIN action a ON a.id = c.action_id "
        "WHERE a.session_id = ? AND c.action_id = ? AND c.period = ?",
        (session_id, action_id, period),
    )
    return None if row is None or row[0] is None else str(row[0])


def mark_sent(conn: Conn, action_id: int, period: int, moment: datetime) -> None:
    """The check-in question went out at `moment`; its reminder comes a set time after that (after downtime the
    question is late, and the reminder must not follow it within the minute)."""
    conn.execute("UPDATE checkin SET sent_at = ? WHERE action_id = ? AND period = ?", (iso(moment), action_id, period))
    conn.execute(
        "UPDATE outbox SET due_at = ? WHERE purpose = ? AND period = ? AND status = 'pending' AND due_at < ?",
        (
            iso(moment + REMINDER_AFTER),
            Purpose.REMINDER.value,
            f"{action_id}:{period}",
            iso(moment + REMINDER_AFTER),
        ),
    )


def is_last(conn: Conn, action_id: int, period: int) -> bool:
    """Whether this check-in is the last of the action's year."""
    row = one(conn, "SELECT MAX(period) FROM checkin WHERE action_id = ?", (action_id,))
    return row is not None and row[0] == period


def end_year(conn: Conn, action_id: int, ending: Ending, now: datetime) -> Action | None:
    """The action's year is over: it ends with how it went, and its coordinators and followers hear it (once)."""
    cursor = conn.execute(
        "UPDATE action SET ending = ?, updated_at = ? WHERE id = ? AND ending IS NULL AND status IN (?, ?)",
        (ending.value, utc_now(), action_id, ActionStatus.ACTIVE.value, ActionStatus.PAUSED.value),
    )
    if cursor.rowcount != 1:
        return None
    ended = set_status(conn, action_id, ending.status, now)
    if ended is not None:
        payload = {"action": action_id}
        enqueue(
            conn,
            [
                Letter(Purpose.YEAR_ENDED, coordinator, f"{action_id}:ended", now, payload)
                for coordinator in roles.of_session(conn, ended.session_id)
            ],
        )
    return ended


def reminded(conn: Conn, action_id: int, period: int) -> None:
    """A reminder went out."""
    conn.execute(
        "UPDATE checkin SET reminded_at = ? WHERE action_id = ? AND period = ?", (utc_now(), action_id, period)
    )


def owner_reachable(conn: Conn, action: Action) -> bool:
    """Whether the action's owner can still be messaged."""
    if action.owner is None:
        return False
    row = one(conn, "SELECT telegram_id, stopped_at FROM participant WHERE id = ?", (action.owner,))
    return row is not None and row[0] is not None and row[1] is None


def owned_by(conn: Conn, participant_id: int) -> list[Action]:
    """The actions a person owns that still run or wait (a paused one may run again)."""
    return [
        a for a in _load(conn, "owner", (participant_id,)) if a.status in (ActionStatus.ACTIVE, ActionStatus.PAUSED)
    ]


def _reschedule(conn: Conn, action: Action, schedule: Schedule, moment: datetime) -> None:
    """Replace the check-ins still to come with those of a new rhythm, numbered after the ones already sent."""
    assert action.owner is not None
    cancel(conn, f"action:{action.id}")
    cancel(conn, f"reminder:{action.id}")
    conn.execute("DELETE FROM checkin WHERE action_id = ? AND sent_at IS NULL", (action.id,))
    row = one(conn, "SELECT COALESCE(MAX(period), 0) FROM checkin WHERE action_id = ?", (action.id,))
    last = int((row or (0,))[0])
    planned = Schedule(schedule.start, schedule.cadence, action.schedule.at, action.schedule.timezone, schedule.months)
    future = [(last + n, due) for n, (_, due) in enumerate((d for d in due_times(planned) if d[1] > moment), 1)]
    conn.executemany(
        "INSERT INTO checkin (action_id, period, due_at) VALUES (?, ?, ?)",
        [(action.id, period, iso(due)) for period, due in future],
    )
    _drop_cancelled(conn, action.id)
    enqueue(conn, _checkin_letters(action.id, action.owner, future))


def _drop_cancelled(conn: Conn, action_id: int) -> None:
    conn.execute(
        "DELETE FROM outbox WHERE status = 'cancelled' AND collapse_key IN (?, ?)",
        (f"action:{action_id}", f"reminder:{action_id}"),
    )


def _checkin_letters(action_id: int, owner: int, dues: list[tuple[int, datetime]]) -> list[Letter]:
    """The check-ins still to come with their reminders, and the year's close in case the last one is not answered."""
    letters = []
    if dues:
        end = dues[-1][1] + timedelta(days=YEAR_END_GRACE)
        payload = {"action": action_id}
        letters.append(Letter(Purpose.YEAR_END, owner, f"{action_id}:year", end, payload, f"action:{action_id}"))
    for period, due in dues:
        payload = {"action": action_id, "period": period}
        letters.append(Letter(Purpose.CHECKIN, owner, f"{action_id}:{period}", due, payload, f"action:{action_id}"))
        letters.append(
            Letter(
                Purpose.REMINDER, owner, f"{action_id}:{period}", due + REMINDER_AFTER, payload, f"reminder:{action_id}"
            )
        )
    return letters


def set_status(conn: Conn, action_id: int, status: ActionStatus, now: datetime) -> Action | None:
    """Pause, resume, close or finish an action; pausing or ending cancels its pending check-ins."""
    found = _load(conn, "id", (action_id,))
    if not found:
        return None
    action = found[0]
    conn.execute("UPDATE action SET status = ?, updated_at = ? WHERE id = ?", (status.value, utc_now(), action_id))
    if status is ActionStatus.ACTIVE and action.owner is not None:
        future = [
            (int(r[0]), datetime.fromisoformat(r[1]))
            for r in rows(
                conn,
                "SELECT period, due_at FROM checkin WHERE action_id = ? AND due_at > ? AND sent_at IS NULL",
                (action_id, iso(now)),
            )
        ]
        _drop_cancelled(conn, action_id)
        enqueue(conn, _checkin_letters(action_id, action.owner, future))
    elif status is not ActionStatus.ACTIVE:
        cancel(conn, f"action:{action_id}")
        cancel(conn, f"reminder:{action_id}")
    _tell_followers(conn, action, status, now)
    return _load(conn, "id", (action_id,))[0]


def record_answer(conn: Conn, session_id: int, answer: Mapping[str, Any], now: datetime) -> None:
    """Store an owner's answer to a check-in, with what it sets off: an alert when stuck, the action closed when
    done."""
    action_id, period = int(answer["action"]), int(answer["period"])
    fields = {k: answer.get(k) for k in ("status", "help", "note", "note_voice", "help_voice")}
    conn.execute(
        "UPDATE checkin SET status = COALESCE(?, status), help = COALESCE(?, help), note = COALESCE(?, note), "
        "note_voice = COALESCE(?, note_voice), help_voice = COALESCE(?, help_voice), answered_at = ? "
        "WHERE action_id = ? AND period = ?",
        (
            fields["status"],
            fields["help"],
            fields["note"],
            fields["note_voice"],
            fields["help_voice"],
            iso(now),
            action_id,
            period,
        ),
    )
    stored = one(conn, "SELECT status FROM checkin WHERE action_id = ? AND period = ?", (action_id, period))
    helped = "help" in answer or "help_voice" in answer  # asked only when stuck
    if helped and stored is not None and stored[0] == Progress.STUCK.value:
        payload = {"action": action_id, "period": period}
        enqueue(
            conn,
            [
                Letter(Purpose.STUCK, coordinator, f"{action_id}:{period}", now, payload)
                for coordinator in roles.of_session(conn, session_id)
            ],
        )
    if answer.get("done_confirmed"):
        set_status(conn, action_id, ActionStatus.DONE, now)


ANSWERED_AFTER = timedelta(hours=3)  # when a past check-in counts as answered, after it was due


def answered_in_the_past(conn: Conn, session_id: int, action_id: int, period: int, answer: Mapping[str, Any]) -> None:
    """A check-in due before now, as if it went out when due and the owner answered (an empty `answer`: did not)
    a few hours later; its letters are no longer to send. The sandbox's crowd gives its actions a history so."""
    row = one(conn, "SELECT due_at FROM checkin WHERE action_id = ? AND period = ?", (action_id, period))
    assert row is not None, "a check-in of the action's year"
    due = datetime.fromisoformat(row[0])
    mark_sent(conn, action_id, period, due)
    conn.execute(
        "DELETE FROM outbox WHERE status = 'pending' AND purpose IN (?, ?) AND period = ?",
        (Purpose.CHECKIN.value, Purpose.REMINDER.value, f"{action_id}:{period}"),
    )
    if answer:
        record_answer(conn, session_id, {"action": action_id, "period": period, **answer}, due + ANSWERED_AFTER)


NEWS_EVERY = timedelta(weeks=1)  # participants hear of actions at most this often; what happens meanwhile waits


def _followers(conn: Conn, action: Action) -> list[int]:
    """Participants who asked to be kept informed and gave ideas in, or voted for, the action's themes."""
    if not action.themes:
        return []
    themes = json.dumps([str(t) for t in action.themes])
    found = rows(
        conn,
        "SELECT DISTINCT m.participant_id FROM membership m WHERE m.session_id = ? AND m.wants_updates = 1 AND ("
        "EXISTS (SELECT 1 FROM idea i WHERE i.membership_id = m.id "
        "AND CAST(i.theme_id AS TEXT) IN (SELECT value FROM json_each(?))) OR "
        "EXISTS (SELECT 1 FROM vote v, json_each(v.payload) j WHERE v.membership_id = m.id "
        "AND (CAST(j.value AS TEXT) IN (SELECT value FROM json_each(?)) "
        "OR j.key IN (SELECT value FROM json_each(?)))))",
        (action.session_id, themes, themes, themes),
    )
    return [int(r[0]) for r in found]


def _tell_followers(conn: Conn, action: Action, status: ActionStatus, now: datetime) -> None:
    """News of the action for its followers, at most one message a week: a change while this week's message
    is still waiting joins it (the action's latest status counts); after one went out, the next waits a week."""
    item = {"action": action.id, "status": status.value}
    for person in _followers(conn, action):
        waiting = one(
            conn,
            "SELECT id, payload FROM outbox WHERE purpose = ? AND recipient = ? AND status = 'pending' "
            "ORDER BY due_at LIMIT 1",
            (Purpose.UPDATE.value, person),
        )
        if waiting is not None:
            items = [i for i in news_items(json.loads(waiting[1])) if i["action"] != action.id] + [item]
            conn.execute(
                "UPDATE outbox SET payload = ?, updated_at = ? WHERE id = ?",
                (json.dumps({"items": items}), utc_now(), int(waiting[0])),
            )
            continue
        last = one(
            conn,
            "SELECT MAX(due_at) FROM outbox WHERE purpose = ? AND recipient = ? AND status IN ('sent', 'sending')",
            (Purpose.UPDATE.value, person),
        )
        due = now if last is None or last[0] is None else max(now, datetime.fromisoformat(last[0]) + NEWS_EVERY)
        enqueue(conn, [Letter(Purpose.UPDATE, person, f"news:{iso(due)}", due, {"items": [item]})])


def news_items(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The actions a news message tells of, with their status (one action in rows written before news combined)."""
    if "items" in payload:
        return [dict(i) for i in payload["items"]]
    return [{"action": payload["action"], "status": payload["status"]}]


def ensure_owner(conn: Conn, telegram_id: int) -> int:
    """The participant id of the person accepting an action (created if new)."""
    return people.ensure(conn, telegram_id).id
