"""The outbox runner: one repeating tick claims due rows and delivers them under a clear retry policy."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.storage import OutboxRow, OutboxStore

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
    max_attempts: int = 5
    backoff: timedelta = timedelta(seconds=30)
    catch_up: timedelta = timedelta(days=7)  # rows due longer ago are skipped after downtime


class OutboxRunner:
    """Claims due rows and delivers them; safe to tick often and to restart at any moment."""

    def __init__(self, store: OutboxStore, deliver: Delivery, clock: Clock, policy: Policy = Policy()) -> None:
        self.store = store
        self.deliver = deliver
        self.clock = clock
        self.policy = policy
        self._paused_until: datetime | None = None

    async def tick(self) -> int:
        """Deliver what is due now; returns how many rows were handled."""
        now = self.clock()
        if self._paused_until is not None and now < self._paused_until:
            return 0
        handled = 0
        for row in await self.store.claim(now, self.policy.batch, self.policy.catch_up):
            handled += 1
            if not await self._deliver(row):
                break  # rate limited: the rest waits for the next tick after the pause
        return handled

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
            await self._release_rest(until)
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

    async def _release_rest(self, until: datetime) -> None:
        """Rows claimed in this batch but not tried go back to pending (no attempt burnt)."""
        await self.store.recover()
