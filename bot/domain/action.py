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

    @property
    def shown_status(self) -> Msg:
        """The status as people read it: a running action whose owner cannot be reached says so."""
        if self.status is ActionStatus.ACTIVE and self.owner_unreachable:
            return UNREACHABLE
        return STATUS_NAMES[self.status]


def is_action_invite(payload: str) -> bool:
    """Whether a /start payload invites someone to own an action."""
    return payload.startswith(ACTION_INVITE_PREFIX) and len(payload) == len(ACTION_INVITE_PREFIX) + 22
