"""After giving their ideas, a participant hears from their peers: they page through what the others in their
session said, in the chat, without names and never a hidden idea."""

from __future__ import annotations

from bot.app import peers
from bot.domain import NewIdea, Phase
from bot.i18n import Catalogs
from bot.sandbox import StandIn, add_person
from bot.storage import Conn, ideas, members, people, sessions
from tests.e2e.conftest import RunningBot
from tests.e2e.test_coordinators import join_with
from tests.store import owned_session, read, write


def others_said(conn: Conn, session_id: int, count: int) -> None:
    """Ideas of other people in the session, given before."""
    session = sessions.by_id(conn, session_id)
    assert session is not None
    for number in range(count):
        person = people.ensure(conn, 6_000_000 + number)
        membership, _ = members.enter(conn, person.id, session, f"P-PEER{number:02d}", "resident")
        members.agree(conn, membership.id)
        ideas.add(conn, session_id, membership.id, [NewIdea(1, f"Buurtidee {number + 1}", language="nl")])


async def test_a_participant_pages_through_what_the_others_said_without_names_or_hidden_ideas(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    owner = add_person(standin, "Marloes", "nl")
    session = await write(
        bot.config.db,
        lambda conn: owned_session(conn, owner.id, "Thuis in Assen", "Wat helpt u?", "ranking", Phase.COLLECTING),
    )
    await write(bot.config.db, lambda conn: others_said(conn, session.id, 7))
    shown, _ = await read(bot.config.db, lambda conn: ideas.shown(conn, session.id, 10))
    hidden = next(i for i in shown if i.text == "Buurtidee 4")
    await write(bot.config.db, lambda conn: ideas.hide(conn, session.id, hidden.id, "Persoonlijke gegevens"))

    olena = add_person(standin, "Olena", "uk")
    await join_with(olena, session.code, "uk", "newcomer", catalogs)
    await olena.send("Більше мовних курсів")
    await olena.reply()
    await olena.send("/ideas")
    first = await olena.reply()
    uk = catalogs.get("uk")
    assert uk.text(peers.TITLE.with_params(title="Thuis in Assen", first=1, last=5, count=6)) in first.text
    listed = [line.removeprefix("• ") for line in first.text.splitlines() if line.startswith("• ")]
    assert listed == ["Buurtidee 7", "Buurtidee 6", "Buurtidee 5", "Buurtidee 3", "Buurtidee 2"], "newest first"
    assert "Більше мовних курсів" not in first.text, "their own idea is not among the others'"
    assert "Buurtidee 4" not in first.text, "a hidden idea never"
    assert "P-PEER" not in first.text, "and never who said it"
    assert first.button_labels() == [uk.text(peers.EARLIER)]

    await olena.press(uk.text(peers.EARLIER), first)
    await standin.wait_until(lambda: "Buurtidee 1" in first.text)
    assert uk.text(peers.TITLE.with_params(title="Thuis in Assen", first=6, last=6, count=6)) in first.text
    assert first.button_labels() == [uk.text(peers.LATER)]


async def test_someone_not_in_a_session_is_told_how_to_join_and_a_forged_page_shows_nothing(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    owner = add_person(standin, "Marloes", "nl")
    session = await write(
        bot.config.db, lambda conn: owned_session(conn, owner.id, "Thuis", "Wat helpt u?", "ranking", Phase.COLLECTING)
    )
    await write(bot.config.db, lambda conn: others_said(conn, session.id, 3))
    amal = add_person(standin, "Amal", "ar")
    await amal.send("/ideas")
    assert (await amal.reply()).text == catalogs.get("ar").render(peers.NOT_IN)
    told = amal.inbox[-1]
    query = await amal.press_data(peers.PEERS.pack(session=session.id, page=0), told)  # made up, never given
    await amal.answer(query)
    assert all("Buurtidee" not in message.content() for message in amal.inbox), "someone else's session stays shut"
