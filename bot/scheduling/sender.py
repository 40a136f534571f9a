"""The sender: delivers what the outbox holds, chat by chat, each chat's rows in the order they were written;
runs due jobs; retries what failed and pauses when Telegram asks. Safe to restart at any moment: a row is marked
sent only after Telegram accepted it, so after a crash it goes again (the one window for a double)."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Protocol

from bot.domain import Purpose
from bot.domain.outbox import LAST
from bot.storage import Conn, Database, outbox
from bot.storage.outbox import OutboxRow

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
    """A timeout, a dropped connection or a 5xx: try again later, with backoff, up to a limit."""


class Refused(Exception):
    """Telegram refused this message for good (a 400 other than a gone chat): record it, go on."""


class NotYet(Exception):
    """Nothing wrong, only early (a broadcast's tally while messages still go out): look again in a moment."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"not yet, look again in {seconds}s")
        self.seconds = seconds


class Delivery(Protocol):
    """Sends one row; returns False when there was nothing to say any more (e.g. the action was removed)."""

    async def __call__(self, row: OutboxRow) -> bool: ...


Jobs = Callable[[OutboxRow], Awaitable[None]]


class Stopped(Protocol):
    """What happens, in one transaction, when a person turns out to have blocked the bot: their rows stop, and the
    app may tell others (the coordinators of an action they own)."""

    def __call__(self, conn: Conn, row_id: int, recipient: int | None) -> None: ...


@dataclass(frozen=True)
class Policy:
    """How the sender treats time and failure."""

    parallel: int = 8  # chats worked through at once by the repeating look; each chat's rows in order
    claim: int = 20  # rows of one chat taken at a time
    # A send that fails on the network is tried again after a wait that doubles each time, up to a limit, for
    # as long as it takes: what a person was to be told is never given up (catch_up decides when news is too
    # old). A reply is tried again sooner: a person is waiting for it.
    backoff: timedelta = timedelta(seconds=2)
    backoff_max: timedelta = timedelta(minutes=10)
    reply_backoff: timedelta = timedelta(seconds=0.5)
    reply_backoff_max: timedelta = timedelta(seconds=60)
    # A row whose message cannot be made (a fault in the bot, not the network) is given up after this many tries.
    max_attempts: int = 8
    give_back: tuple[float, ...] = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)  # seconds between tries to return rows in hand
    catch_up: timedelta = timedelta(days=7)  # proactive rows due longer ago are skipped after downtime
    settle_every: float = 0.05  # seconds to wait before writing outcomes again after the store refused them


class Sender:
    """Delivers rows chat by chat; a step's own rows are handed over directly, the rest found by a repeating look."""

    def __init__(
        self,
        db: Database,
        deliver: Delivery,
        jobs: Jobs,
        clock: Clock,
        policy: Policy = Policy(),
        stopped: Stopped = outbox.stop_recipient,
    ) -> None:
        self.db = db
        self.deliver = deliver
        self.jobs = jobs
        self.stopped = stopped
        self.clock = clock
        self.policy = policy
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self._paused_until: datetime | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._looking: asyncio.Task[None] | None = None
        self._again = False
        self._closing = False
        self._outcomes: list[tuple[int, str, str | None]] = []
        self._flushing: asyncio.Task[None] | None = None

    # ---- what the transport calls --------------------------------------------------------------------

    def hand_over(self, chat: int, rows: tuple[OutboxRow, ...]) -> None:
        """Deliver rows a step journaled already claimed, in order, then anything else due for the chat."""
        self._spawn(self._hand_over(chat, rows))

    def kick(self, chat: int) -> None:
        """Work through one chat's due rows now (a step journaled behind older ones)."""
        self._spawn(self._kicked(chat))

    async def _kicked(self, chat: int) -> None:
        await self._drain(chat)

    def look(self) -> None:
        """Work through everything due, unless that is under way already (then once more after it)."""
        if self._closing:
            return
        if self._looking is not None and not self._looking.done():
            self._again = True
            return
        self._looking = asyncio.create_task(self._look_until_quiet(), name="outbox")

    async def close(self) -> None:
        """Let the rows in hand finish, write their outcomes, then stop: nothing is left half-sent."""
        self._closing = True
        waiting = [t for t in (self._looking, *self._tasks) if t is not None]
        if waiting:
            await asyncio.gather(*waiting, return_exceptions=True)
        await self._settled()

    async def recover(self) -> int:
        """After a crash, rows caught mid-send go back to pending; returns how many."""
        return await self.db.write(partial(outbox.recover, worker=self.db.worker))

    # ---- inside ----------------------------------------------------------------------------------------

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _look_until_quiet(self) -> None:
        try:
            while True:
                self._again = False
                await self.tick()
                if not self._again or self._closing:
                    return
        except Exception as error:  # e.g. the database locked by a backup: the next look tries again
            log.warning("the outbox could not be worked through now (%s); trying again shortly", type(error).__name__)

    async def tick(self) -> int:
        """Deliver everything due now, chat by chat, until nothing is left or Telegram asks for a pause."""
        handled = 0
        if self._going():
            await self.db.write(partial(self._tidied, now=self.clock()))
            handled = await _Feed(self.policy.parallel, self._due_chats, self._drain, self._going).run()
        await self._settled()
        return handled

    def _tidied(self, conn: Conn, now: datetime) -> None:
        """Before a look, in one transaction: what is too old or collapsed is settled, and what a process that is
        gone was sending goes to those still running."""
        outbox.tidy(conn, now=now, window=self.policy.catch_up)
        outbox.recover(conn, worker=self.db.worker)

    async def _due_chats(self, limit: int) -> list[int]:
        return await self.db.read(partial(outbox.due_chats, now=self.clock(), limit=limit))

    def _going(self) -> bool:
        return not self._closing and not self._paused()

    def _paused(self) -> bool:
        return self._paused_until is not None and self.clock() < self._paused_until

    def _lock(self, chat: int) -> asyncio.Lock:
        lock, users = self._locks.get(chat, (asyncio.Lock(), 0))
        self._locks[chat] = (lock, users + 1)
        return lock

    def _unlock(self, chat: int) -> None:
        lock, users = self._locks[chat]
        if users <= 1:
            del self._locks[chat]
        else:
            self._locks[chat] = (lock, users - 1)

    async def _hand_over(self, chat: int, rows: tuple[OutboxRow, ...]) -> None:
        lock = self._lock(chat)
        try:
            async with lock:
                going_on, _ = await self._deliver_rows(list(rows))
                if going_on:
                    await self._drain_locked(chat)
        finally:
            self._unlock(chat)

    async def _drain(self, chat: int) -> int:
        lock = self._lock(chat)
        try:
            async with lock:
                return await self._drain_locked(chat)
        finally:
            self._unlock(chat)

    async def _drain_locked(self, chat: int) -> int:
        handled = 0
        while not self._paused():
            await self._settled()  # rows just sent are no longer "sending": what follows them can be claimed
            rows = await self.db.write(
                partial(outbox.claim_chat, chat=chat, now=self.clock(), limit=self.policy.claim, worker=self.db.worker)
            )
            if not rows:
                break
            going_on, done = await self._deliver_rows(rows)
            handled += done
            if not going_on or not done:  # a failure, a pause, or only rows that are not due yet after all
                break
        return handled

    async def _deliver_rows(self, rows: list[OutboxRow]) -> tuple[bool, int]:
        """Deliver claimed rows of one chat in order: whether the chat may go on (on a failure the rest go back
        untried), and how many rows were settled."""
        done = 0
        for position, row in enumerate(rows):
            try:
                outcome = await self._deliver_one(row)
            except Exception as error:  # the store refused a write (busy, full): what is in hand goes back
                log.warning("the outbox could not note a send (%s); the rows in hand go back", type(error).__name__)
                await self._give_back([r.id for r in rows[position:]])
                return False, done
            if outcome is None:
                continue
            if not outcome:
                await self._give_back([r.id for r in rows[position + 1 :]])
                return False, done
            done += 1
        return True, done

    async def _give_back(self, row_ids: list[int]) -> None:
        """Claimed rows go back to pending (no attempt counted), trying again while the store is busy: a row
        left "sending" would hold up the person's later messages until the next start."""
        if not row_ids:
            return
        for pause in (*self.policy.give_back, None):
            try:
                await self._flush()
                await self.db.write(partial(outbox.release, row_ids=row_ids))
                self.look()
                return
            except Exception as error:
                if pause is None:
                    log.error(
                        "claimed outbox rows could not go back (%s); the next start returns them", type(error).__name__
                    )
                    return
                await asyncio.sleep(pause)

    async def _deliver_one(self, row: OutboxRow) -> bool | None:
        """One row; False when the chat must wait (a failure to retry, or a pause), None when the row itself
        waits a moment (a report on rows still going out) and the chat goes on."""
        policy = self.policy
        try:
            if Purpose(row.purpose).is_job:
                await self.jobs(row)  # settles its own row, in the transaction of its step
                return True
            sent = await self.deliver(row)
        except NotYet as later:
            await self._retry(row, self.clock() + timedelta(seconds=later.seconds), "not yet", count=False)
            return None if row.purpose in LAST else False  # a report waits; the chat's other messages go on
        except Refused as refused:
            log.warning("Telegram refused a %s row: %s", row.purpose, refused)
            self._settle(row.id, "failed", "refused")
            return True
        except Blocked:
            await self._flush()
            await self.db.write(partial(self.stopped, row_id=row.id, recipient=row.recipient))
            return True
        except RateLimited as limited:
            until = self.clock() + timedelta(seconds=limited.retry_after)
            self._paused_until = until
            await self._retry(row, until, "rate limited", count=False)
            return False
        except Exception as error:  # Transient (the network), or a fault while making the message
            if not isinstance(error, Transient):
                log.error("making a %s row's message failed: %s", row.purpose, type(error).__name__)
                if row.attempts >= policy.max_attempts:
                    log.warning("a %s row was given up after %d attempts", row.purpose, row.attempts)
                    self._settle(row.id, "failed", type(error).__name__)
                    return True
            reply = Purpose(row.purpose).is_reply
            base, most = (
                (policy.reply_backoff, policy.reply_backoff_max) if reply else (policy.backoff, policy.backoff_max)
            )
            wait = min(base * (2 ** (row.attempts - 1)), most)
            await self._retry(row, self.clock() + wait, type(error).__name__)
            return False
        self._settle(row.id, "sent" if sent else "skipped", None)
        return True

    async def _retry(self, row: OutboxRow, at: datetime, error: str, count: bool = True) -> None:
        await self._flush()
        await self.db.write(partial(outbox.retry, row_id=row.id, at=at, error=error, count=count))
        delay = max(0.0, (at - self.clock()).total_seconds())
        loop = asyncio.get_running_loop()
        loop.call_later(delay + 0.01, self.look)  # look again when it is due, not only at the next tick

    def _settle(self, row_id: int, status: str, error: str | None) -> None:
        """Note how a send ended. It is written at once when nothing is being written; otherwise together with
        the others that ended meanwhile (one transaction for many, however busy the bot is)."""
        self._outcomes.append((row_id, status, error))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.ensure_future(self._flush_all())

    async def _flush_all(self) -> None:
        try:
            while self._outcomes:
                await self._flush()
        except Exception as error:  # kept for the next flush; the rows stay "sending" until then
            log.warning("outcomes of sends could not be written yet (%s)", type(error).__name__)
            await asyncio.sleep(self.policy.settle_every)

    async def _settled(self) -> None:
        """Every outcome noted so far is written."""
        if self._flushing is not None and not self._flushing.done():
            await self._flushing
        await self._flush()

    async def _flush(self) -> None:
        if not self._outcomes:
            return
        outcomes, self._outcomes = self._outcomes, []
        try:
            await self.db.write(partial(outbox.settle, outcomes=outcomes))
        except Exception:
            self._outcomes = outcomes + self._outcomes  # the store was busy: keep them for the next flush
            raise


class _Feed:
    """One look through the outbox: `parallel` workers each take the next due chat and work through it, and the
    queue of due chats is topped up as soon as it runs low, so no worker waits for the slowest chat of a batch. A
    chat that yielded nothing (its next row held by a retry, or by another process) is not taken again in this
    look; a worker that finds nothing new stops."""

    def __init__(
        self,
        parallel: int,
        find: Callable[[int], Awaitable[list[int]]],
        drain: Callable[[int], Awaitable[int]],
        going: Callable[[], bool],
    ) -> None:
        self.parallel = parallel
        self.find = find
        self.drain = drain
        self.going = going
        self.queue: deque[int] = deque()
        self.in_hand: set[int] = set()
        self.stalled: set[int] = set()
        self.handled = 0
        self._topping = asyncio.Lock()

    async def run(self) -> int:
        """Work until nothing due is left (or the sender closes or pauses); how many rows were handled."""
        await asyncio.gather(*(self._worker() for _ in range(self.parallel)))
        return self.handled

    async def _worker(self) -> None:
        while self.going() and await self._top_up():
            chat = self.queue.popleft()
            self.in_hand.add(chat)
            try:
                done = await self.drain(chat)
            finally:
                self.in_hand.discard(chat)
            self.handled += done
            if not done:
                self.stalled.add(chat)

    async def _top_up(self) -> bool:
        """Whether a chat waits in the queue, looking for more due chats when it is empty."""
        async with self._topping:
            if not self.queue:
                skip = self.in_hand | self.stalled
                found = await self.find(self.parallel * 4 + len(skip))
                self.queue.extend(chat for chat in found if chat not in skip)
            return bool(self.queue)
