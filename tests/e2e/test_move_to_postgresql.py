"""An operator moves a running deployment from its SQLite file to PostgreSQL with one command."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from bot.cli import main
from bot.domain import Session
from bot.domain.cadence import Cadence, Schedule
from bot.i18n import Catalogs
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.storage import Conn, Database, actions, broadcasts, people, pools, recordings, transfer, translations
from tests.e2e.conftest import RunningBot, config_for
from tests.e2e.test_privacy import take_part
from tests.postgres import shared
from tests.store import voted, write


def _everything(conn: Conn) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, by column name, in an order that does not depend on the engine."""
    found = {}
    for table in transfer.read_all(conn):
        named = [dict(zip(table.columns, row, strict=True)) for row in table.rows]
        found[table.name] = sorted(named, key=repr)
    return found


def _the_rest(conn: Conn, session: Session, owner: int) -> None:
    """What a year of use adds beside the session: an action with its check-ins, a pool, translations, a notice."""
    action = actions.create(
        conn, session.id, "Taalcafé", "Elke week", [], Schedule(date(2026, 1, 5), Cadence.WEEKLY), "h"
    )
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    dues = [(period, start + timedelta(weeks=period)) for period in range(1, 4)]
    actions.accept(conn, owner, action, time(10), dues, start, "P-OWN")
    pool = pools.create(conn, owner, "Raad", "Drenthe", "Wie meedenkt", ("work",), (), 2, "nl")
    pools.translate(conn, pool.id, "name", "ar", "المجلس")
    translations.put(conn, session.id, "question", "ar", "ما الذي يساعد؟")
    recordings.put(conn, session.id, "question", "ar", "voice-file-id", "hash")
    broadcasts.prepare(conn, session.id, owner, "Tot donderdag!")


async def test_a_populated_sqlite_database_moves_to_postgresql_whole_and_the_bot_goes_on_there(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs, admin: SandboxUser
) -> None:
    sqlite = tmp_path / "inspraak.sqlite3"
    running = RunningBot(standin, replace(config_for(standin, sqlite), admins=frozenset({admin.id})), catalogs)
    await running.start()
    try:
        session = await take_part(add_person(standin, "Zenobia", "ar"), standin, catalogs, running, admin)
    finally:
        await running.stop()
    ballots = {"newcomer": ("Taal", "Werk", "Zorg"), "resident": ("Werk", "Taal", "Ontmoeten")}
    await write(sqlite, lambda conn: voted(conn, session, ballots, each=5))
    await write(sqlite, lambda conn: _the_rest(conn, session, people.ensure(conn, admin.id).id))
    url = shared().fresh()

    assert await asyncio.to_thread(main, ["--db", str(sqlite), "migrate-to", url]) == 0

    source, target = await Database.open(sqlite), await Database.open(url)
    try:
        before, after = await source.read(_everything), await target.read(_everything)
        assert sum(1 for rows in before.values() if rows) >= 20, "a deployment in use: most tables hold rows"
        for table in transfer.READ:
            assert after[table] == before[table], f"{table} is copied whole"
        highest = max(row["id"] for row in before["participant"])
        newcomer = await target.write(lambda conn: people.ensure(conn, 9_100_000_001))
        assert newcomer.id == highest + 1, "new rows are numbered after the ones copied"
    finally:
        await source.close()
        await target.close()
    again = await asyncio.to_thread(main, ["--db", str(sqlite), "migrate-to", url])
    assert again == 2, "a database that holds anything is never copied into"
