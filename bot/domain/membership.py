"""A person's part in one session, and an idea they give."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.participant import Participant
from bot.domain.session import Session


@dataclass(frozen=True)
class Membership:
    """Who is in which session, with which group, and whether they agreed to take part."""

    id: int
    session: Session
    participant: Participant
    group_id: str | None
    consented: bool


@dataclass(frozen=True)
class NewIdea:
    """An idea to store: typed text or a voice note, numbered by the person's own count."""

    seq: int
    text: str | None = None
    voice_file_id: str | None = None
    voice_duration: int | None = None
    language: str | None = None
    source_message_id: int | None = None
