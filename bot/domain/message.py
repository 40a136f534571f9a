"""Message references: what to say, independent of language and transport."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


def _frozen(params: Mapping[str, object] | None) -> Mapping[str, object]:
    return MappingProxyType(dict(params or {}))


@dataclass(frozen=True)
class Msg:
    """A translatable message: gettext context, English source text and its placeholders."""

    context: str
    msgid: str
    params: Mapping[str, object] = field(default_factory=lambda: _frozen(None))
    plural: str | None = None
    count: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", _frozen(self.params))

    def with_params(self, **params: object) -> Msg:
        """The same message with (more) placeholder values filled in."""
        return Msg(self.context, self.msgid, {**self.params, **params}, self.plural, self.count)


@dataclass(frozen=True)
class Verbatim:
    """Text shown as it is, never translated (a participant's own words, a language's own name)."""

    text: str


Text = Msg | Verbatim


@dataclass(frozen=True)
class Button:
    """An inline button: a label and a short, language-independent action id."""

    label: Text
    action: str
    badge: str = ""  # shown before the label: "✓" for a chosen option, "●●" for two dots


@dataclass(frozen=True)
class Spoken:
    """A session's text that may have been read aloud in the reader's language (its question, its consent text)."""

    session: int
    subject: str


@dataclass(frozen=True)
class Reply:
    """One message to a person, with optional rows of buttons."""

    text: Text
    buttons: tuple[tuple[Button, ...], ...] = ()
    slot: str | None = None  # a later message in the same slot takes this one's buttons away (they no longer apply)
    spoken: Spoken | None = None  # the recording of it in the reader's language follows, where one was made
    runs_on: bool = False  # it opens the message that follows it: one message where a person reads one
