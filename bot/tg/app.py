"""The PTB Application: the bot, its rate limiter and requests over aiohttp, and the jobs' error handler. Updates are
not dispatched through it: the bot reads and takes them itself (bot/tg/updates.py, bot/tg/handling.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram.ext import Application, ApplicationBuilder

from bot.config import Config
from bot.storage.db import Booking
from bot.tg.errors import on_error
from bot.tg.http import AiohttpRequest
from bot.tg.ordering import MAX_CONCURRENT
from bot.tg.plainbot import ReadingBot
from bot.tg.ratelimit import PrivateChatRateLimiter

BotApplication = Application[Any, Any, Any, Any, Any, Any]


def build_application(
    config: Config, limits: Mapping[str, float] | None = None, shared: Booking | None = None
) -> BotApplication:
    """An Application talking to the configured Bot API, rate-limited, running the bot's jobs. Updates are fetched
    by the bot's own poller (bot/tg/polling.py), which confirms a batch only after handling it.

    `limits` overrides AIORateLimiter's rates (tests make a second pass in a shorter time); `shared` is the
    overall budget the bot's processes share, when several may run."""
    limiter = PrivateChatRateLimiter(max_retries=2, **dict(limits or {}))
    limiter.budget.shared = shared
    bot = ReadingBot(
        config.require_token(),
        base_url=config.api_url,
        base_file_url=config.file_url,
        request=AiohttpRequest(connection_pool_size=2 * MAX_CONCURRENT),
        # Two connections for polling, so the last confirmation on shutdown never waits for the long poll.
        get_updates_request=AiohttpRequest(connection_pool_size=2),
        rate_limiter=limiter,  # type: ignore[arg-type]
    )
    application: BotApplication = ApplicationBuilder().bot(bot).updater(None).build()
    application.add_error_handler(on_error)
    return application
