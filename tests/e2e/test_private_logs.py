"""A whole session run with the bot logging at DEBUG: not one line holds a person's name, username or Telegram id,
an idea, a note, a reason or the token. People appear in logs only as a keyed hash."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from bot.app import coord_texts as say
from bot.domain import Cadence, Schedule
from bot.i18n import Catalogs
from bot.sandbox import StandIn, add_person
from bot.storage import Conn, actions, people
from tests.conftest import TOKEN
from tests.databases import db_for
from tests.e2e.process import BotProcess
from tests.e2e.room import PATIENCE, Member, Room, flow
from tests.store import owned_session, write

THEMES = ("Taal", "Werk", "Ontmoeten", "Zorg")


async def test_a_whole_session_at_debug_level_leaves_no_personal_data_in_the_log(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs
) -> None:
    db, log = db_for(tmp_path), tmp_path / "bot.log"
    marloes = add_person(standin, "Marloesje", "nl", username="marloes_coordinator")
    themes = tuple((name, None) for name in THEMES)
    session = await write(db, lambda conn: owned_session(conn, marloes.id, "Thuis", "Wat helpt?", themes=themes))
    room = Room(standin, catalogs, session.code, session.title, marloes, THEMES)
    members = [
        Member(add_person(standin, "Zenobiaa", "ar", username="zenobia_private"), "ar", "newcomer", ["مكتبة سرية جدا"]),
        Member(
            add_person(standin, "Olenkaa", "uk", username="olenka_private"), "uk", "resident", ["Таємна ідея Оленки"]
        ),
        Member(add_person(standin, "Sannetje", "nl", username="sanne_private"), "nl", "professional", ["Geheim plan"]),
    ]
    bot = BotProcess(standin, db, admins=(marloes.id,), log=log)
    await bot.start()
    try:
        for member in members:
            await room.join(member)
            await room.give_ideas(member)
        zenobia, olenka = members[0].user, members[1].user
        await zenobia.voice(duration=7)
        await zenobia.sees(lambda m: "7" in m.content() or bool(m.buttons), PATIENCE)
        await zenobia.send("/mydata")
        await zenobia.sees(lambda m: m.media.get("document") is not None, PATIENCE)
        await marloes.send("/sort")
        card = await marloes.sees(lambda m: "مكتبة سرية جدا" in m.content(), PATIENCE)
        await marloes.press(catalogs.get("nl").text(say.HIDE), card)
        why = flow(
            catalogs,
            "nl",
            "hide.reason.say",
            "Why are you hiding this idea? Participants do not see the reason; it is kept for your team.",
        )
        asked = await marloes.sees(lambda m: why in m.content(), PATIENCE)
        await marloes.press(flow(catalogs, "nl", "hide.reason.options.other", "Other…"), asked)
        typed = flow(catalogs, "nl", "hide.typed.say", "Type the reason in a few words.")
        await marloes.sees(lambda m: typed in m.content(), PATIENCE)
        await marloes.send("Reden die niemand mag lezen")
        await room.broadcast("Geheime mededeling voor iedereen", members)
        await room.next_phase()
        await room.next_phase()
        await asyncio.gather(*(room.vote(m, THEMES[:3]) for m in members))

        # Olenka owns an action whose check-in is due now: she answers with a note.
        def owner(conn: Conn) -> None:
            person = people.by_telegram(conn, olenka.id)
            assert person is not None
            made = actions.create(
                conn, session.id, "Taalcafé", "Elke week", [], Schedule(date.today(), Cadence.MONTHLY), "h"
            )
            dues = [(1, datetime.now(UTC)), (2, datetime.now(UTC) + timedelta(days=30))]  # not the year's last
            actions.accept(conn, person.id, made, time(10), dues, datetime.now(UTC), "P-OLENKA")

        await write(db, owner)
        on_track = flow(catalogs, "uk", "checkin.status.options.on_track", "On track")
        question = await olenka.sees(lambda m: on_track in m.button_labels(), PATIENCE)
        await olenka.press(on_track, question)
        skip = flow(catalogs, "uk", "checkin.note.text.skip", "Skip")
        await olenka.sees(lambda m: skip in m.button_labels(), PATIENCE)
        await olenka.send("Нотатка, яку ніхто не повинен читати")
        thanks = flow(catalogs, "uk", "checkin.thanks.say", "Thank you! Your answer is saved.")
        await olenka.sees(lambda m: thanks in m.content(), PATIENCE)
        await room.next_phase()
        for member in members:
            await room.results_reached(member)
        await zenobia.send("/forgetme")
        ask = await zenobia.sees(lambda m: len(m.buttons) == 3, PATIENCE)
        await zenobia.press(0, ask)
        await standin.wait_until(lambda: not ask.buttons, PATIENCE)
    finally:
        bot.terminate()

    lines = log.read_text(encoding="utf-8").splitlines()
    assert any(" DEBUG " in line for line in lines) and any("Bot API sendMessage" in line for line in lines)
    private = [TOKEN, TOKEN.split(":")[1]]
    for person in (marloes, *(m.user for m in members)):
        private += [person.person.first_name, person.person.username or "", str(person.id)]
    private += [idea for m in members for idea in m.ideas]
    private += [
        "Reden die niemand mag lezen",
        "Geheime mededeling voor iedereen",
        "Нотатка, яку ніхто не повинен читати",
    ]
    for needle in filter(None, private):
        found = [line for line in lines if needle in line]
        assert not found, f"{needle!r} is in the log: {found[:2]}"
