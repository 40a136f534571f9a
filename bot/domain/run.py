"""A conversation a person has open: what it is about, and where they are in its flow."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class RunPurpose(StrEnum):
    """What a run is about; a person has at most one run of each purpose per subject."""

    SESSION = "session"  # taking part in a session: joining, ideas, the vote
    POOL = "pool"  # joining an expert pool
    WIZARD = "wizard"  # a coordinator's questions (/new, a theme's name, a translation, ...)
    CHECKIN = "checkin"  # an action owner's check-in


@dataclass(frozen=True)
class Run:
    """One open (or finished) conversation of one person, as stored."""

    id: int
    participant_id: int
    purpose: RunPurpose
    subject: int  # the session, pool or action; 0 for a wizard
    state: dict[str, Any]  # the engine's FlowState as JSON (flow, version, node, answers, scratch, done)
    focus: int

    @property
    def flow(self) -> str:
        """The flow the run is in."""
        return str(self.state["flow"])

    @property
    def node(self) -> str:
        """The node the person is at."""
        return str(self.state["node"])

    @property
    def done(self) -> bool:
        """Whether the flow has ended."""
        return bool(self.state.get("done", False))
