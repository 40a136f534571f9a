"""Requests to a database thread gathered into trips: what arrives while one trip is under way goes in the next.

A lone request makes its trip at once, as before; under load each trip carries everything that queued up meanwhile,
so the thread hand-overs (and, for writes, the COMMITs and their log syncs) are paid once per trip, not per request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.storage.db import Work, answerable

T = TypeVar("T")


@dataclass(frozen=True)
class Failed:
    """What a request raised in the thread, to be raised again to the one who asked."""

    error: BaseException


# In the thread: run each request and give back, in order, its result or how it failed.
Batch = Callable[[Sequence[Work[Any]]], list[Any]]


class Trips:
    """The queue in front of one database thread."""

    def __init__(self, thread: ThreadPoolExecutor, batch: Batch) -> None:
        self._thread = thread
        self._batch = batch
        self._waiting: list[tuple[Work[Any], asyncio.Future[Any]]] = []
        self._going: asyncio.Task[None] | None = None

    async def take(self, work: Work[T]) -> T:
        """Run `work` in the thread with whatever else is waiting; its result, or what it raised."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._waiting.append((work, future))
        if self._going is None or self._going.done():
            self._going = loop.create_task(self._go())
        return await future

    async def _go(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._waiting:
                # A request whose asker stopped waiting before its trip is not run, as an executor's would not be.
                trip = [(work, future) for work, future in self._waiting if not future.cancelled()]
                self._waiting = []
                if not trip:
                    continue
                try:
                    outcomes = await loop.run_in_executor(self._thread, self._batch, [work for work, _ in trip])
                except Exception as error:  # the trip as a whole failed (the thread is gone): each request with it
                    outcomes = [Failed(error)] * len(trip)
                except BaseException as error:  # the loop is closing: nobody is left waiting for ever
                    _settle([*trip, *self._waiting], [Failed(error)] * (len(trip) + len(self._waiting)))
                    self._waiting = []
                    raise
                _settle(trip, outcomes)
        finally:
            self._going = None


def _settle(trip: Sequence[tuple[Work[Any], asyncio.Future[Any]]], outcomes: Sequence[Any]) -> None:
    """Give each asker their outcome; none is left waiting, whatever one of them raised."""
    for (_, future), outcome in zip(trip, outcomes, strict=True):
        if future.done():
            continue
        if not isinstance(outcome, Failed):
            future.set_result(outcome)
        elif isinstance(outcome.error, asyncio.CancelledError):
            future.cancel()
        else:
            future.set_exception(answerable(outcome.error))
