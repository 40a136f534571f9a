"""Run the bot until asked to stop: open the store, start polling, shut down cleanly."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from telegram import Update
from telegram.error import InvalidToken

from bot.config import Config, ConfigError
from bot.conversation import load_flows
from bot.i18n import Catalogs
from bot.storage import CoordinatorStore, Database, Repository, load_or_create_secret
from bot.tg.app import build_application
from bot.tg.menus import publish_menus
from bot.tg.services import Services

log = logging.getLogger(__name__)
POLL_TIMEOUT = timedelta(seconds=10)
BOT_USERNAME = "bot_username"  # remembered so `inspraak session create` can print the join link


async def serve(config: Config, stop: asyncio.Event, catalogs: Catalogs | None = None) -> None:
    """Serve updates until `stop` is set; every update taken from the server is handled first."""
    catalogs = catalogs or Catalogs()
    flows = load_flows()
    database = await Database.open(config.db)
    try:
        repo = Repository(database)
        secret = await asyncio.to_thread(load_or_create_secret, config.db)
        application = build_application(Services(config, catalogs, repo, flows, CoordinatorStore(database), secret))
        try:
            await application.initialize()
        except InvalidToken:  # PTB's own message quotes the token: never let it out
            raise ConfigError(
                "The Bot API rejected INSPRAAK_TOKEN (401 Unauthorized). Check the token with @BotFather."
            ) from None
        updater = application.updater
        assert updater is not None
        try:
            await repo.set_meta(BOT_USERNAME, application.bot.username)
            await publish_menus(application.bot, catalogs, config.language)
            await application.start()
            await updater.start_polling(timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES)
            log.info("inspraak is running as @%s", application.bot.username)
            await stop.wait()
            log.info("stopping: finishing the updates already received")
        finally:
            if updater.running:
                await updater.stop()
            if application.running:
                await application.stop()
            await application.shutdown()
    finally:
        await database.close()
