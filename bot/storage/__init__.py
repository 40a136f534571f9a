"""SQLite storage: the database connection, its migrations and the repository of all queries."""

from bot.storage.db import Database, DatabaseCorrupt, DatabaseTooNew, StorageError
from bot.storage.repository import Repository, update_key

__all__ = ["Database", "DatabaseCorrupt", "DatabaseTooNew", "Repository", "StorageError", "update_key"]
