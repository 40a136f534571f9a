"""Scoring and group comparison, checked against results worked out by hand."""

from __future__ import annotations

import pytest

from bot.domain.results import OTHER, Difference, GroupResult, Method, Vote, compute, kendall_tau, scores

THEMES = ["taal", "werk", "ontmoeten", "zorg"]


def votes(group: str, ballots: list[object]) -> list[Vote]:
    return [Vote(f"{group}-{i}", group, ballot) for i, ballot in enumerate(ballots)]


NEWCOMERS = votes(
    "newcomer", [["taal", "ontmoeten", "werk"], ["taal", "werk", "ontmoeten"], ["ontmoeten", "taal", "zorg"]]
)
PROFESSIONALS = votes(
    "professional", [["werk", "zorg", "taal"], ["werk", "taal", "zorg"], ["zorg", "werk", "ontmoeten"]]
)
RESIDENTS = votes("resident", [["ontmoeten", "taal", "werk"], ["ontmoeten", "zorg", "taal"]])


def test_a_top_three_gives_three_two_and_one_points() -> None:
    # newcomers: taal 3+3+2, ontmoeten 2+1+3, werk 1+2, zorg 1
    assert scores(Method.RANKING, NEWCOMERS, THEMES) == {"taal": 8, "werk": 3, "ontmoeten": 6, "zorg": 1}


def test_newcomers_put_language_first_while_professionals_put_work_first() -> None:
    results = compute(Method.RANKING, NEWCOMERS + PROFESSIONALS + RESIDENTS, THEMES)
    assert results.group("newcomer").order == ("taal", "ontmoeten", "werk", "zorg")  # type: ignore[union-attr]
    assert results.group("professional").order == ("werk", "zorg", "taal", "ontmoeten")  # type: ignore[union-attr]
    # everyone: taal 8+3+3, ontmoeten 6+1+6, werk 3+8+1, zorg 1+6+2
    assert results.overall.order == ("taal", "ontmoeten", "werk", "zorg")
    assert dict(results.overall.scores) == {"taal": 14, "werk": 12, "ontmoeten": 13, "zorg": 9}
    assert results.overall.voters == 8
    # 2 of 6 pairs in the same order, 4 reversed: (2 - 4) / 6
    assert results.agreement == (("newcomer", "professional", pytest.approx(-1 / 3)),)
    assert results.differences == (
        Difference("taal", "newcomer", 1, "professional", 3),
        Difference("werk", "professional", 1, "newcomer", 3),
        Difference("ontmoeten", "newcomer", 2, "professional", 4),
    )


def test_a_group_of_two_is_not_shown_on_its_own() -> None:
    results = compute(Method.RANKING, NEWCOMERS + PROFESSIONALS + RESIDENTS, THEMES)
    assert [g.group for g in results.groups] == ["newcomer", "professional"]
    assert results.left_out == ("resident",) and results.pooled == ()


def test_small_groups_together_make_an_other_group_of_three() -> None:
    volunteer = votes("volunteer", [["zorg", "taal", "werk"]])
    results = compute(Method.RANKING, NEWCOMERS + PROFESSIONALS + RESIDENTS + volunteer, THEMES)
    assert [g.group for g in results.groups] == ["newcomer", "professional", OTHER]
    assert results.pooled == ("resident", "volunteer") and results.group(OTHER).voters == 3  # type: ignore[union-attr]


def test_dots_add_up_and_a_tie_keeps_the_themes_order() -> None:
    dots = votes("newcomer", [{"taal": 3, "werk": 2}, {"taal": 1, "zorg": 4}])
    assert scores(Method.DOTS, dots, THEMES) == {"taal": 4, "werk": 2, "ontmoeten": 0, "zorg": 4}
    assert compute(Method.DOTS, dots, THEMES).overall.order == ("taal", "zorg", "werk", "ontmoeten")


def test_pairwise_estimates_the_chance_to_win_and_stays_sensible_with_few_votes() -> None:
    duels = [
        Vote("a", "newcomer", [["taal", "werk", "won"], ["taal", "zorg", "won"], ["werk", "zorg", "tie"]]),
        Vote("b", "newcomer", [["werk", "taal", "won"]]),
    ]
    # (wins + 1) / (comparisons + 2): taal (2+1)/5, werk (1.5+1)/5, ontmoeten never seen (0+1)/2, zorg (0.5+1)/4
    assert scores(Method.PAIRWISE, duels, THEMES) == {"taal": 0.6, "werk": 0.5, "ontmoeten": 0.5, "zorg": 0.375}
    assert compute(Method.PAIRWISE, duels, THEMES).overall.order == ("taal", "werk", "ontmoeten", "zorg")
    assert scores(Method.PAIRWISE, [], THEMES) == dict.fromkeys(THEMES, 0.5)


def test_kendall_tau_is_one_for_the_same_order_and_minus_one_reversed() -> None:
    assert kendall_tau(THEMES, THEMES) == 1
    assert kendall_tau(THEMES, list(reversed(THEMES))) == -1
    assert kendall_tau(["a"], ["a"]) == 1


def test_votes_for_themes_that_were_removed_are_ignored() -> None:
    stale = votes("newcomer", [["gone", "taal"]])
    assert scores(Method.RANKING, stale, THEMES)["taal"] == 1


def test_a_participant_hears_the_groups_largest_difference_and_of_equal_ones_the_groups_own_first_theme() -> None:
    everyone = GroupResult("all", 30, ("eigen", "taal", "ontmoeten", "werk"), {})
    newcomers = GroupResult("newcomer", 10, ("ontmoeten", "eigen", "taal", "werk"), {})
    assert newcomers.widest_gap(everyone) == "ontmoeten", "put first by the group, third by everyone"
    mirrored = GroupResult("resident", 5, ("werk", "ontmoeten", "taal", "eigen"), {})
    assert mirrored.widest_gap(everyone) == "werk", "two gaps of three: the group's own first theme"
    assert everyone.widest_gap(everyone) is None
