"""Coordinators shape the ideas: /themes (add, rename, remove, move an idea), /sort (theme, new theme, duplicate,
hide, write down), /hidden."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from bot.app import coord_texts as say
from bot.app import texts
from bot.app.answers import Annotate, Hide, ThemeAdd, ThemeRename
from bot.app.board import board_link
from bot.app.dispatch import Access, button, command
from bot.app.step import Step
from bot.app.wizard import finisher, session_in, start
from bot.conversation import fixed_options
from bot.domain import Button, ButtonKind, Msg, Reply, Session, Theme, Verbatim, theme_names
from bot.i18n import Translator
from bot.storage import ideas, machine, themes
from bot.storage.ideas import IdeaCard
from bot.storage.roles import Coordinator

Rows = tuple[tuple[Button, ...], ...]

SNIPPET = 40  # characters of an idea shown on a "duplicate of" button
THEME_ADD = ButtonKind("k:ta")
THEME_RENAME = ButtonKind("k:tr", (("theme", int),))
THEME_REMOVE = ButtonKind("k:tx", (("theme", int),))
SORT_INTO = ButtonKind("k:so", (("idea", int), ("theme", int)))
SORT_NEW_THEME = ButtonKind("k:sn", (("idea", int),))
SORT_DUPLICATE = ButtonKind("k:sd", (("idea", int),))
SORT_MERGE = ButtonKind("k:sm", (("idea", int), ("original", int)))
SORT_ORIGINALS = ButtonKind("k:sp", (("idea", int), ("theme", int), ("page", int)))  # a theme's ideas, a page
PAGE = 8  # originals offered at once under "duplicate of…"
SORT_HIDE = ButtonKind("k:sh", (("idea", int),))
SORT_ANNOTATE = ButtonKind("k:sa", (("idea", int),))
SORT_SKIP = ButtonKind("k:ss", (("idea", int),))
SORT_MACHINE = ButtonKind("k:sx", (("idea", int),))
RESTORE_IDEA = ButtonKind("k:hr", (("idea", int),))
MOVE_START = ButtonKind("k:mv")
MOVE_FROM = ButtonKind("k:mf", (("theme", int), ("page", int)))  # a page of the ideas in a theme
MOVE_PICK = ButtonKind("k:mp", (("idea", int), ("theme", int)))
MOVE_TO = ButtonKind("k:mt", (("idea", int), ("theme", int), ("to", int)))  # to 0: back to unsorted


def theme_label(theme: Theme) -> str:
    """A theme as a button or list line shows it: its emoji, then its name."""
    return f"{theme.emoji} {theme.name}" if theme.emoji else theme.name


def _snippet(card: IdeaCard, translator: Translator) -> str:
    text = card.text or card.transcription or translator.text(say.VOICE_PLACEHOLDER)
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"


# ---- themes --------------------------------------------------------------------------------------


def show_themes(step: Step, session: Session) -> None:
    """The list of themes with buttons to add, rename and remove."""
    found = themes.of_session(step.conn, session.id)
    translator = step.translator
    lines = [translator.text(say.THEMES.with_params(title=session.title))]
    lines += [f"• {theme_label(t)}" for t in found] or [translator.text(say.NO_THEMES)]
    rows: list[tuple[Button, ...]] = [(Button(say.ADD_THEME, THEME_ADD.pack()),)]
    if found:
        rows.append((Button(say.MOVE_IDEA, MOVE_START.pack()),))
    for theme in found:
        rows.append(
            (
                Button(say.RENAME_THEME.with_params(theme=theme.name), THEME_RENAME.pack(theme=theme.id)),
                Button(say.REMOVE_THEME.with_params(theme=theme.name), THEME_REMOVE.pack(theme=theme.id)),
            )
        )
    step.say_lines(lines, tuple(rows))


@command("themes", Access.SESSION)
def on_themes(step: Step, record: Coordinator, session: Session) -> None:
    """`/themes`: see and change the session's themes (and, with the web pages on, a link to the board)."""
    show_themes(step, session)
    board_link(step, session)


@button(THEME_ADD, Access.SESSION)
def theme_add_pressed(step: Step, record: Coordinator, session: Session) -> None:
    """Ask for the new theme's name."""
    start(step, record, "theme_add", {"session": session.id})


@button(THEME_RENAME, Access.SESSION)
def theme_rename_pressed(step: Step, record: Coordinator, session: Session, theme: int) -> None:
    """Ask for a theme's new name."""
    found = {t.id: t for t in themes.of_session(step.conn, session.id)}.get(theme)
    if found is not None:
        start(step, record, "theme_rename", {"session": session.id, "theme_id": found.id, "theme": found.name})


@button(THEME_REMOVE, Access.SESSION)
def theme_remove_pressed(step: Step, record: Coordinator, session: Session, theme: int) -> None:
    """Remove a theme; its ideas become unsorted, never deleted."""
    if themes.remove(step.conn, session.id, theme):
        step.say(say.THEME_REMOVED)
        show_themes(step, session)


@finisher("theme_add")
def theme_added(step: Step, record: Coordinator, answers: Mapping[str, Any]) -> None:
    """Store the theme; when it was made while sorting an idea, sort that idea into it and go on."""
    given = ThemeAdd.of(answers)
    session = session_in(step, record, answers)
    if session is None:
        return
    added = [themes.add(step.conn, session.id, name, emoji) for name, emoji in theme_names(given.name)]
    if given.idea is not None and added and ideas.sort_into(step.conn, session.id, given.idea, added[0].id):
        step.say(say.SORTED_INTO.with_params(theme=theme_label(added[0])))
        show_next_card(step, session, after=given.idea)
    else:
        show_themes(step, session)


@finisher("theme_rename")
def theme_renamed(step: Step, record: Coordinator, answers: Mapping[str, Any]) -> None:
    """Store the new name (its translations are dropped: they no longer match)."""
    given = ThemeRename.of(answers)
    session = session_in(step, record, answers)
    named = theme_names(given.name)
    if session is not None and named and themes.rename(step.conn, session.id, given.theme_id, *named[0]):
        show_themes(step, session)


# ---- sorting -------------------------------------------------------------------------------------


def card_text(card: IdeaCard, session: Session, left: int, translator: Translator) -> str:
    """An idea in its original language, with its group and language named, and any written-down version."""
    groups = {g.id: g.label for g in session.groups}
    group = translator.text(groups[card.group_id]) if card.group_id in groups else "?"
    language = translator.language_name(card.language) if card.language else "?"
    header = translator.text(say.SORT_CARD.with_params(left=left, group=group, language=language))
    body = (
        card.text
        if card.text is not None
        else translator.text(say.SORT_VOICE.with_params(seconds=card.voice_duration or 0))
    )
    lines = [header, "", body]
    if card.transcription:
        lines += ["", translator.text(say.SORT_WRITTEN.with_params(text=card.transcription))]
    if card.translation:
        lines += ["", translator.text(translation_line(card))]
    return "\n".join(lines)


def translation_line(card: IdeaCard) -> Msg:
    """An idea's translation, saying whether a machine made it (unchecked) or a coordinator wrote it."""
    if card.translation_machine is not None:
        return say.TRANSLATION_BY_MACHINE.with_params(service=card.translation_machine, text=card.translation)
    return say.TRANSLATION_BY_PERSON.with_params(text=card.translation)


def machine_can_translate(card: IdeaCard, session: Session, service: str | None) -> bool:
    """Whether a translation service could put this idea into the session's language (and has not yet)."""
    words = card.text or card.transcription
    return (
        service is not None
        and card.translation is None
        and words is not None
        and card.language is not None
        and card.language != session.source_locale
    )


def card_buttons(card: IdeaCard, found: list[Theme], machine: bool = False) -> tuple[tuple[Button, ...], ...]:
    """A button per theme, then new theme, duplicate, hide, write down (and translate by machine) and skip."""
    theme_buttons = [Button(Verbatim(theme_label(t)), SORT_INTO.pack(idea=card.id, theme=t.id)) for t in found]
    rows = [tuple(theme_buttons[i : i + 2]) for i in range(0, len(theme_buttons), 2)]
    rows.append(
        (
            Button(say.NEW_THEME, SORT_NEW_THEME.pack(idea=card.id)),
            Button(say.DUPLICATE, SORT_DUPLICATE.pack(idea=card.id)),
        )
    )
    rows.append(
        (Button(say.HIDE, SORT_HIDE.pack(idea=card.id)), Button(say.ANNOTATE, SORT_ANNOTATE.pack(idea=card.id)))
    )
    if machine:
        rows.append((Button(say.MACHINE_TRANSLATE, SORT_MACHINE.pack(idea=card.id)),))
    rows.append((Button(say.SKIP, SORT_SKIP.pack(idea=card.id)),))
    return tuple(rows)


def show_card(step: Step, session: Session, card: IdeaCard | None) -> None:
    """Show one idea to sort, or say that all are sorted."""
    if card is None:
        step.say(say.SORT_DONE)
        return
    left = ideas.counts(step.conn, session.id).unsorted
    if card.voice_file_id is not None and card.transcription is None:
        step.attach("voice", file_id=card.voice_file_id)  # to listen to before writing it down
    offer = machine_can_translate(card, session, step.svc.machine) and not translation_asked(step, card)
    step.say_lines(
        [card_text(card, session, left, step.translator)],
        card_buttons(card, themes.of_session(step.conn, session.id), offer),
    )


def translation_asked(step: Step, card: IdeaCard) -> bool:
    """Whether the idea waits for the translation service already, or the service said it cannot translate it."""
    return machine.waiting(step.conn, "idea", card.id) or machine.refused(step.conn, "idea", card.id)


def show_next_card(step: Step, session: Session, after: int = 0) -> None:
    """The next idea still to sort."""
    card = ideas.next_unsorted(step.conn, session.id, after)
    if card is None and after:
        card = ideas.next_unsorted(step.conn, session.id)
        card = None if card is not None and card.id == after else card
    show_card(step, session, card)


@command("sort", Access.SESSION)
def on_sort(step: Step, record: Coordinator, session: Session) -> None:
    """`/sort`: one idea at a time (and, with the web pages on, a link to the board for all of them at once)."""
    board_link(step, session)
    show_next_card(step, session)


def _ask_about_card(
    step: Step,
    record: Coordinator,
    session: Session,
    idea: int,
    flow: str,
    more: Callable[[IdeaCard], Mapping[str, Any]] = lambda _card: {},
) -> None:
    """Start a wizard flow about the idea on the pressed card (nothing when the idea is gone)."""
    card = ideas.card(step.conn, session.id, idea)
    if card is not None:
        start(step, record, flow, {"session": session.id, "idea": card.id, **more(card)})


def _close_card(step: Step, outcome: Reply) -> None:
    """Replace the card's buttons with what was done to it."""
    press = step.incoming.press
    current = press.message_text if press is not None and press.message_text else ""
    step.edit(Verbatim(step.translator.directed(current + "\n\n✓ " + step.translator.text(outcome.text))))


def _still_unsorted(step: Step, session: Session, idea: int) -> IdeaCard | None:
    """The idea on a pressed card, if it still waits to be sorted; when it was sorted, merged or hidden since the
    card was shown (another coordinator was quicker), the press is refused with a notice and the next card comes."""
    card = ideas.card(step.conn, session.id, idea)
    if card is None:
        step.answer(texts.BUTTON_EXPIRED, alert=True)
        return None
    if card.theme_id is not None or card.duplicate_of is not None or card.hidden_reason is not None:
        step.answer(say.CARD_CHANGED, alert=True)
        step.edit(None)
        show_next_card(step, session, after=idea)
        return None
    return card


@button(SORT_INTO, Access.SESSION)
def sorted_into(step: Step, record: Coordinator, session: Session, idea: int, theme: int) -> None:
    """Put the idea in the tapped theme, then show the next one."""
    found = {t.id: t for t in themes.of_session(step.conn, session.id)}.get(theme)
    if found is None or _still_unsorted(step, session, idea) is None:
        return
    if not ideas.sort_into(step.conn, session.id, idea, found.id):
        return
    _close_card(step, Reply(say.SORTED_INTO.with_params(theme=theme_label(found))))
    show_next_card(step, session, after=idea)


@button(SORT_NEW_THEME, Access.SESSION)
def new_theme_for(step: Step, record: Coordinator, session: Session, idea: int) -> None:
    """Make a new theme and sort this idea into it."""
    if _still_unsorted(step, session, idea) is not None:
        _ask_about_card(step, record, session, idea, "theme_add")


def _by_theme(step: Step, session: Session, cards: list[IdeaCard], pack: Callable[[Theme], str]) -> Rows:
    """A button per theme that holds some of these ideas, with how many."""
    counted = Counter(c.theme_id for c in cards)
    return tuple(
        (Button(Verbatim(f"{theme_label(t)} ({counted[t.id]})"), pack(t)),)
        for t in themes.of_session(step.conn, session.id)
        if counted[t.id]
    )


def _page_of(step: Step, cards: list[IdeaCard], page: int, pick: Callable[[IdeaCard], str], more: str) -> Rows:
    """A page of ideas as buttons (their first words), with "More…" while there are more."""
    rows: list[tuple[Button, ...]] = [
        (Button(Verbatim(_snippet(c, step.translator)), pick(c)),) for c in cards[page * PAGE : (page + 1) * PAGE]
    ]
    if len(cards) > (page + 1) * PAGE:
        rows.append((Button(say.MORE_ORIGINALS, more),))
    return tuple(rows)


@button(SORT_DUPLICATE, Access.SESSION)
def duplicate_of(step: Step, record: Coordinator, session: Session, idea: int) -> None:
    """Find the idea this one repeats: first its theme (each with how many ideas it has), then the theme's ideas."""
    card = _still_unsorted(step, session, idea)
    if card is None:
        return
    originals = [c for c in ideas.sorted_cards(step.conn, session.id) if c.id != card.id]
    if not originals:
        step.answer(say.NO_ORIGINALS, alert=True)
        return
    rows = _by_theme(step, session, originals, lambda t: SORT_ORIGINALS.pack(idea=card.id, theme=t.id, page=0))
    step.say(Reply(say.PICK_ORIGINAL_THEME, rows))


@button(SORT_ORIGINALS, Access.SESSION)
def originals_in_theme(step: Step, record: Coordinator, session: Session, idea: int, theme: int, page: int) -> None:
    """A page of a theme's ideas to mark this one a duplicate of, with "More…" while there are more."""
    card = _still_unsorted(step, session, idea)
    if card is None:
        return
    found = [c for c in ideas.sorted_cards(step.conn, session.id) if c.theme_id == theme and c.id != card.id]
    rows = _page_of(
        step,
        found,
        page,
        lambda o: SORT_MERGE.pack(idea=card.id, original=o.id),
        SORT_ORIGINALS.pack(idea=card.id, theme=theme, page=page + 1),
    )
    step.edit(Reply(say.PICK_ORIGINAL, rows))


@button(SORT_MERGE, Access.SESSION)
def merged(step: Step, record: Coordinator, session: Session, idea: int, original: int) -> None:
    """Mark the idea a duplicate of the tapped one, then go on sorting."""
    if _still_unsorted(step, session, idea) is not None and ideas.merge(step.conn, session.id, idea, original):
        step.edit(say.MERGED)
        show_next_card(step, session, after=idea)


@button(SORT_HIDE, Access.SESSION)
def hide_pressed(step: Step, record: Coordinator, session: Session, idea: int) -> None:
    """Ask why the idea is hidden."""
    if _still_unsorted(step, session, idea) is not None:
        _ask_about_card(step, record, session, idea, "hide")


@finisher("hide")
def hidden_with_reason(step: Step, record: Coordinator, answers: Mapping[str, Any]) -> None:
    """Hide the idea (kept, excluded from results) and go on sorting."""
    given = Hide.of(answers)
    session = session_in(step, record, answers)
    usual = {c.id: c.label for c in fixed_options(step.svc.flows["hide"], "reason")}
    reason = given.reason.strip() if given.reason else step.translator.text(usual[given.kind])
    if session is not None and ideas.hide(step.conn, session.id, given.idea, reason):
        show_next_card(step, session, after=given.idea)


@button(SORT_ANNOTATE, Access.SESSION)
def annotate_pressed(step: Step, record: Coordinator, session: Session, idea: int) -> None:
    """Ask for a written-down version or translation of the idea."""
    _ask_about_card(
        step,
        record,
        session,
        idea,
        "annotate",
        lambda card: {
            "field": "transcription" if card.kind == "voice" and card.transcription is None else "translation"
        },
    )


@finisher("annotate")
def annotated(step: Step, record: Coordinator, answers: Mapping[str, Any]) -> None:
    """Keep the text next to the original and show the idea again to sort it."""
    given = Annotate.of(answers)
    session = session_in(step, record, answers)
    if session is not None and ideas.annotate(
        step.conn, session.id, given.idea, given.field, given.text, record.participant.id
    ):
        show_card(step, session, ideas.card(step.conn, session.id, given.idea))


@button(SORT_MACHINE, Access.SESSION)
def machine_asked(step: Step, record: Coordinator, session: Session, idea: int) -> None:
    """Ask the translation service for the idea; the translation comes as a message when it is ready."""
    card = ideas.card(step.conn, session.id, idea)
    if card is None or not machine_can_translate(card, session, step.svc.machine):
        step.answer(texts.BUTTON_EXPIRED, alert=True)
        return
    if machine.request(step.conn, "idea", card.id, step.now, by=record.participant.id):
        step.answer(say.MACHINE_ASKED)
    else:
        step.answer(say.MACHINE_CANNOT, alert=True)


@button(SORT_SKIP, Access.SESSION)
def skipped(step: Step, record: Coordinator, session: Session, idea: int) -> None:
    """Leave this idea for later and show the next."""
    show_next_card(step, session, after=idea)


# ---- moving a misfiled idea ----------------------------------------------------------------------


@button(MOVE_START, Access.SESSION)
def move_start(step: Step, record: Coordinator, session: Session) -> None:
    """Moving an idea: first the theme it is in now (each with how many ideas it holds)."""
    cards = ideas.sorted_cards(step.conn, session.id)
    if not cards:
        step.answer(say.NO_SORTED, alert=True)
        return
    step.say(Reply(say.MOVE_FROM, _by_theme(step, session, cards, lambda t: MOVE_FROM.pack(theme=t.id, page=0))))


@button(MOVE_FROM, Access.SESSION)
def move_from(step: Step, record: Coordinator, session: Session, theme: int, page: int) -> None:
    """A page of the theme's ideas to pick the one to move."""
    found = [c for c in ideas.sorted_cards(step.conn, session.id) if c.theme_id == theme]
    more = MOVE_FROM.pack(theme=theme, page=page + 1)
    step.edit(Reply(say.MOVE_PICK, _page_of(step, found, page, lambda c: MOVE_PICK.pack(idea=c.id, theme=theme), more)))


def _still_in(step: Step, session: Session, idea: int, theme: int) -> IdeaCard | None:
    """The idea, if it is still in the theme it was picked from; otherwise the press is refused with a notice."""
    card = ideas.card(step.conn, session.id, idea)
    if card is None or card.theme_id != theme or card.duplicate_of is not None or card.hidden_reason is not None:
        step.answer(say.IDEA_MOVED_MEANWHILE, alert=True)
        step.edit(None)
        return None
    return card


@button(MOVE_PICK, Access.SESSION)
def move_pick(step: Step, record: Coordinator, session: Session, idea: int, theme: int) -> None:
    """The picked idea in full, with the other themes to move it to, or back to unsorted."""
    card = _still_in(step, session, idea, theme)
    if card is None:
        return
    others = [t for t in themes.of_session(step.conn, session.id) if t.id != theme]
    targets = [Button(Verbatim(theme_label(t)), MOVE_TO.pack(idea=idea, theme=theme, to=t.id)) for t in others]
    rows = [tuple(targets[i : i + 2]) for i in range(0, len(targets), 2)]
    rows.append((Button(say.TO_UNSORTED, MOVE_TO.pack(idea=idea, theme=theme, to=0)),))
    left = ideas.counts(step.conn, session.id).unsorted
    text = card_text(card, session, left, step.translator) + "\n\n" + step.translator.text(say.MOVE_WHERE)
    step.edit(Reply(Verbatim(step.translator.directed(text)), tuple(rows)))


@button(MOVE_TO, Access.SESSION)
def moved(step: Step, record: Coordinator, session: Session, idea: int, theme: int, to: int) -> None:
    """Move the idea (with its duplicates), unless it changed since it was picked."""
    target = {t.id: t for t in themes.of_session(step.conn, session.id)}.get(to)
    if (to and target is None) or _still_in(step, session, idea, theme) is None:
        return
    if not ideas.move(step.conn, session.id, idea, theme, target.id if target else None):
        return
    done = say.SORTED_INTO.with_params(theme=theme_label(target)) if target else say.MOVED_UNSORTED
    _close_card(step, Reply(done))


# ---- hidden ideas --------------------------------------------------------------------------------


@command("hidden", Access.SESSION)
def on_hidden(step: Step, record: Coordinator, session: Session) -> None:
    """`/hidden`: what was hidden, and why; restore with a tap."""
    found = ideas.hidden(step.conn, session.id)
    translator = step.translator
    if not found:
        step.say(say.NO_HIDDEN)
        return
    lines = [translator.text(say.HIDDEN_LIST)]
    rows: list[tuple[Button, ...]] = []
    for number, card in enumerate(found, 1):
        text = card.text or card.transcription or translator.text(say.VOICE_PLACEHOLDER)
        lines.append(translator.text(say.HIDDEN_LINE.with_params(number=number, text=text, reason=card.hidden_reason)))
        rows.append((Button(say.RESTORE.with_params(number=number), RESTORE_IDEA.pack(idea=card.id)),))
    step.say_lines(lines, tuple(rows))


@button(RESTORE_IDEA, Access.SESSION)
def restored(step: Step, record: Coordinator, session: Session, idea: int) -> None:
    """Show a hidden idea again."""
    if ideas.restore(step.conn, session.id, idea):
        step.say(say.RESTORED)
