"""A person who talks to the bot, as the rest of the system may know them."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from bot.domain.codes import readable_code


@dataclass(frozen=True)
class Participant:
    """A person as stored: an internal id, a pseudonym and the language they chose."""

    id: int
    pseudonym: str
    locale: str | None


def make_pseudonym(random: bytes) -> str:
    """A short, readable pseudonym from random bytes (at least 4), e.g. "P-7KQ2MZ"."""
    return "P-" + readable_code(random[:4], 6)


def session_pseudonym(secret: bytes, telegram_id: int, session_id: int) -> str:
    """A person's name in one session: stable, different in every session, and not derivable without the secret."""
    digest = hmac.new(secret, f"{telegram_id}:{session_id}".encode(), hashlib.sha256).digest()
    return make_pseudonym(digest)
