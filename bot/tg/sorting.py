"""Coordinators shape the ideas: /themes, /sort (theme, new theme, duplicate, hide, write down), /hidden."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from telegram import Message, Update
from telegram.ext import CallbackContext

from bot.domain import Button, Reply, Session, Theme, Verbatim
from bot.i18n import Translator
from bot.storage import CoordinatorRecord, IdeaCard
from bot.tg import coord_texts as say
from bot.tg.authority import coordinators_only, show_in_active_session
from bot.tg.coord_buttons import button, data
from bot.tg.dedupe import dedupe_key, mark_handled
from bot.tg.render import edit, send, send_lines
from bot.tg.services import services
from bot.tg.wizard import FINISH, finisher, session_in, start, translator_for

Context = CallbackContext[Any, Any, Any, Any]
SNIPPET = 40  # characters of an idea shown on a "duplicate of" button


def theme_label(theme: Theme) -> str:
    """A theme as a button or list line shows it: its emoji, then its name."""
    return f"{theme.emoji} {theme.name}" if theme.emoji else theme.name


def _snippet(card: IdeaCard, translator: Translator) -> str:
    text = card.text or card.transcription or translator.text(say.VOICE_PLACEHOLDER)
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"


async def _send(update: Update, context: Context, record: CoordinatorRecord, reply: Reply) -> None:
    chat = update.effective_chat
    assert chat is not None
    await send(context.bot, chat.id, reply, translator_for(update, context, record))


async def _done_with_press(update: Update, context: Context) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    await mark_handled(update, context)


# ---- themes --------------------------------------------------------------------------------------


async def show_themes(update: Update, context: Context, record: CoordinatorRecord, session: Session) -> None:
    """The list of themes with buttons to add, rename and remove."""
    themes = await services(context).coord.themes(session.id)
    translator = translator_for(update, context, record)
    lines = [translator.text(say.THEMES.with_params(title=session.title))]
    lines += [f"• {theme_label(t)}" for t in themes] or [translator.text(say.NO_THEMES)]
    rows: list[tuple[Button, ...]] = [(Button(say.ADD_THEME, data("ta")),)]
    for theme in themes:
        rows.append(
            (
                Button(say.RENAME_THEME.with_params(theme=theme.name), data("tr", theme.id)),
                Button(say.REMOVE_THEME.with_params(theme=theme.name), data("tx", theme.id)),
            )
        )
    chat = update.effective_chat
    assert chat is not None
    await send_lines(context.bot, chat.id, lines, translator, tuple(rows))


@coordinators_only
async def on_themes(update: Update, context: Context, record: CoordinatorRecord) -> None:
    """`/themes`: see and change the session's themes."""
    await show_in_active_session(update, context, record, show_themes)


@button("ta")
async def theme_add_pressed(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Ask for the new theme's name."""
    await start(update, context, record, "theme_add", {"session": session.id}, dedupe_key(update))


@button("tr")
async def theme_rename_pressed(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Ask for a theme's new name."""
    themes = {t.id: t for t in await services(context).coord.themes(session.id)}
    theme = themes.get(int(args[0])) if args and args[0].isdigit() else None
    if theme is None:
        await _done_with_press(update, context)
        return
    answers = {"session": session.id, "theme_id": theme.id, "theme": theme.name}
    await start(update, context, record, "theme_rename", answers, dedupe_key(update))


@button("tx")
async def theme_remove_pressed(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Remove a theme; its ideas become unsorted, never deleted."""
    theme_id = int(args[0]) if args and args[0].isdigit() else 0
    removed = await services(context).coord.remove_theme(session.id, theme_id, dedupe_key(update))
    if update.callback_query is not None:
        await update.callback_query.answer()
    if removed:
        await _send(update, context, record, Reply(say.THEME_REMOVED))
        await show_themes(update, context, record, session)


@finisher("theme_add")
async def theme_added(update: Update, context: Context, record: CoordinatorRecord, answers: Mapping[str, Any]) -> None:
    """Store the theme; when it was made while sorting an idea, sort that idea into it and go on."""
    svc = services(context)
    session = await session_in(update, context, answers)
    if session is None:
        return
    emoji = answers.get("emoji")
    theme = await svc.coord.add_theme(
        session.id, str(answers["name"]).strip(), str(emoji).strip() if emoji else None, dedupe_key(update, FINISH)
    )
    if theme is None:
        return
    idea_id = answers.get("idea")
    if isinstance(idea_id, int):
        await svc.coord.sort_into(session.id, idea_id, theme.id, dedupe_key(update, FINISH + "/sort"))
        await show_next_card(update, context, record, session)
    else:
        await show_themes(update, context, record, session)


@finisher("theme_rename")
async def theme_renamed(
    update: Update, context: Context, record: CoordinatorRecord, answers: Mapping[str, Any]
) -> None:
    """Store the new name (its translations are dropped: they no longer match)."""
    session = await session_in(update, context, answers)
    if session is None:
        return
    theme_id = int(answers.get("theme_id", 0))
    name = str(answers["name"]).strip()
    if await services(context).coord.rename_theme(session.id, theme_id, name, dedupe_key(update, FINISH)):
        await show_themes(update, context, record, session)


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
    written = card.transcription or card.translation
    if written:
        lines += ["", translator.text(say.SORT_WRITTEN.with_params(text=written))]
    return "\n".join(lines)


def card_buttons(card: IdeaCard, themes: list[Theme]) -> tuple[tuple[Button, ...], ...]:
    """A button per theme, then new theme, duplicate, hide, write down and skip."""
    theme_buttons = [Button(Verbatim(theme_label(t)), data("so", card.id, t.id)) for t in themes]
    rows = [tuple(theme_buttons[i : i + 2]) for i in range(0, len(theme_buttons), 2)]
    rows.append((Button(say.NEW_THEME, data("sn", card.id)), Button(say.DUPLICATE, data("sd", card.id))))
    rows.append((Button(say.HIDE, data("sh", card.id)), Button(say.ANNOTATE, data("sa", card.id))))
    rows.append((Button(say.SKIP, data("ss", card.id)),))
    return tuple(rows)


async def show_card(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, card: IdeaCard | None
) -> None:
    """Show one idea to sort, or say that all are sorted."""
    translator = translator_for(update, context, record)
    chat = update.effective_chat
    assert chat is not None
    if card is None:
        await send(context.bot, chat.id, say.SORT_DONE, translator)
        return
    svc = services(context)
    left = (await svc.coord.status(session.id)).unsorted
    themes = await svc.coord.themes(session.id)
    if card.voice_file_id is not None and card.transcription is None:
        await context.bot.send_voice(chat.id, card.voice_file_id)  # to listen to before writing it down
    await send_lines(
        context.bot, chat.id, [card_text(card, session, left, translator)], translator, card_buttons(card, themes)
    )


async def show_next_card(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, after: int = 0
) -> None:
    """The next idea still to sort."""
    card = await services(context).coord.next_unsorted(session.id, after)
    if card is None and after:
        card = await services(context).coord.next_unsorted(session.id)
        card = None if card is not None and card.id == after else card
    await show_card(update, context, record, session, card)


@coordinators_only
async def on_sort(update: Update, context: Context, record: CoordinatorRecord) -> None:
    """`/sort`: one idea at a time."""
    await show_in_active_session(update, context, record, show_next_card)


async def _card(context: Context, session: Session, args: list[str]) -> IdeaCard | None:
    """The idea a sorting button is about, if it belongs to the coordinator's session."""
    if not args or not args[0].isdigit():
        return None
    return await services(context).coord.idea(session.id, int(args[0]))


async def _ask_about_card(
    update: Update,
    context: Context,
    record: CoordinatorRecord,
    session: Session,
    args: list[str],
    flow: str,
    more: Callable[[IdeaCard], Mapping[str, Any]] = lambda _card: {},
) -> None:
    """Start a wizard flow about the idea on the pressed card, or just settle the press if the idea is gone."""
    card = await _card(context, session, args)
    if card is None:
        await _done_with_press(update, context)
        return
    answers = {"session": session.id, "idea": card.id, **more(card)}
    await start(update, context, record, flow, answers, dedupe_key(update))


async def _close_card(update: Update, context: Context, record: CoordinatorRecord, outcome: Reply) -> None:
    """Replace the card's buttons with what was done to it."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    translator = translator_for(update, context, record)
    text = (query.message.text or "") + "\n\n✓ " + translator.text(outcome.text)
    await query.message.edit_text(translator.directed(text))
    await query.answer()


@button("so")
async def sorted_into(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Put the idea in the tapped theme, then show the next one."""
    card = await _card(context, session, args)
    themes = {t.id: t for t in await services(context).coord.themes(session.id)}
    theme = themes.get(int(args[1])) if len(args) > 1 and args[1].isdigit() else None
    if card is None or theme is None:
        await _done_with_press(update, context)
        return
    if not await services(context).coord.sort_into(session.id, card.id, theme.id, dedupe_key(update)):
        return
    await _close_card(update, context, record, Reply(say.SORTED_INTO.with_params(theme=theme_label(theme))))
    await show_next_card(update, context, record, session, after=card.id)


@button("sn")
async def new_theme_for(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Make a new theme and sort this idea into it."""
    await _ask_about_card(update, context, record, session, args, "theme_add")


@button("sd")
async def duplicate_of(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Offer the sorted ideas this one could duplicate."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    card = await _card(context, session, args)
    translator = translator_for(update, context, record)
    originals = [c for c in await services(context).coord.sorted_ideas(session.id) if card and c.id != card.id]
    if card is None or not originals:
        await query.answer(translator.text(say.NO_ORIGINALS), show_alert=True)
        await mark_handled(update, context)
        return
    rows = tuple((Button(Verbatim(_snippet(o, translator)), data("sm", card.id, o.id)),) for o in originals[:30])
    await _send(update, context, record, Reply(say.PICK_ORIGINAL, rows))
    await _done_with_press(update, context)


@button("sm")
async def merged(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Mark the idea a duplicate of the tapped one, then go on sorting."""
    card = await _card(context, session, args)
    original = int(args[1]) if len(args) > 1 and args[1].isdigit() else 0
    if card is None or not await services(context).coord.merge(session.id, card.id, original, dedupe_key(update)):
        await _done_with_press(update, context)
        return
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    await edit(query.message, say.MERGED, translator_for(update, context, record))
    await query.answer()
    await show_next_card(update, context, record, session, after=card.id)


@button("sh")
async def hide_pressed(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Ask why the idea is hidden."""
    await _ask_about_card(update, context, record, session, args, "hide")


@finisher("hide")
async def hidden_with_reason(
    update: Update, context: Context, record: CoordinatorRecord, answers: Mapping[str, Any]
) -> None:
    """Hide the idea (kept, excluded from results) and go on sorting."""
    session = await session_in(update, context, answers)
    idea_id = answers.get("idea")
    if session is None or not isinstance(idea_id, int):
        return
    reason = str(answers["reason"]).strip()
    if await services(context).coord.hide(session.id, idea_id, reason, dedupe_key(update, FINISH)):
        await show_next_card(update, context, record, session, after=idea_id)


@button("sa")
async def annotate_pressed(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Ask for a written-down version or translation of the idea."""
    await _ask_about_card(
        update,
        context,
        record,
        session,
        args,
        "annotate",
        lambda card: {"field": "transcription" if card.kind == "voice" else "translation"},
    )


@finisher("annotate")
async def annotated(update: Update, context: Context, record: CoordinatorRecord, answers: Mapping[str, Any]) -> None:
    """Keep the text next to the original and show the idea again to sort it."""
    session = await session_in(update, context, answers)
    idea_id = answers.get("idea")
    if session is None or not isinstance(idea_id, int):
        return
    svc = services(context)
    field = "transcription" if answers.get("field") == "transcription" else "translation"
    if await svc.coord.annotate(session.id, idea_id, field, str(answers["text"]), dedupe_key(update, FINISH)):
        await show_card(update, context, record, session, await svc.coord.idea(session.id, idea_id))


@button("ss")
async def skipped(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Leave this idea for later and show the next."""
    card = await _card(context, session, args)
    await _done_with_press(update, context)
    await show_next_card(update, context, record, session, after=card.id if card else 0)


# ---- hidden ideas --------------------------------------------------------------------------------


async def show_hidden(update: Update, context: Context, record: CoordinatorRecord, session: Session) -> None:
    """Hidden ideas with their reasons and a button to restore each."""
    hidden = await services(context).coord.hidden(session.id)
    translator = translator_for(update, context, record)
    if not hidden:
        await _send(update, context, record, Reply(say.NO_HIDDEN))
        return
    lines = [translator.text(say.HIDDEN_LIST)]
    rows: list[tuple[Button, ...]] = []
    for number, card in enumerate(hidden, 1):
        text = card.text or card.transcription or translator.text(say.VOICE_PLACEHOLDER)
        lines.append(translator.text(say.HIDDEN_LINE.with_params(number=number, text=text, reason=card.hidden_reason)))
        rows.append((Button(say.RESTORE.with_params(number=number), data("hr", card.id)),))
    chat = update.effective_chat
    assert chat is not None
    await send_lines(context.bot, chat.id, lines, translator, tuple(rows))


@coordinators_only
async def on_hidden(update: Update, context: Context, record: CoordinatorRecord) -> None:
    """`/hidden`: what was hidden, and why; restore with a tap."""
    await show_in_active_session(update, context, record, show_hidden)


@button("hr")
async def restored(
    update: Update, context: Context, record: CoordinatorRecord, session: Session, args: list[str]
) -> None:
    """Show a hidden idea again."""
    card = await _card(context, session, args)
    if card is None or not await services(context).coord.restore(session.id, card.id, dedupe_key(update)):
        await _done_with_press(update, context)
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    await _send(update, context, record, Reply(say.RESTORED))
