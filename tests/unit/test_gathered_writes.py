"""Writes and reads that arrive together go to the database together, and each still stands or falls on its own."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.storage import Conn, Database, updates
from tests.databases import db_for


def claiming(key: str, then: Callable[[Conn], None] | None = None) -> Callable[[Conn], bool]:
    """A write that claims an update key, then does `then` (which may fail)."""

    def work(conn: Conn) -> bool:
        claimed = updates.claim(conn, key)
        if then is not None:
            then(conn)
        return claimed

    return work


def crash(conn: Conn) -> None:
    raise RuntimeError("crash mid-way")


async def handled(database: Database, *keys: str) -> list[bool]:
    return await database.read(lambda conn: [updates.handled(conn, key) for key in keys])


class Gate:
    """A write that holds the writer's thread until the test opens the gate, so that others queue up behind it."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()

    def work(self, conn: Conn) -> bool:
        self.entered.set()
        assert self.opened.wait(10), "the test opens the gate"
        return updates.claim(conn, "gate")

    async def holding(self, database: Database) -> asyncio.Task[bool]:
        """The gate's write, once it holds the thread."""
        task = asyncio.create_task(database.write(self.work))
        assert await asyncio.to_thread(self.entered.wait, 10), "the gate's write reached the thread"
        return task


async def queued_behind_a_gate(database: Database, works: list[Callable[[Conn], bool]]) -> list[object]:
    """Run `works` as writes that all arrive while another write is under way; what each gave or raised."""
    gate = Gate()
    first = await gate.holding(database)
    asked = [asyncio.create_task(database.write(work)) for work in works]
    await asyncio.sleep(0)  # each has asked, and waits in the queue
    gate.opened.set()
    assert await first
    return await asyncio.gather(*asked, return_exceptions=True)


async def test_writes_that_arrive_together_each_stand_or_fall_on_their_own(tmp_path: Path) -> None:
    database = await Database.open(db_for(tmp_path))
    try:
        outcomes = await queued_behind_a_gate(
            database, [claiming("a"), claiming("b"), claiming("c", crash), claiming("d"), claiming("a")]
        )
        assert outcomes[:2] == [True, True]
        assert isinstance(outcomes[2], RuntimeError)
        assert outcomes[3:] == [True, False]  # the second claim of "a" sees the first, committed with it
        assert await handled(database, "a", "b", "c", "d") == [True, True, False, True]
    finally:
        await database.close()


async def test_writes_that_queue_up_behind_one_another_share_one_commit(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "inspraak.sqlite3")
    statements: list[str] = []
    database.trace(statements.append)
    try:
        outcomes = await queued_behind_a_gate(database, [claiming(f"k{n}") for n in range(10)])
        assert outcomes == [True] * 10
        assert statements.count("COMMIT") == 2  # the gate's own, then the ten queued behind it in one
        assert all(await handled(database, *(f"k{n}" for n in range(10))))
    finally:
        await database.close()


async def test_when_sqlite_undoes_a_whole_trip_its_writes_fail_and_the_later_ones_still_go(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "inspraak.sqlite3")

    def undone_by_sqlite(conn: Conn) -> None:  # what SQLite does on a full disk or an I/O error mid-transaction
        conn.execute("ROLLBACK")
        raise OSError("disk full")

    try:
        outcomes = await queued_behind_a_gate(database, [claiming("a"), claiming("b", undone_by_sqlite), claiming("c")])
        assert [type(outcome) for outcome in outcomes] == [OSError, OSError, bool]
        assert await handled(database, "a", "b", "c") == [False, False, True]
    finally:
        await database.close()


async def test_when_the_last_write_of_a_trip_makes_sqlite_undo_it_all_of_that_trip_fail(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "inspraak.sqlite3")

    def undone_by_sqlite(conn: Conn) -> None:
        conn.execute("ROLLBACK")
        raise OSError("disk I/O error")

    try:
        outcomes = await queued_behind_a_gate(database, [claiming("a"), claiming("b", undone_by_sqlite)])
        assert [type(outcome) for outcome in outcomes] == [OSError, OSError]
        assert await handled(database, "a", "b") == [False, False]
        assert await database.write(claiming("b"))  # the writer goes on
    finally:
        await database.close()


async def test_a_write_that_raises_stopiteration_still_leaves_nobody_waiting(tmp_path: Path) -> None:
    database = await Database.open(db_for(tmp_path))

    def exhausted(conn: Conn) -> None:
        next(iter(()))

    try:
        outcomes = await queued_behind_a_gate(database, [claiming("a", exhausted), claiming("b")])
        assert isinstance(outcomes[0], RuntimeError) and outcomes[1] is True
        assert await handled(database, "a", "b") == [False, True]
    finally:
        await database.close()


async def test_a_failed_commit_fails_every_write_it_carried_and_keeps_none(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "inspraak.sqlite3")

    def dangling(conn: Conn) -> None:  # a reference checked only at COMMIT, which then refuses the whole trip
        conn.execute("PRAGMA defer_foreign_keys = ON")
        conn.execute("INSERT INTO keyboard (participant_id, slot, message_id) VALUES (999999, 'x', 1)")

    try:
        outcomes = await queued_behind_a_gate(database, [claiming("a"), claiming("b", dangling)])
        assert all(isinstance(outcome, Exception) and "FOREIGN KEY" in str(outcome) for outcome in outcomes)
        assert await handled(database, "a", "b", "gate") == [False, False, True]
        assert await database.write(claiming("a"))  # the writer goes on
    finally:
        await database.close()


async def test_a_write_nobody_waits_for_any_more_is_not_run(tmp_path: Path) -> None:
    database = await Database.open(db_for(tmp_path))
    try:
        gate = Gate()
        first = await gate.holding(database)
        given_up = asyncio.create_task(database.write(claiming("given up")))
        kept = asyncio.create_task(database.write(claiming("kept")))
        await asyncio.sleep(0)
        given_up.cancel()
        gate.opened.set()
        assert await first and await kept
        with pytest.raises(asyncio.CancelledError):
            await given_up
        assert await handled(database, "given up", "kept") == [False, True]
    finally:
        await database.close()


async def test_reads_that_arrive_together_each_get_their_own_answer(tmp_path: Path) -> None:
    database = await Database.open(db_for(tmp_path))

    def failing(conn: Conn) -> bool:
        raise LookupError("not there")

    try:
        assert await database.write(claiming("a"))
        answers = await asyncio.gather(
            database.read(lambda conn: updates.handled(conn, "a")),
            database.read(failing),
            database.read(lambda conn: updates.handled(conn, "b")),
            return_exceptions=True,
        )
        assert answers[0] is True and isinstance(answers[1], LookupError) and answers[2] is False
    finally:
        await database.close()
