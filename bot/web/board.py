"""The sorting board: a coordinator's page of every idea by theme, where what they do is done on the same stores
as in the chat, refused when the card changed since it was seen, and seen live on every other open board."""

from __future__ import annotations

from functools import partial

from aiohttp import web

from bot.app.board import Action, BoardView, act, board_grant, board_view
from bot.app.suggesting import Ideas, for_model
from bot.domain import Session
from bot.domain.grant import PageRole, csrf_for, sign
from bot.domain.webapp import launched_by
from bot.i18n.bidi import unmarked
from bot.storage import Conn, ideas
from bot.web.context import (
    RENDERER,
    SERVICES,
    Opened,
    granted,
    page_translator,
    play,
    require_key,
    session_granted,
    stream,
)
from bot.web.live import Parts
from bot.web.render import FORBIDDEN
from bot.web.suggestions import HINTS


@granted(PageRole.BOARD)
async def board_page(request: web.Request, page: Opened) -> web.StreamResponse:
    """The board as it is now; its script keeps it current and sends what the coordinator does."""
    view = await _view(request, page, page.session)
    return page.renderer.board(view, page.translator, page.token, csrf_for(page.svc.secret, page.token))


async def _view(request: web.Request, page: Opened, session: Session) -> BoardView:
    """The board now, with the themes suggested for unsorted ideas as far as they are worked out."""
    hints = request.app[HINTS]

    def both(conn: Conn) -> tuple[Ideas, BoardView]:  # one trip to the store for what the model and page need
        view = board_view(conn, page.svc, session, page.translator, hints.known(session.id))
        return for_model(conn, session.id), view

    model, view = await page.svc.db.read(both)
    hints.refresh(session.id, model)
    return view


@granted(PageRole.BOARD)
async def board_events(request: web.Request, page: Opened) -> web.StreamResponse:
    """Server-sent events: the columns and the hidden ideas, as any board or the chat changes them."""

    async def look() -> Parts | None:
        found = await session_granted(request, PageRole.BOARD)  # expired, or no longer theirs: the board is gone
        if found is None:
            return None
        view = await _view(request, page, found)
        return page.renderer.board_parts(view, page.translator, page.token)

    return await stream(request, (PageRole.BOARD, page.token, page.translator.locale), look)


@granted(PageRole.BOARD)
async def board_act(request: web.Request, page: Opened) -> web.StreamResponse:
    """One thing the coordinator did: done in one transaction, or refused with a notice in their language."""
    require_key(request, page)
    try:
        data = await request.json()
    except ValueError:
        data = None
    action = Action.of(data) if isinstance(data, dict) else None
    if action is None:
        raise web.HTTPBadRequest()
    outcome = await page.svc.db.write(
        partial(act, svc=page.svc, session=page.session, action=action, translator=page.translator)
    )
    notice = unmarked(page.translator.text(outcome.notice)) if outcome.notice is not None else None
    return web.json_response({"done": outcome.done, "notice": notice}, status=200 if outcome.done else 409)


@granted(PageRole.BOARD)
async def board_voice(request: web.Request, page: Opened) -> web.StreamResponse:
    """A voice idea to listen to, fetched from Telegram when played (the bot keeps no copy)."""
    try:
        idea_id = int(request.match_info["idea"])
    except ValueError:
        raise web.HTTPNotFound() from None
    card = await page.svc.db.read(partial(ideas.card, session_id=page.session.id, idea_id=idea_id))
    return await play(page, card.voice_file_id if card is not None else None)


# ---- opened as a Telegram Mini App ----------------------------------------------------------------------------


async def app_board(request: web.Request) -> web.StreamResponse:
    """The Mini App's first page: its script sends Telegram's signed launch data, and goes on to the board."""
    translator = page_translator(request)
    return request.app[RENDERER].app_shell(translator, request.match_info["session"])


async def app_board_open(request: web.Request) -> web.StreamResponse:
    """Who opened the Mini App, from Telegram's signed launch data; a board link when they run the session."""
    svc, translator = request.app[SERVICES], page_translator(request)
    refused = web.json_response({"notice": unmarked(translator.text(FORBIDDEN))}, status=403)
    if svc.web_app_key is None or not request.match_info["session"].isdigit():
        return refused
    telegram_id = launched_by(svc.web_app_key, (await request.text())[:4096], svc.clock())
    if telegram_id is None:
        return refused
    grant = await svc.db.read(
        partial(board_grant, telegram_id=telegram_id, session_id=int(request.match_info["session"]), now=svc.clock())
    )
    if grant is None:
        return refused
    return web.json_response({"board": f"../../board/{sign(svc.secret, grant)}?lang={translator.locale}"})
