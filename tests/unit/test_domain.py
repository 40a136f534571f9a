"""Codes people read, type and copy: join codes, invites and pseudonyms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain import (
    DEFAULT_GROUPS,
    Phase,
    Role,
    groups_from_names,
    groups_from_text,
    invite_expiry,
    is_invite_token,
    make_invite_token,
    make_join_code,
    make_pseudonym,
    normalise_join_code,
    role_of,
    session_pseudonym,
    theme_names,
)


def test_a_join_code_survives_being_typed_in_lower_case_or_copied_with_direction_marks() -> None:
    code = make_join_code(bytes([1, 2, 3, 4]))
    assert normalise_join_code(code.lower()) == code
    assert normalise_join_code(f"\u2068{code}\u2069") == code
    assert normalise_join_code("ABCDEFG") is None and normalise_join_code("") is None
    assert normalise_join_code("0OIL1l") == "001111"


def test_pseudonyms_and_codes_use_letters_that_cannot_be_misread() -> None:
    for seed in range(50):
        random = seed.to_bytes(4, "big")
        assert not set(make_pseudonym(random)[2:]) & set("ILOU")
        assert not set(make_join_code(random)) & set("ILOU")


def test_invites_are_deep_link_safe_and_told_apart_from_join_codes() -> None:
    token = make_invite_token(bytes(range(16)))
    assert len(token) <= 64 and all(c.isalnum() or c in "_-" for c in token)
    assert is_invite_token(token) and not is_invite_token("7KQ2MZ")
    now = datetime(2026, 11, 22, tzinfo=UTC)
    assert invite_expiry(now) - now == timedelta(days=7)


def test_admins_are_coordinators_and_others_need_an_invite() -> None:
    assert role_of(1, frozenset({1}), False) is Role.ADMIN
    assert role_of(2, frozenset({1}), True) is Role.COORDINATOR
    assert role_of(3, frozenset({1}), False) is Role.PARTICIPANT


def test_phases_follow_each_other_to_the_end() -> None:
    assert Phase.DRAFT.following is Phase.COLLECTING
    assert Phase.PRIORITISING.following is Phase.CLOSED
    assert Phase.FOLLOW_UP.following is None
    assert not Phase.CLOSED.open_to_join and Phase.SORTING.open_to_join


def test_group_lists_typed_on_an_arabic_keyboard_are_split_too() -> None:
    assert [g.name for g in groups_from_text("متطوع، صاحب عمل؛ طالب")] == ["متطوع", "صاحب عمل", "طالب"]
    assert [g.name for g in groups_from_text("Vrijwilliger, Werkgever")] == ["Vrijwilliger", "Werkgever"]


def test_groups_named_like_the_defaults_stay_translatable() -> None:
    groups = groups_from_names(["Newcomer", " Vrijwilliger ", ""])
    assert [g.id for g in groups] == ["newcomer", "g2"]
    assert groups[0].label == DEFAULT_GROUPS["newcomer"]


def test_a_persons_pseudonym_differs_per_session_and_needs_the_secret() -> None:
    secret = b"s" * 32
    in_one = session_pseudonym(secret, 710000001, 1)
    assert in_one == session_pseudonym(secret, 710000001, 1), "stable within a session"
    assert in_one != session_pseudonym(secret, 710000001, 2), "coordinators of two sessions cannot link people"
    assert in_one != session_pseudonym(b"t" * 32, 710000001, 1), "not derivable without the secret"
    assert in_one.startswith("P-") and "710000001" not in in_one


def test_themes_typed_one_per_line_take_an_emoji_at_the_start_of_a_line_as_their_emoji() -> None:
    typed = "🗣️ Learning Dutch\n\n  Work  \n👨‍👩‍👧Family life\n🇳🇱 Netherlands\n1 Dutch first\n🤝"
    assert theme_names(typed) == [
        ("Learning Dutch", "🗣️"),
        ("Work", None),
        ("Family life", "👨\u200d👩\u200d👧"),
        ("Netherlands", "🇳🇱"),
        ("1 Dutch first", None),
        ("🤝", None),
    ]
