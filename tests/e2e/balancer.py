"""A load balancer on 127.0.0.1, as one spreads Telegram's posts over the bot's processes: each post to the next
process in turn, and to the one after it when a process does not answer (nginx's proxy_next_upstream)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import aiohttp
from aiohttp import web

from bot.web import listening_socket

PASSED = ("Content-Type", "X-Telegram-Bot-Api-Secret-Token")


class Balancer:
    """Round robin over the processes' webhook addresses."""

    def __init__(self, backends: Sequence[str]) -> None:
        self.backends = list(backends)
        self._turn = itertools.count()
        self.sock = listening_socket("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/telegram"
        self.served: list[str] = []  # which backend took each post
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        """Listen on the balancer's address."""
        app = web.Application()
        app.router.add_post("/telegram", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, self.sock).start()
        self._client = aiohttp.ClientSession()

    async def stop(self) -> None:
        """Stop listening."""
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._client is not None
        body = await request.read()
        headers = {name: request.headers[name] for name in PASSED if name in request.headers}
        first = next(self._turn)
        for step in range(len(self.backends)):
            backend = self.backends[(first + step) % len(self.backends)]
            try:
                async with self._client.post(backend, data=body, headers=headers) as answer:
                    self.served.append(backend)
                    return web.Response(status=answer.status, body=await answer.read())
            except aiohttp.ClientConnectionError:
                continue  # that process is gone: the next one takes it
        return web.Response(status=502)
