"""SQLite storage: the database connection, its migrations and the repository of all queries."""

from bot.storage.coordination import CoordinatorRecord, CoordinatorStore, IdeaCard, Redeemed, Status
from bot.storage.db import Database, DatabaseCorrupt, DatabaseTooNew, StorageError
from bot.storage.repository import Repository, update_key

__all__ = [
    "CoordinatorRecord",
    "CoordinatorStore",
    "Database",
    "DatabaseCorrupt",
    "DatabaseTooNew",
    "IdeaCard",
    "Redeemed",
    "Repository",
    "Status",
    "StorageError",
    "update_key",
]
