"""k-means and the silhouette score on unit vectors, in numpy, deterministic for a seed."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from bot.suggest.embed import Vectors

Labels = npt.NDArray[np.intp]

RESTARTS = 30  # k-means runs from different starts; the tightest one wins
ITERATIONS = 100


def kmeans(points: Vectors, k: int, seed: int = 0) -> Labels:
    """Each point's group among k, from the restart with the lowest inertia (the same for the same seed)."""
    rng = np.random.default_rng(seed)
    best: tuple[float, Labels] | None = None
    for _ in range(RESTARTS):
        labels, inertia = _lloyd(points, _plus_plus(points, k, rng))
        if best is None or inertia < best[0]:
            best = (inertia, labels)
    assert best is not None
    return best[1]


def best_k(points: Vectors, ks: Iterable[int], seed: int = 0) -> Labels:
    """The grouping with the highest mean silhouette among k-means runs with each k (the smaller k on a tie)."""
    best: tuple[float, Labels] | None = None
    for k in ks:
        labels = kmeans(points, k, seed)
        score = silhouette(points, labels)
        if best is None or score > best[0]:
            best = (score, labels)
    if best is None:
        raise ValueError("no k to try")
    return best[1]


def silhouette(points: Vectors, labels: Labels) -> float:
    """The mean silhouette: how much nearer each point is to its own group than to the next (-1..1)."""
    groups = np.unique(labels)
    if len(groups) < 2:
        return 0.0
    distances = np.sqrt(_squared(points, points))
    members = labels[:, None] == groups[None, :]  # point x group
    sizes = members.sum(axis=0)
    totals = distances @ members  # each point's summed distance to each group
    own = members.argmax(axis=1)
    rows = np.arange(len(points))
    own_size = sizes[own]
    within = totals[rows, own] / np.maximum(own_size - 1, 1)
    to_others = totals / sizes
    to_others[rows, own] = np.inf
    nearest = to_others.min(axis=1)
    scores = (nearest - within) / np.maximum(np.maximum(within, nearest), 1e-12)
    scores[own_size == 1] = 0.0  # a point alone in its group counts as 0, as usual
    return float(scores.mean())


def _plus_plus(points: Vectors, k: int, rng: np.random.Generator) -> Vectors:
    """k starting centres, each drawn with odds by its squared distance to the nearest already drawn (k-means++)."""
    count = len(points)
    chosen = [int(rng.integers(count))]
    nearest = _squared(points, points[chosen])[:, 0]
    for _ in range(1, k):
        total = nearest.sum()
        pick = int(rng.choice(count, p=nearest / total)) if total > 0 else int(rng.integers(count))
        chosen.append(pick)
        nearest = np.minimum(nearest, _squared(points, points[[pick]])[:, 0])
    return points[chosen].copy()


def _lloyd(points: Vectors, centres: Vectors) -> tuple[Labels, float]:
    """Labels and inertia after moving centres to their points' means until nothing changes."""
    labels = np.zeros(len(points), dtype=np.intp)
    for _ in range(ITERATIONS):
        distances = _squared(points, centres)
        labels = distances.argmin(axis=1)
        moved = centres.copy()
        for group in range(len(centres)):
            mine = labels == group
            if mine.any():
                moved[group] = points[mine].mean(axis=0)
            else:  # an empty group takes the point furthest from its centre
                far = int(distances[np.arange(len(points)), labels].argmax())
                moved[group], labels[far] = points[far], group
                distances[far, :] = 0.0
        if np.allclose(moved, centres):
            break
        centres = moved
    distances = _squared(points, centres)
    labels = distances.argmin(axis=1)
    return labels, float(distances[np.arange(len(points)), labels].sum())


def _squared(points: Vectors, centres: Vectors) -> Vectors:
    """Squared Euclidean distances, point x centre."""
    found: Vectors = (points**2).sum(axis=1)[:, None] - 2 * points @ centres.T + (centres**2).sum(axis=1)[None, :]
    return np.maximum(found, 0.0, out=found)
