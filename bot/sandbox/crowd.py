"""A crowd for the sandbox: thirty simulated people join a session, give ideas and vote through the stand-in, as
people would, while the sandbox's coordinator adds themes and moves the session on from the chat; so the group
comparison has groups large enough to show. Only the sorting is done straight in the store (with the functions
/sort uses): card by card through the chat, at Telegram's pace of a message a second, it would take minutes. So are
the two actions that close the day, with months of check-ins behind them: that history cannot be waited for."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from bot.conversation import Flow, fixed_options, load_flows
from bot.domain import Cadence, GroupDef, Msg, Phase, Schedule, Session, Text, due_times, normalise_join_code
from bot.domain.cadence import add_months
from bot.i18n import Catalogs, native_name
from bot.sandbox.people import NoReply, SandboxUser, add_person
from bot.sandbox.server import StandIn
from bot.sandbox.terminal import SandboxCommand
from bot.sandbox.world import ChatMessage
from bot.storage import Conn, Database, Location, actions, ideas, members, people, sessions, themes

PATIENCE = 60.0  # seconds a simulated person waits for the bot before the crowd gives up
IDEAS_EACH = 2  # ideas each person gives (fewer when the session allows fewer)

# The themes the coordinator adds: (emoji, name), as a coordinator types them.
THEMES = {
    "language": ("🗣️", "Language"),
    "work": ("💼", "Work"),
    "housing": ("🏠", "Housing"),
    "meeting": ("🤝", "Meeting people"),
    "own": ("🙋", "Own responsibility"),
}

# One idea for each theme in each language the crowd speaks.
IDEAS = {
    "language": {
        "ar": "دروس لغة مجانية في المساء",
        "nl": "Gratis taallessen in de avond",
        "en": "Free language lessons in the evening",
        "ti": "ብምሸት ናጻ ትምህርቲ ቋንቋ",
        "uk": "Безкоштовні мовні курси ввечері",
    },
    "work": {
        "ar": "مساعدة في إيجاد أول وظيفة",
        "nl": "Hulp bij het vinden van een eerste baan",
        "en": "Help to find a first job",
        "ti": "ቀዳማይ ስራሕ ንምርካብ ሓገዝ",
        "uk": "Допомога з пошуком першої роботи",
    },
    "housing": {
        "ar": "مساكن أكثر بأسعار معقولة",
        "nl": "Meer betaalbare woningen",
        "en": "More affordable homes",
        "ti": "ብዙሕ ብሕሱር ዋጋ ዝርከብ ገዛውቲ",
        "uk": "Більше доступного житла",
    },
    "meeting": {
        "ar": "لقاء قهوة كل أسبوع في الحي",
        "nl": "Elke week een koffieochtend in de wijk",
        "en": "A coffee morning in the neighbourhood every week",
        "ti": "ሰሙናዊ ርክብ ቡን ኣብ ሰፈር",
        "uk": "Щотижнева ранкова кава в районі",
    },
    "own": {
        "ar": "دعوا الناس يرتبون أمورهم بأنفسهم",
        "nl": "Laat mensen zelf hun zaken regelen",
        "en": "Let people arrange their own affairs",
        "ti": "ሰባት ባዕሎም ጉዳዮም ከሰናድዉ ምፍቃድ",
        "uk": "Дати людям самим вирішувати свої справи",
    },
}

# Who comes, group by group (the session's first group, its second, its third): a name and a language each.
PEOPLE = (
    "Amina:ar Omar:ar Layla:ar Senait:ti Yonas:ti Helen:ti Oksana:uk Taras:uk Iryna:uk Grace:en",
    "Anouk:nl Bram:nl Femke:nl Joris:nl Lotte:nl Emma:en James:en Yusuf:ar Bohdan:uk Tesfay:ti",
    "Ruben:nl Ilse:nl Maarten:nl Wouter:nl Eva:nl Tom:en Nour:ar Karim:ar Mariia:uk Mehret:ti",
)

CROWD_SIZE = sum(len(names.split()) for names in PEOPLE)

# Each group's ballots (top three, most important first), taken in turn by its members: newcomers put language
# first, professionals and residents their own responsibility (then work, or meeting people).
BALLOTS = (
    ("language work housing", "language housing work", "language meeting work", "work language housing"),
    ("own work language", "own language work", "work own housing"),
    ("own meeting housing", "meeting own housing", "own housing meeting"),
)


# What came of it: actions on the groups' first themes, each owned by one of the crowd, with what the owner answered
# at each monthly check-in so far (an empty answer: none came); the last of them was due yesterday.
ON_TRACK, DELAY, STUCK = {"status": "on_track"}, {"status": "delay"}, {"status": "stuck"}
AGENDA: tuple[tuple[str, str, str, tuple[Mapping[str, str], ...]], ...] = (
    (
        "language",
        "Evening language lessons in the library",
        "Grace",
        (
            {**ON_TRACK, "note": "Twelve people came to the first lesson."},
            ON_TRACK,
            {**STUCK, "help": "A second volunteer teacher for Thursdays."},
            {},
            {**ON_TRACK, "note": "A retired teacher joined: two groups now, 25 learners."},
        ),
    ),
    (
        "own",
        "A desk where newcomers arrange their own affairs, with a volunteer beside them",
        "Bram",
        (ON_TRACK, {**DELAY, "note": "De ruimte in het wijkcentrum is pas in maart vrij."}, ON_TRACK),
    ),
)


class CrowdError(RuntimeError):
    """The crowd cannot fill this session; the message says why."""


@dataclass(frozen=True)
class Member:
    """One person of the crowd: who they are to the stand-in, their language and group, and what they will say."""

    user: SandboxUser
    language: str
    group: GroupDef
    ballot: tuple[str, ...]  # theme keys, most important first
    ideas: tuple[str, ...]  # one for each theme they care most about, in their language (or English)


def theme_label(key: str) -> str:
    """A theme as the buttons and the theme list show it: its emoji, then its name."""
    emoji, name = THEMES[key]
    return f"{emoji} {name}"


class Crowd:
    """Fills a session with people who join, give ideas and vote, with the sandbox's coordinator moving it on."""

    def __init__(
        self,
        standin: StandIn,
        db: Location,
        coordinator: SandboxUser,
        say: Callable[[str], None],
        default_code: str | None = None,
        catalogs: Catalogs | None = None,
    ) -> None:
        self.standin = standin
        self.db = db
        self.coordinator = coordinator
        self.say = say
        self.default_code = default_code
        self.catalogs = catalogs or Catalogs()
        flows = load_flows()
        self._agree = next(o.label for o in fixed_options(flows["intake"], "consent") if o.id == "agree")
        self._confirm = _confirm_label(flows["prioritise_ranking"])
        self._started = 0.0

    def as_command(self) -> SandboxCommand:
        """The terminal chat's `!crowd [CODE]`."""
        about = f"fill the demo session (or CODE's) with {CROWD_SIZE} people who join, give ideas and vote"
        return SandboxCommand("!crowd [CODE]", about, self.command)

    async def command(self, words: str) -> None:
        """`!crowd [CODE]`: fill the session with that code (the demo session when none is given)."""
        given = words.strip()
        code = normalise_join_code(given) if given else self.default_code
        if code is None:
            self.say(f"-- crowd: {given!r} is not a session code")
            return
        try:
            await self.fill(code)
        except (CrowdError, NoReply) as error:
            self.say(f"-- crowd: stopped: {error}")

    async def fill(self, code: str) -> None:
        """Bring the session from collecting ideas to its results, with a crowd taking part."""
        self._started = asyncio.get_running_loop().time()
        database = await Database.open(self.db)
        try:
            session = await self._usable(database, code)
            members = self._members(session)
            await self._collect(database, session, members)
            await self._move_on()  # to sorting
            done = await database.write(partial(_sort, session_id=session.id))
            self._progress(
                f"{done} ideas sorted into themes (straight in the store, as /sort does; repeats as duplicates)"
            )
            await self._move_on()  # to prioritising: everyone gets the ballot
            thanked = await asyncio.gather(*(self._vote(m) for m in members))
            self._progress(f"{len(members)} people voted")
            await self._move_on()  # closed: everyone hears the results
            heard = (m.user.sees_after(thanks, timeout=PATIENCE) for m, thanks in zip(members, thanked, strict=True))
            await asyncio.gather(*heard)
            self._progress("the session is closed and everyone has heard the results")
            by_name = {m.user.person.first_name: m.user.id for m in members}
            begun = await database.write(partial(_agenda, session_id=session.id, owners=by_name))
            self._progress(f"{begun} actions were agreed months ago, and their owners have answered check-ins since")
        finally:
            await database.close()
        self.say(
            f"-- crowd: type @{self._name} and then /results to see how the groups differ, and /agenda for what came "
            "of it"
        )

    async def _collect(self, database: Database, session: Session, members: list[Member]) -> None:
        """The coordinator takes up the session (opening a draft) and adds themes while the crowd joins."""
        using = await self._command(f"/use {session.code}")
        if session.code not in using.content():
            raise CrowdError(f"@{self._name} cannot work on {session.code}: {using.content()}")
        if session.phase is Phase.DRAFT:
            await self._move_on()
        self.say(f"-- crowd: {len(members)} people join “{session.title}” and give their ideas")
        await asyncio.gather(self._add_themes(database, session), *(self._join(m, session.code) for m in members))
        self._progress(f"{len(members)} people joined, with {sum(len(m.ideas) for m in members)} ideas")

    @property
    def _name(self) -> str:
        return self.coordinator.person.first_name.lower()

    def _progress(self, what: str) -> None:
        seconds = asyncio.get_running_loop().time() - self._started
        self.say(f"-- crowd: {what} ({seconds:.0f} s)")

    async def _usable(self, database: Database, code: str) -> Session:
        """The session, if a crowd can take part in it: collecting ideas (or not yet open), voting by ranking."""
        session = await database.read(partial(sessions.by_code, code=code))
        if session is None:
            raise CrowdError(f"there is no session {code}")
        if session.phase not in (Phase.DRAFT, Phase.COLLECTING):
            raise CrowdError(
                f"“{session.title}” no longer collects ideas; make a new session with /new as @{self._name} "
                "and type !crowd with its code"
            )
        if session.voting != "ranking":
            raise CrowdError(f"the crowd votes by ranking, and “{session.title}” votes by {session.voting}")
        return session

    def _members(self, session: Session) -> list[Member]:
        """Thirty people, ten in each of the session's first three groups, in their languages if it offers them."""
        members = []
        for position, (names, ballots) in enumerate(zip(PEOPLE, BALLOTS, strict=True)):
            group = session.groups[position % len(session.groups)]
            for number, person in enumerate(names.split()):
                name, language = person.split(":")
                language = language if language in session.languages else session.languages[0]
                ballot = tuple(ballots[number % len(ballots)].split())
                said = tuple(IDEAS[key].get(language, IDEAS[key]["en"]) for key in ballot[:IDEAS_EACH])
                user = add_person(self.standin, name, language)
                members.append(Member(user, language, group, ballot, said[: session.idea_limit]))
        return members

    # ---- the crowd -----------------------------------------------------------------------------------------

    async def _join(self, member: Member, code: str) -> None:
        """Open the link, choose the language, agree, choose the group, give the ideas: each once answered."""
        user, words = member.user, self.catalogs.get(member.language)
        asked = await user.start(code)
        for label in (native_name(member.language), words.text(self._agree), words.text(member.group.label)):
            asked = await user.sees_after(asked, _offering(label), PATIENCE)
            await user.press(label, asked)
        await user.sees_after(asked, lambda m: bool(m.buttons), PATIENCE)  # the question, with its Done button
        for idea in member.ideas:
            sent = await user.send(idea)
            await user.sees_after(sent, _saying(idea), PATIENCE)

    async def _vote(self, member: Member) -> ChatMessage:
        """Tap the three themes on the ballot, most important first, then Confirm; the thank-you."""
        user, labels = member.user, [theme_label(key) for key in THEMES]
        ballot = await user.sees(lambda m: all(label in m.button_labels() for label in labels), PATIENCE)
        for label in (theme_label(key) for key in member.ballot):
            await user.press(label, ballot)
            await self.standin.wait_until(_taken(ballot, label), PATIENCE)
        confirm = self.catalogs.get(member.language).text(self._confirm)
        await self.standin.wait_until(lambda: confirm in ballot.button_labels(), PATIENCE)
        await user.press(confirm, ballot)
        return await user.sees_after(ballot, timeout=PATIENCE)

    # ---- the coordinator -----------------------------------------------------------------------------------

    async def _command(self, text: str, answered: Callable[[ChatMessage], bool] = lambda _: True) -> ChatMessage:
        """Send a command as the coordinator; the first answer `answered` holds for."""
        sent = await self.coordinator.send(text)
        return await self.coordinator.sees_after(sent, answered, PATIENCE)

    async def _add_themes(self, database: Database, session: Session) -> None:
        """/themes, "Add a theme", and the missing themes one a line, until the list shows them all."""
        present = await database.read(partial(themes.of_session, session_id=session.id))
        shown = {f"{t.emoji} {t.name}" if t.emoji else t.name for t in present}
        missing = [theme_label(key) for key in THEMES if theme_label(key) not in shown]
        if not missing:
            return
        listed = await self._command("/themes", lambda m: bool(m.buttons))
        await self.coordinator.press(0, listed)  # "Add a theme" comes first
        await self.coordinator.sees_after(listed, timeout=PATIENCE)  # what to send
        sent = await self.coordinator.send("\n".join(missing))
        lines = [f"• {theme_label(key)}" for key in THEMES]
        await self.coordinator.sees_after(sent, lambda m: all(line in m.content() for line in lines), PATIENCE)

    async def _move_on(self) -> None:
        """/phase, tap the next phase, then confirm: until the message says the session moved."""
        offer = await self._command("/phase", lambda m: bool(m.buttons))
        before = offer.edits
        await self.coordinator.press(0, offer)  # the next phase comes first (before going back to collecting)
        await self.standin.wait_until(lambda: offer.edits > before, PATIENCE)
        if not offer.buttons:
            raise CrowdError(f"the session did not move on: {offer.content()}")
        await self.coordinator.press(0, offer)  # Confirm
        await self.standin.wait_until(lambda: not offer.buttons, PATIENCE)


def _sort(conn: Conn, session_id: int) -> int:
    """Sort the crowd's ideas as /sort does, repeats as duplicates (others stay unsorted); how many were sorted."""
    ids = {f"{t.emoji} {t.name}": t.id for t in themes.of_session(conn, session_id)}
    theme_of = {
        text: ids[theme_label(k)] for k, said in IDEAS.items() if theme_label(k) in ids for text in said.values()
    }
    first: dict[str, int] = {}  # the first card of each text: repeats become its duplicates
    done = 0
    card = ideas.next_unsorted(conn, session_id)
    while card is not None:
        text = card.text or ""
        theme = theme_of.get(text)
        if theme is not None:
            original = first.setdefault(text, card.id)
            if original == card.id:
                done += ideas.sort_into(conn, session_id, card.id, theme)
            else:
                done += ideas.merge(conn, session_id, card.id, original)
        card = ideas.next_unsorted(conn, session_id, after=card.id)
    return done


def _agenda(conn: Conn, session_id: int, owners: Mapping[str, int]) -> int:
    """The session's actions, each accepted by its owner months ago with its past check-ins answered (or missed);
    what is still to come goes out as it falls due. How many actions there are."""
    ids = {f"{t.emoji} {t.name}": t.id for t in themes.of_session(conn, session_id)}
    today = datetime.now(UTC)
    for theme, title, owner, answers in AGENDA:
        start = add_months(today.date(), -len(answers)) - timedelta(days=1)
        schedule = Schedule(start, Cadence.MONTHLY)
        themes_ = [ids[theme_label(theme)]] if theme_label(theme) in ids else []
        action = actions.create(conn, session_id, title, "", themes_, schedule, secrets.token_hex(8))
        owner_id = people.ensure(conn, owners[owner]).id
        membership = members.of(conn, owner_id, session_id)
        assert membership is not None, "the owner took part in the session"
        dues, begun = due_times(schedule), datetime.combine(start, schedule.at, UTC)
        actions.accept(conn, owner_id, action, schedule.at, dues, begun, membership.participant.pseudonym)
        for (period, _due), answer in zip(dues, answers, strict=False):
            actions.answered_in_the_past(conn, session_id, action.id, period, answer)
    return len(AGENDA)


def _offering(label: str) -> Callable[[ChatMessage], bool]:
    """Whether a message has a button with this label."""
    return lambda message: label in message.button_labels()


def _saying(text: str) -> Callable[[ChatMessage], bool]:
    """Whether a message says this text."""
    return lambda message: text in message.content()


def _taken(message: ChatMessage, label: str) -> Callable[[], bool]:
    """Whether the button with this label has gone from the message (a tapped theme leaves the ballot)."""
    return lambda: label not in message.button_labels()


def _confirm_label(flow: Flow) -> Text:
    """The label of the ballot's Confirm button, as the flow engine names it for translation."""
    node = flow.nodes[flow.start]
    assert node.rank is not None, "the crowd votes by ranking"
    return Msg(f"{flow.id}.{flow.start}.rank.confirm", node.rank.confirm)
