"""The bot process is killed (SIGKILL) at random moments during a busy session, again and again: nothing is lost,
nothing is doubled, everyone resumes where they were, and the database stays sound."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.domain import Msg, Session
from bot.i18n import Catalogs
from bot.sandbox import SandboxUser, StandIn, add_person
from tests.conftest import TOKEN
from tests.e2e.test_participant_journey import join
from tests.store import owned_session, write

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    """`python -m bot run` against the stand-in, as an operator would run it."""

    def __init__(self, standin: StandIn, db: Path) -> None:
        self.standin = standin
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("INSPRAAK_")},
            "INSPRAAK_TOKEN": TOKEN,
            "INSPRAAK_API_URL": standin.api_url,
            "INSPRAAK_DB": str(db),
            "PYTHONPATH": str(ROOT),
        }
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        self.standin.polling.clear()
        self.process = subprocess.Popen(  # noqa: ASYNC220 (starting, not waiting)
            [sys.executable, "-m", "bot", "--log-level", "WARNING", "run"],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        await asyncio.wait_for(self.standin.polling.wait(), 30)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


async def prepared_session(db: Path) -> Session:
    return await write(db, lambda conn: owned_session(conn, 1, "Thuis in Assen", "Wat helpt?", idea_limit=20))


async def test_killing_the_bot_again_and_again_loses_and_doubles_nothing(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs
) -> None:
    db = tmp_path / "inspraak.sqlite3"
    session = await prepared_session(db)
    bot = BotProcess(standin, db)
    await bot.start()
    people: list[SandboxUser] = []
    try:
        for name, language, group in (
            ("Amal", "ar", "newcomer"),
            ("Olena", "uk", "resident"),
            ("Sanne", "nl", "professional"),
        ):
            person = add_person(standin, name, language)
            await join(person, session, language, group, catalogs)
            people.append(person)

        stop_killing = asyncio.Event()
        kills = 0

        async def killer() -> None:
            nonlocal kills
            rng = random.Random(7)
            while not stop_killing.is_set() and kills < 5:
                await asyncio.sleep(rng.uniform(0.3, 1.2))
                bot.kill()  # SIGKILL: no cleanup, no goodbye
                kills += 1
                await bot.start()

        killing = asyncio.create_task(killer())
        sent: list[str] = []
        confirmed: list[str] = []
        for round_number in range(8):
            for person in people:
                text = f"{person.person.first_name} idee {round_number}"
                await person.send(text)
                sent.append(text)
                # The person waits a while for the confirmation, as anyone would (it may come after a restart).
                try:
                    await standin.wait_until(
                        lambda t=text, p=person: any(t in m.content() for m in p.inbox), timeout=12
                    )
                    confirmed.append(text)
                except TimeoutError:
                    pass  # killed between storing the idea and confirming it: see the assertions below
        stop_killing.set()
        await killing
        assert kills >= 3, "the bot was really killed during the busy session"

        await standin.wait_until(lambda: not standin.world.updates, timeout=30)
        with sqlite3.connect(db) as check:
            stored = [r[0] for r in check.execute("SELECT text FROM idea WHERE session_id = ?", (session.id,))]
            assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert len(stored) == len(set(stored)), "nothing doubled"
        assert set(confirmed) <= set(stored), "every idea confirmed to the person is stored"
        assert set(stored) == set(sent), "and no idea that was sent is lost, even when its confirmation was"

        for person in people:  # everyone is still at the question where they were
            await person.send("/start")
            done = Msg("ideas.ask.collect.done", "Done")
            locale = {"Amal": "ar", "Olena": "uk", "Sanne": "nl"}[person.person.first_name]
            label = catalogs.get(locale).text(done)
            await standin.wait_until(
                lambda p=person, lab=label: bool(p.inbox) and p.inbox[-1].button_labels() == [lab], timeout=30
            )
    finally:
        bot.terminate()
