"""The action agenda: /actions and /agenda for coordinators, owners accepting their action, and the check-ins
they answer for a year (a run of their own, beside any session they take part in)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.app import action_texts as say
from bot.app import texts
from bot.app.action_words import words_for
from bot.app.answers import ActionAdd, Checkin
from bot.app.conversations import KINDS, Unit
from bot.app.dispatch import Access, button, command
from bot.app.participation import JOIN_UNKNOWN
from bot.app.services import Services
from bot.app.step import Step
from bot.app.welcome import language_rows
from bot.app.wizard import finisher, session_in, start
from bot.conversation import Answer, Event, Facts, Node, Output, Transition
from bot.domain import (
    ACTION_INVITE_PREFIX,
    PROGRESS_NAMES,
    STATUS_NAMES,
    Action,
    ActionStatus,
    Button,
    ButtonKind,
    Cadence,
    Ending,
    Msg,
    Progress,
    Purpose,
    Reply,
    Run,
    RunPurpose,
    Schedule,
    Session,
    Text,
    Verbatim,
    due_times,
    session_pseudonym,
)
from bot.domain.cadence import months_after
from bot.i18n import SUPPORTED, Translator
from bot.storage import Conn, actions, outbox, roles
from bot.storage.actions import CheckinRecord
from bot.storage.outbox import Letter, enqueue
from bot.storage.roles import Coordinator

CHECKIN_FLOW = "checkin"
TIMES = {"t09": time(9), "t10": time(10), "t13": time(13), "t17": time(17)}
DIGEST_MONTHS = 12
ADD = ButtonKind("k:aa")
EDIT = ButtonKind("k:ae", (("action", int),))
PAUSE = ButtonKind("k:ap", (("action", int),))
RESUME = ButtonKind("k:ar", (("action", int),))
CLOSE = ButtonKind("k:ax", (("action", int),))
OWNER = ButtonKind("ac", (("token", str),), rest="choice")  # the invited owner: language, yes/no, time of day


def invite_hash(token: str) -> str:
    """What is stored of an owner's invite."""
    return hashlib.sha256(token.encode()).hexdigest()


def _when(translator: Translator, moment: str | None, zone: Any) -> str:
    if moment is None:
        return translator.text(say.AGENDA_NONE)
    return translator.moment(datetime.fromisoformat(moment), zone)


def agenda_lines(
    conn: Conn, session: Session, translator: Translator, title: Msg, now: datetime, zone: Any
) -> list[str]:
    """Every action with its owner's pseudonym, status, last answer and next check-in."""
    lines = [translator.text(title.with_params(title=session.title))]
    found = actions.of_session(conn, session.id)
    if not found:
        return [*lines, translator.text(say.NO_ACTIONS)]
    stamp = now.isoformat(timespec="seconds")
    for number, action in enumerate(found, 1):
        checkins = actions.checkins(conn, action.id)
        answered = [c for c in checkins if c.answered_at is not None]
        last = answered[-1] if answered else None
        upcoming = next((c.due_at for c in checkins if c.due_at > stamp and c.sent_at is None), None)
        answer = PROGRESS_NAMES[Progress(last.status)] if last is not None and last.status else None
        if last is not None and answer is None and action.ending is not None:
            answer = action.shown_status  # the year's last check-in: how it ended
        last_text = (
            f"{translator.text(answer)} ({_when(translator, last.answered_at, zone)})"
            if last is not None and answer is not None
            else translator.text(say.AGENDA_NONE)
        )
        next_text = _when(translator, upcoming, zone) if action.status is ActionStatus.ACTIVE else "–"
        lines.append(
            translator.text(
                say.AGENDA_LINE.with_params(
                    number=number,
                    action=action.title,
                    owner=action.owner_pseudonym or translator.text(say.NO_OWNER),
                    status=action.shown_status,
                    last=last_text,
                    next=next_text,
                )
            )
        )
        lines += _owner_words(checkins, translator, zone)
    return lines


def last_words(checkins: list[CheckinRecord]) -> CheckinRecord | None:
    """The latest check-in where the owner said something, typed or spoken."""
    said = (c for c in reversed(checkins) if c.note or c.help or c.note_voice or c.help_voice)
    return next(said, None)


def _owner_words(checkins: list[CheckinRecord], translator: Translator, zone: Any) -> list[str]:
    """What the owner said last, dated; a voice message is named (and sent after the overview)."""
    words = last_words(checkins)
    if words is None or words.answered_at is None:
        return []
    when = translator.day(datetime.fromisoformat(words.answered_at), zone)
    written = words.note or words.help
    said: Text = Verbatim(written) if written else say.SPOKEN
    lines = [translator.text(say.AGENDA_WORDS.with_params(when=when, words=said))]
    translated = machine_words(words, "note" if words.note else "help")
    return lines + ([translator.text(translated)] if translated is not None else [])


def machine_words(checkin: CheckinRecord, part: str) -> Msg | None:
    """A machine's translation of an owner's note or help request into the session's language, marked as such."""
    text = checkin.note_translation if part == "note" else checkin.help_translation
    if not text:
        return None
    return say.MACHINE_WORDS.with_params(service=checkin.translation_machine or "?", text=text)


@command("agenda", Access.SESSION)
def on_agenda(step: Step, record: Coordinator, session: Session) -> None:
    """`/agenda`: how every action is doing, and a chart of the answers over the year."""
    step.say_lines(agenda_lines(step.conn, session, step.translator, say.AGENDA, step.now, step.svc.zone))
    found = actions.of_session(step.conn, session.id)
    if found:
        step.attach("photo", kind="agenda_chart", session=session.id)
    for action in found:  # the owners' latest words, when they were spoken: to listen to
        words = last_words(actions.checkins(step.conn, action.id))
        if words is not None and not (words.note or words.help):
            step.attach("voice", file_id=words.note_voice or words.help_voice)


# ---- /actions: the list, adding, pausing and closing --------------------------------------------


def show_actions(step: Step, session: Session) -> None:
    """The actions with buttons to add one, pause or resume, and close."""
    translator = step.translator
    found = actions.of_session(step.conn, session.id)
    lines = [translator.text(say.ACTIONS.with_params(title=session.title))]
    rows: list[tuple[Button, ...]] = [(Button(say.ADD_ACTION, ADD.pack()),)]
    for number, action in enumerate(found, 1):
        owner = action.owner_pseudonym or translator.text(say.NO_OWNER)
        status = action.shown_status
        lines.append(
            translator.text(say.ACTION_LINE.with_params(number=number, action=action.title, owner=owner, status=status))
        )
        edit_button = Button(say.EDIT.with_params(number=number), EDIT.pack(action=action.id))
        if action.status in (ActionStatus.ACTIVE, ActionStatus.PAUSED):
            toggle = (say.PAUSE, PAUSE) if action.status is ActionStatus.ACTIVE else (say.RESUME, RESUME)
            rows.append(
                (
                    edit_button,
                    Button(toggle[0].with_params(number=number), toggle[1].pack(action=action.id)),
                    Button(say.CLOSE.with_params(number=number), CLOSE.pack(action=action.id)),
                )
            )
        elif action.status is ActionStatus.OPEN:
            rows.append((edit_button,))
    if not found:
        lines.append(translator.text(say.NO_ACTIONS))
    step.say_lines(lines, tuple(rows))


@command("actions", Access.SESSION)
def on_actions(step: Step, record: Coordinator, session: Session) -> None:
    """`/actions`: the session's action agenda."""
    show_actions(step, session)


@button(ADD, Access.SESSION)
def add_pressed(step: Step, record: Coordinator, session: Session) -> None:
    """Ask for the new action's details."""
    start(step, record, "action_add", {"session": session.id})


@button(EDIT, Access.SESSION)
def edit_pressed(step: Step, record: Coordinator, session: Session, action: int) -> None:
    """Go through the action's questions again; the answers replace what it had."""
    found = actions.get(step.conn, action)
    if found is not None and found.session_id == session.id:
        start(step, record, "action_add", {"session": session.id, "edit": found.id})


@finisher("action_add")
def action_added(step: Step, record: Coordinator, answers: Mapping[str, Any]) -> None:
    """Put the action on the agenda and give the coordinator the owner's invite link (or apply an edit)."""
    given = ActionAdd.of(answers)
    session = session_in(step, record, answers)
    if session is None:
        return
    today = step.now.astimezone(step.svc.zone).date()
    begins = today + timedelta(weeks=1) if given.start == "next_week" else today
    schedule = Schedule(begins, Cadence(given.cadence), timezone=step.svc.timezone)
    chosen = [int(t) for t in given.themes if t.isdigit()]
    title, description = given.title.strip(), given.description.strip()
    if given.edit is not None:
        updated = actions.update(step.conn, given.edit, title, description, chosen, schedule, step.now)
        if updated is not None:
            step.say(say.UPDATED.with_params(action=updated.title))
        return
    token = ACTION_INVITE_PREFIX + secrets.token_urlsafe(16)[:22]
    action = actions.create(step.conn, session.id, title, description, chosen, schedule, invite_hash(token))
    _plan_digests(step.conn, session, begins, step.svc.zone)
    step.say(say.INVITE_OWNER.with_params(action=action.title))
    step.say(Verbatim(step.svc.link(token)))


def _plan_digests(conn: Conn, session: Session, begins: date, zone: Any) -> None:
    """A monthly overview for each coordinator for a year (one per month, however many actions)."""
    first = datetime.combine(begins, time(9), tzinfo=zone)
    letters = []
    for coordinator in roles.of_session(conn, session.id):
        for month in range(1, DIGEST_MONTHS + 1):
            due = months_after(first, month)
            period = f"{session.id}:{due.year}-{due.month:02d}"
            letters.append(Letter(Purpose.DIGEST, coordinator, period, due.astimezone(UTC), {"session": session.id}))
    enqueue(conn, letters)


def _change(step: Step, session: Session, action_id: int, status: ActionStatus) -> None:
    found = actions.get(step.conn, action_id)
    if found is None or found.session_id != session.id:
        return
    changed = actions.set_status(step.conn, found.id, status, step.now)
    if changed is not None:
        step.say(say.ACTION_CHANGED.with_params(action=changed.title, status=STATUS_NAMES[changed.status]))


@button(PAUSE, Access.SESSION)
def pause_pressed(step: Step, record: Coordinator, session: Session, action: int) -> None:
    """Pause an action: no check-ins until it is resumed."""
    _change(step, session, action, ActionStatus.PAUSED)


@button(RESUME, Access.SESSION)
def resume_pressed(step: Step, record: Coordinator, session: Session, action: int) -> None:
    """Resume an action: its remaining check-ins come again."""
    _change(step, session, action, ActionStatus.ACTIVE)


@button(CLOSE, Access.SESSION)
def close_pressed(step: Step, record: Coordinator, session: Session, action: int) -> None:
    """Close an action: no more check-ins."""
    _change(step, session, action, ActionStatus.CLOSED)


# ---- owners accept their action ------------------------------------------------------------------


def invited(step: Step, token: str) -> None:
    """`/start act_…`: the invited owner first picks their language; a dead invite gets the dead-link answer."""
    if actions.by_invite(step.conn, invite_hash(token)) is None:
        step.say(JOIN_UNKNOWN)
        return
    rows = language_rows(step.hint, lambda code: OWNER.pack(token=token, choice=f"l:{code}"))
    step.say(Reply(texts.CHOOSE_LANGUAGE, rows))


@button(OWNER)
def owner_pressed(step: Step, token: str, choice: str) -> None:
    """The owner's taps: language, yes or no, then the time of day; each checked against the open invite."""
    action = actions.by_invite(step.conn, invite_hash(token))
    if action is None:
        step.answer(texts.BUTTON_EXPIRED, alert=True)
        return
    if choice.startswith("l:") and choice[2:] in SUPPORTED:
        step.set_locale(choice[2:])
        title, description = words_for(step.conn, action, choice[2:])
        invite = say.OWNER_INVITE.with_params(
            action=title, description=description, cadence=say.CADENCE_NAMES[action.schedule.cadence]
        )
        buttons = (
            (
                Button(say.OWNER_YES, OWNER.pack(token=token, choice="y")),
                Button(say.OWNER_NO, OWNER.pack(token=token, choice="n")),
            ),
        )
        step.edit(Reply(invite, buttons))
    elif choice == "y":
        rows = (
            tuple(Button(Verbatim(t.strftime("%H:%M")), OWNER.pack(token=token, choice=k)) for k, t in TIMES.items()),
        )
        step.edit(Reply(say.OWNER_TIME, rows))
    elif choice == "n":
        step.edit(say.OWNER_DECLINED)
    elif choice in TIMES:
        _accept(step, action, TIMES[choice])


def _accept(step: Step, action: Action, at: time) -> None:
    schedule = Schedule(
        action.schedule.start, action.schedule.cadence, at, action.schedule.timezone, action.schedule.months
    )
    dues = due_times(schedule)
    owner = step.participant()
    pseudonym = session_pseudonym(step.svc.secret, step.telegram_id, action.session_id)
    actions.accept(step.conn, owner.id, action, at, dues, step.now, pseudonym)
    if dues:
        step.edit(say.OWNER_WELCOME.with_params(first=step.translator.moment(dues[0][1], step.svc.zone)))


# ---- check-ins: the owner's run ------------------------------------------------------------------------

CHECKIN_ANSWERS = ("status", "help", "note", "done_confirmed", "ending")


class CheckinRuns:
    """An owner's check-in: the answers go to the action's check-in of that period."""

    def facts(self, conn: Conn, run: Run, locale: str | None, hint: str | None) -> Facts:
        return Facts()

    def gate(self, conn: Conn, run: Run, node: Node | None, event: Event) -> Output | None:
        return None

    def apply(self, unit: Unit, run: Run, transition: Transition) -> bool:
        answered = {r.key for r in transition.results if isinstance(r, Answer) and r.key in CHECKIN_ANSWERS}
        if not answered:
            return True
        given = Checkin.of(transition.state.answers)
        fields: dict[str, Any] = {"action": given.action, "period": given.period}
        for key in answered - {"ending"}:  # the ending closes the year once the owner has added their words
            value = getattr(given, key)
            if key == "done_confirmed":
                fields["done_confirmed"] = value == "yes"
            elif isinstance(value, str) or value is None:
                fields[key] = value
            else:  # a voice note is kept by its file id
                fields[f"{key}_voice"] = value.voice
        action = actions.get(unit.conn, given.action)
        if action is not None:
            actions.record_answer(unit.conn, action.session_id, fields, unit.now)
            if given.ending is not None and transition.state.done:
                actions.end_year(unit.conn, action.id, Ending(given.ending), unit.now)
        return True


KINDS[RunPurpose.CHECKIN] = CheckinRuns()


def stopped(svc: Services, conn: Conn, row_id: int, recipient: int | None) -> None:
    """A person blocked the bot: everything still due for them stops, and the coordinators of each action they own
    hear it once (the action then shows as unreachable wherever its status is shown)."""
    outbox.stop_recipient(conn, row_id, recipient)
    if recipient is None:
        return
    moment = svc.clock()
    enqueue(
        conn,
        [
            Letter(Purpose.OWNER_LOST, coordinator, f"{action.id}:lost", moment, {"action": action.id})
            for action in actions.owned_by(conn, recipient)
            for coordinator in roles.of_session(conn, action.session_id)
        ],
    )
