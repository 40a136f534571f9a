"""The sorting board: every idea of a session as a card, the themes as columns, and what a coordinator does on it
(sort, move, mark a duplicate, hide, restore, add and rename themes). Telegram-free and web-free; each action is
the same store operation the chat's /sort and /themes use, refused when the card changed since it was seen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot import suggest
from bot.app import coord_texts as say
from bot.app import suggesting
from bot.app.room import page_link
from bot.app.services import Services
from bot.app.step import Step
from bot.conversation import fixed_options
from bot.domain import Button, Msg, Reply, Session, Text, Theme, Verbatim, theme_names
from bot.domain.grant import Grant, PageRole, grant_for
from bot.domain.webapp import web_app_action
from bot.i18n import Translator
from bot.i18n.bidi import unmarked
from bot.storage import Conn, ideas, people, roles, sessions, themes
from bot.storage.ideas import IdeaCard
from bot.suggest.records import Placement

OPEN_BOARD = Msg("board.open", "Open the board")
BOARD_LINK = Msg(
    "board.link",
    "Sort on a bigger screen, with all ideas at once and the themes side by side: open the link below on a "
    "computer or tablet. It works until {expires} and acts as you, so do not pass it on.",
)
UNSORTED = Msg("board.unsorted", "Not sorted yet")
HIDDEN = Msg("board.hidden", "Hidden")
REPEATS = Msg("board.repeats", "Said again")
MOVE_TO = Msg("board.move_to", "Move to:")
DUPLICATE_HINT = Msg("board.duplicate_hint", "Now tap the idea this one repeats.")
RESTORE = Msg("board.restore", "Restore")
SEPARATE = Msg("board.separate", "Not a duplicate")
ADD_THEMES = Msg("board.add_themes", "New themes, one per line (an emoji first if you like)")
ADD = Msg("board.add", "Add")
RENAME = Msg("board.rename", "Rename")
RENAME_PROMPT = Msg("board.rename_prompt", "New name for this theme (an emoji first if you like):")
OTHER_REASON = Msg("board.other_reason", "Why are you hiding this idea?")
CANCEL = Msg("board.cancel", "Cancel")
DONE = Msg("board.done", "Done.")
GROUP_LANGUAGE = Msg("board.group_language", "{group} · {language}")
WRITTEN = Msg("board.written", "Written down or translated")
MACHINE_MADE = Msg("board.machine_made", "Machine translation ({service}), not checked by a person")
QUOTE = Msg("board.quote", "Quote in the report")
UNQUOTE = Msg("board.unquote", "Do not quote")
QUOTED = Msg("board.quoted", "Quoted in the report")
INTRODUCTION = Msg(
    "board.introduction", "Your introduction to the report: why this session, who took part, what happens next"
)
SAVE = Msg("board.save", "Save")


class Op(StrEnum):
    """What a coordinator can do on the board."""

    SORT = "sort"  # into a theme, or back to unsorted (also takes a duplicate apart from its original)
    DUPLICATE = "duplicate"
    HIDE = "hide"
    RESTORE = "restore"
    ADD_THEMES = "add_themes"
    RENAME = "rename"
    ACCEPT = "accept"  # a suggested group: into a new theme (`text` names it) or an existing one (`theme`)
    QUOTE = "quote"  # to quote in the report, or (`text` "no") not any more
    INTRODUCTION = "introduction"  # the coordinator's introduction to the report (`text`)


@dataclass(frozen=True)
class Action:
    """One action as the board sends it; `seen` is where the card was when the coordinator acted on it."""

    op: Op
    idea: int = 0
    seen: str = ""
    theme: int | None = None
    original: int = 0
    reason: str = ""
    text: str = ""
    group: tuple[int, ...] = ()

    @classmethod
    def of(cls, data: Mapping[str, object]) -> Action | None:
        """The action a request asks for, or None when it is not one (a forged or broken request)."""
        try:
            op = Op(str(data.get("op")))
            theme = data.get("theme")
            return cls(
                op,
                int(str(data.get("idea", 0))),
                str(data.get("seen", "")),
                None if theme in (None, "") else int(str(theme)),
                int(str(data.get("original", 0))),
                str(data.get("reason", ""))[:200],
                str(data.get("text", ""))[:2000],
                tuple(int(str(i)) for i in _listed(data.get("group")))[:1000],
            )
        except ValueError:
            return None


def _listed(value: object) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError("a group is a list of ideas")
    return value


@dataclass(frozen=True)
class Outcome:
    """Whether the action was done, and what to tell the coordinator when it was not."""

    done: bool
    notice: Text | None = None


@dataclass(frozen=True)
class Card:
    """An idea on the board: its words as given (or a voice message), who gave it by group and language only."""

    id: int
    text: str | None
    language: str | None
    about: str  # "Newcomer · Arabic"
    voice_seconds: int | None
    written: str | None  # a coordinator's transcription, a translation
    seen: str
    hidden_reason: str | None
    repeats: tuple[Card, ...] = ()
    hint: str | None = None  # a suggested theme for an unsorted idea ("Perhaps: Work?" when unsure)
    hint_theme: int | None = None
    quoted: bool = False
    machine: str | None = None  # "Machine translation (DeepL), not checked by a person" when a machine made it


@dataclass(frozen=True)
class Column:
    """A theme (or the unsorted ideas, with no theme) and its cards."""

    theme: Theme | None
    name: str
    cards: tuple[Card, ...]

    @property
    def count(self) -> int:
        """Its ideas, repeats included, as /status counts them."""
        return sum(1 + len(card.repeats) for card in self.cards)


@dataclass(frozen=True)
class BoardView:
    """The whole board, in the coordinator's language."""

    title: str
    columns: tuple[Column, ...]
    hidden: tuple[Card, ...]
    reasons: tuple[tuple[str, str], ...]  # (id, label) of the usual reasons to hide, "other" last
    offered: tuple[str, ...]
    suggestions: bool  # whether the model for theme suggestions is here
    introduction: str


def placement(card: IdeaCard) -> str:
    """Where a card is: its theme, what it repeats, whether hidden. A board acts only on what it has seen."""
    return f"{card.theme_id or ''}:{card.duplicate_of or ''}:{'h' if card.hidden_reason else ''}"


def board_view(
    conn: Conn,
    svc: Services,
    session: Session,
    translator: Translator,
    hints: Mapping[int, Placement] | None = None,
) -> BoardView:
    """Every idea of the session, by theme, with its repeats under it and the hidden ones apart; unsorted ideas
    with the theme suggested for them, where there is one."""
    found = themes.of_session(conn, session.id)
    titles = {t.id: theme_title(t) for t in found}
    cards = ideas.all_cards(conn, session.id)
    groups = {g.id: g for g in session.groups}

    def shown(card: IdeaCard, repeats: tuple[Card, ...] = ()) -> Card:
        group = groups.get(card.group_id or "")
        group_name = (group.name or translator.text(group.label)) if group is not None else "?"
        language = translator.language_name(card.language) if card.language else "?"
        about = unmarked(translator.text(GROUP_LANGUAGE.with_params(group=group_name, language=language)))
        written = "\n".join(words for words in (card.transcription, card.translation) if words) or None
        machine = card.translation_machine
        made = unmarked(translator.text(MACHINE_MADE.with_params(service=machine))) if machine else None
        placed = (hints or {}).get(card.id) if card.theme_id is None else None
        hint = None
        if placed is not None and placed.theme in titles:
            said = suggesting.HINT_UNSURE if placed.unsure else suggesting.HINT
            hint = unmarked(translator.text(said.with_params(theme=titles[placed.theme])))
        return Card(
            card.id,
            card.text,
            card.language,
            about,
            card.voice_duration if card.kind == "voice" else None,
            written,
            placement(card),
            card.hidden_reason,
            repeats,
            hint,
            placed.theme if hint is not None and placed is not None else None,
            bool(card.quoted),
            made,
        )

    repeats: dict[int, list[Card]] = {}
    for card in cards:
        if card.duplicate_of is not None and card.hidden_reason is None:
            repeats.setdefault(card.duplicate_of, []).append(shown(card))
    visible = [c for c in cards if c.duplicate_of is None and c.hidden_reason is None]
    by_theme: dict[int | None, list[Card]] = {}
    for card in visible:
        by_theme.setdefault(card.theme_id, []).append(shown(card, tuple(repeats.get(card.id, ()))))
    columns = [Column(None, unmarked(translator.text(UNSORTED)), tuple(by_theme.get(None, ())))]
    columns += [Column(t, theme_title(t), tuple(by_theme.get(t.id, ()))) for t in found]
    hidden = tuple(shown(c) for c in cards if c.hidden_reason is not None)
    reasons = tuple((c.id, unmarked(translator.text(c.label))) for c in fixed_options(svc.flows["hide"], "reason"))
    introduction = sessions.introduction(conn, session.id) or ""
    return BoardView(
        session.title, tuple(columns), hidden, reasons, tuple(session.languages), suggest.available(), introduction
    )


def theme_title(theme: Theme) -> str:
    """A theme as the board heads its column: its emoji, then its name."""
    return f"{theme.emoji} {theme.name}" if theme.emoji else theme.name


def act(conn: Conn, svc: Services, session: Session, action: Action, translator: Translator) -> Outcome:
    """Do what the board asks, with the store operations the chat uses; refused when the card has changed."""
    if action.op is Op.ADD_THEMES:
        added = theme_names(action.text)
        for name, emoji in added:
            themes.add(conn, session.id, name, emoji)
        return Outcome(bool(added))
    if action.op is Op.INTRODUCTION:
        sessions.set_introduction(conn, session.id, action.text)
        return Outcome(True)
    if action.op is Op.ACCEPT:
        return Outcome(suggesting.accept(conn, session, action.group, action.text, action.theme) > 0)
    if action.op is Op.RENAME:
        named = theme_names(action.text)
        known = {t.id for t in themes.of_session(conn, session.id)}
        if len(named) != 1 or action.theme not in known or action.theme is None:
            return Outcome(False)
        return Outcome(themes.rename(conn, session.id, action.theme, named[0][0], named[0][1]))
    card = ideas.card(conn, session.id, action.idea)
    if card is None:
        return Outcome(False)
    if placement(card) != action.seen:
        return Outcome(False, say.IDEA_MOVED_MEANWHILE)
    return Outcome(_on_card(conn, svc, session, card, action, translator))


def _on_card(conn: Conn, svc: Services, session: Session, card: IdeaCard, action: Action, tr: Translator) -> bool:
    if action.op is Op.SORT:
        if card.hidden_reason is not None:
            return False  # restored first, then sorted
        if action.theme is not None:  # into a theme (a duplicate so becomes an idea of its own)
            return ideas.sort_into(conn, session.id, card.id, action.theme)
        if card.duplicate_of is not None:
            return ideas.separate(conn, session.id, card.id)
        return card.theme_id is not None and ideas.move(conn, session.id, card.id, card.theme_id, None)
    if action.op is Op.DUPLICATE:
        original = ideas.card(conn, session.id, action.original)
        if original is None or original.duplicate_of is not None or original.hidden_reason is not None:
            return False
        return ideas.merge(conn, session.id, card.id, original.id)
    if action.op is Op.HIDE:
        usual = {c.id: c.label for c in fixed_options(svc.flows["hide"], "reason")}
        reason = tr.text(usual[action.reason]) if action.reason in usual and action.reason != "other" else ""
        reason = reason or action.text.strip()
        return len(reason) >= 2 and ideas.hide(conn, session.id, card.id, reason)
    if action.op is Op.RESTORE:
        return ideas.restore(conn, session.id, card.id)
    if action.op is Op.QUOTE:
        return card.hidden_reason is None and ideas.quote(conn, session.id, card.id, action.text != "no")
    return False


def may_use(conn: Conn, grant: Grant) -> Session | None:
    """The session a board link acts on, while its coordinator still runs it (checked on every request)."""
    return roles.runnable(conn, grant.person, grant.session_id)


def board_grant(conn: Conn, telegram_id: int, session_id: int, now: datetime) -> Grant | None:
    """A board for whoever opened it inside Telegram, if they run the session."""
    person = people.by_telegram(conn, telegram_id)
    if person is None or roles.runnable(conn, person.id, session_id) is None:
        return None
    return grant_for(PageRole.BOARD, session_id, now, person.id)


def board_link(step: Step, session: Session) -> None:
    """After /sort and /themes, when the web pages are on: a link to the board, acting as this coordinator."""
    if step.svc.pages is None:
        return
    grant = grant_for(PageRole.BOARD, session.id, step.now, step.participant().id)
    said = BOARD_LINK.with_params(expires=step.translator.moment(grant.expires, step.svc.zone))
    if step.svc.pages.startswith("https://"):  # inside Telegram as well: a Mini App knows who opened it
        opens = Button(OPEN_BOARD, web_app_action(f"{step.svc.pages}/app/board/{session.id}"))
        step.say(Reply(said, ((opens,),)))
    else:
        step.say(said)
    step.say(Verbatim(page_link(step.svc.pages, step.svc.secret, grant)))
