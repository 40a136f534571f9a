"""Where a test's database lives: a SQLite file in its folder, or, when the suite runs against PostgreSQL
(INSPRAAK_TEST_ENGINE=postgresql), a fresh database on the suite's throwaway server."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from bot.storage.db import Conn, Location, is_postgres

ENGINE = os.environ.get("INSPRAAK_TEST_ENGINE", "sqlite")
_made: dict[Path, str] = {}


async def eventually(holds: Callable[[], Awaitable[bool]], what: str, timeout: float = 20.0) -> None:
    """Look again until `holds` is true: for what the database server or a background task does on its own time,
    with nothing to await (an ended connection's locks let go, rows a look recovered)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if await holds():
            return
        assert loop.time() < deadline, f"{what} within {timeout:g}s"
        await asyncio.sleep(0.02)  # a look again, until the condition holds


def tables(conn: Conn) -> list[str]:
    """The names of the tables in the database of the engine under test."""
    sql = (
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        if ENGINE == "postgresql"
        else "SELECT name FROM sqlite_master WHERE type = 'table'"
    )
    return [str(r[0]) for r in conn.execute(sql).fetchall()]


@asynccontextmanager
async def held_exclusively(location: Location) -> AsyncIterator[None]:
    """Another process (a backup tool, an operator) holding the whole database, until the block ends."""
    if is_postgres(location):
        conn = await asyncio.to_thread(psycopg.connect, str(location))

        def lock() -> None:
            names = sql.SQL(", ").join(sql.Identifier(name) for name in tables(conn))
            conn.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(names))

        await asyncio.to_thread(lock)
        try:
            yield
        finally:
            conn.rollback()
            conn.close()
        return
    other = sqlite3.connect(location, isolation_level=None, check_same_thread=False)
    # waited for off the event loop, which the bot needs to commit what it was doing
    await asyncio.to_thread(other.execute, "BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def db_for(folder: Path) -> Location:
    """The test's own database, the same one each time it is asked for from the same folder."""
    if ENGINE == "sqlite":
        return folder / "inspraak.sqlite3"
    if ENGINE != "postgresql":
        raise ValueError(f"INSPRAAK_TEST_ENGINE must be sqlite or postgresql, not {ENGINE!r}")
    if folder not in _made:
        from tests.postgres import shared

        _made[folder] = shared().fresh()
    return _made[folder]
