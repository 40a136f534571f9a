"""The action agenda in the chat: /actions and /agenda for coordinators, and owners accepting their action."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from telegram import Message, Update
from telegram.ext import CallbackContext
from telegram.helpers import create_deep_linked_url

from bot.domain import (
    ACTION_INVITE_PREFIX,
    PROGRESS_NAMES,
    STATUS_NAMES,
    Action,
    ActionStatus,
    Button,
    Cadence,
    Msg,
    Progress,
    Reply,
    Schedule,
    Session,
    Verbatim,
    due_times,
    session_pseudonym,
)
from bot.i18n import SUPPORTED, Translator, native_name, negotiate
from bot.reports import status_grid
from bot.storage import CoordinatorRecord, Letter
from bot.storage.outbox import DIGEST
from bot.tg import action_texts as say
from bot.tg.authority import active_session, coordinators_only, show_in_active_session
from bot.tg.coord_buttons import button, data
from bot.tg.dedupe import dedupe_key, mark_handled
from bot.tg.journey import refuse_press
from bot.tg.render import edit, send, send_lines
from bot.tg.services import Services, services
from bot.tg.texts import CHOOSE_LANGUAGE
from bot.tg.wizard import FINISH, finisher, session_in, start, translator_for

Context = CallbackContext[Any, Any, Any, Any]
OWNER_ACTION = "ac:"
TIMES = {"t09": time(9), "t10": time(10), "t13": time(13), "t17": time(17)}


def invite_hash(token: str) -> str:
    """What is stored of an owner's invite."""
    return hashlib.sha256(token.encode()).hexdigest()


def _when(translator: Translator, moment: str | None, services: Services) -> str:
    if moment is None:
        return translator.text(say.AGENDA_NONE)
    return translator.moment(datetime.fromisoformat(moment), services.config.zone)


async def agenda_lines(svc: Services, session: Session, translator: Translator, title: Msg) -> list[str]:
    """Every action with its owner's pseudonym, status, last answer and next check-in."""
    lines = [translator.text(title.with_params(title=session.title))]
    actions = await svc.actions.of_session(session.id)
    if not actions:
        return [*lines, translator.text(say.NO_ACTIONS)]
    now = svc.clock().isoformat(timespec="seconds")
    for number, action in enumerate(actions, 1):
        checkins = await svc.actions.checkins(action.id)
        answered = [c for c in checkins if c.answered_at is not None]
        last = answered[-1] if answered else None
        upcoming = next((c.due_at for c in checkins if c.due_at > now and c.sent_at is None), None)
        last_text = (
            f"{translator.text(PROGRESS_NAMES[Progress(last.status)])} ({_when(translator, last.answered_at, svc)})"
            if last is not None and last.status
            else translator.text(say.AGENDA_NONE)
        )
        next_text = _when(translator, upcoming, svc) if action.status is ActionStatus.ACTIVE else "–"
        lines.append(
            translator.text(
                say.AGENDA_LINE.with_params(
                    number=number,
                    action=action.title,
                    owner=action.owner_pseudonym or translator.text(say.NO_OWNER),
                    status=STATUS_NAMES[action.status],
                    last=last_text,
                    next=next_text,
                )
            )
        )
    return lines


@coordinators_only
async def on_agenda(update: Update, context: Context, record: CoordinatorRecord) -> None:
    """`/agenda`: how every action is doing, and a chart of the answers over the year."""
    session = await active_session(update, context, record)
    if session is None:
        return
    svc = services(context)
    translator = translator_for(update, context, record)
    chat = update.effective_chat
    assert chat is not None
    await send_lines(context.bot, chat.id, await agenda_lines(svc, session, translator, say.AGENDA), translator)
    actions = await svc.actions.of_session(session.id)
    if actions:
        history = {a.title: [c.status for c in await svc.actions.checkins(a.id)] for a in actions}
        labels = {p.value: translator.text(name) for p, name in PROGRESS_NAMES.items()}
        await context.bot.send_photo(
            chat.id, status_grid(history, labels, translator.text(say.AGENDA.with_params(title=session.title)))
        )
    await mark_handled(update, context)


# ---- /actions: the list, adding, pausing and closing --------------------------------------------


async def show_actions(update: Update, context: Context, record: CoordinatorRecord, session: Session) -> None:
    """The actions with buttons to add one, pause or resume, and close."""
    svc = services(context)
    translator = translator_for(update, context, record)
    actions = await svc.actions.of_session(session.id)
    lines = [translator.text(say.ACTIONS.with_params(title=session.title))]
    rows: list[tuple[Button, ...]] = [(Button(say.ADD_ACTION, data("aa")),)]
    for number, action in enumerate(actions, 1):
        owner = action.owner_pseudonym or translator.text(say.NO_OWNER)
        status = STATUS_NAMES[action.status]
        lines.append(
            translator.text(say.ACTION_LINE.with_params(number=number, action=action.title, owner=owner, status=status))
        )
        edit_button = Button(say.EDIT.with_params(number=number), data("ae", action.id))
        if action.status in (ActionStatus.ACTIVE, ActionStatus.PAUSED):
            toggle = (say.PAUSE, "ap") if action.status is ActionStatus.ACTIVE else (say.RESUME, "ar")
            rows.append(
                (
                    edit_button,
                    Button(toggle[0].with_params(number=number), data(toggle[1], action.id)),
                    Button(say.CLOSE.with_params(number=number), data("ax", action.id)),
                )
            )
        elif action.status is ActionStatus.OPEN:
            rows.append((edit_button,))
    if not actions:
        lines.append(translator.text(say.NO_ACTIONS))
    chat = update.effective_chat
    assert chat is not None
    await send_lines(context.bot, chat.id, lines, translator, tuple(rows))


@coordinators_only
async def on_actions(update: Update, context: Context, record: CoordinatorRecord) -> None:
    """`/actions`: the session's action agenda."""
    await show_in_active_session(update, context, record, show_actions)


@button("aa")
async def add_pressed(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Ask for the new action's details."""
    await start(update, context, record, "action_add", {"session": session.id}, dedupe_key(update))


@button("ae")
async def edit_pressed(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Go through the action's questions again; the answers replace what it had."""
    action = await services(context).actions.get(int(args[0])) if args and args[0].isdigit() else None
    if action is None or action.session_id != session.id:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await mark_handled(update, context)
        return
    answers = {"session": session.id, "edit": action.id}
    await start(update, context, record, "action_add", answers, dedupe_key(update))


@finisher("action_add")
async def action_added(update: Update, context: Context, record: CoordinatorRecord, answers: Mapping[str, Any]) -> None:
    """Put the action on the agenda and give the coordinator the owner's invite link (or apply an edit)."""
    session = await session_in(update, context, answers)
    if session is None:
        return
    svc = services(context)
    today = svc.clock().astimezone(svc.config.zone).date()
    begins = today + timedelta(weeks=1) if answers.get("start") == "next_week" else today
    schedule = Schedule(begins, Cadence(str(answers["cadence"])), timezone=svc.config.timezone)
    token = ACTION_INVITE_PREFIX + secrets.token_urlsafe(16)[:22]
    themes = [int(t) for t in answers.get("themes") or [] if str(t).isdigit()]
    title, description = str(answers["title"]).strip(), str(answers["description"]).strip()
    translator = translator_for(update, context, record)
    chat = update.effective_chat
    assert chat is not None
    editing = answers.get("edit")
    if isinstance(editing, int):
        key = dedupe_key(update, FINISH)
        updated = await svc.actions.update(editing, title, description, themes, schedule, key, svc.clock())
        if updated is not None:
            await send(context.bot, chat.id, say.UPDATED.with_params(action=updated.title), translator)
        return
    action = await svc.actions.create(
        session.id, title, description, themes, schedule, invite_hash(token), dedupe_key(update, FINISH)
    )
    if action is None:
        return
    await _plan_digests(svc, session, begins)
    await send(context.bot, chat.id, say.INVITE_OWNER.with_params(action=action.title), translator)
    await send(context.bot, chat.id, Verbatim(create_deep_linked_url(context.bot.username, token)), translator)


async def _plan_digests(svc: Services, session: Session, begins: date) -> None:
    """A monthly overview for each coordinator for a year (one per month, however many actions)."""
    letters = []
    for coordinator in await svc.actions.coordinators(session.id):
        for month in range(1, 13):
            due = datetime.combine(begins, time(9), tzinfo=svc.config.zone) + timedelta(days=30 * month)
            period = f"{session.id}:{due.year}-{due.month:02d}"
            letters.append(Letter(DIGEST, coordinator, period, due.astimezone(UTC), {"session": session.id}))
    await svc.outbox.add(letters)


async def _change(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str], status: ActionStatus
) -> None:
    svc = services(context)
    action_id = int(args[0]) if args and args[0].isdigit() else 0
    action = await svc.actions.get(action_id)
    query = update.callback_query
    assert query is not None
    if action is None or action.session_id != session.id:
        await query.answer()
        await mark_handled(update, context)
        return
    changed = await svc.actions.set_status(action.id, status, svc.clock(), dedupe_key(update))
    await query.answer()
    if changed is not None:
        translator = translator_for(update, context, record)
        chat = update.effective_chat
        assert chat is not None
        message = say.ACTION_CHANGED.with_params(action=changed.title, status=STATUS_NAMES[changed.status])
        await send(context.bot, chat.id, message, translator)


@button("ap")
async def pause_pressed(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Pause an action: no check-ins until it is resumed."""
    await _change(update, context, record, session, args, ActionStatus.PAUSED)


@button("ar")
async def resume_pressed(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Resume an action: its remaining check-ins come again."""
    await _change(update, context, record, session, args, ActionStatus.ACTIVE)


@button("ax")
async def close_pressed(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Close an action: no more check-ins."""
    await _change(update, context, record, session, args, ActionStatus.CLOSED)


# ---- owners accept their action ------------------------------------------------------------------


def _owner_data(token: str, *rest: str) -> str:
    return OWNER_ACTION + ":".join((token, *rest))


async def invited(update: Update, context: Context, token: str) -> bool:
    """`/start act_…`: the invited owner first picks their language; False if the invite is not (any more) valid."""
    svc = services(context)
    user = update.effective_user
    assert user is not None
    action = await svc.actions.by_invite(invite_hash(token))
    if action is None:
        return False
    hint = negotiate(user.language_code)
    ordered = ([hint] if hint else []) + [c for c in SUPPORTED if c != hint]
    buttons = [Button(Verbatim(native_name(c)), _owner_data(token, "l", c)) for c in ordered]
    rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
    await send(context.bot, user.id, Reply(CHOOSE_LANGUAGE, rows), await svc.translator_of(user))
    await mark_handled(update, context)
    return True


async def on_owner_button(update: Update, context: Context) -> None:
    """The owner's taps: language, yes or no, then the time of day; each checked against the open invite."""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    svc = services(context)
    token, _, choice = query.data.removeprefix(OWNER_ACTION).partition(":")
    action = await svc.actions.by_invite(invite_hash(token))
    translator = await svc.translator_of(update.effective_user)
    if action is None:
        await refuse_press(update, context)
        return
    if choice.startswith("l:") and choice[2:] in SUPPORTED:
        await svc.repo.choose_locale(query.from_user.id, choice[2:], dedupe_key(update))
        translator = svc.catalogs.get(choice[2:])
        invite = say.OWNER_INVITE.with_params(
            action=action.title, description=action.description, cadence=say.CADENCE_NAMES[action.schedule.cadence]
        )
        buttons = ((Button(say.OWNER_YES, _owner_data(token, "y")), Button(say.OWNER_NO, _owner_data(token, "n"))),)
        await edit(query.message, Reply(invite, buttons), translator)
    elif choice == "y":
        rows = (tuple(Button(Verbatim(t.strftime("%H:%M")), _owner_data(token, k)) for k, t in TIMES.items()),)
        await edit(query.message, Reply(say.OWNER_TIME, rows), translator)
        await mark_handled(update, context)
    elif choice == "n":
        await edit(query.message, say.OWNER_DECLINED, translator)
        await mark_handled(update, context)
    elif choice in TIMES:
        await _accept(update, context, action, token, TIMES[choice], translator)
    else:
        await mark_handled(update, context)
    await query.answer()


async def _accept(
    update: Update, context: Context, action: Action, token: str, at: time, translator: Translator
) -> None:
    svc = services(context)
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    schedule = Schedule(
        action.schedule.start, action.schedule.cadence, at, action.schedule.timezone, action.schedule.months
    )
    dues = due_times(schedule)
    pseudonym = session_pseudonym(svc.secret, query.from_user.id, action.session_id)
    accepted = await svc.actions.accept(
        query.from_user.id, invite_hash(token), at, dues, dedupe_key(update), svc.clock(), pseudonym
    )
    if accepted is None or not dues:
        return
    first = translator.moment(dues[0][1], svc.config.zone)
    await edit(query.message, say.OWNER_WELCOME.with_params(first=first), translator)
