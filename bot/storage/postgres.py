"""PostgreSQL, for deployments that outgrow one file: pooled connections, each transaction one trip to a thread.

The queries are the same text as on SQLite; the only thing this module changes in them is the placeholder, `?` to
psycopg's `%s`, once per statement text. Values are bound by the driver, never written into the SQL."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from psycopg import IsolationLevel, sql
from psycopg.adapt import Loader
from psycopg.types.numeric import IntDumper
from psycopg_pool import ConnectionPool

from bot.storage.db import (
    Booking,
    Cursor,
    Database,
    DatabaseTooNew,
    StorageError,
    Work,
    answerable,
    migrations,
    new_worker,
    shown,
)

T = TypeVar("T")
READERS = 4  # snapshots read at once
MIGRATION_LOCK = 0x1A5B7A4B  # an advisory lock id: one process migrates, the others wait for it
WORKERS = 18  # the advisory locks (18, worker) that say a process runs (see inspraak_alive, migration 0020)
LEADER = 20  # the advisory lock (20, 0) of the process that does what is done once for all
HEARTBEAT = 2.0  # seconds between checks that this process still holds its worker lock
SERVER_KEEPALIVES = "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3"
CLIENT_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3}
log = logging.getLogger(__name__)


@lru_cache(maxsize=4096)
def dialect(sql: str) -> str:
    """The statement with psycopg's placeholders: `?` outside quotes becomes `%s`, a literal `%` becomes `%%`."""
    out: list[str] = []
    quote = ""
    for char in sql:
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "?":
            out.append("%s")
            continue
        if char == "%":
            out.append("%%")
            continue
        out.append(char)
    return "".join(out)


class _Number(Loader):
    """NUMERIC (what SUM and AVG give on PostgreSQL) as SQLite gives it: an int when whole, else a float."""

    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


class PgConn:
    """A psycopg connection that takes the same statements, with the same placeholders, as SQLite's."""

    def __init__(self, conn: psycopg.Connection[Any], trace: Callable[[str], None] | None) -> None:
        self._conn = conn
        self._trace = trace

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor:
        """Run one statement."""
        if self._trace:
            self._trace(sql)
        return self._conn.execute(dialect(sql), tuple(parameters))

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor:
        """Run one statement once per set of values."""
        if self._trace:
            self._trace(sql)
        cursor = self._conn.cursor()
        cursor.executemany(dialect(sql), [tuple(p) for p in parameters])
        return cursor


def _configure(conn: psycopg.Connection[Any]) -> None:
    """Bind Python's bools as 0/1 and load NUMERIC as SQLite would, so values mean the same on both engines."""
    conn.adapters.register_dumper(bool, IntDumper)
    conn.adapters.register_loader("numeric", _Number)


def _count(conn: psycopg.Connection[Any], table: sql.Identifier) -> int:
    found = conn.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(table)).fetchone()
    return int(found[0]) if found else 0


def _reader(conn: psycopg.Connection[Any]) -> None:
    _configure(conn)
    conn.isolation_level = IsolationLevel.REPEATABLE_READ  # one snapshot for the whole read
    conn.read_only = True


class PostgresDatabase(Database):
    """A pool of one writer (a process's writes go one after another, in the order asked, as on SQLite) and a pool
    of readers, each connection used by one thread at a time."""

    def __init__(self, url: str, busy_timeout: float) -> None:
        self.location = self.url = url
        self.busy_timeout = busy_timeout
        self._writer_thread = ThreadPoolExecutor(1, thread_name_prefix="db-write")
        self._reader_threads = ThreadPoolExecutor(READERS, thread_name_prefix="db-read")
        self._writers: ConnectionPool[Any] | None = None
        self._readers: ConnectionPool[Any] | None = None
        self._trace: Callable[[str], None] | None = None
        self.worker = new_worker()
        self._holder: psycopg.Connection[Any] | None = None  # holds this worker's lock, and the leader's if it leads
        self._leader = False
        # this process's own connections (its worker lock, its bookings in the shared budget) are used here
        self._own_thread = ThreadPoolExecutor(1, thread_name_prefix="db-own")
        self._beating: asyncio.Task[None] | None = None
        self._booker: psycopg.Connection[Any] | None = None

    @classmethod
    async def connect(cls, url: str, busy_timeout: float) -> PostgresDatabase:
        """Connect, migrate, and open the pools."""
        database = cls(url, busy_timeout)
        try:
            await asyncio.to_thread(database._migrate)
            await asyncio.to_thread(database._open_pools)
            database._beating = asyncio.create_task(database._heartbeat(), name="worker lock")
        except BaseException:
            await database.close()
            raise
        return database

    def _options(self) -> dict[str, Any]:
        # A write waits for another process's lock at most busy_timeout, as on SQLite. Keepalives both ways: the
        # server lets go of a vanished process's connection (its locks, its worker) within half a minute instead
        # of the system's two hours, and this process notices a dead server as soon.
        return {
            "options": f"-c lock_timeout={int(self.busy_timeout * 1000)} {SERVER_KEEPALIVES}",
            "connect_timeout": 10,
            **CLIENT_KEEPALIVES,
        }

    def _migrate(self) -> None:
        """Bring the schema up to date, under an advisory lock so that processes starting together migrate once."""
        try:
            conn = psycopg.connect(self.url, **self._options())
        except psycopg.OperationalError as error:
            raise StorageError(
                f"cannot connect to PostgreSQL at {shown(self.url)} ({type(error).__name__}). Check that the "
                "server runs, that the database exists and that the user may use it; nothing was changed."
            ) from error
        with conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
            found = conn.execute("SELECT version FROM schema_version").fetchone()
            current = int(found[0]) if found else 0
            shipped = migrations("postgresql")
            known = shipped[-1][0]
            if current > known:
                raise DatabaseTooNew(
                    f"{shown(self.url)} has schema version {current}, but this inspraak knows only up to "
                    f"{known}. Upgrade inspraak; the database was left untouched."
                )
            for number, name, sql in shipped:
                if number > current:
                    log.info("migrating PostgreSQL to %s", name)
                    conn.execute(sql.encode())  # a whole file we ship, several statements, no parameters
            if found is None:
                conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (known,))
            else:
                conn.execute("UPDATE schema_version SET version = %s", (known,))

    def _open_pools(self) -> None:
        kwargs = self._options()
        self._writers = ConnectionPool(
            self.url, min_size=1, max_size=1, kwargs=kwargs, configure=_configure, open=False
        )
        self._readers = ConnectionPool(
            self.url, min_size=1, max_size=READERS, kwargs=kwargs, configure=_reader, open=False
        )
        self._writers.open(wait=True)
        self._readers.open(wait=True)
        self._hold()

    def _hold(self) -> None:
        """A connection of this process's own that holds its worker lock (a number no running process holds)."""
        self._holder = psycopg.connect(self.url, autocommit=True, **self._options())
        while not self._locked(self._holder, WORKERS, self.worker):
            self.worker = new_worker()
        self._leader = False

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT)
            try:
                await self._in(self._own_thread, self._keep)
            except Exception as error:  # the server is away: the next beat tries again
                log.warning("the worker lock could not be checked (%s); trying again", type(error).__name__)

    def _keep(self) -> None:
        """Check that the connection holding this worker's lock still works; when it dropped, take the lock again
        under the same number (once the server has let the old connection go), so that this process's claims
        stay its own. Meanwhile it claims nothing and does not lead."""
        holder = self._holder
        if holder is not None and not holder.closed and not holder.broken:
            with contextlib.suppress(psycopg.Error):
                holder.execute("SELECT 1")
                return
        self._holder, self._leader = None, False
        if holder is not None:
            holder.close()
        log.warning("the connection holding this process's worker lock dropped; taking it again")
        conn = psycopg.connect(self.url, autocommit=True, **self._options())
        if self._locked(conn, WORKERS, self.worker):
            self._holder = conn
        else:
            conn.close()

    @staticmethod
    def _locked(conn: psycopg.Connection[Any], kind: int, number: int) -> bool:
        found = conn.execute("SELECT pg_try_advisory_lock(%s, %s)", (kind, number)).fetchone()
        return bool(found and found[0])

    async def leading(self) -> bool:
        """Whether this process leads: it takes the lead when no running process has it, and keeps it while it
        holds its worker lock (a lost connection to the server loses both)."""
        return await self._in(self._own_thread, self._lead)

    def _lead(self) -> bool:
        if self._holder is None:
            return False
        if not self._leader:
            self._leader = self._locked(self._holder, LEADER, 0)
        return self._leader

    async def write(self, work: Work[T]) -> T:
        """Run `work(conn)` as one write transaction, in one trip: committed when it returns, rolled back if it
        raises."""
        assert self._writers is not None
        return await self._in(self._writer_thread, partial(self._run, self._writers, work))

    async def read(self, work: Work[T]) -> T:
        """Run `work(conn)` on one consistent snapshot of what is committed, in one trip."""
        assert self._readers is not None
        return await self._in(self._reader_threads, partial(self._run, self._readers, work))

    def _run(self, pool: ConnectionPool[Any], work: Work[T]) -> T:
        # The pool's connection block commits when the work returns and rolls back when it raises; a connection
        # that broke (a server restart) is replaced.
        with pool.connection() as conn:
            try:
                return work(PgConn(conn, self._trace))
            except StopIteration as error:
                raise answerable(error) from error

    async def load(self, tables: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]) -> dict[str, int]:
        """Copy rows into this database's empty tables, as one transaction with references checked at its end, and
        move every id sequence past the ids copied; the number of rows now in each table."""
        assert self._writers is not None
        return await self._in(self._writer_thread, partial(self._load, self._writers, tables))

    def _load(
        self, pool: ConnectionPool[Any], tables: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]
    ) -> dict[str, int]:
        counts: dict[str, int] = {}
        with pool.connection() as conn:
            conn.execute("SET CONSTRAINTS ALL DEFERRED")
            for name, columns, values in tables:
                table = sql.Identifier(name)
                if _count(conn, table):
                    raise StorageError(
                        f"{shown(self.url)} is not empty (table {name} has rows): inspraak copies into an empty "
                        "database only. Nothing was changed."
                    )
                listed = sql.SQL(", ").join(sql.Identifier(column) for column in columns)
                with conn.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN").format(table, listed)) as copy:
                    for row in values:
                        copy.write_row(row)
                counts[name] = _count(conn, table)
                if counts[name] != len(values):
                    raise StorageError(
                        f"{name}: {len(values)} rows read but {counts[name]} written; nothing was changed"
                    )
            for name, column in conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND is_identity = 'YES'"
            ).fetchall():
                conn.execute(
                    sql.SQL(
                        "SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({}), 0) + 1, false) FROM {}"
                    ).format(sql.Identifier(column), sql.Identifier(name)),
                    (name, column),
                )
        return counts

    @property
    def shared_budget(self) -> Booking | None:
        """Every process books its messages' places in one budget in the database."""
        return self.book

    async def book(self, spacing: float, proactive: bool) -> float | None:
        """A place for one message in the bot's overall budget: seconds to wait, or None (bulk, come back later)."""
        return await self._in(self._own_thread, partial(self._book, spacing, proactive))

    def _book(self, spacing: float, proactive: bool) -> float | None:
        if self._booker is None or self._booker.broken or self._booker.closed:
            self._booker = psycopg.connect(self.url, autocommit=True, **self._options())
        found = self._booker.execute("SELECT inspraak_book(%s, %s, %s)", (spacing, int(proactive), spacing)).fetchone()
        return None if found is None or found[0] is None else float(found[0])

    async def _in(self, thread: ThreadPoolExecutor, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(thread, work)

    async def backup(self, target: Path) -> None:
        """PostgreSQL is backed up with its own tools."""
        raise StorageError(
            "`inspraak backup` copies a SQLite file; back up PostgreSQL with pg_dump (see docs/operations.md)"
        )

    def trace(self, callback: Callable[[str], None]) -> None:
        """Call `callback` with every statement run from now on."""
        self._trace = callback

    async def close(self) -> None:
        """Close the pools and their threads; safe to call twice."""
        if self._beating is not None:
            self._beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._beating
            self._beating = None
        for name in ("_writers", "_readers"):
            pool = getattr(self, name)
            if pool is not None:
                setattr(self, name, None)
                await asyncio.to_thread(pool.close)
        for name in ("_holder", "_booker"):
            held = getattr(self, name)
            if held is not None:
                setattr(self, name, None)
                await asyncio.to_thread(held.close)
        self._own_thread.shutdown(wait=False)
        self._writer_thread.shutdown(wait=False)
        self._reader_threads.shutdown(wait=False)
