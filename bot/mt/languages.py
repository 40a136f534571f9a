"""The bot's locales (bot.i18n SUPPORTED) as each service names them; None where it has no such language.

Checked against the services' own documentation: DeepL's language list (developers.deepl.com,
"Languages supported", 2026) has Arabic, Dutch, English, Persian, Dari (PRS), Russian, Turkish and Ukrainian but
neither Somali nor Tigrinya; Argos Translate, behind LibreTranslate, has models for Persian but not for Dari,
Somali or Tigrinya, and a server says which pairs it offers at GET /languages.
"""

from __future__ import annotations

# LibreTranslate: ISO 639-1 codes as Argos Translate uses them. Dari is written Persian, so fa_AF reads "fa".
# Tigrinya has no Argos model at all, so it is refused without asking; Somali is left to the server to refuse.
LIBRETRANSLATE: dict[str, str | None] = {
    "nl": "nl",
    "en": "en",
    "ar": "ar",
    "uk": "uk",
    "ti": None,
    "fa": "fa",
    "fa_AF": "fa",
    "tr": "tr",
    "so": "so",
    "ru": "ru",
}

# DeepL source codes are bare languages; as a target, English needs its variant (plain "EN" is deprecated).
DEEPL_SOURCE: dict[str, str | None] = {
    "nl": "NL",
    "en": "EN",
    "ar": "AR",
    "uk": "UK",
    "ti": None,
    "fa": "FA",
    "fa_AF": "PRS",
    "tr": "TR",
    "so": None,
    "ru": "RU",
}
DEEPL_TARGET: dict[str, str | None] = {**DEEPL_SOURCE, "en": "EN-GB"}


def code(table: dict[str, str | None], locale: str) -> str | None:
    """The service's code for one of the bot's locales; None if the service lacks the language or it is unknown."""
    return table.get(locale)
