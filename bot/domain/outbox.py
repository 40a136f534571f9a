"""What an outbox row is for: a message to deliver, or a job that, when due, takes a step and journals messages."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum


class Purpose(StrEnum):
    """Every kind of outbox row. Jobs change state when they run; the rest are messages to deliver."""

    REPLY = "reply"  # an answer to what a person just did, journaled with the step itself
    NOTICE = "notice"  # a message a job journaled for one person (a ballot, a check-in question)
    CHECKIN = "checkin"  # job: an owner's check-in opens
    REMINDER = "reminder"  # job: a reminder of an unanswered check-in, perhaps an escalation
    VOTE_OPEN = "vote_open"  # job: a person's vote opens
    OPENED = "opened"  # a session that people joined as a draft now collects ideas
    ESCALATION = "escalation"
    STUCK = "stuck"
    UPDATE = "update"
    SUMMARY = "summary"
    DIGEST = "digest"
    RESULTS = "results"
    BROADCAST = "broadcast"
    BROADCAST_REPORT = "broadcast_report"
    PHASE_REPORT = "phase_report"  # how many participants a phase change reached, once they are all sent
    POOL_INVITE = "pool_invite"
    OWNER_LOST = "owner_lost"  # an action's owner blocked the bot: its coordinators hear it once
    YEAR_END = "year_end"  # job: an action's year closes without a final answer, if it has not closed yet
    YEAR_ENDED = "year_ended"  # an action's year ended: its coordinators hear how

    @property
    def is_job(self) -> bool:
        """Whether a row of this purpose is run as a step rather than delivered as a message."""
        return self in JOBS

    @property
    def is_reply(self) -> bool:
        """Whether the row holds a journaled message (a reply or a job's notice), ready to render."""
        return self in (Purpose.REPLY, Purpose.NOTICE)


JOBS = frozenset({Purpose.CHECKIN, Purpose.REMINDER, Purpose.VOTE_OPEN, Purpose.YEAR_END})
# Rows that report on other rows (a broadcast's final tally) go out once what they report on is settled.
LAST = frozenset({Purpose.BROADCAST_REPORT, Purpose.PHASE_REPORT})

# How long after it was due news of each kind still helps, where that differs from the sender's catch-up window:
# a quarterly summary after a ten-day outage is still worth reading; a month's overview is, for most of a month.
STALE_AFTER = {
    Purpose.SUMMARY: timedelta(days=60),
    Purpose.DIGEST: timedelta(days=21),
    Purpose.RESULTS: timedelta(days=30),
}
