"""Replies before bulk: while a notice goes out to many people at the bot's overall limit, a participant's reply
takes the next free place instead of queueing behind the notices already waiting."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bot.app.outgoing import encode_reply
from bot.domain import Purpose, Reply, Verbatim
from bot.domain.results import Method
from bot.i18n import Catalogs
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.sandbox.params import Params
from bot.storage import Conn, people
from bot.storage.outbox import Letter, enqueue
from tests.databases import db_for
from tests.e2e.conftest import RunningBot, config_for
from tests.e2e.test_participant_journey import join
from tests.e2e.test_prioritising import collecting_session
from tests.store import write

OVERALL = 5  # messages a second for the whole bot: Telegram's 30, scaled down so each place is long to wait for
CROWD = 25
# Notices that may go out between a participant's message and its reply while the update is fetched and its step
# taken (each place is 200 ms apart); had the reply queued behind the notices waiting, it would be 7 or more.
IN_FLIGHT = 3
NEWS = "Nieuws uit Assen"


async def test_a_reply_goes_before_the_notices_already_waiting_and_the_overall_limit_holds(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs, admin: SandboxUser
) -> None:
    config = replace(config_for(standin, db_for(tmp_path)), admins=frozenset({admin.id}))
    limits = {"overall_max_rate": OVERALL, "private_chat_max_rate": 100, "private_chat_time_period": 1}
    bot = RunningBot(standin, config, catalogs, limits=limits)
    await bot.start()
    try:
        session = await collecting_session(bot, admin, Method.RANKING)
        amal = add_person(standin, "Amal", "ar")
        await join(amal, session, "ar", "newcomer", catalogs)
        sent: list[tuple[float, int, str]] = []  # (when, to whom, what) of every message the bot sent
        standin.observers.append(
            lambda method, params, result: (
                sent.append((_now(), int(params.raw["chat_id"]), _text(params))) if method == "sendmessage" else None
            )
        )
        crowd = [add_person(standin, f"P{n}", "nl") for n in range(CROWD)]

        def notices(conn: Conn) -> None:
            said = {"do": "send", **encode_reply(Reply(Verbatim(NEWS)))}
            letters = []
            for person in crowd:
                participant = people.ensure(conn, person.id)
                letters.append(Letter(Purpose.NOTICE, participant.id, "news", datetime.now(UTC), said))
            enqueue(conn, letters)

        await write(bot.config.db, notices)
        bot_sent = lambda: [s for s in sent if s[2] == NEWS]  # noqa: E731
        await standin.wait_until(lambda: len(bot_sent()) >= 3, timeout=10)  # the notices are going out
        await amal.send("Meer taallessen")
        asked = len(bot_sent())
        await standin.wait_until(lambda: any(chat == amal.id for _, chat, _ in sent), timeout=10)
        replied = next(n for n, (_, chat, _) in enumerate(sent) if chat == amal.id)
        notices_before_reply = sum(1 for _, _, text in sent[:replied] if text == NEWS)
        assert notices_before_reply - asked <= IN_FLIGHT, "the reply did not queue behind the notices waiting"
        await standin.wait_until(lambda: len(bot_sent()) == CROWD, timeout=30)

        moments = [when for when, _, _ in sent]
        busiest = max(sum(start <= m < start + 1 for m in moments) for start in moments)
        assert busiest <= OVERALL + 1, "replies and notices together kept to the overall limit"
    finally:
        await bot.stop()


def _now() -> float:
    return time.monotonic()


def _text(params: Params) -> str:
    return str(params.raw.get("text", ""))
