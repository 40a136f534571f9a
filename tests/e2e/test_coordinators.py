"""A coordinator runs a live session from the chat: invited by an admin, creates, sorts, translates, moves on."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from bot.app import coord_texts as say
from bot.app import texts
from bot.app.dispatch import COMMANDS, Access
from bot.app.participation import COLLECTING_OPENED, JOIN_UNKNOWN
from bot.conversation import load_flow
from bot.domain import DEFAULT_GROUPS, Msg, NewIdea, Phase, Session
from bot.i18n import Catalogs, native_name
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.storage import Conn, ideas, members, people, roles, sessions, themes
from bot.storage.ideas import Counts, IdeaCard
from tests.e2e.conftest import RunningBot
from tests.store import owned_session, read, write

COORDINATOR_COMMANDS = sorted(name for name, route in COMMANDS.items() if route.access is not Access.ANYONE)


class Inspector:
    """Reads the bot's database through a second connection, as an auditor would."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def session(self, code: str) -> Session:
        found = await read(self.path, lambda conn: sessions.by_code(conn, code))
        assert found is not None
        return found

    async def counts(self, session: Session) -> Counts:
        return await read(self.path, lambda conn: ideas.counts(conn, session.id))

    async def themes(self, session: Session) -> dict[str, int]:
        return {t.name: t.id for t in await read(self.path, lambda conn: themes.of_session(conn, session.id))}

    async def hidden(self, session: Session) -> list[IdeaCard]:
        return await read(self.path, lambda conn: ideas.hidden(conn, session.id))


NL = "nl"


def nl(catalogs: Catalogs, message: Msg) -> str:
    return catalogs.get(NL).render(message)


def flow_text(catalogs: Catalogs, locale: str, flow_id: str, node: str, **params: object) -> str:
    """A flow node's question as the person should see it, from the flow file itself."""
    say_text = load_flow(Path(f"flows/{flow_id}.yaml")).nodes[node].say
    return catalogs.get(locale).render(Msg(f"{flow_id}.{node}.say", say_text, params))


def label(catalogs: Catalogs, context: str, source: str, locale: str = NL) -> str:
    return catalogs.get(locale).text(Msg(context, source))


async def become_coordinator(admin: SandboxUser, person: SandboxUser, catalogs: Catalogs) -> str:
    await admin.send("/invite_coordinator")
    await admin.reply()
    invite = (await admin.reply()).content()
    token = re.search(r"start=(inv_[A-Za-z0-9_-]{22})", invite)
    assert token is not None, invite
    await person.start(token.group(1))
    assert (await person.reply()).text == nl(catalogs, say.WELCOME_COORDINATOR)
    return token.group(1)


async def create_by_wizard(
    coordinator: SandboxUser, standin: StandIn, catalogs: Catalogs, locale: str = NL
) -> tuple[str, str]:
    """Run /new with taps and two answers written in Dutch, the coordinator's app in `locale`; returns the join link
    from the text and the one in the QR code."""
    await coordinator.send("/new")
    await coordinator.reply()
    await coordinator.send("Thuis in Assen")
    await coordinator.reply()
    await coordinator.send("Wat helpt jou het meest om je thuis te voelen in Assen?")
    asked = await coordinator.reply()
    assert native_name("nl") in asked.button_labels(), "which language the title and question are written in"
    await coordinator.press(native_name("nl"), asked)
    await coordinator.replies(1)
    await coordinator.press(label(catalogs, "new_session.groups.options.usual", "Use the usual groups", locale))
    await coordinator.replies(1)
    await coordinator.press(label(catalogs, "new_session.languages.options.all", "All languages", locale))
    await coordinator.replies(1)
    await coordinator.press(label(catalogs, "new_session.idea_limit.options.n5", "5", locale))
    await coordinator.replies(1)
    await coordinator.press(0)  # ranking
    # "ready" with the code, the link on its own, the join sheet to project, the same sheet as an A4 PDF to print
    created = await coordinator.replies(4)
    details = created[2].content()
    link = re.fullmatch(r"https://t\.me/\S+", details)
    assert link is not None, details
    photo = created[3].media["photo"][0]
    png = standin.world.files[photo["file_id"]].data
    image = Image.open(io.BytesIO(png))
    assert min(image.size) >= 400, "large enough to project"
    assert abs(image.size[1] / image.size[0] - 2**0.5) < 0.01, "an A4 page, upright"
    decoded = zxingcpp.read_barcodes(image)
    assert decoded, "the QR code decodes"
    printable = (await coordinator.reply()).media["document"]
    assert printable["file_name"] == f"join-{link.group(0).rsplit('=', 1)[1]}.pdf"
    assert standin.world.files[printable["file_id"]].data.startswith(b"%PDF")
    offer = await coordinator.reply()  # then, since it offers more languages than it is written in: translate it
    assert offer.text == catalogs.get(locale).render(say.TRANSLATE_OFFER)
    return link.group(0), decoded[0].text


async def next_phase(
    coordinator: SandboxUser,
    standin: StandIn,
    catalogs: Catalogs,
    told: tuple[Phase, int] | None = None,
    title: str = "Thuis in Assen",
) -> None:
    """/phase, tap "move on", then confirm once the question is there; when the move tells the participants (`told`:
    the phase and how many), the coordinator hears that they are being told and then how many were, none missed."""
    await coordinator.send("/phase")
    offer = await coordinator.reply()
    await coordinator.press(0, offer)
    theirs = catalogs.get(coordinator.person.language_code or NL)  # the language of the coordinator's app
    yes = theirs.text(say.CONFIRM)
    await standin.wait_until(lambda: yes in offer.button_labels())
    await coordinator.press(yes, offer)
    await standin.wait_until(lambda: not offer.buttons)
    if told is None:
        return
    phase, count = told
    assert (await coordinator.reply()).text == theirs.render(say.TELLING)
    report = say.TOLD.with_params(title=title, phase=phase.label, told=count, unreached=0)
    assert (await coordinator.reply()).text == theirs.render(report), "the tally comes later, in their language"


async def join_with(person: SandboxUser, code: str, language: str, group: str, catalogs: Catalogs) -> None:
    await person.start(code)
    await person.reply()
    await person.press(native_name(language))
    await person.reply()
    await person.press(0)
    await person.reply()
    await person.press(catalogs.get(language).text(DEFAULT_GROUPS[group]))
    while not (await person.reply()).buttons:  # "you are taking part", perhaps "not started yet", the question
        pass


async def test_an_invited_coordinator_runs_a_whole_session_from_the_chat(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser
) -> None:
    inspector = Inspector(bot.config.db)
    marloes = add_person(standin, "Marloes", "nl")
    await become_coordinator(admin, marloes, catalogs)

    link, qr_link = await create_by_wizard(marloes, standin, catalogs)
    assert qr_link == link
    code = link.rsplit("=", 1)[1]
    session = await inspector.session(code)
    assert (session.title, session.phase, session.idea_limit, session.source_locale) == (
        "Thuis in Assen",
        Phase.DRAFT,
        5,
        "nl",
    )

    # Amal scans the projected code before the session opens: she is told it has not started, her idea is kept,
    # and she hears when it opens. Marloes hears how many were told.
    amal, olena, sanne = (
        add_person(standin, "Amal", "ar"),
        add_person(standin, "Olena", "uk"),
        add_person(standin, "Sanne", "nl"),
    )
    await amal.start(code)
    await amal.reply()
    await amal.press(native_name("ar"))
    await amal.reply()
    await amal.press(0)
    await amal.reply()
    await amal.press(catalogs.get("ar").text(DEFAULT_GROUPS["newcomer"]))
    early, question = await amal.replies(2)  # "you are taking part" opens the first
    untranslated_title = say.UNTRANSLATED.with_params(original="Thuis in Assen")
    taking_part = catalogs.get("ar").render(Msg("intake.joined.say", "Thank you! You are now taking part."))
    not_started = flow_text(catalogs, "ar", "ideas", "early", title=untranslated_title)
    assert early.text is not None and early.text.startswith(taking_part + "\n\n")
    assert early.text.endswith(not_started.lstrip("\u200f"))
    assert question.buttons, "the question can be answered already"
    await amal.send("دروس اللغة")
    assert "دروس اللغة" in (await amal.reply()).content(), "the idea is received, not turned away"
    assert (await inspector.counts(session)).unsorted == 1

    await next_phase(marloes, standin, catalogs, told=(Phase.COLLECTING, 1))
    assert (await inspector.session(code)).phase is Phase.COLLECTING
    opened = await amal.reply()
    question_text = "Wat helpt jou het meest om je thuis te voelen in Assen?"
    assert opened.text == catalogs.get("ar").render(
        COLLECTING_OPENED.with_params(
            title=untranslated_title, question=say.UNTRANSLATED.with_params(original=question_text)
        )
    )

    await join_with(olena, code, "uk", "resident", catalogs)
    for idea in ("Мовні курси", "Робота"):
        await olena.send(idea)
        await olena.reply()
    await join_with(sanne, code, "nl", "professional", catalogs)
    for idea in ("Taalcafé", "spam spam spam"):
        await sanne.send(idea)
        await sanne.reply()
    await sanne.voice(duration=6)
    await sanne.reply()

    # Three themes in one message, one per line, an emoji first where wanted.
    await marloes.send("/themes")
    await marloes.reply()
    await marloes.press(label(catalogs, "themes.add", "Add a theme"))
    await marloes.reply()
    await marloes.send("🗣️ Taal\nWerk\n🤝 Ontmoeten")
    await marloes.reply()  # added
    listed = await marloes.reply()
    assert listed.content().splitlines()[1:] == ["• 🗣️ Taal", "• Werk", "• 🤝 Ontmoeten"]

    # Sorting, one card at a time.
    await marloes.send("/sort")
    card = await marloes.reply()
    assert "دروس اللغة" in card.content() and catalogs.get("nl").language_name("ar") in card.content()
    await marloes.press("🗣️ Taal")
    card = await marloes.reply()
    assert "Мовні курси" in card.content()
    await marloes.press(label(catalogs, "sort.duplicate", "Duplicate of…"))
    originals = await marloes.reply()
    assert originals.button_labels() == ["🗣️ Taal (1)"], "first the theme of the idea it repeats, with its count"
    await marloes.press("🗣️ Taal (1)", originals)
    await standin.wait_until(lambda: "دروس اللغة" in originals.button_labels())
    await marloes.press("دروس اللغة", originals)
    card = await marloes.reply()
    assert "Робота" in card.content()
    await marloes.press("Werk")
    card = await marloes.reply()
    assert "Taalcafé" in card.content()
    await marloes.press("🗣️ Taal")
    card = await marloes.reply()
    assert "spam" in card.content()
    await marloes.press(label(catalogs, "sort.hide", "Hide"))
    await marloes.reply()
    await marloes.press(label(catalogs, "hide.reason.options.other", "Other…"))  # a reason of her own
    await marloes.reply()
    await marloes.send("reclame")
    await marloes.reply()
    voice = await marloes.reply()
    assert voice.media["voice"]["file_id"], "the coordinator can listen to the voice message"
    card = await marloes.reply()
    assert card.text is not None and "6" in card.text  # the voice note, with its length
    await marloes.press(label(catalogs, "sort.annotate", "Write down / translate"))
    await marloes.reply()
    await marloes.send("Buurthuis ook in het weekend open")
    await marloes.reply()
    card = await marloes.reply()
    assert "Buurthuis ook in het weekend open" in card.content()
    await marloes.press("🤝 Ontmoeten")
    assert (await marloes.reply()).text == nl(catalogs, say.SORT_DONE)

    status = await inspector.counts(session)
    named = await inspector.themes(session)
    hidden = await inspector.hidden(session)
    assert status.by_theme == {named["Taal"]: 3, named["Werk"]: 1, named["Ontmoeten"]: 1}
    assert (status.unsorted, status.hidden, status.voice_untranscribed) == (0, 1, 0)
    assert [(h.text, h.hidden_reason) for h in hidden] == [("spam spam spam", "reclame")]

    # The question in Arabic: the Arabic participant sees it once it is translated.
    await amal.send("/start")
    before, so_far = await amal.replies(2)  # the question, and how many ideas she has sent
    assert so_far.text == catalogs.get("ar").render(
        Msg(
            "ideas.ask.collect.so_far",
            load_flow(Path("flows/ideas.yaml")).nodes["ask"].collect.so_far,
            {"n": 1, "limit": 5},
        )
    )
    question = "Wat helpt jou het meest om je thuis te voelen in Assen?"
    assert catalogs.get("ar").text(say.UNTRANSLATED.with_params(original=question)) in before.content()
    await marloes.send("/translate")
    await marloes.reply()
    await marloes.press(f"{native_name('ar')} (5)")
    for answer in ("البيت في آسن", "ما الذي يساعدك أكثر على الشعور بأنك في بيتك في آسن؟"):
        prompt = await marloes.reply()
        assert "Thuis in Assen" in prompt.content() or "Wat helpt" in prompt.content()
        await marloes.send(answer)
        await marloes.reply()  # thank you
    for _ in range(3):  # the three themes: skipped for now
        await marloes.reply()
        await marloes.press(label(catalogs, "translate.text.text.skip", "Skip"))
        await marloes.reply()
    assert (await marloes.reply()).text == nl(
        catalogs, say.TRANSLATE_DONE.with_params(language=catalogs.get(NL).language_name("ar"))
    )
    await amal.send("/start")
    assert "ما الذي يساعدك أكثر" in (await amal.replies(2))[0].content()

    # Moving on to prioritising tells every participant, each in their own language.
    await next_phase(marloes, standin, catalogs)  # sorting: nobody is told
    await next_phase(marloes, standin, catalogs, told=(Phase.PRIORITISING, 3))  # everyone is told
    for person, locale, title in (
        (amal, "ar", "البيت في آسن"),
        (olena, "uk", say.UNTRANSLATED.with_params(original="Thuis in Assen")),
        (sanne, "nl", "Thuis in Assen"),
    ):
        notice, question = await person.replies(2)  # the news, then the first question of the vote
        assert notice.text == catalogs.get(locale).render(say.NOTICE_PRIORITISING.with_params(title=title))
        assert "🗣️ Taal" in question.button_labels()
    assert (await inspector.session(code)).phase is Phase.PRIORITISING


async def test_status_refreshes_in_place_and_broadcast_reaches_everyone_in_their_language(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser
) -> None:
    marloes = add_person(standin, "Marloes", "nl")
    await become_coordinator(admin, marloes, catalogs)
    link, _ = await create_by_wizard(marloes, standin, catalogs)
    code = link.rsplit("=", 1)[1]
    amal, olena = add_person(standin, "Amal", "ar"), add_person(standin, "Olena", "uk")
    await join_with(amal, code, "ar", "newcomer", catalogs)
    await join_with(olena, code, "uk", "resident", catalogs)

    await marloes.send("/status")
    status = await marloes.reply()
    assert nl(catalogs, say.STATUS_PARTICIPANTS.with_params(count=2)) in (status.text or "")
    sent_before = len(marloes.inbox)
    await marloes.press(label(catalogs, "status.refresh", "Refresh"), status)
    await standin.wait_until(lambda: status.edits >= 1 or bool(standin.world.callback_answers))
    assert len(marloes.inbox) == sent_before, "refreshing edits the same message"

    await marloes.send("/broadcast")
    await marloes.reply()
    await marloes.send("Morgen om 10 uur in de bibliotheek!")
    await marloes.reply()
    prompts = []
    for answer in ("غدًا الساعة 10 في المكتبة!", None):
        prompts.append(await marloes.reply())
        if answer is None:
            await marloes.press(label(catalogs, "translate.text.text.skip", "Skip"))
        else:
            await marloes.send(answer)
        await marloes.reply()
    confirm = await marloes.reply()
    assert "Morgen om 10 uur" in confirm.content()
    send_now = label(catalogs, "broadcast.send", "Send now")
    send_data = next(b["callback_data"] for row in confirm.buttons for b in row if b["text"] == send_now)
    await marloes.press(send_now, confirm)
    done = nl(catalogs, say.BROADCAST_DONE.with_params(sent=2, total=2, blocked=0))
    await standin.wait_until(lambda: confirm.text == done)
    assert (await amal.reply()).text == "\u200fغدًا الساعة 10 في المكتبة!"
    assert (await olena.reply()).text == "Morgen om 10 uur in de bibliotheek!"
    for again in (send_data, "k:bs"):  # the same button again, and the button of the version before
        await marloes.answer(await marloes.press_data(str(again), confirm))
    assert olena.unread() == [] and amal.unread() == [], "a second tap sends nothing"


async def test_a_participant_trying_coordinator_commands_and_buttons_gets_only_neutral_answers(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser, caplog: pytest.LogCaptureFixture
) -> None:
    marloes = add_person(standin, "Marloes", "nl")
    token = await become_coordinator(admin, marloes, catalogs)
    link, _ = await create_by_wizard(marloes, standin, catalogs)
    code = link.rsplit("=", 1)[1]
    olena = add_person(standin, "Olena", "uk")
    await join_with(olena, code, "uk", "resident", catalogs)
    unknown = catalogs.get("uk").render(texts.UNKNOWN_COMMAND)

    for command in COORDINATOR_COMMANDS:
        await olena.send(f"/{command} {code}")
        assert (await olena.reply()).text == unknown, command
    await olena.send("/no_such_command")
    assert (await olena.reply()).text == unknown
    target = olena.inbox[-1]
    for forged in ("k:pc:collecting", "k:ph:collecting", "k:so:1:1", "k:bs", "k:use:1", "k:tl:ar", "k:x"):
        answer = await olena.answer(await olena.press_data(forged, target))
        assert answer["text"] == catalogs.get("uk").text(texts.BUTTON_EXPIRED), forged

    session = await Inspector(bot.config.db).session(code)
    assert session.phase is Phase.DRAFT
    assert olena.unread() == []
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert refusals and not any(str(olena.id) in line for line in refusals), "logged, but never with the raw id"

    # The invite worked once: a second person using it gets the same answer as any dead link.
    await olena.start(token)
    assert (await olena.reply()).text == catalogs.get("uk").render(JOIN_UNKNOWN)
    await olena.send("/new")
    assert (await olena.reply()).text == unknown


async def test_a_co_coordinator_helps_translate_and_hidden_ideas_can_be_restored(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser
) -> None:
    marloes = add_person(standin, "Marloes", "nl")
    await become_coordinator(admin, marloes, catalogs)
    link, _ = await create_by_wizard(marloes, standin, catalogs)
    code = link.rsplit("=", 1)[1]
    await next_phase(marloes, standin, catalogs, told=(Phase.COLLECTING, 0))
    sanne = add_person(standin, "Sanne", "nl")
    await join_with(sanne, code, "nl", "resident", catalogs)
    await sanne.send("koop nu goedkope horloges")
    await sanne.reply()

    await marloes.send("/invite")
    await marloes.reply()
    invite = (await marloes.reply()).content()
    yusuf = add_person(standin, "Yusuf", "fa")
    await yusuf.start(invite.rsplit("=", 1)[1])
    welcome = await yusuf.reply()
    assert welcome.text == catalogs.get("fa").render(say.WELCOME_CO.with_params(title="Thuis in Assen"))
    await yusuf.send("/translate")
    picker = await yusuf.reply()
    assert f"{native_name('fa')} (2)" in picker.button_labels()

    await yusuf.send("/sort")
    await yusuf.reply()
    await yusuf.press(catalogs.get("fa").text(say.HIDE))
    why = await yusuf.reply()
    offensive = catalogs.get("fa").text(Msg("hide.reason.options.offensive", "Offensive"))
    await yusuf.press(offensive, why)  # one of the usual reasons: a tap, nothing to type
    await yusuf.replies(2)
    await marloes.send("/hidden")
    listing = await marloes.reply()
    assert "koop nu goedkope horloges" in listing.content() and offensive in listing.content()
    await marloes.press(0, listing)
    assert (await marloes.reply()).text == nl(catalogs, say.RESTORED)
    inspector = Inspector(bot.config.db)
    session = await inspector.session(code)
    assert await inspector.hidden(session) == []
    assert (await inspector.counts(session)).unsorted == 1


async def test_a_coordinator_cannot_see_or_change_another_coordinators_session(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser
) -> None:
    marloes, joost = add_person(standin, "Marloes", "nl"), add_person(standin, "Joost", "nl")
    await become_coordinator(admin, marloes, catalogs)
    await become_coordinator(admin, joost, catalogs)
    link, _ = await create_by_wizard(marloes, standin, catalogs)
    code = link.rsplit("=", 1)[1]
    await joost.send(f"/use {code}")
    assert (await joost.reply()).text == nl(catalogs, say.USE_UNKNOWN)
    for command in ("/status", "/sort", "/phase", "/translate"):
        await joost.send(command)
        assert (await joost.reply()).text == nl(catalogs, say.NEED_SESSION), command
    offer = joost.inbox[-1]
    answer = await joost.answer(await joost.press_data("k:pc:collecting", offer))
    assert answer["text"] == catalogs.get(NL).text(texts.BUTTON_EXPIRED)
    assert (await Inspector(bot.config.db).session(code)).phase is Phase.DRAFT


async def test_a_coordinator_whose_app_is_in_english_gets_what_reaches_them_later_in_english(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    alex = add_person(standin, "Alex", "en")
    themes_ = (("Taal", None), ("Werk", None))
    session = await write(
        bot.config.db, lambda conn: owned_session(conn, alex.id, "Thuis", "Wat?", "ranking", Phase.SORTING, themes_)
    )
    amal = add_person(standin, "Amal", "ar")
    await join_with(amal, session.code, "ar", "newcomer", catalogs)
    await alex.send(f"/use {session.code}")
    await alex.reply()
    await next_phase(alex, standin, catalogs, told=(Phase.PRIORITISING, 1), title=session.title)


async def test_two_coordinators_sorting_at_once_never_overwrite_each_other_and_any_original_can_be_found(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    marloes, joost = add_person(standin, "Marloes", "nl"), add_person(standin, "Joost", "nl")

    def forty_ideas(conn: Conn) -> Session:
        session = owned_session(conn, marloes.id, "Thuis", "Wat?", "ranking", Phase.COLLECTING, (("Taal", "🗣️"),))
        roles.own(conn, roles.make_coordinator(conn, joost.id).participant.id, session.id, "co")
        person = people.ensure(conn, 990001)
        membership, _ = members.enter(conn, person.id, session, "P-SORTER")
        members.agree(conn, membership.id)
        ideas.add(conn, session.id, membership.id, [NewIdea(n, f"Idee nummer {n}") for n in range(1, 41)])
        taal = themes.of_session(conn, session.id)[0]
        for card in ideas.for_export(conn, session.id)[:39]:
            ideas.sort_into(conn, session.id, card.id, taal.id)
        return session

    session = await write(bot.config.db, forty_ideas)
    cards = []
    for coordinator in (marloes, joost):
        await coordinator.send(f"/use {session.code}")
        await coordinator.reply()
        await coordinator.send("/sort")
        cards.append(await coordinator.reply())
    assert all("Idee nummer 40" in card.content() for card in cards), "both are shown the same idea"

    # Marloes finds idea 35, well past the first thirty, by its theme and then page by page.
    await marloes.press(label(catalogs, "sort.duplicate", "Duplicate of…"), cards[0])
    picker = await marloes.reply()
    await marloes.press("🗣️ Taal (39)", picker)
    more = label(catalogs, "sort.more_originals", "More…")
    await standin.wait_until(lambda: more in picker.button_labels())
    while "Idee nummer 35" not in picker.button_labels():
        shown = picker.button_labels()
        assert more in shown, "every idea can be reached"
        await marloes.press(more, picker)
        await standin.wait_until(lambda s=shown: picker.button_labels() != s)
    await marloes.press("Idee nummer 35", picker)
    await marloes.reply()  # all sorted

    # Joost's card is stale now: his tap is refused with a notice instead of silently undoing her choice.
    query = await joost.press("🗣️ Taal", cards[1])
    assert (await joost.answer(query))["text"] == nl(catalogs, say.CARD_CHANGED)
    found = await read(bot.config.db, lambda conn: ideas.for_export(conn, session.id))
    last = next(i for i in found if i.text == "Idee nummer 40")
    original = next(i for i in found if i.text == "Idee nummer 35")
    assert last.duplicate_of == original.id, "Marloes's choice stands"


async def test_a_misfiled_idea_is_moved_with_its_duplicates_and_a_stale_move_is_refused(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    marloes, joost = add_person(standin, "Marloes", "nl"), add_person(standin, "Joost", "nl")

    def sorted_session(conn: Conn) -> Session:
        session = owned_session(
            conn, marloes.id, "Thuis", "Wat?", "ranking", Phase.SORTING, (("Taal", "🗣️"), ("Werk", None))
        )
        roles.own(conn, roles.make_coordinator(conn, joost.id).participant.id, session.id, "co")
        person = people.ensure(conn, 990002)
        membership, _ = members.enter(conn, person.id, session, "P-MOVER")
        members.agree(conn, membership.id)
        ideas.add(conn, session.id, membership.id, [NewIdea(1, "Stage lopen"), NewIdea(2, "Stage bij een bedrijf")])
        taal = themes.of_session(conn, session.id)[0]
        first, second = ideas.for_export(conn, session.id)
        ideas.sort_into(conn, session.id, first.id, taal.id)  # misfiled: it is about work
        ideas.merge(conn, session.id, second.id, first.id)
        return session

    session = await write(bot.config.db, sorted_session)
    pickers = []
    for coordinator in (marloes, joost):
        await coordinator.send(f"/use {session.code}")
        await coordinator.reply()
        await coordinator.send("/themes")
        await coordinator.reply()
        await coordinator.press(label(catalogs, "themes.move", "Move an idea…"))
        picker = await coordinator.reply()
        assert picker.button_labels() == ["🗣️ Taal (1)"], "the themes that hold ideas, with how many"
        await coordinator.press("🗣️ Taal (1)", picker)
        await standin.wait_until(lambda p=picker: "Stage lopen" in p.button_labels())
        await coordinator.press("Stage lopen", picker)
        await standin.wait_until(lambda p=picker: "Werk" in p.button_labels())
        assert "Stage lopen" in picker.content() and nl(catalogs, say.MOVE_WHERE) in picker.content()
        pickers.append(picker)
    assert pickers[0].button_labels() == ["Werk", label(catalogs, "themes.to_unsorted", "Back to unsorted")]

    await marloes.press("Werk", pickers[0])
    done = nl(catalogs, say.SORTED_INTO.with_params(theme="Werk"))
    await standin.wait_until(lambda: done in pickers[0].content() and not pickers[0].button_labels())
    named = await read(bot.config.db, lambda conn: {t.name: t.id for t in themes.of_session(conn, session.id)})
    counts = await read(bot.config.db, lambda conn: ideas.counts(conn, session.id))
    assert counts.by_theme == {named["Werk"]: 2}, "the idea moved, and its duplicate counts with it"

    # Joost picked the same idea before it moved: his move back to unsorted is refused, not silently applied.
    query = await joost.press(label(catalogs, "themes.to_unsorted", "Back to unsorted"), pickers[1])
    assert (await joost.answer(query))["text"] == nl(catalogs, say.IDEA_MOVED_MEANWHILE)
    assert await read(bot.config.db, lambda conn: ideas.counts(conn, session.id)) == counts


async def test_renaming_a_theme_can_change_its_emoji_and_a_new_theme_from_a_card_says_where_the_idea_went(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    marloes = add_person(standin, "Marloes", "nl")

    def session_with_ideas(conn: Conn) -> Session:
        session = owned_session(conn, marloes.id, "Thuis", "Wat?", "ranking", Phase.SORTING, (("Taal", "🗣️"),))
        person = people.ensure(conn, 990003)
        membership, _ = members.enter(conn, person.id, session, "P-NAMER")
        members.agree(conn, membership.id)
        ideas.add(conn, session.id, membership.id, [NewIdea(1, "Voetbal op zaterdag"), NewIdea(2, "Taalcafé")])
        return session

    session = await write(bot.config.db, session_with_ideas)
    await marloes.send(f"/use {session.code}")
    await marloes.reply()
    await marloes.send("/themes")
    await marloes.reply()
    await marloes.press(catalogs.get(NL).text(say.RENAME_THEME.with_params(theme="Taal")))
    assert (await marloes.reply()).text == flow_text(catalogs, NL, "theme_rename", "name", theme="Taal")
    await marloes.send("💬 Taal en praten")
    await marloes.reply()  # renamed
    assert "• 💬 Taal en praten" in (await marloes.reply()).content().splitlines()

    await marloes.send("/sort")
    card = await marloes.reply()
    assert "Voetbal op zaterdag" in card.content()
    await marloes.press(label(catalogs, "sort.new_theme", "New theme"), card)
    await marloes.reply()
    await marloes.send("⚽ Sport")
    await marloes.reply()  # added
    assert (await marloes.reply()).text == nl(catalogs, say.SORTED_INTO.with_params(theme="⚽ Sport"))
    assert "Taalcafé" in (await marloes.reply()).content(), "and the next idea to sort"


async def test_while_sorting_a_coordinator_can_go_back_to_collecting_for_late_ideas(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    inspector = Inspector(bot.config.db)
    marloes = add_person(standin, "Marloes", "nl")
    session = await write(
        bot.config.db,
        lambda conn: owned_session(conn, marloes.id, "Thuis", "Wat?", "ranking", Phase.COLLECTING, (("Taal", None),)),
    )
    amal = add_person(standin, "Amal", "ar")
    await join_with(amal, session.code, "ar", "newcomer", catalogs)
    await write(bot.config.db, lambda conn: sessions.set_phase(conn, session.id, Phase.SORTING))
    await marloes.send(f"/use {session.code}")
    await marloes.reply()

    await marloes.send("/phase")
    offer = await marloes.reply()
    assert offer.button_labels() == [
        nl(catalogs, say.PHASE_NEXT.with_params(phase=Phase.PRIORITISING.label)),
        nl(catalogs, say.PHASE_BACK.with_params(phase=Phase.COLLECTING.label)),
    ]
    await marloes.press(1, offer)
    await standin.wait_until(lambda: nl(catalogs, say.CONFIRM) in offer.button_labels())
    assert nl(catalogs, say.PHASE_REOPEN) in offer.text
    await marloes.press(nl(catalogs, say.CONFIRM), offer)
    await standin.wait_until(lambda: not offer.buttons)
    assert (await inspector.session(session.code)).phase is Phase.COLLECTING

    await amal.send("دروس اللغة في المساء")
    await amal.reply()
    assert (await inspector.counts(session)).unsorted == 1, "the late idea is kept, ready to sort"


async def test_a_session_written_in_dutch_by_a_coordinator_with_an_english_app_reads_as_written_in_dutch(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser
) -> None:
    alex = add_person(standin, "Alex", "en")
    await write(bot.config.db, lambda conn: roles.make_coordinator(conn, alex.id))
    link, _ = await create_by_wizard(alex, standin, catalogs, "en")
    session = await Inspector(bot.config.db).session(link.rsplit("=", 1)[1])
    assert session.source_locale == "nl", "the language it was written in, not the coordinator's app language"
    await next_phase(alex, standin, catalogs, told=(Phase.COLLECTING, 0), title=session.title)
    sanne = add_person(standin, "Sanne", "nl")
    await sanne.start(session.code)
    await sanne.reply()
    await sanne.press(native_name(NL))
    welcome = await sanne.sees(lambda message: "Thuis in Assen" in message.content())
    untranslated = catalogs.get(NL).text(say.UNTRANSLATED.with_params(original="x")).replace("x", "").strip()
    assert untranslated not in welcome.content(), "a Dutch reader is never told the Dutch title is untranslated"
