"""Several bot processes on one PostgreSQL database: what one process has taken stays its own while it runs, and
passes to another when it is gone; work done once for all is done by one process at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from functools import partial

import pytest

from bot.domain.outbox import Purpose
from bot.storage import Conn, Database, inbound, outbox, people
from bot.storage.outbox import Letter
from tests.databases import eventually
from tests.postgres import shared

NOW = datetime(2026, 12, 6, 9, tzinfo=UTC)


@pytest.fixture
async def two() -> AsyncIterator[tuple[Database, Database]]:
    """Two processes' connections to one database."""
    url = shared().fresh()
    first = await Database.open(url)
    second = await Database.open(url)
    yield first, second
    await first.close()
    await second.close()


async def _alive(db: Database, worker: int) -> bool:
    return bool(await db.read(lambda conn: conn.execute("SELECT inspraak_alive(?)", (worker,)).fetchone()[0]))


async def _gone(db: Database, worker: int) -> bool:
    return not await _alive(db, worker)


async def killed(process: Database, by: Database) -> None:
    """The process ends; once the server has dropped its connections, the others see it gone."""
    worker = process.worker
    await process.close()
    await eventually(lambda: _gone(by, worker), "the server let the process go")


def _update(update_id: int, chat: int, text: str) -> dict[str, object]:
    person = {"id": chat, "is_bot": False, "first_name": "A"}
    message = {"message_id": update_id, "date": 0, "chat": {"id": chat, "type": "private"}, "from": person}
    return {"update_id": update_id, "message": {**message, "text": text}}


async def test_a_persons_updates_are_taken_by_one_process_until_it_is_gone(two: tuple[Database, Database]) -> None:
    first, second = two
    for update in (_update(1, 501, "a"), _update(2, 502, "b"), _update(3, 501, "c")):
        await first.write(partial(inbound.keep, update=update, now=NOW))
    taken = await first.write(partial(inbound.claim, worker=first.worker, limit=1))
    assert [u["update_id"] for u in taken] == [1]
    later = await second.write(partial(inbound.claim, worker=second.worker, limit=10))
    assert [u["update_id"] for u in later] == [2], "501's next update waits for the process handling 501"
    await second.write(partial(inbound.done, update_ids=[2]))
    await killed(first, by=second)  # before it finished 1
    again = await second.write(partial(inbound.claim, worker=second.worker, limit=10))
    assert [u["update_id"] for u in again] == [1, 3], "taken over, in order"


async def test_a_message_another_process_is_sending_stays_its_own_and_goes_out_again_when_it_is_gone(
    two: tuple[Database, Database],
) -> None:
    first, second = two

    def one_message(conn: Conn) -> int:
        person = people.ensure(conn, 777)
        outbox.enqueue(conn, [Letter(Purpose.UPDATE, person.id, "x", NOW, {})])
        return 777

    chat = await first.write(one_message)
    claimed = await first.write(partial(outbox.claim_chat, chat=chat, now=NOW, limit=5, worker=first.worker))
    assert len(claimed) == 1
    nothing = await second.write(partial(outbox.claim_chat, chat=chat, now=NOW, limit=5, worker=second.worker))
    assert nothing == [], "a chat another process is sending to waits"
    assert await second.write(partial(outbox.recover, worker=second.worker)) == 0, "its sender still runs"
    await killed(first, by=second)
    assert await second.write(partial(outbox.recover, worker=second.worker)) == 1, "its sender is gone"
    retaken = await second.write(partial(outbox.claim_chat, chat=chat, now=NOW, limit=5, worker=second.worker))
    assert [row.id for row in retaken] == [row.id for row in claimed]


async def test_one_process_leads_and_another_takes_the_lead_when_it_is_gone(two: tuple[Database, Database]) -> None:
    first, second = two
    assert await first.leading() and not await second.leading()
    assert await first.leading(), "it keeps the lead while it runs"
    await killed(first, by=second)
    assert await second.leading()


async def test_processes_share_one_sending_budget_and_replies_go_before_bulk_in_all_of_them(
    two: tuple[Database, Database],
) -> None:
    first, second = two
    assert first.shared_budget is not None and second.shared_budget is not None
    waits = [await first.shared_budget(1.0, False) for _ in range(5)]  # five replies, a second apart
    assert waits == sorted(waits) and waits[-1] is not None and waits[-1] >= 3.9
    assert await second.shared_budget(1.0, True) is None, "bulk in another process waits for those replies"
    after = await second.shared_budget(1.0, False)
    assert after is not None and after >= 4.9, "a reply in another process takes the next place after them"


async def test_a_process_whose_connection_drops_claims_nothing_until_it_holds_its_own_number_again(
    two: tuple[Database, Database],
) -> None:
    first, second = two
    worker = first.worker
    assert await first.leading()
    await first.write(partial(inbound.keep, update=_update(1, 501, "a"), now=NOW))
    holder = first._holder  # type: ignore[attr-defined]
    assert holder is not None
    await second.read(lambda conn: conn.execute("SELECT pg_terminate_backend(?)", (holder.info.backend_pid,)))
    assert not await _alive(second, worker), "to the others, it is gone"
    assert await first.write(partial(inbound.claim, worker=worker, limit=10)) == [], "so it takes nothing"
    assert await second.leading(), "and another leads"
    await eventually(lambda: _alive(second, worker), "its heartbeat noticed, and took its number again")
    assert first.worker == worker, "under the same number, so what it had claimed is still its own"
    assert [u["update_id"] for u in await first.write(partial(inbound.claim, worker=worker, limit=10))] == [1]
    assert not await first.leading(), "the lead stays with the one that took it"
