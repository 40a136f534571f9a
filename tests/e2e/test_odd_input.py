"""Whatever a person sends outside a flow, the bot answers kindly and stores nothing."""

from __future__ import annotations

import sqlite3

import pytest

from bot.app import texts
from bot.i18n import Catalogs
from bot.sandbox import StandIn, add_person
from bot.storage import people, updates
from tests.e2e.conftest import RunningBot
from tests.store import read


async def test_a_forged_language_button_is_refused_and_nothing_is_stored(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    amal = add_person(standin, "Amal", language_code="ar")
    await amal.start()
    picker = await amal.reply()
    for forged in ("lang:xx", "lang:", "admin:delete_all", "x" * 64):
        answer = await amal.answer(await amal.press_data(forged, picker))
        assert answer == {"text": catalogs.get("ar").text(texts.BUTTON_EXPIRED), "show_alert": True}
    assert await bot.participant_locale(amal) is None
    assert amal.unread() == []


async def test_a_button_press_delivered_twice_is_handled_once(bot: RunningBot, standin: StandIn) -> None:
    sanne = add_person(standin, "Sanne", language_code="nl")
    await sanne.start()
    await sanne.reply()
    await sanne.press("Nederlands")
    await sanne.reply()
    pressed = [u for u in standin.world.updates_seen if "callback_query" in u][-1]
    await standin.redeliver(pressed)
    await sanne.send("/help")
    await sanne.reply()
    assert len(sanne.inbox) == 3, "picker, welcome and help: the redelivered press added nothing"


async def test_unknown_commands_stickers_and_photos_get_a_kind_pointer(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    olena = add_person(standin, "Olena", language_code="uk")
    await olena.send("/delete_everything")
    assert (await olena.reply()).text == catalogs.get("uk").render(texts.UNKNOWN_COMMAND)
    await olena.sticker()
    assert (await olena.reply()).text == catalogs.get("uk").render(texts.NOTHING_TO_DO)
    await olena.photo()
    assert (await olena.reply()).text == catalogs.get("uk").render(texts.NOTHING_TO_DO)
    await olena.send("<b>*hello*</b> _[x](y)_ " + "ب" * 5000)
    assert (await olena.reply()).text == catalogs.get("uk").render(texts.NOTHING_TO_DO)
    assert await bot.participant_locale(olena) is None


async def test_added_to_a_group_the_bot_says_once_that_it_works_in_private_chats(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs
) -> None:
    sanne = add_person(standin, "Sanne", language_code="nl")
    group_id = await sanne.add_bot_to_group()
    await standin.wait_until(lambda: bool(standin.world.messages.get(group_id)))
    said = standin.world.messages[group_id]
    assert [m.text for m in said] == [catalogs.get("nl").render(texts.PRIVATE_ONLY)]


async def test_when_the_store_fails_the_person_is_asked_kindly_to_try_again_and_the_bot_keeps_running(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, caplog: pytest.LogCaptureFixture
) -> None:
    amal = add_person(standin, "Amal", language_code="ar")
    secret_words = "my private idea about the reception centre"
    original = people.by_telegram

    def broken(conn: object, telegram_id: int) -> None:
        raise sqlite3.OperationalError(f"disk I/O error near {secret_words}")

    people.by_telegram = broken  # type: ignore[assignment]
    try:
        await amal.send(secret_words)
        assert (await amal.reply()).text == catalogs.get("ar").render(texts.TRY_AGAIN)
    finally:
        people.by_telegram = original
    assert any("OperationalError" in r.getMessage() for r in caplog.records)
    assert not any(secret_words in r.getMessage() for r in caplog.records)
    await amal.send("/help")
    assert (await amal.reply()).text == catalogs.get("ar").render(texts.HELP)


async def test_updates_the_bot_cannot_read_are_set_aside_once_and_everyone_else_is_served(
    bot: RunningBot, standin: StandIn, catalogs: Catalogs, caplog: pytest.LogCaptureFixture
) -> None:
    amal = add_person(standin, "Amal", language_code="ar")
    olena = add_person(standin, "Olena", language_code="uk")
    await amal.send("/help")
    # A poll answer: not a kind the bot acts on, so neither handled nor set aside.
    standin.world.queue_update("poll_answer", {"poll_id": "7", "option_ids": [0], "user": amal.person.to_api()})
    # Being added to a group, come through without the bot's new status: nobody in a private chat to tell.
    group = {"id": -500, "type": "group", "title": "Team"}
    member = {"chat": group, "from": amal.person.to_api(), "date": 1_780_000_000}
    unreadable_member = standin.world.queue_update("my_chat_member", member)
    # And a message that came through mangled (no date): the person who sent it is told to try again.
    mangled = {"message_id": 42, "chat": amal.person.chat(), "from": amal.person.to_api(), "text": "فكرتي السرية"}
    unreadable_message = standin.world.queue_update("message", mangled)
    await olena.send("/help")
    assert (await amal.reply()).text == catalogs.get("ar").render(texts.HELP)
    assert (await olena.reply()).text == catalogs.get("uk").render(texts.HELP)
    assert (await amal.reply()).text == catalogs.get("ar").render(texts.TRY_AGAIN)
    await standin.wait_until(lambda: not standin.world.updates, timeout=10)

    await bot.restart()  # they were confirmed: they do not come again, and are not set aside twice
    await olena.send("/help")
    await olena.reply()
    aside = await read(bot.config.db, updates.set_aside_ids)
    assert aside == [unreadable_member["update_id"], unreadable_message["update_id"]]
    lines = [r.getMessage() for r in caplog.records]
    assert any(f"set aside update {unreadable_member['update_id']} (my_chat_member)" in line for line in lines)
    for private in ("فكرتي السرية", str(amal.id), "Amal"):
        assert not any(private in line for line in lines), private
