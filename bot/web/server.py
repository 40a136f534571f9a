"""The web server in the bot process: signed pages, their live updates, and the fonts and scripts they use, all
served by the bot itself (venues often have poor internet: nothing comes from elsewhere)."""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from bot.app.services import Services
from bot.reports.chart import font_files
from bot.web.board import app_board, app_board_open, board_act, board_events, board_page, board_voice
from bot.web.context import RENDERER, SERVICES, WATCHERS
from bot.web.guard import RateLimit, guarded
from bot.web.live import Watchers
from bot.web.projector import projector_chart, projector_events, projector_page
from bot.web.render import Renderer
from bot.web.report import report_page, report_voice
from bot.web.suggestions import HINTS, Hints, board_suggest

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")


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
        await app[HINTS].close()
        await runner.cleanup()


def application(svc: Services, watchers: Watchers) -> web.Application:
    """The aiohttp application with every route."""
    app = web.Application(middlewares=[guarded(RateLimit())], client_max_size=64 * 1024)
    app[SERVICES], app[RENDERER], app[WATCHERS], app[HINTS] = svc, Renderer(svc), watchers, Hints()
    app.add_routes(
        [
            web.get("/projector/{token}", projector_page),
            web.get("/projector/{token}/events", projector_events),
            web.get("/projector/{token}/chart.png", projector_chart),
            web.get("/board/{token}", board_page),
            web.get("/board/{token}/events", board_events),
            web.post("/board/{token}/act", board_act),
            web.post("/board/{token}/suggest", board_suggest),
            web.get("/board/{token}/voice/{idea}", board_voice),
            web.get("/report/{token}", report_page),
            web.get("/report/{token}/voice/{action}/{period}", report_voice),
            web.get("/app/board/{session}", app_board),
            web.post("/app/board/{session}/open", app_board_open),
            web.get("/static/{name}", static_file),
            web.get("/fonts/{name}", font_file),
        ]
    )
    return app


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
