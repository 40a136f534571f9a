"""The scenes of the coordinator guide, each played against the real bot and recorded as the guide prints it.

A scene sets up in the store what its conversation does not show, then lets Alex, a coordinator whose Telegram app
is in English, talk to the bot. Every random code and token is printed as a fixed one."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from bot.domain import NewIdea, Phase, Session
from bot.i18n import Catalogs
from bot.sandbox import SandboxUser, StandIn, add_person
from bot.sandbox.people import VOICE_BYTES
from bot.storage import Conn, actions, members, people, pools, roles, votes
from bot.storage import ideas as idea_store
from bot.storage import themes as theme_store
from tests.conftest import TOKEN
from tests.e2e.conftest import RunningBot, config_for
from tests.guide.transcript import Chat, Clock, Recorder
from tests.store import owned_session, read, write

START = datetime(2026, 11, 22, 12, 40, 12, tzinfo=UTC)  # 13:40 in Amsterdam, where the bot keeps its time
TITLE = "Feeling at home in Assen"
QUESTION = "What would help you most to feel at home in Assen?"
CODE = "172NW8"  # what the guide prints for a session's join code
POOL_CODE = "7KQ2MZ"
POOL = "Newcomers' panel Drenthe"
# Who is in the room: (name, Telegram app language, group).
ROOM = (
    ("Amal", "ar", "newcomer"),
    ("Olena", "uk", "resident"),
    ("Dawit", "ti", "newcomer"),
    ("Sanne", "nl", "professional"),
)
THEMES = ("Language", "Work", "Meeting people", "Care")
BALLOTS = (  # newcomers put language first, professionals work, residents meeting people
    ("ar", "newcomer", ("Language", "Meeting people", "Work")),
    ("ti", "newcomer", ("Language", "Work", "Meeting people")),
    ("ar", "newcomer", ("Meeting people", "Language", "Care")),
    ("nl", "professional", ("Work", "Care", "Language")),
    ("nl", "professional", ("Work", "Language", "Care")),
    ("uk", "professional", ("Care", "Work", "Meeting people")),
    ("uk", "resident", ("Meeting people", "Care", "Language")),
    ("nl", "resident", ("Meeting people", "Language", "Work")),
    ("uk", "resident", ("Care", "Meeting people", "Work")),
)

Ideas = tuple[tuple[int, str | int], ...]  # (the giver's place among who joined, a text or a voice note's seconds)


@dataclass
class Stage:
    """The bot, the stand-in and the people of one scene."""

    standin: StandIn
    bot: RunningBot
    admin: SandboxUser
    recorder: Recorder
    memberships: list[int] = field(default_factory=list)  # of the people who joined, in order

    @property
    def db(self) -> Path:
        return self.bot.config.db

    async def coordinator(self, transcript: str, name: str = "Alex") -> Chat:
        """A coordinator with an English Telegram app, made one in the store (how is another scene), recorded into
        the named transcript."""
        person = add_person(self.standin, name, "en")
        await write(self.db, lambda conn: roles.make_coordinator(conn, person.id))
        return self.recorder.chat(person, name, transcript)

    async def session(
        self, alex: Chat, phase: Phase, themes: tuple[str, ...] = (), emoji: str | None = None
    ) -> Session:
        """Alex's session as /new makes it (written in English), in `phase`, with themes; made in the store."""

        def make(conn: Conn) -> Session:
            made = owned_session(conn, alex.user.id, TITLE, QUESTION, phase=phase, themes=_with(themes, emoji))
            conn.execute("UPDATE session SET source_locale = 'en' WHERE id = ?", (made.id,))
            return made

        session = await write(self.db, make)
        self.recorder.print_as(session.code, CODE)
        return session

    async def join(self, session: Session, *who: tuple[str, str, str], ideas: Ideas = ()) -> list[SandboxUser]:
        """People (name, app language, group) who joined and agreed, and the ideas they gave; made in the store."""
        joined = [add_person(self.standin, name, language) for name, language, _ in who]
        world = self.standin.world
        voices = {n: world.store_file(VOICE_BYTES, "voice", "oga").file_id for n, i in ideas if isinstance(i, int)}

        def enter(conn: Conn) -> list[int]:
            entered = []
            for number, (user, (_, language, group)) in enumerate(zip(joined, who, strict=True)):
                person = people.ensure(conn, user.id)
                people.set_locale(conn, person.id, language)
                membership, _ = members.enter(
                    conn, person.id, session, f"P-{len(self.memberships) + number:06d}", group
                )
                members.agree(conn, membership.id)
                entered.append(membership.id)
            for seq, (number, idea) in enumerate(ideas, 1):
                language = who[number][1]
                given = (
                    NewIdea(seq, voice_file_id=voices[number], voice_duration=idea, language=language)
                    if isinstance(idea, int)
                    else NewIdea(seq, idea, language=language)
                )
                idea_store.add(conn, session.id, entered[number], [given])
            return entered

        self.memberships += await write(self.db, enter)
        return joined

    async def vote(self, session: Session, ballots: list[tuple[str, ...]]) -> None:
        """Each joined person's top 3 (by theme name), in the order they joined; cast in the store."""

        def cast(conn: Conn) -> None:
            named = {t.name: str(t.id) for t in theme_store.of_session(conn, session.id)}
            for membership, ballot in zip(self.memberships, ballots, strict=True):
                votes.cast(conn, session.id, membership, "ranking", [named[name] for name in ballot])

        await write(self.db, cast)

    def print_found(self, pattern: str, shown: str, user: SandboxUser) -> str:
        """Print what `pattern`'s group matches in the person's chat as `shown`; returns the match."""
        found = re.search(pattern, "\n".join(m.content() for m in user.inbox))
        assert found is not None, f"{pattern} is not in the chat"
        self.recorder.print_as(found.group(1), shown)
        return found.group(1)


def _with(names: tuple[str, ...], emoji: str | None) -> tuple[tuple[str, str | None], ...]:
    return tuple((name, emoji if number == 0 else None) for number, name in enumerate(names))


Scene = Callable[[Stage], Awaitable[None]]
SCENES: list[tuple[tuple[str, ...], Scene]] = []  # the transcripts a scene records, and the scene


def scene(*transcripts: str) -> Callable[[Scene], Scene]:
    """Register a scene under the names of the transcripts it records."""

    def register(played: Scene) -> Scene:
        SCENES.append((transcripts, played))
        return played

    return register


def names() -> list[str]:
    """Every transcript the scenes record."""
    return [name for transcripts, _ in SCENES for name in transcripts]


# ---- the scenes, in the order of the guide ---------------------------------------------------------


@scene("invite_coordinator")
async def invite_coordinator(stage: Stage) -> None:
    admin = stage.recorder.chat(stage.admin, "Admin", "invite_coordinator")
    await admin.send("/invite_coordinator")
    stage.print_found(r"start=(inv_[\w-]+)", "inv_3q2X…", stage.admin)


@scene("new")
async def new_session(stage: Stage) -> None:
    alex = await stage.coordinator("new")
    await alex.send("/new")
    await alex.send(TITLE)
    await alex.send(QUESTION)
    await alex.tap("English")
    await alex.tap("Use the usual groups")
    await alex.tap("All languages")
    await alex.tap("5")
    await alex.tap("Top 3 in order")
    stage.print_found(r"start=(\w+)", CODE, alex.user)


@scene("phase")
async def phase(stage: Stage) -> None:
    alex = await stage.coordinator("phase")
    session = await stage.session(alex, Phase.DRAFT)
    room = await stage.join(session, *ROOM)
    room[-1].block()  # Sanne blocked the bot since she joined
    await alex.send("/phase")
    await alex.tap(0)
    await alex.tap("Yes, go ahead")
    await stage.recorder.later(3)  # the report waits until every participant's message is out
    alex.record()


@scene("status")
async def status(stage: Stage) -> None:
    alex = await stage.coordinator("status")
    session = await stage.session(alex, Phase.COLLECTING, ("Language",), "🗣️")
    await stage.join(session, ROOM[0], ideas=((0, "تعلم اللغة الهولندية مع الجيران"), (0, 7), (0, "عمل")))

    def sort_first(conn: Conn) -> None:
        first = idea_store.for_export(conn, session.id)[0]
        idea_store.sort_into(conn, session.id, first.id, theme_store.of_session(conn, session.id)[0].id)

    await write(stage.db, sort_first)
    await alex.send("/status")


@scene("themes")
async def themes(stage: Stage) -> None:
    alex = await stage.coordinator("themes")
    await stage.session(alex, Phase.SORTING, ("Language",), "🗣️")
    await alex.send("/themes")
    await alex.tap("Add a theme")
    await alex.send("💼 Work\n🏠 Housing")


@scene("sort")
async def sort(stage: Stage) -> None:
    alex = await stage.coordinator("sort")
    session = await stage.session(alex, Phase.SORTING, ("Language",), "🗣️")
    await stage.join(session, ROOM[0], ideas=((0, "تعلم اللغة الهولندية مع الجيران"), (0, 7)))
    await alex.send("/sort")
    await alex.tap("🗣️ Language")


@scene("translate")
async def translate(stage: Stage) -> None:
    alex = await stage.coordinator("translate")
    session = await stage.session(alex, Phase.COLLECTING)
    await stage.join(session, ROOM[0])
    await alex.send("/translate")
    await alex.tap("العربية (2)")
    await alex.send("الشعور بالانتماء في آسن")
    await alex.send("ما الذي سيساعدك أكثر على الشعور بأنك في بيتك في آسن؟")


@scene("record", "record_heard")
async def record(stage: Stage) -> None:
    alex = await stage.coordinator("record")
    session = await stage.session(alex, Phase.COLLECTING)
    await alex.send("/record")
    await alex.tap("العربية 🎙 0/2")
    await alex.tap("🎙 The question")
    await alex.voice(14)

    # Amal, who reads Arabic, joins: the question comes with its recording.
    amal = add_person(stage.standin, "Amal", "ar")
    heard = stage.recorder.chat(amal, "Amal", "record_heard")
    await amal.start(session.code)
    for tap in ("العربية", 0, "القادمون الجدد"):
        await stage.recorder.quiet()
        heard.skip()
        await amal.press(tap)
    await heard.settle()


@scene("results", "export")
async def results(stage: Stage) -> None:
    alex = await stage.coordinator("results")
    session = await stage.session(alex, Phase.PRIORITISING, THEMES)
    await stage.join(session, *((f"P{n}", language, group) for n, (language, group, _) in enumerate(BALLOTS)))
    await stage.vote(session, [ballot for _, _, ballot in BALLOTS])
    await alex.send("/results")
    alex = stage.recorder.chat(alex.user, "Alex", "export")
    await alex.send("/export")


@scene("actions", "checkin", "agenda")
async def action_agenda(stage: Stage) -> None:
    alex = await stage.coordinator("actions")
    session = await stage.session(alex, Phase.FOLLOW_UP, THEMES)
    await alex.send("/actions")
    await alex.tap("Add an action")
    await alex.send("Language café in the library")
    await alex.send("Every Saturday volunteers from the library practise Dutch with newcomers over coffee.")
    await alex.tap("Language")
    await alex.tap("Meeting people")
    await alex.tap("Done")
    await alex.tap("Every month")
    await alex.tap("Today")
    token = stage.print_found(r"start=(act_[\w-]+)", "act_9fT2…", alex.user)

    # Noor accepts the action (in English, at 10:00); a month later her first check-in comes.
    noor = add_person(stage.standin, "Noor", "en")
    owner = stage.recorder.chat(noor, "Noor", "checkin")
    await noor.start(token)
    for tap in ("English", 0, "10:00"):
        await stage.recorder.quiet()
        await noor.press(tap)
    await stage.recorder.quiet()
    owner.skip()
    found = await read(stage.db, lambda conn: actions.of_session(conn, session.id))
    stage.recorder.print_as(str(found[0].owner_pseudonym), "P-4HW8CX")
    first = await read(stage.db, lambda conn: actions.checkins(conn, found[0].id))
    await stage.recorder.at(datetime.fromisoformat(first[0].due_at))
    owner.record()
    await owner.tap("On track")
    await owner.send("We now meet in the big room: twelve people came last week.")

    alex = stage.recorder.chat(alex.user, "Alex", "agenda")
    await alex.send("/agenda")


@scene("pool_new", "pool_invite", "pool_overview")
async def expert_pool(stage: Stage) -> None:
    alex = await stage.coordinator("pool_new")
    await alex.send("/pool new")
    await alex.send(POOL)
    await alex.send("Drenthe")
    await alex.send("The province and the municipalities ask newcomers for advice on reception and integration.")
    await alex.tap("English")
    await alex.tap("Reception and housing")
    await alex.tap("Civic integration and language")
    await alex.tap("Done")
    await alex.tap("Years in the Netherlands")
    await alex.tap("Topics of interest")
    await alex.tap("Done")
    await alex.tap("2")
    code = stage.print_found(r"start=pool-(\w+)", POOL_CODE, alex.user)

    # Four people joined the pool: the invitations go to them, and two take part.
    joining = (
        ("Amal", "ar", "newcomer", "y0", ["reception", "integration"]),
        ("Dawit", "ti", "newcomer", "y0", ["reception"]),
        ("Olena", "uk", "newcomer", "y1", ["reception"]),
        ("Sanne", "nl", "professional", "y5", ["integration"]),
    )
    joined = [add_person(stage.standin, name, language) for name, language, *_ in joining]

    def enter(conn: Conn) -> None:
        pool = pools.by_code(conn, code)
        assert pool is not None
        for number, (user, (_, language, group, years, interests)) in enumerate(zip(joined, joining, strict=True)):
            person = people.ensure(conn, user.id)
            people.set_locale(conn, person.id, language)
            member = pools.start_join(conn, person.id, pool, f"P-POOL{number:02d}")
            pools.answer(conn, member.id, True, group, {"years": years, "interests": interests})

    await write(stage.db, enter)
    await stage.session(alex, Phase.COLLECTING)
    alex = stage.recorder.chat(alex.user, "Alex", "pool_invite")
    await alex.send("/pool invite")
    await alex.tap(f"Invite “{POOL}”")
    await alex.tap("Everyone")
    await alex.tap("Send invitations")
    for person in joined[:2]:
        await _take_part(stage, person)

    alex = stage.recorder.chat(alex.user, "Alex", "pool_overview")
    await alex.send("/pool")
    await alex.tap(0)


async def _take_part(stage: Stage, person: SandboxUser) -> None:
    """One tap on the invitation (its first button), then the consent to this consultation (its first too)."""
    await person.press(0)
    await stage.recorder.quiet()
    await person.press(0)
    await stage.recorder.quiet()


# ---- playing them ----------------------------------------------------------------------------------


async def play(wanted: list[str], directory: Path, catalogs: Catalogs) -> dict[str, str]:
    """The named transcripts, each scene that records one played on a bot and a database of its own."""
    found: dict[str, str] = {}
    for number, (transcripts, played) in enumerate(SCENES):
        if set(transcripts) & set(wanted):
            found.update(await _play(played, directory / str(number), catalogs))
    return {name: found[name] for name in wanted}


async def _play(played: Scene, directory: Path, catalogs: Catalogs) -> dict[str, str]:
    standin = StandIn(TOKEN)
    await standin.start()
    try:
        admin = add_person(standin, "Admin", "en")
        clock = Clock(START)
        config = replace(config_for(standin, directory / "inspraak.sqlite3"), admins=frozenset({admin.id}))
        bot = RunningBot(standin, config, catalogs, clock=clock)
        await bot.start()
        try:
            recorder = Recorder(standin, config.db, clock)
            await played(Stage(standin, bot, admin, recorder))
            await recorder.quiet()
            return recorder.texts()
        finally:
            await bot.stop()
    finally:
        await standin.stop()
