"""Coordinator buttons: `k:<verb>:<args>`, each checked against role, session ownership and current state."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import CallbackContext

from bot.domain import Session
from bot.domain.pool import Pool
from bot.storage import CoordinatorRecord
from bot.tg.authority import active_session, coordinators_only, refuse
from bot.tg.services import services

Context = CallbackContext[Any, Any, Any, Any]
PREFIX = "k:"
ButtonHandler = Callable[[Update, Context, CoordinatorRecord, Session, list[str]], Awaitable[None]]
PoolButtonHandler = Callable[[Update, Context, CoordinatorRecord, Pool, list[str]], Awaitable[None]]
BUTTONS: dict[str, ButtonHandler] = {}
POOL_BUTTONS: dict[str, PoolButtonHandler] = {}


def button(verb: str) -> Callable[[ButtonHandler], ButtonHandler]:
    """Register the handler of one kind of coordinator button."""

    def register(handler: ButtonHandler) -> ButtonHandler:
        BUTTONS[verb] = handler
        return handler

    return register


def pool_button(verb: str) -> Callable[[PoolButtonHandler], PoolButtonHandler]:
    """Register the handler of a button about one of the coordinator's pools (its id comes first)."""

    def register(handler: PoolButtonHandler) -> PoolButtonHandler:
        POOL_BUTTONS[verb] = handler
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
    well_formed = all(a.isdigit() or a.isidentifier() for a in args)
    if verb in POOL_BUTTONS and well_formed and args and args[0].isdigit():
        pool = await services(context).pools.owned(query.from_user.id, int(args[0]))
        if pool is None:
            await refuse(update, context, "button of a pool that is not theirs")
            return
        await POOL_BUTTONS[verb](update, context, record, pool, args[1:])
        return
    handler = BUTTONS.get(verb)
    if handler is None or not well_formed:
        await refuse(update, context, "malformed coordinator button")
        return
    session = await active_session(update, context, record)
    if session is None:
        return
    await handler(update, context, record, session, args)
