"""The bot's database as an inspector (or an operator's script) opens it beside the running bot."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from bot.domain import DEFAULT_GROUPS, GroupDef, NewIdea, Phase, Session
from bot.i18n import SUPPORTED
from bot.storage import Conn, Database, ideas, members, outbox, people, roles, sessions, votes
from bot.storage import themes as theme_store
from tests.databases import eventually

T = TypeVar("T")


async def read(path: Path, work: Callable[[Conn], T]) -> T:
    """Run `work` on what is committed, with a connection of our own."""
    database = await Database.open(path)
    try:
        return await database.read(work)
    finally:
        await database.close()


async def delivered(path: Path, now: Callable[[], datetime] | None = None, timeout: float = 10.0) -> None:
    """Wait until the outbox has sent everything due by now (the bot's clock when given): what the bot was to say
    has been said, and a check that nothing more came means something."""

    async def settled() -> bool:
        return not await read(path, lambda conn: outbox.unsettled_now(conn, now() if now else None))

    await eventually(settled, "the outbox sent everything due", timeout)


async def write(path: Path, work: Callable[[Conn], T]) -> T:
    """Run `work` as one transaction, with a connection of our own."""
    database = await Database.open(path)
    try:
        return await database.write(work)
    finally:
        await database.close()


def owned_session(
    conn: Conn,
    owner: int,
    title: str,
    question: str,
    voting: str = "ranking",
    phase: Phase = Phase.COLLECTING,
    themes: tuple[tuple[str, str | None], ...] = (),
    languages: tuple[str, ...] = SUPPORTED,
    idea_limit: int = 5,
) -> Session:
    """A session the way a coordinator (by Telegram id) makes one with /new, already in `phase`, with themes."""
    coordinator = roles.make_coordinator(conn, owner)
    groups = tuple(GroupDef(g) for g in DEFAULT_GROUPS)
    session = sessions.create(conn, title, question, groups, languages, idea_limit, phase, "nl", voting)
    roles.own(conn, coordinator.participant.id, session.id)
    roles.use(conn, coordinator.participant.id, session.id)
    for name, emoji in themes:
        theme_store.add(conn, session.id, name, emoji)
    return session


def voted(conn: Conn, session: Session, ballots: Mapping[str, tuple[str, ...]], each: int) -> None:
    """`each` people of every group join, agree, give an idea ("newcomer 0") and rank the themes (by name) as
    their group's ballot says."""
    named = {t.name: str(t.id) for t in theme_store.of_session(conn, session.id)}
    for position, (group, ballot) in enumerate(ballots.items()):
        for number in range(each):
            person = people.ensure(conn, 7_000_000 + 100 * position + number)
            membership, _ = members.enter(conn, person.id, session, f"P-{group[:3].upper()}{number:03d}", group)
            members.agree(conn, membership.id)
            ideas.add(conn, session.id, membership.id, [NewIdea(1, f"{group} {number}")])
            votes.cast(conn, session.id, membership.id, "ranking", [named[name] for name in ballot])
