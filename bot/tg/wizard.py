"""Coordinator conversations that ask for input (the /new wizard, names, reasons, translations), on the flow engine."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from telegram import Update
from telegram.ext import CallbackContext

from bot.conversation import Choice, Event, Facts, Finished, FlowState, Press, begin, step
from bot.domain import Session, Theme, Verbatim
from bot.domain.pool import PROFILE_FIELDS, TOPICS
from bot.i18n import SUPPORTED, Translator
from bot.storage import CoordinatorRecord
from bot.tg.authority import coordinator_of
from bot.tg.dedupe import dedupe_key, mark_handled
from bot.tg.journey import language_choices, show, to_event
from bot.tg.services import services

Context = CallbackContext[Any, Any, Any, Any]
Finisher = Callable[[Update, Context, CoordinatorRecord, Mapping[str, Any]], Awaitable[None]]
FINISHERS: dict[str, Finisher] = {}
FINISH = "finish"  # names the finisher's own write in the dedupe key


def finisher(flow_id: str) -> Callable[[Finisher], Finisher]:
    """Register what happens when a coordinator completes a flow."""

    def register(handler: Finisher) -> Finisher:
        FINISHERS[flow_id] = handler
        return handler

    return register


def translator_for(update: Update, context: Context, record: CoordinatorRecord) -> Translator:
    """The coordinator's language."""
    user = update.effective_user
    return services(context).translator_for(record.participant.locale, user.language_code if user else None)


def facts(record: CoordinatorRecord, answers: Mapping[str, Any], themes: tuple[Theme, ...] = ()) -> Facts:
    """Context a coordinator flow may show (a theme's name, a text to translate), languages and themes to pick."""
    return Facts(
        params={k: v for k, v in answers.items() if isinstance(v, str | int)},
        options={
            "languages": language_choices(SUPPORTED, record.participant.locale),
            "themes": tuple(Choice(str(t.id), Verbatim(f"{t.emoji} {t.name}" if t.emoji else t.name)) for t in themes),
            "topics": tuple(Choice(topic, label) for topic, label in TOPICS.items()),
            "fields": tuple(Choice(name, label) for name, label in PROFILE_FIELDS.items()),
        },
    )


async def _themes(context: Context, answers: Mapping[str, Any]) -> tuple[Theme, ...]:
    session_id = answers.get("session")
    return tuple(await services(context).coord.themes(session_id)) if isinstance(session_id, int) else ()


async def start(
    update: Update,
    context: Context,
    record: CoordinatorRecord,
    flow_id: str,
    answers: Mapping[str, Any],
    key: str | None,
) -> None:
    """Begin a coordinator flow and ask its first question (`key` None: part of an update already stored)."""
    user = update.effective_user
    assert user is not None
    opening = begin(services(context).flows[flow_id], facts(record, answers, await _themes(context, answers)), answers)
    if not await services(context).coord.set_flow(user.id, opening.state.to_json(), key):
        return
    translator = translator_for(update, context, record)
    await show(update, context, opening.outputs, translator, answer_press=key is not None)


def running(record: CoordinatorRecord | None) -> FlowState | None:
    """The coordinator's unfinished flow, if any."""
    if record is None or record.flow_state is None:
        return None
    state = FlowState.from_json(record.flow_state)
    return None if state.done else state


async def on_message(update: Update, context: Context) -> bool:
    """Feed a coordinator's message into their running flow; False if they have none."""
    record = await coordinator_of(update, context)
    state = running(record)
    if record is None or state is None or update.message is None:
        return False
    await _step(update, context, record, state, to_event(update.message))
    return True


async def on_press(update: Update, context: Context) -> bool:
    """Feed a button press into a coordinator's running flow; False if they have none."""
    record = await coordinator_of(update, context)
    state = running(record)
    if record is None or state is None or update.callback_query is None:
        return False
    await _step(update, context, record, state, Press(update.callback_query.data or ""))
    return True


async def _step(update: Update, context: Context, record: CoordinatorRecord, state: FlowState, event: Event) -> None:
    svc = services(context)
    user = update.effective_user
    assert user is not None
    themes = await _themes(context, state.answers)
    transition = step(svc.flows[state.flow], state, event, facts(record, state.answers, themes))
    translator = translator_for(update, context, record)
    if not transition.accepted:
        await show(update, context, transition.outputs, translator)
        await mark_handled(update, context)
        return
    if any(isinstance(r, Finished) for r in transition.results):
        # The action runs under its own key before the flow is cleared under the update's key: after a crash
        # in between, the redelivered update steps the flow again and the action finds itself already done.
        await show(update, context, transition.outputs, translator)
        await FINISHERS[state.flow](update, context, record, transition.state.answers)
        after = await svc.coord.coordinator(user.id)
        if after is not None and after.flow_state == record.flow_state:
            await svc.coord.set_flow(user.id, None, dedupe_key(update))
        else:  # the action went on into another flow (e.g. the next text to translate)
            await mark_handled(update, context)
        return
    if await svc.coord.set_flow(user.id, transition.state.to_json(), dedupe_key(update)):
        await show(update, context, transition.outputs, translator)


async def session_in(update: Update, context: Context, answers: Mapping[str, Any]) -> Session | None:
    """The session a coordinator prompt was about, if the coordinator may still run it."""
    user = update.effective_user
    session_id = answers.get("session")
    if user is None or not isinstance(session_id, int):
        return None
    return await services(context).coord.runnable(user.id, session_id)
