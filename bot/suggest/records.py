"""What goes in and comes out of theme suggestions: an idea's words, a suggested group, a suggested theme."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Said:
    """An idea's words and the language its giver chose (None when unknown)."""

    id: int
    text: str
    language: str | None


@dataclass(frozen=True)
class Suggestion:
    """A group of ideas that seem to share a theme, in the order given, and the idea that stands for it best."""

    ideas: tuple[int, ...]
    representative: int


@dataclass(frozen=True)
class Placement:
    """The theme an idea seems to belong to; unsure when another theme came close."""

    idea: int
    theme: int
    unsure: bool
