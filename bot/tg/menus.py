"""The command menu Telegram apps show, in every shipped language."""

from __future__ import annotations

from telegram import Bot, BotCommand

from bot.app.texts import MENU
from bot.i18n import Catalogs, Translator


def _commands(translator: Translator) -> list[BotCommand]:
    return [BotCommand(name, translator.text(description)) for name, description in MENU]


async def publish_menus(bot: Bot, catalogs: Catalogs, default_language: str) -> None:
    """Set the menu per Telegram language code, and the default for everyone else."""
    await bot.set_my_commands(_commands(catalogs.get(default_language)))
    done: set[str] = set()
    for code in catalogs.locales:
        language = code.split("_", 1)[0]  # Telegram menus know languages, not regions (fa_AF shares fa)
        if language in done:
            continue
        done.add(language)
        await bot.set_my_commands(_commands(catalogs.get(language)), language_code=language)
