"""A coordinator watching a broadcast sees its count go up on a clock, never once per so many sends: the count is
an edit of their one message, and edits that came per send held up the broadcast they reported on."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.app import coord_texts
from bot.app.delivery import PROGRESS_EVERY, Delivery
from bot.app.outgoing import EditText, SendText
from bot.app.services import Services
from bot.i18n import Catalogs
from bot.storage import Conn, Database, broadcasts, members, outbox, people
from bot.storage.outbox import OutboxRow
from tests.databases import db_for
from tests.store import owned_session

START = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
COORDINATOR_CHAT = 500
STATUS_MESSAGE = 77


def _broadcast_to(conn: Conn, count: int, worker: int) -> list[OutboxRow]:
    """A session of `count` participants and a broadcast to them, sent with the coordinator's status message;
    the rows as the sender claims them."""
    session = owned_session(conn, COORDINATOR_CHAT, "Thuis in Assen", "Wat helpt?")
    for number in range(count):
        person = people.ensure(conn, 1000 + number)
        people.set_locale(conn, person.id, "nl")
        membership, _ = members.enter(conn, person.id, session, f"P{number:03d}", "newcomer")
        members.agree(conn, membership.id)
    author = people.ensure(conn, COORDINATOR_CHAT)
    prepared = broadcasts.prepare(conn, session.id, author.id, "De bus rijdt morgen niet.")
    broadcasts.send(conn, prepared, author.id, (COORDINATOR_CHAT, STATUS_MESSAGE, "nl"), START)
    claimed: list[OutboxRow] = []
    for number in range(count):
        claimed += outbox.claim_chat(conn, 1000 + number, START, 5, worker=worker)
    return claimed


class Monotonic:
    """Seconds that only pass when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_the_progress_count_is_edited_every_two_seconds_whatever_the_pace_of_the_broadcast(
    tmp_path: Path, catalogs: Catalogs
) -> None:
    database = await Database.open(db_for(tmp_path))
    rows = await database.write(lambda conn: _broadcast_to(conn, 30, database.worker))
    assert len(rows) == 30
    clock = Monotonic()
    svc = Services(database, catalogs, {}, b"s" * 32, frozenset(), "nl", "Europe/Amsterdam", lambda: START, lambda p: p)
    delivery = Delivery(svc, clock)

    async def render(row: OutboxRow) -> list[object]:
        made = await database.read(lambda conn: delivery.render(conn, row))
        assert isinstance(made, list)
        return list(made)

    def edits(made: list[object]) -> list[EditText]:
        return [m for m in made if isinstance(m, EditText)]

    first = await render(rows[0])
    assert [type(m) for m in first] == [SendText, EditText], "the first message sent shows the count at once"
    assert (edits(first)[0].chat, edits(first)[0].message) == (COORDINATOR_CHAT, STATUS_MESSAGE)
    counted = coord_texts.BROADCAST_PROGRESS.with_params(sent=1, total=30, blocked=0)
    assert edits(first)[0].text == catalogs.get("nl").render(counted)

    quick = [await render(row) for row in rows[1:20]]  # nineteen more within the same second
    assert all(not edits(made) for made in quick), "a fast broadcast does not edit the count per send"

    clock.now += PROGRESS_EVERY / 2
    assert not edits(await render(rows[20]))
    clock.now += PROGRESS_EVERY / 2
    assert len(edits(await render(rows[21]))) == 1, "two seconds on, the count is shown again"
    assert not edits(await render(rows[22]))

    clock.now += 60  # a slow broadcast: each message that comes after a pause shows where it is
    assert len(edits(await render(rows[23]))) == 1
    clock.now += PROGRESS_EVERY
    assert len(edits(await render(rows[24]))) == 1
    await database.close()
