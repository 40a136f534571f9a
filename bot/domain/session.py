"""A participation session: its question, its groups and languages, its phase."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.codes import readable_code
from bot.domain.message import Msg, Text, Verbatim

JOIN_CODE_LENGTH = 6
IDEA_MAX_LENGTH = 1000  # characters in one idea; longer ones are refused with the limit named
JOIN_CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{6}$")
_INVISIBLE = frozenset("\u200e\u200f\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e")


class Phase(StrEnum):
    """Where a session is in its life."""

    DRAFT = "draft"
    COLLECTING = "collecting"
    SORTING = "sorting"
    PRIORITISING = "prioritising"
    CLOSED = "closed"
    FOLLOW_UP = "follow_up"

    @property
    def open_to_join(self) -> bool:
        """Whether people can still join with the session's link."""
        return self not in (Phase.CLOSED, Phase.FOLLOW_UP)

    @property
    def following(self) -> Phase | None:
        """The phase a coordinator can move on to from this one (None at the end)."""
        order = list(Phase)
        position = order.index(self)
        return order[position + 1] if position + 1 < len(order) else None

    @property
    def label(self) -> Msg:
        """The phase's name, translatable."""
        return PHASE_NAMES[self]


PHASE_NAMES: dict[Phase, Msg] = {
    Phase.DRAFT: Msg("phase.draft", "Draft"),
    Phase.COLLECTING: Msg("phase.collecting", "Collecting ideas"),
    Phase.SORTING: Msg("phase.sorting", "Sorting ideas into themes"),
    Phase.PRIORITISING: Msg("phase.prioritising", "Prioritising"),
    Phase.CLOSED: Msg("phase.closed", "Closed (results)"),
    Phase.FOLLOW_UP: Msg("phase.follow_up", "Follow-up"),
}


# The usual groups of a versnellingssessie; their names are translated like any other text.
DEFAULT_GROUPS: dict[str, Msg] = {
    "newcomer": Msg("group.newcomer", "Newcomer"),
    "professional": Msg("group.professional", "Professional"),
    "resident": Msg("group.resident", "Neighbourhood resident"),
}


@dataclass(frozen=True)
class GroupDef:
    """A participant group of a session: a short id and, for custom groups, the coordinator's name for it."""

    id: str
    name: str | None = None

    @property
    def label(self) -> Text:
        """The name to show: translated for the default groups, as written for custom ones."""
        if self.name is None and self.id in DEFAULT_GROUPS:
            return DEFAULT_GROUPS[self.id]
        return Verbatim(self.name or self.id)


@dataclass(frozen=True)
class Session:
    """A session as participants meet it."""

    id: int
    code: str
    title: str
    question: str
    groups: tuple[GroupDef, ...]
    languages: tuple[str, ...]
    idea_limit: int
    phase: Phase
    source_locale: str | None = None
    voting: str = "ranking"


@dataclass(frozen=True)
class Theme:
    """A theme ideas are sorted into, named by the coordinator, with an emoji for those who read little."""

    id: int
    name: str
    emoji: str | None
    position: int

    @property
    def subject(self) -> str:
        """The key its translations are stored under."""
        return f"theme:{self.id}"


_EMOJI_JOINERS = frozenset("\u200d\ufe0f\u20e3")  # zero-width joiner, emoji presentation, keycap


def _emoji_part(char: str) -> bool:
    """Whether a character belongs to an emoji (a symbol, a skin tone, or what joins them)."""
    return char in _EMOJI_JOINERS or unicodedata.category(char) in ("So", "Sk")


def theme_names(text: str) -> list[tuple[str, str | None]]:
    """Themes typed one per line, each as (name, emoji): an emoji at the start of a line becomes its emoji."""
    found: list[tuple[str, str | None]] = []
    for line in text.splitlines():
        line = line.strip()
        end = next((i for i, char in enumerate(line) if not _emoji_part(char)), len(line))
        emoji, name = line[:end].strip(), line[end:].strip()
        if name:
            found.append((name, emoji or None))
        elif emoji:
            found.append((emoji, None))  # only an emoji: that is the name
    return found


def make_join_code(random: bytes) -> str:
    """A six-character join code, e.g. "7KQ2MZ", from at least 4 random bytes."""
    return readable_code(random[:4], JOIN_CODE_LENGTH)


def normalise_join_code(text: str) -> str | None:
    """The join code in a /start payload, forgiving case and look-alike letters; None if it cannot be one."""
    visible = "".join(c for c in text if c not in _INVISIBLE)  # a copied code may carry direction marks
    code = visible.strip().upper().replace("O", "0").replace("I", "1").replace("L", "1")
    return code if JOIN_CODE.match(code) else None


_SEPARATORS = re.compile(r"[,،;؛\n]")  # Latin and Arabic-script commas and semicolons, new lines


def groups_from_text(text: str) -> tuple[GroupDef, ...]:
    """Groups from a typed list, however the keyboard writes its commas ("a, b" or "أ، ب")."""
    return groups_from_names(_SEPARATORS.split(text))


def groups_from_names(names: list[str]) -> tuple[GroupDef, ...]:
    """Groups from names a coordinator typed: default ids stay translatable, others get short ids."""
    groups: list[GroupDef] = []
    for position, raw in enumerate(names, 1):
        name = raw.strip()
        if not name:
            continue
        key = name.lower()
        groups.append(GroupDef(key) if key in DEFAULT_GROUPS else GroupDef(f"g{position}", name))
    return tuple(groups)
