"""What the room sees on the projector: how to join, who is here, the ideas as they come, the ballots, and at the
end how the groups' priorities compare. Telegram-free and web-free: the web side only lays it out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.app.dispatch import Access, command
from bot.app.participation import view_of
from bot.app.services import Services
from bot.app.step import Step
from bot.domain import Msg, Phase, Session, Verbatim
from bot.domain.content import translated
from bot.domain.grant import Grant, PageRole, grant_for, sign
from bot.exports import SessionResults, load_results, mark
from bot.i18n import Translator
from bot.i18n.bidi import unmarked
from bot.storage import Conn, ideas, members, votes
from bot.storage.ideas import ShownIdea
from bot.storage.roles import Coordinator

LONG_LIVED = timedelta(days=30)  # a link that lasts longer is said to work until a day, not a minute
WALL_SIZE = 48  # the newest ideas on the wall; more would not be readable from the back of a room

JOIN = Msg("room.join", "Scan the code with your phone, or open")
CODE = Msg("room.code", "Code: {code}")
TAKING_PART = Msg("room.taking_part", "Taking part")
BY_GROUP = Msg("room.by_group", "By group")
BY_LANGUAGE = Msg("room.by_language", "By language")
IDEAS = Msg("room.ideas", "Ideas")
NO_IDEAS = Msg("room.no_ideas", "The ideas appear here as they are sent.")
MORE_IDEAS = Msg("room.more_ideas", "and {count} earlier ones")
VOICE = Msg("room.voice", "🎤 A voice message ({seconds} s)")
BALLOTS = Msg("room.ballots", "Ballots cast")
RESULTS = Msg("room.results", "What matters most, group by group")
CHART = Msg("room.chart", "How the groups ordered the themes")
LIVE = Msg("room.live", "This page updates by itself.")
OFFLINE = Msg("room.offline", "The connection was lost; trying again…")
LANGUAGE = Msg("room.language", "Language of this page")

PROJECTOR_LINK = Msg(
    "room.projector_link",
    "The projector page of “{title}”: open the link below on the computer connected to the projector. It shows how "
    "to join, who is here, the ideas as they arrive (without names) and, at the end, the results; it updates by "
    "itself. The link works until {expires}. Anyone who has it can see the page, so share it only with the room.",
)
PAGES_OFF = Msg(
    "room.pages_off",
    "The web pages (the projector page among them) are switched off for this bot. Whoever runs it can switch them "
    "on with the INSPRAAK_WEB_PORT and INSPRAAK_WEB_URL settings.",
)


SHOW_THE_ROOM = Msg(
    "room.show_the_room",
    "To show the room how to join, and the ideas as they arrive, put the projector page on the screen: /projector",
)


def projector_hint(step: Step, session: Session) -> None:
    """After a session is made or moved on, with the web pages on: where its projector page is to be had."""
    if step.svc.pages is not None and session.phase.open_to_join:
        step.say(SHOW_THE_ROOM)


@command("projector", Access.SESSION)
def on_projector(step: Step, record: Coordinator, session: Session) -> None:
    """`/projector`: a signed link to the session's projector page."""
    send_page_link(step, session, PageRole.PROJECTOR, PROJECTOR_LINK)


def send_page_link(step: Step, session: Session, role: PageRole, about: Msg) -> None:
    """What a page is and until when its link works (to the day for a long-lived one), then the link on its own,
    so it forwards cleanly; or that the web pages are off."""
    if step.svc.pages is None:
        step.say(PAGES_OFF)
        return
    grant = grant_for(role, session.id, step.now)
    when = step.translator.day if grant.expires - step.now >= LONG_LIVED else step.translator.moment
    step.say(about.with_params(title=session.title, expires=when(grant.expires, step.svc.zone)))
    step.say(Verbatim(page_link(step.svc.pages, step.svc.secret, grant)))


def page_link(base: str, secret: bytes, grant: Grant) -> str:
    """The address of the page a grant opens."""
    return f"{base}/{grant.role.value}/{sign(secret, grant)}"


@dataclass(frozen=True)
class Tally:
    """A count with what it counts, named in the page's language."""

    name: str
    count: int


@dataclass(frozen=True)
class Standing:
    """One group's order of the themes: place ("=2" when shared), theme and score."""

    group: str
    voters: int
    places: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class RoomView:
    """Everything the projector shows at one moment, in the page's language."""

    session_id: int
    title: str
    question: str
    phase: Phase
    phase_name: str
    code: str
    link: str
    participants: int
    groups: tuple[Tally, ...]
    languages: tuple[Tally, ...]
    ideas: tuple[ShownIdea, ...]
    idea_count: int
    ballots: int
    standings: tuple[Standing, ...]
    findings: tuple[str, ...]  # where the groups differ, how much they agree, in words with the numbers
    has_chart: bool
    offered: tuple[str, ...]  # the session's languages, which the page can be read in


def room_view(conn: Conn, svc: Services, session: Session, translator: Translator) -> RoomView:
    """The room's view of a session now."""
    view = view_of(conn, session)

    def in_language(subject: str, original: str) -> str:
        return translated(subject, original, session.source_locale, translator.locale, view.translations) or original

    by_group, by_language = members.counts(conn, session.id)
    defined = {g.id: g for g in session.groups}

    def group_name(group_id: str) -> str:
        found = defined.get(group_id)
        if found is None:
            return group_id
        return translator.text(found.label) if found.name is None else in_language(f"group:{group_id}", found.name)

    groups = tuple(Tally(group_name(g), n) for g, n in by_group.items() if g is not None)
    languages = tuple(Tally(translator.language_name(code), n) for code, n in by_language.items() if code)
    shown, total = ideas.shown(conn, session.id, WALL_SIZE)
    standings: tuple[Standing, ...] = ()
    findings: tuple[str, ...] = ()
    has_chart = False
    if session.phase in (Phase.CLOSED, Phase.FOLLOW_UP):
        found = load_results(conn, session)
        standings, findings = _outcome(found, translator)
        has_chart = found.results.overall.voters > 0
    return RoomView(
        session.id,
        in_language("title", session.title),
        in_language("question", session.question),
        session.phase,
        unmarked(translator.text(session.phase.label)),
        session.code,
        svc.link(session.code),
        sum(by_group.values()),
        groups,
        languages,
        tuple(shown),
        total,
        votes.count(conn, session.id),
        standings,
        findings,
        has_chart,
        tuple(session.languages),
    )


def _outcome(found: SessionResults, translator: Translator) -> tuple[tuple[Standing, ...], tuple[str, ...]]:
    """Each group's order with its scores, and what stands out, in words."""
    results = found.results
    if results.overall.voters == 0:
        return (), ()
    standings = tuple(
        Standing(
            unmarked(found.group(r.group, translator)),
            r.voters,
            tuple(
                (mark(r, t), unmarked(found.theme(t, translator.locale)), unmarked(found.score(r, t, translator)))
                for t in r.order
            ),
        )
        for r in (results.overall, *results.groups)
    )
    said = [found.difference(d, translator) for d in results.differences] + found.notes(translator)
    return standings, tuple(unmarked(line) for line in said)
