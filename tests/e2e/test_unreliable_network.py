"""On a network where one Bot API call in five fails (a 502, or a connection dropped before or after Telegram
handled it), every reply, every ballot and every result still reaches everyone, and nothing is stored twice."""

from __future__ import annotations

import asyncio

from bot.domain.results import Method
from bot.i18n import Catalogs
from bot.sandbox import SandboxUser, StandIn, Unreliable, add_person
from bot.storage import ideas, votes
from tests.e2e.conftest import RunningBot
from tests.e2e.room import Member, Room, doubles
from tests.e2e.test_prioritising import THEMES, collecting_session
from tests.store import read

PEOPLE = (
    ("Amal", "ar", "newcomer"),
    ("Dawit", "ti", "newcomer"),
    ("Olena", "uk", "resident"),
    ("Sanne", "nl", "professional"),
    ("Farid", "fa_AF", "newcomer"),
    ("Bram", "nl", "resident"),
)


async def test_one_call_in_five_failing_loses_no_reply_ballot_or_result(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser
) -> None:
    session = await collecting_session(bot, admin, Method.RANKING)
    room = Room(standin, catalogs, session.code, session.title, admin, THEMES)
    members = [
        Member(
            add_person(standin, name, language.replace("_", "-")),
            language,
            group,
            [f"{name} idee {n}" for n in range(3)],
        )
        for name, language, group in PEOPLE
    ]
    network = Unreliable(rate=0.2, seed=5)
    standin.unreliable = network  # from here on, one call in five fails

    async def take_part(member: Member) -> None:
        await room.join(member)
        await room.give_ideas(member)

    await asyncio.gather(*(take_part(m) for m in members))
    await room.broadcast("Morgen om 10 uur in zaal 2", members)
    await room.next_phase()  # sorting
    await room.next_phase()  # prioritising: everyone's ballot is a journaled notice
    await asyncio.gather(*(room.vote(m, THEMES[:3]) for m in members))
    await room.next_phase()  # closed: the results go to everyone
    for member in members:
        await room.results_reached(member)

    stored = await read(bot.config.db, lambda conn: ideas.of_session(conn, session.id))
    assert sorted(i.text or "" for i in stored) == sorted(idea for m in members for idea in m.ideas), (
        "none lost, none doubled"
    )
    assert len(await read(bot.config.db, lambda conn: votes.of_session(conn, session.id))) == len(members)
    assert sum(network.counts.values()) >= 20, f"the network really failed: {dict(network.counts)}"
    repeated = sum(doubles(m.user) for m in members)
    # A message is sent twice only when Telegram took it and the answer was lost on the way back.
    assert repeated <= network.counts["dropped after"], repeated
