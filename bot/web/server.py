"""The web server in the bot process: signed pages, their live updates, and the fonts and scripts they use, all
served by the bot itself (venues often have poor internet: nothing comes from elsewhere)."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from aiohttp import web

from bot.app.room import room_view
from bot.app.services import Services
from bot.domain import Session
from bot.domain.grant import PageRole, verify
from bot.exports import load_results
from bot.i18n import Translator
from bot.reports.chart import font_files
from bot.storage import sessions
from bot.web.guard import RateLimit, guarded
from bot.web.language import page_locale
from bot.web.live import Parts, Watchers
from bot.web.render import Renderer

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")
SERVICES = web.AppKey("services", Services)
RENDERER = web.AppKey("renderer", Renderer)
WATCHERS = web.AppKey("watchers", Watchers)


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to the address the pages are served on (port 0: any free one), so its port is known before
    the bot starts and nothing else can take it meanwhile."""
    sock = socket.create_server((host, port), reuse_port=False)
    sock.setblocking(False)
    return sock


@contextlib.asynccontextmanager
async def pages(svc: Services, sock: socket.socket, watchers: Watchers | None = None) -> AsyncIterator[None]:
    """Serve the pages on the socket while the bot runs."""
    app = application(svc, watchers or Watchers())
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)  # a log of requests would hold the links
    await runner.setup()
    await web.SockSite(runner, sock).start()
    log.info("the web pages are served at %s", svc.pages)
    try:
        yield
    finally:
        await app[WATCHERS].close()
        await runner.cleanup()


def application(svc: Services, watchers: Watchers) -> web.Application:
    """The aiohttp application with every route."""
    app = web.Application(middlewares=[guarded(RateLimit())])
    app[SERVICES], app[RENDERER], app[WATCHERS] = svc, Renderer(svc), watchers
    app.add_routes(
        [
            web.get("/projector/{token}", projector_page),
            web.get("/projector/{token}/events", projector_events),
            web.get("/projector/{token}/chart.png", projector_chart),
            web.get("/static/{name}", static_file),
            web.get("/fonts/{name}", font_file),
        ]
    )
    return app


# ---- the projector --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    """A request whose link grants its page: the bot's services, the page's language and the session."""

    svc: Services
    renderer: Renderer
    translator: Translator
    session: Session
    token: str


PageHandler = Callable[[web.Request, Opened], Awaitable[web.StreamResponse]]


def granted(role: PageRole) -> Callable[[PageHandler], Callable[[web.Request], Awaitable[web.StreamResponse]]]:
    """A handler that runs only when the request's link grants `role` now; a kind 403 page otherwise."""

    def wrap(handler: PageHandler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def opened(request: web.Request) -> web.StreamResponse:
            translator = _translator(request)
            session = await _granted(request, role)
            if session is None:
                return request.app[RENDERER].forbidden(translator)
            page = Opened(
                request.app[SERVICES], request.app[RENDERER], translator, session, request.match_info["token"]
            )
            return await handler(request, page)

        return opened

    return wrap


@granted(PageRole.PROJECTOR)
async def projector_page(request: web.Request, page: Opened) -> web.StreamResponse:
    """The projector page, as it is now; its script keeps it current."""
    view = await page.svc.db.read(partial(room_view, svc=page.svc, session=page.session, translator=page.translator))
    return page.renderer.projector(view, page.translator, page.token)


@granted(PageRole.PROJECTOR)
async def projector_events(request: web.Request, page: Opened) -> web.StreamResponse:
    """Server-sent events: the parts of the projector page that changed, as they change."""

    async def look() -> Parts | None:
        found = await _granted(request, PageRole.PROJECTOR)  # expired, or the session removed: the page is gone
        if found is None:
            return None
        view = await page.svc.db.read(partial(room_view, svc=page.svc, session=found, translator=page.translator))
        return page.renderer.projector_parts(view, page.translator, page.token)

    key = (PageRole.PROJECTOR, page.token, page.translator.locale)
    return await _stream(request, request.app[WATCHERS], key, look)


@granted(PageRole.PROJECTOR)
async def projector_chart(request: web.Request, page: Opened) -> web.StreamResponse:
    """The group comparison chart of a closed session, in the page's language."""
    found = await page.svc.db.read(partial(load_results, session=page.session))
    if found.results.overall.voters == 0:
        raise web.HTTPNotFound()
    return web.Response(body=found.chart(page.translator), content_type="image/png")


# ---- shared ---------------------------------------------------------------------------------------------------


async def _stream(
    request: web.Request,
    watchers: Watchers,
    key: tuple[object, ...],
    look: Callable[[], Awaitable[Parts | None]],
) -> web.StreamResponse:
    """Send a page's changed parts as server-sent events until the viewer leaves or the page is gone."""
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"})
    await response.prepare(request)
    async with watchers.follow(key, look) as queue:
        while True:
            parts = await queue.get()
            if parts is None:
                await response.write(b"event: gone\ndata: {}\n\n")
                break
            await response.write(f"data: {json.dumps(parts)}\n\n".encode())
    return response


async def _granted(request: web.Request, role: PageRole) -> Session | None:
    """The session the link grants this role on, checked anew on every request; None if it does not."""
    svc = request.app[SERVICES]
    grant = verify(svc.secret, request.match_info["token"])
    if grant is None or grant.role is not role or not grant.valid_at(svc.clock()):
        return None
    return await svc.db.read(partial(sessions.by_id, session_id=grant.session_id))


def _translator(request: web.Request) -> Translator:
    svc = request.app[SERVICES]
    return svc.catalogs.get(
        page_locale(request.query.get("lang"), request.headers.get("Accept-Language"), svc.language)
    )


async def static_file(request: web.Request) -> web.StreamResponse:
    """The pages' own style sheet and scripts."""
    name = request.match_info["name"]
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(path, headers={"Cache-Control": "max-age=3600"})


async def font_file(request: web.Request) -> web.StreamResponse:
    """The fonts for Latin, Cyrillic, Arabic and Ge'ez script, the same ones the charts draw with."""
    wanted = request.match_info["name"]
    path = next((p for p in font_files() if p.name == wanted), None)
    if path is None:
        raise web.HTTPNotFound()
    return web.FileResponse(path, headers={"Cache-Control": "max-age=86400", "Content-Type": "font/ttf"})
