"""The rules of expert pools: who an invitation reaches, what is kept of a profile, and small cells."""

from __future__ import annotations

from bot.domain.pool import Audience, cells, pool_code_in, pool_link_payload, profile_from, profile_values


def test_an_audience_by_interest_admits_only_members_who_chose_that_topic() -> None:
    audience = Audience("interests", "reception")
    assert audience.admits({"interests": ["work", "reception"]})
    assert not audience.admits({"interests": ["work"]})
    assert not audience.admits({}), "no interests given: not invited by interest"
    assert audience.topic == "reception"


def test_an_audience_by_answer_and_everyone() -> None:
    assert Audience("years", "y0").admits({"years": "y0"})
    assert not Audience("years", "y0").admits({"years": "y5"})
    assert Audience().admits({}) and Audience().topic is None


def test_a_profile_keeps_only_answers_given_and_tidies_typed_ones() -> None:
    answers = {"years": "skip", "age": "a26", "town": "  Assen \n", "interests": [], "consent": "agree"}
    assert profile_from(answers) == {"age": "a26", "town": "Assen"}


def test_small_cells_are_folded_so_nobody_can_be_singled_out() -> None:
    counted = cells(["ar", "ar", "ar", "uk", "nl", "nl", "ti", "ti", "ti", "ti"])
    assert counted.shown == (("ti", 4), ("ar", 3))
    assert counted.folded == 3


def test_profile_values_count_each_interest_and_unanswered_questions() -> None:
    assert profile_values({"interests": ["work", "health"]}, "interests") == ["work", "health"]
    assert profile_values({}, "years") == [""]
    assert profile_values({"town": "Assen"}, "town") == ["assen"]


def test_a_pool_link_carries_its_code_and_forgives_case() -> None:
    assert pool_link_payload("7KQ2MZ") == "pool-7KQ2MZ"
    assert pool_code_in("pool-7kq2mz") == "7KQ2MZ"
    assert pool_code_in("7KQ2MZ") is None
    assert pool_code_in("pool-!!") is None
