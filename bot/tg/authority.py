"""Who may use coordinator commands and buttons: checked on the server for every command and press."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from functools import wraps
from typing import Any

from telegram import Update
from telegram.ext import CallbackContext

from bot.domain import Role, Session, role_of
from bot.storage import CoordinatorRecord
from bot.tg import coord_texts, texts
from bot.tg.dedupe import mark_handled
from bot.tg.render import send
from bot.tg.services import services

log = logging.getLogger(__name__)
Context = CallbackContext[Any, Any, Any, Any]
CoordinatorHandler = Callable[[Update, Context, CoordinatorRecord], Awaitable[None]]
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]
SessionView = Callable[[Update, Context, CoordinatorRecord, Session], Awaitable[None]]


def hashed(telegram_id: int, secret: bytes) -> str:
    """A stable tag for a person in logs, not reversible without the installation's secret."""
    return hashlib.blake2b(str(telegram_id).encode(), key=secret[:64], digest_size=8).hexdigest()


async def coordinator_of(update: Update, context: Context) -> CoordinatorRecord | None:
    """The sender as a coordinator (admins become one on their first command), or None."""
    user = update.effective_user
    if user is None:
        return None
    svc = services(context)
    record = await svc.coord.coordinator(user.id)
    if record is None and role_of(user.id, svc.config.admins, False) is Role.ADMIN:
        record = await svc.coord.ensure_coordinator(user.id)
    return record


def is_admin(update: Update, context: Context) -> bool:
    """Whether the sender is an admin from the configuration."""
    user = update.effective_user
    return user is not None and role_of(user.id, services(context).config.admins, False) is Role.ADMIN


async def refuse(update: Update, context: Context, what: str) -> None:
    """The same neutral answer as for any unknown command; the attempt is logged without identity."""
    user = update.effective_user
    if user is not None:
        log.warning("refused %s for user %s", what, hashed(user.id, services(context).secret))
    query = update.callback_query
    translator = await services(context).translator_of(user)
    if query is not None:
        await query.answer(translator.text(texts.BUTTON_EXPIRED), show_alert=True)
    elif update.effective_chat is not None:
        await send(context.bot, update.effective_chat.id, texts.UNKNOWN_COMMAND, translator)
    await mark_handled(update, context)


def coordinators_only(handler: CoordinatorHandler) -> Handler:
    """Run a command or button handler only for coordinators; everyone else gets the neutral answer."""

    @wraps(handler)
    async def guarded(update: Update, context: Context) -> None:
        record = await coordinator_of(update, context)
        if record is None:
            what = update.callback_query.data if update.callback_query else _command(update)
            await refuse(update, context, f"coordinator action {what!r}")
            return
        await handler(update, context, record)

    return guarded


def admins_only(handler: CoordinatorHandler) -> Handler:
    """Like `coordinators_only`, for what only admins may do."""

    @wraps(handler)
    async def guarded(update: Update, context: Context) -> None:
        record = await coordinator_of(update, context) if is_admin(update, context) else None
        if record is None:
            await refuse(update, context, f"admin command {_command(update)!r}")
            return
        await handler(update, context, record)

    return guarded


async def active_session(update: Update, context: Context, record: CoordinatorRecord) -> Session | None:
    """The session this coordinator's commands act on; says how to pick one when there is none."""
    user = update.effective_user
    assert user is not None
    svc = services(context)
    session = await svc.coord.runnable(user.id, record.active_session) if record.active_session else None
    if session is None and update.effective_chat is not None:
        translator = svc.translator_for(record.participant.locale, user.language_code)
        if update.callback_query is not None:
            await update.callback_query.answer(translator.text(texts.BUTTON_EXPIRED), show_alert=True)
        else:
            await send(context.bot, update.effective_chat.id, coord_texts.NEED_SESSION, translator)
        await mark_handled(update, context)
    return session


async def show_in_active_session(
    update: Update, context: Context, record: CoordinatorRecord, show: SessionView
) -> None:
    """A command that only shows a view of the coordinator's active session."""
    session = await active_session(update, context, record)
    if session is not None:
        await show(update, context, record, session)
        await mark_handled(update, context)


def _command(update: Update) -> str:
    text = update.effective_message.text if update.effective_message else None
    return (text or "").split()[0][:40] if text else "?"
