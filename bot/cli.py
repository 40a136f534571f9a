"""The `inspraak` command: run the bot, or try it locally without Telegram."""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import signal
import sys
from collections.abc import Sequence
from dataclasses import replace

from bot import config as configuration
from bot.config import SETTINGS, Config, ConfigError
from bot.i18n import CatalogsMissing
from bot.redact import configure_logging
from bot.sandbox import StandIn, TerminalChat, stdin_lines
from bot.storage import StorageError
from bot.tg import serve

log = logging.getLogger("inspraak")

NO_TOKEN = """\
No bot token is configured, so inspraak starts its local sandbox: a stand-in for Telegram on this
computer, the bot, and a chat in this terminal. Nothing leaves this machine.

To run the real bot: open Telegram, talk to @BotFather, send /newbot, and put the token it gives you
in INSPRAAK_TOKEN (in the environment or in a .env file here), then run `make run` again.
"""


def parser() -> argparse.ArgumentParser:
    """Every command and option, with the environment variable behind each option."""
    common = argparse.ArgumentParser(add_help=False)
    for setting in SETTINGS:
        default = f" (default: {setting.default})" if setting.default else ""
        common.add_argument(
            "--" + setting.name.replace("_", "-"),
            dest=setting.name,
            default=argparse.SUPPRESS,
            metavar=setting.env.removeprefix("INSPRAAK_"),
            help=f"{setting.help} Env: {setting.env}{default}.",
        )
    common.add_argument(
        "--log-level",
        default=argparse.SUPPRESS,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="How much to log (default: INFO).",
    )
    main = argparse.ArgumentParser(
        prog="inspraak",
        parents=[common],
        description="inspraak: newcomers give their ideas and priorities over Telegram, in their own language. "
        "Settings come from the environment (or a .env file here); options override them.",
    )
    commands = main.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", parents=[common], help="Run the bot (the default); without a token, open the sandbox.")
    commands.add_parser(
        "sandbox", parents=[common], help="Try the bot locally: a Bot API stand-in, the bot and a terminal chat."
    )
    api = commands.add_parser(
        "sandbox-api",
        parents=[common],
        help="Only the Bot API stand-in and the terminal chat, for a bot started separately (make run).",
    )
    api.add_argument("--port", type=int, default=8081, help="Port on 127.0.0.1 (default: 8081).")
    return main


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `inspraak` console script."""
    args = vars(parser().parse_args(argv))
    command = args.pop("command", None) or "run"
    level = getattr(logging, str(args.pop("log_level", "INFO")))
    port = int(args.pop("port", 8081))
    try:
        config = configuration.load(overrides=args)
    except ConfigError as error:
        print(f"inspraak: {error}", file=sys.stderr)
        return 2
    configure_logging(level, secrets=[config.token] if config.token else [])
    try:
        if command == "sandbox-api":
            return asyncio.run(_sandbox_api(config, port))
        if command == "sandbox" or config.token is None:
            if command == "run":
                print(NO_TOKEN, file=sys.stderr)
            return asyncio.run(_sandbox(config))
        return asyncio.run(_run(config))
    except (ConfigError, StorageError, CatalogsMissing) as error:
        print(f"inspraak: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


async def _run(config: Config) -> int:
    stop = asyncio.Event()
    _stop_on_signals(stop)
    await serve(config, stop)
    return 0


def sandbox_token() -> str:
    """A made-up token in Telegram's format, for a stand-in that only lives on this machine."""
    return f"{secrets.randbelow(9 * 10**9) + 10**9}:SANDBOX{secrets.token_urlsafe(30)}"


async def _sandbox(config: Config) -> int:
    standin = StandIn(sandbox_token())
    await standin.start()
    local = replace(
        config,
        token=standin.token,
        api_url=standin.api_url,
        file_url=standin.file_url,
        db=config.db.with_name("sandbox.sqlite3"),
    )
    stop = asyncio.Event()
    _stop_on_signals(stop)
    bot = asyncio.create_task(serve(local, stop))
    chat = TerminalChat(standin)
    try:
        await asyncio.wait_for(standin.polling.wait(), 30)
        chat.say(f"-- the bot is running against the stand-in (database {local.db})")
        chat_task = asyncio.create_task(chat.run(stdin_lines()))
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({chat_task, stopped, bot}, return_when=asyncio.FIRST_COMPLETED)
        chat_task.cancel()
        stopped.cancel()
    finally:
        stop.set()
        await bot
        await standin.stop()
    return 0


async def _sandbox_api(config: Config, port: int) -> int:
    standin = StandIn(config.token or sandbox_token())
    await standin.start(port)
    print(
        "The Bot API stand-in listens on 127.0.0.1. In another terminal, start the bot against it:\n\n"
        f"  INSPRAAK_TOKEN='{standin.token}' INSPRAAK_API_URL={standin.api_url} make run\n",
        flush=True,
    )
    stop = asyncio.Event()
    _stop_on_signals(stop)
    chat = TerminalChat(standin)
    chat_task = asyncio.create_task(chat.run(stdin_lines()))
    stopped = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({chat_task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        chat_task.cancel()
        stopped.cancel()
        await standin.stop()
    return 0
