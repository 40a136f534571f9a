"""Suggested themes for a session's ideas, and a suggested theme for each later idea."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from bot.suggest.cluster import best_k, kmeans
from bot.suggest.embed import unit, vectors
from bot.suggest.records import Placement, Said, Suggestion

FEWEST = 4  # fewer ideas than this give no suggestions: there is nothing to group yet
MOST_GROUPS = 10  # with k left open, groups tried are 2 up to this (and no more than a third of the ideas)
# A placement is unsure when the next theme's cosine similarity is within this of the best's. On the tests' ideas,
# later ideas clearly on one theme won by 0.23-0.44, ideas on none or on two themes by 0.01-0.03.
UNSURE_BELOW = 0.1


def suggest(ideas: Sequence[Said], k: int | None = None, seed: int = 0) -> list[Suggestion]:
    """Ideas grouped into k themes (k=None: the number that separates them best; fewer when ideas are the same),
    largest group first.

    Loads the model on first use and takes seconds for hundreds of ideas: run it off the event loop.
    """
    if k is not None and k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    if len(ideas) < FEWEST:
        return []
    points = vectors(ideas)
    if k is None:
        labels = best_k(points, range(2, max(2, min(MOST_GROUPS, len(ideas) // 3)) + 1), seed)
    else:
        labels = kmeans(points, min(k, len(ideas)), seed)
    found = []
    for group in np.unique(labels):
        rows = [int(row) for row in np.flatnonzero(labels == group)]
        closest = rows[int((points[rows] @ points[rows].mean(axis=0)).argmax())]
        found.append((rows, Suggestion(tuple(ideas[row].id for row in rows), ideas[closest].id)))
    found.sort(key=lambda pair: (-len(pair[0]), pair[0][0]))
    return [suggestion for _, suggestion in found]


def place(
    themes: Mapping[int, Sequence[Said]], ideas: Sequence[Said], unsure_below: float = UNSURE_BELOW
) -> list[Placement]:
    """Each idea's nearest theme (by its ideas' centroid); unsure when the second nearest is within unsure_below.

    With a single theme every placement is unsure: there is nothing to compare with, and that theme's ideas are most
    of what each language's mean is made of. Takes seconds for hundreds of ideas (every theme's ideas are embedded
    too): run it off the event loop.
    """
    filled = {theme: list(said) for theme, said in themes.items() if said}
    if not filled or not ideas:
        return []
    # Language means over everyone, the themes' ideas and the new ones alike: a language new to the themes still
    # has its own offset taken out.
    everyone = [said for members in filled.values() for said in members] + list(ideas)
    points = vectors(everyone)
    centroids, start = [], 0
    for members in filled.values():
        centroids.append(points[start : start + len(members)].mean(axis=0))
        start += len(members)
    similarity = points[start:] @ unit(np.array(centroids)).T  # new idea x theme
    ids, alone = list(filled), len(filled) == 1
    ranked = np.sort(similarity, axis=1)[:, ::-1]
    return [
        Placement(
            idea.id, ids[int(similarity[row].argmax())], alone or bool(ranked[row, 0] - ranked[row, 1] < unsure_below)
        )
        for row, idea in enumerate(ideas)
    ]
