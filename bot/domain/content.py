"""A session's own texts (title, question, group and theme names, its actions) in a participant's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.domain.action import Action
from bot.domain.session import Session, Theme

Translations = Mapping[tuple[str, str], str]


def translated(
    subject: str, original: str, source_locale: str | None, locale: str | None, translations: Translations
) -> str | None:
    """The text in `locale`: the original where it was written in it, else its translation, else None."""
    if locale is None or source_locale is None or locale == source_locale:
        return original
    return translations.get((subject, locale))


def translatable(session: Session, themes: list[Theme], actions: Sequence[Action] = ()) -> list[tuple[str, str]]:
    """Every text of a session a coordinator wrote, as (subject, original): its own, and its actions' (which their
    owners and the participants following them read)."""
    texts = [("title", session.title), ("question", session.question)]
    texts += [(f"group:{g.id}", g.name) for g in session.groups if g.name is not None]
    texts += [(t.subject, t.name) for t in themes]
    for action in actions:
        texts.append((action_subject(action, "title"), action.title))
        if action.description:
            texts.append((action_subject(action, "description"), action.description))
    return texts


def action_subject(action: Action, part: str) -> str:
    """The key an action's title or description is translated under."""
    return f"action:{action.id}:{part}"


def action_words(
    action: Action, source_locale: str | None, locale: str | None, translations: Translations
) -> tuple[str, str]:
    """An action's title and description in `locale`, each as written where not translated."""
    title = translated(action_subject(action, "title"), action.title, source_locale, locale, translations)
    description = translated(
        action_subject(action, "description"), action.description, source_locale, locale, translations
    )
    return title or action.title, description or action.description


def missing(
    session: Session, themes: list[Theme], translations: Translations, locale: str, actions: Sequence[Action] = ()
) -> list[tuple[str, str]]:
    """The texts still to translate into `locale`."""
    texts = translatable(session, themes, actions)
    return [(subject, text) for subject, text in texts if (subject, locale) not in translations]
