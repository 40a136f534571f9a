"""Each update is handled once, even when Telegram delivers it again."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CallbackContext

from bot.storage import update_key
from bot.tg.services import services


def dedupe_key(update: Update, part: str = "") -> str:
    """A key that names the update by what it is, not by its update_id (which may be reused).

    `part` names a second write caused by the same update, so each write is deduplicated on its own.
    """
    if update.callback_query is not None:
        raw = f"callback:{update.callback_query.id}"
    elif update.edited_message is not None:
        edited = update.edited_message
        raw = f"edit:{edited.chat_id}:{edited.message_id}:{edited.edit_date}"
    elif update.message is not None:
        raw = f"message:{update.message.chat_id}:{update.message.message_id}"
    elif update.my_chat_member is not None:
        member = update.my_chat_member
        raw = f"member:{member.chat.id}:{member.date.isoformat()}:{member.new_chat_member.status}"
    else:
        raw = f"update:{update.update_id}"
    return update_key(f"{raw}/{part}" if part else raw)


async def skip_handled(update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Stop an update that was handled before it was redelivered."""
    if isinstance(update, Update) and await services(context).repo.was_processed(dedupe_key(update)):
        raise ApplicationHandlerStop


async def mark_handled(update: Update, context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Record an update whose only effect was a reply."""
    await services(context).repo.mark_processed(dedupe_key(update))
