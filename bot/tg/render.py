"""Turn message references into Telegram messages in one person's language (always plain text)."""

from __future__ import annotations

from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.domain import Button, Reply, Text, Verbatim
from bot.i18n import Translator
from bot.reports import qr_png


def markup(rows: tuple[tuple[Button, ...], ...], translator: Translator) -> InlineKeyboardMarkup | None:
    """Rows of buttons as an inline keyboard: labels translated, chosen ones ticked."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(f"{b.badge} {translator.text(b.label)}".lstrip(), callback_data=b.action)
                for b in row
            ]
            for row in rows
        ]
    )


def keyboard(reply: Reply, translator: Translator) -> InlineKeyboardMarkup | None:
    """The inline keyboard of a reply."""
    return markup(reply.buttons, translator)


async def send(bot: Bot, chat_id: int, reply: Reply | Text, translator: Translator) -> Message:
    """Send one message. No parse mode: markup characters in anyone's text stay as typed."""
    reply = reply if isinstance(reply, Reply) else Reply(reply)
    return await bot.send_message(chat_id, translator.render(reply.text), reply_markup=keyboard(reply, translator))


async def send_lines(
    bot: Bot, chat_id: int, lines: list[str], translator: Translator, rows: tuple[tuple[Button, ...], ...] = ()
) -> Message:
    """Send lines already put together in one language (a list, a status), in its direction, with buttons."""
    return await bot.send_message(chat_id, translator.directed("\n".join(lines)), reply_markup=markup(rows, translator))


async def edit(message: Any, reply: Reply | Text, translator: Translator) -> None:
    """Replace a message the bot sent earlier (text and buttons) with a new reply."""
    reply = reply if isinstance(reply, Reply) else Reply(reply)
    await message.edit_text(translator.render(reply.text), reply_markup=keyboard(reply, translator))


async def send_link_and_qr(
    bot: Bot, chat_id: int, intro: Text, link: str, caption: Text, translator: Translator
) -> None:
    """A join link: what it is for, the link alone (so it forwards cleanly, no mark sticks to it), a QR code."""
    await send(bot, chat_id, intro, translator)
    await send(bot, chat_id, Verbatim(link), translator)
    await bot.send_photo(chat_id, qr_png(link), caption=translator.render(caption))
