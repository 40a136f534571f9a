"""A session's own texts (title, question, group and theme names) in a participant's language."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.session import Session, Theme

Translations = Mapping[tuple[str, str], str]


def translated(
    subject: str, original: str, source_locale: str | None, locale: str | None, translations: Translations
) -> str | None:
    """The text in `locale`: the original where it was written in it, else its translation, else None."""
    if locale is None or source_locale is None or locale == source_locale:
        return original
    return translations.get((subject, locale))


def translatable(session: Session, themes: list[Theme]) -> list[tuple[str, str]]:
    """Every text of a session a coordinator wrote, as (subject, original)."""
    texts = [("title", session.title), ("question", session.question)]
    texts += [(f"group:{g.id}", g.name) for g in session.groups if g.name is not None]
    texts += [(t.subject, t.name) for t in themes]
    return texts


def missing(session: Session, themes: list[Theme], translations: Translations, locale: str) -> list[tuple[str, str]]:
    """The texts still to translate into `locale`."""
    return [(subject, text) for subject, text in translatable(session, themes) if (subject, locale) not in translations]
