"""A facilitator who reads Dutch gets the room's Arabic and Tigrinya ideas in Dutch: by machine where the service
translates the language, by hand where it does not, each marked with where it came from; a service that is down
or slow never holds anyone up."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, time
from functools import partial
from pathlib import Path
from typing import TypeVar

import pytest
from playwright.async_api import Browser, expect

from bot.app import coord_texts as say
from bot.app import pool_texts, texts
from bot.app.action_texts import MACHINE_WORDS
from bot.app.board import MACHINE_MADE
from bot.config import Config
from bot.domain import Cadence, Phase, Schedule, Session
from bot.domain.pool import Pool
from bot.exports import load_results, report_data
from bot.i18n import Catalogs, native_name
from bot.i18n.bidi import unmarked
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.sandbox.world import ChatMessage
from bot.storage import Conn, actions, ideas, machine, people, pools, roles, translations
from bot.storage.ideas import IdeaCard
from bot.web import listening_socket, pages
from tests.databases import db_for, eventually
from tests.e2e.conftest import RunningBot, config_for
from tests.e2e.test_board import board_link
from tests.e2e.test_coordinators import create_by_wizard, join_with
from tests.mt_standins import LibreTranslateStandIn, libretranslate_standin
from tests.store import owned_session, read, write

T = TypeVar("T")
SERVICE = "LibreTranslate"
WORK_AR = "عمل"  # the stand-in knows this word: "werk"
YOUTH_TI = "ስራሕ ንመንእሰያት"  # work for young people; the service has no Tigrinya


@pytest.fixture
async def service() -> AsyncIterator[LibreTranslateStandIn]:
    """A LibreTranslate server the operator runs, on 127.0.0.1."""
    async with libretranslate_standin() as server:
        yield server


@pytest.fixture
async def translating_bot(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs, service: LibreTranslateStandIn
) -> AsyncIterator[RunningBot]:
    """The bot with LibreTranslate configured and its web pages on."""
    sock = listening_socket("127.0.0.1", 0)
    config = replace(translated_config(standin, tmp_path, service), web_port=sock.getsockname()[1])
    running = RunningBot(standin, config, catalogs, web=partial(pages, sock=sock))
    await running.start()
    yield running
    await running.stop()


def translated_config(standin: StandIn, tmp_path: Path, service: LibreTranslateStandIn) -> Config:
    """The bot's configuration with LibreTranslate as its translation service."""
    config = config_for(standin, db_for(tmp_path))
    return replace(config, translator="libretranslate", translator_url=service.url)


async def until(path: Path, look: Callable[[Conn], T | None], timeout: float = 10.0) -> T:
    """What `look` finds in the bot's database, once it finds something."""
    found: list[T] = []

    async def shows() -> bool:
        seen = await read(path, look)
        found[:] = [] if seen is None else [seen]
        return bool(found)

    await eventually(shows, "the bot's database showed it", timeout)
    return found[0]


def card_saying(session: Session, words: str) -> Callable[[Conn], IdeaCard | None]:
    return lambda conn: next((c for c in ideas.all_cards(conn, session.id) if c.text == words), None)


def translated(session: Session, words: str) -> Callable[[Conn], IdeaCard | None]:
    def look(conn: Conn) -> IdeaCard | None:
        card = card_saying(session, words)(conn)
        return card if card is not None and card.translation is not None else None

    return look


async def session_of(bot: RunningBot, coordinator: SandboxUser) -> Session:
    return await write(
        bot.config.db,
        lambda conn: owned_session(conn, coordinator.id, "Thuis in Assen", "Wat helpt u?", phase=Phase.COLLECTING),
    )


async def test_with_automatic_translation_the_coordinator_sorts_arabic_in_dutch_and_translates_tigrinya_by_hand(
    translating_bot: RunningBot, standin: StandIn, catalogs: Catalogs, browser: Browser
) -> None:
    nl = catalogs.get("nl")
    marloes = add_person(standin, "Marloes", "nl")
    session = await session_of(translating_bot, marloes)
    await marloes.send("/translate")
    picker = await marloes.reply()
    await marloes.press(nl.text(say.MACHINE_AUTO_OFF), picker)
    await standin.wait_until(lambda: picker.text == nl.render(say.MACHINE_AUTO_SWITCHED))

    amina, tesfay = add_person(standin, "Amina", "ar"), add_person(standin, "Tesfay", "ti")
    await join_with(amina, session.code, "ar", "newcomer", catalogs)
    told = catalogs.get("ar").render(texts.OUTSIDE_TRANSLATION.with_params(service=SERVICE)).lstrip("\u200f")
    assert any(told in m.text for m in amina.inbox), "the consent text says where their words go"
    await join_with(tesfay, session.code, "ti", "newcomer", catalogs)
    await amina.send(WORK_AR)
    await amina.reply()
    await tesfay.send(YOUTH_TI)
    await tesfay.reply()

    arabic = await until(translating_bot.config.db, translated(session, WORK_AR))
    assert (arabic.translation, arabic.translation_machine) == ("werk", SERVICE)
    tigrinya = await until(translating_bot.config.db, card_saying(session, YOUTH_TI))
    await until(translating_bot.config.db, lambda conn: machine.refused(conn, "idea", tigrinya.id) or None)

    link = await board_link(marloes)  # /sort: the board's link, then the first card
    card = marloes.inbox[-1]
    assert WORK_AR in card.content()
    assert nl.render(say.TRANSLATION_BY_MACHINE.with_params(service=SERVICE, text="werk")) in card.content()
    await marloes.press(nl.text(say.SKIP), card)
    second = await marloes.reply()
    assert YOUTH_TI in second.content() and nl.text(say.MACHINE_TRANSLATE) not in second.button_labels(), (
        "the service said it has no Tigrinya: no button that cannot work"
    )
    await marloes.press(nl.text(say.ANNOTATE), second)
    await marloes.reply()
    await marloes.send("Werk voor jongeren")
    await marloes.reply()  # saved
    again = await marloes.reply()
    assert nl.render(say.TRANSLATION_BY_PERSON.with_params(text="Werk voor jongeren")) in again.content()

    def corrector(conn: Conn) -> tuple[str | None, int | None, int | None]:
        found = conn.execute(
            "SELECT translation_machine, translation_by FROM idea WHERE id = ?", (tigrinya.id,)
        ).fetchone()
        coordinator = people.by_telegram(conn, marloes.id)
        return found[0], found[1], coordinator.id if coordinator else None

    machine_name, by, marloes_id = await read(translating_bot.config.db, corrector)
    assert machine_name is None and by == marloes_id, "kept with who wrote it"

    page = await (await browser.new_context(locale="nl")).new_page()
    await page.goto(link)
    arabic_card = page.locator(".card", has=page.locator(f".original:text-is('{WORK_AR}')"))
    await expect(arabic_card.locator(".written")).to_contain_text("werk")
    await expect(arabic_card.locator(".written .made")).to_have_text(
        unmarked(nl.text(MACHINE_MADE.with_params(service=SERVICE)))
    )
    tigrinya_card = page.locator(".card", has=page.locator(f".original:text-is('{YOUTH_TI}')"))
    await expect(tigrinya_card.locator(".written")).to_have_text("Werk voor jongeren")

    def report(conn: Conn) -> str:
        found = load_results(conn, session)
        data = report_data(found, ideas.for_export(conn, session.id), {}, {}, nl, translating_bot.config.zone)
        lines = {line.text: line for section in data.sections for line in section.ideas}
        assert (lines[WORK_AR].translation, lines[WORK_AR].machine) == ("werk", True)
        assert (lines[YOUTH_TI].translation, lines[YOUTH_TI].machine) == ("Werk voor jongeren", False)
        return "ok"

    assert await read(translating_bot.config.db, report) == "ok"


async def test_a_slow_translation_service_holds_nobody_up_and_the_idea_is_translated_once_it_answers(
    translating_bot: RunningBot, standin: StandIn, catalogs: Catalogs, service: LibreTranslateStandIn
) -> None:
    marloes = add_person(standin, "Marloes", "nl")
    session = await session_of(translating_bot, marloes)
    await write(translating_bot.config.db, lambda conn: machine.set_mode(conn, session.id, machine.AUTO))
    released = service.hang()
    amina = add_person(standin, "Amina", "ar")
    await join_with(amina, session.code, "ar", "newcomer", catalogs)
    await amina.send(WORK_AR)
    await service.wait_for(1)  # the service has the idea and does not answer
    receipt = await amina.reply()
    assert WORK_AR in receipt.content(), "her idea is confirmed while the service hangs"
    await amina.send("بيت")
    assert "بيت" in (await amina.reply()).content(), "and the next one too"
    released.set()
    first = await until(translating_bot.config.db, translated(session, WORK_AR))
    second = await until(translating_bot.config.db, translated(session, "بيت"))
    assert (first.translation, second.translation) == ("werk", "huis")


async def test_on_demand_a_coordinator_asks_for_one_idea_and_for_drafts_of_the_session_texts_then_confirms_them(
    translating_bot: RunningBot, standin: StandIn, catalogs: Catalogs, service: LibreTranslateStandIn
) -> None:
    nl = catalogs.get("nl")
    marloes = add_person(standin, "Marloes", "nl")
    session = await session_of(translating_bot, marloes)
    amina = add_person(standin, "Amina", "ar")
    await join_with(amina, session.code, "ar", "newcomer", catalogs)
    await amina.send(WORK_AR)
    await amina.reply()

    await board_link(marloes)
    card = marloes.inbox[-1]
    assert WORK_AR in card.content() and service.seen() == [], "on demand: nothing is sent before she asks"
    query = await marloes.press(nl.text(say.MACHINE_TRANSLATE), card)
    assert (await marloes.answer(query))["text"] == nl.render(say.MACHINE_ASKED)
    done = await marloes.reply()
    assert done.text == nl.render(say.MACHINE_IDEA_DONE.with_params(original=WORK_AR, text="werk"))

    await marloes.send("/translate")
    picker = await marloes.reply()
    await marloes.press(nl.text(say.MACHINE_DRAFT_ALL), picker)
    assert (await marloes.reply()).text == nl.render(say.MACHINE_DRAFTS_ASKED.with_params(service=SERVICE))
    ready = await marloes.reply()
    assert ready.text.startswith(nl.render(say.MACHINE_DRAFTS_DONE.with_params(count=0)).split("(")[0])
    refused = await marloes.reply()
    assert native_name("ti") in refused.text and native_name("ar") not in refused.text, "told what it lacks"
    drafted = await read(translating_bot.config.db, lambda conn: translations.machine_made(conn, session.id))
    assert ("title", "ar") in drafted and ("title", "ti") not in drafted, "no Tigrinya at this service"

    await marloes.send("/translate")
    picker = await marloes.reply()
    await marloes.press(next(label for label in picker.button_labels() if native_name("ar") in unmarked(label)), picker)
    draft = await marloes.reply()
    assert "[ar] Thuis in Assen" in draft.content() and SERVICE in draft.content()
    await marloes.press(0, draft)  # yes, keep it
    await marloes.reply()
    known = await read(translating_bot.config.db, lambda conn: translations.of_session(conn, session.id))
    unconfirmed = await read(translating_bot.config.db, lambda conn: translations.machine_made(conn, session.id))
    assert known[("title", "ar")] == "[ar] Thuis in Assen" and ("title", "ar") not in unconfirmed


async def test_an_arabic_owners_check_in_answers_reach_the_coordinator_in_dutch_marked_as_machine_made(
    translating_bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    nl = catalogs.get("nl")
    marloes = add_person(standin, "Marloes", "nl")
    session = await session_of(translating_bot, marloes)
    now = datetime.now(UTC)

    def stuck_owner(conn: Conn) -> int:
        machine.set_mode(conn, session.id, machine.AUTO)
        owner = people.ensure(conn, 880001)
        people.set_locale(conn, owner.id, "ar")
        action = actions.create(conn, session.id, "Taalcafé", "", [], Schedule(now.date(), Cadence.MONTHLY), "h")
        actions.accept(conn, owner.id, action, time(10), [(1, now)], now, "P-OWNER")
        answer = {"action": action.id, "period": 1, "status": "stuck", "note": WORK_AR, "help": "بيت"}
        actions.record_answer(conn, session.id, answer, now)
        return action.id

    action_id = await write(translating_bot.config.db, stuck_owner)
    alert = await marloes.reply(timeout=10)
    assert "بيت" in alert.content(), "the alert, with the owner's own words"
    answered = await until(
        translating_bot.config.db,
        lambda conn: next((c for c in actions.checkins(conn, action_id) if c.note_translation), None),
    )
    assert (answered.note_translation, answered.help_translation, answered.translation_machine) == (
        "werk",
        "huis",
        SERVICE,
    )
    await marloes.send("/agenda")
    agenda = await marloes.sees(lambda m: WORK_AR in m.content())
    assert nl.render(MACHINE_WORDS.with_params(service=SERVICE, text="werk")).strip() in agenda.content()


async def test_the_new_session_wizard_ends_offering_machine_drafts_of_the_title_and_question(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs, service: LibreTranslateStandIn
) -> None:
    nl = catalogs.get("nl")
    marloes = add_person(standin, "Marloes", "nl")
    running = RunningBot(standin, translated_config(standin, tmp_path, service), catalogs)
    await running.start()
    try:
        await write(running.config.db, lambda conn: roles.make_coordinator(conn, marloes.id))
        await create_by_wizard(marloes, standin, catalogs)
        offer = next(m for m in marloes.inbox if m.text == nl.render(say.TRANSLATE_OFFER))
        await marloes.press(nl.text(say.MACHINE_DRAFT_ALL), offer)
        assert (await marloes.sees(lambda m: SERVICE in (m.text or ""))).text == nl.render(
            say.MACHINE_DRAFTS_ASKED.with_params(service=SERVICE)
        )
    finally:
        await running.stop()


async def test_a_pools_words_are_drafted_by_machine_in_every_language_and_confirmed_from_its_overview(
    translating_bot: RunningBot, standin: StandIn, catalogs: Catalogs, service: LibreTranslateStandIn
) -> None:
    nl = catalogs.get("nl")
    marloes = add_person(standin, "Marloes", "nl")

    def make_pool(conn: Conn) -> Pool:
        owner = roles.make_coordinator(conn, marloes.id).participant.id
        return pools.create(conn, owner, "Nieuwkomerspanel", "Drenthe", "Advies.", ("reception",), ("years",), 2, "nl")

    db = translating_bot.config.db
    pool = await write(db, make_pool)

    async def pick_language(code: str | None) -> ChatMessage:
        await marloes.send("/pool")
        await marloes.press(0, await marloes.reply())
        overview = await marloes.reply()
        await marloes.press(nl.text(pool_texts.TRANSLATE_BUTTON), overview)
        picker = await marloes.reply()
        if code is None:
            return picker
        await marloes.press(next(label for label in picker.button_labels() if native_name(code) in unmarked(label)))
        return await marloes.reply()

    picker = await pick_language(None)
    await marloes.press(nl.text(say.MACHINE_DRAFT_ALL), picker)
    assert (await marloes.reply()).text == nl.render(say.MACHINE_DRAFTS_ASKED.with_params(service=SERVICE))
    ready = await marloes.reply()
    assert ready.text.startswith(nl.render(pool_texts.MACHINE_DRAFTS_DONE.with_params(count=0)).split("(")[0])
    refused = await marloes.reply()
    assert native_name("ti") in refused.text and native_name("ar") not in refused.text, "told what it lacks"
    drafted = await read(db, lambda conn: pools.machine_made(conn, pool.id))
    assert drafted[("name", "ar")] == SERVICE and ("name", "ti") not in drafted and ("name", "nl") not in drafted

    draft = await pick_language("ar")
    assert "[ar] Nieuwkomerspanel" in draft.content() and SERVICE in draft.content()
    await marloes.press(0, draft)  # yes, keep it
    await marloes.reply()  # thank you
    region = await marloes.reply()
    assert "[ar] Drenthe" in region.content()
    await marloes.press(1, region)  # no, I will write it
    await marloes.reply()
    await marloes.send("درينته")
    await marloes.replies(2)  # thank you, then the description's draft
    await marloes.send("/cancel")

    known = await read(db, lambda conn: pools.translations_of(conn, pool.id))
    unconfirmed = await read(db, lambda conn: pools.machine_made(conn, pool.id))
    assert known[("name", "ar")] == "[ar] Nieuwkomerspanel" and ("name", "ar") not in unconfirmed, "kept: confirmed"
    assert known[("region", "ar")] == "درينته" and ("region", "ar") not in unconfirmed, "rewritten by her"
    assert ("description", "ar") in unconfirmed, "not yet looked at: still the machine's"
