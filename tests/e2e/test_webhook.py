"""Webhook mode: Telegram posts each update to the bot instead of being asked for it; the bot journals it and
answers at once, handles it once and in order, keeps what it journaled across a crash, and refuses anyone without
Telegram's secret."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from bot.app import texts
from bot.app.driver import Driver
from bot.app.incoming import Incoming
from bot.app.step import Handled
from bot.config import Config
from bot.conversation import TextIn
from bot.domain import Phase, Session
from bot.i18n import Catalogs, native_name
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.sandbox.server import SECRET_HEADER
from bot.storage import Conn, ideas, inbound
from bot.tg.webhook import derived_secret
from bot.web import listening_socket
from tests.databases import db_for
from tests.e2e.conftest import RunningBot, config_for
from tests.e2e.test_coordinators import join_with
from tests.store import owned_session, read, write

IDEA = "Meer taallessen in de bibliotheek"


def hooked_config(standin: StandIn, tmp_path: Path, port: int) -> Config:
    """The bot taking updates by webhook on 127.0.0.1 (Telegram itself would post to an https:// address)."""
    config = config_for(standin, db_for(tmp_path))
    return replace(config, webhook_url=f"http://127.0.0.1:{port}/telegram", webhook_port=port)


@pytest.fixture
async def hooked(standin: StandIn, tmp_path: Path, catalogs: Catalogs) -> AsyncIterator[RunningBot]:
    sock = listening_socket("127.0.0.1", 0)
    running = RunningBot(
        standin, hooked_config(standin, tmp_path, sock.getsockname()[1]), catalogs, webhook_socket=sock
    )
    await running.start()
    yield running
    await running.stop()


async def a_session(bot: RunningBot, standin: StandIn) -> Session:
    marloes = add_person(standin, "Marloes", "nl")
    return await write(
        bot.config.db, lambda conn: owned_session(conn, marloes.id, "Thuis in Assen", "Wat helpt u?", Phase.COLLECTING)
    )


def ideas_saying(session: Session, words: str) -> object:
    return lambda conn: [c for c in ideas.all_cards(conn, session.id) if c.text == words]


def posts_of(standin: StandIn, update_id: object) -> list[int | None]:
    """How the bot answered each post of one update."""
    return [a.status for a in standin.webhook_answers if a.update_id == update_id]


def journaled(conn: Conn) -> list[dict[str, object]]:
    return inbound.waiting(conn, 100)


def held(monkeypatch: pytest.MonkeyPatch, words: str) -> asyncio.Event:
    """Make the step of a message saying `words` take its time, until the test lets it go."""
    going_on = asyncio.Event()
    handle = Driver.handle

    async def slow(driver: Driver, arrived: Incoming) -> Handled:
        if isinstance(arrived.event, TextIn) and arrived.event.text == words:
            await going_on.wait()
        return await handle(driver, arrived)

    monkeypatch.setattr(Driver, "handle", slow)
    return going_on


async def an_idea_taking_its_time(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, monkeypatch: pytest.MonkeyPatch
) -> tuple[Session, SandboxUser, asyncio.Event, int]:
    """Amal joins and sends an idea whose step is held; once Telegram has posted it: the session, Amal, what lets
    the step go on, and the update's id."""
    session = await a_session(bot, standin)
    amal = add_person(standin, "Amal", "ar")
    await join_with(amal, session.code, "ar", "newcomer", catalogs)
    going_on = held(monkeypatch, IDEA)
    await amal.send(IDEA)
    update_id = int(standin.world.updates_seen[-1]["update_id"])
    await standin.wait_until(lambda: bool(posts_of(standin, update_id)))
    return session, amal, going_on, update_id


async def test_by_webhook_a_newcomer_joins_and_gives_an_idea_and_telegram_never_waits_for_a_step(
    hooked: RunningBot, standin: StandIn, catalogs: Catalogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    session, amal, going_on, update_id = await an_idea_taking_its_time(hooked, standin, catalogs, monkeypatch)
    assert posts_of(standin, update_id) == [200]
    assert await read(hooked.config.db, ideas_saying(session, IDEA)) == [], "answered while the step goes on"  # type: ignore[arg-type]
    going_on.set()
    received = await amal.reply()
    assert IDEA in received.content()

    assert standin.webhook is not None and standin.webhook.secret == derived_secret(standin.token)
    assert all(answer.status == 200 for answer in standin.webhook_answers), "every post taken the first time"
    assert "getUpdates" not in {method for method, _ in standin.calls}, "updates came only by webhook"
    assert len(await read(hooked.config.db, ideas_saying(session, IDEA))) == 1  # type: ignore[arg-type]
    assert await read(hooked.config.db, journaled) == [], "nothing of it stays once handled"


async def test_an_update_telegram_posts_again_is_handled_once_and_in_order(
    hooked: RunningBot, standin: StandIn, catalogs: Catalogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    session, amal, going_on, update_id = await an_idea_taking_its_time(hooked, standin, catalogs, monkeypatch)
    update = next(u for u in standin.world.updates_seen if u["update_id"] == update_id)
    await standin.redeliver(update)  # its answer was lost on the way, as far as Telegram knows
    await standin.wait_until(lambda: len(posts_of(standin, update_id)) == 2)
    await amal.send("Werk voor jongeren")  # while the first is still being handled
    later = standin.world.updates_seen[-1]["update_id"]
    await standin.wait_until(lambda: bool(posts_of(standin, later)))
    going_on.set()

    first, second = await amal.replies(2)
    assert IDEA in first.content() and "Werk voor jongeren" in second.content(), "in the order they were sent"
    assert posts_of(standin, update_id) == [200, 200], "posted twice, taken twice"
    await amal.send("/help")
    assert (await amal.reply()).text == catalogs.get("ar").render(texts.HELP), "and answered once"
    assert len(await read(hooked.config.db, ideas_saying(session, IDEA))) == 1  # type: ignore[arg-type]


async def test_posts_without_telegrams_secret_are_refused_and_change_nothing(
    hooked: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    session = await a_session(hooked, standin)
    amal = add_person(standin, "Amal", "ar")
    await join_with(amal, session.code, "ar", "newcomer", catalogs)
    assert hooked.config.webhook_url is not None
    forged = {"update_id": 999_999_999, "message": {"message_id": 1, "date": 0, "text": IDEA}}
    secret = derived_secret(standin.token)
    async with aiohttp.ClientSession() as client:
        for headers, body, status in (
            ({}, forged, 403),
            ({SECRET_HEADER: "guessed"}, forged, 403),
            ({SECRET_HEADER: secret + "x"}, forged, 403),
            ({SECRET_HEADER: secret}, ["not", "an", "update"], 400),
        ):
            async with client.post(hooked.config.webhook_url, json=body, headers=headers) as response:
                assert response.status == status
    assert await read(hooked.config.db, journaled) == []
    assert await read(hooked.config.db, ideas_saying(session, IDEA)) == []  # type: ignore[arg-type]
    await amal.send("/help")
    assert (await amal.reply()).text == catalogs.get("ar").render(texts.HELP), "the bot goes on as before"


@pytest.mark.parametrize("by_webhook", [True, False], ids=["by webhook", "switched back to polling"])
async def test_what_was_journaled_before_a_crash_is_handled_at_the_next_start(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs, by_webhook: bool
) -> None:
    sock = listening_socket("127.0.0.1", 0)
    config = hooked_config(standin, tmp_path, sock.getsockname()[1])
    bot = RunningBot(
        standin, config if by_webhook else replace(config, webhook_url=None), catalogs, webhook_socket=sock
    )
    session = await a_session(bot, standin)
    amal = add_person(standin, "Amal", "ar")
    await amal.start(session.code)  # posted and journaled, then the process died before handling it
    update = standin.world.updates.pop()
    await write(bot.config.db, lambda conn: inbound.keep(conn, update, datetime.now(UTC)))

    await bot.start()
    try:
        languages = await amal.reply()
        assert native_name("ar") in languages.button_labels()
        assert await read(bot.config.db, journaled) == []
        assert (standin.webhook is not None) == by_webhook
    finally:
        await bot.stop()
