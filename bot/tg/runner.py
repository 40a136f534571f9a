"""Run the bot until asked to stop: open the store, start polling, shut down cleanly."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from telegram import Update
from telegram.error import InvalidToken

from bot.config import Config, ConfigError
from bot.conversation import load_flows
from bot.i18n import Catalogs
from bot.scheduling import Clock, OutboxRunner
from bot.storage import (
    ActionStore,
    CoordinatorStore,
    Database,
    OutboxStore,
    PrivacyStore,
    Repository,
    load_or_create_secret,
)
from bot.tg.app import build_application
from bot.tg.menus import publish_menus
from bot.tg.notifier import Notifier
from bot.tg.services import Services

log = logging.getLogger(__name__)
POLL_TIMEOUT = timedelta(seconds=10)
TICK = timedelta(seconds=5)  # how often the outbox is looked at
RETENTION_EVERY = timedelta(hours=24)


def retention(config: Config) -> timedelta:
    """How long personal data of a closed session is kept after its last activity."""
    return timedelta(days=round(30.44 * config.retention_months))


BOT_USERNAME = "bot_username"  # remembered so `inspraak session create` can print the join link


async def serve(
    config: Config,
    stop: asyncio.Event,
    catalogs: Catalogs | None = None,
    clock: Clock = lambda: datetime.now(UTC),
    tick: timedelta = TICK,
) -> None:
    """Serve updates and send what the outbox holds until `stop` is set.

    `clock` and `tick` are injectable so a test can run a year of check-ins in seconds.
    """
    catalogs = catalogs or Catalogs()
    flows = load_flows()
    database = await Database.open(config.db)
    try:
        repo = Repository(database)
        secret = await asyncio.to_thread(load_or_create_secret, config.db)
        outbox = OutboxStore(database)
        services = Services(
            config,
            catalogs,
            repo,
            flows,
            CoordinatorStore(database),
            secret,
            ActionStore(database),
            outbox,
            clock,
            PrivacyStore(database),
        )
        application = build_application(services)
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
            await outbox.recover()  # rows a crash left "sending" go out again
            runner = OutboxRunner(outbox, Notifier(application.bot, services), clock)
            assert application.job_queue is not None
            application.job_queue.run_repeating(lambda _: runner.tick(), interval=tick, first=0.1, name="outbox")
            privacy = services.privacy
            application.job_queue.run_repeating(
                lambda _: privacy.purge(clock() - retention(config), dry_run=False),
                interval=RETENTION_EVERY,
                first=60,
                name="retention",
            )
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
