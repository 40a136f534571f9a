"""Messages to many participants at once, each in their own language, within Telegram's rate limits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Bot
from telegram.error import BadRequest, Forbidden

from bot.domain import Text
from bot.i18n import Catalogs, Translator
from bot.tg.render import send

Progress = Callable[["Tally"], Awaitable[None]]


@dataclass
class Tally:
    """How a mass send is going."""

    total: int
    sent: int = 0
    blocked: int = 0


async def notify_all(
    bot: Bot,
    recipients: list[tuple[int, str | None]],
    message: Callable[[Translator, str], Text],
    catalogs: Catalogs,
    fallback_locale: str,
    progress: Progress | None = None,
    every: int = 10,
) -> Tally:
    """Send one message per recipient in their language; a person who blocked the bot is counted, not retried.

    The Application's rate limiter paces the sends (about 30 a second overall).
    """
    tally = Tally(total=len(recipients))
    for number, (chat_id, locale) in enumerate(recipients, 1):
        code = locale or fallback_locale
        translator = catalogs.get(code)
        try:
            await send(bot, chat_id, message(translator, code), translator)
            tally.sent += 1
        except (Forbidden, BadRequest):
            tally.blocked += 1
        if progress is not None and (number % every == 0 or number == tally.total):
            await progress(tally)
    return tally
