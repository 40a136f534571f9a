"""A network that fails now and then, as the stand-in can play it: a 502, or a connection dropped before the call
reached Telegram or after Telegram handled it (then the bot cannot know whether its message arrived)."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum


class Fault(StrEnum):
    """What goes wrong with one call."""

    BAD_GATEWAY = "502"  # answered with 502 Bad Gateway; nothing was done
    DROPPED_BEFORE = "dropped before"  # the connection drops before Telegram saw the call
    DROPPED_AFTER = "dropped after"  # Telegram did what was asked; the answer never arrives


@dataclass
class Unreliable:
    """One call in `1 / rate` fails, the three ways alike; `methods` limits it to some (lowercase names)."""

    rate: float = 0.2
    seed: int = 0
    methods: frozenset[str] | None = None
    counts: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def decide(self, method: str) -> Fault | None:
        """Whether this call fails, and how."""
        if self.methods is not None and method not in self.methods:
            return None
        if self._rng.random() >= self.rate:
            return None
        fault = self._rng.choice(list(Fault))
        self.counts[fault] += 1
        return fault
