"""Webhook mode: Telegram posts each update to the bot's address, where it is journaled and answered at once, then
handled from the journal in Telegram's order. A slow step never keeps Telegram waiting (so it never posts an update
again for that), and a crash between the two loses nothing: the journal is read again at the next start."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from typing import Any

from aiohttp import web

from bot.scheduling import Clock
from bot.storage import Database, inbound

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
BATCH = 100  # updates taken from the journal at once, as getUpdates gives them
LOOK = 0.5  # seconds between looks for what other processes journaled
Handle = Callable[[list[dict[str, Any]]], Awaitable[None]]  # a batch of updates as Telegram sent them


def derived_secret(token: str) -> str:
    """The secret Telegram sends with every update when none is configured: the same in every process that has the
    token, and telling nothing about it."""
    digest = hmac.new(token.encode(), b"inspraak webhook secret", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class Webhook:
    """Takes Telegram's posts into the journal, and works through the journal."""

    def __init__(self, db: Database, secret: str, path: str, clock: Clock) -> None:
        self.db = db
        self.secret = secret.encode()
        self.path = path or "/"
        self.clock = clock
        self._journaled = asyncio.Event()

    @contextlib.asynccontextmanager
    async def listening(self, host: str, port: int, sock: socket.socket | None = None) -> AsyncIterator[None]:
        """Take posts on the address (or the socket already bound for it) while the block runs."""
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_post(self.path, self._receive)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)  # a log of requests: never
        await runner.setup()
        await (web.SockSite(runner, sock) if sock is not None else web.TCPSite(runner, host, port)).start()
        try:
            yield
        finally:
            await runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        """Journal an update from Telegram and say so at once; anyone without the secret is refused."""
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), self.secret):
            log.warning("a post to the webhook without Telegram's secret was refused")
            return web.Response(status=403)
        try:
            update: Any = await request.json()
        except ValueError:
            update = None
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            log.warning("a post to the webhook that is no update was refused")
            return web.Response(status=400)
        await self.db.write(partial(inbound.keep, update=update, now=self.clock()))
        self._journaled.set()
        return web.Response(status=200)

    async def run(self, stop: asyncio.Event, handle: Handle) -> None:
        """Handle what the journal holds, oldest first, and what comes in, until `stop` is set (the batch in hand
        is finished). What other processes journaled and left (a chat another was busy with, or one that stopped)
        is looked for every LOOK seconds."""
        while not stop.is_set():
            self._journaled.clear()
            try:
                await drain(self.db, handle, stop)
            except Exception as error:  # the store refused (busy, a lost connection): what waits is taken later
                log.warning("the updates journaled could not be taken (%s); trying again", type(error).__name__)
            await _first(self._journaled.wait(), stop.wait(), asyncio.sleep(LOOK))


async def drain(db: Database, handle: Handle, stop: asyncio.Event) -> None:
    """Handle everything the journal holds, oldest first: what came in by webhook, also when the bot has since been
    switched back to polling, or stopped before it could handle it."""
    while not stop.is_set():
        batch = await db.write(partial(inbound.claim, worker=db.worker, limit=BATCH))
        if not batch:
            return
        await handle(batch)
        await db.write(partial(inbound.done, update_ids=[int(u["update_id"]) for u in batch]))


async def _first(*waits: Awaitable[object]) -> None:
    tasks = [asyncio.ensure_future(w) for w in waits]
    _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
