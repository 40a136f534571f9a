"""An action's title and description as its reader reads them: in their language where it was translated."""

from __future__ import annotations

from bot.domain import Action
from bot.domain.content import action_words
from bot.storage import Conn, people, sessions, translations


def words_for(conn: Conn, action: Action, locale: str | None) -> tuple[str, str]:
    """The action's title and description in `locale`, as written where not translated."""
    session = sessions.by_id(conn, action.session_id)
    source = session.source_locale if session is not None else None
    return action_words(action, source, locale, translations.of_session(conn, action.session_id))


def owners_words(conn: Conn, action: Action) -> tuple[str, str]:
    """The action's title and description in its owner's language."""
    owner = people.by_id(conn, action.owner) if action.owner is not None else None
    return words_for(conn, action, owner.locale if owner is not None else None)
