"""The flow engine: `step(flow, state, event, facts) -> Transition`. Pure: no I/O, no clock, no Telegram."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bot.conversation.spec import PLACEHOLDER, Flow, Node
from bot.domain import Button, Msg, Reply, Text, Verbatim

# ---- what goes in -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Enter:
    """Show the current node (again): on start, after a language change, after a resume."""


@dataclass(frozen=True)
class TextIn:
    """A typed message, or the caption of a photo or file (`attachment` names its kind; only the text is taken)."""

    text: str
    attachment: str | None = None


@dataclass(frozen=True)
class VoiceIn:
    """A voice note."""

    file_id: str
    duration: int


@dataclass(frozen=True)
class Press:
    """A button press, with the callback data exactly as the client sent it (possibly forged)."""

    data: str


@dataclass(frozen=True)
class OtherIn:
    """Anything else: a sticker, a photo without caption, a location, a contact, a document."""

    kind: str


Event = Enter | TextIn | VoiceIn | Press | OtherIn


@dataclass(frozen=True)
class Choice:
    """An option that comes from the session (a group, a language, a theme)."""

    id: str
    label: Text


@dataclass(frozen=True)
class Facts:
    """What the engine may know about the world, given by the caller."""

    params: Mapping[str, object] = field(default_factory=dict)
    options: Mapping[str, tuple[Choice, ...]] = field(default_factory=dict)
    idea_limit: int = 10
    seed: int = 0
    redirect: Mapping[str, str] = field(default_factory=dict)  # e.g. while voting, "ideas" leads to the vote


# ---- what comes out -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """Change the message whose button was pressed: new text and buttons, with `chosen` lines ticked
    under it; with no reply, only its buttons are removed."""

    reply: Reply | None
    chosen: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Toast:
    """A short notice on the pressed button (Telegram's callback answer)."""

    text: Text
    alert: bool = False


Output = Reply | Edit | Toast


@dataclass(frozen=True)
class Answer:
    """A final answer to store under its result name."""

    key: str
    value: Any


@dataclass(frozen=True)
class Contribution:
    """One idea: typed text or a voice note."""

    seq: int
    text: str | None = None
    file_id: str | None = None
    duration: int | None = None


@dataclass(frozen=True)
class Withdrawal:
    """The person took back their contribution number `seq`."""

    seq: int


@dataclass(frozen=True)
class Finished:
    """The flow reached an end node."""

    flow: str
    then: str | None = None
    forget: bool = False


Result = Answer | Contribution | Withdrawal | Finished


@dataclass(frozen=True)
class FlowState:
    """Where one person is in one flow, with answers so far and the current node's partial input."""

    flow: str
    version: int
    node: str
    answers: Mapping[str, Any] = field(default_factory=dict)
    scratch: Mapping[str, Any] = field(default_factory=dict)
    done: bool = False

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form for storage."""
        return {
            "flow": self.flow,
            "version": self.version,
            "node": self.node,
            "answers": dict(self.answers),
            "scratch": dict(self.scratch),
            "done": self.done,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FlowState:
        """The state as stored."""
        return cls(
            flow=str(data["flow"]),
            version=int(data["version"]),
            node=str(data["node"]),
            answers=dict(data.get("answers", {})),
            scratch=dict(data.get("scratch", {})),
            done=bool(data.get("done", False)),
        )


@dataclass(frozen=True)
class Transition:
    """The new state, what to say, and what to store, all from one event."""

    state: FlowState
    outputs: tuple[Output, ...] = ()
    results: tuple[Result, ...] = ()
    accepted: bool = True


# ---- the engine's own messages ------------------------------------------------------------------

EXPIRED = Msg("engine.expired", "This button has expired.")
USE_BUTTONS = Msg("engine.use_buttons", "Please answer with one of the buttons above.")
TYPE_TEXT = Msg("engine.type_text", "Please type your answer as a text message.")
TEXT_OR_VOICE = Msg("engine.text_or_voice", "Please send your idea as a text message or a voice message.")
VOICE_ONLY = Msg("engine.voice_only", "Please send a voice message: hold the microphone button while you speak.")
TOO_LONG = Msg("engine.too_long", "That message is too long. Please keep it under {max} characters.")
TOO_SHORT = Msg("engine.too_short", "That answer is too short. Please write at least {min} characters.")
UNDONE = Msg("engine.undone", "Your last idea was taken back.")
PICK_MORE = Msg("engine.pick_more", "Please choose at least {min}.")
NOTHING_TO_ANSWER = Msg("engine.finished", "You have answered everything here. Thank you!")
UNDO = Msg("engine.undo", "Undo last")
COLLECT_SLOT = "collect"  # the one message whose Undo and Done buttons apply: the latest receipt (or the question)
ONLY_TEXT_KEPT = Msg(
    "engine.only_text_kept",
    "Only the text you wrote with it was kept. Photos and files are not kept: describe in words what it shows.",
)
DOTS_LEFT = Msg("engine.dots_left", "{question}\n\nDots left: {left} of {dots}")
DOTS_GIVEN = Msg("engine.dots_given", "{theme}: {dots}")
PAIR_OF = Msg("engine.pair_of", "{question}\n\nPair {n} of {total}")
NO_DOTS_LEFT = Msg("engine.no_dots_left", "All your dots are placed. Tap Start again to change them.")


# ---- stepping -----------------------------------------------------------------------------------


def _with_answers(facts: Facts, answers: Mapping[str, Any]) -> Facts:
    """Facts plus what the flow carries in its answers (e.g. an action's title), for its placeholders."""
    carried = {k: v for k, v in answers.items() if isinstance(v, str | int) and k not in facts.params}
    return replace(facts, params={**carried, **facts.params}) if carried else facts


def begin(flow: Flow, facts: Facts, answers: Mapping[str, Any] | None = None) -> Transition:
    """Start a flow at its start node."""
    state = FlowState(flow.id, flow.version, flow.start, dict(answers or {}))
    return _enter(flow, state, _with_answers(facts, state.answers), (), ())


def proceed(flows: Mapping[str, Flow], transition: Transition, facts: Facts) -> Transition:
    """Follow `then` from a finished flow into the next one, so joining runs on into giving ideas."""
    for _ in range(len(flows)):
        finished = [r for r in transition.results if isinstance(r, Finished) and r.flow == transition.state.flow]
        if not transition.state.done or not finished or finished[-1].then is None:
            break
        target = facts.redirect.get(finished[-1].then, finished[-1].then)
        following = begin(flows[target], facts, transition.state.answers)
        transition = Transition(
            following.state,
            _running_on(transition.outputs) + following.outputs,
            transition.results + following.results,
            transition.accepted,
        )
    return transition


def _running_on(outputs: tuple[Output, ...]) -> tuple[Output, ...]:
    """A finished flow's last words open the next flow's first message ("You are now taking part." and the
    question), when they are a plain text."""
    last = outputs[-1] if outputs else None
    if not isinstance(last, Reply) or last.buttons or last.slot or last.spoken:
        return outputs
    return (*outputs[:-1], replace(last, runs_on=True))


def resume(flow: Flow, state: FlowState) -> FlowState:
    """The state under the current version of its flow: same node if it still exists, else `resume`/start."""
    if state.version == flow.version:
        return state
    node = state.node if state.node in flow.nodes else (flow.resume or flow.start)
    scratch = state.scratch if node == state.node else {}
    return replace(state, version=flow.version, node=node, scratch=scratch)


def step(flow: Flow, state: FlowState, event: Event, facts: Facts) -> Transition:
    """Feed one event into a person's flow."""
    state = resume(flow, state)
    facts = _with_answers(facts, state.answers)
    if state.done:
        if isinstance(event, Press):
            return _refuse(state)
        return Transition(state, (Reply(NOTHING_TO_ANSWER),), accepted=False)
    node = flow.nodes[state.node]
    if isinstance(event, Enter):
        return Transition(state, _ask(flow, state, node, facts))
    if isinstance(event, Press):
        prefix, _, value = event.data.partition(":")
        if prefix != state.node or not value:
            return _refuse(state)
        return _PRESS[node.kind](flow, state, node, value, facts)
    return _MESSAGE[node.kind](flow, state, node, event, facts)


def _refuse(state: FlowState) -> Transition:
    return Transition(state, (Toast(EXPIRED, alert=True),), accepted=False)


def _say(flow: Flow, node_id: str, node: Node, facts: Facts) -> Msg:
    used = PLACEHOLDER.findall(node.say)
    return Msg(f"{flow.id}.{node_id}.say", node.say, {k: facts.params.get(k, "") for k in used})


def _label(flow: Flow, node_id: str, field_name: str, text: str) -> Msg:
    return Msg(f"{flow.id}.{node_id}.{field_name}", text)


def prompt(flow: Flow, node_id: str, facts: Facts) -> Msg:
    """What a node says, with the facts' values (to show it elsewhere, e.g. for someone to read it aloud)."""
    return _say(flow, node_id, flow.nodes[node_id], facts)


def fixed_options(flow: Flow, node_id: str) -> tuple[Choice, ...]:
    """A node's own options with their translatable labels (e.g. to name stored answers elsewhere)."""
    return _options(flow, node_id, flow.nodes[node_id], Facts())


def _options(flow: Flow, node_id: str, node: Node, facts: Facts) -> tuple[Choice, ...]:
    spec = node.choose or node.choose_many
    if spec is not None and spec.options:
        return tuple(Choice(o.id, _label(flow, node_id, f"options.{o.id}", o.label)) for o in spec.options)
    return tuple(facts.options.get(node.source or "", ()))


def _rows(buttons: list[Button], width: int = 2) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))


def _ask(flow: Flow, state: FlowState, node: Node, facts: Facts) -> tuple[Output, ...]:
    """The message that asks the current node's question, with its buttons as they stand."""
    node_id = state.node
    say = _say(flow, node_id, node, facts)
    kind = node.kind
    if kind == "choose":
        buttons = [Button(c.label, f"{node_id}:{c.id}") for c in _options(flow, node_id, node, facts)]
        return (Reply(say, _rows(buttons)),)
    if kind == "choose_many":
        return (Reply(say, _many_buttons(flow, state, node, facts)),)
    if kind == "collect":
        return _collect_question(flow, state, node, facts, say)
    if kind == "scale":
        return (Reply(say, _scale_buttons(state, node)),)
    if kind == "rank":
        return (Reply(say, _rank_buttons(flow, state, node, facts)),)
    if kind == "dots":
        return (Reply(_dots_say(state, node, say), _dots_buttons(flow, state, node, facts)),)
    if kind == "pairwise":
        return _pair_question(flow, state, node, facts)
    if kind == "text" and node.text is not None and node.text.skip:
        skip = Button(_label(flow, node_id, "text.skip", node.text.skip), f"{node_id}:skip")
        return (Reply(say, ((skip,),)),)
    return (Reply(say),)


def _advance(
    flow: Flow,
    state: FlowState,
    node: Node,
    facts: Facts,
    target: str | None,
    results: tuple[Result, ...],
    outputs: tuple[Output, ...] = (),
) -> Transition:
    """Leave the current node for `target` (or its `next`) and show what comes there."""
    moved = replace(state, node=target or node.next or state.node, scratch={})
    return _enter(flow, moved, facts, outputs, results)


def _enter(
    flow: Flow, state: FlowState, facts: Facts, outputs: tuple[Output, ...], results: tuple[Result, ...]
) -> Transition:
    """Show nodes from `state.node` on: statements chain into the next node; an end node finishes."""
    for _ in range(len(flow.nodes) + 1):
        node = flow.nodes[state.node]
        if node.skip_if is not None and facts.params.get(node.skip_if) and node.next is not None:
            state = replace(state, node=node.next, scratch={})  # e.g. a language already known
            continue
        outputs += _ask(flow, state, node, facts)
        if node.end:
            finished = Finished(flow.id, node.then, node.forget)
            return Transition(replace(state, done=True), outputs, (*results, finished))
        if node.kind != "say":
            return Transition(state, outputs, results)
        assert node.next is not None
        state = replace(state, node=node.next, scratch={})
    raise ValueError(f"flow {flow.id!r} loops through statements without asking anything")


def _answered(state: FlowState, node: Node, value: Any) -> tuple[FlowState, Answer]:
    assert node.result is not None
    return replace(state, answers={**state.answers, node.result: value}), Answer(node.result, value)


# ---- single and multiple choice ------------------------------------------------------------------


def _press_choose(flow: Flow, state: FlowState, node: Node, value: str, facts: Facts) -> Transition:
    options = {c.id: c for c in _options(flow, state.node, node, facts)}
    if value not in options:
        return _refuse(state)
    assert node.choose is not None
    state, answer = _answered(state, node, value)
    edit = Edit(Reply(_say(flow, state.node, node, facts)), (options[value].label,))
    return _advance(flow, state, node, facts, node.choose.branch.get(value), (answer,), (edit,))


def _many_buttons(flow: Flow, state: FlowState, node: Node, facts: Facts) -> tuple[tuple[Button, ...], ...]:
    assert node.choose_many is not None
    selected = set(state.scratch.get("selected", []))
    buttons = [
        Button(c.label, f"{state.node}:{c.id}", badge="✓" if c.id in selected else "")
        for c in _options(flow, state.node, node, facts)
    ]
    done = Button(_label(flow, state.node, "choose_many.done", node.choose_many.done), f"{state.node}:done")
    return (*_rows(buttons), (done,))


def _press_many(flow: Flow, state: FlowState, node: Node, value: str, facts: Facts) -> Transition:
    assert node.choose_many is not None
    options = _options(flow, state.node, node, facts)
    selected = list(state.scratch.get("selected", []))
    if value == "done":
        if len(selected) < node.choose_many.min:
            return Transition(state, (Toast(PICK_MORE.with_params(min=node.choose_many.min)),), accepted=False)
        state, answer = _answered(state, node, selected)
        chosen = tuple(c.label for c in options if c.id in selected)
        edit = Edit(Reply(_say(flow, state.node, node, facts)), chosen)
        return _advance(flow, state, node, facts, None, (answer,), (edit,))
    if value not in {c.id for c in options}:
        return _refuse(state)
    selected = [s for s in selected if s != value] if value in selected else [*selected, value]
    state = replace(state, scratch={**state.scratch, "selected": selected})
    return Transition(
        state, (Edit(Reply(_say(flow, state.node, node, facts), _many_buttons(flow, state, node, facts))),)
    )


# ---- scale ---------------------------------------------------------------------------------------


def _scale_buttons(state: FlowState, node: Node) -> tuple[tuple[Button, ...], ...]:
    assert node.scale is not None
    steps = range(node.scale.min, node.scale.max + 1)
    labels = node.scale.labels or tuple(str(n) for n in steps)
    # Scale labels are symbols (digits, emoji): the same in every language.
    return (tuple(Button(Verbatim(label), f"{state.node}:{n}") for n, label in zip(steps, labels, strict=True)),)


def _press_scale(flow: Flow, state: FlowState, node: Node, value: str, facts: Facts) -> Transition:
    assert node.scale is not None
    if not value.lstrip("-").isdigit() or not node.scale.min <= int(value) <= node.scale.max:
        return _refuse(state)
    number = int(value)
    labels = node.scale.labels or tuple(str(n) for n in range(node.scale.min, node.scale.max + 1))
    state, answer = _answered(state, node, number)
    edit = Edit(Reply(_say(flow, state.node, node, facts)), (Verbatim(labels[number - node.scale.min]),))
    return _advance(flow, state, node, facts, None, (answer,), (edit,))


# ---- rank ----------------------------------------------------------------------------------------


def _rank_target(node: Node, options: tuple[Choice, ...]) -> int:
    assert node.rank is not None
    return min(node.rank.pick, len(options))


def _rank_buttons(flow: Flow, state: FlowState, node: Node, facts: Facts) -> tuple[tuple[Button, ...], ...]:
    assert node.rank is not None
    options = _options(flow, state.node, node, facts)
    order = list(state.scratch.get("order", []))
    rows: list[tuple[Button, ...]] = []
    if len(order) < _rank_target(node, options):
        rows.extend(_rows([Button(c.label, f"{state.node}:{c.id}") for c in options if c.id not in order], 1))
    controls = []
    if order and len(order) >= _rank_target(node, options):
        controls.append(Button(_label(flow, state.node, "rank.confirm", node.rank.confirm), f"{state.node}:ok"))
    if order:
        controls.append(Button(_label(flow, state.node, "rank.restart", node.rank.restart), f"{state.node}:reset"))
    if controls:
        rows.append(tuple(controls))
    return tuple(rows)


def _press_rank(flow: Flow, state: FlowState, node: Node, value: str, facts: Facts) -> Transition:
    options = _options(flow, state.node, node, facts)
    labels = {c.id: c.label for c in options}
    order = list(state.scratch.get("order", []))
    target = _rank_target(node, options)
    if value == "ok" and order and len(order) >= target:
        state, answer = _answered(state, node, order)
        edit = Edit(Reply(_say(flow, state.node, node, facts)), tuple(labels[o] for o in order))
        return _advance(flow, state, node, facts, None, (answer,), (edit,))
    if value == "reset" and order:
        order = []
    elif value in labels and value not in order and len(order) < target:
        order.append(value)
    else:
        return _refuse(state)
    state = replace(state, scratch={**state.scratch, "order": order})
    say = _say(flow, state.node, node, facts)
    return Transition(
        state, (Edit(Reply(say, _rank_buttons(flow, state, node, facts)), tuple(labels[o] for o in order)),)
    )


# ---- dot voting ----------------------------------------------------------------------------------


def _dots_say(state: FlowState, node: Node, say: Msg) -> Msg:
    """The question with how many dots are still to place."""
    assert node.dots is not None
    left = node.dots.dots - sum(dict(state.scratch.get("dots", {})).values())
    return DOTS_LEFT.with_params(question=say, left=left, dots=node.dots.dots)


def _dots_buttons(flow: Flow, state: FlowState, node: Node, facts: Facts) -> tuple[tuple[Button, ...], ...]:
    assert node.dots is not None
    given: dict[str, int] = dict(state.scratch.get("dots", {}))
    left = node.dots.dots - sum(given.values())
    rows: list[tuple[Button, ...]] = [
        (Button(c.label, f"{state.node}:{c.id}" if left else f"{state.node}:full", badge="●" * given.get(c.id, 0)),)
        for c in _options(flow, state.node, node, facts)
    ]
    if given:
        rows.append(
            (
                Button(_label(flow, state.node, "dots.confirm", node.dots.confirm), f"{state.node}:ok"),
                Button(_label(flow, state.node, "dots.restart", node.dots.restart), f"{state.node}:reset"),
            )
        )
    return tuple(rows)


def _press_dots(flow: Flow, state: FlowState, node: Node, value: str, facts: Facts) -> Transition:
    assert node.dots is not None
    options = {c.id: c.label for c in _options(flow, state.node, node, facts)}
    given: dict[str, int] = dict(state.scratch.get("dots", {}))
    if value == "ok" and given:
        state, answer = _answered(state, node, given)
        chosen = tuple(DOTS_GIVEN.with_params(theme=options[t], dots="●" * n) for t, n in given.items() if t in options)
        edit = Edit(Reply(_say(flow, state.node, node, facts)), chosen)
        return _advance(flow, state, node, facts, None, (answer,), (edit,))
    if value == "full":
        return Transition(state, (Toast(NO_DOTS_LEFT),), accepted=False)
    if value == "reset" and given:
        given = {}
    elif value in options and sum(given.values()) < node.dots.dots:
        given[value] = given.get(value, 0) + 1
    else:
        return _refuse(state)
    state = replace(state, scratch={**state.scratch, "dots": given})
    say = _dots_say(state, node, _say(flow, state.node, node, facts))
    return Transition(state, (Edit(Reply(say, _dots_buttons(flow, state, node, facts))),))


# ---- pairwise ------------------------------------------------------------------------------------


def _pairs(node: Node, options: tuple[Choice, ...], seed: int) -> list[tuple[str, str]]:
    """Every pair once, in an order fixed by the seed, each side shown first about half the time."""
    assert node.pairwise is not None

    def rank(pair: tuple[str, str]) -> bytes:
        return hashlib.blake2b(f"{seed}:{pair[0]}:{pair[1]}".encode(), digest_size=8).digest()

    pairs = sorted(itertools.combinations(sorted(c.id for c in options), 2), key=rank)
    ordered = [(b, a) if rank((b, a))[0] % 2 else (a, b) for a, b in pairs]
    return ordered[: node.pairwise.rounds]


def _pair_question(flow: Flow, state: FlowState, node: Node, facts: Facts) -> tuple[Output, ...]:
    assert node.pairwise is not None
    options = _options(flow, state.node, node, facts)
    labels = {c.id: c.label for c in options}
    pairs = _pairs(node, options, facts.seed)
    index = int(state.scratch.get("round", 0))
    if index >= len(pairs):
        return ()
    a, b = pairs[index]
    prefix = f"{state.node}:{index}."
    buttons = (
        (Button(labels[a], prefix + "a"), Button(labels[b], prefix + "b")),
        (
            Button(_label(flow, state.node, "pairwise.skip", node.pairwise.skip), prefix + "skip"),
            Button(_label(flow, state.node, "pairwise.stop", node.pairwise.stop), prefix + "stop"),
        ),
    )
    asked = PAIR_OF.with_params(question=_say(flow, state.node, node, facts), n=index + 1, total=len(pairs))
    return (Reply(asked, buttons),)


def _press_pairwise(flow: Flow, state: FlowState, node: Node, value: str, facts: Facts) -> Transition:
    options = _options(flow, state.node, node, facts)
    labels = {c.id: c.label for c in options}
    pairs = _pairs(node, options, facts.seed)
    index = int(state.scratch.get("round", 0))
    round_text, _, choice = value.partition(".")
    if round_text != str(index) or index >= len(pairs) or choice not in ("a", "b", "skip", "stop"):
        return _refuse(state)
    assert node.result is not None
    votes = list(state.answers.get(node.result, []))
    a, b = pairs[index]
    chosen: tuple[Text, ...] = ()
    if choice in ("a", "b"):
        winner, loser = (a, b) if choice == "a" else (b, a)
        votes.append([winner, loser, "won"])
        chosen = (labels[winner],)
    elif choice == "skip":
        votes.append([a, b, "tie"])
    state, answer = _answered(state, node, votes)
    edit = Edit(Reply(_say(flow, state.node, node, facts)), chosen)
    if choice == "stop" or index + 1 >= len(pairs):
        return _advance(flow, state, node, facts, None, (answer,), (edit,))
    state = replace(state, scratch={"round": index + 1})
    return Transition(state, (edit, *_pair_question(flow, state, node, facts)), (answer,))


# ---- free text and collecting --------------------------------------------------------------------


def _message_text(flow: Flow, state: FlowState, node: Node, event: Event, facts: Facts) -> Transition:
    assert node.text is not None
    if isinstance(event, VoiceIn) and node.text.voice:
        state, answer = _answered(state, node, {"voice": event.file_id, "duration": event.duration})
        return _advance(flow, state, node, facts, None, (answer,))
    if not node.text.typed:
        return Transition(state, (Reply(VOICE_ONLY),), accepted=False)
    if not isinstance(event, TextIn):
        return Transition(state, (Reply(TEXT_OR_VOICE if node.text.voice else TYPE_TEXT),), accepted=False)
    text = event.text.strip()
    if len(text) > node.text.max:
        return Transition(state, (Reply(TOO_LONG.with_params(max=node.text.max)),), accepted=False)
    if len(text) < node.text.min:
        return Transition(state, (Reply(TOO_SHORT.with_params(min=node.text.min)),), accepted=False)
    state, answer = _answered(state, node, event.text)
    return _advance(flow, state, node, facts, None, (answer,), _dropped(event))


def _collect_limit(node: Node, facts: Facts) -> int:
    assert node.collect is not None
    return facts.idea_limit if node.collect.max == "idea_limit" else node.collect.max


def _collect_question(flow: Flow, state: FlowState, node: Node, facts: Facts, say: Msg) -> tuple[Output, ...]:
    """The question, with Done while more can come, and how many ideas the person has sent when they come back."""
    spec = node.collect
    assert spec is not None
    given, limit = len(state.scratch.get("live", [])), _collect_limit(node, facts)
    if given >= limit:
        return (
            Reply(say),
            Reply(_label(flow, state.node, "collect.limit_reached", spec.limit_reached).with_params(limit=limit)),
        )
    done = Button(_label(flow, state.node, "collect.done", spec.done), f"{state.node}:done")
    asked: tuple[Output, ...] = (Reply(say, ((done,),), COLLECT_SLOT),)
    if given:
        so_far = _label(flow, state.node, "collect.so_far", spec.so_far).with_params(n=given, limit=limit)
        asked += (Reply(so_far),)
    return asked


def _message_collect(flow: Flow, state: FlowState, node: Node, event: Event, facts: Facts) -> Transition:
    spec = node.collect
    assert spec is not None
    if not isinstance(event, TextIn | VoiceIn):
        return Transition(state, (Reply(TEXT_OR_VOICE),), accepted=False)
    live = list(state.scratch.get("live", []))
    limit = _collect_limit(node, facts)
    if len(live) >= limit:
        over = _label(flow, state.node, "collect.over_limit", spec.over_limit).with_params(limit=limit)
        return Transition(state, (Reply(over),), accepted=False)
    seq = int(state.scratch.get("last", 0)) + 1
    if isinstance(event, TextIn):
        text = event.text.strip()
        if not text:
            return Transition(state, (Reply(TEXT_OR_VOICE),), accepted=False)
        if len(event.text) > spec.max_length:
            return Transition(state, (Reply(TOO_LONG.with_params(max=spec.max_length)),), accepted=False)
        contribution = Contribution(seq, text=event.text)
        confirm = _label(flow, state.node, "collect.received", spec.received)
    else:
        contribution = Contribution(seq, file_id=event.file_id, duration=event.duration)
        confirm = _label(flow, state.node, "collect.received_voice", spec.received_voice)
    live.append(seq)
    state = replace(state, scratch={**state.scratch, "live": live, "last": seq})
    receipt = confirm.with_params(n=len(live), limit=limit, idea=event.text if isinstance(event, TextIn) else "")
    dropped = _dropped(event)
    if len(live) >= limit:
        reached = _label(flow, state.node, "collect.limit_reached", spec.limit_reached).with_params(limit=limit)
        return Transition(state, (Reply(receipt, slot=COLLECT_SLOT), *dropped, Reply(reached)), (contribution,))
    buttons = (
        (
            Button(UNDO, f"{state.node}:undo.{seq}"),
            Button(_label(flow, state.node, "collect.done", spec.done), f"{state.node}:done"),
        ),
    )
    return Transition(state, (Reply(receipt, buttons, COLLECT_SLOT), *dropped), (contribution,))


def _dropped(event: Event) -> tuple[Output, ...]:
    """Said when a photo or file came with the text: it was not kept."""
    return (Reply(ONLY_TEXT_KEPT),) if isinstance(event, TextIn) and event.attachment else ()


def _press_collect(flow: Flow, state: FlowState, node: Node, value: str, facts: Facts) -> Transition:
    spec = node.collect
    assert spec is not None
    live = list(state.scratch.get("live", []))
    if value == "done":
        limit = _collect_limit(node, facts)
        thanks = _label(flow, state.node, "collect.after_done", spec.after_done).with_params(limit=limit)
        return Transition(state, (Edit(None), Reply(thanks)))
    if value.startswith("undo.") and live and value == f"undo.{live[-1]}":
        seq = live.pop()
        state = replace(state, scratch={**state.scratch, "live": live})
        done = Button(_label(flow, state.node, "collect.done", spec.done), f"{state.node}:done")
        return Transition(state, (Edit(Reply(UNDONE, ((done,),))),), (Withdrawal(seq),))
    return _refuse(state)


# ---- statements: nothing to answer ---------------------------------------------------------------


def _message_buttons_only(flow: Flow, state: FlowState, node: Node, event: Event, facts: Facts) -> Transition:
    return Transition(state, (Reply(USE_BUTTONS),), accepted=False)


def _press_nothing(flow: Flow, state: FlowState, node: Node, value: str, facts: Facts) -> Transition:
    return _refuse(state)


def _press_text(flow: Flow, state: FlowState, node: Node, value: str, facts: Facts) -> Transition:
    if value != "skip" or node.text is None or node.text.skip is None:
        return _refuse(state)
    state, answer = _answered(state, node, None)
    return _advance(flow, state, node, facts, None, (answer,), (Edit(None),))


_PRESS = {
    "choose": _press_choose,
    "choose_many": _press_many,
    "scale": _press_scale,
    "rank": _press_rank,
    "pairwise": _press_pairwise,
    "dots": _press_dots,
    "collect": _press_collect,
    "text": _press_text,
    "say": _press_nothing,
}
_MESSAGE = {
    "choose": _message_buttons_only,
    "choose_many": _message_buttons_only,
    "scale": _message_buttons_only,
    "rank": _message_buttons_only,
    "pairwise": _message_buttons_only,
    "dots": _message_buttons_only,
    "collect": _message_collect,
    "text": _message_text,
    "say": _message_buttons_only,
}
