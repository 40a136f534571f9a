"""Spoken prompts for people who read little: a coordinator (or an interpreter) reads a session's question and
consent text aloud in a language, and participants who read it get the recording with the text; the bot's own
prompts can carry a recording per language, supplied as files next to the catalogs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import coord_texts as say
from bot.app import texts
from bot.app.recording import RECORD_DROP, RECORD_WHAT
from bot.conversation.machine import VOICE_ONLY
from bot.domain import DEFAULT_GROUPS, Msg, Phase, Session
from bot.i18n import Catalogs, native_name
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.sandbox.world import ChatMessage
from bot.storage import translations
from tests.databases import db_for
from tests.e2e.conftest import RunningBot, config_for
from tests.e2e.test_coordinators import next_phase
from tests.store import owned_session, write
from tests.voice_clips import speak

QUESTION = "Wat helpt u om thuis te raken in Assen?"


def voice_of(message: ChatMessage) -> str | None:
    """The file id of the voice note a message carries, if it is one."""
    return message.media["voice"]["file_id"] if "voice" in message.media else None


async def a_session(bot: RunningBot, standin: StandIn, phase: Phase = Phase.COLLECTING) -> tuple[SandboxUser, Session]:
    marloes = add_person(standin, "Marloes", "nl")
    session = await write(
        bot.config.db,
        lambda conn: owned_session(
            conn, marloes.id, "Thuis in Assen", QUESTION, phase=phase, languages=("nl", "ar", "fa_AF")
        ),
    )
    return marloes, session


async def record(coordinator: SandboxUser, catalogs: Catalogs, code: str, what: Msg) -> ChatMessage:
    """/record, the language, then what to read aloud: the text to read is shown."""
    nl = catalogs.get("nl")
    await coordinator.send("/record")
    pick = await coordinator.reply()
    await coordinator.press(next(label for label in pick.button_labels() if label.startswith(native_name(code))), pick)
    menu = await coordinator.reply()
    await coordinator.press(nl.text(what), menu)
    return await coordinator.reply()


async def joins(person: SandboxUser, session: Session, code: str, catalogs: Catalogs) -> None:
    """Open the link, choose the language, agree, choose a group, then send an idea: once its receipt is there, so
    is everything the bot said before it (a person's messages go out in order)."""
    await person.start(session.code)
    languages = await person.reply()
    await person.press(native_name(code), languages)
    reader = catalogs.get(code)
    consent = await person.sees_after(languages, lambda m: bool(m.buttons))
    await person.press(0, consent)
    group = await person.sees_after(consent, lambda m: bool(m.buttons))
    await person.press(reader.text(DEFAULT_GROUPS["newcomer"]), group)
    asked = await person.sees_after(group, lambda m: bool(m.buttons))  # the question, with "Done"
    await person.send("Meer taalles")
    await person.sees_after(asked, lambda m: "Meer taalles" in m.content())


def heard(person: SandboxUser) -> list[tuple[ChatMessage, str | None]]:
    """The voice notes a person got, each with the message just before it."""
    inbox = person.inbox
    return [(inbox[n - 1], voice_of(m)) for n, m in enumerate(inbox) if voice_of(m)]


async def test_an_arabic_participant_hears_the_consent_text_and_the_question_read_aloud_a_dutch_one_reads_them(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    nl = catalogs.get("nl")
    marloes, session = await a_session(bot, standin)

    asked = await record(marloes, catalogs, "ar", say.RECORD_QUESTION)
    assert QUESTION in asked.content(), "the text to read aloud is shown as Arabic readers see it"
    await marloes.send("Wat helpt u?")
    assert (await marloes.reply()).text == nl.render(VOICE_ONLY), "typing is not reading aloud"
    question_note = await marloes.voice(duration=9)
    await marloes.reply()  # thank you
    menu = await marloes.reply()
    assert menu.button_labels()[:2] == [f"✓ {nl.text(say.RECORD_QUESTION)}", nl.text(say.RECORD_CONSENT)]
    await record(marloes, catalogs, "ar", say.RECORD_CONSENT)
    consent_note = await marloes.voice(duration=30)  # forwarded from the interpreter who read it
    await marloes.replies(2)

    amal = add_person(standin, "Amal", "ar")
    await joins(amal, session, "ar", catalogs)
    assert [voice for _text, voice in heard(amal)] == [voice_of(consent_note), voice_of(question_note)]
    (consent, _), (question, _) = heard(amal)
    ar = catalogs.get("ar")
    agree = ar.text(Msg("intake.consent.options.agree", "Yes, I agree"))
    assert consent.content().endswith(agree), "the recording follows the consent text (its answer ticked since)"
    assert QUESTION in question.content(), "the question's recording follows the question"

    sanne = add_person(standin, "Sanne", "nl")
    await joins(sanne, session, "nl", catalogs)
    assert not [m for m in sanne.inbox if voice_of(m)], "nothing was recorded in Dutch"

    await marloes.send("/record")
    pick = await marloes.reply()
    assert f"{native_name('ar')} 🎙 2/2" in pick.button_labels()
    for forged in (RECORD_WHAT.pack(of=session.id, code="ar", subject="title"), RECORD_DROP.pack(of=0, code="ar")):
        query = await marloes.press_data(forged, pick)
        assert (await marloes.answer(query))["text"] == nl.text(texts.BUTTON_EXPIRED), "a forged button does nothing"
    await marloes.press(f"{native_name('ar')} 🎙 2/2", pick)
    menu = await marloes.reply()
    await marloes.press(nl.text(say.RECORD_REMOVE), menu)
    removed = nl.render(say.RECORD_REMOVED.with_params(language=nl.language_name("ar")))
    await standin.wait_until(lambda: menu.text == removed)

    karim = add_person(standin, "Karim", "ar")
    await joins(karim, session, "ar", catalogs)
    assert not [m for m in karim.inbox if voice_of(m)], "the recordings were removed"


async def test_a_participant_who_joined_early_hears_the_question_again_when_the_session_opens(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    marloes, session = await a_session(bot, standin, Phase.DRAFT)
    await record(marloes, catalogs, "ar", say.RECORD_QUESTION)
    note = await marloes.voice(duration=9)
    await marloes.replies(2)
    amal = add_person(standin, "Amal", "ar")
    await joins(amal, session, "ar", catalogs)
    assert [voice for _text, voice in heard(amal)] == [voice_of(note)]

    await next_phase(marloes, standin, catalogs)
    opened = await amal.sees(lambda m: "Thuis in Assen" in m.content() and QUESTION in m.content())
    await standin.wait_until(lambda: len(heard(amal)) == 2)
    assert heard(amal)[1] == (opened, voice_of(note)), "the notice that it started is read aloud too"


async def test_a_recording_of_a_text_that_has_changed_since_is_not_played_until_it_is_recorded_again(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    nl = catalogs.get("nl")
    marloes, session = await a_session(bot, standin)
    await record(marloes, catalogs, "ar", say.RECORD_QUESTION)
    await marloes.voice(duration=9)  # the Dutch question, read to Arabic readers while it was not translated
    await marloes.replies(2)
    arabic = "ما الذي يساعدك على الشعور بأنك في بيتك في آسن؟"
    await write(bot.config.db, lambda conn: translations.put(conn, session.id, "question", "ar", arabic))

    amal = add_person(standin, "Amal", "ar")
    await joins(amal, session, "ar", catalogs)
    assert heard(amal) == [], "the recording reads a text Amal is no longer shown"
    await marloes.send("/record")
    assert f"{native_name('ar')} 🎙 0/2" in (await marloes.reply()).button_labels(), "not counted as recorded"

    asked = await record(marloes, catalogs, "ar", say.RECORD_QUESTION)
    assert arabic in asked.content(), "the text to read is the translation now"
    note = await marloes.voice(duration=8)
    menu = (await marloes.replies(2))[1]
    assert f"✓ {nl.text(say.RECORD_QUESTION)}" in menu.button_labels()
    karim = add_person(standin, "Karim", "ar")
    await joins(karim, session, "ar", catalogs)
    assert [voice for _text, voice in heard(karim)] == [voice_of(note)]


@pytest.fixture
async def prompted(standin: StandIn, tmp_path: Path) -> AsyncIterator[tuple[RunningBot, bytes]]:
    """The bot with one of its own prompts read aloud in Persian, supplied next to the catalogs."""
    read_aloud = speak("به کدام گروه تعلق دارید؟", voice="fa")
    folder = tmp_path / "locales" / "fa" / "voice"
    folder.mkdir(parents=True)
    (folder / "intake.group.say.ogg").write_bytes(read_aloud)
    (folder / "intake.joined.say.ogg").write_bytes(speak("متشکرم! شما اکنون شرکت می کنید.", voice="fa"))
    config = config_for(standin, db_for(tmp_path))
    running = RunningBot(standin, config, Catalogs(recordings=tmp_path / "locales"))
    await running.start()
    yield running, read_aloud
    await running.stop()


async def test_the_bots_own_prompt_read_aloud_in_persian_reaches_dari_readers_uploaded_once(
    prompted: tuple[RunningBot, bytes], standin: StandIn, catalogs: Catalogs
) -> None:
    bot, read_aloud = prompted
    _marloes, session = await a_session(bot, standin)
    zahra, farid, sanne = (
        add_person(standin, name, code) for name, code in (("Zahra", "fa"), ("Farid", "fa"), ("Sanne", "nl"))
    )
    for person, code in ((zahra, "fa_AF"), (farid, "fa_AF"), (sanne, "nl")):
        await joins(person, session, code, catalogs)

    dari = catalogs.get("fa_AF")
    group_question = dari.text(Msg("intake.group.say", "Which group do you belong to?"))
    thanks = dari.text(Msg("intake.joined.say", "Thank you! You are now taking part."))
    for person in (zahra, farid):
        (before, voice), (joined, thanked) = heard(person)
        assert group_question in before.content(), "the recording follows the question it reads"
        assert voice is not None and standin.world.files[voice].data == read_aloud
        assert thanks in joined.content() and QUESTION in joined.content() and thanked is not None, (
            "the thanks opens the ideas question's message, and its recording follows that message"
        )
    assert [v for _, v in heard(zahra)] == [v for _, v in heard(farid)], "uploaded once, then sent by file id"
    assert heard(sanne) == [], "nothing was supplied in Dutch"
