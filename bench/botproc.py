"""The bot under measurement, in a process of its own: inspraak itself, or a bare PTB echo bot to compare with."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import signal
from contextlib import AbstractContextManager, nullcontext
from datetime import timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot import config as configuration
from bot.i18n import Catalogs
from bot.storage import Database
from bot.tg import serve
from bot.tg.http import AiohttpRequest
from bot.tg.ordering import MAX_CONCURRENT
from bot.tg.ratelimit import PrivateChatRateLimiter

_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


def limits(args: argparse.Namespace) -> dict[str, float]:
    """AIORateLimiter's rates for this run: Telegram's own, or scaled as the stand-in enforces them."""
    return {
        "overall_max_rate": args.overall,
        "overall_time_period": 1,
        "private_chat_max_rate": args.burst,
        "private_chat_time_period": args.burst / args.per_chat,
    }


async def run_inspraak(args: argparse.Namespace, stop: asyncio.Event) -> None:
    """inspraak exactly as `make run` starts it, pointed at the stand-in."""
    overrides = {"token": args.token, "api_url": args.api_url, "db": args.db, "admins": args.admins}
    if args.transcriber:
        overrides["transcriber"] = args.transcriber
    if args.webhook_url:  # one of several processes on one database, behind a balancer
        overrides |= {"webhook_url": args.webhook_url, "webhook_port": args.webhook_port}
    config = configuration.load(overrides=overrides, environ={}, env_file=None)
    await serve(config, stop, Catalogs(), tick=timedelta(seconds=args.tick), limits=limits(args))


async def run_echo(args: argparse.Namespace, stop: asyncio.Event) -> None:
    """The bare framework: PTB's echo bot, with the same rate limiter and update concurrency as inspraak."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    builder = (
        ApplicationBuilder()
        .token(args.token)
        .base_url(args.api_url)
        .rate_limiter(PrivateChatRateLimiter(max_retries=2, **limits(args)))
        .concurrent_updates(MAX_CONCURRENT)
    )
    if args.kind == "echo-aiohttp":  # the same Bot API client as inspraak, instead of PTB's httpx
        builder = builder.request(AiohttpRequest(connection_pool_size=16)).get_updates_request(AiohttpRequest(2))
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=10)
        await stop.wait()
        await application.updater.stop()
        await application.stop()


def trace_statements() -> dict[str, str]:
    """Record every distinct SQL statement the bot runs (one example of each), to explain its query plan."""
    seen: dict[str, str] = {}
    opened = Database.open.__func__  # type: ignore[attr-defined]

    async def traced(cls: type[Database], path: Path, busy_timeout: float = 5.0) -> Database:
        database: Database = await opened(cls, path, busy_timeout)

        def remember(sql: str) -> None:
            seen.setdefault(_LITERALS.sub("?", sql), sql)

        database.trace(remember)
        return database

    # The product has no tracing hook on purpose: the bench wraps the opener, only in this process.
    Database.open = classmethod(traced)  # type: ignore[method-assign,assignment]
    return seen


def profiling(path: str | None) -> AbstractContextManager[Any]:
    """Sample the whole process with pyinstrument while it serves, when asked to."""
    if path is None:
        return nullcontext()
    from pyinstrument import Profiler

    target = path

    class Profiled(AbstractContextManager[None]):
        def __enter__(self) -> None:
            self.profiler = Profiler(interval=0.0005, async_mode="disabled")
            self.profiler.start()

        def __exit__(self, *exc: object) -> None:
            self.profiler.stop()
            Path(target).write_text(self.profiler.output_text(unicode=True, color=False), encoding="utf-8")
            session = self.profiler.last_session
            if session is not None:
                session.save(target + ".pyisession")  # to look at again: `pyinstrument --load FILE -r text`

    return Profiled()


async def main(args: argparse.Namespace) -> None:
    """Serve until SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with profiling(args.profile):
        await (run_inspraak if args.kind == "inspraak" else run_echo)(args, stop)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=("inspraak", "echo", "echo-aiohttp"))
    parser.add_argument("--token", required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--db", default="")
    parser.add_argument("--admins", default="")
    parser.add_argument("--overall", type=float, default=30.0, help="messages a second in all")
    parser.add_argument("--per-chat", type=float, default=1.0, help="messages a second per private chat")
    parser.add_argument("--burst", type=float, default=3.0, help="messages per private chat before the limit")
    parser.add_argument("--tick", type=float, default=5.0, help="seconds between looks at the outbox")
    parser.add_argument("--profile", help="write a pyinstrument profile of the run here")
    parser.add_argument("--trace-sql", help="write every distinct SQL statement here (JSON)")
    parser.add_argument("--webhook-url", help="take updates by webhook at this address (the balancer's)")
    parser.add_argument("--webhook-port", default="0", help="the port this process listens on for them")
    parser.add_argument("--transcriber", help="who writes down voice notes (local: the shipped Whisper model)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="bot: %(levelname)s %(name)s: %(message)s")
    arguments = parse()
    statements = trace_statements() if arguments.trace_sql else None
    asyncio.run(main(arguments))
    if statements is not None:
        Path(arguments.trace_sql).write_text(json.dumps(sorted(statements.values())), encoding="utf-8")
