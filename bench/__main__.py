"""`make bench`: every figure, three runs each, written to docs/benchmarks.md and docs/benchmarks.json."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import shutil
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import figures, limits
from bench.figures import Broken
from bench.hearing import voice_while_chatting
from bench.projector import projector
from bench.report import machine, render
from bench.several import several
from bench.stage import ROOT
from bench.suggestions import suggestions
from bench.transcription import transcription
from bot.i18n import Catalogs


@dataclass(frozen=True)
class Plan:
    """How big and how long: the full plan makes the published figures, the quick one checks the bench works."""

    runs: int = 3
    seconds: float = 8.0
    loads: tuple[int, ...] = (10, 50, 100)
    burst: int = 500
    burst_seconds: float = 2.0
    broadcast: int = 10_000
    flood_scale: float = 6.0  # 180 messages/s in all: 10,000 check-ins in under a minute, as the issue asks
    capacity: int = 5_000  # check-ins sent with no flood limit at all: how fast the bot itself can go
    history: int = 100_000
    ideas_each: int = 10
    pending: tuple[int, ...] = (0, 10_000, 100_000)
    sizes: tuple[int, ...] = (1_000, 10_000, 100_000)
    growth_rate: float = 50.0
    projector_seconds: float = 20.0
    projector_rate: float = 30.0  # new ideas a second, into a session with 300 on the wall
    suggestion_ideas: int = 300
    chatting_rate: float = 10.0  # steps a second: 30 people each doing something every 3 seconds
    chatting_seconds: float = 20.0
    several_rate: float = 50.0  # steps a second offered to 1, 2 and 3 processes on PostgreSQL
    hall: int = 300  # people voting at once at Telegram's real limits
    hall_spread: float = 10.0  # seconds within which each taps their ballot's first choice
    watched: int = 2_000  # messages of a broadcast whose coordinator watches the count, at the real limits
    live_checkins: int = 10_000  # check-ins going out while a live session of 30 people talks, at the real limits
    live_seconds: float = 60.0  # how long the 30 talk, each sending an idea every 3 seconds


QUICK = Plan(
    runs=1,
    seconds=3,
    burst=100,
    broadcast=1_000,
    capacity=1_000,
    history=10_000,
    pending=(0, 10_000),
    sizes=(1_000, 10_000),
    projector_seconds=5.0,
    chatting_seconds=8.0,
    hall=60,
    watched=300,
    live_checkins=600,
    live_seconds=10.0,
)


def summary(values: list[float]) -> dict[str, Any]:
    """The median of the runs, with the lowest and highest as the spread."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}


def combine(results: list[Any]) -> Any:
    """Runs of the same figure, number by number: medians with their spread."""
    first = results[0]
    if isinstance(first, dict):
        return {key: combine([r[key] for r in results]) for key in first}
    if isinstance(first, int | float) and not isinstance(first, bool):
        return summary([float(r) for r in results])
    return first


async def repeat(name: str, runs: int, one: Callable[[], Awaitable[dict[str, Any]]]) -> Any:
    """Run a figure `runs` times, saying how each went."""
    results = []
    for run in range(1, runs + 1):
        started = time.perf_counter()
        results.append(await one())
        print(f"  {name} run {run}/{runs}: {time.perf_counter() - started:.0f}s", flush=True)
    return combine(results)


STAGES = (
    "saturation",
    "latency",
    "broadcast",
    "footprint",
    "growth",
    "projector",
    "suggestions",
    "transcription",
    "hearing",
    "several",
    "hall",
    "watched",
    "live",
)


async def measure(plan: Plan, work: Path, stages: tuple[str, ...]) -> dict[str, Any]:
    """The figures of the issue, stage by stage."""
    out: dict[str, Any] = {"plan": plan.__dict__, "machine": machine()}
    if "saturation" in stages:
        print("throughput at saturation (inspraak and the bare echo bot)", flush=True)
        out["saturation"] = await repeat("saturation", plan.runs, lambda: figures.saturation(work, plan.seconds))
    if "latency" in stages:
        print("answer times at steady loads and for a burst of votes", flush=True)
        out["latency"] = await repeat(
            "latency",
            plan.runs,
            lambda: figures.latency(work, plan.loads, plan.seconds, plan.burst, plan.burst_seconds),
        )
    if "broadcast" in stages:
        print("a broadcast of due check-ins under flood limits", flush=True)
        out["broadcast"] = await repeat(
            "broadcast", plan.runs, lambda: figures.broadcast(work, plan.broadcast, plan.flood_scale)
        )
        out["capacity"] = await repeat("capacity", plan.runs, lambda: figures.broadcast(work, plan.capacity, 1_000.0))
    if "footprint" in stages or "growth" in stages:
        print("seeding databases as after years of use", flush=True)
        histories: dict[int, Path] = {}
        sizes: dict[int, dict[str, int]] = {}
        for people in sorted({*plan.sizes, plan.history}):
            histories[people], sizes[people] = await figures.seeded(work, people, plan.ideas_each)
    if "footprint" in stages:
        print("footprint", flush=True)
        out["storage"] = sizes[plan.history]
        out["footprint"] = await repeat(
            "footprint",
            plan.runs,
            lambda: figures.footprint(work, histories[plan.history], plan.pending, 30, plan.seconds),
        )
    if "growth" in stages:
        print("how cost grows with the database", flush=True)
        out["growth"] = {}
        for people in plan.sizes:
            out["growth"][str(people)] = await repeat(
                f"{people} participants",
                plan.runs,
                lambda people=people: figures.growth(work, histories[people], plan.seconds, plan.growth_rate, None),  # type: ignore[misc]
            )
        trace = work / "statements.json"
        await figures.growth(work, histories[max(plan.sizes)], 2.0, plan.growth_rate, trace)
        out["plans"] = figures.query_plans(work / "growth.sqlite3", json.loads(trace.read_text(encoding="utf-8")))
    if "projector" in stages:
        print("the projector page while ideas pour in", flush=True)
        out["projector"] = await repeat(
            "projector", plan.runs, lambda: projector(work, plan.projector_seconds, plan.projector_rate)
        )
    if "suggestions" in stages:
        print("theme suggestions for 300 ideas, on this machine's own model", flush=True)
        out["suggestions"] = await repeat(
            "suggestions", plan.runs, lambda: asyncio.to_thread(suggestions, plan.suggestion_ideas)
        )
    if "transcription" in stages:
        print("writing down a voice note with the Whisper base model, on this machine", flush=True)
        out["transcription"] = await repeat("transcription", plan.runs, transcription)
    if "hearing" in stages:
        print("voice notes written down while 30 people chat", flush=True)
        out["hearing"] = await repeat(
            "hearing", plan.runs, lambda: voice_while_chatting(work, plan.chatting_rate, plan.chatting_seconds)
        )
    if "several" in stages:
        print("PostgreSQL with one, two and three processes behind a balancer", flush=True)
        out["several"] = await repeat("several", plan.runs, lambda: several(work, plan.seconds, plan.several_rate))
    if "hall" in stages:
        print(f"a hall of {plan.hall} voting at Telegram's real limits", flush=True)
        out["hall"] = await repeat("hall", plan.runs, lambda: limits.hall(work, plan.hall, plan.hall_spread))
    if "watched" in stages:
        print(f"a broadcast of {plan.watched} with its coordinator watching, at Telegram's real limits", flush=True)
        catalogs = Catalogs()
        out["watched"] = await repeat("watched", plan.runs, lambda: limits.broadcast(work, plan.watched, catalogs))
    if "live" in stages:
        print(f"{plan.live_checkins} check-ins while 30 people talk, at Telegram's real limits", flush=True)
        out["live"] = await repeat(
            "live", plan.runs, lambda: limits.live(work, plan.live_checkins, 30, plan.live_seconds, 3.0)
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one short run of everything, written to bench/out/")
    parser.add_argument(
        "--only", help=f"comma-separated stages to measure again ({', '.join(STAGES)}); the rest is kept"
    )
    parser.add_argument("--render", action="store_true", help="only write benchmarks.md again from benchmarks.json")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else Plan()
    target = ROOT / ("bench/out" if args.quick else "docs")
    figures_file = target / "benchmarks.json"
    if args.render:
        results = json.loads(figures_file.read_text(encoding="utf-8"))
        (target / "benchmarks.md").write_text(render(results), encoding="utf-8")
        return 0
    stages = tuple(args.only.split(",")) if args.only else STAGES
    unknown = set(stages) - set(STAGES)
    if unknown:
        parser.error(f"unknown stage(s): {', '.join(sorted(unknown))}")
    work = ROOT / "bench" / "out" / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    try:
        results = asyncio.run(measure(plan, work, stages))
    except Broken as error:
        print(f"bench: FAILED a correctness check: {error}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    if args.only:
        before = json.loads(figures_file.read_text(encoding="utf-8"))
        here = results["machine"]
        results = {**before, **results, "machine": before["machine"]}  # the machine most figures were made on
        results.setdefault("remeasured", {}).update({stage: round(seconds) for stage in stages})
        elsewhere = {stage: f"{here['cpu']}, {here['cores']} cores" for stage in stages}
        if here["cpu"] != before["machine"]["cpu"] or here["cores"] != before["machine"]["cores"]:
            results.setdefault("remeasured_on", {}).update(elsewhere)
    else:
        results["seconds"] = seconds
    figures_file.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (target / "benchmarks.md").write_text(render(results), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {target / 'benchmarks.md'} and benchmarks.json in {seconds:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
