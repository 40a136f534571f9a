"""The language a page is shown in: the one asked for in its address, else the browser's, else the bot's."""

from __future__ import annotations

from bot.i18n import is_supported, negotiate


def page_locale(asked: str | None, accept_language: str | None, default: str) -> str:
    """`?lang=` when it is a shipped language, else the first of the browser's languages that is, else `default`."""
    if asked and is_supported(asked):
        return asked
    for hint in _preferred(accept_language or ""):
        found = negotiate(hint)
        if found is not None:
            return found
    return default


def _preferred(header: str) -> list[str]:
    """An Accept-Language header's languages, most wanted first ("ar-SY,ar;q=0.9,en;q=0.5")."""
    weighted = []
    for position, part in enumerate(header.split(",")):
        code, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if code and code != "*" and quality > 0:
            weighted.append((-quality, position, code))
    return [code for _, _, code in sorted(weighted)]
