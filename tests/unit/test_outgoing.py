"""Long texts reach a phone as messages Telegram takes, cut where a reader would cut them."""

from __future__ import annotations

from bot.app.outgoing import pieces
from bot.i18n.bidi import RLM


def test_a_long_text_is_cut_between_lines_into_messages_that_fit_and_nothing_is_lost() -> None:
    lines = [f"• idea number {n}: " + "x" * 40 for n in range(300)]
    text = "\n".join(lines)
    found = pieces(text, limit=1000)
    assert len(found) > 1 and all(len(piece) <= 1000 for piece in found)
    assert "\n".join(found) == text, "every line, in order, none cut in half"


def test_a_right_to_left_text_runs_right_to_left_in_every_message() -> None:
    text = RLM + "\n".join("سطر " + "ب" * 50 for _ in range(100))
    found = pieces(text, limit=500)
    assert len(found) > 1 and all(piece.startswith(RLM) and len(piece) <= 500 for piece in found)


def test_a_line_longer_than_a_message_is_cut_where_it_must_be() -> None:
    found = pieces("a" * 2500, limit=1000)
    assert [len(piece) for piece in found] == [1000, 1000, 500]


def test_a_short_text_is_one_message() -> None:
    assert pieces("Hallo") == ["Hallo"]
