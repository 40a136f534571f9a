"""Updates read straight from the Bot API's JSON: what each kind means to the bot, the same dedupe keys as when
python-telegram-bot read them (so an update handled before an upgrade is known after it), and updates whose
fields are not what the Bot API documents refused, to be set aside."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.app.incoming import Command, Edited, Pressed, Sender
from bot.conversation import OtherIn, TextIn, VoiceIn
from bot.storage import update_key
from bot.tg.updates import Unreadable, incoming

SECRET = b"s" * 32
AMAL = {"id": 71, "is_bot": False, "first_name": "Amal", "language_code": "ar"}
PRIVATE = {"id": 71, "type": "private", "first_name": "Amal"}
GROUP = {"id": -500, "type": "group", "title": "Team"}
WHEN = 1_780_000_000


def message(**fields: Any) -> dict[str, Any]:
    return {"message_id": 9, "date": WHEN, "chat": PRIVATE, "from": AMAL} | fields


def command(length: int) -> dict[str, Any]:
    return {"type": "bot_command", "offset": 0, "length": length}


def read(kind: str, part: dict[str, Any]) -> Any:
    return incoming({"update_id": 1, kind: part}, "inspraak_bot", SECRET)


def test_a_typed_idea_is_text_from_its_sender_in_their_private_chat() -> None:
    got = read("message", message(text="Meer taalles\x00"))
    assert (got.chat_id, got.private, got.sender, got.message_id) == (71, True, Sender(71, "ar"), 9)
    assert got.event == TextIn("Meer taalles"), "U+0000, which no keyboard types, is dropped"
    assert got.key == update_key("message:71:9", SECRET)


def test_a_command_is_read_as_ptbs_command_handler_reads_it_and_one_for_another_bot_is_nobodys() -> None:
    start = read("message", message(text="/Start AB12", entities=[{"type": "bot_command", "offset": 0, "length": 6}]))
    assert start.command == Command("start", ("AB12",)) and start.event is None
    other = read(
        "message", message(text="/help@other_bot", entities=[{"type": "bot_command", "offset": 0, "length": 15}])
    )
    assert other.command == Command("", ())


def test_a_voice_note_a_captioned_photo_and_a_sticker_mean_what_they_did() -> None:
    assert read("message", message(voice={"file_id": "V1", "file_unique_id": "u", "duration": 7})).event == VoiceIn(
        "V1", 7
    )
    photo = read("message", message(photo=[{"file_id": "P"}], caption="ons buurthuis"))
    assert photo.event == TextIn("ons buurthuis", attachment="photo")
    assert read("message", message(sticker={"file_id": "S"})).event == OtherIn("sticker")


def test_a_press_names_the_message_its_button_is_on_and_what_that_message_says() -> None:
    query = {
        "id": "q1",
        "from": AMAL,
        "chat_instance": "c",
        "data": "f:1:agree",
        "message": message(text="Do you agree?"),
    }
    got = read("callback_query", query)
    assert got.press == Pressed("q1", "f:1:agree", 9, "Do you agree?") and (got.chat_id, got.private) == (71, True)
    assert got.key == update_key("callback:q1", SECRET)
    too_old = read("callback_query", query | {"message": {"message_id": 9, "date": 0, "chat": PRIVATE}})
    assert too_old.press == Pressed("q1", "f:1:agree", 9, None), "a message the bot can no longer see has no text"
    inline = read("callback_query", {"id": "q2", "from": AMAL, "chat_instance": "c", "data": "x"})
    assert (inline.chat_id, inline.private, inline.press.message_id) == (71, True, None)


def test_an_edit_and_being_added_to_a_group_keep_the_keys_they_had() -> None:
    edited = read("edited_message", message(text="Meer taallessen", edit_date=WHEN + 60))
    assert edited.edited == Edited(9, "Meer taallessen")
    stamp = datetime.fromtimestamp(WHEN + 60, UTC)
    assert edited.key == update_key(f"edit:71:9:{stamp}", SECRET), "as PTB's datetime printed it"
    member = {
        "chat": GROUP,
        "from": AMAL,
        "date": WHEN,
        "old_chat_member": {"status": "left", "user": AMAL},
        "new_chat_member": {"status": "member", "user": AMAL},
    }
    added = read("my_chat_member", member)
    assert added.added_to_group and not added.private and added.chat_id == -500
    assert added.key == update_key(f"member:-500:{datetime.fromtimestamp(WHEN, UTC).isoformat()}:member", SECRET)


def test_kinds_the_bot_does_not_act_on_are_left_alone() -> None:
    assert read("channel_post", {"message_id": 1, "date": WHEN, "chat": {"id": -9, "type": "channel"}}) is None
    assert read("poll_answer", {"poll_id": "7", "option_ids": [0]}) is None


@pytest.mark.parametrize(
    ("kind", "part"),
    [
        ("message", {"message_id": 42, "chat": PRIVATE, "from": AMAL, "text": "no date"}),
        ("message", message(chat="71")),
        ("message", message(text=["not", "text"])),
        ("callback_query", {"id": 5, "from": AMAL, "data": "x"}),
        ("callback_query", {"id": "q", "data": "x"}),
        ("edited_message", message(message_id="9", edit_date=WHEN)),
        ("my_chat_member", {"chat": GROUP, "from": AMAL, "date": WHEN}),
    ],
)
def test_an_update_whose_fields_are_not_what_the_bot_api_documents_is_unreadable(
    kind: str, part: dict[str, Any]
) -> None:
    with pytest.raises(Unreadable):
        read(kind, part)
