"""Actions on the agenda: what someone committed to, and how it is going."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.cadence import Schedule
from bot.domain.message import Msg

ACTION_INVITE_PREFIX = "act_"


class ActionStatus(StrEnum):
    """Where an action is: invited (no owner yet), running, paused, done or closed."""

    OPEN = "open"
    ACTIVE = "active"
    PAUSED = "paused"
    DONE = "done"
    CLOSED = "closed"


class Ending(StrEnum):
    """How an action's year ended: the owner's answer to the last check-in, or no answer."""

    DONE = "done"
    PARTLY = "partly"
    NOT_DONE = "not_done"
    NO_ANSWER = "no_answer"

    @property
    def status(self) -> ActionStatus:
        """The status the action ends in: done when (partly) done, closed otherwise."""
        return ActionStatus.DONE if self in (Ending.DONE, Ending.PARTLY) else ActionStatus.CLOSED


class Progress(StrEnum):
    """What an owner answers at a check-in."""

    ON_TRACK = "on_track"
    DELAY = "delay"
    STUCK = "stuck"
    DONE = "done"

    @property
    def label(self) -> Msg:
        """The answer's name, translatable."""
        return PROGRESS_NAMES[self]


PROGRESS_NAMES: dict[Progress, Msg] = {
    Progress.ON_TRACK: Msg("progress.on_track", "On track"),
    Progress.DELAY: Msg("progress.delay", "Some delay"),
    Progress.STUCK: Msg("progress.stuck", "Stuck"),
    Progress.DONE: Msg("progress.done", "Done"),
}
STATUS_NAMES: dict[ActionStatus, Msg] = {
    ActionStatus.OPEN: Msg("action_status.open", "Waiting for its owner"),
    ActionStatus.ACTIVE: Msg("action_status.active", "Running"),
    ActionStatus.PAUSED: Msg("action_status.paused", "Paused"),
    ActionStatus.DONE: Msg("action_status.done", "Done"),
    ActionStatus.CLOSED: Msg("action_status.closed", "Closed"),
}

UNREACHABLE = Msg("action_status.unreachable", "Running, but its owner can no longer be reached")
ENDING_NAMES: dict[Ending, Msg] = {
    Ending.DONE: Msg("action_ending.done", "Year ended: done"),
    Ending.PARTLY: Msg("action_ending.partly", "Year ended: partly done"),
    Ending.NOT_DONE: Msg("action_ending.not_done", "Year ended: it did not happen"),
    Ending.NO_ANSWER: Msg("action_ending.no_answer", "Year ended: the owner gave no final answer"),
}
YEAR_END_GRACE = 28  # days after the last check-in was due before the year closes without a final answer


@dataclass(frozen=True)
class Action:
    """An action with its owner (by pseudonym) and its rhythm of check-ins."""

    id: int
    session_id: int
    title: str
    description: str
    themes: tuple[int, ...]
    schedule: Schedule
    status: ActionStatus
    owner: int | None = None  # participant id
    owner_pseudonym: str | None = None
    owner_unreachable: bool = False  # the owner stopped or blocked the bot: no check-in reaches them
    ending: Ending | None = None  # how its year ended, once it has

    @property
    def shown_status(self) -> Msg:
        """The status as people read it: a running action whose owner cannot be reached says so."""
        if self.ending is not None:
            return ENDING_NAMES[self.ending]
        if self.status is ActionStatus.ACTIVE and self.owner_unreachable:
            return UNREACHABLE
        return STATUS_NAMES[self.status]


def is_action_invite(payload: str) -> bool:
    """Whether a /start payload invites someone to own an action."""
    return payload.startswith(ACTION_INVITE_PREFIX) and len(payload) == len(ACTION_INVITE_PREFIX) + 22
