"""Telegram updates as the use cases see them: who, where, and what (a command, a press, a message, an edit), read
straight from the Bot API's JSON. Only the fields the bot uses are read, each checked for the type the Bot API
documents; an update whose fields are not is `Unreadable`, and set aside."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.app.incoming import Command, Edited, Incoming, Pressed, Sender
from bot.conversation import Event, OtherIn, TextIn, VoiceIn
from bot.storage import update_key

MEDIA_KINDS = ("sticker", "photo", "video", "video_note", "audio", "animation", "document", "location", "contact")
HANDLED = ("callback_query", "edited_message", "message", "my_chat_member")  # the kinds of update the bot acts on


class Unreadable(ValueError):
    """An update without a field the bot needs, or with one of another type than the Bot API documents."""


def _object(part: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = part.get(key)
    if not isinstance(value, Mapping):
        raise Unreadable(f"{key} is not an object")
    return value


def _maybe_object(part: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    return None if part.get(key) is None else _object(part, key)


def _int(part: Mapping[str, Any], key: str) -> int:
    value = part.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise Unreadable(f"{key} is not an integer")
    return value


def _str(part: Mapping[str, Any], key: str) -> str:
    value = part.get(key)
    if not isinstance(value, str):
        raise Unreadable(f"{key} is not a string")
    return value


def _maybe_str(part: Mapping[str, Any], key: str) -> str | None:
    return None if part.get(key) is None else _str(part, key)


def _moment(part: Mapping[str, Any], key: str) -> datetime:
    """A Unix time as the aware UTC moment it names."""
    return datetime.fromtimestamp(_int(part, key), UTC)


def kind_of(data: Mapping[str, Any]) -> str | None:
    """The kind of update the bot acts on that this is, if any."""
    return next((kind for kind in HANDLED if kind in data), None)


def dedupe_key(data: Mapping[str, Any], secret: bytes) -> str:
    """A key that names the update by what it is, not by its update_id (which may be reused), hashed with the
    installation's secret."""
    kind = kind_of(data)
    if kind == "callback_query":
        raw = f"callback:{_str(_object(data, kind), 'id')}"
    elif kind == "edited_message":
        edited = _object(data, kind)
        stamp = _moment(edited, "edit_date") if edited.get("edit_date") is not None else None
        raw = f"edit:{_int(_object(edited, 'chat'), 'id')}:{_int(edited, 'message_id')}:{stamp}"
    elif kind == "message":
        message = _object(data, kind)
        raw = f"message:{_int(_object(message, 'chat'), 'id')}:{_int(message, 'message_id')}"
    elif kind == "my_chat_member":
        member = _object(data, kind)
        status = _str(_object(member, "new_chat_member"), "status")
        raw = f"member:{_int(_object(member, 'chat'), 'id')}:{_moment(member, 'date').isoformat()}:{status}"
    else:
        raw = f"update:{_int(data, 'update_id')}"
    return update_key(raw, secret)


def typed(text: str) -> str:
    """What a person typed, as text can be stored: without U+0000, which no keyboard types and PostgreSQL's text
    cannot hold (the same on both engines)."""
    return text.replace("\x00", "")


def to_event(message: Mapping[str, Any]) -> Event:
    """What a person's message means to a flow."""
    text = _maybe_str(message, "text")
    if text is not None:
        return TextIn(typed(text))
    voice = _maybe_object(message, "voice")
    if voice is not None:
        return VoiceIn(_str(voice, "file_id"), _int(voice, "duration"))
    kind = next((k for k in MEDIA_KINDS if message.get(k)), "other")
    caption = _maybe_str(message, "caption")
    if caption:  # a photo or file with words: the words are taken, and the person told the file was not
        return TextIn(typed(caption), attachment=kind)
    return OtherIn(kind)


def _command(message: Mapping[str, Any], username: str) -> Command | None:
    """`/name args` when the message starts with a command (as PTB's CommandHandler reads it)."""
    text = _maybe_str(message, "text")
    entities = message.get("entities")
    if text is None or not isinstance(entities, list) or not entities:
        return None
    first = entities[0]
    if not isinstance(first, Mapping) or first.get("type") != "bot_command" or first.get("offset") != 0:
        return None
    name, _, addressee = text[1 : _int(first, "length")].partition("@")
    if addressee and addressee.lower() != username.lower():
        return Command("", ())  # a command for another bot: not ours, answered like any unknown command
    return Command(name.lower(), tuple(text.split()[1:]))


def _sender(part: Mapping[str, Any]) -> Sender | None:
    user = _maybe_object(part, "from")
    return Sender(_int(user, "id"), _maybe_str(user, "language_code")) if user is not None else None


def _private(chat: Mapping[str, Any]) -> bool:
    return _str(chat, "type") == "private"


def incoming(data: Mapping[str, Any], username: str, secret: bytes) -> Incoming | None:
    """The update as the driver takes it; None for kinds the bot does not handle (channel posts, polls...)."""
    kind = kind_of(data)
    if kind is None:
        return None
    key = dedupe_key(data, secret)
    part = _object(data, kind)
    if kind == "callback_query":
        message = _maybe_object(part, "message")
        sender = _sender(part)
        if sender is None:
            raise Unreadable("from is not an object")
        chat = _object(message, "chat") if message is not None else None
        # A message too old for the bot to see again comes with date 0 and nothing but its chat and id.
        text = _maybe_str(message, "text") if message is not None and message.get("date") != 0 else None
        pressed = Pressed(
            _str(part, "id"),
            _maybe_str(part, "data") or "",
            _int(message, "message_id") if message is not None else None,
            text,
        )
        chat_id = _int(chat, "id") if chat is not None else sender.telegram_id
        return Incoming(key, chat_id, chat is None or _private(chat), sender, press=pressed)
    chat = _object(part, "chat")
    if kind == "edited_message":
        text = _maybe_str(part, "text")
        edited = Edited(_int(part, "message_id"), typed(text) if text is not None else None)
        return Incoming(key, _int(chat, "id"), _private(chat), _sender(part), edited=edited)
    if kind == "message":
        _int(part, "date")  # a message without its date came through mangled
        command = _command(part, username)
        event = None if command is not None else to_event(part)
        return Incoming(key, _int(chat, "id"), _private(chat), _sender(part), event, _int(part, "message_id"), command)
    status = _str(_object(part, "new_chat_member"), "status")
    joined = status in ("member", "administrator") and not _private(chat)
    return Incoming(key, _int(chat, "id"), _private(chat), _sender(part), added_to_group=joined)
