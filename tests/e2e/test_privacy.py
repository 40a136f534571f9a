"""People see what is held about them and can have it erased; the database keeps nothing that identifies them."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import privacy
from bot.cli import main
from bot.domain import Phase
from bot.domain.results import Method
from bot.i18n import Catalogs
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.storage import Conn, ideas, is_postgres, sessions, votes
from bot.storage import privacy as privacy_store
from bot.storage.privacy import Purge
from tests.databases import tables
from tests.e2e.conftest import RunningBot
from tests.e2e.test_prioritising import collecting_session, join, open_voting
from tests.store import delivered, read, write


def _containing(conn: Conn, needles: list[str]) -> list[tuple[str, str, object]]:
    found = []
    for table in tables(conn):
        cursor = conn.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from the database's own catalogue)
        columns = [d[0] for d in cursor.description]
        for row in cursor.fetchall():
            for column, value in zip(columns, row, strict=True):
                if value is not None and any(n in str(value) for n in needles):
                    found.append((table, column, value))
    return found


async def everywhere(path: Path, needles: list[str]) -> list[tuple[str, str, object]]:
    """Every (table, column, value) in the database that contains one of the needles, once every message to
    deliver is delivered (until then a reply keeps the chat it goes to)."""
    await delivered(path)
    return await read(path, lambda conn: _containing(conn, needles))


async def take_part(  # type: ignore[no-untyped-def]
    person: SandboxUser, standin: StandIn, catalogs: Catalogs, bot: RunningBot, admin: SandboxUser, locale: str = "ar"
):
    session = await collecting_session(bot, admin, Method.RANKING)
    await join(person, session, locale, "newcomer", catalogs)
    await person.send("مكتبة مفتوحة في المساء")
    await person.reply()
    await person.voice(duration=5)
    await person.reply()
    await open_voting(admin, standin, catalogs, session, told=1)
    await person.reply()
    question = await person.reply()
    for theme in ("Taal", "Werk", "Zorg"):
        await person.press(theme, question)
        await standin.wait_until(lambda t=theme: t not in question.button_labels())
    await person.press(next(b for b in question.button_labels() if b not in ("Ontmoeten",)), question)
    await person.reply()
    return session


async def test_mydata_shows_everything_held_in_the_persons_language_and_as_json(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser
) -> None:
    zenobia = add_person(standin, "Zenobia", "ar", username="zenobia_tg")
    session = await take_part(zenobia, standin, catalogs, bot, admin)
    await zenobia.send("/mydata")
    intro, to_read, as_text, as_json = await zenobia.replies(4)
    assert intro.text == catalogs.get("ar").render(privacy.MYDATA_SENT)
    readable = to_read.content()
    assert readable.startswith("\u200f") and "مكتبة مفتوحة في المساء" in readable, "a message to read on the phone"
    ar = catalogs.get("ar")
    assert ar.text(privacy.MYDATA_VOICE.with_params(seconds=5)) in readable
    assert "1. Taal, 2. Werk, 3. Zorg" in readable, "the vote in the themes' names, in order"
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d", readable), "times as people write them, not as stored"
    data = json.loads(standin.world.files[as_json.media["document"]["file_id"]].data)
    (mine,) = data["sessions"]
    assert mine["code"] == session.code and mine["group_id"] == "newcomer" and mine["consent_at"]
    assert [i["text"] for i in mine["ideas"]] == ["مكتبة مفتوحة في المساء", None]
    assert mine["ideas"][1]["voice_duration"] == 5 and mine["vote"][0]["method"] == "ranking"
    assert data["locale"] == "ar" and str(zenobia.id) not in json.dumps(data)
    text = standin.world.files[as_text.media["document"]["file_id"]].data.decode("utf-8")
    assert text == readable, "the file holds the same as the message"


async def test_forgetme_erases_every_trace_of_the_person_and_keeps_their_ideas_anonymous(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser
) -> None:
    zenobia = add_person(standin, "Zenobia", "ar", username="zenobia_tg")
    session = await take_part(zenobia, standin, catalogs, bot, admin)
    needles = [str(zenobia.id), "zenobia_tg", "Zenobia"]
    assert await everywhere(bot.config.db, needles), "the Telegram id is held while she takes part"

    await zenobia.send("/forgetme")
    ask = await zenobia.reply()
    assert ask.text == catalogs.get("ar").render(privacy.FORGET_ASK)
    await zenobia.press(catalogs.get("ar").text(privacy.FORGET_KEEP), ask)
    await standin.wait_until(lambda: ask.text == catalogs.get("ar").render(privacy.FORGET_DONE))

    assert await everywhere(bot.config.db, needles) == [], "no row holds her Telegram id, username or name"
    given = await read(bot.config.db, lambda conn: ideas.of_session(conn, session.id))
    cast = await read(bot.config.db, lambda conn: votes.of_session(conn, session.id))
    assert (given[0].pseudonym, given[0].text) == ("deleted", "مكتبة مفتوحة في المساء")
    assert given[1].voice_file_id == "deleted", "her recorded voice is not kept"
    assert len(cast) == 1 and cast[0].pseudonym == "deleted", "the results stay the same"

    await zenobia.send("/mydata")
    # her language was forgotten too: she is answered in her Telegram app's language
    assert (await zenobia.reply()).text == catalogs.get("ar").render(privacy.MYDATA_NOTHING)


async def test_forgetme_with_delete_removes_ideas_and_votes_so_results_change(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser
) -> None:
    olena = add_person(standin, "Olenka", "uk", username="olenka_tg")
    session = await take_part(olena, standin, catalogs, bot, admin, locale="uk")
    await olena.send("/forgetme")
    ask = await olena.reply()
    await olena.press(catalogs.get("uk").text(privacy.FORGET_ALL), ask)
    await standin.wait_until(lambda: not ask.buttons)
    assert await read(bot.config.db, lambda conn: ideas.of_session(conn, session.id)) == []
    assert await read(bot.config.db, lambda conn: votes.of_session(conn, session.id)) == []
    assert await everywhere(bot.config.db, [str(olena.id), "olenka_tg", "Olenka"]) == []


async def test_a_backup_made_while_the_bot_runs_is_complete_consistent_and_private(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser, tmp_path: Path
) -> None:
    zenobia = add_person(standin, "Zenobia", "ar")
    session = await take_part(zenobia, standin, catalogs, bot, admin)
    target = tmp_path / "backups" / "inspraak-backup.sqlite3"
    argv = ["--db", str(bot.config.db), "backup", str(target)]
    if is_postgres(bot.config.db):  # PostgreSQL is backed up with pg_dump: the command says so and makes nothing
        assert await asyncio.to_thread(main, argv) == 2 and not target.exists()
        return
    assert await asyncio.to_thread(main, argv) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT code FROM session").fetchall() == [(session.code,)]
        assert copy.execute("SELECT COUNT(*) FROM idea").fetchone() == (2,)
    assert await asyncio.to_thread(main, argv) == 2, "an existing file is never overwritten"


async def test_retention_purges_closed_sessions_past_their_time_and_a_dry_run_changes_nothing(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser
) -> None:
    zenobia = add_person(standin, "Zenobia", "ar", username="zenobia_tg")
    session = await take_part(zenobia, standin, catalogs, bot, admin)
    await write(bot.config.db, lambda conn: sessions.set_phase(conn, session.id, Phase.CLOSED))
    future = datetime.now(UTC) + timedelta(days=1)  # as if the retention period were over
    past = datetime.now(UTC) - timedelta(days=1)
    assert await read(bot.config.db, lambda conn: privacy_store.purge(conn, past, dry_run=True)) == Purge((), 0)
    planned = await read(bot.config.db, lambda conn: privacy_store.purge(conn, future, dry_run=True))
    assert planned == Purge(((session.code, session.title),), 1)
    needles = [str(zenobia.id), "zenobia_tg", "Zenobia"]
    assert await everywhere(bot.config.db, needles), "a dry run changes nothing"
    assert await write(bot.config.db, lambda conn: privacy_store.purge(conn, future, dry_run=False)) == planned
    given = await read(bot.config.db, lambda conn: ideas.of_session(conn, session.id))
    assert await everywhere(bot.config.db, needles) == []
    assert {i.pseudonym for i in given} == {"deleted"} and given[0].text == "مكتبة مفتوحة في المساء"
