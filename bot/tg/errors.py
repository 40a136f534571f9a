"""Failures while handling an update: logged without personal data, the update set aside, the person told
kindly (straight away, not through the outbox: the store may be what failed)."""

from __future__ import annotations

import logging
import traceback
from functools import partial
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import CallbackContext

from bot.app import Services, texts
from bot.storage import people, updates
from bot.tg.handling import runtime
from bot.tg.updates import dedupe_key

log = logging.getLogger(__name__)


def describe(error: BaseException) -> str:
    """The error's type and where it happened, without its message (which may quote a person's text)."""
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}" for f in reversed(frames))
    return f"{type(error).__name__} at {where or 'unknown place'}"


async def on_error(update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Log what failed, set the update aside and, in a private chat, ask the person to try again."""
    error = context.error
    if error is None:
        return
    if not isinstance(update, Update):
        log.error("handling failed: %s", describe(error))
        return
    log.error("handling update %s failed: %s", update.update_id, describe(error))
    svc = runtime(context).svc
    kinds = ",".join(k for k, v in update.to_dict().items() if k != "update_id" and v is not None)
    try:
        await svc.db.write(
            partial(
                updates.set_aside,
                update_id=update.update_id,
                key=dedupe_key(update, svc.secret),
                kinds=kinds,
                reason=describe(error),
            )
        )
    except Exception as failure:  # the store itself may be what failed
        log.warning("the failed update could not be set aside in the store (%s)", type(failure).__name__)
    chat = update.effective_chat
    if chat is not None and chat.type == "private":
        user = update.effective_user
        await tell_try_again(context.bot, svc, chat.id, user.id if user else None, user.language_code if user else None)


async def tell_try_again(bot: Bot, svc: Services, chat: int, telegram_id: int | None, hint: str | None) -> None:
    """Ask the person, in their language where the store can still say it, to try again in a moment."""
    locale = None
    if telegram_id is not None:
        try:
            person = await svc.db.read(partial(people.by_telegram, telegram_id=telegram_id))
            locale = person.locale if person else None
        except Exception:  # the store may be what failed: the app's language will do
            locale = None
    translator = svc.translator_for(locale, hint)
    try:
        await bot.send_message(chat, translator.render(texts.TRY_AGAIN))
    except TelegramError as failure:
        log.warning("could not tell the person about the failure: %s", type(failure).__name__)
