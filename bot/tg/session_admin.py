"""Coordinators create and run sessions: /new, /sessions, /use, /phase, /status, invites, /cancel."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackContext
from telegram.helpers import create_deep_linked_url

from bot.domain import (
    DEFAULT_GROUPS,
    Button,
    GroupDef,
    InviteKind,
    Phase,
    Reply,
    Session,
    Text,
    Verbatim,
    groups_from_text,
    invite_expiry,
    make_invite_token,
    normalise_join_code,
)
from bot.i18n import SUPPORTED, Translator
from bot.storage import CoordinatorRecord
from bot.storage.outbox import RESULTS, VOTE_OPEN
from bot.tg import coord_texts as say
from bot.tg.authority import active_session, admins_only, coordinators_only
from bot.tg.coord_buttons import button, data
from bot.tg.dedupe import dedupe_key, mark_handled
from bot.tg.pool_admin import offer_invite
from bot.tg.render import edit, markup, send, send_lines, send_link_and_qr
from bot.tg.services import services
from bot.tg.wizard import FINISH, finisher, start, translator_for

Context = CallbackContext[Any, Any, Any, Any]
REFRESH_ROW = ((Button(say.REFRESH, data("st")),),)
TELL_ON = {Phase.PRIORITISING: VOTE_OPEN, Phase.CLOSED: RESULTS}


def token_hash(token: str) -> str:
    """What is stored of an invite token."""
    return hashlib.sha256(token.encode()).hexdigest()


async def _reply(update: Update, context: Context, record: CoordinatorRecord, reply: Reply | Text) -> Message:
    chat = update.effective_chat
    assert chat is not None
    return await send(context.bot, chat.id, reply, translator_for(update, context, record))


# ---- creating a session --------------------------------------------------------------------------


@coordinators_only
async def on_new(update: Update, context: Context, record: CoordinatorRecord) -> None:
    """Start the short wizard that creates a session."""
    await start(update, context, record, "new_session", {}, dedupe_key(update))


@finisher("new_session")
async def session_wizard_done(
    update: Update, context: Context, record: CoordinatorRecord, answers: Mapping[str, Any]
) -> None:
    """Create the session from the wizard's answers and hand over its link, code and QR code."""
    svc = services(context)
    user = update.effective_user
    assert user is not None
    if answers.get("group_choice") == "own":
        groups = groups_from_text(str(answers.get("groups", "")))
    else:
        groups = tuple(GroupDef(g) for g in DEFAULT_GROUPS)
    chosen = answers.get("languages")
    languages = tuple(c for c in SUPPORTED if isinstance(chosen, list) and c in chosen) or SUPPORTED
    translator = translator_for(update, context, record)
    session = await svc.coord.create_session(
        user.id,
        str(answers["title"]).strip(),
        str(answers["question"]).strip(),
        groups or tuple(GroupDef(g) for g in DEFAULT_GROUPS),
        languages,
        int(str(answers.get("idea_limit", "n10")).removeprefix("n")),
        translator.locale,
        str(answers.get("voting", "ranking")),
        dedupe_key(update, FINISH),
    )
    if session is None:
        return
    await send_join_details(update, context, record, session)
    await offer_invite(update, context, record, session)


async def send_join_details(update: Update, context: Context, record: CoordinatorRecord, session: Session) -> None:
    """The join link and code as text, and a QR code to project."""
    link = create_deep_linked_url(context.bot.username, session.code)
    params = {"title": session.title, "phase": session.phase.label, "code": session.code}
    chat = update.effective_chat
    assert chat is not None
    caption = say.QR_CAPTION.with_params(title=session.title)
    translator = translator_for(update, context, record)
    await send_link_and_qr(context.bot, chat.id, say.CREATED.with_params(**params), link, caption, translator)


# ---- choosing a session --------------------------------------------------------------------------


@coordinators_only
async def on_sessions(update: Update, context: Context, record: CoordinatorRecord) -> None:
    """List the coordinator's sessions with a button each to work on it."""
    user = update.effective_user
    assert user is not None
    sessions = await services(context).coord.sessions_of(user.id)
    if not sessions:
        await _reply(update, context, record, say.NO_SESSIONS)
    else:
        rows = tuple((Button(Verbatim(f"{s.title} ({s.code})"), data("use", s.id)),) for s in sessions[:40])
        await _reply(update, context, record, Reply(say.SESSIONS, rows))
    await mark_handled(update, context)


@button("use")
async def use_pressed(
    update: Update, context: Context, record: CoordinatorRecord, current: Session, args: list[str]
) -> None:
    """Work on the session whose button was tapped."""
    await _use(update, context, record, int(args[0]) if args else 0)


@coordinators_only
async def on_use(update: Update, context: Context, record: CoordinatorRecord) -> None:
    """`/use CODE`: work on that session (only if it is one of yours; others look the same as unknown)."""
    code = normalise_join_code((context.args or [""])[0])
    session = await services(context).repo.session_by_code(code) if code else None
    await _use(update, context, record, session.id if session else 0)


async def _use(update: Update, context: Context, record: CoordinatorRecord, session_id: int) -> None:
    user = update.effective_user
    assert user is not None
    svc = services(context)
    session = await svc.coord.runnable(user.id, session_id) if session_id else None
    if session is None:
        await _reply(update, context, record, say.USE_UNKNOWN)
    else:
        await svc.coord.use(user.id, session.id)
        await _reply(update, context, record, say.USING.with_params(title=session.title, code=session.code))
    if update.callback_query is not None:
        await update.callback_query.answer()
    await mark_handled(update, context)


# ---- phases --------------------------------------------------------------------------------------


@coordinators_only
async def on_phase(update: Update, context: Context, record: CoordinatorRecord) -> None:
    """Show the current phase and offer the next one."""
    session = await active_session(update, context, record)
    if session is None:
        return
    following = session.phase.following
    text = say.PHASE_NOW.with_params(title=session.title, phase=session.phase.label)
    if following is None:
        await _reply(update, context, record, Reply(text))
        await _reply(update, context, record, say.PHASE_LAST)
    else:
        offer = Button(say.PHASE_NEXT.with_params(phase=following.label), data("ph", following.value))
        await _reply(update, context, record, Reply(text, ((offer,),)))
    await mark_handled(update, context)


def _next_phase(session: Session, args: list[str]) -> Phase | None:
    """The phase a button asks for, if it is still the one that follows (an old button is stale)."""
    following = session.phase.following
    return following if following is not None and args == [following.value] else None


@button("ph")
async def phase_offered(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Ask to confirm moving on."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    following = _next_phase(session, args)
    translator = translator_for(update, context, record)
    if following is None:
        await query.answer(translator.text(say.CANCELLED), show_alert=True)
        await mark_handled(update, context)
        return
    confirm = say.PHASE_CONFIRM.with_params(title=session.title, current=session.phase.label, next=following.label)
    buttons = ((Button(say.CONFIRM, data("pc", following.value)), Button(say.CANCEL, data("px"))),)
    await edit(query.message, Reply(confirm, buttons), translator)
    await query.answer()
    await mark_handled(update, context)


@button("px")
async def phase_cancelled(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Leave the phase as it is."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    await edit(query.message, say.CANCELLED, translator_for(update, context, record))
    await query.answer()
    await mark_handled(update, context)


@button("pc")
async def phase_confirmed(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Move the session on, and tell every participant when prioritising opens or the session closes."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    svc = services(context)
    translator = translator_for(update, context, record)
    following = _next_phase(session, args)
    tell = TELL_ON.get(following) if following is not None else None
    if following is None or not await svc.coord.set_phase(session.id, following, dedupe_key(update), tell, svc.clock()):
        await query.answer()
        return
    await edit(query.message, say.PHASE_MOVED.with_params(title=session.title, phase=following.label), translator)
    await query.answer()
    if tell is not None:  # the outbox sends them, rate-limited, each in their language
        await _reply(update, context, record, say.TELLING)


# ---- live status ---------------------------------------------------------------------------------


async def status_text(context: Context, session: Session, translator: Translator) -> str:
    """The live counts of a session as one message in the coordinator's language."""
    svc = services(context)
    status = await svc.coord.status(session.id)
    themes = await svc.coord.themes(session.id)
    groups = {g.id: g.label for g in session.groups}
    lines = [translator.text(say.STATUS_TITLE.with_params(title=session.title, phase=session.phase.label)), ""]
    lines.append(translator.text(say.STATUS_PARTICIPANTS.with_params(count=sum(status.by_group.values()))))
    if status.by_group:
        lines.append(translator.text(say.STATUS_BY_GROUP))
        lines += [f"• {_label(translator, groups.get(g or ''), g)}: {n}" for g, n in status.by_group.items()]
        lines.append(translator.text(say.STATUS_BY_LANGUAGE))
        lines += [f"• {translator.language_name(code) if code else '?'}: {n}" for code, n in status.by_language.items()]
    ideas = sum(status.by_theme.values()) + status.unsorted
    lines += ["", translator.text(say.STATUS_IDEAS.with_params(count=ideas))]
    lines.append(translator.text(say.STATUS_UNSORTED.with_params(count=status.unsorted)))
    lines.append(translator.text(say.STATUS_HIDDEN.with_params(count=status.hidden)))
    lines.append(translator.text(say.STATUS_VOICE.with_params(count=status.voice_untranscribed)))
    lines.append(translator.text(say.STATUS_VOTES.with_params(count=status.votes)))
    if themes:
        lines.append(translator.text(say.STATUS_BY_THEME))
        lines += [f"• {t.emoji or ''} {t.name}: {status.by_theme.get(t.id, 0)}".replace("•  ", "• ") for t in themes]
    moment = translator.time(datetime.now(UTC), svc.config.zone)
    lines += ["", translator.text(say.STATUS_UPDATED.with_params(time=moment))]
    return translator.directed("\n".join(lines))


def _label(translator: Translator, label: Text | None, fallback: str | None) -> str:
    return translator.text(label) if label is not None else (fallback or "?")


@coordinators_only
async def on_status(update: Update, context: Context, record: CoordinatorRecord) -> None:
    """Live counts, with a button that refreshes the same message."""
    session = await active_session(update, context, record)
    if session is None:
        return
    translator = translator_for(update, context, record)
    chat = update.effective_chat
    assert chat is not None
    await send_lines(context.bot, chat.id, [await status_text(context, session, translator)], translator, REFRESH_ROW)
    await mark_handled(update, context)


@button("st")
async def status_refreshed(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Edit the status message in place with fresh counts."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    translator = translator_for(update, context, record)
    try:
        await query.message.edit_text(
            await status_text(context, session, translator), reply_markup=markup(REFRESH_ROW, translator)
        )
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise
    await query.answer()
    await mark_handled(update, context)


# ---- invites -------------------------------------------------------------------------------------


async def _invite(
    update: Update, context: Context, record: CoordinatorRecord, kind: InviteKind, session: Session | None
) -> None:
    svc = services(context)
    token = make_invite_token(secrets.token_bytes(16))
    expires = invite_expiry(datetime.now(UTC))
    await svc.coord.create_invite(kind, session.id if session else None, token_hash(token), expires.isoformat())
    translator = translator_for(update, context, record)
    link = create_deep_linked_url(context.bot.username, token)
    when = translator.moment(expires, svc.config.zone)
    if session is None:
        message = say.INVITE_COORDINATOR.with_params(expires=when)
    else:
        message = say.INVITE_CO.with_params(title=session.title, expires=when)
    await _reply(update, context, record, message)
    await _reply(update, context, record, Verbatim(link))
    await mark_handled(update, context)


@admins_only
async def on_invite_coordinator(update: Update, context: Context, record: CoordinatorRecord) -> None:
    """An admin makes a single-use link that makes its first user a coordinator."""
    await _invite(update, context, record, InviteKind.COORDINATOR, None)


@coordinators_only
async def on_invite(update: Update, context: Context, record: CoordinatorRecord) -> None:
    """A coordinator makes a single-use link for a co-coordinator (or translator) of the active session."""
    session = await active_session(update, context, record)
    if session is not None:
        await _invite(update, context, record, InviteKind.CO_COORDINATOR, session)


async def redeem(update: Update, context: Context, token: str) -> bool:
    """`/start inv_…`: accept an invite; False when it is unknown, used or expired (said neutrally elsewhere)."""
    svc = services(context)
    user = update.effective_user
    assert user is not None
    now = datetime.now(UTC).isoformat()
    redeemed = await svc.coord.redeem_invite(user.id, token_hash(token), now, dedupe_key(update))
    if redeemed is None:
        return False
    record = await svc.coord.coordinator(user.id)
    assert record is not None
    session = await svc.coord.runnable(user.id, redeemed.session_id) if redeemed.session_id else None
    welcome = say.WELCOME_CO.with_params(title=session.title) if session else say.WELCOME_COORDINATOR
    await _reply(update, context, record, welcome)
    return True


@coordinators_only
async def on_cancel(update: Update, context: Context, record: CoordinatorRecord) -> None:
    """Stop the wizard or prompt the coordinator is in."""
    user = update.effective_user
    assert user is not None
    if await services(context).coord.set_flow(user.id, None, dedupe_key(update)):
        await _reply(update, context, record, say.CANCELLED)
