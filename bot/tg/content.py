"""A session's texts in the participants' languages (/translate) and messages to all of them (/broadcast)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from telegram import Message, Update
from telegram.ext import CallbackContext

from bot.domain import Button, Reply, Session, Verbatim, missing
from bot.i18n import native_name
from bot.storage import CoordinatorRecord
from bot.tg import coord_texts as say
from bot.tg.authority import active_session, coordinators_only
from bot.tg.coord_buttons import button, data
from bot.tg.dedupe import dedupe_key, mark_handled
from bot.tg.render import edit, send
from bot.tg.services import services
from bot.tg.wizard import FINISH, finisher, session_in, start, translator_for

Context = CallbackContext[Any, Any, Any, Any]


def _targets(session: Session) -> list[str]:
    """The languages a session's texts can be translated into (all it offers but the one it was written in)."""
    return [code for code in session.languages if code != session.source_locale]


# ---- /translate ----------------------------------------------------------------------------------


@coordinators_only
async def on_translate(update: Update, context: Context, record: CoordinatorRecord) -> None:
    """Pick a language; then every text still missing in it is asked for, one at a time."""
    session = await active_session(update, context, record)
    if session is None:
        return
    svc = services(context)
    themes = await svc.coord.themes(session.id)
    translations = await svc.coord.translations(session.id)
    rows = tuple(
        (
            Button(
                Verbatim(f"{native_name(code)} ({len(missing(session, themes, translations, code))})"), data("tl", code)
            ),
        )
        for code in _targets(session)
    )
    chat = update.effective_chat
    assert chat is not None
    await send(context.bot, chat.id, Reply(say.TRANSLATE_PICK, rows), translator_for(update, context, record))
    await mark_handled(update, context)


@button("tl")
async def language_picked(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Start with the first missing text in the tapped language."""
    code = args[0] if args else ""
    if code not in _targets(session):
        if update.callback_query is not None:
            await update.callback_query.answer()
        await mark_handled(update, context)
        return
    await _ask_next(update, context, record, session, code, skipped=[], key=dedupe_key(update))


async def _ask_next(
    update: Update,
    context: Context,
    record: CoordinatorRecord,
    session: Session,
    code: str,
    skipped: list[str],
    key: str | None,
) -> None:
    svc = services(context)
    translator = translator_for(update, context, record)
    themes = await svc.coord.themes(session.id)
    todo = [m for m in missing(session, themes, await svc.coord.translations(session.id), code) if m[0] not in skipped]
    if not todo:
        chat = update.effective_chat
        assert chat is not None
        await send(
            context.bot, chat.id, say.TRANSLATE_DONE.with_params(language=translator.language_name(code)), translator
        )
        if key is not None:  # straight from the language button: nothing was missing
            if update.callback_query is not None:
                await update.callback_query.answer()
            await svc.repo.mark_processed(key)
        return
    subject, original = todo[0]
    answers = {
        "purpose": "content",
        "session": session.id,
        "locale": code,
        "subject": subject,
        "skipped": skipped,
        "language": translator.language_name(code),
        "original": original,
    }
    await start(update, context, record, "translate", answers, key)


@finisher("translate")
async def translated_one(
    update: Update, context: Context, record: CoordinatorRecord, answers: Mapping[str, Any]
) -> None:
    """Store one translation (or note the skip) and ask for the next."""
    svc = services(context)
    session = await session_in(update, context, answers)
    if session is None:
        return
    code, text = str(answers["locale"]), answers.get("text")
    if answers.get("purpose") == "broadcast":
        await _broadcast_translated(update, context, record, session, answers)
        return
    skipped = [str(s) for s in answers.get("skipped", [])]
    if text is None:
        skipped.append(str(answers["subject"]))
    else:
        stored = await svc.coord.set_translation(
            session.id, str(answers["subject"]), code, str(text).strip(), dedupe_key(update, FINISH)
        )
        if not stored:
            return
    await _ask_next(update, context, record, session, code, skipped, key=None)


# ---- /broadcast ----------------------------------------------------------------------------------


@coordinators_only
async def on_broadcast(update: Update, context: Context, record: CoordinatorRecord) -> None:
    """Ask for the message to send to every participant of the session."""
    session = await active_session(update, context, record)
    if session is None:
        return
    if not await services(context).coord.recipients(session.id):
        chat = update.effective_chat
        assert chat is not None
        await send(context.bot, chat.id, say.NO_RECIPIENTS, translator_for(update, context, record))
        await mark_handled(update, context)
        return
    await start(update, context, record, "broadcast", {"session": session.id}, dedupe_key(update))


@finisher("broadcast")
async def broadcast_written(
    update: Update, context: Context, record: CoordinatorRecord, answers: Mapping[str, Any]
) -> None:
    """With the message written, ask for a translation into each language present (skip allowed)."""
    user = update.effective_user
    session_id = answers.get("session")
    session = (
        await services(context).coord.runnable(user.id, session_id) if user and isinstance(session_id, int) else None
    )
    if session is None:
        return
    recipients = await services(context).coord.recipients(session.id)
    present = sorted({locale for _, locale in recipients if locale and locale != session.source_locale})
    pending = {"session": session.id, "broadcast": str(answers["text"]), "todo": present, "translations": {}}
    await _next_broadcast_language(update, context, record, session, pending)


async def _broadcast_translated(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, answers: Mapping[str, Any]
) -> None:
    pending = dict(answers["pending"])
    if answers.get("text") is not None:
        pending["translations"] = {**pending["translations"], str(answers["locale"]): str(answers["text"]).strip()}
    await _next_broadcast_language(update, context, record, session, pending)


async def _next_broadcast_language(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, pending: dict[str, Any]
) -> None:
    translator = translator_for(update, context, record)
    todo = list(pending["todo"])
    if todo:
        code = todo.pop(0)
        pending["todo"] = todo
        answers = {
            "purpose": "broadcast",
            "session": session.id,
            "locale": code,
            "language": translator.language_name(code),
            "original": pending["broadcast"],
            "pending": pending,
        }
        await start(update, context, record, "translate", answers, None)
        return
    user = update.effective_user
    assert user is not None
    svc = services(context)
    # The message waits for "Send now" as a finished flow: its answers are the broadcast.
    await svc.coord.set_flow(
        user.id, {"flow": "broadcast", "version": 1, "node": "written", "answers": pending, "done": True}, None
    )
    count = len(await svc.coord.recipients(session.id))
    languages = ", ".join(native_name(code) for code in pending["translations"]) or translator.text(say.NONE_YET)
    confirm = say.BROADCAST_CONFIRM.with_params(count=count, text=pending["broadcast"], languages=languages)
    buttons = ((Button(say.SEND, data("bs")), Button(say.CANCEL, data("bx"))),)
    chat = update.effective_chat
    assert chat is not None
    await send(context.bot, chat.id, Reply(confirm, buttons), translator)


def _pending(record: CoordinatorRecord, session: Session) -> dict[str, Any] | None:
    state = record.flow_state
    if not state or state.get("flow") != "broadcast" or not state.get("done"):
        return None
    answers = dict(state.get("answers", {}))
    return answers if answers.get("session") == session.id and "broadcast" in answers else None


@button("bx")
async def broadcast_cancelled(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Drop the prepared message."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    user = update.effective_user
    assert user is not None
    if await services(context).coord.set_flow(user.id, None, dedupe_key(update)):
        await edit(query.message, say.CANCELLED, translator_for(update, context, record))
    await query.answer()


@button("bs")
async def broadcast_sent(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Send the prepared message to everyone in their language, editing one progress message as it goes."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    user = update.effective_user
    assert user is not None
    svc = services(context)
    pending = _pending(record, session)
    if pending is None:
        await query.answer()
        return
    payload = {
        "broadcast_id": secrets.token_hex(6),
        "text": pending["broadcast"],
        "translations": pending.get("translations", {}),
        "status_chat": query.message.chat.id,
        "status_message": query.message.message_id,
        "coordinator_locale": translator_for(update, context, record).locale,
    }
    # Queued for everyone, and the prepared message dropped, in one transaction: a second tap sends nothing.
    count = await svc.coord.send_broadcast(user.id, session.id, payload, dedupe_key(update), svc.clock())
    await query.answer()
    if count is not None:
        progress = say.BROADCAST_PROGRESS.with_params(sent=0, total=count, blocked=0)
        await edit(query.message, progress, translator_for(update, context, record))
