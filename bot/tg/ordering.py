"""Updates from different people are handled at the same time; one person's updates one after another, in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

# Updates in hand at once: enough to overlap Bot API round trips and let one person's rate-limit pause pass
# without holding up others. More only lengthens the queue for the single write connection (see
# docs/benchmarks.md).
MAX_CONCURRENT = 8


class PerChatOrder:
    """One lock per chat: while a slow reply to one person waits (a round trip, their rate limit), others go on.
    An update waiting for its chat's earlier ones holds none of the places in hand."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT) -> None:
        self._places = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}  # chat -> (its lock, updates holding or awaiting it)

    async def run(self, chat: int, coroutine: Awaitable[None]) -> None:
        """Run the update's handling once every earlier update of the same chat is done."""
        lock, users = self._locks.get(chat, (asyncio.Lock(), 0))
        self._locks[chat] = (lock, users + 1)
        try:
            async with lock, self._places:
                await coroutine
        finally:
            lock, users = self._locks[chat]
            if users == 1:
                del self._locks[chat]
            else:
                self._locks[chat] = (lock, users - 1)
