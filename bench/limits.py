"""The bot at Telegram's real limits (1×, not scaled), where people feel them: a hall of people voting at once,
and a broadcast with its coordinator watching the count."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import texts
from bench.figures import CONCURRENCY, Broken, fresh, newcomers, percentiles, until
from bench.seed import collecting_session, due_checkins, open_voting, opened
from bench.stage import Stage
from bench.traffic import Step
from bot.app import coord_texts
from bot.domain import Session
from bot.i18n import Catalogs
from bot.sandbox import SandboxUser, add_person
from bot.sandbox.flood import FloodLimit
from bot.sandbox.params import Params
from bot.storage import Conn, members, outbox, people
from bot.storage import votes as vote_store
from tests.e2e.room import Room

FAST = 1_000.0  # the stand-in's limits scaled up while people join before the measured part
LIMIT = FloodLimit()  # Telegram's own: about 30 messages a second for the bot, 1 a second per chat after a burst
REAL = {"overall": LIMIT.overall, "per_chat": LIMIT.per_chat, "burst": float(LIMIT.burst)}
BALLOT = (Step("press", 0, 0, 1), Step("press", 0, 0, 1), Step("press", 0, 0, 1), Step("press", 0, 1, 1))


async def hall(workdir: Path, people: int, spread: float) -> dict[str, Any]:
    """`people` in a hall are in a session when the coordinator opens the vote; each taps their ballot's first
    choice within `spread` seconds of seeing it, ranks three themes and confirms, tap after tap as each answer
    shows. Per tap: how long the spinner turned (the press answered) and until the ballot showed the choice."""
    flood = FloodLimit(scale=FAST)
    async with Stage(workdir, flood) as stage:
        admin = add_person(stage.standin, "Coordinator", "nl")
        db = fresh(workdir / "hall.sqlite3")
        session = await collecting_session(db, admin.id)
        bot = await stage.bot("inspraak", db, admins=(admin.id,))
        voters = newcomers(stage, session.code, ideas=0, seed=13)
        hall = await voters.finish(people, CONCURRENCY)
        await bot.stop()
        flood.scale = 1.0
        bot = await stage.bot("inspraak", db, admins=(admin.id,), rates=REAL)
        watch = voters.watch
        watch.answered.clear()
        rng = random.Random(5)
        before = {person.id: person.inbox[-1] for person in hall}  # the question for ideas, with its Done button
        opened_at = time.perf_counter()
        await open_voting(db, session)
        invited: list[float] = []
        taps: list[float] = []
        confirmed: list[float] = []

        async def vote(person: SandboxUser) -> None:
            voters.expected_posts[person.id] += 2  # "voting is open" and the ballot
            await person.sees_after(before[person.id], lambda m: bool(m.buttons), 600)
            invited.append(time.perf_counter() - opened_at)
            await asyncio.sleep(max(0.0, opened_at + rng.uniform(0, spread) - time.perf_counter()))
            for step in BALLOT:
                taps.append(await voters.do(person, step))
            confirmed.append(time.perf_counter() - opened_at)

        await asyncio.gather(*(vote(person) for person in hall))
        await until(lambda: not voters.doubled_or_lost(), 30, "every answer")
        await bot.stop()
        async with opened(db) as database:
            cast = len(await database.read(lambda conn: vote_store.of_session(conn, session.id)))
    if cast != people:
        raise Broken(f"{people} people voted but {cast} ballots are stored")
    return {
        "people": people,
        "spread_s": spread,
        "spinner_ms": percentiles(watch.answered),
        "ballot_ms": percentiles(taps),
        "invited_s": max(invited),
        "last_confirmed_s": max(confirmed),
        "refused": flood.refused,
    }


async def broadcast(workdir: Path, people: int, catalogs: Catalogs) -> dict[str, Any]:
    """A coordinator sends a message to the `people` of a session with /broadcast and watches the count on their
    progress message: the rate the broadcast achieves against the overall limit, and how often the count moved."""
    flood = FloodLimit()
    async with Stage(workdir, flood) as stage:
        admin = add_person(stage.standin, "Coordinator", "nl")
        db = fresh(workdir / "watched.sqlite3")
        session = await collecting_session(db, admin.id)
        reached = [add_person(stage.standin, f"P{n}", "nl") for n in range(people)]
        async with opened(db) as database:
            await database.write(lambda conn: _members(conn, session, reached))
        arrivals: list[float] = []
        received: Counter[int] = Counter()
        counts: list[float] = []  # when the coordinator's count was edited

        def seen(method: str, params: Params, result: Any) -> None:
            chat = int(params.raw.get("chat_id", 0) or 0)
            if method == "sendmessage" and chat != admin.id:
                arrivals.append(time.perf_counter())
                received[chat] += 1
            elif method == "editmessagetext" and chat == admin.id:
                counts.append(time.perf_counter())

        stage.standin.observers.append(seen)
        bot = await stage.bot("inspraak", db, admins=(admin.id,), rates=REAL)
        room = Room(stage.standin, catalogs, session.code, session.title, admin, ())
        await room.broadcast("De bus rijdt morgen niet.", [])
        await until(lambda: len(arrivals) >= people, 60 + 2 * people / LIMIT.overall, "the broadcast")
        done = catalogs.get("nl").render(coord_texts.BROADCAST_DONE.with_params(sent=people, total=people, blocked=0))
        await admin.sees(lambda m: m.content() == done, 30)
        await bot.stop()
        async with opened(db) as database:
            tally = await database.read(outbox.counts)
    lost = sum(1 for p in reached if received[p.id] == 0)
    doubled = sum(1 for p in reached if received[p.id] > 1)
    if lost or doubled:
        raise Broken(f"broadcast: {lost} lost, {doubled} doubled, outbox {tally}")
    rate = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    during = [c for c in counts if arrivals[0] <= c <= arrivals[-1]]
    return {
        "messages": people,
        "limit": LIMIT.overall,
        "rate": rate,
        "efficiency": rate / LIMIT.overall,
        "seconds": arrivals[-1] - arrivals[0],
        "count_edits": len(counts),
        "count_every_s": (during[-1] - during[0]) / max(1, len(during) - 1) if during else 0.0,
        "refused": flood.refused,
    }


async def live(workdir: Path, checkins: int, people: int, seconds: float, every: float) -> dict[str, Any]:
    """`checkins` due check-ins go out while `people` in a live session each send an idea every `every` seconds
    for `seconds`: their answer times, and the check-ins' rate against what the replies left of the limit."""
    flood = FloodLimit(scale=FAST)
    async with Stage(workdir, flood) as stage:
        admin = add_person(stage.standin, "Coordinator", "nl")
        db = fresh(workdir / "live.sqlite3")
        session = await collecting_session(db, admin.id, idea_limit=round(seconds / every) + 5)
        bot = await stage.bot("inspraak", db, admins=(admin.id,))
        room = newcomers(stage, session.code, ideas=0, seed=17)
        talkers = await room.finish(people, CONCURRENCY)
        await bot.stop()
        owners = [add_person(stage.standin, f"Owner{n}", "nl") for n in range(checkins)]
        await asyncio.to_thread(due_checkins, db, [o.id for o in owners], datetime.now(UTC))
        arrivals: list[float] = []
        received: Counter[int] = Counter()
        wanted = {o.id for o in owners}

        def seen(method: str, params: Params, result: Any) -> None:
            chat = int(params.raw.get("chat_id", 0) or 0)
            if method == "sendmessage" and chat in wanted:
                arrivals.append(time.perf_counter())
                received[chat] += 1

        stage.standin.observers.append(seen)
        flood.scale = 1.0
        bot = await stage.bot("inspraak", db, admins=(admin.id,), rates=REAL)
        await until(lambda: len(arrivals) >= 10, 60, "the check-ins")
        rng = random.Random(3)
        answers: list[float] = []
        start = time.perf_counter()
        replies_before = sum(room.watch.posts[p.id] for p in talkers)

        async def talk(person: SandboxUser) -> None:
            await asyncio.sleep(rng.uniform(0, every))
            while time.perf_counter() < start + seconds:
                answers.append(await room.do(person, Step("text", texts.idea(rng, "nl"), 1)))
                await asyncio.sleep(max(0.0, every - answers[-1]))

        await asyncio.gather(*(talk(person) for person in talkers))
        window = time.perf_counter() - start
        replies = sum(room.watch.posts[p.id] for p in talkers) - replies_before
        during = sum(1 for moment in arrivals if start <= moment <= start + window)
        await until(lambda: len(arrivals) >= checkins, 60 + 2 * checkins / LIMIT.overall, "every check-in")
        await until(lambda: not room.doubled_or_lost(), 30, "every answer")
        await asyncio.sleep(1.0)  # a doubled check-in would arrive now
        await bot.stop()
    lost = sum(1 for o in owners if received[o.id] == 0)
    doubled = sum(1 for o in owners if received[o.id] > 1)
    if lost or doubled:
        raise Broken(f"check-ins: {lost} lost, {doubled} doubled")
    left = LIMIT.overall - replies / window
    return {
        "checkins": checkins,
        "people": people,
        "answer_ms": percentiles(answers),
        "replies_per_s": replies / window,
        "checkins_per_s": during / window,
        "share_of_left": during / window / left,
        "overall_per_s": (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]),
        "seconds": arrivals[-1] - arrivals[0],
        "refused": flood.refused,
    }


def _members(conn: Conn, session: Session, reached: list[SandboxUser]) -> None:
    """People already in the session, agreed, in Dutch: as after a joining evening."""
    for n, person in enumerate(reached):
        participant = people.ensure(conn, person.id)
        people.set_locale(conn, participant.id, "nl")
        membership, _ = members.enter(conn, participant.id, session, f"P-{n:05d}", "newcomer")
        members.agree(conn, membership.id)
