"""Being in an expert pool: joining with its link, invitations taken up with one tap, /leave and /history."""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.ext import CallbackContext

from bot.conversation import Answer, Choice, Enter, Event, Facts, Finished, FlowState, Press, Transition, begin
from bot.domain import (
    DEFAULT_GROUPS,
    STATUS_NAMES,
    Button,
    Phase,
    Reply,
    Session,
    Verbatim,
    pool_pseudonym,
    session_pseudonym,
)
from bot.domain.pool import PROFILE_FIELDS, TOPICS, Member, Pool, pool_code_in, profile_from
from bot.exports import load_results
from bot.i18n import SUPPORTED, Translator
from bot.storage import JoinStep
from bot.tg import pool_texts as say
from bot.tg.dedupe import dedupe_key, mark_handled
from bot.tg.journey import (
    JOIN_FLOW,
    drive,
    facts_for,
    hint,
    language_choices,
    refuse_press,
    show,
    shown,
    stepped,
    to_event,
    view_of,
)
from bot.tg.render import send, send_lines
from bot.tg.services import Services, services

Context = CallbackContext[Any, Any, Any, Any]
JOIN_POOL_FLOW = "pool_join"
INVITATION_ACTION = "pi:"  # pi:y:<invitation> takes part, pi:n:<invitation> not this time
LEAVE_ACTION = "pl:"  # pl:<pool>
TOP = 3


def pool_facts(pool: Pool, first_language: str | None) -> Facts:
    """What the joining flow may know of a pool: its words, its topics, and which questions it asks."""
    return Facts(
        params={
            "pool": pool.name,
            "region": pool.region,
            "description": pool.description,
            "limit": pool.monthly_limit,
            "no_questions": int(not pool.fields),
            **{f"skip_{name}": int(name not in pool.fields) for name in PROFILE_FIELDS},
        },
        options={
            "languages": language_choices(SUPPORTED, first_language),
            "groups": tuple(Choice(group, label) for group, label in DEFAULT_GROUPS.items()),
            "topics": tuple(Choice(topic, TOPICS[topic]) for topic in pool.topics if topic in TOPICS),
        },
    )


# ---- joining ---------------------------------------------------------------------------------------


async def join(update: Update, context: Context, payload: str) -> bool:
    """`/start pool-CODE`: begin joining the pool (or carry on); False when the link is not a pool's."""
    code = pool_code_in(payload)
    svc = services(context)
    pool = await svc.pools.by_code(code) if code else None
    user = update.effective_user
    if pool is None or user is None:
        return False
    member = await svc.pools.member(user.id, pool.id)
    if member is not None and member.flow_state is not None:
        await _drive(update, context, member, Enter())
        return True
    translator = await svc.translator_of(user)
    if member is not None:
        await send(context.bot, user.id, say.ALREADY_MEMBER.with_params(pool=pool.name), translator)
        await mark_handled(update, context)
        return True
    known = await svc.repo.participant(user.id)
    first = (known.locale if known else None) or hint(update)
    opening = begin(svc.flows[JOIN_POOL_FLOW], pool_facts(pool, first))
    pseudonym = pool_pseudonym(svc.secret, user.id, pool.id)
    if await svc.pools.start_join(user.id, pool, opening.state.to_json(), pseudonym, dedupe_key(update)):
        await show(update, context, opening.outputs, translator)
    return True


async def resume(update: Update, context: Context) -> bool:
    """Ask the current question of an unfinished pool join again; False when there is none."""
    return await _into_join(update, context, Enter())


async def on_message(update: Update, context: Context) -> bool:
    """A message while joining a pool goes into that; False when the person is not joining one."""
    return update.message is not None and await _into_join(update, context, to_event(update.message))


async def on_press(update: Update, context: Context) -> bool:
    """A button press while joining a pool; False when the person is not joining one."""
    query = update.callback_query
    return query is not None and await _into_join(update, context, Press(query.data or ""))


async def _into_join(update: Update, context: Context, event: Event) -> bool:
    user = update.effective_user
    member = await services(context).pools.joining(user.id) if user is not None else None
    if member is None:
        return False
    await _drive(update, context, member, event)
    return True


def _join_step(transition: Transition) -> JoinStep:
    found: dict[str, Any] = {}
    for result in transition.results:
        if isinstance(result, Answer) and result.key in ("locale", "group"):
            found[result.key] = str(result.value)
        elif isinstance(result, Answer) and result.key == "consent":
            found["consent"] = result.value == "agree"
        elif isinstance(result, Finished):
            found["forget"] = result.forget
    state = transition.state
    return JoinStep(
        flow_state=None if state.done else state.to_json(),
        locale=found.get("locale"),
        consent=bool(found.get("consent")),
        group_id=found.get("group"),
        profile=profile_from(state.answers),
        forget=bool(found.get("forget")),
    )


async def _drive(update: Update, context: Context, member: Member, event: Event) -> None:
    """One step of joining a pool, stored in one transaction, then shown."""
    svc = services(context)
    assert member.flow_state is not None
    state = FlowState.from_json(member.flow_state)
    app_language = hint(update)
    transition = stepped(
        svc.flows, state, event, lambda lang: pool_facts(member.pool, lang or app_language), member.locale
    )
    change = _join_step(transition)
    translator = svc.translator_for(change.locale or member.locale, app_language)
    if transition.accepted and not isinstance(event, Enter):
        if await svc.pools.step_join(member, change, dedupe_key(update)):
            await show(update, context, transition.outputs, translator)
    else:
        await show(update, context, transition.outputs, translator)
        await mark_handled(update, context)


# ---- invitations -------------------------------------------------------------------------------------


def invitation_buttons(invitation_id: int) -> tuple[tuple[Button, ...], ...]:
    """Take part, or not this time."""
    return (
        (Button(say.TAKE_PART, f"{INVITATION_ACTION}y:{invitation_id}"),),
        (Button(say.NOT_NOW, f"{INVITATION_ACTION}n:{invitation_id}"),),
    )


async def on_invitation_button(update: Update, context: Context) -> None:
    """Take up an invitation with one tap (the consultation's own consent comes next), or let it go."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    choice, _, number = query.data.removeprefix(INVITATION_ACTION).partition(":")
    invitation = await svc.pools.invitation(int(number)) if number.isdigit() else None
    if invitation is None or invitation.telegram_id != query.from_user.id or choice not in ("y", "n"):
        await refuse_press(update, context)
        return
    translator = svc.translator_for(invitation.member.locale, query.from_user.language_code)
    message = query.message if isinstance(query.message, Message) else None
    if choice == "n":
        await query.answer()
        if message is not None:
            await message.edit_reply_markup(None)
        await send(context.bot, query.from_user.id, say.NOT_NOW_OK, translator)
        await mark_handled(update, context)
        return
    session = await svc.repo.session_by_id(invitation.session_id)
    if session is None or not session.phase.open_to_join:
        await query.answer(translator.text(say.INVITATION_CLOSED), show_alert=True)
        await mark_handled(update, context)
        return
    locale = invitation.member.locale
    group_known = any(g.id == invitation.member.group_id for g in session.groups)
    facts = facts_for(await view_of(svc, session), locale, 0, locale)
    opening = begin(svc.flows[JOIN_FLOW], facts, {"language_known": 1, "group_known": int(group_known)})
    pseudonym = session_pseudonym(svc.secret, query.from_user.id, session.id)
    accepted = await svc.pools.accept(invitation, session, opening.state.to_json(), pseudonym, dedupe_key(update))
    if accepted is None:
        return
    membership, created = accepted
    if message is not None:
        await message.edit_reply_markup(None)
    if created:
        await show(update, context, opening.outputs, translator)
    else:  # they had joined already: carry on where they are
        await drive(update, context, membership, Enter())


# ---- leaving ------------------------------------------------------------------------------------------


async def on_leave(update: Update, context: Context) -> None:
    """`/leave`: out of the pool at once (with several pools: which one, then at once)."""
    user = update.effective_user
    assert user is not None
    svc = services(context)
    translator = await svc.translator_of(user)
    memberships = await svc.pools.memberships(user.id)
    if len(memberships) == 1:
        await _leave(update, context, memberships[0].pool.id, translator)
        return
    if not memberships:
        await send(context.bot, user.id, say.LEAVE_NONE, translator)
    else:
        rows = tuple((Button(Verbatim(m.pool.name), f"{LEAVE_ACTION}{m.pool.id}"),) for m in memberships)
        await send(context.bot, user.id, Reply(say.LEAVE_WHICH, rows), translator)
    await mark_handled(update, context)


async def on_leave_button(update: Update, context: Context) -> None:
    """The pool chosen under /leave."""
    query = update.callback_query
    assert query is not None and query.data is not None
    number = query.data.removeprefix(LEAVE_ACTION)
    translator = await services(context).translator_of(query.from_user)
    if not number.isdigit() or not await _leave(update, context, int(number), translator):
        await refuse_press(update, context)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(None)


async def _leave(update: Update, context: Context, pool_id: int, translator: Translator) -> bool:
    user = update.effective_user
    assert user is not None
    pool = await services(context).pools.leave(user.id, pool_id, dedupe_key(update))
    if pool is None:
        return False
    await send(context.bot, user.id, say.LEFT.with_params(pool=pool.name), translator)
    return True


# ---- /history -----------------------------------------------------------------------------------------


async def on_history(update: Update, context: Context) -> None:
    """`/history`: each consultation the person took part in, what they gave, and what came of it."""
    user = update.effective_user
    assert user is not None
    svc = services(context)
    translator = await svc.translator_of(user)
    taken_part = await svc.repo.contributions(user.id)
    if not taken_part:
        await send(context.bot, user.id, say.HISTORY_NONE, translator)
    for session, ideas in taken_part:
        await send_lines(context.bot, user.id, await history_lines(svc, session, ideas, translator), translator)
    await mark_handled(update, context)


async def history_lines(
    svc: Services, session: Session, ideas: list[tuple[str, str | None]], translator: Translator
) -> list[str]:
    """One consultation as the person sees it in /history."""
    locale = translator.locale
    view = await view_of(svc, session)
    title = shown(view, "title", session.title, locale)
    lines = [translator.text(say.HISTORY_SESSION.with_params(title=title, phase=session.phase.label))]
    if ideas:
        lines.append(translator.text(say.HISTORY_IDEAS))
        lines += [
            f"• {text if kind == 'text' and text else translator.text(say.HISTORY_VOICE)}" for kind, text in ideas
        ]
    else:
        lines.append(translator.text(say.HISTORY_NO_IDEAS))
    if session.phase not in (Phase.CLOSED, Phase.FOLLOW_UP):
        return [*lines, "", translator.text(say.HISTORY_OPEN)]
    lines += ["", *await outcome_lines(svc, session, translator)]
    return lines


async def outcome_lines(svc: Services, session: Session, translator: Translator) -> list[str]:
    """What came of a closed consultation: what mattered most, and its actions with their status."""
    found = await load_results(svc.repo, svc.coord, session)
    lines: list[str] = []
    if found.results.overall.voters:
        lines.append(translator.text(say.HISTORY_RESULT))
        top = found.results.overall.order[:TOP]
        lines += [f"{n}. {found.theme(theme, translator.locale)}" for n, theme in enumerate(top, 1)]
        lines.append("")
    actions = await svc.actions.of_session(session.id)
    if actions:
        lines.append(translator.text(say.HISTORY_ACTIONS))
        lines += [f"• {a.title}: {translator.text(STATUS_NAMES[a.status])}" for a in actions]
    else:
        lines.append(translator.text(say.NOTHING_DONE))
    return lines


async def invitation_text(svc: Services, pool: Pool, session: Session, translator: Translator) -> str:
    """An invitation in the member's language: the consultation, what came of the last one on its topic."""
    locale = translator.locale
    view = await view_of(svc, session)
    lines = [
        translator.text(say.INVITATION.with_params(pool=pool.name)),
        "",
        translator.text(shown(view, "title", session.title, locale)),
        translator.text(shown(view, "question", session.question, locale)),
    ]
    topic = await svc.pools.topic_of(pool.id, session.id)
    earlier_id = await svc.pools.earlier(pool.id, topic, session.id) if topic else None
    earlier = await svc.repo.session_by_id(earlier_id) if earlier_id is not None else None
    if earlier is not None:
        title = shown(await view_of(svc, earlier), "title", earlier.title, locale)
        lines += ["", translator.text(say.LAST_TIME.with_params(title=title))]
        lines += await outcome_lines(svc, earlier, translator)
    return "\n".join([*lines, "", translator.text(say.INVITATION_CHOICE)])
