"""What arrives from a person, as the use cases see it: no Telegram types, only what the product needs."""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversation import Event


@dataclass(frozen=True)
class Sender:
    """Who sent an update: their Telegram id (never shown to anyone) and their app's language, a hint only."""

    telegram_id: int
    language_hint: str | None = None


@dataclass(frozen=True)
class Command:
    """A command such as `/start CODE`."""

    name: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pressed:
    """A button press: the client's callback data (possibly forged) and the message the button is on."""

    query_id: str
    data: str
    message_id: int | None
    message_text: str | None = None  # what the message with the button says now


@dataclass(frozen=True)
class Edited:
    """A person edited one of their earlier messages."""

    message_id: int
    text: str | None


@dataclass(frozen=True)
class Incoming:
    """One update: its dedupe key (hashed, no ids in it), who sent it, where, and what it is."""

    key: str
    chat_id: int
    private: bool
    sender: Sender | None = None
    event: Event | None = None  # a message: text, voice note or anything else
    message_id: int | None = None  # the message, so a later edit can change the idea it became
    command: Command | None = None
    press: Pressed | None = None
    edited: Edited | None = None
    added_to_group: bool = False
