"""Moving a deployment from its SQLite file to PostgreSQL: every table copied in one transaction, then verified by
counting the rows on both sides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.storage.db import Conn, Database, StorageError
from bot.storage.postgres import PostgresDatabase
from bot.storage.sqlite import SqliteDatabase

# Every table, in an order where what a row points at comes first; the statements are fixed text.
READ: dict[str, str] = {
    "participant": "SELECT * FROM participant",
    "session": "SELECT * FROM session",
    "session_group": "SELECT * FROM session_group",
    "membership": "SELECT * FROM membership",
    "theme": "SELECT * FROM theme",
    "idea": "SELECT * FROM idea",
    "meta": "SELECT * FROM meta",
    "coordinator": "SELECT * FROM coordinator",
    "session_coordinator": "SELECT * FROM session_coordinator",
    "invite": "SELECT * FROM invite",
    "content_translation": "SELECT * FROM content_translation",
    "vote": "SELECT * FROM vote",
    "action": "SELECT * FROM action",
    "checkin": "SELECT * FROM checkin",
    "pool": "SELECT * FROM pool",
    "pool_member": "SELECT * FROM pool_member",
    "pool_consultation": "SELECT * FROM pool_consultation",
    "pool_invitation": "SELECT * FROM pool_invitation",
    "run": "SELECT * FROM run",
    "broadcast": "SELECT * FROM broadcast",
    "outbox": "SELECT * FROM outbox",
    "set_aside": "SELECT * FROM set_aside",
    "keyboard": "SELECT * FROM keyboard",
    "voice_draft": "SELECT * FROM voice_draft",
    "pool_translation": "SELECT * FROM pool_translation",
    "recording": "SELECT * FROM recording",
    "translation_request": "SELECT * FROM translation_request",
    "inbound_update": "SELECT * FROM inbound_update",
    "processed_update": "SELECT * FROM processed_update",
}


@dataclass(frozen=True)
class Table:
    """One table's rows, as read from the source."""

    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def read_all(conn: Conn) -> list[Table]:
    """Every table of the source, whole, from one snapshot."""
    found = []
    for name, sql in READ.items():
        cursor = conn.execute(sql)
        columns = tuple(str(d[0]) for d in cursor.description)
        found.append(Table(name, columns, [tuple(map(_storable, row)) for row in cursor.fetchall()]))
    return found


def _storable(value: Any) -> Any:
    """A value as PostgreSQL can hold it: text without U+0000 (which SQLite kept, from before it was dropped)."""
    return value.replace("\x00", "") if isinstance(value, str) else value


async def migrate(source: Database, target: Database) -> list[tuple[str, int, int]]:
    """Copy everything from a SQLite database into an empty PostgreSQL one; (table, rows there, rows here) for each.

    Nothing is written unless every count matches: the copy is one transaction, rolled back otherwise."""
    if not isinstance(source, SqliteDatabase) or not isinstance(target, PostgresDatabase):
        raise StorageError("migrate-to copies a SQLite database (INSPRAAK_DB, --db) into a PostgreSQL one (the URL)")
    tables = await source.read(read_all)
    counts = await target.load([(t.name, t.columns, t.rows) for t in tables])
    return [(t.name, len(t.rows), counts[t.name]) for t in tables]
