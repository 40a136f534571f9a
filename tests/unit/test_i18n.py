"""Everyone is spoken to in their own language, in the right direction, with nothing missing."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po

from bot.app.texts import HELP
from bot.domain import Msg, Verbatim
from bot.i18n import SUPPORTED, Catalogs, is_rtl, isolate, native_name, negotiate
from bot.i18n.bidi import FSI, PDI, RLM
from bot.i18n.locales import fallback_chain

LOCALES = Path(__file__).resolve().parents[2] / "locales"
PLACEHOLDER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)\}")


@pytest.mark.parametrize(
    ("hint", "expected"),
    [("ar", "ar"), ("fa-IR", "fa"), ("fa-AF", "fa_AF"), ("en-US", "en"), ("pt-BR", None), (None, None), ("", None)],
)
def test_telegram_app_language_maps_onto_a_shipped_language(hint: str | None, expected: str | None) -> None:
    assert negotiate(hint) == expected


def test_languages_are_named_in_their_own_script() -> None:
    names = {code: native_name(code) for code in SUPPORTED}
    assert names["ar"] == "العربية" and names["fa_AF"] == "دری" and names["ti"] == "ትግርኛ"
    assert names["uk"] == "Українська" and names["nl"] == "Nederlands"
    assert len(set(names.values())) == len(SUPPORTED)


def test_right_to_left_languages_are_known() -> None:
    assert {code for code in SUPPORTED if is_rtl(code)} == {"ar", "fa", "fa_AF"}


def test_dari_falls_back_to_persian_then_english() -> None:
    assert fallback_chain("fa_AF") == ("fa_AF", "fa", "en")
    assert fallback_chain("en") == ("en",)


def test_messages_in_rtl_languages_start_right_to_left_and_values_are_isolated(catalogs: Catalogs) -> None:
    message = Msg("language.chosen", "Your language is now {language}.", {"language": "Nederlands"})
    arabic = catalogs.get("ar").render(message)
    assert arabic.startswith(RLM)
    assert isolate("Nederlands") in arabic
    english = catalogs.get("en").render(message)
    assert english == f"Your language is now {FSI}Nederlands{PDI}."


def test_every_line_of_a_multi_line_rtl_message_runs_right_to_left(catalogs: Catalogs) -> None:
    help_text = catalogs.get("fa").render(HELP)
    lines = [line for line in help_text.split("\n") if line]
    assert len(lines) >= 4 and all(line.startswith(RLM) for line in lines)
    assert not catalogs.get("uk").render(HELP).startswith(RLM)


def test_a_participants_own_words_are_never_translated_or_marked(catalogs: Catalogs) -> None:
    assert catalogs.get("ar").text(Verbatim("Taal <b>*eerst*</b>")) == "Taal <b>*eerst*</b>"


def test_an_unknown_locale_falls_back_to_english(catalogs: Catalogs) -> None:
    assert catalogs.get("xx").locale == "en"
    assert catalogs.get(None).locale == "en"


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    with open(LOCALES / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


def test_every_shipped_language_has_a_catalog_and_the_template_is_current() -> None:
    with open(LOCALES / "messages.pot", "rb") as handle:
        template = read_po(handle)
    wanted = {(m.context, m.id) for m in template if m.id}
    assert wanted, "the template holds messages"
    for locale in SUPPORTED:
        have = {(m.context, m.id) for m in _catalog(locale) if m.id}
        assert have >= wanted, f"{locale} lacks {wanted - have}"


@pytest.mark.parametrize("locale", SUPPORTED)
def test_every_message_is_translated_with_the_same_placeholders(locale: str) -> None:
    for message in _catalog(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        where = f"{locale} {message.context}"
        assert all(strings) and not message.fuzzy, f"{where} is not translated"
        expected = set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == expected, f"{where} placeholders differ"
        for command in re.findall(r"/[a-z_]+", ids[0]):
            assert all(command in s for s in strings), f"{where} lost the command {command}"


@pytest.mark.parametrize("locale", [code for code in SUPPORTED if code != "en"])
def test_translations_written_by_machine_are_marked_for_review(locale: str) -> None:
    for message in _catalog(locale):
        if message.id and message.string != message.id:
            comments = " ".join(message.user_comments)
            reviewed = "Reviewed by a native speaker" in comments
            assert reviewed or "needs review by a native speaker" in comments, f"{locale} {message.context}"


def test_a_date_and_time_is_shown_to_the_minute_in_the_persons_own_way(catalogs: Catalogs) -> None:
    moment = datetime(2026, 3, 5, 16, 0, tzinfo=UTC)  # 17:00 in Amsterdam
    amsterdam = ZoneInfo("Europe/Amsterdam")
    assert catalogs.get("nl").moment(moment, amsterdam) == "5 mrt 2026, 17:00"
    assert catalogs.get("en").moment(moment, amsterdam).replace("\u202f", " ") == "Mar 5, 2026, 5:00 PM"
    for code in SUPPORTED:
        assert ":00:00" not in catalogs.get(code).moment(moment, amsterdam), code
