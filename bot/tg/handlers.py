"""What the bot does with each kind of update in a private chat."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackContext

from bot.conversation import Enter
from bot.domain import Button, Reply, Text, Verbatim, is_action_invite, is_invite_token
from bot.i18n import SUPPORTED, native_name, negotiate
from bot.tg import agenda, coord_texts, journey, pools, session_admin, texts
from bot.tg.authority import coordinator_of, is_admin
from bot.tg.dedupe import dedupe_key, mark_handled
from bot.tg.render import edit, send
from bot.tg.services import services

Context = CallbackContext[Any, Any, Any, Any]
LANGUAGE_ACTION = "lang:"


async def _answer(update: Update, context: Context, reply: Reply | Text) -> None:
    """Reply in the person's language and record the update as handled."""
    chat = update.effective_chat
    assert chat is not None
    await send(context.bot, chat.id, reply, await services(context).translator_of(update.effective_user))
    await mark_handled(update, context)


def language_picker(hint: str | None) -> Reply:
    """Buttons with every shipped language in its own script; the app's language first."""
    first = negotiate(hint)
    ordered = ([first] if first else []) + [code for code in SUPPORTED if code != first]
    buttons = [Button(Verbatim(native_name(code)), LANGUAGE_ACTION + code) for code in ordered]
    rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
    return Reply(texts.CHOOSE_LANGUAGE, rows)


async def on_start(update: Update, context: Context) -> None:
    """Join with a link's code; otherwise resume the person's conversation, or greet them."""
    user = update.effective_user
    assert user is not None
    if context.args:
        payload = context.args[0]
        if is_action_invite(payload):
            if not await agenda.invited(update, context, payload):
                await _answer(update, context, journey.JOIN_UNKNOWN)
            return
        if is_invite_token(payload):
            if not await session_admin.redeem(update, context, payload):
                await _answer(update, context, journey.JOIN_UNKNOWN)  # the same answer as any dead link
            return
        if not await pools.join(update, context, payload):
            await journey.join(update, context, payload)
        return
    if await pools.resume(update, context):
        return
    membership = await journey.current(update, context, running=True)
    if membership is not None:
        await journey.drive(update, context, membership, Enter())
        return
    participant = await services(context).repo.participant(user.id)
    if participant is None or participant.locale is None:
        await _answer(update, context, language_picker(user.language_code))
    else:
        await _answer(update, context, texts.WELCOME)


async def on_help(update: Update, context: Context) -> None:
    """List what a person can do; coordinators and admins also see their commands."""
    chat = update.effective_chat
    assert chat is not None
    translator = await services(context).translator_of(update.effective_user)
    await send(context.bot, chat.id, texts.HELP, translator)
    if await coordinator_of(update, context) is not None:
        await send(context.bot, chat.id, coord_texts.HELP, translator)
        if is_admin(update, context):
            await send(context.bot, chat.id, coord_texts.HELP_ADMIN, translator)
    await mark_handled(update, context)


async def on_language(update: Update, context: Context) -> None:
    """Offer the language picker."""
    user = update.effective_user
    assert user is not None
    await _answer(update, context, language_picker(user.language_code))


async def on_language_button(update: Update, context: Context) -> None:
    """Store the chosen language, confirm it in that language, then re-ask the current question in it."""
    query = update.callback_query
    assert query is not None and query.data is not None
    code = query.data.removeprefix(LANGUAGE_ACTION)
    if code not in SUPPORTED or query.message is None:
        await journey.refuse_press(update, context)
        return
    chosen = await services(context).repo.choose_locale(query.from_user.id, code, dedupe_key(update))
    if chosen is None:
        await query.answer()
        return
    translator = services(context).catalogs.get(code)
    await edit(query.message, texts.LANGUAGE_CHOSEN.with_params(language=native_name(code)), translator)
    if await pools.resume(update, context):
        return
    membership = await journey.current(update, context, running=True)
    if membership is not None:
        await journey.drive(update, context, membership, Enter())
        return
    await query.answer()
    await send(context.bot, query.message.chat.id, texts.WELCOME, translator)


async def on_unknown_command(update: Update, context: Context) -> None:
    """Any command the person may not use gets the same neutral answer."""
    await _answer(update, context, texts.UNKNOWN_COMMAND)


async def on_added_to_group(update: Update, context: Context) -> None:
    """Added to a group: explain once that the bot works only in private chats."""
    member = update.my_chat_member
    assert member is not None
    if member.new_chat_member.status in ("member", "administrator"):
        translator = services(context).catalogs.get(services(context).config.language)
        await send(context.bot, member.chat.id, texts.PRIVATE_ONLY, translator)
    await mark_handled(update, context)
