"""A participant who speaks instead of typing: the bot's own Whisper model writes the voice note down, the speaker
decides what becomes of the draft, and the recording always stays; a language Whisper cannot write is said so."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import coord_texts as say
from bot.app import hearing, texts
from bot.domain import Phase, Session
from bot.i18n import Catalogs, native_name
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.sandbox.people import VOICE_BYTES
from bot.storage import Conn, ideas
from tests.databases import db_for
from tests.e2e.conftest import RunningBot, config_for
from tests.e2e.test_coordinators import join_with
from tests.hear_standins import TranscriptionStandIn, heard
from tests.store import owned_session, read, write
from tests.voice_clips import IDEA, KEY_WORDS, speak

HEARING = 60.0  # seconds to wait for a draft: the first voice note joins and loads the model


@pytest.fixture
async def listening_bot(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[RunningBot]:
    """The bot writing down voice notes with the Whisper base model it ships (joined into a folder of the test's)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    config = replace(config_for(standin, db_for(tmp_path)), transcriber="local", voice_max_seconds=30)
    running = RunningBot(standin, config, catalogs)
    await running.start()
    yield running
    await running.stop()


async def session_of(bot: RunningBot, coordinator_id: int) -> Session:
    return await write(
        bot.config.db,
        lambda conn: owned_session(conn, coordinator_id, "Thuis in Assen", "Wat helpt u?", phase=Phase.COLLECTING),
    )


def spoken(session: Session) -> object:
    def look(conn: Conn) -> list[tuple[str | None, str | None]]:
        return [(c.voice_file_id, c.transcription) for c in ideas.all_cards(conn, session.id) if c.kind == "voice"]

    return look


async def a_speaker(bot: RunningBot, standin: StandIn, catalogs: Catalogs) -> tuple[SandboxUser, Session, SandboxUser]:
    """A coordinator's collecting session, and Sanne, who speaks Dutch, taking part in it."""
    marloes = add_person(standin, "Marloes", "nl")
    session = await session_of(bot, marloes.id)
    sanne = add_person(standin, "Sanne", "nl")
    await join_with(sanne, session.code, "nl", "resident", catalogs)
    return marloes, session, sanne


async def test_a_dutch_voice_note_is_written_down_the_speaker_keeps_the_draft_and_the_coordinator_sees_both(
    listening_bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    nl = catalogs.get("nl")
    marloes, session, sanne = await a_speaker(listening_bot, standin, catalogs)
    await sanne.voice(duration=6, data=speak(IDEA))
    await sanne.reply()  # received, at once

    draft = await sanne.reply(timeout=HEARING)
    heard = draft.content().lower()
    assert all(word in heard for word in KEY_WORDS), heard
    assert draft.button_labels() == [nl.text(hearing.KEEP), nl.text(hearing.TYPE), nl.text(hearing.ONLY_RECORDING)]
    await sanne.press(nl.text(hearing.KEEP), draft)
    await standin.wait_until(lambda: not draft.buttons)

    found = await read(listening_bot.config.db, spoken(session))  # type: ignore[arg-type]
    assert len(found) == 1
    recording, words = found[0]
    assert recording is not None and words is not None and all(word in words.lower() for word in KEY_WORDS)
    await marloes.send("/sort")
    card = await marloes.reply()
    assert nl.render(say.SORT_WRITTEN.with_params(text=words)) in card.content(), "the words, beside the recording"
    assert nl.render(say.SORT_VOICE.with_params(seconds=6)) in card.content()


async def test_a_speaker_who_types_the_words_themselves_gives_no_extra_idea_and_one_who_keeps_only_the_recording(
    listening_bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    nl = catalogs.get("nl")
    _marloes, session, sanne = await a_speaker(listening_bot, standin, catalogs)
    note = speak(IDEA)
    await sanne.voice(duration=6, data=note)
    await sanne.reply()
    first = await sanne.reply(timeout=HEARING)
    await sanne.voice(duration=6, data=note)
    await sanne.reply()
    second = await sanne.reply(timeout=HEARING)

    await sanne.press(nl.text(hearing.TYPE), first)
    await standin.wait_until(lambda: first.text == nl.render(hearing.TYPE_NOW))
    await sanne.send("Meer taalles in de bibliotheek")
    assert (await sanne.reply()).text == nl.render(hearing.KEPT.with_params(text="Meer taalles in de bibliotheek"))
    await sanne.press(nl.text(hearing.ONLY_RECORDING), second)
    await standin.wait_until(lambda: second.text == nl.render(hearing.RECORDING_KEPT))
    for idea in (2, 999):  # the draft she left, then one that is not hers
        query = await sanne.press_data(hearing.VOICE_KEEP.pack(idea=idea), second)
        assert (await sanne.answer(query))["show_alert"] is True

    found = await read(listening_bot.config.db, spoken(session))  # type: ignore[arg-type]
    assert [words for _recording, words in found] == ["Meer taalles in de bibliotheek", None]
    assert all(recording is not None for recording, _words in found), "both recordings stay"
    count = await read(listening_bot.config.db, lambda conn: len(ideas.all_cards(conn, session.id)))
    assert count == 2, "the typed words became the voice note's, not a new idea"


async def test_a_tigrinya_voice_note_is_kept_and_the_speaker_is_told_it_cannot_be_written_down(
    listening_bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    marloes = add_person(standin, "Marloes", "nl")
    session = await session_of(listening_bot, marloes.id)
    tesfay = add_person(standin, "Tesfay", "ti")
    await join_with(tesfay, session.code, "ti", "newcomer", catalogs)
    await tesfay.voice(duration=4)
    await tesfay.reply()
    told = await tesfay.reply(timeout=HEARING)
    ti = catalogs.get("ti")
    assert told.text == ti.render(hearing.CANNOT_WRITE.with_params(language=native_name("ti")))
    found = await read(listening_bot.config.db, spoken(session))  # type: ignore[arg-type]
    assert [words for _recording, words in found] == [None]


async def test_with_a_transcription_server_the_consent_names_it_and_a_busy_server_only_delays_the_draft(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs
) -> None:
    server = TranscriptionStandIn()
    await server.start()
    config = replace(config_for(standin, db_for(tmp_path)), transcriber="openai", transcriber_url=server.url)
    running = RunningBot(standin, config, catalogs, tick=timedelta(seconds=0.05))
    await running.start()
    try:
        marloes = add_person(standin, "Marloes", "nl")
        session = await session_of(running, marloes.id)
        oksana = add_person(standin, "Oksana", "uk")
        await join_with(oksana, session.code, "uk", "newcomer", catalogs)
        uk = catalogs.get("uk")
        told = uk.render(texts.OUTSIDE_TRANSCRIPTION.with_params(service="127.0.0.1")).lstrip("\u200f")
        assert any(told in m.text for m in oksana.inbox), "the consent text says where voices go"
        server.fail(429, headers={"Retry-After": "1"})
        await oksana.voice(duration=5)
        receipt = await oksana.reply()  # at once, whatever the server does
        assert heard(VOICE_BYTES, "uk") not in receipt.content()
        draft = await oksana.reply(timeout=HEARING)
        assert heard(VOICE_BYTES, "uk") in draft.content()
        assert [r.fields["language"] for r in server.requests] == ["uk", "uk"], "asked again after its Retry-After"
    finally:
        await running.stop()
        await server.stop()
