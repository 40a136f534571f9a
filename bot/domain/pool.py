"""Expert pools: standing communities consulted again and again, their topics, profiles and small-cell rule."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bot.domain.message import Msg
from bot.domain.results import MIN_GROUP
from bot.domain.session import normalise_join_code

POOL_LINK_PREFIX = "pool-"
INVITATION_WINDOW_DAYS = 30  # "a month" for the per-member invitation maximum: the last 30 days
SKIPPED = "skip"  # the option id of "I'd rather not say"

# Topics a pool is consulted about: a fixed list, so every member reads them in their own language.
TOPICS: dict[str, Msg] = {
    "reception": Msg("pool.topic.reception", "Reception and housing"),
    "integration": Msg("pool.topic.integration", "Civic integration and language"),
    "asylum": Msg("pool.topic.asylum", "Asylum procedure and policy"),
    "work": Msg("pool.topic.work", "Work and income"),
    "education": Msg("pool.topic.education", "Education and children"),
    "health": Msg("pool.topic.health", "Health and care"),
    "community": Msg("pool.topic.community", "Neighbourhood and meeting people"),
    "information": Msg("pool.topic.information", "How organisations inform newcomers"),
}

# The optional profile questions a pool can ask (each a node of flows/pool_join.yaml), with their names.
PROFILE_FIELDS: dict[str, Msg] = {
    "years": Msg("pool.field.years", "Years in the Netherlands"),
    "age": Msg("pool.field.age", "Age"),
    "town": Msg("pool.field.town", "Town"),
    "interests": Msg("pool.field.interests", "Topics of interest"),
}
CHOICE_FIELDS = ("years", "age")  # answered with buttons: a coordinator can invite by them


@dataclass(frozen=True)
class Pool:
    """A pool as its coordinator defined it."""

    id: int
    code: str
    name: str
    region: str
    description: str
    topics: tuple[str, ...]
    fields: tuple[str, ...]
    monthly_limit: int
    source_locale: str | None = None  # the language its words were written in (pools made before it was asked: None)


@dataclass(frozen=True)
class Audience:
    """Whom of a pool a consultation invites: everyone, or those with one interest or one profile answer."""

    kind: str = "all"  # all | interests | years | age
    value: str = ""

    def admits(self, profile: Mapping[str, Any]) -> bool:
        """Whether a member with this profile is invited."""
        if self.kind == "all":
            return True
        answer = profile.get(self.kind)
        return self.value in answer if isinstance(answer, list) else answer == self.value

    @property
    def topic(self) -> str | None:
        """The topic the consultation is about, when the audience is chosen by interest."""
        return self.value if self.kind == "interests" else None


@dataclass(frozen=True)
class Member:
    """One person in a pool, as the bot needs them: their language, group and answers."""

    id: int
    pool: Pool
    participant_id: int
    locale: str | None
    group_id: str | None
    profile: Mapping[str, Any] = field(default_factory=dict)
    consented: bool = False


def pool_link_payload(code: str) -> str:
    """What a pool's join link carries after /start."""
    return POOL_LINK_PREFIX + code


def pool_code_in(payload: str) -> str | None:
    """The pool code in a /start payload, or None when the payload is not a pool link."""
    if not payload.lower().startswith(POOL_LINK_PREFIX):
        return None
    return normalise_join_code(payload[len(POOL_LINK_PREFIX) :])


def profile_from(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The optional answers of joining, without the ones the person chose not to give."""
    profile: dict[str, Any] = {}
    for name in PROFILE_FIELDS:
        value = answers.get(name)
        if isinstance(value, list):
            value = [v for v in value if isinstance(v, str)]
        elif isinstance(value, str):
            value = re.sub(r"\s+", " ", value).strip()
        if value and value != SKIPPED:
            profile[name] = value
    return profile


@dataclass(frozen=True)
class Cells:
    """Counts by value that are safe to show: values held by fewer than MIN_GROUP people are folded together."""

    shown: tuple[tuple[str, int], ...]
    folded: int  # people in the values not shown


def cells(values: Iterable[str]) -> Cells:
    """Count values, biggest first, and fold the small cells so nobody can be singled out."""
    counts = Counter(values)
    shown = tuple(sorted(((v, n) for v, n in counts.items() if n >= MIN_GROUP), key=lambda c: (-c[1], c[0])))
    return Cells(shown, sum(n for n in counts.values() if n < MIN_GROUP))


def profile_values(profile: Mapping[str, Any], name: str) -> list[str]:
    """One member's answers to one profile question as values to count ("" when not answered)."""
    answer = profile.get(name)
    if isinstance(answer, list):
        return [str(v) for v in answer] or [""]
    if isinstance(answer, str):
        return [answer.casefold() if name == "town" else answer]
    return [""]


def json_list(text: str) -> tuple[str, ...]:
    """A stored JSON list of ids."""
    found = json.loads(text)
    return tuple(str(v) for v in found) if isinstance(found, list) else ()


POOL_TEXTS = ("name", "region", "description")  # a pool's words, each translatable


def pool_in(pool: Pool, locale: str | None, translations: Mapping[tuple[str, str], str]) -> Pool:
    """The pool with its words in `locale` where translated (as written where not, or when read in the original)."""
    if locale is None or locale == pool.source_locale:
        return pool
    words = {subject: translations.get((subject, locale), getattr(pool, subject)) for subject in POOL_TEXTS}
    return replace(pool, **words)
