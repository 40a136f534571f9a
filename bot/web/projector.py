"""The projector page: read-only, for the room; kept current by server-sent events."""

from __future__ import annotations

from functools import partial

from aiohttp import web

from bot.app.room import room_view
from bot.domain.grant import PageRole
from bot.exports import load_results
from bot.web.context import Opened, granted, session_granted, stream
from bot.web.live import Parts


@granted(PageRole.PROJECTOR)
async def projector_page(request: web.Request, page: Opened) -> web.StreamResponse:
    """The projector page, as it is now; its script keeps it current."""
    view = await page.svc.db.read(partial(room_view, svc=page.svc, session=page.session, translator=page.translator))
    return page.renderer.projector(view, page.translator, page.token)


@granted(PageRole.PROJECTOR)
async def projector_events(request: web.Request, page: Opened) -> web.StreamResponse:
    """Server-sent events: the parts of the projector page that changed, as they change."""

    async def look() -> Parts | None:
        found = await session_granted(request, PageRole.PROJECTOR)  # expired or removed: the page is gone
        if found is None:
            return None
        view = await page.svc.db.read(partial(room_view, svc=page.svc, session=found, translator=page.translator))
        return page.renderer.projector_parts(view, page.translator, page.token)

    return await stream(request, (PageRole.PROJECTOR, page.token, page.translator.locale), look)


@granted(PageRole.PROJECTOR)
async def projector_chart(request: web.Request, page: Opened) -> web.StreamResponse:
    """The group comparison chart of a closed session, in the page's language."""
    found = await page.svc.db.read(partial(load_results, session=page.session))
    if found.results.overall.voters == 0:
        raise web.HTTPNotFound()
    return web.Response(body=found.chart(page.translator), content_type="image/png")
