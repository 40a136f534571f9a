"""Failures while handling an update: logged without personal data, the update set aside, the person told
kindly (straight away, not through the outbox: the store may be what failed)."""

from __future__ import annotations

import logging
import traceback
from functools import partial
from typing import Any

from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import CallbackContext

from bot.app import Services, texts
from bot.storage import people, updates
from bot.tg.handling import Arrived

log = logging.getLogger(__name__)


def describe(error: BaseException) -> str:
    """The error's type and where it happened, without its message (which may quote a person's text)."""
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}" for f in reversed(frames))
    return f"{type(error).__name__} at {where or 'unknown place'}"


async def on_error(update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
    """PTB's error handler, for its jobs (updates are taken by the bot itself, see `failed`): log what failed."""
    if context.error is not None:
        log.error("a job failed: %s", describe(context.error))


async def failed(svc: Services, bot: Bot, arrived: Arrived, error: BaseException) -> None:
    """An update whose handling failed again and again: log what failed, set it aside and, in a private chat, ask
    the person to try again."""
    log.error("handling update %s failed: %s", arrived.update_id, describe(error))
    incoming = arrived.incoming
    try:
        await svc.db.write(
            partial(
                updates.set_aside,
                update_id=arrived.update_id,
                key=incoming.key,
                kinds=arrived.kinds,
                reason=describe(error),
            )
        )
    except Exception as failure:  # the store itself may be what failed
        log.warning("the failed update could not be set aside in the store (%s)", type(failure).__name__)
    if incoming.private:
        sender = incoming.sender
        hint = sender.language_hint if sender else None
        await tell_try_again(bot, svc, incoming.chat_id, sender.telegram_id if sender else None, hint)


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
