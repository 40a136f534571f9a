"""Expert pools: newcomers join once, are invited in their language to each consultation that fits them, within
the pool's monthly maximum, and see afterwards what came of what they said."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime, timedelta

import zxingcpp
from PIL import Image

from bot.app import pool_texts as say
from bot.app import texts
from bot.app.coord_texts import UNTRANSLATED
from bot.app.privacy import FORGET_DONE, FORGET_KEEP
from bot.domain import DEFAULT_GROUPS, Cadence, Msg, Phase, Schedule, Session
from bot.domain.pool import PROFILE_FIELDS, TOPICS, Pool
from bot.domain.results import Method
from bot.i18n import Catalogs, native_name
from bot.i18n.bidi import unmarked
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.sandbox.world import ChatMessage
from bot.storage import Conn, actions, ideas, members, people, pools, privacy, roles, sessions, themes
from tests.e2e.conftest import RunningBot
from tests.e2e.test_coordinators import create_by_wizard, next_phase
from tests.e2e.test_prioritising import session_in_phase
from tests.store import delivered, read, write

POOL = "Nieuwkomerspanel Drenthe"
DONE = "Done"


def nl(catalogs: Catalogs, message: Msg) -> str:
    return catalogs.get("nl").text(message)


def flow_label(catalogs: Catalogs, locale: str, context: str, source: str) -> str:
    return catalogs.get(locale).text(Msg(context, source))


async def create_pool(admin: SandboxUser, standin: StandIn, catalogs: Catalogs) -> str:
    """`/pool new` answered in the chat; returns the join link, checked against its QR code."""
    await admin.send("/pool new")
    await admin.reply()
    await admin.send(POOL)
    await admin.reply()
    await admin.send("Drenthe")
    await admin.reply()
    await admin.send("De provincie en de gemeenten vragen nieuwkomers om advies over opvang en inburgering.")
    written_in = await admin.reply()
    await admin.press(native_name("nl"), written_in)
    topics = await admin.reply()
    await admin.press(nl(catalogs, TOPICS["reception"]), topics)
    await admin.press(nl(catalogs, TOPICS["integration"]), topics)
    await admin.press(flow_label(catalogs, "nl", "pool_new.topics.choose_many.done", DONE), topics)
    fields = await admin.reply()
    await admin.press(nl(catalogs, PROFILE_FIELDS["years"]), fields)
    await admin.press(nl(catalogs, PROFILE_FIELDS["interests"]), fields)
    await admin.press(flow_label(catalogs, "nl", "pool_new.fields.choose_many.done", DONE), fields)
    await admin.reply()
    await admin.press("2")
    _, ready, link_message, qr = await admin.replies(4)
    assert ready.text == catalogs.get("nl").render(say.CREATED.with_params(pool=POOL, region="Drenthe"))
    link = link_message.content()
    assert re.fullmatch(r"https://t\.me/\S+\?start=pool-[0-9A-Z]{6}", link), link
    png = standin.world.files[qr.media["photo"][0]["file_id"]].data
    assert zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))[0].text == link
    return link.split("start=", 1)[1]


async def join_pool(
    person: SandboxUser,
    payload: str,
    language: str,
    group: str,
    years: str | None,
    interests: list[str],
    catalogs: Catalogs,
) -> None:
    """Open the pool's link and answer: language, consent, group, the optional questions."""
    tr = catalogs.get(language)
    await person.start(payload)
    await person.reply()
    await person.press(native_name(language))
    consent = await person.reply()
    assert consent.text is not None and POOL in consent.text and "/leave" in consent.text
    assert consent.button_labels()[0] == flow_label(
        catalogs, language, "pool_join.consent.options.agree", "Yes, invite me"
    )
    await person.press(0, consent)
    await person.reply()
    await person.press(tr.text(DEFAULT_GROUPS[group]))
    about, years_question = await person.replies(2)
    assert about.text == tr.render(Msg("pool_join.about.say", about_source()))
    choice = YEARS[years] if years else ("skip", "I'd rather not say")
    await person.press(
        flow_label(catalogs, language, f"pool_join.years.options.{choice[0]}", choice[1]), years_question
    )
    question = await person.reply()
    for topic in interests:
        await person.press(tr.text(TOPICS[topic]), question)
    await person.press(flow_label(catalogs, language, "pool_join.interests.choose_many.done", DONE), question)
    joined = await person.reply()
    assert joined.text is not None and POOL in joined.text and "/history" in joined.text


def about_source() -> str:
    return (
        "A few optional questions follow. They help to invite you to what matters to you, and to hear many "
        "different people. Skip any question you like."
    )


YEARS = {"y0": ("y0", "Less than 1 year"), "y1": ("y1", "1 to 3 years"), "y5": ("y5", "More than 5 years")}


async def invite_pool(admin: SandboxUser, standin: StandIn, catalogs: Catalogs, offer: ChatMessage, topic: str) -> None:
    """Tap the pool on the offer, then the members interested in a topic."""
    await admin.press(nl(catalogs, say.INVITE_BUTTON.with_params(pool=POOL)), offer)
    interested = nl(catalogs, say.INTERESTED_IN.with_params(topic=TOPICS[topic]))
    await standin.wait_until(lambda: interested in offer.button_labels())
    assert nl(catalogs, say.EVERYONE) in offer.button_labels()
    await admin.press(interested, offer)


async def confirm_invitations(admin: SandboxUser, standin: StandIn, catalogs: Catalogs, offer: ChatMessage) -> None:
    send = nl(catalogs, say.SEND_INVITATIONS)
    await standin.wait_until(lambda: send in offer.button_labels())
    await admin.press(send, offer)


async def take_part(person: SandboxUser, invitation: ChatMessage, language: str, idea: str, catalogs: Catalogs) -> None:
    """One tap on the invitation, this consultation's own consent, then an idea."""
    await person.press(catalogs.get(language).text(say.TAKE_PART), invitation)
    consent = await person.reply()
    assert consent.text is not None and "Thuis in Assen" in consent.text and "/forgetme" in consent.text
    await person.press(0, consent)
    joined = await person.reply()  # no language or group question: the pool knows them
    thanks = catalogs.get(language).text(Msg("intake.joined.say", "Thank you! You are now taking part."))
    assert joined.text is not None and joined.text.lstrip("\u200f").startswith(thanks) and joined.buttons, (
        "the thanks opens the question's message"
    )
    await person.send(idea)
    await person.reply()


async def vote(person: SandboxUser, standin: StandIn, catalogs: Catalogs, language: str, order: list[str]) -> None:
    _, question = await person.replies(2)
    for theme in order:
        await person.press(theme, question)
        await standin.wait_until(lambda t=theme: t not in question.button_labels())
    await person.press(flow_label(catalogs, language, "prioritise_ranking.top.rank.confirm", "Confirm"), question)
    await person.reply()


async def quiet(bot: RunningBot, *people: SandboxUser) -> None:
    """Once the outbox has sent everything due, check that nobody got anything."""
    await delivered(bot.config.db)
    for person in people:
        assert person.unread() == [], f"{person.person.first_name} got {[m.content() for m in person.unread()]}"


async def test_a_pool_is_consulted_in_each_members_language_within_its_limits_and_remembers_what_came_of_it(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser
) -> None:
    payload = await create_pool(admin, standin, catalogs)
    amal, olena, yonas, sanne, karim = (
        add_person(standin, name, code)
        for name, code in (("Amal", "ar"), ("Olena", "uk"), ("Yonas", "ti"), ("Sanne", "nl"), ("Karim", "fa"))
    )
    await join_pool(amal, payload, "ar", "newcomer", "y0", ["reception"], catalogs)
    await join_pool(olena, payload, "uk", "newcomer", "y1", ["reception", "integration"], catalogs)
    await join_pool(yonas, payload, "ti", "newcomer", "y0", ["integration"], catalogs)
    await join_pool(sanne, payload, "nl", "resident", None, ["reception"], catalogs)
    await join_pool(karim, payload, "fa", "newcomer", "y5", ["reception"], catalogs)

    # The first consultation: a session made with /new invites the members interested in reception.
    await create_by_wizard(admin, standin, catalogs)
    offer = await admin.reply()
    assert offer.text == catalogs.get("nl").render(say.INVITE_OFFER.with_params(title="Thuis in Assen"))
    await invite_pool(admin, standin, catalogs, offer, "reception")
    expected = say.CONFIRM_INVITE.with_params(count=4, over=0)
    await standin.wait_until(lambda: offer.text == catalogs.get("nl").render(expected))
    await confirm_invitations(admin, standin, catalogs, offer)
    await standin.wait_until(
        lambda: offer.text == catalogs.get("nl").render(say.INVITATIONS_SENT.with_params(count=4, pool=POOL))
    )
    invitations = {}
    for person, language in ((amal, "ar"), (olena, "uk"), (sanne, "nl"), (karim, "fa")):
        invitation = await person.reply()
        tr = catalogs.get(language)
        assert invitation.text is not None and tr.text(say.INVITATION.with_params(pool=POOL)) in invitation.text
        assert invitation.button_labels() == [tr.text(say.TAKE_PART), tr.text(say.NOT_NOW)]
        assert invitation.text.startswith("\u200f") == (language in ("ar", "fa"))
        invitations[language] = invitation
    first = await stored_session(bot, invitation_id(invitations["nl"]))
    await quiet(bot, yonas)  # interested in integration only

    # A forged press on someone else's invitation does nothing.
    forged = await yonas.press_data(str(invitations["ar"].buttons[0][0]["callback_data"]), invitations["ar"])
    assert (await yonas.answer(forged))["text"] == catalogs.get("ti").text(texts.BUTTON_EXPIRED)

    await next_phase(admin, standin, catalogs, told=(Phase.COLLECTING, 0))  # nobody has joined yet
    await take_part(amal, invitations["ar"], "ar", "مكان هادئ للدراسة في مركز الاستقبال", catalogs)
    await take_part(olena, invitations["uk"], "uk", "Більше інформації українською про житло", catalogs)
    await sanne.press(catalogs.get("nl").text(say.NOT_NOW), invitations["nl"])
    assert (await sanne.reply()).text == catalogs.get("nl").render(say.NOT_NOW_OK)
    await karim.send("/leave")
    assert (await karim.reply()).text == catalogs.get("fa").render(say.LEFT.with_params(pool=POOL))

    joined = await read(bot.config.db, lambda conn: members.members(conn, first.id))
    assert len(joined) == 2 and all(m.group_id == "newcomer" and m.consented for m in joined)
    given = await read(bot.config.db, lambda conn: ideas.of_session(conn, first.id))
    assert {i.text for i in given} == {"مكان هادئ للدراسة في مركز الاستقبال", "Більше інформації українською про житло"}

    def prepare(conn: Conn) -> None:
        for name, emoji in (("Rust", "🛏️"), ("Informatie", "ℹ️")):
            themes.add(conn, first.id, name, emoji)
        schedule = Schedule(date(2026, 12, 1), Cadence.MONTHLY)
        actions.create(conn, first.id, "Stiltekamer in het azc", "", [], schedule, "hash")

    await write(bot.config.db, prepare)
    await next_phase(admin, standin, catalogs)  # sorting
    await next_phase(admin, standin, catalogs, told=(Phase.PRIORITISING, 2))
    await vote(amal, standin, catalogs, "ar", ["🛏️ Rust", "ℹ️ Informatie"])
    await vote(olena, standin, catalogs, "uk", ["🛏️ Rust", "ℹ️ Informatie"])
    await next_phase(admin, standin, catalogs, told=(Phase.CLOSED, 2))  # the results go out
    await amal.reply()
    await olena.reply()

    # /history: the consultation, what she gave, and what came of it, in Arabic.
    await amal.send("/history")
    history = (await amal.reply()).content()
    ar = catalogs.get("ar")
    for expected_line in (
        "مكان هادئ للدراسة في مركز الاستقبال",
        ar.text(say.HISTORY_RESULT),
        "1. 🛏️ Rust",
        ar.text(say.HISTORY_ACTIONS),
        "Stiltekamer in het azc",
    ):
        assert expected_line in history, (expected_line, history)
    await yonas.send("/history")
    assert (await yonas.reply()).text == catalogs.get("ti").render(say.HISTORY_NONE)

    # The second consultation on the same topic says what the pool said last time and what was done.
    second = await session_in_phase(bot, admin, Method.RANKING, Phase.COLLECTING, (("Wonen", None),))
    offer = await invite_with_command(bot, admin, second)
    await invite_pool(admin, standin, catalogs, offer, "reception")
    await standin.wait_until(
        lambda: offer.text == catalogs.get("nl").render(say.CONFIRM_INVITE.with_params(count=3, over=0))
    )
    await confirm_invitations(admin, standin, catalogs, offer)
    for person, language in ((amal, "ar"), (olena, "uk"), (sanne, "nl")):
        again = (await person.reply()).content()
        title = "Thuis in Assen" if language == "nl" else UNTRANSLATED.with_params(original="Thuis in Assen")
        assert catalogs.get(language).text(say.LAST_TIME.with_params(title=title)) in again
        assert "1. 🛏️ Rust" in again and "Stiltekamer in het azc" in again
    await quiet(bot, yonas, karim)  # karim left: nothing more reaches him

    # A third one in the same month: everyone interested has had their two invitations.
    third = await session_in_phase(bot, admin, Method.DOTS, Phase.COLLECTING, (("Wonen", None),))
    offer = await invite_with_command(bot, admin, third)
    await invite_pool(admin, standin, catalogs, offer, "reception")
    await standin.wait_until(lambda: offer.text == catalogs.get("nl").render(say.NOBODY_TO_INVITE))
    await quiet(bot, amal, olena, sanne, yonas, karim)

    # The coordinator sees the pool in numbers only, with small cells folded, and the response rates.
    await admin.send("/pool")
    listing = await admin.reply()
    await admin.press(f"{POOL} (Drenthe)", listing)
    overview = (await admin.reply()).content()
    tr = catalogs.get("nl")
    assert tr.text(say.OVERVIEW.with_params(pool=POOL, region="Drenthe", count=4)) in overview
    assert (
        f"{tr.text(say.BY_GROUP)}: {tr.text(DEFAULT_GROUPS['newcomer'])} 3 · {tr.text(say.FOLDED.with_params(count=1))}"
        in overview
    )
    assert f"{tr.text(TOPICS['reception'])} 3" in overview and tr.text(TOPICS["integration"]) not in overview
    first_line = say.CONSULTATION_LINE.with_params(title="Thuis in Assen", invited=4, accepted=2, rate=50)
    assert tr.text(first_line) in overview
    assert tr.text(say.CONSULTATION_LINE.with_params(title="Thuis in Assen", invited=3, accepted=0, rate=0)) in overview
    await admin.press(tr.text(say.EXPORT_BUTTON))
    files = await admin.replies(3)
    exported = b"".join(standin.world.files[f.media["document"]["file_id"]].data for f in files)
    assert tr.text(TOPICS["reception"]).encode() in exported
    for person in (amal, olena, yonas, sanne, karim):
        assert str(person.id).encode() not in exported and person.person.first_name.encode() not in exported
    assert b"P-" not in exported, "no pseudonyms either"
    await quiet(bot, amal, olena, sanne, yonas, karim)


def invitation_id(invitation: ChatMessage) -> int:
    """The invitation behind a message, from its button (pi:y:<invitation>)."""
    return int(str(invitation.buttons[0][0]["callback_data"]).rsplit(":", 1)[1])


async def stored_session(bot: RunningBot, invitation_id: int) -> Session:
    def find(conn: Conn) -> Session | None:
        invitation = pools.invitation(conn, invitation_id)
        return sessions.by_id(conn, invitation.session_id) if invitation else None

    session = await read(bot.config.db, find)
    assert session is not None
    return session


async def invite_with_command(bot: RunningBot, admin: SandboxUser, session: Session) -> ChatMessage:
    await delivered(bot.config.db)
    admin._read = len(admin.inbox)  # what earlier phase changes told the coordinator
    await admin.send(f"/use {session.code}")
    await admin.reply()
    await admin.send("/pool invite")
    return await admin.reply()


async def test_mydata_shows_the_pool_and_forgetme_or_declining_leaves_nothing_of_the_member(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser
) -> None:
    def make_pool(conn: Conn) -> Pool:
        owner = roles.make_coordinator(conn, admin.id).participant.id
        return pools.create(
            conn, owner, POOL, "Drenthe", "Advies over opvang.", ("reception",), ("years", "interests"), 2
        )

    pool = await write(bot.config.db, make_pool)
    zenobia = add_person(standin, "Zenobia", "ar", username="zenobia_tg")
    await join_pool(zenobia, f"pool-{pool.code}", "ar", "newcomer", "y0", ["reception"], catalogs)

    await zenobia.send("/mydata")
    _, _to_read, as_text, as_json = await zenobia.replies(4)
    data = json.loads(standin.world.files[as_json.media["document"]["file_id"]].data)
    (mine,) = data["pools"]
    assert mine["pool"] == POOL and mine["group_id"] == "newcomer" and mine["consent_at"]
    assert mine["profile"] == {"years": "y0", "interests": ["reception"]}
    text = standin.world.files[as_text.media["document"]["file_id"]].data.decode("utf-8")
    assert POOL in text and mine["pseudonym"] in text

    # Retention clears a finished consultation she took part in, but she stays in the pool she agreed to.
    closed = await session_in_phase(bot, admin, Method.RANKING, Phase.CLOSED, ())

    def took_part(conn: Conn) -> None:
        person = people.ensure(conn, zenobia.id)
        membership, _ = members.enter(conn, person.id, closed, "P-ZZZZZZ")
        members.agree(conn, membership.id)

    await write(bot.config.db, took_part)
    purged = await write(bot.config.db, lambda conn: privacy.purge(conn, datetime.now(UTC) + timedelta(days=1), False))
    assert purged.sessions == ((closed.code, closed.title),) and purged.people == 0
    person = await read(bot.config.db, lambda conn: people.by_telegram(conn, zenobia.id))
    assert person is not None
    still = await read(bot.config.db, lambda conn: pools.memberships(conn, person.id))
    assert [m.pool.id for m in still] == [pool.id]

    await zenobia.send("/forgetme")
    ask = await zenobia.reply()
    await zenobia.press(catalogs.get("ar").text(FORGET_KEEP), ask)
    await standin.wait_until(lambda: ask.text == catalogs.get("ar").render(FORGET_DONE))
    assert await read(bot.config.db, lambda conn: pools.people_of(conn, pool.id)) == []
    assert await read(bot.config.db, lambda conn: people.by_telegram(conn, zenobia.id)) is None

    # Someone who says no to the pool's consent leaves nothing behind at all.
    nour = add_person(standin, "Nour", "ar")
    await nour.start(f"pool-{pool.code}")
    await nour.reply()
    await nour.press(native_name("ar"))
    await nour.reply()
    await nour.press(flow_label(catalogs, "ar", "pool_join.consent.options.decline", "No, thank you"))
    await nour.reply()
    await nour.send("/leave")
    assert (await nour.reply()).text == catalogs.get("ar").render(say.LEAVE_NONE)
    assert await read(bot.config.db, lambda conn: people.by_telegram(conn, nour.id)) is None
    assert await read(bot.config.db, lambda conn: pools.people_of(conn, pool.id)) == []


async def test_a_tigrinya_member_reads_the_pools_name_and_description_in_tigrinya_once_translated(
    bot: RunningBot, standin: StandIn, admin: SandboxUser, catalogs: Catalogs
) -> None:
    payload = await create_pool(admin, standin, catalogs)
    await admin.send("/pool")
    listing = await admin.reply()
    await admin.press(0, listing)
    overview = await admin.reply()
    await admin.press(nl(catalogs, say.TRANSLATE_BUTTON), overview)
    picker = await admin.reply()
    assert native_name("nl") not in " ".join(picker.button_labels()), "not into the language it is written in"
    await admin.press(next(b for b in picker.button_labels() if native_name("ti") in unmarked(b)), picker)
    words = {"name": "ፓነል ሓደስቲ መጻእቲ ድረንተ", "region": "ድረንተ", "description": "ኣውራጃን ምምሕዳራትን ንሓደስቲ መጻእቲ ምኽሪ ይሓቱ።"}
    for subject in ("name", "region", "description"):
        asked = await admin.reply()
        assert catalogs.get("nl").language_name("ti") in asked.content()
        await admin.send(words[subject])
        await admin.reply()  # thank you
    done = await admin.reply()
    assert done.text == catalogs.get("nl").render(
        say.TRANSLATE_DONE.with_params(pool=POOL, language=catalogs.get("nl").language_name("ti"))
    )

    dawit = add_person(standin, "Dawit", "ti")
    await dawit.start(payload)
    await dawit.reply()
    await dawit.press(native_name("ti"))
    consent = await dawit.reply()
    assert words["name"] in consent.text and POOL not in consent.text, "the pool's own words, in Tigrinya"
    olena = add_person(standin, "Olena", "uk")
    await olena.start(payload)
    await olena.reply()
    await olena.press(native_name("uk"))
    assert POOL in (await olena.reply()).text, "as written, where nobody translated it"
