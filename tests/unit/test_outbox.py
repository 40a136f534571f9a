"""The outbox loses nothing and doubles nothing, through failures, rate limits, blocked people and crashes."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.scheduling import Blocked, OutboxRunner, Policy, RateLimited, Transient
from bot.storage import Database, Letter, OutboxRow, OutboxStore, Repository
from bot.storage.outbox import BROADCAST_REPORT
from bot.storage.repository import update_key
from bot.storage.rows import fetch_one

START = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


class Clock:
    """Time that only moves when the test says so."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


async def people(database: Database, count: int) -> list[int]:
    repo = Repository(database)
    found = []
    for telegram_id in range(1, count + 1):
        participant = await repo.choose_locale(telegram_id, "nl", update_key(f"p{telegram_id}"))
        assert participant is not None
        found.append(participant.id)
    return found


async def test_ten_thousand_due_rows_are_each_delivered_exactly_once(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "db.sqlite3")
    store = OutboxStore(database)
    recipients = await people(database, 40)
    blocked = recipients[7]
    letters = [
        Letter("notice", recipients[i % len(recipients)], f"n{i}", START - timedelta(minutes=1), {"n": i})
        for i in range(10_000)
    ]
    assert await store.add(letters) == 10_000
    assert await store.add(letters[:10]) == 0, "the same (purpose, recipient, period) is never queued twice"

    delivered: Counter[int] = Counter()
    calls = Counter[str]()

    async def deliver(row: OutboxRow) -> bool:
        calls["all"] += 1
        n = int(row.payload["n"])
        if row.recipient == blocked:
            raise Blocked
        if n % 97 == 0 and row.attempts == 1:
            raise Transient  # a timeout: tried again later
        if calls["all"] % 1500 == 0:
            raise RateLimited(retry_after=30)  # Telegram's 429: pause, no attempt burnt
        delivered[n] += 1
        return True

    clock = Clock()
    runner = OutboxRunner(store, deliver, clock, Policy(batch=500, backoff=timedelta(seconds=10)))
    crashed = False
    for _ in range(200):
        if await runner.tick() == 0:
            counts = await store.counts()
            if counts.get("pending", 0) == 0 and counts.get("sending", 0) == 0:
                break
        if not crashed and sum(delivered.values()) > 4000:
            await store.claim(clock(), 300, Policy().catch_up)  # a crash right after claiming: rows stuck "sending"
            assert await store.recover() == 300  # what a restart does first
            crashed = True
        clock.now += timedelta(seconds=45)

    counts = await store.counts()
    expected = {i for i in range(10_000) if letters[i].recipient != blocked}
    assert crashed
    assert set(delivered) == expected, "nothing lost"
    assert max(delivered.values()) == 1, "nothing doubled"
    assert counts == {"sent": len(expected), "stopped": 10_000 - len(expected)}
    await database.close()


async def test_after_downtime_old_rows_are_skipped_and_missed_periods_collapse_into_one(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "db.sqlite3")
    store = OutboxStore(database)
    (owner,) = await people(database, 1)
    weeks = [START - timedelta(weeks=w) for w in (12, 3, 2, 1)]
    await store.add(
        [
            Letter("checkin", owner, f"a1:p{i}", due, {"period": i}, collapse_key="action:1")
            for i, due in enumerate(weeks)
        ]
    )
    sent: list[int] = []

    async def deliver(row: OutboxRow) -> bool:
        sent.append(int(row.payload["period"]))
        return True

    runner = OutboxRunner(store, deliver, lambda: START, Policy(catch_up=timedelta(days=30)))
    await runner.tick()
    assert sent == [3], "the latest missed check-in only"
    assert await store.counts() == {"sent": 1, "skipped": 3}
    await database.close()


async def test_a_row_that_keeps_failing_gives_up_after_the_attempt_limit(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "db.sqlite3")
    store = OutboxStore(database)
    (someone,) = await people(database, 1)
    await store.add([Letter("notice", someone, "x", START, {})])

    async def deliver(row: OutboxRow) -> bool:
        raise Transient

    clock = Clock()
    runner = OutboxRunner(store, deliver, clock, Policy(max_attempts=3, backoff=timedelta(seconds=1)))
    for _ in range(10):
        await runner.tick()
        clock.now += timedelta(minutes=5)
    assert await store.counts() == {"failed": 1}
    await database.close()


async def test_one_look_sends_everything_due_several_people_at_once_each_in_order_and_the_tally_last(
    tmp_path: Path,
) -> None:
    database = await Database.open(tmp_path / "db.sqlite3")
    store = OutboxStore(database)
    recipients = await people(database, 40)
    letters = [
        Letter("notice", person, f"n{n}", START - timedelta(minutes=10 - n), {"n": n})
        for person in recipients
        for n in range(3)
    ]
    letters.append(Letter(BROADCAST_REPORT, recipients[0], "report", START - timedelta(minutes=30), {}))
    await store.add(letters)
    order: list[tuple[int, int | str]] = []
    in_flight, most = 0, 0

    async def deliver(row: OutboxRow) -> bool:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.001)  # a round trip to Telegram
        in_flight -= 1
        order.append((row.recipient, row.purpose if row.purpose == BROADCAST_REPORT else int(row.payload["n"])))
        return True

    runner = OutboxRunner(store, deliver, Clock(), Policy(batch=50))
    assert await runner.tick() == 121, "one look works through every batch that is due"
    assert await store.counts() == {"sent": 121}
    for person in recipients:
        assert [n for who, n in order if who == person and n != BROADCAST_REPORT] == [0, 1, 2]
    assert most > 1, "people are served side by side"
    report = order.index((recipients[0], BROADCAST_REPORT))
    assert report >= 49, "the tally waits until the rest of its batch is out, though it was due first"
    await database.close()


async def test_when_telegram_asks_for_a_pause_the_rows_not_yet_tried_wait_without_losing_an_attempt(
    tmp_path: Path,
) -> None:
    database = await Database.open(tmp_path / "db.sqlite3")
    store = OutboxStore(database)
    recipients = await people(database, 30)
    await store.add([Letter("notice", person, "x", START, {}) for person in recipients])
    tried = 0

    async def deliver(row: OutboxRow) -> bool:
        nonlocal tried
        tried += 1
        if tried == 5:
            raise RateLimited(retry_after=10)
        await asyncio.sleep(0.001)
        return True

    clock = Clock()
    runner = OutboxRunner(store, deliver, clock, Policy(batch=50, parallel=4))
    await runner.tick()
    counts = await store.counts()
    assert counts.get("sending", 0) == 0 and counts["pending"] >= 30 - 8, "the rest waits for the pause to end"
    clock.now += timedelta(seconds=11)
    await runner.tick()
    assert await store.counts() == {"sent": 30}
    async with database.reading() as conn:
        most_attempts = await fetch_one(conn, "SELECT MAX(attempts) FROM outbox", ())
    assert most_attempts is not None and most_attempts[0] == 1, "waiting out a pause costs no attempt"
    await database.close()
