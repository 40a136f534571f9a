"""Stepping a person's runs with the flow engine: each purpose gives its facts and applies its effects; what the
engine says is journaled, its buttons naming the run they belong to."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from bot.app.services import Services
from bot.app.texts import OUTSIDE_BOTH, OUTSIDE_TRANSCRIPTION, OUTSIDE_TRANSLATION
from bot.conversation import (
    Answer,
    Edit,
    Event,
    Facts,
    Flow,
    FlowState,
    Node,
    Output,
    Toast,
    Transition,
    begin,
    proceed,
    step,
)
from bot.domain import Button, ButtonKind, Reply, Run, RunPurpose, Text, Verbatim
from bot.storage import Conn, runs

# A flow's button: the run it belongs to, then the engine's own data (`node:value`).
FLOW_BUTTON = ButtonKind("f", (("run", int),), rest="press")


class Speaker(Protocol):
    """Where a run's messages go: the step's own chat, or a notice journaled for someone."""

    def say(self, reply: Reply | Text) -> None: ...

    def edit(self, reply: Reply | Text | None, chosen: tuple[Text, ...] = ()) -> None: ...

    def answer(self, text: Text, alert: bool = False) -> None: ...


class Unit(Protocol):
    """The transaction a run is stepped in (an update's step, or a job's)."""

    conn: Conn
    svc: Services
    now: datetime

    @property
    def source_message(self) -> int | None:
        """The message the step came from (an idea keeps it, so an edit of the message changes the idea)."""
        ...

    def set_locale(self, code: str) -> None: ...


class RunKind(Protocol):
    """What one purpose of run knows: the facts its flows may use, when it is closed, and what its answers do."""

    def facts(self, conn: Conn, run: Run, locale: str | None, hint: str | None) -> Facts: ...

    def gate(self, conn: Conn, run: Run, node: Node | None, event: Event) -> Output | None: ...

    def apply(self, unit: Unit, run: Run, transition: Transition) -> bool:
        """Store what the step yielded; False when the run is over and gone (so its state is not kept)."""
        ...


KINDS: dict[RunPurpose, RunKind] = {}
# What a purpose's replies may carry read aloud, by the run they belong to (a session's question, its consent text).
SPOKEN: dict[RunPurpose, Callable[[Run, Reply], Reply]] = {}


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


def packed(reply: Reply, run: Run) -> Reply:
    """A reply whose buttons carry their run (the engine's data is `node:value`)."""
    if not reply.buttons:
        return reply
    rows = tuple(
        tuple(Button(b.label, FLOW_BUTTON.pack(run=run.id, press=b.action), b.badge) for b in row)
        for row in reply.buttons
    )
    return replace(reply, buttons=rows)


def installed(facts: Facts, svc: Services) -> Facts:
    """What every flow may know of the installation: which outside service people's words are sent to (the
    consent text names it)."""
    said = [OUTSIDE_TRANSLATION.with_params(service=svc.machine)] if svc.machine is not None else []
    said += [OUTSIDE_TRANSCRIPTION.with_params(service=svc.heard_outside)] if svc.heard_outside is not None else []
    outside: Text = Verbatim("")
    if len(said) == 1:
        outside = said[0]
    elif said:
        outside = OUTSIDE_BOTH.with_params(translation=said[0], transcription=said[1])
    return replace(facts, params={**facts.params, "outside": outside})


def show(speaker: Speaker, run: Run, outputs: tuple[Output, ...]) -> None:
    """Journal what the engine said for this run."""
    aloud = SPOKEN.get(run.purpose)
    for output in outputs:
        if isinstance(output, Reply):
            speaker.say(packed(aloud(run, output) if aloud else output, run))
        elif isinstance(output, Edit):
            speaker.edit(packed(output.reply, run) if output.reply is not None else None, output.chosen)
        elif isinstance(output, Toast):
            speaker.answer(output.text, output.alert)


def asks(outputs: tuple[Output, ...]) -> bool:
    """Whether the step asked the person something (their next message then belongs to this run)."""
    return any(isinstance(output, Reply) for output in outputs)


def drive(unit: Unit, speaker: Speaker, run: Run, event: Event, locale: str | None, hint: str | None) -> None:
    """Step one run with one event: say what the engine says, apply what it yields, store where the person is."""
    conn, flows = unit.conn, unit.svc.flows
    kind = KINDS[run.purpose]
    state = FlowState.from_json(run.state)
    flow = flows[state.flow]
    closed = kind.gate(conn, run, flow.nodes.get(state.node), event)
    if closed is not None:
        show(speaker, run, (closed,))
        return
    transition = stepped(
        flows, state, event, lambda lang: installed(kind.facts(conn, run, lang, hint), unit.svc), locale
    )
    chosen = next((r.value for r in transition.results if isinstance(r, Answer) and r.key == "locale"), None)
    if chosen is not None:
        unit.set_locale(str(chosen))
    show(speaker, run, transition.outputs)
    if transition.accepted and kind.apply(unit, run, transition):
        runs.save(conn, run, transition.state.to_json(), focus=asks(transition.outputs))


def open_run(
    unit: Unit,
    speaker: Speaker,
    participant_id: int,
    purpose: RunPurpose,
    subject: int,
    flow_id: str,
    facts: Facts,
    answers: Mapping[str, Any] | None = None,
) -> Run:
    """Begin a flow as a person's run of this purpose (replacing one about the same subject) and ask its first
    question."""
    opening = begin(unit.svc.flows[flow_id], installed(facts, unit.svc), answers)
    run = runs.start(unit.conn, participant_id, purpose, subject, opening.state.to_json())
    show(speaker, run, opening.outputs)
    return run


def accepts_messages(flows: Mapping[str, Flow], run: Run) -> bool:
    """Whether the node a run is at takes a typed message or voice note (not only buttons)."""
    flow = flows.get(run.flow)
    node = flow.nodes.get(run.node) if flow else None
    return node is not None and node.kind in ("text", "collect") and not run.done


def message_target(conn: Conn, flows: Mapping[str, Flow], participant_id: int) -> Run | None:
    """The run a typed message belongs to: the one that asked last and takes text, else the one that asked last,
    else the latest session (which says there is nothing left to answer)."""
    found = runs.of_person(conn, participant_id)
    waiting = [r for r in found if not r.done]
    typed = next((r for r in waiting if accepts_messages(flows, r)), None)
    if typed is not None:
        return typed
    if waiting:
        return waiting[0]
    return next((r for r in found if r.purpose is RunPurpose.SESSION), None)
