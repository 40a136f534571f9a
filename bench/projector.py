"""The projector page under a busy room: a session with ideas already on the wall, new ones arriving steadily, and
the page's live stream watched as a browser watches it. How long from an idea being stored to its showing."""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import aiohttp

from bench.figures import fresh, until
from bot.app.room import page_link
from bot.app.services import Services
from bot.conversation import load_flows
from bot.domain import GroupDef, NewIdea, Phase
from bot.domain.grant import PageRole, grant_for
from bot.i18n import SUPPORTED, Catalogs
from bot.storage import Conn, Database, ideas, members, people, sessions
from bot.web import listening_socket, pages

IDEA = re.compile(r'data-idea="(\d+)"')


def _room(conn: Conn, existing: int) -> tuple[int, list[int]]:
    """A collecting session with `existing` ideas from thirty people; the session and their memberships."""
    groups = (GroupDef("newcomer"), GroupDef("professional"), GroupDef("resident"))
    session = sessions.create(conn, "Bench", "What helps?", groups, SUPPORTED, 100, Phase.COLLECTING, "nl", "ranking")
    joined = []
    for number in range(30):
        person = people.ensure(conn, 9_000_000 + number)
        membership, _ = members.enter(conn, person.id, session, f"P-B{number:05d}", groups[number % 3].id)
        members.agree(conn, membership.id)
        joined.append(membership.id)
    for number in range(existing):
        said = NewIdea(number // 30 + 1, f"An idea already on the wall, number {number}", language="en")
        ideas.add(conn, session.id, joined[number % 30], [said])
    return session.id, joined


def _arrive(conn: Conn, session_id: int, membership_id: int, seq: int) -> int:
    ideas.add(conn, session_id, membership_id, [NewIdea(seq, f"A new idea, number {seq}", language="ar")])
    row = conn.execute("SELECT MAX(id) FROM idea").fetchone()
    return int(row[0])


async def projector(workdir: Path, seconds: float, rate: float, existing: int = 300) -> dict[str, Any]:
    """Ideas at `rate` a second for `seconds` into a session that has `existing`, one viewer on the live stream:
    the delay from each idea's commit to the event that shows it (p50, p95, max), and what a look costs."""
    db = await Database.open(fresh(workdir / "projector.sqlite3"))
    sock = listening_socket("127.0.0.1", 0)
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    svc = Services(
        db,
        Catalogs(),
        load_flows(),
        b"b" * 32,
        frozenset(),
        "nl",
        "Europe/Amsterdam",
        lambda: datetime.now(UTC),
        lambda code: f"https://t.me/bench?start={code}",
        base,
    )
    try:
        session_id, joined = await db.write(partial(_room, existing=existing))
        link = page_link(base, svc.secret, grant_for(PageRole.PROJECTOR, session_id, svc.clock()))
        stored: dict[int, float] = {}
        seen: dict[int, float] = {}
        events = 0
        async with pages(svc, sock), aiohttp.ClientSession() as client, client.get(f"{link}/events?lang=en") as stream:

            async def watch() -> None:
                nonlocal events
                async for line in stream.content:
                    if line.startswith(b"data: "):
                        events += 1
                        moment = time.perf_counter()
                        parts = json.loads(line[len(b"data: ") :])
                        for found in IDEA.findall(parts.get("wall", "")):
                            seen.setdefault(int(found), moment)

            watcher = asyncio.create_task(watch())
            count = int(seconds * rate)
            started = time.perf_counter()
            for number in range(count):
                await asyncio.sleep(max(0.0, started + number / rate - time.perf_counter()))
                member = joined[number % len(joined)]
                idea_id = await db.write(
                    partial(_arrive, session_id=session_id, membership_id=member, seq=1000 + number)
                )
                stored[idea_id] = time.perf_counter()
            try:
                await until(lambda: set(stored) <= set(seen), 5, "every new idea showing on the projector")
            finally:
                watcher.cancel()
        delays = sorted(1000 * (seen[i] - stored[i]) for i in stored)
        return {
            "ideas": len(stored),
            "p50_ms": statistics.median(delays),
            "p95_ms": delays[int(0.95 * (len(delays) - 1))],
            "max_ms": delays[-1],
            "events": events,
        }
    finally:
        await db.close()
