"""Coordinator buttons: `k:<verb>:<args>`, each checked against role, session ownership and current state."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import CallbackContext

from bot.domain import Session
from bot.storage import CoordinatorRecord
from bot.tg.authority import active_session, coordinators_only, refuse

Context = CallbackContext[Any, Any, Any, Any]
PREFIX = "k:"
ButtonHandler = Callable[[Update, Context, CoordinatorRecord, Session, list[str]], Awaitable[None]]
BUTTONS: dict[str, ButtonHandler] = {}


def button(verb: str) -> Callable[[ButtonHandler], ButtonHandler]:
    """Register the handler of one kind of coordinator button."""

    def register(handler: ButtonHandler) -> ButtonHandler:
        BUTTONS[verb] = handler
        return handler

    return register


def data(verb: str, *args: object) -> str:
    """The callback data of a coordinator button (well within Telegram's 64 bytes)."""
    return ":".join([PREFIX.rstrip(":"), verb, *(str(a) for a in args)])


@coordinators_only
async def on_coordinator_button(update: Update, context: Context, record: CoordinatorRecord) -> None:
    """Dispatch a coordinator's press; anything malformed or out of place gets the neutral answer."""
    query = update.callback_query
    assert query is not None and query.data is not None
    parts = query.data.split(":")
    verb, args = (parts[1], parts[2:]) if len(parts) >= 2 else ("", [])
    handler = BUTTONS.get(verb)
    if handler is None or not all(a.isdigit() or a.isidentifier() for a in args):
        await refuse(update, context, "malformed coordinator button")
        return
    session = await active_session(update, context, record)
    if session is None:
        return
    await handler(update, context, record, session, args)
