"""Coordinators create and run sessions: /new, /sessions, /use, /phase, /status, and the invites that make
coordinators."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.app import coord_texts as say
from bot.app.answers import NewSession
from bot.app.authority import coordinator_of
from bot.app.content import MACHINE_ALL
from bot.app.dispatch import Access, button, command
from bot.app.outgoing import encode_text
from bot.app.participation import JOIN_UNKNOWN
from bot.app.pool_admin import offer_invite
from bot.app.room import projector_hint
from bot.app.step import Step
from bot.app.wizard import finisher, start
from bot.domain import (
    DEFAULT_GROUPS,
    Button,
    ButtonKind,
    GroupDef,
    InviteKind,
    Phase,
    Purpose,
    Reply,
    Session,
    Text,
    Theme,
    Verbatim,
    groups_from_text,
    invite_expiry,
    make_invite_token,
    normalise_join_code,
    translated,
)
from bot.i18n import SUPPORTED, Translator
from bot.storage import Conn, ideas, members, roles, sessions, themes, translations, votes
from bot.storage.outbox import Letter, enqueue
from bot.storage.roles import Coordinator

USE = ButtonKind("k:use", (("session", int),))
PHASE_OFFER = ButtonKind("k:ph", (("phase", str),))
PHASE_CONFIRM = ButtonKind("k:pc", (("phase", str),))
PHASE_CANCEL = ButtonKind("k:px")
REFRESH = ButtonKind("k:st")
REFRESH_ROW = ((Button(say.REFRESH, REFRESH.pack()),),)
TELL_ON = {Phase.COLLECTING: Purpose.OPENED, Phase.PRIORITISING: Purpose.VOTE_OPEN, Phase.CLOSED: Purpose.RESULTS}


def token_hash(token: str) -> str:
    """What is stored of an invite token."""
    return hashlib.sha256(token.encode()).hexdigest()


# ---- creating a session --------------------------------------------------------------------------


@command("new", Access.COORDINATOR)
def on_new(step: Step, record: Coordinator) -> None:
    """Start the short wizard that creates a session."""
    start(step, record, "new_session", {})


@finisher("new_session")
def session_wizard_done(step: Step, record: Coordinator, answers: Mapping[str, Any]) -> None:
    """Create the session from the wizard's answers and hand over its link, code and QR code."""
    made = NewSession.of(answers)
    groups = groups_from_text(made.groups or "") if made.group_choice == "own" else ()
    languages = tuple(c for c in SUPPORTED if made.languages and c in made.languages) or SUPPORTED
    session = sessions.create(
        step.conn,
        made.title.strip(),
        made.question.strip(),
        groups or tuple(GroupDef(g) for g in DEFAULT_GROUPS),
        languages,
        made.limit,
        Phase.DRAFT,
        made.written_in if made.written_in in SUPPORTED else step.translator.locale,
        made.voting,
    )
    roles.own(step.conn, record.participant.id, session.id)
    roles.use(step.conn, record.participant.id, session.id)
    send_join_details(step, session)
    if any(code != session.source_locale for code in session.languages):
        machine = step.svc.machine is not None  # a draft of every text in one tap, to check in /translate
        rows = ((Button(say.MACHINE_DRAFT_ALL, MACHINE_ALL.pack()),),) if machine else ()
        step.say(Reply(say.TRANSLATE_OFFER, rows))
    offer_invite(step, record, session)


def send_link_and_qr(step: Step, intro: Text, link: str, caption: Text, session: int | None = None) -> None:
    """A join link: what it is for, the link alone (so it forwards cleanly, no mark sticks to it), a QR code (for a
    session, on a sheet to print and project, made from the session as it is when sent)."""
    step.say(intro)
    step.say(Verbatim(link))
    sheet = {} if session is None else {"session": session}
    step.attach("photo", kind="qr", link=link, caption=encode_text(caption), **sheet)


def send_join_details(step: Step, session: Session) -> None:
    """The join link and code as text, and a QR code sheet to print and project."""
    params = {"title": session.title, "phase": session.phase.label, "code": session.code}
    caption = say.QR_CAPTION.with_params(title=session.title)
    send_link_and_qr(step, say.CREATED.with_params(**params), step.svc.link(session.code), caption, session.id)
    projector_hint(step, session)


# ---- choosing a session --------------------------------------------------------------------------


@command("sessions", Access.COORDINATOR)
def on_sessions(step: Step, record: Coordinator) -> None:
    """List the coordinator's sessions with a button each to work on it."""
    found = roles.sessions_of(step.conn, record.participant.id)
    if not found:
        step.say(say.NO_SESSIONS)
        return
    rows = tuple((Button(Verbatim(f"{s.title} ({s.code})"), USE.pack(session=s.id)),) for s in found[:40])
    step.say(Reply(say.SESSIONS, rows))


@button(USE, Access.COORDINATOR)
def use_pressed(step: Step, record: Coordinator, session: int) -> None:
    """Work on the session whose button was tapped."""
    _use(step, record, session)


@command("use", Access.COORDINATOR)
def on_use(step: Step, record: Coordinator) -> None:
    """`/use CODE`: work on that session (only if it is one of yours; others look the same as unknown)."""
    given = step.incoming.command
    code = normalise_join_code(given.args[0]) if given and given.args else None
    session = sessions.by_code(step.conn, code) if code else None
    _use(step, record, session.id if session else 0)


def _use(step: Step, record: Coordinator, session_id: int) -> None:
    session = roles.runnable(step.conn, record.participant.id, session_id) if session_id else None
    if session is None:
        step.say(say.USE_UNKNOWN)
        return
    roles.use(step.conn, record.participant.id, session.id)
    step.say(say.USING.with_params(title=session.title, code=session.code))


# ---- phases --------------------------------------------------------------------------------------


@command("phase", Access.SESSION)
def on_phase(step: Step, record: Coordinator, session: Session) -> None:
    """Show the current phase and offer the next one (and, while sorting, going back to collecting)."""
    text = say.PHASE_NOW.with_params(title=session.title, phase=session.phase.label)
    offers = [
        Button(
            (say.PHASE_NEXT if target is session.phase.following else say.PHASE_BACK).with_params(phase=target.label),
            PHASE_OFFER.pack(phase=target.value),
        )
        for target in _reachable(session)
    ]
    if not offers:
        step.say(text)
        step.say(say.PHASE_LAST)
        return
    step.say(Reply(text, tuple((offer,) for offer in offers)))


def _reachable(session: Session) -> tuple[Phase, ...]:
    """The phases a coordinator can move a session to now: the next one, and back to collecting while sorting."""
    following = session.phase.following
    back = (Phase.COLLECTING,) if session.phase is Phase.SORTING else ()
    return ((following,) if following is not None else ()) + back


def _target(session: Session, phase: str) -> Phase | None:
    """The phase a button asks for, if the session can still move there (an old button is stale)."""
    return next((target for target in _reachable(session) if target.value == phase), None)


def _checks(step: Step, session: Session, found: list[Theme]) -> list[Text]:
    """What a coordinator should know before prioritising opens: unsorted ideas, few themes, untranslated ones."""
    warnings: list[Text] = []
    unsorted = ideas.counts(step.conn, session.id).unsorted
    if unsorted:
        warnings.append(say.CHECK_UNSORTED.with_params(count=unsorted))
    if len(found) == 1:
        warnings.append(say.CHECK_FEW_THEMES)
    known = translations.of_session(step.conn, session.id)
    present = sorted({code for code in members.locales_of(step.conn, session.id) if code})
    missing = [
        code
        for code in present
        if any(translated(t.subject, t.name, session.source_locale, code, known) is None for t in found)
    ]
    if missing:
        names = ", ".join(step.translator.language_name(code) for code in missing)
        warnings.append(say.CHECK_UNTRANSLATED.with_params(languages=names))
    return warnings


@button(PHASE_OFFER, Access.SESSION)
def phase_offered(step: Step, record: Coordinator, session: Session, phase: str) -> None:
    """Say what the move does, and what to look at first, and ask to confirm."""
    target = _target(session, phase)
    if target is None:
        step.answer(say.CANCELLED, alert=True)
        return
    found = themes.of_session(step.conn, session.id)
    if target is Phase.PRIORITISING and not found:
        step.edit(say.PHASE_NO_THEMES.with_params(title=session.title))
        return
    going_back = target is Phase.COLLECTING and session.phase is Phase.SORTING
    lines = [
        step.translator.text(
            say.PHASE_CONFIRM.with_params(title=session.title, current=session.phase.label, next=target.label)
        ),
        step.translator.text(say.PHASE_REOPEN if going_back else say.PHASE_EFFECTS[target]),
    ]
    warnings = _checks(step, session, found) if target is Phase.PRIORITISING else []
    if warnings:
        lines += ["", *(step.translator.text(w) for w in warnings), "", step.translator.text(say.CHECK_CONTINUE)]
    buttons = ((Button(say.CONFIRM, PHASE_CONFIRM.pack(phase=target.value)), Button(say.CANCEL, PHASE_CANCEL.pack())),)
    step.edit(Reply(Verbatim(step.translator.directed("\n".join(lines))), buttons))


@button(PHASE_CANCEL, Access.SESSION)
def phase_cancelled(step: Step, record: Coordinator, session: Session) -> None:
    """Leave the phase as it is."""
    step.edit(say.CANCELLED)


@button(PHASE_CONFIRM, Access.SESSION)
def phase_confirmed(step: Step, record: Coordinator, session: Session, phase: str) -> None:
    """Move the session on (or back to collecting) and tell every participant what the new phase asks of them: a
    row for each in the outbox, in this same transaction, and a count for the coordinator once they are sent."""
    target = _target(session, phase)
    if target is None:
        return
    sessions.set_phase(step.conn, session.id, target)
    step.edit(say.PHASE_MOVED.with_params(title=session.title, phase=target.label))
    if target is Phase.COLLECTING:
        projector_hint(step, session)
    tell = TELL_ON.get(target) if target is not Phase.COLLECTING or session.phase is Phase.DRAFT else None
    if tell is None:
        return
    tell_everyone(step.conn, session.id, tell, target.value, step.now)
    step.say(say.TELLING)  # the outbox sends them, rate-limited, each in their language
    report = {"session": session.id, "tell": tell.value, "phase": target.value}
    period = f"{session.id}:{target.value}"
    step.afterwards([Letter(Purpose.PHASE_REPORT, record.participant.id, period, step.now, report)])


def tell_everyone(conn: Conn, session_id: int, purpose: Purpose, period: str, moment: datetime) -> int:
    """One outbox row of a purpose for every consented, reachable participant of a session."""
    payload = {"session": session_id}
    letters = [
        Letter(purpose, person, f"{session_id}:{period}", moment, payload)
        for person in members.reachable(conn, session_id)
    ]
    return enqueue(conn, letters)


# ---- live status ---------------------------------------------------------------------------------


def status_text(step: Step, session: Session, translator: Translator) -> str:
    """The live counts of a session as one message in the coordinator's language."""
    conn = step.conn
    by_group, by_language = members.counts(conn, session.id)
    counted = ideas.counts(conn, session.id)
    found = themes.of_session(conn, session.id)
    groups = {g.id: g.label for g in session.groups}
    lines = [translator.text(say.STATUS_TITLE.with_params(title=session.title, phase=session.phase.label)), ""]
    lines.append(translator.text(say.STATUS_PARTICIPANTS.with_params(count=sum(by_group.values()))))
    if by_group:
        lines.append(translator.text(say.STATUS_BY_GROUP))
        lines += [f"• {_label(translator, groups.get(g or ''), g)}: {n}" for g, n in by_group.items()]
        lines.append(translator.text(say.STATUS_BY_LANGUAGE))
        lines += [f"• {translator.language_name(code) if code else '?'}: {n}" for code, n in by_language.items()]
    total = sum(counted.by_theme.values()) + counted.unsorted
    lines += ["", translator.text(say.STATUS_IDEAS.with_params(count=total))]
    lines.append(translator.text(say.STATUS_UNSORTED.with_params(count=counted.unsorted)))
    lines.append(translator.text(say.STATUS_HIDDEN.with_params(count=counted.hidden)))
    lines.append(translator.text(say.STATUS_VOICE.with_params(count=counted.voice_untranscribed)))
    lines.append(translator.text(say.STATUS_VOTES.with_params(count=votes.count(conn, session.id))))
    if found:
        lines.append(translator.text(say.STATUS_BY_THEME))
        lines += [f"• {t.emoji or ''} {t.name}: {counted.by_theme.get(t.id, 0)}".replace("•  ", "• ") for t in found]
    moment = translator.time(step.now, step.svc.zone)
    lines += ["", translator.text(say.STATUS_UPDATED.with_params(time=moment))]
    return translator.directed("\n".join(lines))


def _label(translator: Translator, label: Text | None, fallback: str | None) -> str:
    return translator.text(label) if label is not None else (fallback or "?")


@command("status", Access.SESSION)
def on_status(step: Step, record: Coordinator, session: Session) -> None:
    """Live counts, with a button that refreshes the same message."""
    step.say(Reply(Verbatim(status_text(step, session, step.translator)), REFRESH_ROW))


@button(REFRESH, Access.SESSION)
def status_refreshed(step: Step, record: Coordinator, session: Session) -> None:
    """Edit the status message in place with fresh counts."""
    step.edit(Reply(Verbatim(status_text(step, session, step.translator)), REFRESH_ROW))


# ---- invites -------------------------------------------------------------------------------------


def _invite(step: Step, kind: InviteKind, session: Session | None) -> None:
    token = make_invite_token(secrets.token_bytes(16))
    expires = invite_expiry(step.now)
    roles.create_invite(step.conn, kind, session.id if session else None, token_hash(token), expires.isoformat())
    when = step.translator.moment(expires, step.svc.zone)
    if session is None:
        message = say.INVITE_COORDINATOR.with_params(expires=when)
    else:
        message = say.INVITE_CO.with_params(title=session.title, expires=when)
    step.say(message)
    step.say(Verbatim(step.svc.link(token)))


@command("invite_coordinator", Access.ADMIN)
def on_invite_coordinator(step: Step, record: Coordinator) -> None:
    """An admin makes a single-use link that makes its first user a coordinator."""
    _invite(step, InviteKind.COORDINATOR, None)


@command("invite", Access.SESSION)
def on_invite(step: Step, record: Coordinator, session: Session) -> None:
    """A coordinator makes a single-use link for a co-coordinator (or translator) of the active session."""
    _invite(step, InviteKind.CO_COORDINATOR, session)


def redeem(step: Step, token: str) -> None:
    """`/start inv_…`: accept an invite; an unknown, used or expired one gets the answer of any dead link."""
    redeemed = roles.redeem_invite(step.conn, step.telegram_id, token_hash(token), step.now.isoformat())
    if redeemed is None:
        step.say(JOIN_UNKNOWN)
        return
    record = coordinator_of(step)  # remembers their language for what reaches them later
    assert record is not None
    step.person = record.participant
    session = roles.runnable(step.conn, record.participant.id, redeemed.session_id) if redeemed.session_id else None
    step.say(say.WELCOME_CO.with_params(title=session.title) if session else say.WELCOME_COORDINATOR)
