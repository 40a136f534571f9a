"""The two engines hold the same schema and take the same statements."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg

from bot.storage import Database, shown
from bot.storage.db import migrations
from bot.storage.postgres import dialect
from tests.postgres import shared


def test_postgresql_ships_every_schema_version_sqlite_has() -> None:
    assert migrations("postgresql")[-1][0] == migrations()[-1][0]


async def test_both_engines_make_the_same_tables_with_the_same_columns(tmp_path: Path) -> None:
    url = shared().fresh()
    await (await Database.open(url)).close()
    await (await Database.open(tmp_path / "db.sqlite3")).close()
    with psycopg.connect(url) as conn:
        found = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name NOT IN ('schema_version', 'send_budget')"  # PostgreSQL's own: versions, the shared budget
        ).fetchall()
    on_postgres = {(table, column) for table, column in found}
    with sqlite3.connect(tmp_path / "db.sqlite3") as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        on_sqlite = {(t, r[1]) for t in tables for r in conn.execute("SELECT * FROM pragma_table_info(?)", (t,))}
    assert on_postgres == on_sqlite


async def test_a_second_start_on_postgresql_finds_the_schema_in_place() -> None:
    url = shared().fresh()
    first = await Database.open(url)
    await first.write(lambda conn: conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("k", "v")))
    await first.close()
    again = await Database.open(url)
    try:
        assert await again.read(lambda conn: conn.execute("SELECT value FROM meta").fetchall()) == [("v",)]
    finally:
        await again.close()


def test_placeholders_become_psycopgs_and_quoted_text_is_left_alone() -> None:
    assert dialect("SELECT * FROM t WHERE a = ? AND b LIKE '50%' AND c = '?'") == (
        "SELECT * FROM t WHERE a = %s AND b LIKE '50%%' AND c = '?'"
    )


def test_a_database_url_is_shown_without_its_password() -> None:
    assert shown("postgresql://inspraak:hunter2@db.example.org:5433/inspraak") == (
        "postgresql://inspraak@db.example.org:5433/inspraak"
    )
    assert shown(Path("data/inspraak.sqlite3")) == "data/inspraak.sqlite3"
