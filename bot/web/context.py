"""What every page handler shares: the bot's services on the application, the check that a request's link grants
its page (anew on every request), the page's language, and the stream of live changes."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from aiohttp import web

from bot.app.board import may_use
from bot.app.services import Services
from bot.domain import Session
from bot.domain.grant import PageRole, csrf_for, verify
from bot.i18n import Translator
from bot.storage import sessions
from bot.web.language import page_locale
from bot.web.live import Parts, Watchers
from bot.web.render import Renderer

log = logging.getLogger(__name__)
KEY_HEADER = "X-Inspraak-Key"  # a change a page asks for carries the key only the page it came with knows
SERVICES = web.AppKey("services", Services)
RENDERER = web.AppKey("renderer", Renderer)
WATCHERS = web.AppKey("watchers", Watchers)


@dataclass(frozen=True)
class Opened:
    """A request whose link grants its page: the bot's services, the page's language and the session."""

    svc: Services
    renderer: Renderer
    translator: Translator
    session: Session
    token: str


PageHandler = Callable[[web.Request, Opened], Awaitable[web.StreamResponse]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def granted(role: PageRole) -> Callable[[PageHandler], Handler]:
    """A handler that runs only when the request's link grants `role` now; a kind 403 page otherwise."""

    def wrap(handler: PageHandler) -> Handler:
        async def opened(request: web.Request) -> web.StreamResponse:
            translator = page_translator(request)
            session = await session_granted(request, role)
            if session is None:
                return request.app[RENDERER].forbidden(translator)
            page = Opened(
                request.app[SERVICES], request.app[RENDERER], translator, session, request.match_info["token"]
            )
            return await handler(request, page)

        return opened

    return wrap


def require_key(request: web.Request, page: Opened) -> None:
    """Refuse a change that does not carry the page's key (another site cannot know it)."""
    if not hmac.compare_digest(request.headers.get(KEY_HEADER, ""), csrf_for(page.svc.secret, page.token)):
        raise web.HTTPForbidden()


async def session_granted(request: web.Request, role: PageRole) -> Session | None:
    """The session the request's link grants this role on now; None when it does not (forged, altered, expired,
    for another page, the session gone, or a board's coordinator no longer running it)."""
    svc = request.app[SERVICES]
    grant = verify(svc.secret, request.match_info["token"])
    if grant is None or grant.role is not role or not grant.valid_at(svc.clock()):
        return None
    if role is PageRole.BOARD:
        return await svc.db.read(partial(may_use, grant=grant))
    return await svc.db.read(partial(sessions.by_id, session_id=grant.session_id))


def page_translator(request: web.Request) -> Translator:
    """The page's language: `?lang=`, else the browser's, else the bot's."""
    svc = request.app[SERVICES]
    locale = page_locale(request.query.get("lang"), request.headers.get("Accept-Language"), svc.language)
    return svc.catalogs.get(locale)


async def stream(
    request: web.Request, key: tuple[object, ...], look: Callable[[], Awaitable[Parts | None]]
) -> web.StreamResponse:
    """Send a page's changed parts as server-sent events until the viewer leaves or the page is gone."""
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"})
    await response.prepare(request)
    async with request.app[WATCHERS].follow(key, look) as queue:
        try:
            while True:
                parts = await queue.get()
                if parts is None:
                    await response.write(b"event: gone\ndata: {}\n\n")
                    break
                await response.write(f"data: {json.dumps(parts)}\n\n".encode())
        except ConnectionResetError:  # the viewer closed the page or went elsewhere
            pass
    return response


async def play(page: Opened, file_id: str | None) -> web.StreamResponse:
    """A voice message someone sent, fetched from Telegram as it is played (the bot keeps no copy)."""
    if file_id is None or page.svc.files is None:
        raise web.HTTPNotFound()
    try:
        data = await page.svc.files(file_id)
    except Exception:  # Telegram could not give it now: the player says it cannot play
        log.warning("a voice message could not be fetched for a page")
        raise web.HTTPBadGateway() from None
    return web.Response(body=data, content_type="audio/ogg", headers={"Cache-Control": "private, max-age=3600"})
