"""The participant flow on PostgreSQL with one, two and three bot processes behind a load balancer, taking
updates by webhook, beside one process on SQLite: steps a second at saturation, answer times at a steady load, and
CPU per step of the bot processes and of the database server."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bench.figures import CONCURRENCY, fresh, newcomers, percentiles, settled
from bench.seed import collecting_session, opened
from bench.stage import BotProcess, Stage
from bot.sandbox import add_person
from bot.storage import Location
from bot.web import listening_socket
from tests.e2e.balancer import Balancer
from tests.postgres import Server


def _cpu_of_server(server: Server) -> float:
    """CPU seconds the database server's processes have used so far (the postmaster and its backends; a backend
    that ended took its share with it, so the bots' connections are kept open for the whole run)."""
    assert server.folder is not None
    postmaster = int((server.folder / "data" / "postmaster.pid").read_text(encoding="utf-8").split()[0])
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
        except OSError:
            continue  # a backend that just ended
        if int(entry.name) == postmaster or int(fields[1]) == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


async def _run(
    stage: Stage, db: Location, processes: int, seconds: float, rate: float, server: Server | None = None
) -> dict[str, Any]:
    """One configuration: `processes` bots on `db` by webhook behind a balancer, or (0) one polling bot."""
    admin = add_person(stage.standin, "Coordinator", "nl")
    session = await collecting_session(db, admin.id)
    bots: list[BotProcess] = []
    balancer = Balancer([f"http://127.0.0.1:{_free_port()}/telegram" for _ in range(processes)])
    await balancer.start()
    try:
        for backend in balancer.backends:
            hook = ("--webhook-url", balancer.url, "--webhook-port", backend.split(":")[2].split("/")[0])
            bots.append(await stage.bot("inspraak", db, admins=(admin.id,), extra=hook))
        if not bots:
            bots.append(await stage.bot("inspraak", db, admins=(admin.id,)))
        crowd = newcomers(stage, session.code)
        await crowd.saturate(CONCURRENCY, 3.0)  # warm-up: every language and step has been through once
        cpu, steps = sum(bot.cpu_seconds() for bot in bots), crowd.steps_done.total()
        served = _cpu_of_server(server) if server is not None else 0.0
        throughput = await crowd.saturate(CONCURRENCY, seconds)
        cpu, steps = sum(bot.cpu_seconds() for bot in bots) - cpu, crowd.steps_done.total() - steps
        served = _cpu_of_server(server) - served if server is not None else 0.0
        answers = percentiles(await crowd.offer(rate, seconds))
        await settled(crowd)
    finally:
        for bot in bots:
            await bot.stop()
        await balancer.stop()
    per_step = 1000 / max(1, steps)
    return {
        "steps_per_s": throughput,
        "bot_cpu_ms": cpu * per_step,
        "db_cpu_ms": served * per_step,
        "answer_ms": answers,
    }


def _free_port() -> int:
    with listening_socket("127.0.0.1", 0) as sock:
        port: int = sock.getsockname()[1]
        return port


async def several(workdir: Path, seconds: float, rate: float) -> dict[str, Any]:
    """SQLite with one process (polling), then PostgreSQL with one, two and three (webhook, balanced)."""
    figures: dict[str, Any] = {}
    async with Stage(workdir) as stage:
        figures["sqlite"] = await _run(stage, fresh(workdir / "several.sqlite3"), 0, seconds, rate)
    server = Server()
    server.start()
    try:
        async with opened(server.fresh("version")) as database:
            figures["version"] = await database.read(lambda conn: conn.execute("SHOW server_version").fetchone()[0])
        for count in (1, 2, 3):
            async with Stage(workdir) as stage:
                figures[f"postgresql_{count}"] = await _run(stage, server.fresh("bench"), count, seconds, rate, server)
    finally:
        server.stop()
    return figures
