"""Live pages: one watcher per page and language looks at the store a few times a second while someone watches,
and hands each viewer the parts of the page that changed. Watching the store, not the bot's own writes, keeps it
right when other processes write to the same store."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

Parts = Mapping[str, str]  # a page's parts by element id: the HTML each holds now
LOOK_EVERY = 0.25  # seconds between looks at the store while a page is watched


@dataclass
class _Watch:
    """One page being watched: the viewers' queues and the parts as last seen."""

    look: Callable[[], Awaitable[Parts | None]]
    viewers: set[asyncio.Queue[Parts | None]] = field(default_factory=set)
    parts: Parts = field(default_factory=dict)
    task: asyncio.Task[None] | None = None


class Watchers:
    """Shared watchers, started with the first viewer of a page and stopped after the last one leaves."""

    def __init__(self, every: float = LOOK_EVERY) -> None:
        self.every = every
        self._watches: dict[tuple[object, ...], _Watch] = {}

    @contextlib.asynccontextmanager
    async def follow(
        self, key: tuple[object, ...], look: Callable[[], Awaitable[Parts | None]]
    ) -> AsyncIterator[asyncio.Queue[Parts | None]]:
        """A queue of changed parts for one viewer (everything first); None when the page is gone."""
        watch = self._watches.get(key)
        if watch is None:
            watch = self._watches[key] = _Watch(look)
        queue: asyncio.Queue[Parts | None] = asyncio.Queue()
        if watch.parts:
            queue.put_nowait(watch.parts)
        watch.viewers.add(queue)
        if watch.task is None:
            watch.task = asyncio.create_task(self._watch(key, watch))
        try:
            yield queue
        finally:
            watch.viewers.discard(queue)
            if not watch.viewers and watch.task is not None:
                watch.task.cancel()
                self._watches.pop(key, None)

    async def _watch(self, key: tuple[object, ...], watch: _Watch) -> None:
        while watch.viewers:
            try:
                now = await watch.look()
            except Exception as error:  # a failed look is tried again; the viewers keep what they have
                # by the kind of error only: a message could quote what the page shows (people's words)
                log.warning("a live page could not be brought up to date (%s)", type(error).__name__)
                now = watch.parts
            if now is None:
                for viewer in watch.viewers:
                    viewer.put_nowait(None)
                return
            changed = {name: html for name, html in now.items() if watch.parts.get(name) != html}
            if changed:
                watch.parts = dict(now)
                for viewer in watch.viewers:
                    viewer.put_nowait(changed)
            await asyncio.sleep(self.every)

    async def close(self) -> None:
        """Stop every watcher (the server is going away)."""
        tasks = [w.task for w in self._watches.values() if w.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._watches.clear()
