"""A person's part in one session, and the changes one conversation step makes to it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.domain.participant import Participant
from bot.domain.session import Session


@dataclass(frozen=True)
class Membership:
    """Who is in which session, with which group, and where they are in their conversation."""

    id: int
    session: Session
    participant: Participant
    group_id: str | None
    consented: bool
    flow_state: Mapping[str, Any]


@dataclass(frozen=True)
class NewIdea:
    """An idea to store: typed text or a voice note, numbered by the person's own count."""

    seq: int
    text: str | None = None
    voice_file_id: str | None = None
    voice_duration: int | None = None
    language: str | None = None
    source_message_id: int | None = None


@dataclass(frozen=True)
class Changes:
    """Everything one step changes, written in one transaction together with the step's new position."""

    flow_state: Mapping[str, Any]
    locale: str | None = None
    consent: bool = False
    group_id: str | None = None
    new_ideas: tuple[NewIdea, ...] = ()
    withdrawn: tuple[int, ...] = ()
    forget: bool = False
    vote: tuple[str, Any] | None = None  # (method, payload): replaces the person's earlier vote
    checkin: Mapping[str, Any] | None = None  # an owner's answer: action, period and the fields answered
    wants_updates: bool | None = None
