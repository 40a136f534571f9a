"""Run the bot until asked to stop: open the store, start polling, shut down cleanly."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, TelegramError

from bot.config import Config, ConfigError
from bot.conversation import load_flows
from bot.i18n import Catalogs
from bot.scheduling import Clock, OutboxRunner
from bot.storage import (
    ActionStore,
    CoordinatorStore,
    Database,
    OutboxStore,
    PoolStore,
    PrivacyStore,
    Repository,
    load_or_create_secret,
)
from bot.storage.db import BUSY_TIMEOUT
from bot.tg.app import build_application
from bot.tg.menus import publish_menus
from bot.tg.notifier import Notifier
from bot.tg.services import Services

log = logging.getLogger(__name__)
POLL_TIMEOUT = timedelta(seconds=10)
TICK = timedelta(seconds=5)  # how often the outbox is looked at
RETENTION_EVERY = timedelta(hours=24)
POLLING_TASK = "Updater:start_polling:polling_task"  # PTB's name for its polling task


class PollingStopped(RuntimeError):
    """Polling cannot go on: another instance uses the token (409); the message says what to do."""


async def _until_stopped(stop: asyncio.Event, conflict: asyncio.Event) -> None:
    """Wait for a stop request; a 409 or a rejected token (401) while polling ends the bot with a clear error."""
    polling = next((t for t in asyncio.all_tasks() if t.get_name() == POLLING_TASK), None)
    waiting: list[asyncio.Future[Any]] = [asyncio.create_task(stop.wait()), asyncio.create_task(conflict.wait())]
    watched = [*waiting, *([polling] if polling else [])]
    done, _ = await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
    for task in waiting:
        task.cancel()
    if conflict.is_set():
        log.error("another bot instance is polling with this token (409 Conflict): stopping this one")
        raise PollingStopped(
            "Another instance of this bot is already running with the same token (409 Conflict). "
            "Stop the other one, or use a different bot token, then start again."
        )
    if polling is not None and polling in done and isinstance(polling.exception(), InvalidToken):
        raise ConfigError("The Bot API rejected INSPRAAK_TOKEN (401 Unauthorized). Check the token with @BotFather.")


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
    limits: Mapping[str, float] | None = None,
    busy_timeout: float = BUSY_TIMEOUT,
) -> None:
    """Serve updates and send what the outbox holds until `stop` is set.

    `clock` and `tick` are injectable so a test can run a year of check-ins in seconds.
    """
    catalogs = catalogs or Catalogs()
    flows = load_flows()
    database = await Database.open(config.db, busy_timeout)
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
            PoolStore(database),
        )
        application = build_application(services, limits)
        try:
            await application.initialize()
        except InvalidToken:  # PTB's own message quotes the token: never let it out
            raise ConfigError(
                "The Bot API rejected INSPRAAK_TOKEN (401 Unauthorized). Check the token with @BotFather."
            ) from None
        updater = application.updater
        assert updater is not None
        runner = OutboxRunner(outbox, Notifier(application.bot, services), clock)
        try:
            await repo.set_meta(BOT_USERNAME, application.bot.username)
            await publish_menus(application.bot, catalogs, config.language)
            await outbox.recover()  # rows a crash left "sending" go out again
            assert application.job_queue is not None

            async def deliver_due(_: object) -> None:
                runner.kick()  # a long broadcast goes on in its own task; the job only looks often

            application.job_queue.run_repeating(deliver_due, interval=tick, first=0.1, name="outbox")
            privacy = services.privacy
            application.job_queue.run_repeating(
                lambda _: privacy.purge(clock() - retention(config), dry_run=False),
                interval=RETENTION_EVERY,
                first=60,
                name="retention",
            )
            await application.start()
            conflict = asyncio.Event()

            def on_polling_error(error: TelegramError) -> None:
                if isinstance(error, Conflict):  # another instance polls with this token: step aside
                    conflict.set()

            await updater.start_polling(
                timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES, error_callback=on_polling_error
            )
            log.info("inspraak is running as @%s", application.bot.username)
            await _until_stopped(stop, conflict)
            log.info("stopping: finishing the updates already received")
        finally:
            await runner.close()
            if updater.running:
                try:
                    await updater.stop()
                except TelegramError as error:  # the polling task's own failure, reported above already
                    log.info("polling ended with %s", type(error).__name__)
            if application.running:
                await application.stop()
            await application.shutdown()
    finally:
        await database.close()
