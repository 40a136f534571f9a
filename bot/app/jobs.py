"""Scheduled work that takes a step when it falls due: a vote opens, a check-in opens, a reminder goes out. The
step and the messages it wants to send are written in one transaction, so what a person is to be told can never
be marked done before it is journaled."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.app import action_texts as say
from bot.app.action_words import owners_words
from bot.app.agenda import CHECKIN_FLOW
from bot.app.conversations import open_run
from bot.app.coord_texts import NOTICE_PRIORITISING
from bot.app.outgoing import encode_reply
from bot.app.participation import open_vote, shown, view_of
from bot.app.services import Services
from bot.conversation import Facts, FlowState
from bot.domain import ActionStatus, Ending, Phase, Purpose, Reply, RunPurpose, Text
from bot.storage import Conn, actions, members, outbox, roles, runs, sessions
from bot.storage.outbox import Letter, OutboxRow, enqueue


class JobStep:
    """A job's transaction: what it says goes to one person as notices, journaled when the job ends."""

    def __init__(self, svc: Services, conn: Conn, row: OutboxRow) -> None:
        self.svc = svc
        self.conn = conn
        self.row = row
        self.now: datetime = svc.clock()
        self._said: list[dict[str, Any]] = []

    @property
    def source_message(self) -> int | None:
        """A job comes from no message."""
        return None

    def set_locale(self, code: str) -> None:
        """A job never changes anyone's language."""

    def say(self, reply: Reply | Text) -> None:
        """A notice to the row's recipient, in their language when it is sent."""
        reply = reply if isinstance(reply, Reply) else Reply(reply)
        self._said.append({"do": "send", **encode_reply(reply)})

    def edit(self, reply: Reply | Text | None, chosen: tuple[Text, ...] = ()) -> None:
        """A job presses no button: nothing to edit."""

    def answer(self, text: Text, alert: bool = False) -> None:
        """A job presses no button: nothing to answer."""

    def finish(self, done: bool) -> None:
        """Journal the notices and settle the job row, in this transaction."""
        letters = [
            Letter(Purpose.NOTICE, self.row.recipient, f"{self.row.id}:{number}", self.now, said)
            for number, said in enumerate(self._said)
        ]
        enqueue(self.conn, letters)
        outbox.settle(self.conn, [(self.row.id, "sent" if done else "skipped", None)])


def run(svc: Services, conn: Conn, row: OutboxRow) -> None:
    """Take the step a due job row stands for (in the writer's transaction)."""
    job = JobStep(svc, conn, row)
    step = {
        Purpose.VOTE_OPEN: _vote_open,
        Purpose.CHECKIN: _checkin,
        Purpose.REMINDER: _reminder,
        Purpose.YEAR_END: _year_end,
    }[Purpose(row.purpose)]
    job.finish(step(job))


def _vote_open(job: JobStep) -> bool:
    """Prioritising opens: the news and the vote's first question, with the themes in the person's language."""
    row = job.row
    assert row.recipient is not None
    session = sessions.by_id(job.conn, int(row.payload["session"]))
    membership = members.of(job.conn, row.recipient, session.id, session) if session else None
    if session is None or membership is None or session.phase is not Phase.PRIORITISING:
        return False
    locale = membership.participant.locale
    current = runs.find(job.conn, row.recipient, RunPurpose.SESSION, session.id)
    answers = FlowState.from_json(current.state).answers if current is not None else {}
    job.say(NOTICE_PRIORITISING.with_params(title=shown(view_of(job.conn, session), "title", session.title, locale)))
    open_vote(job, job, row.recipient, session, locale, dict(answers))
    return True


def _checkin(job: JobStep) -> bool:
    """Put the owner at the check-in's first question and ask it."""
    row = job.row
    action = actions.get(job.conn, int(row.payload["action"]))
    if action is None or action.status is not ActionStatus.ACTIVE or not actions.owner_reachable(job.conn, action):
        return False
    assert action.owner is not None
    period = int(row.payload["period"])
    answers = {"action": action.id, "period": period, "action_title": owners_words(job.conn, action)[0]}
    if not actions.is_last(job.conn, action.id, period):
        answers["ongoing"] = 1  # every check-in but the year's last asks how it is going
    open_run(job, job, action.owner, RunPurpose.CHECKIN, action.id, CHECKIN_FLOW, Facts(), answers)
    actions.mark_sent(job.conn, action.id, period, job.now)
    return True


def _year_end(job: JobStep) -> bool:
    """Weeks after the last check-in, a year not yet closed closes: with the ending the owner chose, if they
    chose one but never finished, otherwise without a final answer."""
    action = actions.get(job.conn, int(job.row.payload["action"]))
    if action is None or action.owner is None or action.ending is not None:
        return False
    current = runs.find(job.conn, action.owner, RunPurpose.CHECKIN, action.id)
    chosen = FlowState.from_json(current.state).answers.get("ending") if current is not None else None
    return actions.end_year(job.conn, action.id, Ending(chosen or Ending.NO_ANSWER), job.now) is not None


def _reminder(job: JobStep) -> bool:
    """One reminder for an unanswered check-in; the second silence in a row is told to the coordinators."""
    row = job.row
    action = actions.get(job.conn, int(row.payload["action"]))
    if action is None or action.status is not ActionStatus.ACTIVE:
        return False
    period = int(row.payload["period"])
    checkins = {c.period: c for c in actions.checkins(job.conn, action.id)}
    this = checkins.get(period)
    if this is None or this.sent_at is None or this.answered_at is not None:
        return False
    job.say(say.REMINDER.with_params(action=owners_words(job.conn, action)[0]))
    actions.reminded(job.conn, action.id, period)
    before = checkins.get(period - 1)
    if before is not None and before.sent_at is not None and before.answered_at is None:
        payload = {"action": action.id, "period": period}
        enqueue(
            job.conn,
            [
                Letter(Purpose.ESCALATION, coordinator, f"{action.id}:{period}", job.now, payload)
                for coordinator in roles.of_session(job.conn, action.session_id)
            ],
        )
    return True
