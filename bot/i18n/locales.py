"""The shipped languages, how a hint maps onto them, and their names in their own script."""

from __future__ import annotations

from functools import cache

from babel import Locale, negotiate_locale

SOURCE_LOCALE = "en"
SUPPORTED: tuple[str, ...] = ("nl", "en", "ar", "uk", "ti", "fa", "fa_AF", "tr", "so", "ru")
_CANONICAL = {code.lower(): code for code in SUPPORTED}


def is_supported(code: str) -> bool:
    """Whether `code` names one of the shipped languages exactly."""
    return code in SUPPORTED


def negotiate(hint: str | None, available: tuple[str, ...] = SUPPORTED) -> str | None:
    """The shipped locale that best matches a hint such as Telegram's `language_code` ("fa-IR")."""
    if not hint:
        return None
    preferred = hint.replace("-", "_")
    found = negotiate_locale([preferred], list(available), sep="_")
    return _CANONICAL.get(found.lower()) if found else None


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@cache
def native_name(code: str) -> str:
    """The language's own name in its own script, from CLDR (e.g. "العربية", "دری" for fa_AF); looked up once
    (every language question names them all)."""
    loc = _locale(code)
    name = loc.languages.get(code) or loc.get_display_name(code) or code
    return name[:1].upper() + name[1:]


def is_rtl(code: str) -> bool:
    """Whether the language is written right to left."""
    return _locale(code).character_order == "right-to-left"


def fallback_chain(code: str) -> tuple[str, ...]:
    """The locales to try, most specific first: fa_AF -> fa -> en."""
    chain = [code]
    language = code.split("_", 1)[0]
    if language != code:
        chain.append(language)
    if SOURCE_LOCALE not in chain:
        chain.append(SOURCE_LOCALE)
    return tuple(chain)
