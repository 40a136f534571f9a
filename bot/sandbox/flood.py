"""Telegram's flood limits, as the stand-in can enforce them: 429 with `retry_after` when a bot sends too fast."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# Methods that put a new message in a chat: what Telegram's broadcast limits count.
SENDING = frozenset({"sendmessage", "sendphoto", "senddocument", "sendvoice"})


@dataclass
class _Bucket:
    """A leaky bucket: holds up to `capacity`, drains at `rate` a second."""

    capacity: float
    rate: float
    level: float = 0.0
    stamp: float = 0.0

    def drained(self, now: float) -> float:
        return max(0.0, self.level - (now - self.stamp) * self.rate)

    def wait(self, now: float) -> float:
        """Seconds until one more fits (0 when it fits now, give or take a hundredth of a message)."""
        excess = self.drained(now) + 1 - self.capacity
        return excess / self.rate if excess > 0.01 else 0.0

    def take(self, now: float) -> None:
        self.level, self.stamp = self.drained(now) + 1, now


@dataclass
class FloodLimit:
    """About 30 messages a second overall and, after a burst of 3, about 1 a second per private chat.

    `scale` multiplies both rates so a benchmark of thousands of messages ends in seconds; `retry_after`
    stays a whole number of seconds, at least 1, as the Bot API's ResponseParameters say.
    """

    overall: float = 30.0
    per_chat: float = 1.0
    burst: int = 3
    scale: float = 1.0
    clock: Callable[[], float] = time.monotonic
    refused: int = 0
    refused_overall: int = 0  # of those, refused because the bot as a whole went too fast
    _all: _Bucket = field(init=False)
    _chats: dict[int, _Bucket] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._all = _Bucket(self.overall * self.scale, self.overall * self.scale)

    @property
    def overall_rate(self) -> float:
        """Messages a second the bot may send in all, after scaling."""
        return self.overall * self.scale

    def admit(self, chat_id: int) -> int | None:
        """Count one message to `chat_id`, or refuse it: the seconds to wait, as a 429's retry_after."""
        now = self.clock()
        chat = self._chats.get(chat_id) if chat_id > 0 else None
        if chat is None and chat_id > 0:
            chat = self._chats[chat_id] = _Bucket(self.burst, self.per_chat * self.scale)
        overall = self._all.wait(now)
        wait = max(overall, chat.wait(now) if chat is not None else 0.0)
        if wait > 0:
            self.refused += 1
            self.refused_overall += overall > 0
            return max(1, math.ceil(wait))
        self._all.take(now)
        if chat is not None:
            chat.take(now)
        return None
