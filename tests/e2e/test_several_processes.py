"""Several bot processes on one PostgreSQL database behind a load balancer, taking Telegram's posts by webhook: a
person's messages are answered in the order they were sent, each is worked on by one process only, and work
done once for all is done once."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from bot.app.driver import Driver
from bot.app.incoming import Incoming
from bot.app.step import Handled
from bot.conversation import TextIn
from bot.i18n import Catalogs
from bot.sandbox import StandIn, add_person
from bot.sandbox.flood import FloodLimit
from bot.storage import ideas, machine, votes
from bot.web import listening_socket
from tests.conftest import TOKEN
from tests.e2e.balancer import Balancer
from tests.e2e.conftest import RunningBot, config_for
from tests.e2e.process import BotProcess
from tests.e2e.room import Member, Room, crowd
from tests.e2e.test_coordinators import join_with
from tests.e2e.test_machine_translation import translated, until
from tests.e2e.test_webhook import IDEA, a_session, posts_of
from tests.mt_standins import libretranslate_standin
from tests.postgres import shared
from tests.store import owned_session, read, write

SECOND = "Werk voor jongeren"


@asynccontextmanager
async def behind_a_balancer(
    standin: StandIn, catalogs: Catalogs, count: int = 2, **changes: object
) -> AsyncIterator[tuple[list[RunningBot], Balancer]]:
    """Bot processes on one database (configured with `changes`), each behind the same balancer, the address
    Telegram posts to."""
    url = shared().fresh()
    socks = [listening_socket("127.0.0.1", 0) for _ in range(count)]
    balancer = Balancer([f"http://127.0.0.1:{s.getsockname()[1]}/telegram" for s in socks])
    await balancer.start()
    bots = []
    for sock in socks:
        port = sock.getsockname()[1]
        config = replace(config_for(standin, url, **changes), webhook_url=balancer.url, webhook_port=port)
        bots.append(RunningBot(standin, config, catalogs, webhook_socket=sock))
    try:
        for bot in bots:
            await bot.start()
        yield bots, balancer
    finally:
        for bot in bots:
            await bot.stop()
        await balancer.stop()


@pytest.fixture
async def processes(standin: StandIn, catalogs: Catalogs) -> AsyncIterator[tuple[list[RunningBot], Balancer]]:
    """Two bot processes behind a balancer."""
    async with behind_a_balancer(standin, catalogs) as running:
        yield running


def counted_and_held(monkeypatch: pytest.MonkeyPatch, words: str) -> tuple[Counter[str], asyncio.Event]:
    """How often a step starts for each update, in either process; the first step of a message saying `words`
    waits until the test lets it go."""
    steps: Counter[str] = Counter()
    going_on = asyncio.Event()
    handle = Driver.handle

    async def counting(driver: Driver, arrived: Incoming) -> Handled:
        steps[arrived.key] += 1
        if isinstance(arrived.event, TextIn) and arrived.event.text == words:
            await going_on.wait()
        return await handle(driver, arrived)

    monkeypatch.setattr(Driver, "handle", counting)
    return steps, going_on


async def test_two_processes_answer_a_persons_messages_in_order_and_each_is_worked_on_once(
    processes: tuple[list[RunningBot], Balancer],
    standin: StandIn,
    catalogs: Catalogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bots, balancer = processes
    session = await a_session(bots[0], standin)
    amal = add_person(standin, "Amal", "ar")
    steps, going_on = counted_and_held(monkeypatch, IDEA)
    await join_with(amal, session.code, "ar", "newcomer", catalogs)
    await amal.send(IDEA)  # its step takes its time in the process that took it
    held_update = standin.world.updates_seen[-1]
    await amal.send(SECOND)  # posted to the other process meanwhile
    later = standin.world.updates_seen[-1]["update_id"]
    await standin.wait_until(lambda: bool(posts_of(standin, later)))
    await standin.redeliver(held_update)  # Telegram lost its answer: posted again, to whichever process
    await standin.wait_until(lambda: len(posts_of(standin, held_update["update_id"])) == 2)
    going_on.set()

    first, second = await amal.replies(2)
    assert IDEA in first.content() and SECOND in second.content(), "answered in the order they were sent"
    stored = await read(bots[0].config.db, lambda conn: [c.text for c in ideas.all_cards(conn, session.id)])
    assert stored == [IDEA, SECOND]
    assert set(balancer.served) == set(balancer.backends), "both processes took Telegram's posts"
    assert steps and set(steps.values()) == {1}, "no update was worked on twice, by one process or both"


async def test_with_two_processes_each_idea_is_sent_to_the_translation_service_once(
    standin: StandIn, catalogs: Catalogs
) -> None:
    async with (
        libretranslate_standin() as service,
        behind_a_balancer(standin, catalogs, translator="libretranslate", translator_url=service.url) as (bots, _),
    ):
        session = await a_session(bots[0], standin)
        await write(bots[0].config.db, lambda conn: machine.set_mode(conn, session.id, machine.AUTO))
        words = [f"فكرة {n}" for n in range(6)]
        people = [add_person(standin, f"P{n}", "ar") for n in range(len(words))]
        for person, said in zip(people, words, strict=True):
            await join_with(person, session.code, "ar", "newcomer", catalogs)
            await person.send(said)
        for said in words:
            await until(bots[0].config.db, translated(session, said))
        asked: Counter[tuple[str, str]] = Counter()
        for seen in service.seen():
            texts = seen.body["q"] if isinstance(seen.body["q"], list) else [seen.body["q"]]
            asked.update((text, seen.body["target"]) for text in texts)
        assert {text for text, _ in asked} == set(words)
        assert set(asked.values()) == {1}, "each idea asked for once per language, by whichever process leads"


PEOPLE = 100
THEMES = ("Taal", "Werk", "Ontmoeten", "Zorg")
LANGUAGES = ("ar", "ti", "uk", "fa", "nl", "so")
GROUPS = ("newcomer", "resident", "professional")
NOTICE = "Morgen om 10 uur verder in zaal 2"


def _free_port() -> int:
    with listening_socket("127.0.0.1", 0) as sock:
        port: int = sock.getsockname()[1]
        return port


async def test_three_processes_one_killed_midway_lose_nothing_double_nothing_and_keep_the_flood_limit(
    catalogs: Catalogs, tmp_path: Path
) -> None:
    standin = StandIn(TOKEN, flood=FloodLimit())  # Telegram's own limits: 30 a second in all, 1 a second a chat
    await standin.start()
    url = shared().fresh()
    ports = [_free_port() for _ in range(3)]
    balancer = Balancer([f"http://127.0.0.1:{port}/telegram" for port in ports])
    await balancer.start()
    marloes = add_person(standin, "Marloes", "nl")
    themes = tuple((name, None) for name in THEMES)
    session = await write(url, lambda conn: owned_session(conn, marloes.id, "Thuis", "Wat helpt?", themes=themes))
    processes = [
        BotProcess(
            standin,
            url,
            admins=(marloes.id,),
            log=tmp_path / f"bot{n}.log",
            settings={"INSPRAAK_WEBHOOK_URL": balancer.url, "INSPRAAK_WEBHOOK_PORT": str(port)},
        )
        for n, port in enumerate(ports)
    ]
    room = Room(standin, catalogs, session.code, session.title, marloes, THEMES)
    members = crowd(standin, PEOPLE, 2, LANGUAGES, GROUPS)
    try:
        for process in processes:
            await process.start()
        joined = 0

        async def take_part(member: Member, rng: random.Random) -> None:
            nonlocal joined
            await asyncio.sleep(rng.uniform(0, 5))  # people arrive over a few seconds
            await room.join(member)
            joined += 1
            if joined == PEOPLE // 2:
                processes[1].kill()  # halfway: gone, mid-step, with whatever it had in hand
            await room.give_ideas(member)

        await asyncio.gather(*(take_part(m, random.Random(n)) for n, m in enumerate(members)))
        await room.next_phase()  # sorting
        await room.next_phase()  # prioritising: a vote opens for each of them
        voting = [room.vote(m, tuple(random.Random(n).sample(THEMES, 3))) for n, m in enumerate(members)]
        await asyncio.gather(room.broadcast(NOTICE, members), *voting)  # the notice goes out while they vote

        stored = await read(url, lambda conn: [c.text for c in ideas.all_cards(conn, session.id)])
        assert sorted(stored) == sorted(i for m in members for i in m.ideas), "every idea stored once"
        cast = await read(url, lambda conn: votes.of_session(conn, session.id))
        assert len(cast) == PEOPLE and all(m.voted for m in members), "one vote each, each confirmed"
        for member in members:
            receipts = [n for n, m in enumerate(member.user.inbox) for i in member.ideas if i in m.content()]
            assert receipts == sorted(receipts), f"{member.user.person.first_name} was answered in order"
            assert sum(NOTICE in m.content() for m in member.user.inbox) == 1, "the notice reached everyone once"
        assert standin.flood is not None
        too_fast = standin.flood.refused_overall
        assert too_fast == 0, "the processes together never went faster than Telegram allows"
        assert set(balancer.served) == set(balancer.backends)
    finally:
        for process in processes:
            process.terminate()
        await balancer.stop()
        await standin.stop()
