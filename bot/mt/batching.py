"""Cutting a list of texts into requests a service accepts, and a text too long for one request into pieces."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Weigh = Callable[[str], int]
_BREAK = re.compile(r"\s+")


@dataclass(frozen=True)
class Piece:
    """Part of one text: sent on its own, then joined again with the blank that followed it in the original."""

    owner: int  # index of the text it came from
    text: str
    tail: str  # the whitespace after it in the original; "" for a text's last piece


def pieces(texts: Sequence[str], limit: int | None, weigh: Weigh = len) -> list[Piece]:
    """Every non-blank text as one piece, or cut at blanks (at worst mid-word) so that each weighs at most `limit`."""
    found: list[Piece] = []
    for owner, text in enumerate(texts):
        if not text.strip():
            continue  # nothing to translate: the caller keeps it as it is
        rest = text
        while limit is not None and weigh(rest) > limit:
            cut = _longest_fitting(rest, limit, weigh)
            breaks = [m for m in _BREAK.finditer(rest) if 0 < m.start() <= cut]
            if breaks:
                blank = breaks[-1]
                found.append(Piece(owner, rest[: blank.start()], blank.group()))
                rest = rest[blank.end() :]
            else:
                found.append(Piece(owner, rest[:cut], ""))
                rest = rest[cut:]
        if rest:
            found.append(Piece(owner, rest, ""))
    return found


def _longest_fitting(text: str, limit: int, weigh: Weigh) -> int:
    low, high = 1, len(text)  # at least one character, so that cutting always ends
    while low < high:
        middle = (low + high + 1) // 2
        if weigh(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def batches(weights: Sequence[int], max_items: int | None, budget: int | None) -> list[range]:
    """Consecutive runs of items, each run at most `max_items` long and weighing at most `budget` in all."""
    runs: list[range] = []
    start, total = 0, 0
    for index, weight in enumerate(weights):
        full = max_items is not None and index - start >= max_items
        heavy = budget is not None and index > start and total + weight > budget
        if full or heavy:
            runs.append(range(start, index))
            start, total = index, 0
        total += weight
    if start < len(weights):
        runs.append(range(start, len(weights)))
    return runs


def reassemble(texts: Sequence[str], parts: Sequence[Piece], translated: Sequence[str]) -> list[str]:
    """The texts again, each from its translated pieces; a blank text stays as it was."""
    joined: dict[int, list[str]] = {}
    for piece, translation in zip(parts, translated, strict=True):
        joined.setdefault(piece.owner, []).append(translation + piece.tail)
    return ["".join(joined[i]) if i in joined else text for i, text in enumerate(texts)]
