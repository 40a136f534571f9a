"""Telegram updates as the use cases see them: who, where, and what (a command, a press, a message, an edit)."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ChatType, MessageEntityType

from bot.app.incoming import Command, Edited, Incoming, Pressed, Sender
from bot.conversation import Event, OtherIn, TextIn, VoiceIn
from bot.storage import update_key
from bot.tg.compat import seconds

MEDIA_KINDS = ("sticker", "photo", "video", "video_note", "audio", "animation", "document", "location", "contact")


def dedupe_key(update: Update, secret: bytes) -> str:
    """A key that names the update by what it is, not by its update_id (which may be reused), hashed with the
    installation's secret."""
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
    return update_key(raw, secret)


def typed(text: str) -> str:
    """What a person typed, as text can be stored: without U+0000, which no keyboard types and PostgreSQL's text
    cannot hold (the same on both engines)."""
    return text.replace("\x00", "")


def to_event(message: Message) -> Event:
    """What a person's message means to a flow."""
    if message.text is not None:
        return TextIn(typed(message.text))
    if message.voice is not None:
        return VoiceIn(message.voice.file_id, int(seconds(message.voice, "duration")))
    kind = next((k for k in MEDIA_KINDS if getattr(message, k, None)), "other")
    if message.caption:  # a photo or file with words: the words are taken, and the person told the file was not
        return TextIn(typed(message.caption), attachment=kind)
    return OtherIn(kind)


def _command(message: Message, username: str) -> Command | None:
    """`/name args` when the message starts with a command (as PTB's CommandHandler reads it)."""
    text = message.text
    first = message.entities[0] if message.entities else None
    if text is None or first is None or first.type != MessageEntityType.BOT_COMMAND or first.offset != 0:
        return None
    name, _, addressee = text[1 : first.length].partition("@")
    if addressee and addressee.lower() != username.lower():
        return Command("", ())  # a command for another bot: not ours, answered like any unknown command
    return Command(name.lower(), tuple(text.split()[1:]))


def _sender(update: Update) -> Sender | None:
    user = update.effective_user
    return Sender(user.id, user.language_code) if user is not None else None


def incoming(update: Update, username: str, secret: bytes) -> Incoming | None:
    """The update as the driver takes it; None for kinds the bot does not handle (channel posts, polls...)."""
    key = dedupe_key(update, secret)
    query = update.callback_query
    if query is not None:
        message = query.message
        chat = message.chat.id if message is not None else query.from_user.id
        private = message is None or message.chat.type == ChatType.PRIVATE
        text = message.text if isinstance(message, Message) else None
        pressed = Pressed(query.id, query.data or "", message.message_id if message is not None else None, text)
        return Incoming(key, chat, private, _sender(update), press=pressed)
    if update.edited_message is not None:
        edited = update.edited_message
        private = edited.chat.type == ChatType.PRIVATE
        return Incoming(
            key,
            edited.chat_id,
            private,
            _sender(update),
            edited=Edited(edited.message_id, typed(edited.text) if edited.text is not None else None),
        )
    if update.message is not None:
        message = update.message
        private = message.chat.type == ChatType.PRIVATE
        command = _command(message, username)
        event = None if command is not None else to_event(message)
        return Incoming(key, message.chat_id, private, _sender(update), event, message.message_id, command)
    member = update.my_chat_member
    if member is not None:
        joined = member.new_chat_member.status in ("member", "administrator") and member.chat.type != ChatType.PRIVATE
        return Incoming(
            key, member.chat.id, member.chat.type == ChatType.PRIVATE, _sender(update), added_to_group=joined
        )
    return None
