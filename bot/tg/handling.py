"""Taking an update: it becomes an event for the driver; once its step is committed, the press is answered and
what the step journaled is handed to the sender. An update whose handling fails again and again is set aside and
the person asked kindly to try again (bot/tg/errors.py)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from telegram import Bot
from telegram.error import TelegramError

from bot.app import Driver, Handled, Incoming, Services
from bot.scheduling import Sender

log = logging.getLogger(__name__)
ANSWERING: set[asyncio.Future[None]] = set()  # answers to presses under way (kept, so none is dropped early)
RETRIES = (0.2, 0.5)  # seconds before handling an update again after a failure (a busy database, a full disk)


@dataclass(frozen=True)
class Runtime:
    """What taking an update needs."""

    svc: Services
    driver: Driver
    sender: Sender


@dataclass(frozen=True)
class Arrived:
    """An update read: its id, which fields it had, and what it is to the driver."""

    update_id: int
    kinds: str
    incoming: Incoming


async def take(given: Runtime, bot: Bot, arrived: Arrived) -> Handled:
    """Take the update's step (again after a failure, twice at most), then deliver what it said; the last failure
    is raised."""
    for pause in (*RETRIES, None):
        try:
            handled = await given.driver.handle(arrived.incoming)
            break
        except Exception:
            if pause is None:
                raise
            await asyncio.sleep(pause)
    after(given, bot, handled)
    return handled


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
