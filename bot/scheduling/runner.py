"""The outbox runner: one repeating tick claims due rows and delivers them under a clear retry policy."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.storage import OutboxRow, OutboxStore
from bot.storage.outbox import BROADCAST_REPORT

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


class Blocked(Exception):
    """The recipient blocked the bot (Telegram's 403): stop them, never retry."""


class RateLimited(Exception):
    """Telegram said to slow down (429): pause for `retry_after` seconds without burning an attempt."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


class Transient(Exception):
    """A timeout or a 5xx: try again later, with backoff, up to a limit."""


class Delivery(Protocol):
    """Sends one outbox row; returns False when there was nothing to say any more (e.g. already answered)."""

    async def __call__(self, row: OutboxRow) -> bool: ...


@dataclass(frozen=True)
class Policy:
    """How the runner treats time and failure."""

    batch: int = 50
    parallel: int = 8  # recipients served at once; each person's own rows still go out in order
    max_attempts: int = 5
    backoff: timedelta = timedelta(seconds=30)
    catch_up: timedelta = timedelta(days=7)  # rows due longer ago are skipped after downtime
    # Rows that report on other rows (a broadcast's final tally) go out once the rest of their batch is settled.
    last: frozenset[str] = frozenset({BROADCAST_REPORT})


class OutboxRunner:
    """Claims due rows and delivers them; safe to tick often and to restart at any moment."""

    def __init__(self, store: OutboxStore, deliver: Delivery, clock: Clock, policy: Policy = Policy()) -> None:
        self.store = store
        self.deliver = deliver
        self.clock = clock
        self.policy = policy
        self._paused_until: datetime | None = None
        self._draining: asyncio.Task[int] | None = None
        self._closing = False

    def kick(self) -> None:
        """Start delivering what is due, unless that is under way already (for a repeating job)."""
        if not self._closing and (self._draining is None or self._draining.done()):
            self._draining = asyncio.create_task(self._drain(), name="outbox")

    async def _drain(self) -> int:
        try:
            return await self.tick()
        except Exception as error:  # e.g. the database locked by a backup: the next kick tries again
            log.warning("the outbox could not be worked through now (%s); trying again shortly", type(error).__name__)
            return 0

    async def close(self) -> None:
        """Let the batch in hand finish, then stop: nothing is left half-sent."""
        self._closing = True
        if self._draining is not None:
            await self._draining

    async def tick(self) -> int:
        """Deliver everything due now, batch after batch, until none is left or Telegram asks for a pause."""
        handled = 0
        while not self._closing:
            now = self.clock()
            if self._paused_until is not None and now < self._paused_until:
                break
            rows = await self.store.claim(now, self.policy.batch, self.policy.catch_up, tidy=handled == 0)
            handled += len(rows)
            if not rows or not await self._deliver_batch(rows):
                break
        return handled

    async def _deliver_batch(self, rows: list[OutboxRow]) -> bool:
        """Several recipients at once, each one's rows in order; False when rate limited (the rest waits)."""
        by_recipient: dict[int, list[OutboxRow]] = defaultdict(list)
        for row in rows:
            if row.purpose not in self.policy.last:
                by_recipient[row.recipient].append(row)
        queues = deque(by_recipient.values())
        untried: list[int] = []
        limited = False

        async def worker() -> None:
            nonlocal limited
            while queues:
                own = queues.popleft()
                for position, row in enumerate(own):
                    if limited:
                        untried.extend(r.id for r in own[position:])
                        break
                    if not await self._deliver(row):
                        limited = True

        try:
            await asyncio.gather(*(worker() for _ in range(min(self.policy.parallel, len(queues)))))
            queues.append([row for row in rows if row.purpose in self.policy.last])
            await worker()  # the reports, now that what they report on is settled
        finally:
            untried.extend(row.id for queue in queues for row in queue)  # claimed, never tried: back to pending
            if untried:
                await asyncio.shield(self.store.release(untried))
        return not limited

    async def _deliver(self, row: OutboxRow) -> bool:
        policy = self.policy
        try:
            sent = await self.deliver(row)
        except Blocked:
            await self.store.stop_recipient(row.id, row.recipient)
        except RateLimited as limited:
            until = self.clock() + timedelta(seconds=limited.retry_after)
            self._paused_until = until
            await self.store.retry(row.id, until, "rate limited", count=False)
            return False
        except Transient as error:
            if row.attempts >= policy.max_attempts:
                await self.store.settle(row.id, "failed", type(error).__name__)
            else:
                wait = policy.backoff * (2 ** (row.attempts - 1))
                await self.store.retry(row.id, self.clock() + wait, type(error).__name__)
        except Exception as error:  # a bug must not stop every other message: fail this row, log, go on
            log.error("outbox row %s (%s) failed: %s", row.id, row.purpose, type(error).__name__)
            await self.store.settle(row.id, "failed", type(error).__name__)
        else:
            await self.store.settle(row.id, "sent" if sent else "skipped")
        return True
