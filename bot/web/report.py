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
from bot.web.context import Opened, granted

# The report is one self-contained document (its style and charts inside), as the HTML export is; it runs no script.
POLICY = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; font-src 'self'; img-src data:; base-uri 'none'; "
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
    data = replace(await svc.db.read(made), languages=tuple((code, native_name(code)) for code in session.languages))
    return web.Response(
        text=unmarked(html(data)), content_type="text/html", headers={"Content-Security-Policy": POLICY}
    )
