"""Theme suggestions for a full session: how long loading the model, grouping a few hundred ideas and placing a later
one take, and how well the groups match the themes the ideas were written for."""

from __future__ import annotations

import random
import time

from bot.suggest import Said, Suggestion, forget, place, suggest
from bot.suggest.model import embed
from tests.themed_ideas import IDEAS, LATER, adjusted_rand

# How people open or close an idea, per language; an idea is one or two sentences on one theme, sometimes framed so.
OPENERS = {
    "nl": ("Mijn idee: ", "Belangrijk voor ons: ", "Graag dit: "),
    "ar": ("فكرتي: ", "من فضلكم: ", "هذا مهم لنا: "),
    "en": ("My idea: ", "Please: ", "What matters to us: "),
    "uk": ("Моя ідея: ", "Прохання: ", "Для нас важливо: "),
}
CLOSERS = ("", "", "", " 🙏", " Dank u!", " Thanks.", "!!", " 😊")


def ideas(count: int, seed: int = 0) -> tuple[list[Said], list[str]]:
    """`count` different ideas in four languages, varied from the test's ideas (the same for the same seed), and the
    theme each was written for (repeats only once some thousands of variations run out)."""
    rng = random.Random(seed)
    made: list[Said] = []
    themes: list[str] = []
    seen: set[str] = set()
    for number in range(count):
        for _ in range(100):
            language, theme, text = _variation(rng)
            if text not in seen:
                break
        seen.add(text)
        made.append(Said(number, text, language))
        themes.append(theme)
    return made, themes


def _variation(rng: random.Random) -> tuple[str, str, str]:
    """One idea's language, theme and words: one or two sentences on the theme, sometimes with an opener or closer."""
    pool = IDEAS + LATER
    language, theme, text = rng.choice(pool)
    if rng.random() < 0.4:  # a longer idea: a second sentence on the same theme, in the same language
        others = [said for code, about, said in pool if code == language and about == theme and said != text]
        text = f"{text} {rng.choice(others)}"
    if rng.random() < 0.3:
        text = rng.choice(OPENERS[language]) + text
    return language, theme, text + rng.choice(CLOSERS)


def suggestions(count: int = 300, seed: int = 0) -> dict[str, float]:
    """Seconds to load the model (0 if this process already has), to suggest themes for `count` ideas the first time
    (k chosen: every idea embedded, then grouped), again with k given (the ideas' vectors remembered), and to place
    one later idea among the themes so found; with how well the groups match the intended themes (adjusted Rand)."""
    made, themes = ideas(count, seed)
    later = Said(count, "Wij zoeken al twee jaar een betaalbare woning in de stad.", "nl")
    forget()
    started = time.perf_counter()
    embed(["query"])  # the first call loads the model
    loaded = time.perf_counter()
    chosen = suggest(made, seed=seed)
    auto = time.perf_counter()
    given = suggest(made, k=len(set(themes)), seed=seed)
    grouped = time.perf_counter()
    place({number: [made[idea] for idea in group.ideas] for number, group in enumerate(given)}, [later])
    placed = time.perf_counter()
    return {
        "ideas": float(count),
        "load_s": loaded - started,
        "suggest_auto_s": auto - loaded,
        "suggest_k_s": grouped - auto,
        "place_one_s": placed - grouped,
        "groups_auto": float(len(chosen)),
        "ari_auto": adjusted_rand(themes, _labels(chosen, count)),
        "ari_k": adjusted_rand(themes, _labels(given, count)),
    }


def _labels(groups: list[Suggestion], count: int) -> list[int]:
    """Each idea's group number, for ideas numbered 0..count-1."""
    labels = [-1] * count
    for number, group in enumerate(groups):
        for idea in group.ideas:
            labels[idea] = number
    return labels
