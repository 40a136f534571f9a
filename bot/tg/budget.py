"""The bot's one sending budget (Telegram's overall limit, about 30 messages a second for the whole bot): replies
to what someone just did take the next free place before any proactive bulk message (broadcasts, check-ins,
notices) waiting for one, so no reply ever queues behind a broadcast, and together they never go faster."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar

from bot.storage.db import Booking

log = logging.getLogger(__name__)
SLACK = 0.1  # seconds of places a late wake-up (or a sender that was briefly idle) may make up for at once
# Whether the messages being sent now are proactive bulk (set around an outbox row's delivery; replies are not).
BULK: ContextVar[bool] = ContextVar("bulk", default=False)


@contextlib.contextmanager
def bulk(proactive: bool) -> Iterator[None]:
    """Mark what is sent inside the block as proactive bulk (or as a reply)."""
    token = BULK.set(proactive)
    try:
        yield
    finally:
        BULK.reset(token)


class Budget:
    """Hands out places to send at `rate` a second, evenly spaced; replies first, bulk in what they leave."""

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        slack: float = SLACK,
    ) -> None:
        self.interval = 1.0 / rate
        # With several processes, each place is also booked in the budget they share (replies first there too).
        self.shared: Booking | None = None
        self.clock = clock
        self.sleep = sleep
        # Places may be handed out up to `slack` seconds early, so a wake-up that comes late is made up for and
        # the pace holds on average; no second ever holds more than a tenth above the rate.
        self.tolerance = max(slack, self.interval)
        self._due = 0.0  # when the next place is due, were places handed out exactly on time
        self._replies: deque[asyncio.Future[None]] = deque()
        self._bulk: deque[asyncio.Future[None]] = deque()
        self._handing_out: asyncio.Task[None] | None = None

    async def take(self, proactive: bool | None = None) -> None:
        """Wait for a place to send one message (bulk unless said otherwise or marked with `bulk`)."""
        is_bulk = BULK.get() if proactive is None else proactive
        place: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        (self._bulk if is_bulk else self._replies).append(place)
        if self._handing_out is None or self._handing_out.done():
            self._handing_out = asyncio.ensure_future(self._hand_out())
        await place

    def waiting(self) -> tuple[int, int]:
        """How many replies and bulk messages wait for a place."""
        return len(self._replies), len(self._bulk)

    async def _hand_out(self) -> None:
        while self._replies or self._bulk:
            now = self.clock()
            early = self._due - self.tolerance - now
            if early > 0:
                await self.sleep(early)  # the budget's own pace: the next place is free then
                continue
            if self.shared is not None and not await self._booked():
                continue
            queue = self._replies or self._bulk  # a reply that came while a place was booked for bulk takes it
            place = queue.popleft()
            if place.cancelled():
                continue
            place.set_result(None)
            self._due = max(now, self._due) + self.interval

    async def _booked(self) -> bool:
        """Book the next place in the shared budget and wait for it; False when bulk must wait for replies
        elsewhere. Without the database, the process's own pace is the budget."""
        assert self.shared is not None
        try:
            wait = await self.shared(self.interval, not self._replies)
        except Exception as error:
            log.warning(
                "the shared sending budget could not be asked (%s); this process keeps its own pace",
                type(error).__name__,
            )
            return True
        if wait is None:
            await self.sleep(self.interval)
            return False
        if wait > 0:
            await self.sleep(wait)
        return True
