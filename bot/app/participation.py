"""Taking part in a session: join with its code, then give ideas and vote; what a session's run knows and does."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from bot.app import action_texts, hearing, texts
from bot.app.conversations import KINDS, SPOKEN, Speaker, Unit, drive, installed, open_run
from bot.app.coord_texts import UNTRANSLATED
from bot.app.dispatch import button, command
from bot.app.services import Services
from bot.app.step import Step
from bot.conversation import (
    Answer,
    Choice,
    Contribution,
    Enter,
    Event,
    Facts,
    Finished,
    FlowState,
    Node,
    OtherIn,
    Output,
    Press,
    TextIn,
    Toast,
    Transition,
    Withdrawal,
    prompt,
)
from bot.conversation.machine import TOO_LONG
from bot.domain import (
    IDEA_MAX_LENGTH,
    ButtonKind,
    GroupDef,
    Msg,
    NewIdea,
    Phase,
    Purpose,
    Reply,
    Run,
    RunPurpose,
    Session,
    Spoken,
    Text,
    Theme,
    Verbatim,
    normalise_join_code,
    session_pseudonym,
    translated,
)
from bot.domain.cadence import months_after
from bot.domain.content import Translations
from bot.i18n import native_name
from bot.storage import Conn, ideas, members, people, recordings, runs, sessions, themes, translations, voices, votes
from bot.storage.outbox import Letter, enqueue

JOIN_FLOW = "intake"
VOTE_FLOW_PREFIX = "prioritise_"
SUMMARIES = 4  # quarterly summaries for a year, for those who asked to hear what happens

JOIN_UNKNOWN = Msg(
    "join.unknown",
    "This link does not work (any more). Please ask the coordinator for a new link or QR code.",
)
NOT_COLLECTING = Msg(
    "ideas.not_collecting", "This session is not collecting ideas at the moment, so this message was not kept."
)
NOT_COLLECTING_NOW = Msg(
    "ideas.not_collecting_now",
    "Ideas are not being collected at the moment. You will get a message when you can choose what matters most.",
)
COLLECTING_OPENED = Msg(
    "ideas.opened",
    "“{title}” has started. The question is:\n{question}\n\n"
    "Send each idea as a separate message: type it, or record a voice message. Ideas you sent before are kept.",
)
VOTING_CLOSED = Msg("vote.closed", "Choosing what matters most is not open at the moment.")
IDEA_EDITED = Msg("ideas.edited", "Your idea was updated:\n{idea}")

OPT_IN = ButtonKind("upd", (("session", int),))  # "Keep me informed" under a session's results
OPT_IN_BEFORE = ButtonKind("upd:on")  # the same, on results sent before buttons named their session


@dataclass(frozen=True)
class SessionView:
    """A session with what its participants see of it: its themes and the translations of its texts."""

    session: Session
    themes: tuple[Theme, ...] = ()
    translations: Translations = field(default_factory=dict)


def view_of(conn: Conn, session: Session) -> SessionView:
    """Load what a session's participants see."""
    return SessionView(session, tuple(themes.of_session(conn, session.id)), translations.of_session(conn, session.id))


def vote_flow(session: Session) -> str:
    """The flow participants vote with, by the session's method."""
    return VOTE_FLOW_PREFIX + session.voting


def language_choices(offered: Iterable[str], first: str | None) -> tuple[Choice, ...]:
    """Languages to tap, each named in its own script, the person's likely one first."""
    return tuple(Choice(code, Verbatim(native_name(code))) for code in sorted(offered, key=lambda code: code != first))


def shown(view: SessionView, subject: str, original: str, locale: str | None) -> Text:
    """A coordinator's text in the person's language, or as written with "(not yet translated)"."""
    text = translated(subject, original, view.session.source_locale, locale, view.translations)
    return Verbatim(text) if text is not None else UNTRANSLATED.with_params(original=original)


def facts_for(view: SessionView, first_language: str | None, seed: int = 0, locale: str | None = None) -> Facts:
    """What the flows may know of a session, in the person's language where it has been translated."""
    session, known = view.session, view.translations

    def in_language(subject: str, original: str) -> str:
        return translated(subject, original, session.source_locale, locale, known) or original

    def group_label(group: GroupDef) -> Text:
        return group.label if group.name is None else Verbatim(in_language(f"group:{group.id}", group.name))

    def theme_label(theme: Theme) -> Text:
        name = in_language(theme.subject, theme.name)
        return Verbatim(f"{theme.emoji} {name}" if theme.emoji else name)

    return Facts(
        params={
            "title": shown(view, "title", session.title, locale),
            "question": shown(view, "question", session.question, locale),
            "idea_limit": session.idea_limit,
            "started": session.phase is not Phase.DRAFT,
        },
        options={
            "groups": tuple(Choice(g.id, group_label(g)) for g in session.groups),
            "languages": language_choices(session.languages, first_language),
            "themes": tuple(Choice(str(t.id), theme_label(t)) for t in view.themes),
        },
        idea_limit=session.idea_limit,
        seed=seed,
        redirect={"ideas": vote_flow(session)} if session.phase is Phase.PRIORITISING else {},
    )


class SessionRuns:
    """A person's run in a session: joining, giving ideas, voting."""

    def facts(self, conn: Conn, run: Run, locale: str | None, hint: str | None) -> Facts:
        session = sessions.by_id(conn, run.subject)
        assert session is not None
        membership = members.of(conn, run.participant_id, session.id, session)
        seed = membership.id if membership else 0
        return facts_for(view_of(conn, session), locale or hint, seed, locale)

    def gate(self, conn: Conn, run: Run, node: Node | None, event: Event) -> Output | None:
        """Ideas while collecting (and before, kept for when it opens) and votes only while prioritising; otherwise
        a clear answer that says what was not kept."""
        if node is None or isinstance(event, OtherIn):
            return None
        if isinstance(event, TextIn) and event.attachment is None:
            words = hearing.typed(conn, run.participant_id, event.text)  # a voice note's words, as promised
            if words is not None:
                return words
        session = sessions.by_id(conn, run.subject)
        assert session is not None
        gathering = session.phase in (Phase.DRAFT, Phase.COLLECTING)
        if node.kind == "collect" and not gathering and not isinstance(event, Press):
            return Reply(NOT_COLLECTING_NOW if isinstance(event, Enter) else NOT_COLLECTING)
        if run.flow.startswith(VOTE_FLOW_PREFIX) and session.phase is not Phase.PRIORITISING:
            return Toast(VOTING_CLOSED, alert=True) if isinstance(event, Press) else Reply(VOTING_CLOSED)
        return None

    def apply(self, unit: Unit, run: Run, transition: Transition) -> bool:
        conn = unit.conn
        membership = members.of(conn, run.participant_id, run.subject)
        if membership is None:
            return False
        person = people.by_id(conn, run.participant_id)
        locale = person.locale if person else None
        new_ideas: list[NewIdea] = []
        for result in transition.results:
            if isinstance(result, Answer) and result.key == "consent" and result.value == "agree":
                members.agree(conn, membership.id)
            elif isinstance(result, Answer) and result.key == "group":
                members.set_group(conn, membership.id, str(result.value))
            elif isinstance(result, Answer) and result.key == "vote":
                votes.cast(conn, membership.session.id, membership.id, membership.session.voting, result.value)
            elif isinstance(result, Contribution):
                source = unit.source_message if result.text is not None else None
                new_ideas.append(NewIdea(result.seq, result.text, result.file_id, result.duration, locale, source))
            elif isinstance(result, Withdrawal):
                ideas.withdraw(conn, membership.id, (result.seq,))
            elif isinstance(result, Finished) and result.forget:
                members.leave(conn, membership.id)
                runs.remove(conn, run.id)
                people.remove_if_unused(conn, run.participant_id)
                return False
        if new_ideas:
            ideas.add(conn, membership.session.id, membership.id, new_ideas)
            if unit.svc.transcriber is not None:
                spoken = [idea.seq for idea in new_ideas if idea.voice_file_id is not None]
                voices.request(conn, membership.id, spoken, unit.svc.clock())
        return True


KINDS[RunPurpose.SESSION] = SessionRuns()

# The prompts a coordinator or interpreter can record per language (/record), by what they are: (flow, node).
RECORDABLE = {"question": ("ideas", "ask"), "consent": ("intake", "consent")}
READ_ALOUD = {f"{flow}.{node}.say": subject for subject, (flow, node) in RECORDABLE.items()}


def recordable_text(svc: Services, conn: Conn, session: Session, subject: str, code: str) -> str:
    """A recordable text as participants reading `code` are shown it now (a recording of any other text is stale)."""
    flow, node = RECORDABLE[subject]
    facts = installed(facts_for(view_of(conn, session), code, locale=code), svc)
    return svc.translator_for(code).render(prompt(svc.flows[flow], node, facts))


def played_recording(svc: Services, conn: Conn, session: Session, subject: str, code: str) -> str | None:
    """The recording readers of `code` get with a text (its Telegram file id): only while it reads the text they
    are shown now."""
    found = recordings.find(conn, session.id, subject, code)
    if found is None:
        return None
    file_id, read = found
    return file_id if read == recordings.fingerprint(recordable_text(svc, conn, session, subject, code)) else None


def current_recordings(svc: Services, conn: Conn, session: Session, code: str) -> set[str]:
    """What is recorded in `code` of the very texts its readers are shown now."""
    return {subject for subject in RECORDABLE if played_recording(svc, conn, session, subject, code) is not None}


def read_aloud(run: Run, reply: Reply) -> Reply:
    """The session's consent text and question, followed by their recording in the reader's language."""
    subject = READ_ALOUD.get(reply.text.context) if isinstance(reply.text, Msg) else None
    return replace(reply, spoken=Spoken(run.subject, subject)) if subject else reply


SPOKEN[RunPurpose.SESSION] = read_aloud


def join(step: Step, payload: str) -> None:
    """`/start CODE`: join the session (or come back to it) and show where the person is."""
    code = normalise_join_code(payload)
    session = sessions.by_code(step.conn, code) if code else None
    if session is None or not session.phase.open_to_join:
        step.say(JOIN_UNKNOWN)
        return
    person = step.participant()
    first = person.locale or step.hint
    pseudonym = session_pseudonym(step.svc.secret, step.telegram_id, session.id)
    _, created = members.enter(step.conn, person.id, session, pseudonym)
    run = runs.find(step.conn, person.id, RunPurpose.SESSION, session.id)
    if created or run is None:
        facts = facts_for(view_of(step.conn, session), first)
        open_run(step, step, person.id, RunPurpose.SESSION, session.id, JOIN_FLOW, facts)
    else:
        drive(step, step, run, Enter(), step.locale, step.hint)


def current(step: Step) -> Run | None:
    """The person's session run that asked them something last."""
    if step.person is None:
        return None
    return next((r for r in runs.of_person(step.conn, step.person.id) if r.purpose is RunPurpose.SESSION), None)


@command("vote")
def on_vote(step: Step) -> None:
    """`/vote`: (re)start choosing what matters most, while the session is prioritising."""
    run = current(step)
    session = sessions.by_id(step.conn, run.subject) if run else None
    if run is None or session is None or session.phase is not Phase.PRIORITISING:
        step.say(VOTING_CLOSED)
        return
    open_vote(step, step, run.participant_id, session, step.locale, FlowState.from_json(run.state).answers)


def open_vote(
    unit: Unit, speaker: Speaker, participant_id: int, session: Session, locale: str | None, answers: object
) -> Run:
    """Put a person at the first question of the session's vote (their earlier answers kept)."""
    membership = members.of(unit.conn, participant_id, session.id, session)
    seed = membership.id if membership else 0
    facts = facts_for(view_of(unit.conn, session), locale, seed, locale)
    carried = dict(answers) if isinstance(answers, dict) else {}
    return open_run(unit, speaker, participant_id, RunPurpose.SESSION, session.id, vote_flow(session), facts, carried)


def _opt_in(step: Step, session_id: int | None) -> None:
    run = current(step) if session_id is None else None
    wanted = session_id if session_id is not None else (run.subject if run else None)
    membership = members.of(step.conn, step.person.id, wanted) if step.person and wanted is not None else None
    if membership is None or membership.session.phase not in (Phase.CLOSED, Phase.FOLLOW_UP):
        step.answer(texts.BUTTON_EXPIRED, alert=True)
        return
    members.wants_updates(step.conn, membership.id)
    payload = {"session": membership.session.id}
    quarters = [
        Letter(
            Purpose.SUMMARY,
            membership.participant.id,
            f"{membership.session.id}:q{n}",
            months_after(step.now, 3 * n),
            payload,
        )
        for n in range(1, SUMMARIES + 1)
    ]
    enqueue(step.conn, quarters)
    step.edit(None)
    step.say(action_texts.UPDATES_ON)


@button(OPT_IN)
def opted_in(step: Step, session: int) -> None:
    """ "Keep me informed": news when an action on their ideas changes, and a summary every quarter."""
    _opt_in(step, session)


@button(OPT_IN_BEFORE)
def opted_in_before(step: Step) -> None:
    """ "Keep me informed" on results sent before the button named its session: the person's latest session."""
    _opt_in(step, None)


def on_edited(step: Step) -> None:
    """An edited message updates the idea it became while the session still collects; other edits change nothing."""
    edited = step.incoming.edited
    run = current(step)
    assert edited is not None
    text = edited.text
    membership = members.of(step.conn, run.participant_id, run.subject) if run else None
    if membership is None or text is None or not text.strip() or membership.session.phase is not Phase.COLLECTING:
        return
    if len(text) > IDEA_MAX_LENGTH:
        step.say(TOO_LONG.with_params(max=IDEA_MAX_LENGTH))
        return
    if ideas.edit(step.conn, membership.id, edited.message_id, text):
        step.say(IDEA_EDITED.with_params(idea=text))
