"""All SQL of inspraak: each method is one read or one write transaction."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

import aiosqlite

from bot.domain import Participant, make_pseudonym
from bot.storage.db import Database


def update_key(raw: str) -> str:
    """The stored form of an update's dedupe key: hashed, so it holds no Telegram id."""
    return hashlib.blake2b(raw.encode("utf-8"), digest_size=16).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Repository:
    """The bot's only way to read and write the database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def participant(self, telegram_id: int) -> Participant | None:
        """The participant with this Telegram id, if they have talked to the bot before."""
        async with self.db.reading() as conn:
            return await _participant(conn, telegram_id)

    async def was_processed(self, key: str) -> bool:
        """Whether the update with this (hashed) key has already been handled."""
        async with (
            self.db.reading() as conn,
            conn.execute("SELECT 1 FROM processed_update WHERE key = ?", (key,)) as cursor,
        ):
            return await cursor.fetchone() is not None

    async def mark_processed(self, key: str) -> bool:
        """Record an update that changed nothing else; False if it was already recorded."""
        async with self.db.transaction() as conn:
            return await _claim(conn, key)

    async def choose_locale(self, telegram_id: int, locale: str, key: str) -> Participant | None:
        """Store a person's language (creating them if new); None if this update was already handled."""
        async with self.db.transaction() as conn:
            if not await _claim(conn, key):
                return None
            now = _now()
            existing = await _participant(conn, telegram_id)
            if existing is None:
                await conn.execute(
                    "INSERT INTO participant (telegram_id, pseudonym, locale, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (telegram_id, await _free_pseudonym(conn), locale, now, now),
                )
            else:
                await conn.execute(
                    "UPDATE participant SET locale = ?, updated_at = ? WHERE id = ?",
                    (locale, now, existing.id),
                )
            return await _participant(conn, telegram_id)


async def _claim(conn: aiosqlite.Connection, key: str) -> bool:
    cursor = await conn.execute(
        "INSERT OR IGNORE INTO processed_update (key, processed_at) VALUES (?, ?)", (key, _now())
    )
    return cursor.rowcount == 1


async def _participant(conn: aiosqlite.Connection, telegram_id: int) -> Participant | None:
    async with conn.execute(
        "SELECT id, pseudonym, locale FROM participant WHERE telegram_id = ?", (telegram_id,)
    ) as cursor:
        row = await cursor.fetchone()
    return None if row is None else Participant(id=row[0], pseudonym=row[1], locale=row[2])


async def _free_pseudonym(conn: aiosqlite.Connection) -> str:
    while True:
        candidate = make_pseudonym(secrets.token_bytes(4))
        async with conn.execute("SELECT 1 FROM participant WHERE pseudonym = ?", (candidate,)) as cursor:
            if await cursor.fetchone() is None:
                return candidate
