"""The system of record, whichever engine holds it: a SQLite file (the default) or a PostgreSQL database.

Every transaction is one trip to a database thread: the whole unit of work runs there, not one statement at a time.
The queries are written once, in the SQL both engines speak, with `?` placeholders; values always travel as
parameters."""

from __future__ import annotations

import secrets
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit, urlunsplit

BUSY_TIMEOUT = 5.0  # seconds
T = TypeVar("T")
Location = Path | str  # a SQLite file, or a postgresql:// URL
POSTGRES_SCHEMES = ("postgresql", "postgres")


class Cursor(Protocol):
    """What a statement gives back, on either engine."""

    @property
    def rowcount(self) -> int: ...

    @property
    def description(self) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Conn(Protocol):
    """A connection inside one transaction, on either engine."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...


Work = Callable[[Conn], T]
# A place in the bot's overall sending budget shared by its processes: (spacing, proactive) -> seconds to wait,
# or None for bulk when replies have booked the places ahead.
Booking = Callable[[float, bool], Awaitable[float | None]]


class StorageError(RuntimeError):
    """The database cannot be used; the message says why and what to do."""


class DatabaseTooNew(StorageError):
    """The database was written by a newer version of inspraak."""


class DatabaseCorrupt(StorageError):
    """The file is not a usable SQLite database."""


class DatabaseReadOnly(StorageError):
    """The database file, or the folder it is in, cannot be written by this user."""


def is_postgres(location: Location) -> bool:
    """Whether the location names a PostgreSQL database rather than a SQLite file."""
    return isinstance(location, str) and urlsplit(location).scheme in POSTGRES_SCHEMES


def shown(location: Location) -> str:
    """The location as it may be printed or logged: a URL without its password."""
    if not is_postgres(location):
        return str(location)
    parts = urlsplit(str(location))
    host = parts.hostname or ""
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, "", ""))


def migrations(engine: str = "sqlite") -> list[tuple[int, str, str]]:
    """The numbered migrations shipped for an engine: (number, name, sql), in order.

    SQLite's run from 1; PostgreSQL's start at a baseline that holds the whole schema of its number."""
    folder = resources.files("bot.storage").joinpath("migrations")
    if engine != "sqlite":
        folder = folder.joinpath(engine)
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [number for number, _, _ in found]
    first = numbers[0] if numbers else 1
    if numbers != list(range(first, first + len(found))) or (first != 1 and "baseline" not in found[0][1]):
        raise StorageError(f"{engine} migrations must be numbered without gaps from 1 or a baseline, found {numbers}")
    return found


def rows(conn: Conn, sql: str, args: Sequence[object] = ()) -> list[Any]:
    """Every row a query returns."""
    return conn.execute(sql, args).fetchall()


def one(conn: Conn, sql: str, args: Sequence[object] = ()) -> Any | None:
    """The first row a query returns, or None."""
    return conn.execute(sql, args).fetchone()


def inserted(conn: Conn, sql: str, args: Sequence[object]) -> int:
    """Run an INSERT ... RETURNING id and give the new row's id."""
    found = conn.execute(sql, args).fetchone()
    assert found is not None, "an INSERT with RETURNING id gives the row it made"
    return int(found[0])


def answerable(error: BaseException) -> BaseException:
    """A work's error as the one awaiting it can be given it: a future refuses a StopIteration (it would end a
    generator early), so that one becomes a RuntimeError."""
    if isinstance(error, StopIteration):
        return RuntimeError(f"a database work raised StopIteration: {error!r}")
    return error


def new_worker() -> int:
    """A number for this process's claims, as PostgreSQL's advisory locks take it (a positive 32-bit integer)."""
    return 1 + secrets.randbelow(2**31 - 2)


def alive(conn: Conn, worker: int) -> bool:
    """Whether the other processes see this worker as running (its lock held): a process whose connection to the
    server dropped claims nothing until it holds its lock again, as the others may be taking its work over."""
    found = one(conn, "SELECT inspraak_alive(?)", (worker,))
    return bool(found and found[0])


class Database(ABC):
    """One engine's connections: `write(work)` runs `work(conn)` as one transaction (committed when it returns,
    rolled back if it raises); `read(work)` runs it on one consistent snapshot of what is committed.

    `worker` names this process in the claims it makes. In SQL, on both engines, `inspraak_alive(worker)` says
    whether the process that made a claim still runs, and `inspraak_lock(n)` keeps other processes out of what
    the transaction does until it ends."""

    location: Location
    worker: int

    @classmethod
    async def open(cls, location: Location, busy_timeout: float = BUSY_TIMEOUT) -> Database:
        """Open (creating and migrating if needed) the database at `location`: a file path, or a postgresql://
        URL. `busy_timeout` is how long a write waits for another process's lock before giving up."""
        if is_postgres(location):
            from bot.storage.postgres import PostgresDatabase

            return await PostgresDatabase.connect(str(location), busy_timeout)
        from bot.storage.sqlite import SqliteDatabase

        return await SqliteDatabase.connect(Path(location), busy_timeout)

    @property
    def schema_version(self) -> int:
        """How many migrations the code ships."""
        return len(migrations())

    @abstractmethod
    async def write(self, work: Work[T]) -> T:
        """Run `work(conn)` as one write transaction, in one trip."""

    @abstractmethod
    async def read(self, work: Work[T]) -> T:
        """Run `work(conn)` on one consistent snapshot of what is committed, in one trip."""

    @abstractmethod
    async def backup(self, target: Path) -> None:
        """A consistent copy of the live database, readable by the owner only."""

    @abstractmethod
    async def leading(self) -> bool:
        """Whether this process does the work that is done once for all (retention, the background services): one
        process at a time, another one when it is gone."""

    @property
    def shared_budget(self) -> Booking | None:
        """How processes share the overall sending budget, when several may run on this database."""
        return None

    @abstractmethod
    def trace(self, callback: Callable[[str], None]) -> None:
        """Call `callback` with every statement the connections run (for the bench's query plans)."""

    @abstractmethod
    async def close(self) -> None:
        """Close the connections and their threads; safe to call twice."""
