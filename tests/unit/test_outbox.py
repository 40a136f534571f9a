"""The outbox loses nothing and doubles nothing, through failures, rate limits, blocked people and crashes, and a
person's messages never overtake one another."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest

from bot.domain import Purpose
from bot.scheduling import Blocked, NotYet, Policy, RateLimited, Sender, Transient
from bot.storage import Conn, Database, outbox, people
from bot.storage.outbox import Letter, OutboxRow
from tests.databases import db_for, eventually

START = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


class Clock:
    """Time that only moves when the test says so."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def _people(conn: Conn, count: int) -> list[int]:
    found = []
    for telegram_id in range(1, count + 1):
        person = people.ensure(conn, telegram_id)
        people.set_locale(conn, person.id, "nl")
        found.append(person.id)
    return found


async def no_jobs(row: OutboxRow) -> None:
    raise AssertionError("no job rows here")


def unsent_broadcasts(conn: Conn) -> int:
    row = conn.execute("SELECT COUNT(*) FROM outbox WHERE purpose = 'broadcast' AND status != 'sent'").fetchone()
    return int(row[0])


def sending_for(conn: Conn, worker: int) -> int:
    """Rows a process has claimed and not yet settled."""
    row = conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'sending' AND claimed_by = ?", (worker,)).fetchone()
    return int(row[0])


async def recovered(sender: Sender, database: Database, worker: int) -> bool:
    """Recover, and say whether the rows a gone process was sending are all free again."""
    await sender.recover()
    return not await database.read(partial(sending_for, worker=worker))


async def add(database: Database, letters: list[Letter]) -> int:
    return await database.write(lambda conn: outbox.enqueue(conn, letters))


async def test_ten_thousand_due_rows_are_each_delivered_exactly_once(tmp_path: Path) -> None:
    database = await Database.open(db_for(tmp_path))
    recipients = await database.write(partial(_people, count=40))
    blocked = recipients[7]
    letters = [
        Letter(Purpose.BROADCAST, recipients[i % len(recipients)], f"n{i}", START - timedelta(minutes=1), {"n": i})
        for i in range(10_000)
    ]
    assert await add(database, letters) == 10_000
    assert await add(database, letters[:10]) == 0, "the same (purpose, recipient, period) is never queued twice"

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
    sender = Sender(database, deliver, no_jobs, clock, Policy(backoff=timedelta(seconds=10)))
    crashed = False
    for _ in range(200):
        if await sender.tick() == 0:
            counts = await database.read(outbox.counts)
            if counts.get("pending", 0) == 0 and counts.get("sending", 0) == 0:
                break
        if not crashed and sum(delivered.values()) > 4000:
            # a crash right after claiming a chat's rows: they are stuck "sending" until the restart recovers them
            chat = (await database.read(partial(outbox.due_chats, now=clock(), limit=1)))[0]
            earlier = await Database.open(database.location)  # the process before this one, which crashed
            claimed = await earlier.write(
                partial(outbox.claim_chat, chat=chat, now=clock(), limit=300, worker=earlier.worker)
            )
            assert claimed
            await earlier.close()
            # what a restart does first (and every look does, once the server let the old process go)
            back = partial(recovered, sender, database, earlier.worker)
            await eventually(back, "the crashed process's rows went back to pending")
            crashed = True
        clock.now += timedelta(seconds=45)
    await sender.close()

    counts = await database.read(outbox.counts)
    expected = {i for i in range(10_000) if letters[i].recipient != blocked}
    assert crashed
    assert set(delivered) == expected, "nothing lost"
    assert max(delivered.values()) == 1, "nothing doubled"
    assert counts == {"sent": len(expected), "stopped": 10_000 - len(expected)}
    await database.close()


async def test_after_downtime_old_rows_are_skipped_and_missed_periods_collapse_into_one(tmp_path: Path) -> None:
    database = await Database.open(db_for(tmp_path))
    (owner,) = await database.write(partial(_people, count=1))
    weeks = [START - timedelta(weeks=w) for w in (12, 3, 2, 1)]
    await add(
        database,
        [
            Letter(Purpose.DIGEST, owner, f"a1:p{i}", due, {"period": i}, collapse_key="action:1")
            for i, due in enumerate(weeks)
        ],
    )
    sent: list[int] = []

    async def deliver(row: OutboxRow) -> bool:
        sent.append(int(row.payload["period"]))
        return True

    sender = Sender(database, deliver, no_jobs, lambda: START, Policy(catch_up=timedelta(days=30)))
    await sender.tick()
    await sender.close()
    assert sent == [3], "the latest missed one only"
    assert await database.read(outbox.counts) == {"sent": 1, "skipped": 3}
    await database.close()


async def _one_look(database: Database) -> list[str]:
    """The purposes of what one look of the sender, at START, delivers."""
    sent: list[str] = []

    async def deliver(row: OutboxRow) -> bool:
        sent.append(row.purpose)
        return True

    sender = Sender(database, deliver, no_jobs, lambda: START)
    await sender.tick()
    await sender.close()
    return sent


async def test_a_quarterly_summary_still_goes_out_after_a_ten_day_outage_but_a_stale_update_does_not(
    tmp_path: Path,
) -> None:
    database = await Database.open(db_for(tmp_path))
    (someone,) = await database.write(partial(_people, count=1))
    ten_days_ago = START - timedelta(days=10)
    await add(
        database,
        [
            Letter(Purpose.SUMMARY, someone, "s:1", ten_days_ago, {}),
            Letter(Purpose.UPDATE, someone, "u:1", ten_days_ago, {}),
        ],
    )
    sent = await _one_look(database)
    assert sent == [Purpose.SUMMARY]
    assert await database.read(outbox.counts) == {"sent": 1, "skipped": 1}
    await database.close()


async def test_what_a_person_was_to_be_told_is_never_skipped_as_too_old(tmp_path: Path) -> None:
    database = await Database.open(db_for(tmp_path))
    (someone,) = await database.write(partial(_people, count=1))
    long_ago = START - timedelta(days=60)  # the bot was down for two months
    await add(database, [Letter(Purpose.REPLY, someone, "k:0", long_ago, {}, chat_id=1)])
    sent = await _one_look(database)
    assert sent == [Purpose.REPLY]
    assert await database.read(outbox.counts) == {}, "a journaled reply is deleted once it went out"
    await database.close()


async def test_a_message_that_cannot_be_made_is_given_up_but_the_network_is_waited_out(tmp_path: Path) -> None:
    database = await Database.open(db_for(tmp_path))
    broken, waiting = await database.write(partial(_people, count=2))
    await add(
        database, [Letter(Purpose.UPDATE, broken, "x", START, {}), Letter(Purpose.REPLY, waiting, "k:0", START, {})]
    )
    outage = True

    async def deliver(row: OutboxRow) -> bool:
        if row.recipient == broken:
            raise KeyError("a fault in the bot while making the message")
        if outage:
            raise Transient  # Telegram cannot be reached, for hours
        return True

    clock = Clock()
    sender = Sender(database, deliver, no_jobs, clock, Policy(max_attempts=3))
    for _ in range(40):
        await sender.tick()
        clock.now += timedelta(minutes=5)
    assert await database.read(outbox.counts) == {"failed": 1, "pending": 1}, "the reply still waits its turn"
    outage = False
    clock.now += timedelta(minutes=5)
    await sender.tick()
    await sender.close()
    assert await database.read(outbox.counts) == {"failed": 1}, "and goes once Telegram is back (then is deleted)"
    await database.close()


async def test_one_look_sends_everything_due_several_people_at_once_each_in_order_and_the_tally_last(
    tmp_path: Path,
) -> None:
    database = await Database.open(db_for(tmp_path))
    recipients = await database.write(partial(_people, count=40))
    # The tally is written first: it is the report on everyone else's message, which it waits for.
    letters = [Letter(Purpose.BROADCAST_REPORT, recipients[0], "b1", START - timedelta(minutes=30), {})]
    letters += [
        Letter(Purpose.BROADCAST, person, f"b{n}", START - timedelta(minutes=10 - n), {"n": n})
        for person in recipients
        for n in range(3)
    ]
    await add(database, letters)
    order: list[tuple[int | None, int | str]] = []
    in_flight, most = 0, 0
    side_by_side = asyncio.Event()

    async def deliver(row: OutboxRow) -> bool:
        nonlocal in_flight, most
        if row.purpose == Purpose.BROADCAST_REPORT and await database.read(unsent_broadcasts):
            raise NotYet(0.5)  # what the real delivery says while the broadcast is still going out
        in_flight += 1
        most = max(most, in_flight)
        if in_flight > 1:
            side_by_side.set()
        with contextlib.suppress(TimeoutError):  # the call is under way until another one is too
            await asyncio.wait_for(side_by_side.wait(), 2)
        side_by_side.set()  # a sender that serves one at a time waited once, and the assertion below says so
        in_flight -= 1
        order.append((row.recipient, row.purpose if row.purpose == Purpose.BROADCAST_REPORT else int(row.payload["n"])))
        return True

    clock = Clock()
    sender = Sender(database, deliver, no_jobs, clock)
    assert await sender.tick() >= 120, "one look works through every chat that is due"
    assert await database.read(outbox.counts) == {"sent": 120, "pending": 1}, "the tally waits for its moment"
    clock.now += timedelta(seconds=1)
    assert await sender.tick() == 1
    await sender.close()
    assert await database.read(outbox.counts) == {"sent": 121}
    for person in recipients:
        assert [n for who, n in order if who == person and n != Purpose.BROADCAST_REPORT] == [0, 1, 2]
    assert most > 1, "people are served side by side"
    assert order[-1] == (recipients[0], Purpose.BROADCAST_REPORT), "the tally waits until everyone's message is out"
    await database.close()


async def test_when_telegram_asks_for_a_pause_the_rows_not_yet_tried_wait_without_losing_an_attempt(
    tmp_path: Path,
) -> None:
    database = await Database.open(db_for(tmp_path))
    recipients = await database.write(partial(_people, count=30))
    await add(database, [Letter(Purpose.UPDATE, person, "x", START, {}) for person in recipients])
    tried = 0

    async def deliver(row: OutboxRow) -> bool:
        nonlocal tried
        tried += 1
        if tried == 5:
            raise RateLimited(retry_after=10)
        await asyncio.sleep(0)  # under way, as above
        return True

    clock = Clock()
    sender = Sender(database, deliver, no_jobs, clock, Policy(parallel=4))
    await sender.tick()
    await sender.close()
    counts = await database.read(outbox.counts)
    assert counts.get("sending", 0) == 0 and counts["pending"] >= 30 - 8, "the rest waits for the pause to end"
    clock.now += timedelta(seconds=11)
    sender = Sender(database, deliver, no_jobs, clock, Policy(parallel=4))
    await sender.tick()
    await sender.close()
    assert await database.read(outbox.counts) == {"sent": 30}
    most = await database.read(lambda conn: conn.execute("SELECT MAX(attempts) FROM outbox").fetchone())
    assert most is not None and most[0] == 1, "waiting out a pause costs no attempt"
    await database.close()


async def test_a_reply_never_overtakes_an_earlier_message_to_the_same_person_that_failed(tmp_path: Path) -> None:
    database = await Database.open(db_for(tmp_path))
    (someone,) = await database.write(partial(_people, count=1))
    first = Letter(Purpose.REPLY, someone, "k1:0", START, {"n": 1}, chat_id=1)
    claimed = await database.write(lambda conn: outbox.journal(conn, 1, someone, [first], database.worker))
    assert [row.attempts for row in claimed] == [1], "nothing older waits: the step's reply is handed over at once"
    failing = True
    said: list[int] = []

    async def deliver(row: OutboxRow) -> bool:
        if failing and row.payload["n"] == 1:
            raise Transient  # the network dropped the first answer
        said.append(int(row.payload["n"]))
        return True

    clock = Clock()
    sender = Sender(database, deliver, no_jobs, clock, Policy(reply_backoff=timedelta(seconds=5)))
    sender.hand_over(1, tuple(claimed))
    await sender.close()
    second = Letter(Purpose.REPLY, someone, "k2:0", START, {"n": 2}, chat_id=1)
    waiting = await database.write(lambda conn: outbox.journal(conn, 1, someone, [second], database.worker))
    assert waiting == [], "an older message waits for the chat: the new one queues behind it"
    failing = False
    sender = Sender(database, deliver, no_jobs, clock)
    sender.kick(1)
    await sender.close()
    assert said == [1, 2], "the person just wrote, so the waiting answer goes at once, and first"
    await database.close()


async def test_a_due_job_takes_its_step_and_its_messages_follow_in_order(tmp_path: Path) -> None:
    database = await Database.open(db_for(tmp_path))
    (owner,) = await database.write(partial(_people, count=1))
    await add(database, [Letter(Purpose.CHECKIN, owner, "1:1", START, {"action": 1, "period": 1})])
    said: list[str] = []

    def step(conn: Conn, row: OutboxRow) -> None:  # what a check-in job does: its question as a notice, then done
        outbox.enqueue(conn, [Letter(Purpose.NOTICE, owner, f"{row.id}:0", START, {"q": "how is it going?"})])
        outbox.settle(conn, [(row.id, "sent", None)])

    async def run(row: OutboxRow) -> None:
        await database.write(partial(step, row=row))

    async def deliver(row: OutboxRow) -> bool:
        said.append(str(row.payload["q"]))
        return True

    sender = Sender(database, deliver, run, lambda: START)
    await sender.tick()
    await sender.close()
    assert said == ["how is it going?"]
    assert await database.read(outbox.counts) == {"sent": 1}, "the job row is done; its notice went and is gone"
    await database.close()


async def test_when_the_store_cannot_note_a_failure_the_rows_in_hand_go_back_and_keep_their_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = await Database.open(db_for(tmp_path))
    (someone,) = await database.write(partial(_people, count=1))
    letters = [Letter(Purpose.REPLY, someone, f"k1:{n}", START, {"n": n}, chat_id=1) for n in range(3)]
    claimed = await database.write(lambda conn: outbox.journal(conn, 1, someone, letters, database.worker))
    original, tries = outbox.retry, Counter[str]()

    def full_disk(*args: object, **kwargs: object) -> None:
        tries["retry"] += 1
        raise sqlite3.OperationalError("database or disk is full")

    said: list[int] = []

    async def deliver(row: OutboxRow) -> bool:
        if row.payload["n"] == 0 and not said:
            raise Transient
        said.append(int(row.payload["n"]))
        return True

    monkeypatch.setattr(outbox, "retry", full_disk)
    sender = Sender(database, deliver, no_jobs, Clock(), Policy(give_back=(0.01,)))
    sender.hand_over(1, tuple(claimed))
    await sender.close()
    assert tries["retry"] == 1 and said == []
    assert await database.read(outbox.counts) == {"pending": 3}, "nothing is left 'sending' to hold the chat up"
    monkeypatch.setattr(outbox, "retry", original)
    said.append(-1)  # the network is back
    sender = Sender(database, deliver, no_jobs, Clock())
    sender.kick(1)
    await sender.close()
    assert said == [-1, 0, 1, 2], "in the order they were written"
    await database.close()


async def test_one_slow_person_never_holds_up_the_broadcast_to_everyone_else(tmp_path: Path) -> None:
    database = await Database.open(db_for(tmp_path))
    recipients = await database.write(partial(_people, count=100))
    due = START - timedelta(minutes=1)
    await add(database, [Letter(Purpose.BROADCAST, r, "b1", due, {"n": n}) for n, r in enumerate(recipients)])
    slow = recipients[0]  # the first in line: the sender takes their chat first
    everyone_else = asyncio.Event()
    delivered: set[int] = set()

    async def deliver(row: OutboxRow) -> bool:
        assert row.recipient is not None
        if row.recipient == slow:
            await everyone_else.wait()  # their phone is slow to answer until all the others have theirs
        delivered.add(row.recipient)
        if delivered == set(recipients) - {slow}:
            everyone_else.set()
        return True

    sender = Sender(database, deliver, no_jobs, lambda: START)
    await asyncio.wait_for(sender.tick(), timeout=30)
    assert delivered == set(recipients)
    assert await database.read(unsent_broadcasts) == 0
    await database.close()
