"""Translation: catalogs per locale, language negotiation, native names and bidi handling."""

from bot.i18n.bidi import isolate, start_rtl
from bot.i18n.locales import SOURCE_LOCALE, SUPPORTED, is_rtl, is_supported, native_name, negotiate
from bot.i18n.translator import Catalogs, CatalogsMissing, Translator

__all__ = [
    "SOURCE_LOCALE",
    "SUPPORTED",
    "Catalogs",
    "CatalogsMissing",
    "Translator",
    "is_rtl",
    "is_supported",
    "isolate",
    "native_name",
    "negotiate",
    "start_rtl",
]
