"""Run the bot until asked to stop: open the store, get updates, deliver the outbox, shut down cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot, Update
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.helpers import create_deep_linked_url

from bot.app import (
    Delivery,
    Driver,
    Later,
    Services,
    SetAside,
    answer_problems,
    check_registrations,
    person_stopped,
    run_job,
)
from bot.app.hearing import Hearing
from bot.app.outgoing import SendText
from bot.app.translating import Translating
from bot.config import Config, ConfigError
from bot.conversation import FlowError, load_flows
from bot.domain import Purpose
from bot.domain.webapp import web_app_key
from bot.hear import build as build_transcriber
from bot.i18n import Catalogs
from bot.mt import build as build_translator
from bot.scheduling import Clock, NotYet, Sender
from bot.storage import Database, keyboards, load_or_create_secret, meta, privacy, updates
from bot.storage.db import BUSY_TIMEOUT
from bot.storage.outbox import OutboxRow
from bot.tg.app import build_application
from bot.tg.budget import bulk
from bot.tg.errors import failed
from bot.tg.handling import Arrived, Runtime, after, take
from bot.tg.menus import publish_menus
from bot.tg.ordering import PerChatOrder
from bot.tg.plainbot import ReadingBot
from bot.tg.polling import Poller, PollingStopped, TokenRejected, handle_raw
from bot.tg.send import Uploads, perform
from bot.tg.updates import incoming
from bot.tg.webhook import Handle, Webhook, derived_secret, drain

log = logging.getLogger(__name__)
POLL_TIMEOUT = 10  # seconds a long poll waits for updates
TICK = timedelta(seconds=5)  # how often the outbox is looked at (a step's own messages go at once)
TIDY_EVERY = timedelta(hours=24)
KEEP_KEYS = timedelta(days=30)  # Telegram redelivers an update for a day at most
BOT_USERNAME = "bot_username"  # remembered so `inspraak session create` can print the join link
REJECTED = "The Bot API rejected INSPRAAK_TOKEN (401 Unauthorized). Check the token with @BotFather."
CONFLICT = (
    "Another instance of this bot is already running with the same token (409 Conflict). "
    "Stop the other one, or use a different bot token, then start again."
)

WebSide = Callable[[Services], AbstractAsyncContextManager[object]]

__all__ = ["BOT_USERNAME", "PollingStopped", "WebSide", "retention", "serve"]


def retention(config: Config) -> timedelta:
    """How long personal data of a closed session is kept after its last activity."""
    return timedelta(days=round(30.44 * config.retention_months))


def _flows() -> Mapping[str, Any]:
    flows = load_flows()
    disagreements = answer_problems(flows)
    if disagreements:
        raise FlowError(disagreements)
    return flows


async def serve(
    config: Config,
    stop: asyncio.Event,
    catalogs: Catalogs | None = None,
    clock: Clock = lambda: datetime.now(UTC),
    tick: timedelta = TICK,
    limits: Mapping[str, float] | None = None,
    busy_timeout: float = BUSY_TIMEOUT,
    web: WebSide | None = None,
    webhook_socket: socket.socket | None = None,
) -> None:
    """Serve updates and send what the outbox holds until `stop` is set, and the web pages while it does (when
    `web` is given: it serves them for the bot's services).

    `clock` and `tick` are injectable so a test can run a year of check-ins in seconds.
    """
    catalogs = catalogs or Catalogs()
    flows = _flows()
    check_registrations()
    database = await Database.open(config.db, busy_timeout)
    try:
        secret = await asyncio.to_thread(load_or_create_secret, config.db, config.token)
        translator = build_translator(config.translator, config.translator_url, config.translator_key)
        transcriber = build_transcriber(
            config.transcriber, config.transcriber_url, config.transcriber_key, config.transcriber_model
        )
        application = build_application(config, limits, database.shared_budget)
        try:
            await _patiently(application.initialize, "reaching the Bot API")
        except InvalidToken:  # PTB's own message quotes the token: never let it out
            raise ConfigError(REJECTED) from None
        bot = application.bot
        svc = Services(
            database,
            catalogs,
            flows,
            secret,
            config.admins,
            config.language,
            config.timezone,
            clock,
            partial(create_deep_linked_url, bot.username),
            config.pages if web is not None else None,
            partial(_download, bot),
            web_app_key(config.require_token()),
            translator.name if translator is not None else None,
            transcriber.name if transcriber is not None else None,
            urlsplit(config.transcriber_url).hostname if transcriber is not None and config.transcriber_url else None,
        )
        async with web(svc) if web is not None else contextlib.nullcontext():
            delivery = Delivery(svc)
            uploads = Uploads()

            async def deliver(row: OutboxRow) -> bool:
                rendered = await database.read(partial(delivery.render, row=row))
                if isinstance(rendered, Later):
                    raise NotYet(rendered.seconds)
                if rendered is None:
                    return False
                for out in rendered:
                    with bulk(row.purpose != Purpose.REPLY):  # replies to what someone just did go first
                        message_id = await perform(bot, out, uploads)
                    if isinstance(out, SendText) and out.slot and message_id and row.recipient is not None:
                        slot = partial(
                            keyboards.hold, participant_id=row.recipient, slot=out.slot, message_id=message_id
                        )
                        await database.write(slot)
                return True

            async def run(row: OutboxRow) -> None:
                await database.write(partial(run_job, svc, row=row))

            sender = Sender(database, deliver, run, clock, stopped=partial(person_stopped, svc))
            runtime = Runtime(svc, Driver(svc), sender)
            menus: asyncio.Task[None] | None = None
            quitting = asyncio.Event()  # set: the work beside the chat stops looking for more
            background: list[asyncio.Task[None]] = []
            try:
                await database.write(partial(meta.put, key=BOT_USERNAME, value=bot.username))
                menus = asyncio.create_task(_menus(bot, catalogs, config.language))
                await sender.recover()  # rows a crash left "sending" go out again
                await application.start()
                _repeat(application, sender, tick, config, database, clock)
                every = tick.total_seconds()  # never inside anyone's step:
                if translator is not None:
                    background.append(asyncio.create_task(Translating(svc, translator).run(quitting, every)))
                if transcriber is not None:
                    hearing = Hearing(svc, transcriber, config.voice_max_seconds)
                    background.append(asyncio.create_task(hearing.run(quitting, every)))

                order = PerChatOrder()

                async def taken(arrived: Arrived) -> None:
                    try:
                        await take(runtime, bot, arrived)
                    except Exception as error:
                        await failed(svc, bot, arrived, error)

                async def handle(batch: list[Arrived]) -> None:
                    await asyncio.gather(*(order.run(a.incoming.chat_id, taken(a)) for a in batch))

                async def set_aside(aside: SetAside) -> None:
                    after(runtime, bot, await runtime.driver.set_aside(aside))

                reader = partial(incoming, username=bot.username, secret=svc.secret)
                raw = partial(handle_raw, reader=reader, handle=handle, set_aside=set_aside)
                if config.webhook_url is not None:
                    await _by_webhook(config, bot, database, clock, stop, raw, webhook_socket)
                else:
                    await drain(database, raw, stop)  # taken in by webhook before the switch back to polling
                    await _patiently(bot.delete_webhook, "switching to polling")
                    poller = Poller(bot, database, raw, POLL_TIMEOUT, Update.ALL_TYPES)
                    log.info("inspraak is running as @%s", bot.username)
                    try:
                        await poller.run(stop)
                    except PollingStopped:
                        log.error("another bot instance is polling with this token (409 Conflict): stopping this one")
                        raise PollingStopped(CONFLICT) from None
                    except TokenRejected:
                        raise ConfigError(REJECTED) from None
                log.info("stopped taking updates; delivering what is in hand")
            finally:
                quitting.set()
                await asyncio.gather(*background)
                if menus is not None:
                    menus.cancel()
                await sender.close()
                if application.running:
                    await application.stop()
                await application.shutdown()
    finally:
        await database.close()


async def _by_webhook(
    config: Config,
    bot: ReadingBot,
    database: Database,
    clock: Clock,
    stop: asyncio.Event,
    handle: Handle,
    sock: socket.socket | None,
) -> None:
    """Take updates as Telegram posts them: listen first, then tell Telegram where, then work through the journal
    (what it held from before a crash first) until asked to stop."""
    assert config.webhook_url is not None
    secret = config.webhook_secret or derived_secret(config.require_token())
    hook = Webhook(database, secret, urlsplit(config.webhook_url).path, clock)
    async with hook.listening(config.webhook_host, config.webhook_port, sock):
        setting = partial(bot.set_webhook, config.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
        await _patiently(setting, "setting the webhook")
        log.info("inspraak is running as @%s, taking updates by webhook", bot.username)
        await hook.run(stop, handle)


async def _download(bot: Bot, file_id: str) -> bytes:
    """A file someone sent (a voice message), fetched from Telegram when a page plays it."""
    found = await bot.get_file(file_id)
    return bytes(await found.download_as_bytearray())


async def _patiently(call: Callable[[], Awaitable[object]], what: str, tries: int = 6) -> None:
    """A call to the Bot API at start-up, tried again while the network fails (a 5xx, a dropped connection)."""
    for attempt in range(tries):
        try:
            await call()
            return
        except (NetworkError, TimedOut) as error:
            if isinstance(error, BadRequest) or attempt == tries - 1:
                raise
            log.warning("%s failed (%s); trying again", what, type(error).__name__)
            await asyncio.sleep(0.5 * 2**attempt)


async def _menus(bot: Bot, catalogs: Catalogs, language: str) -> None:
    """The command menus in every language; without them the bot still works, so a failure is only logged."""
    try:
        await _patiently(partial(publish_menus, bot, catalogs, language), "publishing the command menus")
    except TelegramError as error:
        log.warning("the command menus could not be published (%s); the next start tries again", type(error).__name__)


def _repeat(
    application: Any, sender: Sender, tick: timedelta, config: Config, database: Database, clock: Clock
) -> None:
    """The repeating work: a look at the outbox, and once a day retention and forgetting old dedupe keys."""
    assert application.job_queue is not None

    async def look(_: object) -> None:
        sender.look()  # a long broadcast goes on in its own task; the job only looks often

    async def tidy(_: object) -> None:
        if not await database.leading():  # once for all processes
            return
        now = clock()
        await database.write(partial(privacy.purge, cutoff=now - retention(config), dry_run=False))
        await database.write(partial(updates.prune, before=now - KEEP_KEYS))

    application.job_queue.run_repeating(look, interval=tick, first=0.1, name="outbox")
    application.job_queue.run_repeating(tidy, interval=TIDY_EVERY, first=60, name="tidy")
