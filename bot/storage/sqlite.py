"""SQLite, the default engine: a writer and a reader connection, each in its own thread."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from bot.storage.db import (
    Database,
    DatabaseCorrupt,
    DatabaseReadOnly,
    DatabaseTooNew,
    StorageError,
    Work,
    migrations,
    new_worker,
)
from bot.storage.trips import Failed, Trips

T = TypeVar("T")


def _create_private(path: Path) -> None:
    """Create the file (and its folder) readable by the owner only, before SQLite touches it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _read_only(path: Path) -> DatabaseReadOnly:
    return DatabaseReadOnly(
        f"{path} cannot be written by this user (the file, or the folder it is in, is read-only; SQLite also "
        f"writes {path.name}-wal and {path.name}-shm beside it). Nothing was changed. Make both writable for the "
        "user that runs inspraak (for example `chmod u+w` on the file and its folder), or point INSPRAAK_DB at "
        "a writable place."
    )


def _is_read_only(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return "readonly" in text or "read-only" in text or "unable to open database" in text


def with_functions(conn: sqlite3.Connection, worker: int) -> sqlite3.Connection:
    """The functions the queries call, as the one process on a SQLite file (`worker`) has them: every claim but
    its own is a leftover, and no lock between processes is needed."""
    conn.create_function("inspraak_alive", 1, lambda claimed_by: claimed_by == worker, deterministic=True)
    conn.create_function("inspraak_lock", 1, lambda what: what, deterministic=True)
    return conn


def _outcome(work: Work[Any], conn: sqlite3.Connection) -> Any:
    try:
        return work(conn)
    except BaseException as error:
        return Failed(error)


def _begin(conn: sqlite3.Connection) -> None:
    """Take the write lock for a new transaction, ending one a failed ROLLBACK may have left open."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    conn.execute("BEGIN IMMEDIATE")


class SqliteDatabase(Database):
    """A write connection and a read-only one, each owned by one thread.

    `write(work)` runs `work(conn)` as a transaction in the writer's thread, the whole of it in one trip (with the
    other writes that queued up meanwhile), so the write lock is held only while SQLite works. `read(work)` runs in
    the reader's thread on a snapshot; in WAL mode it sees every commit and never waits for a writer.
    """

    def __init__(self, path: Path, busy_timeout: float) -> None:
        self.path = path
        self.location = path
        self.worker = new_worker()
        self.busy_timeout = busy_timeout
        self._writer_thread = ThreadPoolExecutor(1, thread_name_prefix="db-write")
        self._reader_thread = ThreadPoolExecutor(1, thread_name_prefix="db-read")
        self._writer: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        self._writes = Trips(self._writer_thread, self._transactions)
        self._reads = Trips(self._reader_thread, self._snapshot)

    @classmethod
    async def connect(cls, path: Path, busy_timeout: float) -> SqliteDatabase:
        """Open (creating if needed, owner-only) and migrate the database at `path`.

        `busy_timeout` is how long a write waits for another process's lock before giving up.
        """
        database = cls(path, busy_timeout)
        try:
            await asyncio.to_thread(_create_private, path)
        except PermissionError as error:
            raise _read_only(path) from error
        try:
            await database._in(database._writer_thread, database._open_writer)
            await database._in(database._reader_thread, database._open_reader)
        except BaseException:
            await database.close()
            raise
        return database

    async def _in(self, thread: ThreadPoolExecutor, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(thread, work)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False)

    def _with_functions(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        return with_functions(conn, self.worker)

    def _open_writer(self) -> None:
        """Check the file before changing anything in it, then set the pragmas and migrate."""
        conn = self._with_functions(self._connect())
        self._writer = conn
        try:
            conn.execute("PRAGMA schema_version")
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.DatabaseError as error:
            if _is_read_only(error):
                raise _read_only(self.path) from error
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
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StorageError(f"could not switch {self.path} to WAL journal mode (got {mode})")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._migrate(conn, current)
        except sqlite3.OperationalError as error:
            if _is_read_only(error):
                raise _read_only(self.path) from error
            raise

    def _migrate(self, conn: sqlite3.Connection, current: int) -> None:
        for number, _name, sql in migrations()[current:]:
            try:
                # Table rebuilds in a migration need foreign keys off; they are checked before the commit.
                conn.execute("PRAGMA foreign_keys = OFF")
                conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};")
                broken = conn.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise StorageError(f"migration {number} left {len(broken)} broken references; nothing changed")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            finally:
                conn.execute("PRAGMA foreign_keys = ON")

    def _open_reader(self) -> None:
        conn = self._with_functions(self._connect())
        conn.execute("PRAGMA query_only = ON")
        self._reader = conn

    async def write(self, work: Work[T]) -> T:
        """Run `work(conn)` as one write transaction: committed when it returns, rolled back if it raises."""
        return await self._writes.take(work)

    def _transactions(self, works: Sequence[Work[Any]]) -> list[Any]:
        """Each work as a transaction of its own (a savepoint), all of a trip's committed together: one COMMIT, and
        one sync of the log, for the trip. A work that raises leaves nothing behind and takes no other with it;
        when SQLite itself undoes the transaction (a full disk, an I/O error) or the COMMIT fails, every work of
        the trip so far fails with it, as a lone write would have, and the rest go on in a transaction of their
        own."""
        outcomes: list[Any] = []
        while len(outcomes) < len(works):
            rest = works[len(outcomes) :]
            outcomes += [self._alone(rest[0])] if len(rest) == 1 else self._together(rest)
        return outcomes

    def _together(self, works: Sequence[Work[Any]]) -> list[Any]:
        """As many of the works as one transaction holds (all, unless SQLite undid it midway), in order."""
        conn = self._writer
        assert conn is not None
        outcomes: list[Any] = []
        try:
            _begin(conn)
            for work in works:
                conn.execute("SAVEPOINT work")
                try:
                    outcomes.append(work(conn))
                except BaseException as error:
                    if not conn.in_transaction:  # SQLite undid all of it, the works before this one too
                        return [Failed(error)] * (len(outcomes) + 1)
                    conn.execute("ROLLBACK TO work")
                    outcomes.append(Failed(error))
                conn.execute("RELEASE work")
            conn.execute("COMMIT")
        except BaseException as error:
            if conn.in_transaction:  # also when COMMIT itself failed: never leave one open
                conn.execute("ROLLBACK")
            return [Failed(error)] * len(works)
        return outcomes

    def _alone(self, work: Work[Any]) -> Any:
        conn = self._writer
        assert conn is not None
        try:
            _begin(conn)
            result = work(conn)
            conn.execute("COMMIT")
        except BaseException as error:
            if conn.in_transaction:  # also when COMMIT itself failed (a full disk): never leave one open
                conn.execute("ROLLBACK")
            return Failed(error)
        return result

    async def read(self, work: Work[T]) -> T:
        """Run `work(conn)` on one consistent snapshot of what is committed."""
        return await self._reads.take(work)

    def _snapshot(self, works: Sequence[Work[Any]]) -> list[Any]:
        """A trip's reads on one snapshot, taken after each of them was asked for."""
        conn = self._reader
        assert conn is not None
        outcomes: list[Any] = []
        try:
            for work in works:
                if not conn.in_transaction:  # the trip's first read, or SQLite ended the snapshot on an error
                    conn.execute("BEGIN")
                outcomes.append(_outcome(work, conn))
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")
        return outcomes

    async def backup(self, target: Path) -> None:
        """A consistent copy of the live database (SQLite's online backup), readable by the owner only."""
        await asyncio.to_thread(_create_private, target)

        def copy() -> None:
            assert self._writer is not None
            with sqlite3.connect(target) as destination:
                self._writer.backup(destination)
            destination.close()

        await self._in(self._writer_thread, copy)

    async def leading(self) -> bool:
        """The one process on a SQLite file does everything."""
        return True

    def trace(self, callback: Callable[[str], None]) -> None:
        """Call `callback` with every statement either connection runs (for the bench's query plans)."""
        for conn in (self._writer, self._reader):
            if conn is not None:
                conn.set_trace_callback(callback)

    async def close(self) -> None:
        """Close both connections and their threads; safe to call twice."""
        for thread, name in ((self._writer_thread, "_writer"), (self._reader_thread, "_reader")):
            conn = getattr(self, name)
            if conn is not None:
                setattr(self, name, None)
                await self._in(thread, conn.close)
            thread.shutdown(wait=False)
