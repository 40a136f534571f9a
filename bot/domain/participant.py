"""A person who talks to the bot, as the rest of the system may know them."""

from __future__ import annotations

from dataclasses import dataclass

# Crockford's base32 alphabet: no I, L, O or U, so a pseudonym read aloud is not misheard.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True)
class Participant:
    """A person as stored: an internal id, a pseudonym and the language they chose."""

    id: int
    pseudonym: str
    locale: str | None


def make_pseudonym(random: bytes) -> str:
    """A short, readable pseudonym from random bytes (at least 4), e.g. "P-7KQ2MZ"."""
    if len(random) < 4:
        raise ValueError("a pseudonym needs at least 4 random bytes")
    number = int.from_bytes(random[:4], "big")
    chars = []
    for _ in range(6):
        number, digit = divmod(number, 32)
        chars.append(_ALPHABET[digit])
    return "P-" + "".join(chars)
