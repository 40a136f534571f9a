"""The one handler: an update becomes an event for the driver; once its step is committed, the press is answered
and what the step journaled is handed to the sender."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import CallbackContext

from bot.app import Driver, Handled, Services
from bot.scheduling import Sender
from bot.tg.updates import incoming

log = logging.getLogger(__name__)
KEY = "inspraak.runtime"
ANSWERING: set[asyncio.Future[None]] = set()  # answers to presses under way (kept, so none is dropped early)
RETRIES = (0.2, 0.5)  # seconds before handling an update again after a failure (a busy database, a full disk)


@dataclass(frozen=True)
class Runtime:
    """What the handler needs, kept in the Application."""

    svc: Services
    driver: Driver
    sender: Sender


def runtime(context: CallbackContext[Any, Any, Any, Any]) -> Runtime:
    """The runtime stored in the running Application."""
    found = context.application.bot_data[KEY]
    assert isinstance(found, Runtime)
    return found


async def on_update(update: Update, context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Take the update's step (again after a failure, twice at most), then deliver what it said."""
    given = runtime(context)
    arrived = incoming(update, context.bot.username, given.svc.secret)
    if arrived is None:
        return
    for pause in (*RETRIES, None):
        try:
            handled = await given.driver.handle(arrived)
            break
        except Exception:
            if pause is None:
                raise  # the error handler tells the person and sets the update aside
            await asyncio.sleep(pause)
    after(given, context.bot, handled)


def after(given: Runtime, bot: Bot, handled: Handled) -> None:
    """Answer the press at once, and hand what was journaled to the sender."""
    if handled.press is not None:
        task = asyncio.ensure_future(_answer(bot, handled.press.query_id, handled.toast, handled.alert))
        ANSWERING.add(task)
        task.add_done_callback(ANSWERING.discard)
    if handled.chat is not None and handled.claimed:
        given.sender.hand_over(handled.chat, handled.claimed)
    elif handled.chat is not None and handled.waiting:
        given.sender.kick(handled.chat)
    if handled.others:
        given.sender.look()


async def _answer(bot: Bot, query_id: str, text: str | None, alert: bool) -> None:
    """The spinner on the button stops; a notice is shown when the step gave one."""
    try:
        await bot.answer_callback_query(query_id, text=text, show_alert=alert)
    except TelegramError as error:  # too late, or the network: the press itself was handled
        log.info("a button press could not be answered (%s)", type(error).__name__)
