"""Results of a prioritisation: scores per method, rankings per group, agreement and differences between groups."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

MIN_GROUP = 3  # a group with fewer voters is not shown on its own, so no one's vote can be singled out
OTHER = "other"


class Method(StrEnum):
    """How participants prioritise."""

    RANKING = "ranking"
    DOTS = "dots"
    PAIRWISE = "pairwise"


@dataclass(frozen=True)
class Vote:
    """One participant's vote: a top-N order, dots per theme, or a list of pairwise choices."""

    voter: str
    group: str | None
    payload: Any


@dataclass(frozen=True)
class GroupResult:
    """The order of the themes for one group (or everyone), with the scores and how many voted."""

    group: str
    voters: int
    order: tuple[str, ...]
    scores: Mapping[str, float]

    def rank(self, theme: str) -> int:
        """1 for the theme that came first; themes with the same score share a place (1, 2, 2, 4). Without
        scores, the order alone ranks."""
        if not self.scores:
            return self.order.index(theme) + 1
        score = self.scores.get(theme, 0.0)
        return 1 + sum(1 for other in self.order if self.scores.get(other, 0.0) > score)

    def tied(self, theme: str) -> bool:
        """Whether another theme has the same score, so shares this theme's place."""
        score = self.scores.get(theme)
        return score is not None and any(o != theme and self.scores.get(o) == score for o in self.order)

    def widest_gap(self, other: GroupResult) -> str | None:
        """The theme this group ranked furthest from `other` (of equal gaps, the one this group put highest);
        None when both orders agree."""
        gap = {t: abs(self.rank(t) - other.rank(t)) for t in other.order if t in self.order}
        if not any(gap.values()):
            return None
        return max(gap, key=lambda t: (gap[t], -self.rank(t)))


@dataclass(frozen=True)
class Difference:
    """A theme ranked far apart by two groups."""

    theme: str
    group_a: str
    rank_a: int
    group_b: str
    rank_b: int

    @property
    def gap(self) -> int:
        """How many places apart."""
        return abs(self.rank_a - self.rank_b)


@dataclass(frozen=True)
class Results:
    """Everything a coordinator or a report shows about a session's priorities."""

    overall: GroupResult
    groups: tuple[GroupResult, ...]
    pooled: tuple[str, ...]
    left_out: tuple[str, ...]
    agreement: tuple[tuple[str, str, float], ...]
    differences: tuple[Difference, ...]

    def group(self, group: str) -> GroupResult | None:
        """The result of one shown group (or of the pooled small groups, as OTHER)."""
        return next((g for g in self.groups if g.group == group), None)


def scores(method: Method, votes: Sequence[Vote], themes: Sequence[str]) -> dict[str, float]:
    """A score per theme; higher is more important."""
    totals = dict.fromkeys(themes, 0.0)
    if method is Method.RANKING:
        size = max((len(v.payload) for v in votes), default=0)
        for vote in votes:
            for position, theme in enumerate(vote.payload):
                if theme in totals:
                    totals[theme] += size - position  # Borda: first of a top 3 gets 3 points
    elif method is Method.DOTS:
        for vote in votes:
            for theme, dots in dict(vote.payload).items():
                if theme in totals:
                    totals[theme] += int(dots)
    else:
        totals = _pairwise(votes, themes)
    return totals


def _pairwise(votes: Sequence[Vote], themes: Sequence[str]) -> dict[str, float]:
    """The chance a theme beats another, smoothed as if each had won and lost once (robust to few votes)."""
    wins = dict.fromkeys(themes, 0.0)
    seen = dict.fromkeys(themes, 0)
    for vote in votes:
        for first, second, outcome in vote.payload:
            if first not in wins or second not in wins:
                continue
            seen[first] += 1
            seen[second] += 1
            if outcome == "won":
                wins[first] += 1
            else:  # "tie": both, or can't say
                wins[first] += 0.5
                wins[second] += 0.5
    return {theme: (wins[theme] + 1) / (seen[theme] + 2) for theme in themes}


def order(totals: Mapping[str, float], themes: Sequence[str]) -> tuple[str, ...]:
    """Themes from most to least important; a tie keeps the themes' own order."""
    return tuple(sorted(themes, key=lambda t: (-totals.get(t, 0.0), themes.index(t))))


def _result(group: str, method: Method, votes: Sequence[Vote], themes: Sequence[str]) -> GroupResult:
    totals = scores(method, votes, themes)
    return GroupResult(group, len(votes), order(totals, themes), totals)


def agreement_band(tau: float) -> int:
    """Kendall's tau in five bands people can name: 2 largely agree … −2 nearly opposite order."""
    edges = (-0.6, -0.2, 0.2, 0.6)
    return sum(1 for edge in edges if tau >= edge) - 2


def kendall_tau(first: Sequence[str], second: Sequence[str]) -> float:
    """Agreement of two orders of the same themes: 1 the same, -1 reversed, 0 unrelated."""
    common = [t for t in first if t in second]
    pairs = list(itertools.combinations(common, 2))
    if not pairs:
        return 1.0
    agree = sum(
        1 if (first.index(a) - first.index(b)) * (second.index(a) - second.index(b)) > 0 else -1 for a, b in pairs
    )
    return agree / len(pairs)


def compute(method: Method, votes: Sequence[Vote], themes: Sequence[str]) -> Results:
    """Overall and per-group results; groups under MIN_GROUP voters are pooled as OTHER or left out."""
    by_group: dict[str, list[Vote]] = {}
    for vote in votes:
        by_group.setdefault(vote.group or OTHER, []).append(vote)
    shown = {g: vs for g, vs in by_group.items() if len(vs) >= MIN_GROUP and g != OTHER}
    small = {g: vs for g, vs in by_group.items() if g not in shown}
    pooled_votes = [v for vs in small.values() for v in vs]
    pooled: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()
    groups = [_result(g, method, vs, themes) for g, vs in shown.items()]
    if len(pooled_votes) >= MIN_GROUP and shown:
        pooled = tuple(sorted(g for g in small if g != OTHER))
        groups.append(_result(OTHER, method, pooled_votes, themes))
    else:
        left_out = tuple(sorted(g for g in small if g != OTHER))
    agreement = tuple((a.group, b.group, kendall_tau(a.order, b.order)) for a, b in itertools.combinations(groups, 2))
    return Results(
        overall=_result("all", method, votes, themes),
        groups=tuple(groups),
        pooled=pooled,
        left_out=left_out,
        agreement=agreement,
        differences=differences(groups, themes),
    )


def differences(groups: Sequence[GroupResult], themes: Sequence[str], limit: int = 3) -> tuple[Difference, ...]:
    """For each theme, the two groups that ranked it furthest apart; the largest gaps first."""
    found: list[Difference] = []
    for theme in themes:
        pairs = [
            Difference(theme, a.group, a.rank(theme), b.group, b.rank(theme))
            for a, b in itertools.combinations(groups, 2)
        ]
        widest = max(pairs, key=lambda d: d.gap, default=None)
        if widest is not None and widest.gap > 0:
            first, second = sorted(
                [(widest.group_a, widest.rank_a), (widest.group_b, widest.rank_b)], key=lambda pair: pair[1]
            )
            found.append(Difference(theme, first[0], first[1], second[0], second[1]))
    found.sort(key=lambda d: (-d.gap, themes.index(d.theme)))
    return tuple(found[:limit])
