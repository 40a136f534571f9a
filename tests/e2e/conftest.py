"""The real PTB Application, over real HTTP, against the local Bot API stand-in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, async_playwright

from bot import config as configuration
from bot.config import Config
from bot.i18n import Catalogs
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.storage import people
from bot.tg import serve
from bot.web import listening_socket, pages
from tests.conftest import TOKEN
from tests.databases import db_for
from tests.e2e.browser import FLAGS, chromium
from tests.store import read


class RunningBot:
    """The bot as a background task that can be stopped and started again on the same database."""

    def __init__(
        self,
        standin: StandIn,
        config: Config,
        catalogs: Catalogs,
        clock: Callable[[], datetime] | None = None,
        tick: timedelta = timedelta(seconds=0.05),
        **options: Any,
    ) -> None:
        self.standin = standin
        self.config = config
        self.catalogs = catalogs
        self.clock = clock or (lambda: datetime.now(UTC))
        self.tick = tick
        # Telegram's per-chat limit (tested on its own) would make every scripted conversation crawl.
        self.options = {"limits": {"private_chat_max_rate": 100, "private_chat_time_period": 1}, **options}
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start serving and return once the bot polls for updates."""
        self._stop = asyncio.Event()
        self.standin.polling.clear()
        self._task = asyncio.create_task(
            serve(self.config, self._stop, self.catalogs, self.clock, self.tick, **self.options)
        )
        polling = asyncio.create_task(self.standin.polling.wait())
        await asyncio.wait({polling, self._task}, timeout=15, return_when=asyncio.FIRST_COMPLETED)
        if self._task.done():
            polling.cancel()
            self._task.result()
        assert self.standin.polling.is_set(), "the bot did not start polling"

    async def stop(self) -> None:
        """Stop as on SIGTERM and wait until the bot has shut down."""
        if self._task is not None:
            self._stop.set()
            await asyncio.wait_for(self._task, 15)
            self._task = None

    async def stop_by_itself(self, timeout: float = 15) -> None:
        """Wait for the bot to stop on its own (a fatal error); its error is raised here."""
        assert self._task is not None
        task, self._task = self._task, None
        await asyncio.wait_for(task, timeout)

    async def restart(self) -> None:
        """A new Application on the same database file, as after a crash or deploy."""
        await self.stop()
        await self.start()

    async def participant_locale(self, user: SandboxUser) -> str | None:
        """The language stored for a person (read straight from the database file)."""
        participant = await read(self.config.db, lambda conn: people.by_telegram(conn, user.id))
        return participant.locale if participant else None


def config_for(standin: StandIn, db: Path, **changes: object) -> Config:
    """Configuration pointing the bot at the stand-in."""
    base = configuration.load(
        overrides={"token": standin.token, "api_url": standin.api_url, "db": str(db)}, environ={}, env_file=None
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    """A fresh Bot API stand-in on 127.0.0.1."""
    server = StandIn(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def admin(standin: StandIn) -> SandboxUser:
    """A person whose Telegram id is in INSPRAAK_ADMINS (so also a coordinator)."""
    return add_person(standin, "Admin", "nl")


@pytest.fixture
async def bot(standin: StandIn, tmp_path: Path, catalogs: Catalogs, admin: SandboxUser) -> AsyncIterator[RunningBot]:
    """The bot, running against the stand-in with a database of its own and one admin."""
    config = replace(config_for(standin, db_for(tmp_path)), admins=frozenset({admin.id}))
    running = RunningBot(standin, config, catalogs)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """A headless Chromium for the web pages."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium(), args=list(FLAGS), headless=True)
        yield launched
        await launched.close()


@pytest.fixture
async def web_bot(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs, admin: SandboxUser
) -> AsyncIterator[RunningBot]:
    """The bot with its web pages on a free port of 127.0.0.1 (`bot.config.pages` says where)."""
    sock = listening_socket("127.0.0.1", 0)
    config = replace(
        config_for(standin, db_for(tmp_path)), admins=frozenset({admin.id}), web_port=sock.getsockname()[1]
    )
    running = RunningBot(standin, config, catalogs, web=partial(pages, sock=sock))
    await running.start()
    yield running
    await running.stop()
