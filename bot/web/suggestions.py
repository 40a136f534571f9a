"""Theme suggestions on the board, off the event loop: the model runs in a thread, so no one's chat waits for it.
Hints for unsorted ideas are worked out again whenever the ideas move, and shown once ready."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from functools import partial

from aiohttp import web

from bot import suggest
from bot.app.suggesting import Ideas, for_model
from bot.domain.grant import PageRole
from bot.storage import themes
from bot.suggest.records import Placement
from bot.web.context import Opened, granted, require_key

log = logging.getLogger(__name__)


class Hints:
    """The theme suggested for each unsorted idea of a session, as last worked out."""

    def __init__(self) -> None:
        self._done: dict[int, tuple[tuple[object, ...], Mapping[int, Placement]]] = {}
        self._working: dict[int, asyncio.Task[None]] = {}

    def known(self, session_id: int) -> Mapping[int, Placement]:
        """The hints as last worked out (none until ready)."""
        done = self._done.get(session_id)
        return done[1] if done is not None else {}

    def refresh(self, session_id: int, found: Ideas) -> None:
        """Start working the hints out again when the ideas moved since they were."""
        done = self._done.get(session_id)
        stale = done is None or done[0] != found.fingerprint
        if stale and session_id not in self._working and suggest.available() and found.unsorted and found.by_theme:
            self._working[session_id] = asyncio.create_task(self._work_out(session_id, found))

    async def _work_out(self, session_id: int, found: Ideas) -> None:
        try:
            placed = await asyncio.to_thread(suggest.place, found.by_theme, found.unsorted)
            self._done[session_id] = (found.fingerprint, {p.idea: p for p in placed})
        except Exception as error:  # suggestions are a help: the board works on without them
            # by the kind of error only: a message could quote the ideas' words
            log.warning("themes could not be suggested for a session's ideas (%s)", type(error).__name__)
        finally:
            self._working.pop(session_id, None)

    async def close(self) -> None:
        """Stop what is being worked out (the server is going away)."""
        for task in list(self._working.values()):
            task.cancel()
        await asyncio.gather(*self._working.values(), return_exceptions=True)


HINTS = web.AppKey("hints", Hints)


@granted(PageRole.BOARD)
async def board_suggest(request: web.Request, page: Opened) -> web.StreamResponse:
    """Groups of unsorted ideas that seem to be about the same thing, as a panel for the board."""
    require_key(request, page)
    found = await page.svc.db.read(partial(for_model, session_id=page.session.id))
    existing = await page.svc.db.read(partial(themes.of_session, session_id=page.session.id))
    groups = await asyncio.to_thread(suggest.suggest, found.unsorted) if suggest.available() else []
    words = {said.id: said.text for said in found.unsorted}
    html = page.renderer.suggestions(groups, words, existing, page.translator, suggest.available())
    return web.json_response({"html": html})
