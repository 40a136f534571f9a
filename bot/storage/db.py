"""The SQLite system of record: one long-lived connection, safe pragmas, transactions, migrations."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite

from bot.storage.rows import fetch_one

BUSY_TIMEOUT = 5.0  # seconds


class StorageError(RuntimeError):
    """The database cannot be used; the message says why and what to do."""


class DatabaseTooNew(StorageError):
    """The database was written by a newer version of inspraak."""


class DatabaseCorrupt(StorageError):
    """The file is not a usable SQLite database."""


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migrations shipped with the code: (number, name, sql), in order."""
    found = []
    for entry in resources.files("bot.storage").joinpath("migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [number for number, _, _ in found]
    if numbers != list(range(1, len(found) + 1)):
        raise StorageError(f"migrations must be numbered 1..n without gaps, found {numbers}")
    return found


def _create_private(path: Path) -> None:
    """Create the file (and its folder) readable by the owner only, before SQLite touches it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


class Database:
    """One aiosqlite connection for writes, every transaction serialised, and one for reads beside it.

    In WAL mode a read sees every committed write and never waits for a write transaction, so the many
    small reads of an update do not queue behind another person's transaction (see docs/benchmarks.md).
    """

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path
        self._lock = asyncio.Lock()
        self._reader: aiosqlite.Connection | None = None
        self._read_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path, busy_timeout: float = BUSY_TIMEOUT) -> Database:
        """Open (creating if needed, owner-only) and migrate the database at `path`.

        `busy_timeout` is how long a write waits for another process's lock before giving up.
        """
        await asyncio.to_thread(_create_private, path)
        connection = await aiosqlite.connect(path, isolation_level=None, timeout=busy_timeout)
        database = cls(connection, path)
        try:
            await database._configure()
            await database._migrate()
            database._reader = await aiosqlite.connect(path, isolation_level=None, timeout=busy_timeout)
            await database._reader.execute("PRAGMA query_only = ON")
        except BaseException:
            await database.close()
            raise
        return database

    async def _configure(self) -> None:
        """Check the file before changing anything in it, then set the pragmas."""
        try:
            await self.connection.execute("PRAGMA schema_version")
            current = int(str(await self._scalar("PRAGMA user_version")))
        except sqlite3.DatabaseError as error:
            raise DatabaseCorrupt(
                f"{self.path} is not a usable SQLite database ({error}). It was left untouched: "
                "restore a backup or point INSPRAAK_DB at another file."
            ) from error
        known = len(migrations())
        if current > known:
            raise DatabaseTooNew(
                f"{self.path} has schema version {current}, but this inspraak knows only up to "
                f"{known}. Upgrade inspraak; the database was left untouched."
            )
        mode = await self._scalar("PRAGMA journal_mode = WAL")
        if str(mode).lower() != "wal":
            raise StorageError(f"could not switch {self.path} to WAL journal mode (got {mode})")
        await self.connection.execute("PRAGMA synchronous = FULL")
        await self.connection.execute("PRAGMA foreign_keys = ON")

    async def _migrate(self) -> None:
        shipped = migrations()
        current = int(str(await self._scalar("PRAGMA user_version")))
        for number, _name, sql in shipped[current:]:
            script = f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;"
            try:
                await self.connection.executescript(script)
            except BaseException:
                if self.connection.in_transaction:
                    await self.connection.rollback()
                raise

    async def _scalar(self, sql: str) -> object:
        row = await fetch_one(self.connection, sql, ())
        return None if row is None else row[0]

    @property
    def schema_version(self) -> int:
        """How many migrations the code ships."""
        return len(migrations())

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction (BEGIN IMMEDIATE): committed when the block ends, rolled back on error."""
        async with self._lock:
            await self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                await self.connection.rollback()
                raise
            await self.connection.commit()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[aiosqlite.Connection]:
        """Read access to what is committed, on the reading connection (it refuses writes)."""
        assert self._reader is not None
        async with self._read_lock:
            yield self._reader

    async def backup(self, target: Path) -> None:
        """A consistent copy of the live database (SQLite's online backup), readable by the owner only."""
        await asyncio.to_thread(_create_private, target)
        async with self._lock, aiosqlite.connect(target) as copy:
            await self.connection.backup(copy)

    async def close(self) -> None:
        """Close both connections; safe to call twice."""
        if self._reader is not None:
            await self._reader.close()
        await self.connection.close()
