"""Failures while handling an update: logged without personal data, and the person told kindly."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CallbackContext

from bot.tg import texts
from bot.tg.render import send
from bot.tg.services import services

log = logging.getLogger(__name__)


def describe(error: BaseException) -> str:
    """The error's type and where it happened, without its message (which may quote a person's text)."""
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}" for f in reversed(frames))
    return f"{type(error).__name__} at {where or 'unknown place'}"


async def on_error(update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Log what failed and, in a private chat, ask the person to try again."""
    error = context.error
    if error is None:
        return
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("handling update %s failed: %s", update_id, describe(error))
    if not isinstance(update, Update) or update.effective_chat is None or update.effective_chat.type != "private":
        return
    user = update.effective_user
    try:
        translator = await services(context).translator_of(user)
    except Exception:  # the store itself may be what failed: fall back to the app's language
        translator = services(context).translator_for(None, user.language_code if user else None)
    try:
        await send(context.bot, update.effective_chat.id, texts.TRY_AGAIN, translator)
    except TelegramError as failure:
        log.warning("could not tell the person about the failure: %s", type(failure).__name__)
