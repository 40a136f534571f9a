"""What each flow returns, declared once as a typed model; the code reads answers only through these, and
`inspraak flows check` fails when a flow's YAML and its model disagree."""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict

from bot.conversation import Flow, Node


class VoiceNote(BaseModel):
    """A spoken answer: Telegram's file id and how long it is."""

    model_config = ConfigDict(frozen=True)

    voice: str
    duration: int


class FlowAnswers(BaseModel):
    """The answers of one flow. Fields are the flow's `result` names; CARRIED names what the code gives the flow
    when it begins (not asked)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    FLOW: ClassVar[str]
    CARRIED: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def of(cls, answers: Mapping[str, Any]) -> Self:
        """The answers given so far, typed."""
        return cls.model_validate(dict(answers))


ANSWERS: dict[str, type[FlowAnswers]] = {}


def declare(model: type[FlowAnswers]) -> type[FlowAnswers]:
    """Name a model as the answers of its flow."""
    ANSWERS[model.FLOW] = model
    return model


Consent = Literal["agree", "decline"]


@declare
class Intake(FlowAnswers):
    """Joining a session."""

    FLOW = "intake"
    CARRIED = frozenset({"language_known", "group_known"})

    locale: str | None = None
    consent: Consent | None = None
    group: str | None = None


@declare
class Ideas(FlowAnswers):
    """Giving ideas: each message is a contribution, there are no answers."""

    FLOW = "ideas"


@declare
class RankingVote(FlowAnswers):
    """Prioritising by ranking."""

    FLOW = "prioritise_ranking"

    vote: list[str] | None = None


@declare
class DotsVote(FlowAnswers):
    """Prioritising with dots."""

    FLOW = "prioritise_dots"

    vote: dict[str, int] | None = None


@declare
class PairwiseVote(FlowAnswers):
    """Prioritising pair by pair: [winner, loser, "won"] or [a, b, "tie"] per pair."""

    FLOW = "prioritise_pairwise"

    vote: list[list[str]] | None = None


@declare
class Checkin(FlowAnswers):
    """An owner's check-in."""

    FLOW = "checkin"
    CARRIED = frozenset({"action", "period", "action_title", "ongoing"})

    action: int
    period: int
    ongoing: int = 0  # 1 for every check-in but the year's last
    ending: Literal["done", "partly", "not_done"] | None = None
    status: Literal["on_track", "delay", "stuck", "done"] | None = None
    help: str | VoiceNote | None = None
    done_confirmed: Literal["yes", "no"] | None = None
    note: str | VoiceNote | None = None


@declare
class NewSession(FlowAnswers):
    """The /new wizard."""

    FLOW = "new_session"

    title: str
    question: str
    written_in: str | None = None  # the language of the title and question (runs begun before it was asked: None)
    group_choice: Literal["usual", "own"]
    groups: str | None = None
    language_choice: Literal["all", "pick"]
    languages: list[str] | None = None
    idea_limit: Literal["n3", "n5", "n10", "n20"]
    voting: Literal["ranking", "dots", "pairwise"]

    @property
    def limit(self) -> int:
        """The idea limit as a number."""
        return int(self.idea_limit.removeprefix("n"))


@declare
class ThemeAdd(FlowAnswers):
    """A new theme, perhaps made while sorting an idea into it."""

    FLOW = "theme_add"
    CARRIED = frozenset({"session", "idea"})

    session: int
    idea: int | None = None
    name: str  # one theme per line, each perhaps with an emoji first


@declare
class ThemeRename(FlowAnswers):
    """A theme's new name."""

    FLOW = "theme_rename"
    CARRIED = frozenset({"session", "theme_id", "theme"})

    session: int
    theme_id: int
    name: str


@declare
class Hide(FlowAnswers):
    """Why an idea is hidden."""

    FLOW = "hide"
    CARRIED = frozenset({"session", "idea"})

    session: int
    idea: int
    kind: Literal["off_topic", "personal_data", "offensive", "other"]
    reason: str | None = None  # typed, when the reason is another one


@declare
class Annotate(FlowAnswers):
    """A voice note written down, or a translation of an idea."""

    FLOW = "annotate"
    CARRIED = frozenset({"session", "idea", "field"})

    session: int
    idea: int
    field: Literal["transcription", "translation"]
    text: str


@declare
class Translate(FlowAnswers):
    """One text of a session, or a broadcast, in one language (None: skipped)."""

    FLOW = "translate"
    CARRIED = frozenset(
        {"purpose", "session", "locale", "subject", "skipped", "language", "original", "broadcast", "draft"}
        | {"machine", "no_draft", "pool"}
    )

    purpose: Literal["content", "broadcast", "pool"]
    session: int | None = None
    pool: int | None = None
    locale: str
    subject: str | None = None
    skipped: list[str] = []
    broadcast: int | None = None
    draft: str | None = None  # a machine's translation to keep or rewrite
    verdict: Literal["keep", "rewrite"] | None = None
    text: str | None = None

    @property
    def confirmed(self) -> str | None:
        """The translation a person gave: the machine's draft they kept, or their own (None: skipped)."""
        return self.draft if self.verdict == "keep" else self.text


@declare
class Record(FlowAnswers):
    """A session's question or consent text read aloud in one language (None: cancelled)."""

    FLOW = "record"
    CARRIED = frozenset({"session", "locale", "subject", "language", "original"})

    session: int
    locale: str
    subject: Literal["question", "consent"]
    original: str  # the text as it was shown to be read
    recording: str | VoiceNote | None = None


@declare
class BroadcastText(FlowAnswers):
    """The message for everyone in a session."""

    FLOW = "broadcast"
    CARRIED = frozenset({"session"})

    session: int
    text: str


@declare
class ActionAdd(FlowAnswers):
    """An action for the agenda (or an edit of one)."""

    FLOW = "action_add"
    CARRIED = frozenset({"session", "edit"})

    session: int
    edit: int | None = None
    title: str
    description: str
    themes: list[str] = []
    cadence: Literal["weekly", "biweekly", "monthly", "quarterly"]
    start: Literal["today", "next_week"]


@declare
class PoolNew(FlowAnswers):
    """A new expert pool."""

    FLOW = "pool_new"

    name: str
    region: str
    description: str
    written_in: str | None = None  # the language of its words (runs begun before it was asked: None)
    topics: list[str]
    fields: list[str] = []
    limit: Literal["m1", "m2", "m4"]

    @property
    def monthly_limit(self) -> int:
        """The monthly invitation maximum as a number."""
        return int(self.limit.removeprefix("m"))


@declare
class PoolJoin(FlowAnswers):
    """Joining an expert pool, with the optional profile questions."""

    FLOW = "pool_join"

    locale: str | None = None
    consent: Consent | None = None
    group: str | None = None
    years: Literal["y0", "y1", "y3", "y5", "skip"] | None = None
    age: Literal["a18", "a26", "a41", "a61", "skip"] | None = None
    town: str | None = None
    interests: list[str] | None = None


# ---- the check ------------------------------------------------------------------------------------------


def _plain(annotation: Any) -> list[Any]:
    """The types an annotation allows, without None."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    return [annotation]


def _literals(annotation: Any) -> set[str] | None:
    """The values a Literal allows (also inside a list), or None when the annotation is no Literal."""
    for kind in _plain(annotation):
        if typing.get_origin(kind) is list:
            return _literals(typing.get_args(kind)[0])
        if typing.get_origin(kind) is Literal:
            return {str(v) for v in typing.get_args(kind)}
    return None


def _shape(annotation: Any) -> set[str]:
    """Rough shapes an annotation allows: str, int, list, dict, voice."""
    shapes = set()
    for kind in _plain(annotation):
        origin = typing.get_origin(kind)
        if origin is Literal or kind is str:
            shapes.add("str")
        elif kind is int:
            shapes.add("int")
        elif origin is list:
            shapes.add("list")
        elif origin is dict:
            shapes.add("dict")
        elif kind is VoiceNote:
            shapes.add("voice")
    return shapes


_EXPECTED = {
    "choose": {"str"},
    "choose_many": {"list"},
    "text": {"str"},
    "scale": {"int"},
    "rank": {"list"},
    "dots": {"dict"},
    "pairwise": {"list"},
}


def _node_problems(flow: Flow, node_id: str, node: Node, model: type[FlowAnswers]) -> list[str]:
    assert node.result is not None
    field = model.model_fields.get(node.result)
    where = f"flows/{flow.id}.yaml: node {node_id!r}: result {node.result!r}"
    if field is None:
        return [f"{where} is read by no code: {model.__name__} has no field of that name"]
    problems = []
    shapes = _shape(field.annotation)
    expected = _EXPECTED.get(node.kind, set())
    if node.kind == "text" and node.text is not None and node.text.voice:
        expected = {"str", "voice"}
    if not expected <= shapes:
        problems.append(
            f"{where}: a {node.kind} answer is {sorted(expected)}, but {model.__name__} reads it as {field.annotation}"
        )
    spec = node.choose or node.choose_many
    allowed = _literals(field.annotation)
    if spec is not None and spec.options:
        offered = {o.id for o in spec.options}
        if allowed is not None and allowed != offered:
            problems.append(f"{where}: the flow offers {sorted(offered)}, {model.__name__} expects {sorted(allowed)}")
    return problems


def problems(flows: Mapping[str, Flow]) -> list[str]:
    """Every disagreement between the flows and the code that reads their answers."""
    found = []
    for flow_id, model in ANSWERS.items():
        flow = flows.get(flow_id)
        if flow is None:
            found.append(f"{model.__name__} reads the answers of flow {flow_id!r}, which does not exist")
            continue
        asked = set()
        for node_id, node in flow.nodes.items():
            if node.result is None:
                continue
            asked.add(node.result)
            found += _node_problems(flow, node_id, node, model)
        for name in sorted(set(model.model_fields) - asked - model.CARRIED):
            found.append(f"{model.__name__}.{name} is read, but flows/{flow_id}.yaml asks no `result: {name}`")
    for flow_id in sorted(set(flows) - set(ANSWERS)):
        found.append(f"flows/{flow_id}.yaml: no code declares what it returns (bot/app/answers.py)")
    return found
