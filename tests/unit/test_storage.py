"""The database is the system of record: safe settings, ordered migrations, refusal to harm data."""

from __future__ import annotations

import stat
from pathlib import Path

import aiosqlite
import pytest

from bot.domain import InviteKind
from bot.storage import CoordinatorStore, Database, DatabaseCorrupt, DatabaseTooNew, Repository, update_key
from bot.storage.db import migrations


async def test_a_new_database_is_private_migrated_and_configured_for_safety(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "inspraak.sqlite3"
    database = await Database.open(path)
    try:
        conn = database.connection
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        pragmas = {}
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "user_version"):
            async with conn.execute(f"PRAGMA {name}") as cursor:
                pragmas[name] = (await cursor.fetchone())[0]  # type: ignore[index]
        assert pragmas == {
            "journal_mode": "wal",
            "synchronous": 2,  # FULL
            "foreign_keys": 1,
            "busy_timeout": 5000,
            "user_version": len(migrations()),
        }
    finally:
        await database.close()


async def test_opening_again_applies_nothing_twice_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    database = await Database.open(path)
    await Repository(database).choose_locale(1, "ar", update_key("a"))
    await database.close()
    again = await Database.open(path)
    try:
        participant = await Repository(again).participant(1)
        assert participant is not None and participant.locale == "ar"
    finally:
        await again.close()


async def test_a_database_from_a_newer_inspraak_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    async with aiosqlite.connect(path) as conn:
        await conn.execute("PRAGMA user_version = 999")
        await conn.commit()
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew, match="999"):
        await Database.open(path)
    assert path.read_bytes() == before


async def test_a_corrupt_file_is_refused_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    before = path.read_bytes()
    with pytest.raises(DatabaseCorrupt, match="restore a backup"):
        await Database.open(path)
    assert path.read_bytes() == before


async def test_a_failing_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "db.sqlite3")
    try:
        with pytest.raises(RuntimeError):
            async with database.transaction() as conn:
                await conn.execute(
                    "INSERT INTO processed_update (key, processed_at) VALUES (?, ?)", ("k", "2026-01-01")
                )
                raise RuntimeError("crash mid-way")
        assert not await Repository(database).was_processed("k")
    finally:
        await database.close()


async def test_the_same_update_changes_a_language_only_once(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "db.sqlite3")
    repo = Repository(database)
    try:
        first = await repo.choose_locale(7, "nl", update_key("callback:1"))
        assert first is not None and first.locale == "nl" and first.pseudonym.startswith("P-")
        assert await repo.choose_locale(7, "ar", update_key("callback:1")) is None
        current = await repo.participant(7)
        assert current == first
        changed = await repo.choose_locale(7, "ar", update_key("callback:2"))
        assert changed is not None and changed.locale == "ar" and changed.pseudonym == first.pseudonym
    finally:
        await database.close()


def test_stored_update_keys_hold_no_telegram_id() -> None:
    key = update_key("message:710000001:5")
    assert "710000001" not in key and len(key) == 32


async def test_an_invite_works_once_and_not_after_it_expires(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "db.sqlite3")
    store = CoordinatorStore(database)
    try:
        await store.create_invite(InviteKind.COORDINATOR, None, "hash-a", "2026-11-29T12:00:00+00:00")
        await store.create_invite(InviteKind.COORDINATOR, None, "hash-b", "2026-11-20T12:00:00+00:00")
        now = "2026-11-22T12:00:00+00:00"
        assert await store.redeem_invite(1, "hash-b", now, update_key("b")) is None, "expired"
        assert await store.coordinator(1) is None
        assert await store.redeem_invite(1, "hash-a", now, update_key("a1")) is not None
        assert await store.redeem_invite(2, "hash-a", now, update_key("a2")) is None, "already used"
        assert await store.coordinator(1) is not None and await store.coordinator(2) is None
    finally:
        await database.close()
