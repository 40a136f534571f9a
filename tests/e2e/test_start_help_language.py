"""A person opens the bot, picks a language, and from then on hears it in that language."""

from __future__ import annotations

from bot.app import texts
from bot.i18n import SUPPORTED, Catalogs, native_name
from bot.i18n.bidi import RLM
from bot.sandbox import StandIn, add_person
from tests.e2e.conftest import RunningBot


async def test_dutch_newcomer_sees_the_language_picker_in_dutch_with_dutch_first(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    sanne = add_person(standin, "Sanne", language_code="nl")
    await sanne.start()
    picker = await sanne.reply()
    assert picker.text == catalogs.get("nl").render(texts.CHOOSE_LANGUAGE)
    assert picker.text != texts.CHOOSE_LANGUAGE.msgid
    assert picker.button_labels()[0] == "Nederlands"
    assert sorted(picker.button_labels()) == sorted(native_name(code) for code in SUPPORTED)


async def test_arabic_newcomer_chooses_arabic_and_is_welcomed_right_to_left(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    amal = add_person(standin, "Amal", language_code="ar")
    await amal.start()
    picker = await amal.reply()
    assert picker.text is not None and picker.text.startswith(RLM)
    assert picker.button_labels()[0] == "العربية"
    await amal.press("العربية")
    welcome = await amal.reply()
    assert welcome.text == catalogs.get("ar").render(texts.WELCOME)
    assert welcome.text is not None and welcome.text.startswith(RLM)
    assert picker.buttons == [], "the picker's buttons are removed once a language is chosen"
    assert picker.text == catalogs.get("ar").render(texts.LANGUAGE_CHOSEN.with_params(language="العربية"))
    assert await bot.participant_locale(amal) == "ar"


async def test_english_speaker_gets_help_and_the_command_list(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    alex = add_person(standin, "Alex", language_code="en-GB")
    await alex.send("/help")
    help_text = await alex.reply()
    assert help_text.text == texts.HELP.msgid
    for command in ("/start", "/language", "/help"):
        assert command in help_text.content()


async def test_telegram_app_language_only_preselects_the_choice_is_what_counts(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    olena = add_person(standin, "Olena", language_code="ru")
    await olena.start()
    picker = await olena.reply()
    assert picker.button_labels()[0] == "Русский"
    await olena.press("Українська")
    await olena.reply()
    await olena.send("/help")
    assert (await olena.reply()).text == catalogs.get("uk").render(texts.HELP)
    assert await bot.participant_locale(olena) == "uk"


async def test_language_can_be_changed_at_any_time_with_the_language_command(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    dawit = add_person(standin, "Dawit", language_code=None)
    await dawit.start()
    await dawit.reply()
    await dawit.press("Nederlands")
    await dawit.replies(1)
    await dawit.send("/language")
    picker = await dawit.reply()
    assert picker.text == catalogs.get("nl").render(texts.CHOOSE_LANGUAGE)
    await dawit.press("ትግርኛ", picker)
    assert (await dawit.reply()).text == catalogs.get("ti").render(texts.WELCOME)
    await dawit.send("/start")
    assert (await dawit.reply()).text == catalogs.get("ti").render(texts.WELCOME)
    assert await bot.participant_locale(dawit) == "ti"


async def test_dari_speaker_is_offered_dari_first_and_gets_it(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    farid = add_person(standin, "Farid", language_code="fa-AF")
    await farid.start()
    picker = await farid.reply()
    assert picker.button_labels()[0] == native_name("fa_AF") == "دری"
    await farid.press(0)
    assert (await farid.reply()).text == catalogs.get("fa_AF").render(texts.WELCOME)
    assert await bot.participant_locale(farid) == "fa_AF"


async def test_the_chosen_language_survives_a_restart_of_the_bot(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    amal = add_person(standin, "Amal", language_code="en")
    await amal.start()
    await amal.reply()
    await amal.press("العربية")
    await amal.reply()
    await bot.restart()
    await amal.send("/help")
    assert (await amal.reply()).text == catalogs.get("ar").render(texts.HELP)


async def test_menus_of_commands_are_published_in_every_shipped_language(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    shipped = {"", "nl", "en", "ar", "uk", "ti", "fa", "tr", "so", "ru"}
    await standin.wait_until(lambda: len(standin.world.commands) == len(shipped))  # published as the bot starts
    menus = {language: commands for (_scope, language), commands in standin.world.commands.items()}
    assert set(menus) == shipped
    for language in ("nl", "ar", "ti"):
        descriptions = {c["command"]: c["description"] for c in menus[language]}
        assert descriptions["language"] == catalogs.get(language).text(texts.MENU[2][1])
    assert menus[""] == menus["nl"], "the default menu is in the configured default language (nl)"
