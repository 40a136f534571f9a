"""Whatever the network, the database or the input does, the bot loses nothing, doubles nothing and keeps going."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.app import texts
from bot.config import ConfigError
from bot.conversation.machine import TEXT_OR_VOICE, TOO_LONG
from bot.domain import Session
from bot.domain.results import Method
from bot.i18n import Catalogs
from bot.sandbox import ApiError, SandboxUser, StandIn, add_person
from bot.storage import ideas, sessions
from bot.tg import PollingStopped
from tests.conftest import TOKEN
from tests.databases import db_for, held_exclusively
from tests.e2e.conftest import RunningBot, config_for
from tests.e2e.test_participant_journey import join
from tests.e2e.test_prioritising import collecting_session
from tests.store import delivered, read, write


async def ideas_of(bot: RunningBot, session: Session) -> list[str | None]:
    return [i.text for i in await read(bot.config.db, lambda conn: ideas.of_session(conn, session.id))]


@pytest.fixture
async def session(bot: RunningBot, admin: SandboxUser) -> Session:
    return await collecting_session(bot, admin, Method.RANKING)


@pytest.fixture
async def amal(standin: StandIn, session: Session, catalogs: Catalogs) -> SandboxUser:
    person = add_person(standin, "Amal", "ar")
    await join(person, session, "ar", "newcomer", catalogs)
    return person


async def test_a_message_delivered_twice_becomes_one_idea(
    bot: RunningBot, standin: StandIn, session: Session, amal: SandboxUser
) -> None:
    await amal.send("مكتبة في المساء")
    await amal.reply()
    update = next(u for u in reversed(standin.world.updates_seen) if "message" in u)
    await standin.redeliver(update)
    await amal.send("فكرة ثانية")
    await amal.reply()
    assert await ideas_of(bot, session) == ["مكتبة في المساء", "فكرة ثانية"]
    assert amal.unread() == []


async def test_update_ids_that_restart_lower_after_a_quiet_week_are_not_rejected(
    bot: RunningBot, standin: StandIn, session: Session, amal: SandboxUser
) -> None:
    await amal.send("قبل")
    await amal.reply()
    standin.restart_update_ids(7)  # far below the ids seen so far
    await amal.send("بعد")
    await amal.reply()
    assert await ideas_of(bot, session) == ["قبل", "بعد"]


async def test_polling_survives_bad_gateways_and_an_unreachable_api_and_then_resumes(
    bot: RunningBot, standin: StandIn, session: Session, amal: SandboxUser
) -> None:
    standin.fail_next("getUpdates", ApiError(502, "Bad Gateway"), times=2)
    await amal.send("بعد 502")
    await amal.reply(timeout=15)
    port = standin.port
    await standin.stop()  # the Bot API is gone for a while
    await asyncio.sleep(1.5)  # the outage itself: how long it lasts is the point, there is nothing to wait for
    await standin.start(port)
    await amal.send("بعد الانقطاع")
    await amal.reply(timeout=30)
    assert await ideas_of(bot, session) == ["بعد 502", "بعد الانقطاع"]


async def test_another_instance_polling_stops_the_bot_with_a_clear_message(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs
) -> None:
    running = RunningBot(standin, config_for(standin, db_for(tmp_path)), catalogs)
    await running.start()
    standin.fail_next("getUpdates", ApiError(409, "Conflict: terminated by other getUpdates request"))
    with pytest.raises(PollingStopped, match="409"):
        await running.stop_by_itself()


async def test_a_token_revoked_while_running_stops_the_bot_without_showing_it(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs
) -> None:
    running = RunningBot(standin, config_for(standin, db_for(tmp_path)), catalogs)
    await running.start()
    standin.fail_next("getUpdates", ApiError(401, "Unauthorized"))
    with pytest.raises(ConfigError) as stopped:
        await running.stop_by_itself()
    assert "401" in str(stopped.value) and TOKEN not in str(stopped.value)


@pytest.fixture
async def patient_bot(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs, admin: SandboxUser
) -> AsyncIterator[RunningBot]:
    """A bot that waits only half a second for a database lock (an operator would keep the default 5 s)."""
    config = replace(config_for(standin, db_for(tmp_path)), admins=frozenset({admin.id}))
    running = RunningBot(standin, config, catalogs, busy_timeout=0.5)
    await running.start()
    yield running
    await running.stop()


async def test_a_database_locked_by_another_process_gets_a_polite_retry_and_nothing_half_written(
    patient_bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser
) -> None:
    session = await collecting_session(patient_bot, admin, Method.RANKING)
    olena = add_person(standin, "Olena", "uk")
    await join(olena, session, "uk", "resident", catalogs)
    async with held_exclusively(patient_bot.config.db):
        await olena.send("Мовне кафе")
        assert (await olena.reply(timeout=10)).text == catalogs.get("uk").render(texts.TRY_AGAIN)
    await olena.send("Мовне кафе")
    await olena.reply()
    assert await ideas_of(patient_bot, session) == ["Мовне кафе"]


async def test_a_full_disk_gets_a_polite_retry_and_the_bot_keeps_serving(
    bot: RunningBot,
    standin: StandIn,
    session: Session,
    amal: SandboxUser,
    catalogs: Catalogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = ideas.add

    def disk_full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ideas, "add", disk_full)
    await amal.send("فكرة")
    assert (await amal.reply()).text == catalogs.get("ar").render(texts.TRY_AGAIN)
    monkeypatch.setattr(ideas, "add", original)
    await amal.send("فكرة")
    await amal.reply()
    assert await ideas_of(bot, session) == ["فكرة"]


async def test_fifty_messages_in_ten_seconds_are_handled_in_order_within_the_limit_and_the_chat_rate(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs, admin: SandboxUser
) -> None:
    config = replace(config_for(standin, db_for(tmp_path)), admins=frozenset({admin.id}))
    rate = 20  # replies a second to one chat: Telegram's ~1/s, scaled so the test takes seconds, not a minute
    running = RunningBot(
        standin, config, catalogs, limits={"private_chat_max_rate": rate, "private_chat_time_period": 1}
    )
    await running.start()
    try:
        session = await collecting_session(running, admin, Method.RANKING)
        flooder = add_person(standin, "Flooder", "nl")
        await join(flooder, session, "nl", "resident", catalogs)
        sent_before = len(flooder.inbox)
        for n in range(50):
            await flooder.send(f"idee {n:02d}")
            await asyncio.sleep(0.2)  # a person typing: the pace is what the test is about
        await standin.wait_until(lambda: len(flooder.inbox) - sent_before >= 48, timeout=30)
        stored = await ideas_of(running, session)
        assert stored == [f"idee {n:02d}" for n in range(5)], "in order, and the limit of 5 holds"
        replies = [m.date for m in flooder.inbox[sent_before:]]
        assert all(replies.count(second) <= rate for second in set(replies))
    finally:
        await running.stop()


STRANGE = [
    "   \n\t  ",
    "nul\x00byte en \x07bel",
    "😀😀😀",
    "👩‍👩‍👧‍👦 familie",
    "e\u0301e\u0301n met accenten",
    "العربية mixed עברית and Latin",
    "*bold* _it_ `code` [link](x) <b>html</b> &amp; \\ ~ | > #",
    "'; DROP TABLE idea; --",
    "x" * 10_000,
]


async def test_strange_input_is_stored_exactly_or_refused_with_a_reason(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser
) -> None:
    session = await collecting_session(bot, admin, Method.RANKING)
    await write(bot.config.db, lambda conn: sessions.set_idea_limit(conn, session.id, 20))
    olena = add_person(standin, "Olena", "uk")
    await join(olena, session, "uk", "resident", catalogs)
    answers = []
    for text in STRANGE:
        await olena.send(text)
        answers.append(await olena.reply())
    stored = await ideas_of(bot, session)
    exact = [t.replace("\x00", "") for t in STRANGE[1:-1]]  # U+0000 is dropped: PostgreSQL's text cannot hold it
    assert stored == exact, "stored byte-exact, the empty and the too long refused"
    assert answers[0].text == catalogs.get("uk").render(TEXT_OR_VOICE)
    assert answers[-1].text == catalogs.get("uk").render(TOO_LONG.with_params(max=1000))
    for text, receipt in zip(exact, answers[1:-1], strict=True):
        assert text in receipt.content(), "echoed back as typed, with no parse error"


async def test_sigterm_with_a_backlog_handles_every_update_once(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs, admin: SandboxUser
) -> None:
    config = replace(config_for(standin, db_for(tmp_path)), admins=frozenset({admin.id}))
    running = RunningBot(standin, config, catalogs)
    await running.start()
    session = await collecting_session(running, admin, Method.RANKING)
    people = [add_person(standin, f"P{n}", "nl") for n in range(4)]
    for person in people:
        await join(person, session, "nl", "resident", catalogs)
    for person in people:
        for n in range(3):
            await person.send(f"{person.person.first_name} idee {n}")
    await running.stop()  # what SIGTERM does: stop taking new updates, finish what was taken
    await running.start()
    await standin.wait_until(lambda: not standin.world.updates, timeout=15)
    await delivered(config.db)  # every update handled and answered
    assert sorted(await ideas_of(running, session)) == sorted(
        f"{p.person.first_name} idee {n}" for p in people for n in range(3)
    )
    await running.stop()
