"""SQLite storage: the database connection, its migrations and the repository of all queries."""

from bot.storage.actions import ActionStore, CheckinRecord
from bot.storage.coordination import CoordinatorRecord, CoordinatorStore, ExportIdea, IdeaCard, Redeemed, Status
from bot.storage.db import Database, DatabaseCorrupt, DatabaseTooNew, StorageError
from bot.storage.outbox import Letter, OutboxRow, OutboxStore, cancel, enqueue
from bot.storage.pools import Consultation, Invitation, JoinStep, PoolStore, Reach
from bot.storage.privacy import PrivacyStore, Purge
from bot.storage.repository import Repository, update_key
from bot.storage.secret import load_or_create_secret

__all__ = [
    "ActionStore",
    "CheckinRecord",
    "Consultation",
    "CoordinatorRecord",
    "CoordinatorStore",
    "Database",
    "DatabaseCorrupt",
    "DatabaseTooNew",
    "ExportIdea",
    "IdeaCard",
    "Invitation",
    "JoinStep",
    "Letter",
    "OutboxRow",
    "OutboxStore",
    "PoolStore",
    "PrivacyStore",
    "Purge",
    "Reach",
    "Redeemed",
    "Repository",
    "Status",
    "StorageError",
    "cancel",
    "enqueue",
    "load_or_create_secret",
    "update_key",
]
