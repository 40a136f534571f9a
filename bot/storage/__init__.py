"""Storage: the database (a SQLite file, or PostgreSQL), its migrations, and one module of queries per concept.

Every function takes a connection and runs inside the caller's transaction (`Database.write` or `.read`), so a
step's reads, writes and journaled messages are one trip to the database's thread."""

from bot.storage.db import (
    Conn,
    Database,
    DatabaseCorrupt,
    DatabaseReadOnly,
    DatabaseTooNew,
    Location,
    StorageError,
    is_postgres,
    shown,
)
from bot.storage.secret import load_or_create_secret
from bot.storage.updates import update_key

__all__ = [
    "Conn",
    "Database",
    "DatabaseCorrupt",
    "DatabaseReadOnly",
    "DatabaseTooNew",
    "Location",
    "StorageError",
    "is_postgres",
    "load_or_create_secret",
    "shown",
    "update_key",
]
