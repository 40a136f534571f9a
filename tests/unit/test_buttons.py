"""Buttons are declared types: packed and read back exactly, refused when they would not fit Telegram's 64 bytes
or hold a wrong value, and no two kinds may share a prefix."""

from __future__ import annotations

import pytest

from bot.app.dispatch import BUTTONS, Access, Route, claim, route_of
from bot.app.driver import check_registrations
from bot.domain import ButtonError, ButtonKind

SORT = ButtonKind("k:so", (("idea", int), ("theme", int)))
FLOW = ButtonKind("f", (("run", int),), rest="press")
LANGUAGE = ButtonKind("lang", (("code", str),))


def test_a_button_packs_its_fields_and_reads_them_back() -> None:
    assert SORT.pack(idea=12, theme=3) == "k:so:12:3"
    assert SORT.unpack("k:so:12:3") == {"idea": 12, "theme": 3}
    assert FLOW.unpack(FLOW.pack(run=7, press="ask:undo.2")) == {"run": 7, "press": "ask:undo.2"}
    assert LANGUAGE.unpack("lang:fa_AF") == {"code": "fa_AF"}


def test_forged_or_stale_data_is_no_button_of_the_kind() -> None:
    for forged in ("k:so:12", "k:so:12:3:4", "k:so:x:3", "k:so:-1:3", "k:so:١٢:3", "k:so", "k:sox:1:2", "lang:a b"):
        assert SORT.unpack(forged) is None and LANGUAGE.unpack(forged) is None, forged


def test_a_button_that_would_not_fit_telegrams_64_bytes_is_refused_when_it_is_built() -> None:
    with pytest.raises(ButtonError, match="64"):
        FLOW.pack(run=1, press="node:" + "x" * 60)
    with pytest.raises(ButtonError, match="whole number"):
        SORT.pack(idea="12", theme=3)
    with pytest.raises(ButtonError, match="takes"):
        SORT.pack(idea=12)
    with pytest.raises(ButtonError, match="word"):
        LANGUAGE.pack(code="fa AF")


def test_two_kinds_of_button_with_one_prefix_are_refused() -> None:
    registry: dict[str, Route] = {}
    claim(SORT, Route(lambda step: None, Access.SESSION, SORT), registry)
    with pytest.raises(ButtonError, match="share the prefix 'k:so'"):
        other = ButtonKind("k:so", (("idea", int),))
        claim(other, Route(lambda step: None, Access.SESSION, other), registry)


def test_every_button_the_bot_makes_has_a_prefix_of_its_own_and_is_found_by_its_data() -> None:
    check_registrations()
    assert len({route.kind for route in BUTTONS.values()}) == len(BUTTONS)
    found = route_of("k:so:5:1")
    assert found is not None and found[1] == {"idea": 5, "theme": 1}
    assert route_of("p:pc:4") is not None and route_of("k:px") is not None, "pool and phase cancel differ"
    assert route_of("p:pc:4")[0] is not route_of("k:pc:closed")[0]  # type: ignore[index]
    assert route_of("k:nothing:1") is None
