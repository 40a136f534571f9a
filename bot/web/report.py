"""The report page: the session's report as its HTML export, in the reader's language, current when opened;
read-only, and without code names."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from aiohttp import web

from bot.domain.grant import PageRole
from bot.exports import report
from bot.i18n import native_name
from bot.i18n.bidi import unmarked
from bot.reports import html
from bot.storage.actions import spoken_answer
from bot.web.context import Opened, granted, play

# The report is one self-contained document (its style and charts inside), as the HTML export is; it runs no script.
POLICY = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; font-src 'self'; img-src data:; media-src 'self'; "
    "base-uri 'none'; "
    "form-action 'none'; "
    "frame-ancestors 'none'"
)


@granted(PageRole.REPORT)
async def report_page(request: web.Request, page: Opened) -> web.StreamResponse:
    """The report as it stands now, in the reader's language, with the session's languages to switch to."""
    svc, session = page.svc, page.session
    made = partial(
        report, catalogs=svc.catalogs, session=session, locale=page.translator.locale, zone=svc.zone, public=True
    )
    languages = tuple((code, native_name(code)) for code in session.languages)
    data = replace(await svc.db.read(made), languages=languages, voices=f"{page.token}/voice")
    return web.Response(
        text=unmarked(html(data)), content_type="text/html", headers={"Content-Security-Policy": POLICY}
    )


@granted(PageRole.REPORT)
async def report_voice(request: web.Request, page: Opened) -> web.StreamResponse:
    """An owner's spoken answer on an action's timeline, fetched from Telegram when played (no copy is kept)."""
    try:
        action_id, period = int(request.match_info["action"]), int(request.match_info["period"])
    except ValueError:
        raise web.HTTPNotFound() from None
    file_id = await page.svc.db.read(
        partial(spoken_answer, session_id=page.session.id, action_id=action_id, period=period)
    )
    return await play(page, file_id)
