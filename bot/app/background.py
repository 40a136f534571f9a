"""Work the bot does beside the chat (machine translation, writing down voice notes): a look every few seconds,
never inside anyone's step, and a wait that grows while an outside service cannot answer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

log = logging.getLogger(__name__)

LONG_WAIT = 3600.0  # seconds before asking again a service that needs its operator (a wrong key or address)


async def keep_looking(
    look: Callable[[], Awaitable[object]],
    stop: asyncio.Event,
    every: float,
    what: str,
    leading: Callable[[], Awaitable[bool]],
) -> None:
    """Call `look` every `every` seconds until `stop` is set, while this process leads (with several processes on
    one database, one does this work, and another when it is gone); a failure is logged by its kind and waits for
    the next."""
    while not stop.is_set():
        try:
            if await leading():
                await look()
        except Exception as error:  # the bot goes on; what waits is tried at the next look
            log.error("%s failed (%s); trying again later", what, type(error).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


def backoff(attempts: int, retry_after: float | None) -> timedelta:
    """How long to wait after a failed try: the service's own word, else doubling from 30 s up to an hour."""
    if retry_after is not None:
        return timedelta(seconds=max(1.0, min(retry_after, 3600.0)))
    return timedelta(seconds=min(30 * 2**attempts, 3600))
