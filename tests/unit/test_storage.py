"""The database is the system of record: safe settings, ordered migrations, refusal to harm data, and every
conversation carried over when its shape changes."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from bot.conversation import Contribution, Facts, FlowState, TextIn, load_flow, step
from bot.domain import InviteKind, RunPurpose
from bot.storage import (
    Conn,
    Database,
    DatabaseCorrupt,
    DatabaseReadOnly,
    DatabaseTooNew,
    broadcasts,
    people,
    roles,
    runs,
    update_key,
    updates,
)
from bot.storage.db import BUSY_TIMEOUT, migrations
from bot.storage.sqlite import SqliteDatabase
from tests.databases import db_for


async def test_a_new_database_is_private_migrated_and_configured_for_safety(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "inspraak.sqlite3"
    database = await Database.open(path)

    def pragmas(conn: Conn) -> dict[str, object]:
        names = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "user_version")
        return {name: conn.execute(f"PRAGMA {name}").fetchone()[0] for name in names}

    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert await database.write(pragmas) == {
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
    await database.write(lambda conn: people.set_locale(conn, people.ensure(conn, 1).id, "ar"))
    await database.close()
    again = await Database.open(path)
    try:
        participant = await again.read(lambda conn: people.by_telegram(conn, 1))
        assert participant is not None and participant.locale == "ar"
    finally:
        await again.close()


async def test_a_database_from_a_newer_inspraak_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 999")
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


async def test_a_database_nobody_may_write_says_what_is_wrong_and_how_to_fix_it(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    await (await Database.open(path)).close()
    uri = f"file:{path}?mode=ro"

    class ReadOnly(SqliteDatabase):  # what SQLite says when the file or its folder may not be written, even as root
        def _connect(self) -> sqlite3.Connection:
            return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)

    (path.parent / f"{path.name}-wal").unlink(missing_ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")  # a copied backup has no WAL yet: switching needs a write
    with pytest.raises(DatabaseReadOnly, match="writable") as refused:
        await ReadOnly.connect(path, BUSY_TIMEOUT)
    assert "restore a backup" not in str(refused.value)


async def test_a_failing_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    database = await Database.open(db_for(tmp_path))

    def crashing(conn: Conn) -> None:
        updates.claim(conn, "k")
        raise RuntimeError("crash mid-way")

    try:
        with pytest.raises(RuntimeError):
            await database.write(crashing)
        assert not await database.read(lambda conn: updates.handled(conn, "k"))
    finally:
        await database.close()


async def test_the_same_update_is_claimed_only_once(tmp_path: Path) -> None:
    database = await Database.open(db_for(tmp_path))
    try:
        assert await database.write(lambda conn: updates.claim(conn, update_key("callback:1")))
        assert not await database.write(lambda conn: updates.claim(conn, update_key("callback:1")))
        assert await database.write(lambda conn: updates.claim(conn, update_key("callback:2")))
    finally:
        await database.close()


def test_stored_update_keys_hold_no_telegram_id() -> None:
    key = update_key("message:710000001:5")
    assert "710000001" not in key and len(key) == 32


async def test_an_invite_works_once_and_not_after_it_expires(tmp_path: Path) -> None:
    database = await Database.open(db_for(tmp_path))

    def setup(conn: Conn) -> None:
        roles.create_invite(conn, InviteKind.COORDINATOR, None, "hash-a", "2026-11-29T12:00:00+00:00")
        roles.create_invite(conn, InviteKind.COORDINATOR, None, "hash-b", "2026-11-20T12:00:00+00:00")

    now = "2026-11-22T12:00:00+00:00"
    try:
        await database.write(setup)
        assert await database.write(lambda conn: roles.redeem_invite(conn, 1, "hash-b", now)) is None, "expired"
        assert await database.read(lambda conn: roles.coordinator(conn, 1)) is None
        assert await database.write(lambda conn: roles.redeem_invite(conn, 1, "hash-a", now)) is not None
        assert await database.write(lambda conn: roles.redeem_invite(conn, 2, "hash-a", now)) is None, "used"
        assert await database.read(lambda conn: roles.coordinator(conn, 1)) is not None
        assert await database.read(lambda conn: roles.coordinator(conn, 2)) is None
    finally:
        await database.close()


def _old_database(path: Path) -> None:
    """A database as the previous release left it (schema 8): conversations in three flow_state columns."""
    with sqlite3.connect(path, isolation_level=None) as conn:
        for number, _name, sql in migrations()[:8]:
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        now = "2026-11-01T10:00:00+00:00"
        state = {"flow": "prioritise_ranking", "version": 1, "node": "top", "answers": {"locale": "ar"}, "scratch": {}}
        checkin = {"flow": "checkin", "version": 1, "node": "note", "answers": {"action": 1, "period": 2}}
        joining = {"flow": "pool_join", "version": 1, "node": "years", "answers": {}, "done": False}
        wizard = {"flow": "theme_add", "version": 1, "node": "name", "answers": {"session": 1}, "done": False}
        waiting = {"flow": "broadcast", "version": 1, "node": "written", "done": True}
        waiting["answers"] = {"session": 1, "broadcast": "Zaal 2!", "translations": {"ar": "القاعة 2!"}}
        translating = {"flow": "translate", "version": 1, "node": "text", "done": False}
        translating["answers"] = {"session": 1, "purpose": "broadcast", "pending": {"broadcast": "Pauze!"}}
        conn.executescript(
            "INSERT INTO participant (id, telegram_id, pseudonym, locale, created_at, updated_at) VALUES "
            "(1, 701, 'P-AAAAAA', 'ar', 'x', 'x'), (2, 702, 'P-BBBBBB', 'nl', 'x', 'x'), "
            "(3, 703, 'P-DDDDDD', 'nl', 'x', 'x');"
            "INSERT INTO session (id, code, title, question, languages, idea_limit, phase, created_at) VALUES "
            "(1, 'ABCDEF', 'Thuis', 'Wat?', '[\"nl\",\"ar\"]', 5, 'prioritising', 'x'), "
            "(2, 'GHJKMN', 'Werk', 'Wat?', '[\"nl\"]', 5, 'closed', 'x');"
            "INSERT INTO pool (id, code, owner, name, region, description, topics, fields, monthly_limit, created_at) "
            "VALUES (1, 'PQRSTV', 2, 'Panel', 'Drenthe', 'Advies', '[]', '[]', 2, 'x');"
        )
        conn.executemany(
            "INSERT INTO membership (id, session_id, participant_id, flow_state, joined_at, updated_at) "
            "VALUES (?, ?, 1, ?, ?, ?)",
            [(1, 1, json.dumps(state), now, now), (2, 2, json.dumps(checkin), now, now)],
        )
        conn.execute("UPDATE participant SET active_membership = 1 WHERE id = 1")
        conn.execute(
            "INSERT INTO pool_member (pool_id, participant_id, pseudonym, flow_state, joined_at, updated_at) "
            "VALUES (1, 1, 'P-CCCCCC', ?, ?, ?)",
            (json.dumps(joining), now, now),
        )
        conn.execute("INSERT INTO coordinator (participant_id, flow_state, created_at) VALUES (2, ?, ?)", ("{}", now))
        conn.execute(
            "INSERT INTO outbox (purpose, recipient, period, due_at, payload, updated_at) "
            "VALUES ('vote_open', 1, '1:prioritising', ?, '{\"session\": 1}', ?)",
            (now, now),
        )
        conn.execute("UPDATE coordinator SET flow_state = ? WHERE participant_id = 2", (json.dumps(wizard),))
        conn.execute(
            "INSERT INTO coordinator (participant_id, flow_state, created_at) VALUES (1, ?, ?)",
            (json.dumps(waiting), now),
        )
        conn.execute(
            "INSERT INTO coordinator (participant_id, flow_state, created_at) VALUES (3, ?, ?)",
            (json.dumps(translating), now),
        )


async def test_an_upgrade_carries_every_conversation_in_progress_over_to_its_own_run(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    _old_database(path)
    database = await Database.open(path)
    try:
        amal = await database.read(lambda conn: runs.of_person(conn, 1))
        coordinator = await database.read(lambda conn: runs.of_person(conn, 2))
        prepared = await database.read(lambda conn: broadcasts.get(conn, 1))
        half_translated = await database.read(lambda conn: broadcasts.get(conn, 2))
        translator = await database.read(lambda conn: runs.of_person(conn, 3))
        due = await database.read(lambda conn: conn.execute("SELECT purpose, status FROM outbox").fetchall())
        columns = await database.read(lambda conn: [r[1] for r in conn.execute("PRAGMA table_info(membership)")])
    finally:
        await database.close()
    purposes = {(r.purpose, r.subject): (r.flow, r.node, r.done) for r in amal}
    assert purposes == {
        (RunPurpose.SESSION, 1): ("prioritise_ranking", "top", False),
        (RunPurpose.CHECKIN, 1): ("checkin", "note", False),
        (RunPurpose.POOL, 1): ("pool_join", "years", False),
    }, "a vote and a check-in are both open: neither replaced the other"
    assert amal[0].purpose is RunPurpose.POOL, "joining the pool was what the bot answered first, and still is"
    assert next(r for r in amal if r.purpose is RunPurpose.SESSION).state["answers"] == {"locale": "ar"}
    assert [(r.purpose, r.flow, r.node) for r in coordinator] == [(RunPurpose.WIZARD, "theme_add", "name")]
    assert prepared is not None and prepared.status == "prepared" and prepared.translations == {"ar": "القاعة 2!"}
    assert half_translated is not None and (half_translated.text, half_translated.status) == ("Pauze!", "prepared")
    assert [(r.flow, r.node, r.state["answers"].get("broadcast")) for r in translator] == [("translate", "text", 2)], (
        "the coordinator still translating a broadcast goes on translating that broadcast"
    )
    assert due == [("vote_open", "pending")], "what was due still is"
    assert "flow_state" not in columns


async def test_after_an_upgrade_a_participant_who_had_tapped_done_can_add_ideas_numbered_after_their_others(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path, isolation_level=None) as conn:
        for number, _name, sql in migrations()[:9]:
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        conn.executescript(
            "INSERT INTO participant (id, telegram_id, pseudonym, locale, created_at, updated_at) "
            "VALUES (1, 701, 'P-AAAAAA', 'ar', 'x', 'x');"
            "INSERT INTO session (id, code, title, question, languages, idea_limit, phase, created_at) VALUES "
            "(1, 'ABCDEF', 'Thuis', 'Wat?', '[\"ar\"]', 5, 'collecting', 'x');"
            "INSERT INTO membership (id, session_id, participant_id, consent_at, joined_at, updated_at) "
            "VALUES (1, 1, 1, 'x', 'x', 'x');"
            "INSERT INTO idea (session_id, membership_id, seq, kind, text, created_at, updated_at) VALUES "
            "(1, 1, 1, 'text', 'een', 'x', 'x'), (1, 1, 3, 'text', 'drie', 'x', 'x');"  # idea 2 was taken back
            "INSERT INTO run (participant_id, purpose, subject, flow, version, node, done, answers, scratch, focus, "
            "updated_at) VALUES (1, 'session', 1, 'ideas', 1, 'thanks', 1, '{}', '{}', 1, 'x');"
        )
    database = await Database.open(path)
    try:
        found = await database.read(lambda conn: runs.of_person(conn, 1))
    finally:
        await database.close()
    ideas_flow = load_flow(Path("flows/ideas.yaml"))
    state = FlowState.from_json(found[0].state)
    assert (state.node, state.done, state.scratch) == ("ask", False, {"live": [1, 3], "last": 3})
    more = step(ideas_flow, state, TextIn("vier"), Facts(idea_limit=5))
    assert [r for r in more.results if isinstance(r, Contribution)] == [Contribution(4, text="vier")]
