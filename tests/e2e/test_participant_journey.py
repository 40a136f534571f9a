"""Newcomers join a session by its link, consent, pick their group and give ideas in their own language."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app.participation import IDEA_EDITED, JOIN_UNKNOWN, NOT_COLLECTING
from bot.conversation import load_flow
from bot.conversation.machine import EXPIRED, ONLY_TEXT_KEPT, TEXT_OR_VOICE, TOO_LONG
from bot.domain import DEFAULT_GROUPS, Msg, Phase, Session, groups_from_names
from bot.i18n import SUPPORTED, Catalogs, native_name
from bot.i18n.bidi import RLM
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.storage import ideas, members, sessions
from bot.storage.ideas import IdeaRecord
from bot.storage.members import MemberRecord
from tests.e2e.conftest import RunningBot
from tests.store import read, write


@dataclass
class Store:
    """A second connection to the bot's database, as an inspector would open it."""

    path: Path

    async def ideas(self, session: Session) -> list[IdeaRecord]:
        return await read(self.path, lambda conn: ideas.of_session(conn, session.id))

    async def members(self, session: Session) -> list[MemberRecord]:
        return await read(self.path, lambda conn: members.members(conn, session.id))


@pytest.fixture
async def store(bot: RunningBot) -> Store:
    return Store(bot.config.db)


def made_session(
    path: Path,
    title: str,
    question: str,
    groups: list[str],
    languages: tuple[str, ...],
    idea_limit: int,
    phase: Phase = Phase.COLLECTING,
) -> Awaitable[Session]:
    """A session made the way `inspraak session create` makes one."""
    made = groups_from_names(groups)
    return write(
        path, lambda conn: sessions.create(conn, title, question, made, languages, idea_limit, phase, None, "ranking")
    )


@pytest.fixture
async def session(bot: RunningBot) -> Session:
    return await made_session(
        bot.config.db,
        "Samen in Assen",
        "Wat helpt jou het meest om je thuis te voelen?",
        ["newcomer", "professional", "resident"],
        SUPPORTED,
        idea_limit=3,
    )


def flow_text(catalogs: Catalogs, locale: str, context: str, source: str, **params: object) -> str:
    """A flow text as the person should see it."""
    return catalogs.get(locale).render(Msg(context, source, params))


def ideas_text(catalogs: Catalogs, locale: str, field: str, **params: object) -> str:
    """One of the ideas question's replies (`collect.<field>`) as the person should see it, from the flow itself."""
    collect = load_flow(Path("flows/ideas.yaml")).nodes["ask"].collect
    assert collect is not None
    return catalogs.get(locale).render(Msg(f"ideas.ask.collect.{field}", getattr(collect, field), params))


async def join(person: SandboxUser, session: Session, language: str, group: str, catalogs: Catalogs) -> None:
    """Open the link, pick a language and a group, and agree: the whole intake."""
    await person.start(session.code)
    await person.reply()
    await join_rest(person, session, language, group, catalogs)


async def join_rest(person: SandboxUser, session: Session, language: str, group: str, catalogs: Catalogs) -> None:
    """The intake after the language question was asked: the language, consent and the group."""
    await person.press(native_name(language))
    consent = await person.reply()
    assert consent.text is not None and session.title in consent.text
    await person.press(0, consent)
    await person.reply()
    await person.press(catalogs.get(language).text(DEFAULT_GROUPS[group]))
    joined = await person.reply()  # "you are taking part" and the question, one message with the "Done" button
    thanks = catalogs.get(language).text(Msg("intake.joined.say", "Thank you! You are now taking part."))
    assert joined.text is not None and joined.text.lstrip("\u200f").startswith(thanks)
    assert session.question in joined.text and joined.buttons


async def test_three_newcomers_give_exactly_the_ideas_they_meant_in_their_own_languages(
    bot: RunningBot, standin: StandIn, session: Session, catalogs: Catalogs, store: Store
) -> None:
    sanne = add_person(standin, "Sanne", "nl")
    amal = add_person(standin, "Amal", "ar")
    olena = add_person(standin, "Olena", "uk")
    await join(sanne, session, "nl", "professional", catalogs)
    await join(amal, session, "ar", "newcomer", catalogs)
    await join(olena, session, "uk", "resident", catalogs)

    # Amal: markup, emoji and mixed direction are kept byte-exact and echoed back safely.
    tricky = "<b>اللغة</b> أولاً *first* `code` [x](y) 👋🏽 & 1 < 2"
    await amal.send(tricky)
    receipt = await amal.reply()
    assert receipt.text is not None and receipt.text.startswith(RLM) and tricky in receipt.text
    await amal.voice(duration=12)
    voice_receipt = await amal.reply()
    await amal.press(0, voice_receipt)  # undo the voice note
    await amal.reply(timeout=0.2) if amal.unread() else None
    await amal.sticker()
    assert (await amal.reply()).text == catalogs.get("ar").render(TEXT_OR_VOICE)
    await amal.send("ب" * 5000)
    assert (await amal.reply()).text == catalogs.get("ar").render(TOO_LONG.with_params(max=1000))
    forged = await amal.press_data("ask:undo.99", receipt)
    assert (await amal.answer(forged))["text"] == catalogs.get("ar").text(EXPIRED)
    stale = await amal.press_data("group:resident", receipt)
    assert (await amal.answer(stale))["text"] == catalogs.get("ar").text(EXPIRED)

    # Olena hits the limit of three ideas; a fourth is not taken.
    for n in range(1, 4):
        await olena.send(f"Ідея номер {n}")
        await olena.reply()
    limit = await olena.reply()
    assert limit.text == flow_text(
        catalogs,
        "uk",
        "ideas.ask.collect.limit_reached",
        "You have sent {limit} ideas, the most for this session. Thank you!",
        limit=3,
    )
    await olena.send("Ідея номер 4")
    assert (await olena.reply()).text == ideas_text(catalogs, "uk", "over_limit", limit=3), "told it was not kept"

    # Sanne sends one idea and a voice note, then taps Done.
    await sanne.send("Taalcafé op zaterdag")
    await sanne.reply()
    await sanne.voice(duration=4)
    done_here = await sanne.reply()
    await sanne.press(1, done_here)
    assert (await sanne.reply()).text == ideas_text(catalogs, "nl", "after_done", limit=3)

    ideas = await store.ideas(session)
    given = sorted((i.group_id, i.kind, i.text, i.voice_duration) for i in ideas)
    assert given == sorted(
        [
            ("newcomer", "text", tricky, None),
            ("resident", "text", "Ідея номер 1", None),
            ("resident", "text", "Ідея номер 2", None),
            ("resident", "text", "Ідея номер 3", None),
            ("professional", "text", "Taalcafé op zaterdag", None),
            ("professional", "voice", None, 4),
        ]
    )
    assert {i.language for i in ideas if i.group_id == "newcomer"} == {"ar"}
    members = await store.members(session)
    assert sorted((m.group_id, m.locale, m.consented) for m in members) == [
        ("newcomer", "ar", True),
        ("professional", "nl", True),
        ("resident", "uk", True),
    ]
    assert all(m.pseudonym.startswith("P-") for m in members)


async def test_a_restart_in_the_middle_resumes_everyone_at_the_same_step(
    bot: RunningBot, standin: StandIn, session: Session, catalogs: Catalogs, store: Store
) -> None:
    sanne = add_person(standin, "Sanne", "nl")
    amal = add_person(standin, "Amal", "ar")
    await sanne.start(session.code)
    await sanne.reply()
    await sanne.press("Nederlands")
    consent = await sanne.reply()
    await join(amal, session, "ar", "newcomer", catalogs)
    await amal.send("فكرة قبل إعادة التشغيل")
    await amal.reply()

    await bot.restart()

    await sanne.press(0, consent)  # the consent buttons from before the restart still work
    group_question = await sanne.reply()
    assert group_question.button_labels() == [catalogs.get("nl").text(g) for g in DEFAULT_GROUPS.values()]
    await amal.send("/start")  # "where was I?" re-asks the current question, and says how far she is
    again, _so_far = await amal.replies(2)
    assert again.button_labels() == [catalogs.get("ar").text(Msg("ideas.ask.collect.done", "Done"))]
    await amal.send("فكرة بعد إعادة التشغيل")
    assert "2" in (await amal.reply()).content()
    assert [i.text for i in await store.ideas(session)] == ["فكرة قبل إعادة التشغيل", "فكرة بعد إعادة التشغيل"]


async def test_joining_twice_resumes_and_never_makes_a_second_participant(
    bot: RunningBot, standin: StandIn, session: Session, catalogs: Catalogs, store: Store
) -> None:
    olena = add_person(standin, "Olena", "uk")
    await join(olena, session, "uk", "newcomer", catalogs)
    await olena.start(session.code)
    assert (await olena.reply()).button_labels() == [catalogs.get("uk").text(Msg("ideas.ask.collect.done", "Done"))]
    assert len(await store.members(session)) == 1


async def test_an_unknown_code_gets_a_kind_answer_and_stores_nothing(
    bot: RunningBot, standin: StandIn, session: Session, catalogs: Catalogs, store: Store
) -> None:
    dawit = add_person(standin, "Dawit", "ti")
    await dawit.start("ZZZZZZ")
    assert (await dawit.reply()).text == catalogs.get("ti").render(JOIN_UNKNOWN)
    await dawit.start("not-a-code!")
    assert (await dawit.reply()).text == catalogs.get("ti").render(JOIN_UNKNOWN)
    assert await bot.participant_locale(dawit) is None
    assert await store.members(session) == []


async def test_declining_consent_ends_politely_and_keeps_nothing(
    bot: RunningBot, standin: StandIn, session: Session, catalogs: Catalogs, store: Store
) -> None:
    farid = add_person(standin, "Farid", "fa-AF")
    await farid.start(session.code)
    picker = await farid.reply()
    assert picker.button_labels()[0] == "دری"
    await farid.press("دری")
    await farid.reply()
    await farid.press(1)  # "No, thank you"
    goodbye = await farid.reply()
    assert goodbye.text == flow_text(
        catalogs,
        "fa_AF",
        "intake.declined.say",
        "No problem. Nothing about you has been kept. If you change your mind, open the link again.",
    )
    assert await store.members(session) == []
    assert await bot.participant_locale(farid) is None


async def test_changing_language_mid_way_re_asks_the_question_in_the_new_language(
    bot: RunningBot, standin: StandIn, session: Session, catalogs: Catalogs
) -> None:
    sanne = add_person(standin, "Sanne", "nl")
    await sanne.start(session.code)
    await sanne.reply()
    await sanne.press("Nederlands")
    await sanne.reply()
    await sanne.send("/language")
    await sanne.reply()
    await sanne.press("العربية")
    consent_again = await sanne.reply()
    assert consent_again.text is not None and consent_again.text.startswith(RLM)
    assert consent_again.button_labels()[0] == catalogs.get("ar").text(
        Msg("intake.consent.options.agree", "Yes, I agree")
    )


async def test_editing_an_idea_updates_it_instead_of_adding_one(
    bot: RunningBot, standin: StandIn, session: Session, catalogs: Catalogs, store: Store
) -> None:
    sanne = add_person(standin, "Sanne", "nl")
    await join(sanne, session, "nl", "resident", catalogs)
    sent = await sanne.send("Meer buurthuizen")
    await sanne.reply()
    await sanne.edit(sent, "Meer buurthuizen, ook in het weekend")
    assert (await sanne.reply()).text == catalogs.get("nl").render(
        IDEA_EDITED.with_params(idea="Meer buurthuizen, ook in het weekend")
    )
    assert [i.text for i in await store.ideas(session)] == ["Meer buurthuizen, ook in het weekend"]


async def test_the_link_of_a_closed_session_gets_the_same_kind_answer_and_stores_nothing(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, store: Store
) -> None:
    closed = await made_session(bot.config.db, "Afgerond", "Wat vond je?", ["newcomer"], ("nl", "ar"), 5, Phase.CLOSED)
    amal = add_person(standin, "Amal", "ar")
    await amal.start(closed.code)
    assert (await amal.reply()).text == catalogs.get("ar").render(JOIN_UNKNOWN)
    assert await store.members(closed) == []


async def test_in_a_three_language_session_the_language_command_offers_those_three_languages(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    small = await made_session(bot.config.db, "Buurt", "Wat mist er?", ["newcomer"], ("nl", "ar", "ti"), 3)
    amal = add_person(standin, "Amal", "ar")
    await amal.start(small.code)
    first = await amal.reply()
    assert sorted(first.button_labels()) == sorted(native_name(c) for c in ("nl", "ar", "ti"))
    await join_rest(amal, small, "ar", "newcomer", catalogs)
    await amal.send("/language")
    picker = await amal.reply()
    assert picker.button_labels() == ["العربية", "Nederlands", "ትግርኛ"], "hers first, then the session's others"
    await amal.press("ትግርኛ", picker)
    assert (await amal.reply()).text is not None
    assert await bot.participant_locale(amal) == "ti"

    loner = add_person(standin, "Noor", "nl")
    await loner.send("/language")
    assert len((await loner.reply()).button_labels()) == len(SUPPORTED), "outside a session: every language"


async def test_after_done_a_participant_adds_ideas_from_a_second_round_until_the_limit_and_start_shows_where_they_are(
    bot: RunningBot, standin: StandIn, session: Session, catalogs: Catalogs, store: Store
) -> None:
    amal = add_person(standin, "Amal", "ar")
    await join(amal, session, "ar", "newcomer", catalogs)
    await amal.send("دروس اللغة")
    receipt = await amal.reply()
    await amal.press(1, receipt)  # Done, after the first round
    assert (await amal.reply()).text == ideas_text(catalogs, "ar", "after_done", limit=3)
    await standin.wait_until(lambda: not receipt.buttons)

    # The table discussion gives her a second idea.
    await amal.send("/start")
    question, so_far = await amal.replies(2)
    assert question.buttons, "the question, with Done, as when it was first asked"
    assert so_far.text == ideas_text(catalogs, "ar", "so_far", n=1, limit=3)
    await amal.send("عمل تطوعي")
    assert "عمل تطوعي" in (await amal.reply()).content()
    await amal.voice(duration=5)
    _receipt, limit = await amal.replies(2)
    assert limit.text == ideas_text(catalogs, "ar", "limit_reached", limit=3)
    await amal.send("واحدة أخرى")
    assert (await amal.reply()).text == ideas_text(catalogs, "ar", "over_limit", limit=3)

    kept = await store.ideas(session)
    assert sorted((i.kind, i.text) for i in kept if i.kind == "text") == [("text", "دروس اللغة"), ("text", "عمل تطوعي")]
    assert len(kept) == 3, "two typed ideas and the voice note; the fourth message was not kept"

    # Once the session moves on, a message is answered plainly: not kept.
    await write(bot.config.db, lambda conn: sessions.set_phase(conn, session.id, Phase.SORTING))
    await amal.send("فكرة متأخرة")
    assert (await amal.reply()).text == catalogs.get("ar").render(NOT_COLLECTING)
    assert len(await store.ideas(session)) == 3


async def test_a_photo_with_a_caption_becomes_an_idea_from_its_words_and_the_person_is_told_the_photo_was_not_kept(
    bot: RunningBot, standin: StandIn, session: Session, catalogs: Catalogs, store: Store
) -> None:
    dawit = add_person(standin, "Dawit", "ti")
    await join(dawit, session, "ti", "newcomer", catalogs)
    await dawit.photo(caption="ናይ ቋንቋ ትምህርቲ")
    receipt, note = await dawit.replies(2)
    assert "ናይ ቋንቋ ትምህርቲ" in receipt.content() and receipt.buttons, "the words are the idea, with Undo and Done"
    assert note.text == catalogs.get("ti").render(ONLY_TEXT_KEPT)
    await dawit.photo()
    assert (await dawit.reply()).text == catalogs.get("ti").render(TEXT_OR_VOICE), "a photo alone: text or voice"
    kept = await store.ideas(session)
    assert [(i.kind, i.text) for i in kept] == [("text", "ናይ ቋንቋ ትምህርቲ")]


async def test_only_the_latest_receipt_keeps_undo_and_done_so_old_keyboards_do_not_pile_up(
    bot: RunningBot, standin: StandIn, session: Session, catalogs: Catalogs, store: Store
) -> None:
    sanne = add_person(standin, "Sanne", "nl")
    await join(sanne, session, "nl", "resident", catalogs)
    question = sanne.inbox[-1]
    assert question.buttons, "the question comes with Done"

    await sanne.send("Taalcafé")
    first = await sanne.reply()
    await standin.wait_until(lambda: not question.buttons)
    await sanne.send("Buurtfeest")
    second = await sanne.reply()
    await standin.wait_until(lambda: not first.buttons)
    assert len(second.buttons[0]) == 2, "Undo and Done, on the newest receipt only"
    assert [m for m in sanne.inbox if m.buttons] == [second]

    await sanne.press(0, second)  # Undo: the idea goes, and Done stays at hand
    undone = catalogs.get("nl").render(Msg("engine.undone", "Your last idea was taken back."))
    await standin.wait_until(lambda: second.text == undone)
    assert second.button_labels() == [ideas_text(catalogs, "nl", "done")]
    assert [i.text for i in await store.ideas(session)] == ["Taalcafé"]
