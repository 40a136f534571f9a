"""Journaled messages onto Telegram: each Telegram-free message becomes one Bot API call, and Telegram's answers
become the sender's Blocked, RateLimited, Transient or Refused."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.app.outgoing import EditText, Keyboard, Outgoing, SendDocument, SendPhoto, SendText, SendVoice
from bot.domain.webapp import WEB_APP_PREFIX
from bot.scheduling import Blocked, RateLimited, Refused, Transient
from bot.tg.compat import seconds
from bot.tg.plainbot import ReadingBot

log = logging.getLogger(__name__)
# An edit that finds its message gone or already showing this text has nothing left to do.
SETTLED = ("not modified", "message to edit not found", "message can't be edited")


def markup(rows: Keyboard) -> dict[str, Any] | None:
    """Rows of (label, data) as an inline keyboard, as the Bot API takes it."""
    if not rows:
        return None
    return {"inline_keyboard": [[_button(label, data) for label, data in row] for row in rows]}


def _button(label: str, data: str) -> dict[str, Any]:
    """A button that reports its press to the bot, or one that opens a Mini App."""
    if data.startswith(WEB_APP_PREFIX):
        return {"text": label, "web_app": {"url": data.removeprefix(WEB_APP_PREFIX)}}
    return {"text": label, "callback_data": data}


class Uploads:
    """Audio the bot uploaded, by its SHA-256: Telegram's file id for it, so it is uploaded once per process."""

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}

    async def send_voice(self, bot: Bot, out: SendVoice) -> None:
        """A voice note by its file id; audio the bot holds is uploaded the first time and sent by id from then on
        (uploaded again should Telegram no longer know the id)."""
        if out.data is None:
            assert out.file_id is not None
            await bot.send_voice(out.chat, out.file_id)
            return
        digest = hashlib.sha256(out.data).hexdigest()
        known = self._ids.get(digest)
        if known is not None:
            try:
                await bot.send_voice(out.chat, known)
                return
            except BadRequest as error:
                if "file identifier" not in str(error).lower():
                    raise
                del self._ids[digest]
        sent = await bot.send_voice(out.chat, out.data)
        if sent.voice is not None:
            self._ids[digest] = sent.voice.file_id


async def _call(bot: ReadingBot, out: Outgoing, uploads: Uploads) -> int | None:
    """One message, no parse mode: markup characters in anyone's text stay as typed; a new text's message id."""
    if isinstance(out, SendText):
        sent = await bot.plain("sendMessage", _text({"chat_id": out.chat, "text": out.text}, out.keyboard))
        return int(sent["message_id"])
    if isinstance(out, EditText):
        place = {"chat_id": out.chat, "message_id": out.message}
        if out.text is None:
            await bot.plain("editMessageReplyMarkup", _text(place, out.keyboard))
        else:
            await bot.plain("editMessageText", _text(place | {"text": out.text}, out.keyboard))
    elif isinstance(out, SendPhoto):
        await bot.send_photo(out.chat, out.data, caption=out.caption)
    elif isinstance(out, SendDocument):
        await bot.send_document(out.chat, out.data, filename=out.filename)
    else:
        assert isinstance(out, SendVoice)
        await uploads.send_voice(bot, out)
    return None


def _text(data: dict[str, Any], keyboard: Keyboard) -> dict[str, Any]:
    """A text call's parameters with its keyboard, if it has one."""
    buttons = markup(keyboard)
    return data if buttons is None else data | {"reply_markup": buttons}


async def perform(bot: ReadingBot, out: Outgoing, uploads: Uploads) -> int | None:
    """Send one message, translating Telegram's refusals for the sender; a new text's message id."""
    if isinstance(out, EditText | SendVoice) and out.optional:
        try:
            await _call(bot, out, uploads)
        except TelegramError as error:  # a progress count, a recording after its text: nothing is lost
            log.info("an optional %s was not made (%s)", type(out).__name__, type(error).__name__)
        return None
    try:
        return await _call(bot, out, uploads)
    except RetryAfter as error:
        raise RateLimited(seconds(error, "retry_after")) from error
    except Forbidden as error:
        raise Blocked from error
    except BadRequest as error:
        reason = str(error).lower()
        if isinstance(out, EditText) and any(s in reason for s in SETTLED):
            return None
        if "chat not found" in reason:
            raise Blocked from error
        raise Refused(type(error).__name__) from error
    except (TimedOut, NetworkError) as error:
        raise Transient(type(error).__name__) from error
