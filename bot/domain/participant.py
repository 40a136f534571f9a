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
    return _keyed(secret, f"{telegram_id}:{session_id}")


def pool_pseudonym(secret: bytes, telegram_id: int, pool_id: int) -> str:
    """A person's name in one expert pool: like a session's, and different from all of those."""
    return _keyed(secret, f"{telegram_id}:pool:{pool_id}")


def _keyed(secret: bytes, subject: str) -> str:
    return make_pseudonym(hmac.new(secret, subject.encode(), hashlib.sha256).digest())
