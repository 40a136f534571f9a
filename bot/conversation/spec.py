"""The schema of a flow file: a small, readable graph of nodes, validated when loaded."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from bot.domain import IDEA_MAX_LENGTH

Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,19}$")]
DynamicSource = Literal["groups", "languages", "themes", "topics", "fields"]
KINDS = ("choose", "choose_many", "text", "collect", "scale", "rank", "dots", "pairwise")
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a flow file must not pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(Strict):
    """One fixed answer a person can tap."""

    id: Ident
    label: str = Field(min_length=1, max_length=60)


class Choose(Strict):
    """Tap one option (fixed, or from the session: its groups, languages or themes)."""

    options: tuple[Option, ...] = ()
    source: DynamicSource | None = Field(default=None, alias="from")
    branch: dict[Ident, Ident] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_source(self) -> Choose:
        if bool(self.options) == bool(self.source):
            raise ValueError("give either `options` or `from`, not both or neither")
        return self


class ChooseMany(Choose):
    """Tap any number of options, then Done."""

    done: str = Field(default="Done", min_length=1, max_length=40)
    min: int = Field(default=1, ge=0)


class FreeText(Strict):
    """Type an answer of bounded length; with `skip`, a button lets the person leave it empty."""

    min: int = Field(default=1, ge=1)
    max: int = Field(default=1000, ge=1, le=4000)
    skip: str | None = Field(default=None, min_length=1, max_length=40)
    voice: bool = False  # a voice message answers too
    typed: bool = True  # False: only a voice message answers (a text read aloud)

    @model_validator(mode="after")
    def _answerable(self) -> FreeText:
        if not self.typed and not self.voice:
            raise ValueError("a text node that takes no typed answer must take a voice message (`voice: true`)")
        return self


class Collect(Strict):
    """Every text or voice message becomes one contribution, up to the maximum; Done only says thank you, so more
    can follow while the caller lets the node take messages."""

    max: int | Literal["idea_limit"] = "idea_limit"
    max_length: int = Field(default=IDEA_MAX_LENGTH, ge=1, le=4000)
    done: str = Field(default="Done", min_length=1, max_length=40)
    undo: str = Field(default="Undo last", min_length=1, max_length=40)
    received: str = Field(min_length=1)
    received_voice: str = Field(min_length=1)
    limit_reached: str = Field(min_length=1)
    over_limit: str = Field(min_length=1)  # a message after the maximum, which is not kept
    after_done: str = Field(min_length=1)  # the thank-you on Done, saying more can still come
    so_far: str = Field(min_length=1)  # where the person is, shown with the question when they come back


class Scale(Strict):
    """Rate on a scale, one button per step (e.g. 1-5 with emoji)."""

    min: int = 1
    max: int = 5
    labels: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _labels_fit(self) -> Scale:
        if not 2 <= self.max - self.min + 1 <= 10:
            raise ValueError("a scale has between 2 and 10 steps")
        if self.labels and len(self.labels) != self.max - self.min + 1:
            raise ValueError("give one label per step, or none")
        return self


class Rank(Strict):
    """Pick the top N of the session's options, in order, then confirm."""

    source: DynamicSource = Field(alias="from")
    pick: int = Field(default=3, ge=1, le=10)
    confirm: str = Field(default="Confirm", min_length=1, max_length=40)
    restart: str = Field(default="Start again", min_length=1, max_length=40)


class Dots(Strict):
    """Spread a number of dots over the session's options, several on one allowed, then confirm."""

    source: DynamicSource = Field(alias="from")
    dots: int = Field(default=5, ge=1, le=20)
    confirm: str = Field(default="Confirm", min_length=1, max_length=40)
    restart: str = Field(default="Start again", min_length=1, max_length=40)


class Pairwise(Strict):
    """Repeatedly: which matters more, A or B? With a skip, and stop any time."""

    source: DynamicSource = Field(alias="from")
    rounds: int = Field(default=10, ge=1, le=50)
    skip: str = Field(default="Both / can't say", min_length=1, max_length=40)
    stop: str = Field(default="Stop", min_length=1, max_length=40)


class Node(Strict):
    """One step of a conversation: something said, at most one kind of answer, and where to go next."""

    say: str = Field(min_length=1)
    note: str | None = None
    result: Ident | None = None
    choose: Choose | None = None
    choose_many: ChooseMany | None = None
    text: FreeText | None = None
    collect: Collect | None = None
    scale: Scale | None = None
    rank: Rank | None = None
    dots: Dots | None = None
    pairwise: Pairwise | None = None
    next: Ident | None = None
    end: bool = False
    then: Ident | None = Field(default=None, description="the flow that starts when this end node is reached")
    forget: bool = Field(default=False, description="on an end node: forget this person's part in the session")
    skip_if: Ident | None = Field(default=None, description="a fact that, when true, passes this node by unasked")

    @property
    def kind(self) -> str:
        """Which kind of answer the node asks for ("say" when none)."""
        for name in KINDS:
            if getattr(self, name) is not None:
                return name
        return "say"

    @property
    def source(self) -> DynamicSource | None:
        """Where the node's options come from, when they are the session's (groups, languages, themes)."""
        for spec in (self.choose, self.choose_many, self.rank, self.dots, self.pairwise):
            if spec is not None:
                return spec.source
        return None

    @model_validator(mode="after")
    def _well_formed(self) -> Node:
        kinds = [n for n in KINDS if getattr(self, n)]
        if len(kinds) > 1:
            raise ValueError(f"a node asks one kind of answer, this one has {', '.join(kinds)}")
        if kinds == ["collect"]:
            if self.end or self.next is not None:
                raise ValueError("a collect node keeps taking messages: it has neither `next` nor `end`")
        elif self.end == (self.next is not None):
            raise ValueError("a node either has `next` or is `end: true`")
        if (self.then is not None or self.forget) and not self.end:
            raise ValueError("`then` and `forget` belong on an end node")
        if self.skip_if is not None and self.end:
            raise ValueError("an end node cannot be skipped: `skip_if` needs `next`")
        if kinds and kinds[0] != "collect" and self.result is None:
            raise ValueError("a node that asks something needs `result` (the name its answer is stored under)")
        return self


class Flow(Strict):
    """A whole conversation: id, version, the node to start at, and its nodes."""

    id: Ident
    version: int = Field(ge=1)
    start: Ident
    resume: Ident | None = Field(default=None, description="where people resume when their node was removed")
    description: str | None = None
    nodes: dict[Ident, Node]

    def link_problems(self) -> list[tuple[str, str, str]]:
        """Links to nodes that do not exist, as (node, field, problem)."""
        known = set(self.nodes)
        problems = [
            ("(flow)", name, f"points to unknown node {target!r}")
            for name, target in (("start", self.start), ("resume", self.resume))
            if target is not None and target not in known
        ]
        for node_id, node in self.nodes.items():
            if node.next is not None and node.next not in known:
                problems.append((node_id, "next", f"goes to unknown node {node.next!r}"))
            for kind in ("choose", "choose_many"):
                choice = getattr(node, kind)
                if choice is None:
                    continue
                option_ids = {o.id for o in choice.options}
                for option, target in choice.branch.items():
                    if choice.options and option not in option_ids:
                        problems.append((node_id, f"{kind}.branch.{option}", "branches on an unknown option"))
                    if target not in known:
                        problems.append((node_id, f"{kind}.branch.{option}", f"goes to unknown node {target!r}"))
        return problems
