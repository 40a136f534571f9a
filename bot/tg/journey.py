"""Taking part in a session: join with a code, then every message or press goes into the person's flow."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackContext

from bot.conversation import (
    Answer,
    Choice,
    Contribution,
    Edit,
    Enter,
    Event,
    Facts,
    Finished,
    Flow,
    FlowState,
    OtherIn,
    Output,
    Press,
    TextIn,
    Toast,
    Transition,
    VoiceIn,
    Withdrawal,
    begin,
    proceed,
    step,
)
from bot.conversation.machine import TOO_LONG
from bot.conversation.spec import Node
from bot.domain import (
    IDEA_MAX_LENGTH,
    Changes,
    GroupDef,
    Membership,
    Msg,
    NewIdea,
    Phase,
    Reply,
    Session,
    Text,
    Theme,
    Verbatim,
    normalise_join_code,
    session_pseudonym,
    translated,
)
from bot.domain.content import Translations
from bot.i18n import Translator, native_name, negotiate
from bot.storage import Letter
from bot.storage.outbox import SUMMARY
from bot.tg import texts
from bot.tg.action_texts import UPDATES_ON
from bot.tg.compat import seconds
from bot.tg.coord_texts import UNTRANSLATED
from bot.tg.dedupe import dedupe_key, mark_handled
from bot.tg.render import keyboard, send
from bot.tg.services import Services, services

Context = CallbackContext[Any, Any, Any, Any]
JOIN_FLOW = "intake"
TICK = "✓ "

JOIN_UNKNOWN = Msg(
    "join.unknown",
    "This link does not work (any more). Please ask the coordinator for a new link or QR code.",
)
NOT_COLLECTING = Msg("ideas.not_collecting", "This session is not collecting ideas at the moment. Thank you!")
VOTING_CLOSED = Msg("vote.closed", "Choosing what matters most is not open at the moment.")
VOTE_FLOW_PREFIX = "prioritise_"
IDEA_EDITED = Msg("ideas.edited", "Your idea was updated:\n{idea}")
MEDIA_KINDS = ("sticker", "photo", "video", "video_note", "audio", "animation", "document", "location", "contact")


@dataclass(frozen=True)
class SessionView:
    """A session with what its participants see of it: its themes and the translations of its texts."""

    session: Session
    themes: tuple[Theme, ...] = ()
    translations: Translations = field(default_factory=dict)


async def view_of(svc: Services, session: Session) -> SessionView:
    """Load what a session's participants see."""
    return SessionView(session, tuple(await svc.coord.themes(session.id)), await svc.coord.translations(session.id))


def vote_flow(session: Session) -> str:
    """The flow participants vote with, by the session's method."""
    return VOTE_FLOW_PREFIX + session.voting


def language_choices(offered: Iterable[str], first: str | None) -> tuple[Choice, ...]:
    """Languages to tap, each named in its own script, the person's likely one first."""
    return tuple(Choice(code, Verbatim(native_name(code))) for code in sorted(offered, key=lambda code: code != first))


def shown(view: SessionView, subject: str, original: str, locale: str | None) -> Text:
    """A coordinator's text in the person's language, or as written with "(not yet translated)"."""
    text = translated(subject, original, view.session.source_locale, locale, view.translations)
    return Verbatim(text) if text is not None else UNTRANSLATED.with_params(original=original)


def stepped(
    flows: Mapping[str, Flow],
    state: FlowState,
    event: Event,
    facts_in: Callable[[str | None], Facts],
    locale: str | None,
) -> Transition:
    """Step a flow (and on into the next); when the step chose a language, step again to speak it."""
    flow = flows[state.flow]
    facts = facts_in(locale)
    transition = proceed(flows, step(flow, state, event, facts), facts)
    chosen = next((r.value for r in transition.results if isinstance(r, Answer) and r.key == "locale"), None)
    if chosen is not None and chosen != locale:  # the engine is pure: ask again with the new language's texts
        facts = facts_in(str(chosen))
        transition = proceed(flows, step(flow, state, event, facts), facts)
    return transition


def facts_for(view: SessionView, first_language: str | None, seed: int = 0, locale: str | None = None) -> Facts:
    """What the flows may know of a session, in the person's language where it has been translated."""
    session, translations = view.session, view.translations

    def in_language(subject: str, original: str) -> str:
        return translated(subject, original, session.source_locale, locale, translations) or original

    def group_label(group: GroupDef) -> Text:
        return group.label if group.name is None else Verbatim(in_language(f"group:{group.id}", group.name))

    def theme_label(theme: Theme) -> Text:
        name = in_language(theme.subject, theme.name)
        return Verbatim(f"{theme.emoji} {name}" if theme.emoji else name)

    return Facts(
        params={
            "title": shown(view, "title", session.title, locale),
            "question": shown(view, "question", session.question, locale),
            "idea_limit": session.idea_limit,
        },
        options={
            "groups": tuple(Choice(g.id, group_label(g)) for g in session.groups),
            "languages": language_choices(session.languages, first_language),
            "themes": tuple(Choice(str(t.id), theme_label(t)) for t in view.themes),
        },
        idea_limit=session.idea_limit,
        seed=seed,
        redirect={"ideas": vote_flow(session)} if session.phase is Phase.PRIORITISING else {},
    )


def to_event(message: Message) -> Event:
    """What a person's message means to a flow."""
    if message.text is not None:
        return TextIn(message.text)
    if message.voice is not None:
        return VoiceIn(message.voice.file_id, int(seconds(message.voice, "duration")))
    if message.photo and message.caption:
        return TextIn(message.caption)
    kind = next((k for k in MEDIA_KINDS if getattr(message, k, None)), "other")
    return OtherIn(kind)


def _closed_for(flow_id: str, node: Node | None, session: Session, event: Event) -> Output | None:
    """Ideas only while collecting and votes only while prioritising; otherwise a clear answer."""
    if node is None or isinstance(event, OtherIn):
        return None
    if node.kind == "collect" and session.phase is not Phase.COLLECTING and not isinstance(event, Press):
        return Reply(NOT_COLLECTING)
    if flow_id.startswith(VOTE_FLOW_PREFIX) and session.phase is not Phase.PRIORITISING:
        return Toast(VOTING_CLOSED, alert=True) if isinstance(event, Press) else Reply(VOTING_CLOSED)
    return None


def changes_from(
    transition: Transition, locale: str | None, source_message_id: int | None, method: str = "ranking"
) -> Changes:
    """Turn a step's results into one set of database changes."""
    found: dict[str, Any] = {"consent": False, "forget": False}
    ideas: list[NewIdea] = []
    withdrawn: list[int] = []
    for result in transition.results:
        if isinstance(result, Answer) and result.key in ("locale", "group"):
            found[result.key] = str(result.value)
        elif isinstance(result, Answer) and result.key == "consent":
            found["consent"] = result.value == "agree"
        elif isinstance(result, Answer) and result.key == "vote":
            found["vote"] = (method, result.value)
        elif isinstance(result, Answer) and result.key in CHECKIN_ANSWERS and "action" in transition.state.answers:
            checkin = found.setdefault("checkin", {k: transition.state.answers[k] for k in ("action", "period")})
            checkin.update(_checkin_field(result.key, result.value))
        elif isinstance(result, Contribution):
            ideas.append(
                NewIdea(
                    seq=result.seq,
                    text=result.text,
                    voice_file_id=result.file_id,
                    voice_duration=result.duration,
                    language=found.get("locale", locale),
                    source_message_id=source_message_id if result.text is not None else None,
                )
            )
        elif isinstance(result, Withdrawal):
            withdrawn.append(result.seq)
        elif isinstance(result, Finished) and result.forget:
            found["forget"] = True
    return Changes(
        flow_state=transition.state.to_json(),
        locale=found.get("locale"),
        consent=found["consent"],
        group_id=found.get("group"),
        new_ideas=tuple(ideas),
        withdrawn=tuple(withdrawn),
        forget=found["forget"],
        vote=found.get("vote"),
        checkin=found.get("checkin"),
    )


CHECKIN_ANSWERS = frozenset({"status", "help", "note", "done_confirmed"})


def _checkin_field(key: str, value: Any) -> dict[str, Any]:
    """An owner's answer as the check-in's columns (a voice note is kept by its file id)."""
    if key == "done_confirmed":
        return {"done_confirmed": value == "yes"}
    if isinstance(value, dict) and "voice" in value:
        return {f"{key}_voice" if key == "note" else key: str(value["voice"])}
    return {key: value}


async def show(
    update: Update,
    context: Context,
    outputs: tuple[Output, ...],
    translator: Translator,
    answer_press: bool = True,
) -> None:
    """Say and edit what the engine asked for, in one language; the button press gets its answer once.

    A follow-on (`answer_press=False`) leaves the press to whoever answered it already.
    """
    chat = update.effective_chat
    assert chat is not None
    query = update.callback_query
    answered = False
    for output in outputs:
        if isinstance(output, Reply):
            await send(context.bot, chat.id, output, translator)
        elif isinstance(output, Toast) and query is not None:
            await query.answer(translator.text(output.text), show_alert=output.alert)
            answered = True
        elif isinstance(output, Edit) and query is not None and isinstance(query.message, Message):
            await _edit(query.message, output, translator)
    if query is not None and not answered and answer_press:
        await query.answer()


async def _edit(message: Message, edit: Edit, translator: Translator) -> None:
    try:
        if edit.reply is None:
            await message.edit_reply_markup(None)
            return
        body = translator.text(edit.reply.text)
        if edit.chosen:
            body += "\n\n" + "\n".join(TICK + translator.text(label) for label in edit.chosen)
        await message.edit_text(translator.directed(body), reply_markup=keyboard(edit.reply, translator))
    except BadRequest as error:
        if "not modified" not in str(error).lower():  # a double tap asks for the same edit twice
            raise


def hint(update: Update) -> str | None:
    """The shipped language closest to the person's Telegram app language."""
    user = update.effective_user
    return negotiate(user.language_code) if user is not None else None


async def join(update: Update, context: Context, payload: str) -> None:
    """`/start CODE`: join the session (or come back to it) and show where the person is."""
    svc = services(context)
    user = update.effective_user
    assert user is not None
    code = normalise_join_code(payload)
    session = await svc.repo.session_by_code(code) if code else None
    if session is None or not session.phase.open_to_join:
        await send(context.bot, user.id, JOIN_UNKNOWN, await svc.translator_of(user))
        await mark_handled(update, context)
        return
    known = await svc.repo.participant(user.id)
    first = (known.locale if known else None) or hint(update)
    opening = begin(svc.flows[JOIN_FLOW], facts_for(await view_of(services(context), session), first))
    pseudonym = session_pseudonym(svc.secret, user.id, session.id)
    joined = await svc.repo.join(user.id, session, opening.state.to_json(), dedupe_key(update), pseudonym)
    if joined is None:
        return
    membership, created = joined
    if created:
        await show(update, context, opening.outputs, svc.translator_for(membership.participant.locale, first))
    else:
        await drive(update, context, membership, Enter())


async def drive(update: Update, context: Context, membership: Membership, event: Event) -> None:
    """Step the person's flow with one event, store the step in one transaction, then show its outputs."""
    svc = services(context)
    state = FlowState.from_json(membership.flow_state)
    flow = svc.flows[state.flow]
    locale = membership.participant.locale
    view = await view_of(services(context), membership.session)
    closed = _closed_for(state.flow, flow.nodes.get(state.node), membership.session, event)
    if closed is not None:
        transition = Transition(state, (closed,), accepted=False)
    else:
        app_language = hint(update)
        transition = stepped(
            svc.flows, state, event, lambda lang: facts_for(view, lang or app_language, membership.id, lang), locale
        )
    source = update.message.message_id if update.message is not None else None
    changes = changes_from(transition, locale, source, membership.session.voting)
    user = update.effective_user
    translator = svc.translator_for(changes.locale or locale, user.language_code if user else None)
    if transition.accepted and not isinstance(event, Enter):
        if not await svc.repo.advance(membership, changes, dedupe_key(update), svc.clock()):
            return
        await show(update, context, transition.outputs, translator)
    else:
        await show(update, context, transition.outputs, translator)
        await mark_handled(update, context)


async def current(update: Update, context: Context, running: bool = False) -> Membership | None:
    """The person's active session, if they are in one (with `running`: only while a flow awaits them)."""
    user = update.effective_user
    membership = await services(context).repo.active_membership(user.id) if user is not None else None
    if membership is not None and running and FlowState.from_json(membership.flow_state).done:
        return None
    return membership


async def on_flow_message(update: Update, context: Context) -> None:
    """A message in a private chat: into the person's flow, or a kind pointer when there is none."""
    membership = await current(update, context)
    if membership is None:
        chat = update.effective_chat
        assert chat is not None
        await send(context.bot, chat.id, texts.NOTHING_TO_DO, await _translator(update, context))
        await mark_handled(update, context)
        return
    assert update.message is not None
    await drive(update, context, membership, to_event(update.message))


async def on_flow_press(update: Update, context: Context) -> None:
    """A button press that is not a language choice: validated by the person's flow."""
    membership = await current(update, context)
    query = update.callback_query
    assert query is not None
    if membership is None:
        await refuse_press(update, context)
        return
    await drive(update, context, membership, Press(query.data or ""))


async def refuse_press(update: Update, context: Context) -> None:
    """A press that matches nothing the bot offers now: say so, change nothing."""
    query = update.callback_query
    assert query is not None
    translator = await _translator(update, context)
    await query.answer(translator.text(texts.BUTTON_EXPIRED), show_alert=True)
    await mark_handled(update, context)


async def on_edited_message(update: Update, context: Context) -> None:
    """An edited message updates the idea it became while the session still collects; other edits change nothing."""
    edited = update.edited_message
    assert edited is not None
    membership = await current(update, context)
    text = edited.text
    if membership is None or text is None or not text.strip() or membership.session.phase != Phase.COLLECTING:
        await mark_handled(update, context)
        return
    translator = await _translator(update, context)
    if len(text) > IDEA_MAX_LENGTH:
        await send(context.bot, edited.chat_id, TOO_LONG.with_params(max=IDEA_MAX_LENGTH), translator)
        await mark_handled(update, context)
        return
    if await services(context).repo.edit_idea(membership, edited.message_id, text, dedupe_key(update)):
        await send(context.bot, edited.chat_id, IDEA_EDITED.with_params(idea=text), translator)


async def _translator(update: Update, context: Context) -> Translator:
    return await services(context).translator_of(update.effective_user)


async def on_vote(update: Update, context: Context) -> None:
    """`/vote`: (re)start choosing what matters most, while the session is prioritising."""
    membership = await current(update, context)
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    svc = services(context)
    if membership is None or membership.session.phase is not Phase.PRIORITISING:
        await send(context.bot, chat.id, VOTING_CLOSED, await svc.translator_of(user))
        await mark_handled(update, context)
        return
    locale = membership.participant.locale
    facts = facts_for(await view_of(services(context), membership.session), locale, membership.id, locale)
    opening = begin(svc.flows[vote_flow(membership.session)], facts, FlowState.from_json(membership.flow_state).answers)
    if await svc.repo.advance(membership, Changes(flow_state=opening.state.to_json()), dedupe_key(update)):
        await show(update, context, opening.outputs, svc.translator_for(locale, user.language_code))


async def on_updates_opt_in(update: Update, context: Context) -> None:
    """ "Keep me informed": news when an action on their ideas changes, and a summary every quarter."""
    query = update.callback_query
    assert query is not None
    membership = await current(update, context)
    svc = services(context)
    if membership is None or membership.session.phase not in (Phase.CLOSED, Phase.FOLLOW_UP):
        await refuse_press(update, context)
        return
    changes = Changes(flow_state=membership.flow_state, wants_updates=True)
    if await svc.repo.advance(membership, changes, dedupe_key(update), svc.clock()):
        now = svc.clock()
        payload = {"session": membership.session.id}
        summaries = [
            Letter(
                SUMMARY,
                membership.participant.id,
                f"{membership.session.id}:q{n}",
                now + timedelta(days=91 * n),
                payload,
            )
            for n in range(1, 5)
        ]
        await svc.outbox.add(summaries)
        translator = svc.translator_for(membership.participant.locale, None)
        if isinstance(query.message, Message):
            await query.message.edit_reply_markup(None)
        await send(context.bot, query.from_user.id, UPDATES_ON, translator)
    await query.answer()
