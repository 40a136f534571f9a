"""Each figure of the benchmark: one run of it, returning plain numbers."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import sqlite3
import statistics
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.seed import collecting_session, due_checkins, history, migrated, open_voting, opened, pending_outbox
from bench.stage import BotProcess, Stage
from bench.traffic import EDITING, POSTING, Crowd, Step, Watch, chatting, joining
from bot.sandbox import SandboxUser, add_person
from bot.sandbox.flood import FloodLimit
from bot.sandbox.params import Params
from bot.storage import ideas, outbox
from bot.storage import votes as vote_store
from bot.storage.sqlite import with_functions

IDEAS_EACH = 3
CONCURRENCY = 64  # people acting at once when saturating: enough to keep the bot's queue full


class Broken(AssertionError):
    """A correctness check inside the benchmark failed: something was lost or doubled."""


def newcomers(stage: Stage, code: str, ideas: int = IDEAS_EACH, watch: Watch | None = None, seed: int = 7) -> Crowd:
    """People who join the session with this code through the real flow, each giving `ideas` ideas."""
    watch = watch or Watch(stage.standin)
    return Crowd(stage.standin, watch, lambda rng, locale: joining(code, locale, rng, ideas), seed)


def fresh(path: Path) -> Path:
    """A database path with no file (nor WAL) left from an earlier run."""
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    return path


async def settled(crowd: Crowd) -> None:
    """Wait until every person has all the messages their steps earn (a late or doubled one shows here)."""
    with contextlib.suppress(Broken):  # said below, with who got what
        await until(lambda: not crowd.doubled_or_lost(), 5, "every answer")
    await asyncio.sleep(0.3)  # anything extra on its way arrives now
    problems = crowd.doubled_or_lost()
    if problems:
        raise Broken(f"{len(problems)} people got the wrong number of messages, e.g. {problems[:3]}")


async def saturation(workdir: Path, seconds: float, warmup: float = 3.0) -> dict[str, Any]:
    """Updates a second at saturation: inspraak's participant flow, and PTB's echo bot, one after the other."""
    figures: dict[str, Any] = {}
    async with Stage(workdir) as stage:
        admin = add_person(stage.standin, "Coordinator", "nl")
        db = fresh(workdir / "saturation.sqlite3")
        session = await collecting_session(db, admin.id)
        bot = await stage.bot("inspraak", db, admins=(admin.id,))
        crowd = newcomers(stage, session.code)
        await crowd.saturate(CONCURRENCY, warmup)
        figures.update(await _measured("inspraak", bot, crowd, seconds))
        await settled(crowd)
        await bot.stop()
        async with opened(db) as database:
            stored = len(await database.read(lambda conn: ideas.of_session(conn, session.id)))
        if stored != crowd.steps_done["text"]:
            raise Broken(f"{crowd.steps_done['text']} ideas were acknowledged but {stored} are stored")
        figures["people"] = len(crowd.people)

        for kind in ("echo", "echo-aiohttp"):
            echo = await stage.bot(kind)
            talk = Crowd(stage.standin, Watch(stage.standin), lambda rng, loc: chatting(loc, rng, 4 + IDEAS_EACH))
            await talk.saturate(CONCURRENCY, warmup)
            figures.update(await _measured(kind.replace("-", "_"), echo, talk, seconds))
            await settled(talk)
            await echo.stop()
    figures["ratio"] = figures["inspraak"] / figures["echo"]
    figures["ratio_same_client"] = figures["inspraak"] / figures["echo_aiohttp"]
    return figures


async def _measured(name: str, bot: BotProcess, crowd: Crowd, seconds: float) -> dict[str, float]:
    """Steps a second at saturation, with the bot's CPU time and Bot API calls per step, and the bench's own load."""
    calls = Counter[str]()

    def count(method: str, params: Params, result: Any) -> None:
        if method != "getupdates":
            calls[method] += 1

    crowd.standin.observers.append(count)
    busy = harness_load()
    cpu, steps = bot.cpu_seconds(), crowd.steps_done.total()
    rate = await crowd.saturate(CONCURRENCY, seconds)
    done = crowd.steps_done.total() - steps
    crowd.standin.observers.remove(count)
    return {
        name: rate,
        f"{name}_cpu_ms": (bot.cpu_seconds() - cpu) * 1000 / done,
        f"{name}_calls": calls.total() / done,
        f"{name}_sends": sum(calls[m] for m in POSTING) / done,
        f"{name}_edits": sum(calls[m] for m in EDITING) / done,
        f"{name}_answers": calls["answercallbackquery"] / done,
        f"{name}_harness_busy": busy(),
    }


def harness_load() -> Callable[[], float]:
    """A stopwatch for this process's own CPU use: the share of one core it has used since (1.0 = saturated)."""
    start_cpu, start = time.process_time(), time.perf_counter()
    return lambda: (time.process_time() - start_cpu) / (time.perf_counter() - start)


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50, p95, p99 and max, in milliseconds."""
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered * 99
    return {
        "p50": cut[49] * 1000,
        "p95": cut[94] * 1000,
        "p99": cut[98] * 1000,
        "max": ordered[-1] * 1000,
        "n": len(ordered),
    }


async def until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll until `condition` holds; Broken when it does not within `timeout` seconds."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise Broken(f"{what} did not happen within {timeout}s")
        await asyncio.sleep(0.05)


async def latency(
    workdir: Path, loads: tuple[int, ...], seconds: float, burst: int, burst_seconds: float
) -> dict[str, Any]:
    """Answer times at steady offered loads, then for a burst of votes when a coordinator opens voting."""
    figures: dict[str, Any] = {}
    async with Stage(workdir) as stage:
        admin = add_person(stage.standin, "Coordinator", "nl")
        db = fresh(workdir / "latency.sqlite3")
        session = await collecting_session(db, admin.id)
        vote = await collecting_session(db, admin.id)
        bot = await stage.bot("inspraak", db, admins=(admin.id,))
        watch = Watch(stage.standin)
        crowd = newcomers(stage, session.code, watch=watch)
        await crowd.saturate(16, 3.0)  # warm-up: every language and step has been through once
        for rate in loads:
            figures[f"{rate}/s"] = percentiles(await crowd.offer(rate, seconds))
        voters = newcomers(stage, vote.code, ideas=0, watch=watch, seed=11)
        people = await voters.finish(burst, CONCURRENCY)
        await open_voting(db, vote)
        for person in people:
            voters.expected_posts[person.id] += 2  # "voting is open" and the question
        await until(lambda: all(watch.posts[p.id] >= voters.expected_posts[p.id] for p in people), 60, "vote notices")
        start = time.perf_counter()

        async def votes(n: int, person: SandboxUser) -> float:
            await asyncio.sleep(max(0.0, start + n * burst_seconds / burst - time.perf_counter()))
            return await voters.do(person, Step("press", 0, 0, 1))  # the first theme: the question is edited

        figures["people"] = len(crowd.people) + len(people)
        figures["burst"] = percentiles(list(await asyncio.gather(*(votes(n, p) for n, p in enumerate(people)))))

        async def finish_ballot(person: SandboxUser) -> None:
            for step in (Step("press", 0, 0, 1), Step("press", 0, 0, 1), Step("press", 0, 1, 1)):  # two more, confirm
                await voters.do(person, step)

        await asyncio.gather(*(finish_ballot(p) for p in people))
        await settled(crowd)
        await settled(voters)
        await bot.stop()
        async with opened(db) as database:
            cast = len(await database.read(lambda conn: vote_store.of_session(conn, vote.id)))
        if cast != burst:
            raise Broken(f"{burst} people voted but {cast} ballots are stored")
    return figures


async def broadcast(workdir: Path, people: int, scale: float) -> dict[str, Any]:
    """Due check-ins through the outbox while the stand-in enforces Telegram's flood limits, scaled."""
    flood = FloodLimit(scale=scale)
    async with Stage(workdir, flood) as stage:
        owners = [add_person(stage.standin, f"Owner{n}", "nl") for n in range(people)]
        db = fresh(workdir / "broadcast.sqlite3")
        await migrated(db)
        await asyncio.to_thread(due_checkins, db, [o.id for o in owners], datetime.now(UTC))
        arrivals: list[float] = []
        received: Counter[int] = Counter()

        def seen(method: str, params: Params, result: Any) -> None:
            if method == "sendmessage":
                arrivals.append(time.perf_counter())
                received[int(params.raw["chat_id"])] += 1

        stage.standin.observers.append(seen)
        rates = {"overall": flood.overall_rate, "per_chat": flood.per_chat * scale, "burst": float(flood.burst)}
        bot = await stage.bot("inspraak", db, rates=rates)
        patience = 30 + 2 * people / min(flood.overall_rate, 100)  # the bot's own pace, when the limit is higher
        await until(lambda: len(arrivals) >= people, patience, "the broadcast")
        await asyncio.sleep(1.0)  # a doubled message would arrive now
        await bot.stop()
        async with opened(db) as database:
            counts = await database.read(outbox.counts)
    achieved = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    lost = sum(1 for o in owners if received[o.id] == 0)
    doubled = sum(1 for o in owners if received[o.id] > 1)
    if lost or doubled or counts != {"sent": people}:
        raise Broken(f"broadcast: {lost} lost, {doubled} doubled, outbox {counts}")
    return {
        "messages": people,
        "limit": flood.overall_rate,
        "rate": achieved,
        "efficiency": achieved / flood.overall_rate,
        "refused": flood.refused,
        "refused_share": flood.refused / people,
        "lost": lost,
        "doubled": doubled,
        "seconds": arrivals[-1] - arrivals[0],
    }


async def seeded(workdir: Path, participants: int, ideas_each: int) -> tuple[Path, dict[str, int]]:
    """A database with `participants` people and their ideas and votes, made once per bench run."""
    db = workdir / f"history-{participants}.sqlite3"
    if db.exists():
        return db, {}
    building = fresh(workdir / f"building-{participants}.sqlite3")
    await migrated(building)
    sizes = await asyncio.to_thread(history, building, participants, ideas_each)
    building.rename(db)
    return db, sizes


def copy_of(db: Path, name: str) -> Path:
    """A fresh copy of a seeded database, so every run starts from the same state."""
    target = fresh(db.parent / name)
    shutil.copyfile(db, target)
    return target


async def footprint(
    workdir: Path, history_db: Path, pending: tuple[int, ...], rate: float, seconds: float
) -> dict[str, Any]:
    """Start-up time with many outbox rows waiting, and the most memory the bot holds on a big database."""
    figures: dict[str, Any] = {"startup": {}}
    async with Stage(workdir) as stage:
        admin = add_person(stage.standin, "Coordinator", "nl")
        for rows in pending:
            db = copy_of(history_db, "footprint.sqlite3")
            await asyncio.to_thread(pending_outbox, db, rows, datetime.now(UTC) + timedelta(days=30))
            session = await collecting_session(db, admin.id)
            bot = await stage.bot("inspraak", db, admins=(admin.id,))
            figures["startup"][str(rows)] = bot.startup
            if rows == max(pending):
                crowd = newcomers(stage, session.code)
                await crowd.offer(rate, seconds)
                await settled(crowd)
                figures["peak_rss_mb"] = bot.peak_rss_mb()
            await bot.stop()
    return figures


async def growth(workdir: Path, history_db: Path, seconds: float, rate: float, trace: Path | None) -> dict[str, Any]:
    """Throughput and answer times of the participant flow on top of a database of a given size."""
    db = copy_of(history_db, "growth.sqlite3")
    async with Stage(workdir) as stage:
        admin = add_person(stage.standin, "Coordinator", "nl")
        session = await collecting_session(db, admin.id)
        extra = ("--trace-sql", str(trace)) if trace is not None else ()
        bot = await stage.bot("inspraak", db, admins=(admin.id,), extra=extra)
        crowd = newcomers(stage, session.code)
        await crowd.saturate(16, 2.0)
        figures: dict[str, Any] = {"throughput": await crowd.saturate(CONCURRENCY, seconds)}
        figures["latency"] = percentiles(await crowd.offer(rate, seconds))
        await settled(crowd)
        await bot.stop()
    return figures


def query_plans(db: Path, statements: list[str]) -> list[dict[str, Any]]:
    """SQLite's plan for every statement the bot ran; `full_scan` marks a table read from end to end."""
    plans = []
    connection = with_functions(sqlite3.connect(f"file:{db}?mode=ro", uri=True), worker=0)
    try:
        tables = {str(row[0]) for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for sql in statements:
            if not sql.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")):
                continue
            steps = [str(row[3]) for row in connection.execute("EXPLAIN QUERY PLAN " + sql)]
            # a table's own rows, not a subquery's results ("SCAN due") nor a constant row
            scans = [s for s in steps if s.startswith("SCAN ") and "USING" not in s and s.split()[1] in tables]
            plans.append({"sql": _LITERAL.sub("?", sql), "plan": steps, "full_scan": scans})
    finally:
        connection.close()
    return plans


_LITERAL = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
