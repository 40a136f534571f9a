"""Theme suggestions on the board: what the model is given (the ideas' words and languages, nothing of who said
them), and what a coordinator does with a suggested group. The model itself runs off the event loop, elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain import Msg, Session, theme_names
from bot.storage import Conn, ideas, themes
from bot.storage.ideas import IdeaCard
from bot.suggest import Said

SUGGEST = Msg("suggest.button", "Suggest themes")
SUGGESTED = Msg(
    "suggest.title",
    "Groups of unsorted ideas that seem to be about the same thing, across languages. Name one to make it a theme, "
    "add it to a theme you have, or leave it.",
)
EXAMPLE = Msg("suggest.example", "For example:")
IDEAS_IN_GROUP = Msg("suggest.count", "Ideas in this group: {count}")
NAME = Msg("suggest.name", "Name of the new theme (an emoji first if you like)")
MAKE_THEME = Msg("suggest.make_theme", "Make it a theme")
ADD_TO = Msg("suggest.add_to", "Add to:")
LEAVE = Msg("suggest.leave", "Leave it")
TOO_FEW = Msg("suggest.too_few", "There are too few unsorted ideas to group yet.")
WORKING = Msg("suggest.working", "Looking for groups… this can take a few seconds the first time.")
NO_MODEL = Msg(
    "suggest.unavailable",
    "Theme suggestions are not available here: the language model is not installed with this bot. Sorting works "
    "as always.",
)
HINT = Msg("suggest.hint", "Suggested: {theme}")
HINT_UNSURE = Msg("suggest.hint_unsure", "Perhaps: {theme}?")


@dataclass(frozen=True)
class Ideas:
    """A session's ideas as the model sees them: the unsorted ones, and the sorted ones by theme."""

    unsorted: tuple[Said, ...]
    by_theme: dict[int, tuple[Said, ...]]

    @property
    def fingerprint(self) -> tuple[object, ...]:
        """What the suggestions depend on: which ideas are where (their words do not change once sorted)."""
        return (
            tuple(s.id for s in self.unsorted),
            tuple(sorted((theme, tuple(s.id for s in said)) for theme, said in self.by_theme.items())),
        )


def _said(card: IdeaCard) -> Said | None:
    """An idea's words for the model: typed, or a voice message once written down; none for one not yet."""
    words = card.text or card.transcription
    return Said(card.id, words, card.language) if words else None


def for_model(conn: Conn, session_id: int) -> Ideas:
    """The visible ideas (not hidden, not repeats) that have words, unsorted and by theme."""
    unsorted: list[Said] = []
    by_theme: dict[int, list[Said]] = {}
    for card in ideas.all_cards(conn, session_id):
        said = _said(card)
        if said is None or card.hidden_reason is not None or card.duplicate_of is not None:
            continue
        if card.theme_id is None:
            unsorted.append(said)
        else:
            by_theme.setdefault(card.theme_id, []).append(said)
    return Ideas(tuple(unsorted), {theme: tuple(said) for theme, said in by_theme.items()})


def accept(conn: Conn, session: Session, group: Sequence[int], name: str, theme: int | None) -> int:
    """A suggested group taken: into a new theme named `name`, or into the existing `theme`; only the ideas still
    unsorted go (someone may have sorted some meanwhile). How many went."""
    if theme is None:
        named = theme_names(name)
        if len(named) != 1:
            return 0
        theme = themes.add(conn, session.id, named[0][0], named[0][1]).id
    elif theme not in {t.id for t in themes.of_session(conn, session.id)}:
        return 0
    moved = 0
    for idea in group:
        card = ideas.card(conn, session.id, idea)
        if card is not None and card.theme_id is None and card.duplicate_of is None and card.hidden_reason is None:
            moved += ideas.sort_into(conn, session.id, idea, theme)
    return moved
