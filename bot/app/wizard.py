"""Coordinators' questions (the /new wizard, names, reasons, translations): a run of the flow engine whose end
sets off what the coordinator asked for, in the same transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.app import coord_texts
from bot.app.authority import coordinator_of
from bot.app.conversations import KINDS, Unit, open_run
from bot.app.dispatch import Access, command
from bot.app.participation import language_choices
from bot.app.step import Step
from bot.conversation import Choice, Event, Facts, Finished, Node, Output, Transition
from bot.domain import ButtonError, Run, RunPurpose, Session, Verbatim
from bot.domain.pool import PROFILE_FIELDS, TOPICS
from bot.i18n import SUPPORTED
from bot.storage import Conn, roles, runs, themes
from bot.storage.roles import Coordinator

Finisher = Callable[[Step, Coordinator, Mapping[str, Any]], None]
FINISHERS: dict[str, Finisher] = {}


def finisher(flow_id: str) -> Callable[[Finisher], Finisher]:
    """Register what happens when a coordinator completes a flow."""

    def register(handler: Finisher) -> Finisher:
        if flow_id in FINISHERS:
            raise ButtonError(f"the end of flow {flow_id!r} is handled twice")
        FINISHERS[flow_id] = handler
        return handler

    return register


def facts(conn: Conn, locale: str | None, answers: Mapping[str, Any]) -> Facts:
    """What a coordinator flow may show (a theme's name, a text to translate), and languages, themes, topics and
    profile questions to pick from."""
    session_id = answers.get("session")
    found = themes.of_session(conn, session_id) if isinstance(session_id, int) else []
    return Facts(
        params={k: v for k, v in answers.items() if isinstance(v, str | int)},
        options={
            "languages": language_choices(SUPPORTED, locale),
            "themes": tuple(Choice(str(t.id), Verbatim(f"{t.emoji} {t.name}" if t.emoji else t.name)) for t in found),
            "topics": tuple(Choice(topic, label) for topic, label in TOPICS.items()),
            "fields": tuple(Choice(name, label) for name, label in PROFILE_FIELDS.items()),
        },
    )


class WizardRuns:
    """A coordinator's run: when its flow ends, its finisher does the work."""

    def facts(self, conn: Conn, run: Run, locale: str | None, hint: str | None) -> Facts:
        return facts(conn, locale, run.state.get("answers", {}))

    def gate(self, conn: Conn, run: Run, node: Node | None, event: Event) -> Output | None:
        return None

    def apply(self, unit: Unit, run: Run, transition: Transition) -> bool:
        if not any(isinstance(r, Finished) for r in transition.results):
            return True
        runs.remove(unit.conn, run.id)
        assert isinstance(unit, Step)
        record = coordinator_of(unit)
        if record is not None:
            FINISHERS[run.flow](unit, record, transition.state.answers)
        return False


KINDS[RunPurpose.WIZARD] = WizardRuns()


def start(step: Step, record: Coordinator, flow_id: str, answers: Mapping[str, Any]) -> None:
    """Begin a coordinator flow (ending any other) and ask its first question."""
    opened = facts(step.conn, step.locale, answers)
    open_run(step, step, record.participant.id, RunPurpose.WIZARD, 0, flow_id, opened, answers)


def session_in(step: Step, record: Coordinator, answers: Mapping[str, Any]) -> Session | None:
    """The session a coordinator prompt was about, if the coordinator may still run it."""
    session_id = answers.get("session")
    return roles.runnable(step.conn, record.participant.id, session_id) if isinstance(session_id, int) else None


@command("cancel", Access.COORDINATOR)
def on_cancel(step: Step, record: Coordinator) -> None:
    """Stop the wizard or prompt the coordinator is in."""
    runs.remove_wizard(step.conn, record.participant.id)
    step.say(coord_texts.CANCELLED)
