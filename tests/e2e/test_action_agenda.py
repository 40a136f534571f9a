"""A year of an action agenda in a few seconds: check-ins on time, reminders, escalations, nothing lost or doubled."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import action_texts as say
from bot.app import coord_texts
from bot.domain import ENDING_NAMES, STATUS_NAMES, ActionStatus, Ending, Msg, NewIdea, Phase, Session
from bot.domain.action import UNREACHABLE
from bot.domain.results import Method
from bot.exports import LABELS
from bot.i18n import Catalogs, native_name
from bot.sandbox import ApiError, ChatMessage, SandboxUser, StandIn, add_person
from bot.storage import Conn, actions, ideas, members, outbox, people, themes, votes
from bot.storage.actions import CheckinRecord
from tests.databases import db_for
from tests.e2e.conftest import RunningBot, config_for
from tests.e2e.test_coordinators import flow_text, next_phase
from tests.e2e.test_prioritising import collecting_session, join, open_voting, session_in_phase
from tests.store import delivered, read, write


def due_times_of(conn: Conn, session: Session) -> dict[str, list[str]]:
    """When each action's check-ins are due, by the action's title."""
    return {a.title: [c.due_at for c in actions.checkins(conn, a.id)] for a in actions.of_session(conn, session.id)}


def checkins_of(conn: Conn, session: Session, title: str) -> list[CheckinRecord]:
    """An action's check-ins, by its title."""
    found = next(a for a in actions.of_session(conn, session.id) if a.title == title)
    return actions.checkins(conn, found.id)


START = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
THEMES = ("Taal", "Werk", "Ontmoeten", "Zorg")


class Clock:
    """The bot's clock, moved by the test: a year passes in seconds. Between moves it runs as a clock does, so
    what waits a moment (a report waiting for its tally) comes."""

    def __init__(self) -> None:
        self.now = START
        self.db: Path | None = None  # the bot's database, to see when what fell due has been sent

    @property
    def now(self) -> datetime:
        return self._set + timedelta(seconds=time.monotonic() - self._at)

    @now.setter
    def now(self, moment: datetime) -> None:
        self._set, self._at = moment, time.monotonic()

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def bot(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs, admin: SandboxUser, clock: Clock
) -> AsyncIterator[RunningBot]:
    config = replace(config_for(standin, db_for(tmp_path)), admins=frozenset({admin.id}))
    clock.db = config.db
    running = RunningBot(standin, config, catalogs, clock=clock, tick=timedelta(seconds=0.03))
    await running.start()
    yield running
    await running.stop()


async def follow_up_session(bot: RunningBot, owner: SandboxUser) -> Session:
    """A session in follow-up with one theme, ready for actions."""
    return await session_in_phase(bot, owner, Method.RANKING, Phase.FOLLOW_UP, (("Taal", "🗣️"),))


def nl(catalogs: Catalogs, context: str, source: str) -> str:
    return catalogs.get("nl").text(Msg(context, source))


async def add_action(
    admin: SandboxUser, catalogs: Catalogs, standin: StandIn, title: str, cadence: str, on: tuple[str, ...] = ()
) -> str:
    """/actions → Add, through the wizard, on the given themes; returns the owner's invite link."""
    admin._read = len(admin.inbox)  # digests and alerts that came meanwhile are not part of this
    await admin.send("/actions")
    await admin.reply()
    await admin.press(catalogs.get("nl").text(say.ADD_ACTION))
    await admin.reply()
    await admin.send(title)
    await admin.reply()
    await admin.send(f"{title}: elke week samen oefenen.")
    themes_question = await admin.reply()
    for theme in on:
        await admin.press(theme, themes_question)
        await standin.wait_until(lambda t=theme: f"✓ {t}" in themes_question.button_labels())
    await admin.press(nl(catalogs, "action_add.themes.choose_many.done", "Done"), themes_question)
    await admin.replies(1)
    labels = {"monthly": "Every month", "quarterly": "Every 3 months", "weekly": "Every week"}
    await admin.press(nl(catalogs, f"action_add.cadence.options.{cadence}", labels[cadence]))
    await admin.reply()
    await admin.press(nl(catalogs, "action_add.start.options.today", "Today"))
    await admin.replies(2)  # "on the agenda", the explanation
    link = (await admin.reply()).content()
    assert re.fullmatch(r"https://t\.me/\S+\?start=act_[A-Za-z0-9_-]{22}", link), link
    return link.rsplit("=", 1)[1]


async def accept(owner: SandboxUser, token: str, language: str, standin: StandIn) -> None:
    await owner.start(token)
    picker = await owner.reply()
    await owner.press(native_name(language), picker)
    await standin.wait_until(lambda: len(picker.button_labels()) == 2)
    await owner.press(0, picker)  # yes
    await standin.wait_until(lambda: "10:00" in picker.button_labels())
    await owner.press("10:00", picker)
    await standin.wait_until(lambda: not picker.buttons)


async def at(clock: Clock, moment: datetime) -> None:
    """Move the bot's clock and wait until the outbox has sent (and run) everything that fell due by then."""
    clock.now = moment
    assert clock.db is not None
    await delivered(clock.db, clock)


async def answer(owner: SandboxUser, question: ChatMessage, status_index: int) -> None:
    """Tap a status, then skip the note."""
    await owner.press(status_index, question)
    note = await owner.reply()
    await owner.press(0, note)  # Skip
    await owner.reply()  # thank you


def questions(person: SandboxUser, title: str, catalogs: Catalogs, locale: str) -> list[ChatMessage]:
    """The check-in questions a person received (answered ones are edited, but start the same)."""
    asked = catalogs.get(locale).render(
        Msg("checkin.status.say", "How is “{action_title}” going?", {"action_title": title})
    )
    return [m for m in person.inbox if (m.text or "").startswith(asked)]


async def test_a_year_of_check_ins_for_several_owners_arrives_exactly_once(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser, clock: Clock
) -> None:
    session = await follow_up_session(bot, admin)
    await admin.send(f"/use {session.code}")
    await admin.reply()
    farah, olena, bram = (
        add_person(standin, "Farah", "fa"),
        add_person(standin, "Olena", "uk"),
        add_person(standin, "Bram", "nl"),
    )
    monthly = await add_action(admin, catalogs, standin, "Taalcafé", "monthly")
    weekly = await add_action(admin, catalogs, standin, "Huiswerkklas", "weekly")
    await accept(farah, monthly, "fa", standin)
    await accept(bram, weekly, "nl", standin)
    admin._read = len(admin.inbox)

    # Bram blocked the bot: his first check-in gets a 403 and he is never tried again.
    bram.block()
    dues = await read(bot.config.db, lambda conn: due_times_of(conn, session))
    assert len(dues["Taalcafé"]) == 12 and len(dues["Huiswerkklas"]) == 52
    assert all(
        d.endswith("T09:00:00+00:00") or d.endswith("T08:00:00+00:00") for d in dues["Taalcafé"]
    )  # 10:00 Amsterdam

    month = 0
    for due in dues["Taalcafé"]:
        month += 1
        moment = datetime.fromisoformat(due)
        if month == 6:
            await bot.restart()  # a deploy half way through the year
        if month == 7:
            standin.fail_next("sendMessage", ApiError(429, "Too Many Requests: retry after 1", retry_after=1))
        await at(clock, moment)
        if month == 7:
            await at(clock, moment + timedelta(seconds=2))  # after the pause
        question = await farah.reply()
        assert "Taalcafé" in question.content() and question.text is not None and question.text.startswith("\u200f")
        if month in (3, 4):  # silence twice in a row
            await at(clock, moment + timedelta(days=3, minutes=1))
            reminder = await farah.reply()
            assert reminder.text == catalogs.get("fa").render(say.REMINDER.with_params(action="Taalcafé"))
            continue
        if month == 8:  # stuck: the coordinator hears it at once
            await farah.press(2, question)
            await farah.reply()  # what would help?
            await farah.send("یک اتاق بزرگتر در کتابخانه")
            note = await farah.reply()
            await farah.press(0, note)  # skip the note
            await farah.reply()
            await at(clock, clock.now)
            await standin.wait_until(lambda: any("یک اتاق بزرگتر" in m.content() for m in admin.inbox))
            continue
        if month == 12:  # the year's last check-in asks how it ended, and the coordinator hears it
            assert question.text == flow_text(catalogs, "fa", "checkin", "year_end", action_title="Taalcafé")
            await farah.press(1, question)  # partly done
            await farah.reply()  # a few words?
            await farah.send("کلاس‌ها ادامه دارد، ولی جا کم است")
            await farah.reply()  # thank you for this year
            await at(clock, clock.now)
            ended = await admin.sees(lambda m: "کلاس‌ها ادامه دارد" in m.content())
            assert catalogs.get("nl").text(ENDING_NAMES[Ending.PARTLY]) in ended.content()
            continue
        await answer(farah, question, 0)

    silent = catalogs.get("nl").render(say.ESCALATION.with_params(action="Taalcafé", owner="x")).split("(")[0]
    told = [m for m in admin.inbox if m.text and m.text.startswith(silent)]
    assert len(told) == 1, "the coordinator is told once, after the second silence in a row"
    overview = catalogs.get("nl").text(say.DIGEST.with_params(title=session.title))
    stuck = [m for m in admin.inbox if "یک اتاق بزرگتر" in m.content() and overview not in m.content()]
    assert len(stuck) == 1 and "Taalcafé" in stuck[0].content()
    lost = catalogs.get("nl").render(say.OWNER_LOST.with_params(action="Huiswerkklas", owner="x")).split("(")[0]
    assert len([m for m in admin.inbox if m.text and m.text.startswith(lost)]) == 1, "told once that Bram is gone"
    await admin.send("/agenda")
    unreachable = catalogs.get("nl").text(UNREACHABLE)
    heading = catalogs.get("nl").text(say.AGENDA.with_params(title=session.title))
    agenda = await admin.sees(lambda m: heading in m.content() and unreachable in m.content())
    assert "Taalcafé" in agenda.content(), "the agenda calls the action unreachable, not running"
    await admin.sees(lambda m: m.message_id > agenda.message_id and "photo" in m.media)  # and its chart
    assert "کلاس‌ها ادامه دارد" in agenda.content(), "with what the owner said last"

    # The report gives each action its timeline: dated, missed check-ins named, with the owner's words.
    html = await exported_report(admin, standin)
    actions_label = catalogs.get("nl").text(LABELS["actions"])
    assert '<img src="data:image/png;base64,' in html.split(f"<h2>{actions_label}</h2>")[1][:40], "the agenda chart"
    taalcafe = html[html.index("<h3><bdi>Taalcafé</bdi></h3>") : html.index("<h3><bdi>Huiswerkklas</bdi></h3>")]
    assert taalcafe.count("<time>") == 12
    assert taalcafe.count(catalogs.get("nl").text(LABELS["no_answer"])) == 2, "the two silent months"
    assert "یک اتاق بزرگتر" in taalcafe and "کلاس‌ها ادامه دارد" in taalcafe
    assert catalogs.get("nl").text(ENDING_NAMES[Ending.PARTLY]) in taalcafe
    admin._read = len(admin.inbox)

    # A year later, Olena takes on a quarterly action, and finishes it in the third quarter.
    quarterly = await add_action(admin, catalogs, standin, "Buddy's", "quarterly")
    await accept(olena, quarterly, "uk", standin)
    dues["Buddy's"] = (await read(bot.config.db, lambda conn: due_times_of(conn, session)))["Buddy's"]
    assert len(dues["Buddy's"]) == 4
    for number, due in enumerate(dues["Buddy's"], 1):
        await at(clock, datetime.fromisoformat(due))
        question = await olena.reply()
        if number == 3:
            await olena.press(3, question)  # done
            confirm = await olena.reply()
            await olena.press(0, confirm)  # yes, finished
            note = await olena.reply()
            await olena.press(0, note)
            await olena.reply()
            break
        await answer(olena, question, 0)
    await at(clock, datetime.fromisoformat(dues["Buddy's"][3]) + timedelta(days=4))
    assert olena.unread() == []

    statuses = {
        a.title: a.status.value for a in await read(bot.config.db, lambda conn: actions.of_session(conn, session.id))
    }
    farah_checkins = await read(bot.config.db, lambda conn: checkins_of(conn, session, "Taalcafé"))
    counts = await read(bot.config.db, outbox.counts)
    assert statuses["Buddy's"] == "done" and statuses["Huiswerkklas"] == "active" and statuses["Taalcafé"] == "done"
    assert [c.sent_at is not None for c in farah_checkins] == [True] * 12, "every check-in sent"
    assert len(questions(farah, "Taalcafé", catalogs, "fa")) == 11, "and each exactly once, the last one as the end"
    assert [c.status for c in farah_checkins][:8] == [
        "on_track",
        "on_track",
        None,
        None,
        "on_track",
        "on_track",
        "on_track",
        "stuck",
    ]
    assert (
        sum(1 for m in farah.inbox if m.text == catalogs.get("fa").render(say.REMINDER.with_params(action="Taalcafé")))
        == 2
    )
    assert bram.inbox[-1].content() != "" and not any(
        "Huiswerkklas" in m.content() for m in bram.inbox[-3:] if m.buttons and len(m.buttons) >= 2
    )
    assert counts.get("stopped", 0) >= 1 and counts.get("sending", 0) == 0


async def test_participants_who_asked_hear_what_happens_to_their_ideas_at_most_once_a_week(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser, clock: Clock
) -> None:
    session = await collecting_session(bot, admin, Method.RANKING)
    amal = add_person(standin, "Amal", "ar")
    await join(amal, session, "ar", "newcomer", catalogs)
    await amal.send("دروس اللغة")
    await amal.reply()
    await open_voting(admin, standin, catalogs, session, told=1)
    await amal.reply()
    question = await amal.reply()
    for theme in ("Taal", "Werk", "Zorg"):
        await amal.press(theme, question)
        await standin.wait_until(lambda t=theme: t not in question.button_labels())
    await amal.press(next(label for label in question.button_labels() if label not in THEMES), question)
    await amal.reply()

    await next_phase(admin, standin, catalogs, told=(Phase.CLOSED, 1))  # results, with an offer to keep informed
    results = await amal.reply()
    offer_label = catalogs.get("ar").text(say.KEEP_ME_INFORMED)
    assert results.button_labels() == [offer_label]
    await amal.press(offer_label, results)
    assert (await amal.reply()).text == catalogs.get("ar").render(say.UPDATES_ON)

    # An action on the theme Taal gets an owner: Amal hears it; two changes in one week make one message.
    token = await add_action(admin, catalogs, standin, "Taalmaatjes", "weekly", on=("Taal",))
    owner = add_person(standin, "Sanne", "nl")
    await accept(owner, token, "nl", standin)
    await at(clock, clock.now + timedelta(minutes=1))
    update = await amal.reply()
    assert "Taalmaatjes" in update.content()
    await admin.send("/actions")
    listing = await admin.reply()
    await admin.press(catalogs.get("nl").text(say.PAUSE.with_params(number=1)), listing)  # a second change, same week
    await at(clock, clock.now + timedelta(minutes=1))
    assert amal.unread() == [], "at most one such message a week"
    await at(clock, clock.now + timedelta(days=8))
    paused = await amal.reply()  # the change waited for the week to pass: delayed, not dropped
    assert paused.text == catalogs.get("ar").render(
        say.UPDATE.with_params(action="Taalmaatjes", status=STATUS_NAMES[ActionStatus.PAUSED])
    )

    # A second action on Taal, and the first one closes, in the week after: both in one message, a week later.
    token = await add_action(admin, catalogs, standin, "Taalcafé", "weekly", on=("Taal",))
    await accept(add_person(standin, "Joost", "nl"), token, "nl", standin)
    admin._read = len(admin.inbox)
    await admin.send("/actions")
    listing = await admin.reply()
    await admin.press(catalogs.get("nl").text(say.CLOSE.with_params(number=1)), listing)
    await at(clock, clock.now + timedelta(days=1))
    assert amal.unread() == [], "the week since the last news has not passed"
    await at(clock, clock.now + timedelta(days=7))
    news = await amal.reply()
    assert news.text is not None and news.text.startswith("\u200f")
    lines = news.content().splitlines()
    assert lines[0].lstrip("\u200f") == catalogs.get("ar").text(say.NEWS) and len(lines) == 3
    assert all(any(title in line for line in lines[1:]) for title in ("Taalmaatjes", "Taalcafé"))
    assert amal.unread() == []

    admin._read = len(admin.inbox)
    await admin.send("/agenda")
    agenda_text, chart = await admin.replies(2)
    assert "Taalmaatjes" in agenda_text.content() and "photo" in chart.media

    html = await exported_report(admin, standin)
    assert "Taalmaatjes" in html and "Taalmaatjes: elke week samen oefenen." in html


async def exported_report(admin: SandboxUser, standin: StandIn) -> str:
    """/export, and the HTML report it sends."""
    admin._read = len(admin.inbox)
    await admin.send("/export")
    await standin.wait_until(lambda: sum(1 for m in admin.unread() if "document" in m.media) >= 3, timeout=15)
    documents = {m.media["document"]["file_name"]: m for m in admin.unread() if "document" in m.media}
    report = next(m for name, m in documents.items() if name.endswith("report.html"))
    return standin.world.files[report.media["document"]["file_id"]].data.decode("utf-8")


async def test_editing_an_action_changes_its_words_and_reschedules_the_check_ins_still_to_come(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser, clock: Clock
) -> None:
    session = await follow_up_session(bot, admin)
    await admin.send(f"/use {session.code}")
    await admin.reply()
    token = await add_action(admin, catalogs, standin, "Huiswerkklas", "weekly")
    owner = add_person(standin, "Bram", "nl")
    await accept(owner, token, "nl", standin)

    admin._read = len(admin.inbox)
    await admin.send("/actions")
    listing = await admin.reply()
    await admin.press(catalogs.get("nl").text(say.EDIT.with_params(number=1)), listing)
    await admin.reply()
    await admin.send("Huiswerkklas en bijles")
    await admin.reply()
    await admin.send("Twee middagen per week, met vrijwilligers.")
    await admin.reply()
    await admin.press(nl(catalogs, "action_add.themes.choose_many.done", "Done"))
    await admin.reply()
    await admin.press(nl(catalogs, "action_add.cadence.options.monthly", "Every month"))
    await admin.reply()
    await admin.press(nl(catalogs, "action_add.start.options.today", "Today"))
    await admin.reply()
    assert (await admin.reply()).text == catalogs.get("nl").render(
        say.UPDATED.with_params(action="Huiswerkklas en bijles")
    )

    action = (await read(bot.config.db, lambda conn: actions.of_session(conn, session.id)))[0]
    checkins = await read(bot.config.db, lambda conn: actions.checkins(conn, action.id))
    pending = await read(
        bot.config.db,
        lambda conn: conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE purpose = 'checkin' AND status = 'pending'"
        ).fetchone(),
    )
    assert action.title == "Huiswerkklas en bijles" and action.schedule.cadence.value == "monthly"
    assert len(checkins) == 12 and pending[0] == 12, "52 weekly check-ins became 12 monthly ones"


async def test_a_check_in_that_comes_while_the_owner_is_voting_leaves_the_ballot_open(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser, clock: Clock
) -> None:
    session = await collecting_session(bot, admin, Method.RANKING)
    amal = add_person(standin, "Amal", "ar")
    await join(amal, session, "ar", "newcomer", catalogs)
    token = await add_action(admin, catalogs, standin, "Taalcafé", "monthly")
    await accept(amal, token, "ar", standin)
    await open_voting(admin, standin, catalogs, session, told=1)
    await amal.reply()  # voting is open
    ballot = await amal.reply()
    await amal.press("Taal", ballot)
    await standin.wait_until(lambda: "Taal" not in ballot.button_labels())

    due = await read(bot.config.db, lambda conn: due_times_of(conn, session))
    await at(clock, datetime.fromisoformat(due["Taalcafé"][0]))  # her first check-in, in the middle of her vote
    question = await amal.reply()
    assert "Taalcafé" in question.content()
    await amal.press(0, question)  # on track
    await amal.reply()  # anything to add?
    await amal.send("الطلاب يأتون كل أسبوع")  # a typed note goes to the check-in that asked for it
    await amal.reply()  # thank you

    for theme in ("Werk", "Zorg"):  # the ballot she started is still hers, where she left it
        await amal.press(theme, ballot)
        await standin.wait_until(lambda t=theme: t not in ballot.button_labels())
    await amal.press(catalogs.get("ar").text(Msg("prioritise_ranking.top.rank.confirm", "Confirm")), ballot)
    await amal.reply()
    cast = await read(bot.config.db, lambda conn: votes.of_session(conn, session.id))
    named = {t.name: str(t.id) for t in await read(bot.config.db, lambda conn: themes.of_session(conn, session.id))}
    answered = await read(bot.config.db, lambda conn: checkins_of(conn, session, "Taalcafé"))
    assert [v.payload for v in cast] == [[named["Taal"], named["Werk"], named["Zorg"]]]
    assert answered[0].status == "on_track" and answered[0].note == "الطلاب يأتون كل أسبوع"


async def test_after_an_outage_the_reminder_comes_a_while_after_the_late_question_not_with_it(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser, clock: Clock
) -> None:
    session = await follow_up_session(bot, admin)
    await admin.send(f"/use {session.code}")
    await admin.reply()
    farah = add_person(standin, "Farah", "fa")
    await accept(farah, await add_action(admin, catalogs, standin, "Taalcafé", "monthly"), "fa", standin)
    first = datetime.fromisoformat((await read(bot.config.db, lambda conn: due_times_of(conn, session)))["Taalcafé"][0])

    late = first + timedelta(days=2, hours=23)  # the bot was down for almost three days: the question comes late
    await at(clock, late)
    question = await farah.reply()
    assert "Taalcafé" in question.content()
    await at(clock, first + timedelta(days=3, minutes=1))  # when the reminder was first planned
    assert farah.unread() == [], "no reminder an hour after the late question"
    await at(clock, late + timedelta(days=3, minutes=1))  # three days after it was actually asked
    reminder = await farah.reply()
    assert reminder.text == catalogs.get("fa").render(say.REMINDER.with_params(action="Taalcafé"))


async def test_a_year_without_a_final_answer_closes_and_the_coordinator_and_followers_hear_how_it_ended(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser, clock: Clock
) -> None:
    session = await follow_up_session(bot, admin)
    amal, olena = add_person(standin, "Amal", "ar"), add_person(standin, "Olena", "uk")

    def follower(conn: Conn) -> None:
        """Amal gave an idea on Taal and asked to be kept informed."""
        person = people.ensure(conn, amal.id)
        people.set_locale(conn, person.id, "ar")
        membership, _ = members.enter(conn, person.id, session, "P-AMAL")
        members.agree(conn, membership.id)
        ideas.add(conn, session.id, membership.id, [NewIdea(1, "دروس اللغة")])
        taal = themes.of_session(conn, session.id)[0]
        ideas.sort_into(conn, session.id, ideas.for_export(conn, session.id)[0].id, taal.id)
        members.wants_updates(conn, membership.id)

    await write(bot.config.db, follower)
    await admin.send(f"/use {session.code}")
    await admin.reply()
    token = await add_action(admin, catalogs, standin, "Buddy's", "quarterly", on=("🗣️ Taal",))
    await accept(olena, token, "uk", standin)
    await at(clock, clock.now + timedelta(minutes=1))
    assert "Buddy's" in (await amal.reply()).content(), "Amal hears the action started"
    dues = (await read(bot.config.db, lambda conn: due_times_of(conn, session)))["Buddy's"]
    for number, due in enumerate(dues[:3], 1):
        await at(clock, datetime.fromisoformat(due))
        question = await olena.reply()
        if number == 2:  # stuck, and she says what would help out loud: the coordinator can listen to it
            admin._read = len(admin.inbox)
            await olena.press(2, question)
            await olena.reply()  # what would help?
            await olena.voice(duration=8)
            await olena.press(0, await olena.reply())  # skip the note
            await olena.reply()
            await at(clock, clock.now)
            alert, spoken = await admin.replies(2)
            spoken_help = catalogs.get("nl").text(say.HELP_SPOKEN)
            assert "Buddy's" in alert.content() and spoken_help in alert.content()
            assert spoken.media["voice"]["file_id"]
            await admin.send("/agenda")
            listed, _chart, played = await admin.replies(3)
            assert catalogs.get("nl").text(say.SPOKEN) in listed.content()
            assert played.media["voice"]["file_id"] == spoken.media["voice"]["file_id"]
            continue
        await answer(olena, question, 0)
    await at(clock, datetime.fromisoformat(dues[3]))
    last = await olena.reply()
    assert last.text == flow_text(catalogs, "uk", "checkin", "year_end", action_title="Buddy's")

    # Olena never answers. Four weeks later the year closes without her answer, and both hear how it ended.
    admin._read = len(admin.inbox)
    await at(clock, datetime.fromisoformat(dues[3]) + timedelta(days=29))
    no_answer = ENDING_NAMES[Ending.NO_ANSWER]
    ended = await admin.sees(lambda m: "Buddy's" in m.content())
    assert ended.text == catalogs.get("nl").render(say.YEAR_ENDED.with_params(action="Buddy's", ending=no_answer))
    news = await amal.reply()
    assert news.text == catalogs.get("ar").render(say.UPDATE.with_params(action="Buddy's", status=no_answer))
    admin._read = len(admin.inbox)
    await admin.send("/agenda")
    agenda = await admin.reply()
    assert catalogs.get("nl").text(no_answer) in agenda.content()
    await at(clock, clock.now + timedelta(days=60))
    assert [m for m in olena.unread() if m.buttons] == [], "no check-in after the year"


async def test_an_owner_who_blocked_the_bot_and_comes_back_is_answered_and_gets_the_check_ins_still_to_come(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser, clock: Clock
) -> None:
    session = await follow_up_session(bot, admin)
    await admin.send(f"/use {session.code}")
    await admin.reply()
    bram = add_person(standin, "Bram", "nl")
    await accept(bram, await add_action(admin, catalogs, standin, "Huiswerkklas", "monthly"), "nl", standin)
    dues = (await read(bot.config.db, lambda conn: due_times_of(conn, session)))["Huiswerkklas"]
    bram.block()
    await at(clock, datetime.fromisoformat(dues[0]))  # the first check-in fails: he is gone
    lost = catalogs.get("nl").render(say.OWNER_LOST.with_params(action="Huiswerkklas", owner="x")).split("(")[0]
    await admin.sees(lambda m: (m.text or "").startswith(lost))

    bram.person.blocked_bot = False  # he unblocks the bot and writes to it
    seen = len(bram.inbox)
    await bram.send("/help")
    await bram.reply()
    assert len(bram.inbox) > seen, "a returning person is answered"
    await at(clock, datetime.fromisoformat(dues[1]))
    asked = flow_text(catalogs, "nl", "checkin", "status", action_title="Huiswerkklas")
    await bram.sees(lambda m: m.text == asked)
    found = await read(bot.config.db, lambda conn: actions.of_session(conn, session.id))
    assert not found[0].owner_unreachable, "and the action no longer shows him as unreachable"


async def test_an_action_translated_with_translate_is_read_in_tigrinya_by_its_tigrinya_owner(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, admin: SandboxUser, clock: Clock
) -> None:
    session = await follow_up_session(bot, admin)
    token = await add_action(admin, catalogs, standin, "Taalcafé", "monthly")
    await admin.send("/translate")
    picker = await admin.reply()
    tigrinya = next(label for label in picker.button_labels() if label.startswith(native_name("ti")))
    await admin.press(tigrinya, picker)
    words = {"Taalcafé: elke week samen oefenen.": "ቤት ቡና ቋንቋ: ኩሉ ሰሙን ብሓባር ምልምማድ።", "Taalcafé": "ቤት ቡና ቋንቋ"}
    dutch = catalogs.get("nl")
    done = dutch.render(coord_texts.TRANSLATE_DONE.with_params(language=dutch.language_name("ti")))
    asked = []
    while (question := await admin.reply()).text != done:  # every text still untranslated, one at a time
        if not question.buttons:
            continue  # the thanks for the one before
        original = next((text for text in words if text in question.text), None)  # the longer one first
        asked.append(original)
        if original is None:
            await admin.press(0, question)  # Skip: what this story does not translate (title, question, theme)
        else:
            await admin.send(words[original])
    assert set(words) <= set(asked), "the action's title and description are asked for too"

    dawit = add_person(standin, "Dawit", "ti")
    await dawit.start(token)
    languages = await dawit.reply()
    await dawit.press(native_name("ti"), languages)
    await standin.wait_until(lambda: "ቤት ቡና ቋንቋ" in languages.content())
    assert "ኩሉ ሰሙን ብሓባር ምልምማድ" in languages.content(), "the owner reads the action in their language"
    await standin.wait_until(lambda: len(languages.button_labels()) == 2)
    await dawit.press(0, languages)
    await standin.wait_until(lambda: "10:00" in languages.button_labels())
    await dawit.press("10:00", languages)
    await standin.wait_until(lambda: not languages.buttons)  # accepted: the year's check-ins are planned
    first = await read(bot.config.db, lambda conn: checkins_of(conn, session, "Taalcafé")[0])
    await at(clock, datetime.fromisoformat(first.due_at))
    assert questions(dawit, "ቤት ቡና ቋንቋ", catalogs, "ti"), "and is asked about it in Tigrinya"
