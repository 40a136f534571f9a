"""What every response goes through: a limit on how often one address may ask, and headers that keep the pages to
themselves (no scripts or fonts from elsewhere, no referrer carrying a link, nothing cached that holds one)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": POLICY,
    "Referrer-Policy": "no-referrer",  # a page's address is its key: never hand it to another site
    "X-Content-Type-Options": "nosniff",
}


@dataclass
class RateLimit:
    """A bucket of requests per address, refilled at a steady rate: a room of phones and a projector fit easily; a
    flood from one address gets 429 until it slows down."""

    burst: float = 60.0
    per_second: float = 20.0
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def allows(self, address: str) -> bool:
        """Take one request from the address's bucket, if there is one left."""
        now = self.clock()
        tokens, then = self._buckets.get(address, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.per_second)
        if len(self._buckets) > 10_000:  # addresses seen once long ago are forgotten
            self._buckets.clear()
        if tokens < 1:
            self._buckets[address] = (tokens, now)
            return False
        self._buckets[address] = (tokens - 1, now)
        return True


def guarded(limit: RateLimit) -> Middleware:
    """The middleware: refuse a flood, then add the protective headers to whatever the page answers."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not limit.allows(request.remote or ""):
            raise web.HTTPTooManyRequests(headers={"Retry-After": "1", **HEADERS})
        try:
            response = await handler(request)
        except web.HTTPException as error:
            error.headers.update(HEADERS)
            raise
        if not response.prepared:
            for name, value in HEADERS.items():  # a page may set a stricter (or its own) policy
                response.headers.setdefault(name, value)
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return middleware
