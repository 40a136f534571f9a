"""The stand-in answers like the official Bot API does, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.sandbox import StandIn, add_person
from bot.sandbox.flood import FloodLimit
from bot.sandbox.terminal import TerminalChat
from tests.conftest import TOKEN


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    server = StandIn(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


async def call(http: httpx.AsyncClient, standin: StandIn, method: str, **params: Any) -> httpx.Response:
    form = {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in params.items()}
    return await http.post(f"{standin.api_url}{TOKEN}/{method}", data=form)


async def test_a_wrong_token_is_unauthorized_and_an_unknown_method_not_found(
    standin: StandIn, http: httpx.AsyncClient
) -> None:
    wrong = await http.post(f"{standin.api_url}123:nope/getMe")
    assert (wrong.status_code, wrong.json()) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    unknown = await call(http, standin, "sendTelepathy")
    assert (unknown.status_code, unknown.json()["description"]) == (404, "Not Found")


async def test_get_me_describes_the_bot(standin: StandIn, http: httpx.AsyncClient) -> None:
    me = (await call(http, standin, "getMe")).json()["result"]
    assert me["is_bot"] is True and me["id"] == int(TOKEN.split(":")[0]) and me["username"]


async def test_send_message_checks_chat_text_length_and_buttons(standin: StandIn, http: httpx.AsyncClient) -> None:
    amal = add_person(standin, "Amal", "ar")
    missing_chat = await call(http, standin, "sendMessage", chat_id=42, text="hi")
    assert (missing_chat.status_code, missing_chat.json()["description"]) == (400, "Bad Request: chat not found")
    empty = await call(http, standin, "sendMessage", chat_id=amal.id, text="  ")
    assert empty.json()["description"] == "Bad Request: message text is empty"
    too_long = await call(http, standin, "sendMessage", chat_id=amal.id, text="x" * 4097)
    assert too_long.json()["description"] == "Bad Request: message is too long"
    just_fits = await call(http, standin, "sendMessage", chat_id=amal.id, text="x" * 4096)
    assert just_fits.json()["ok"] is True
    big_button = {"inline_keyboard": [[{"text": "A", "callback_data": "é" * 33}]]}
    refused = await call(http, standin, "sendMessage", chat_id=amal.id, text="pick", reply_markup=big_button)
    assert refused.json()["description"] == "Bad Request: BUTTON_DATA_INVALID"
    ok = await call(
        http,
        standin,
        "sendMessage",
        chat_id=amal.id,
        text="pick",
        reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a" * 64}]]},
    )
    sent = ok.json()["result"]
    assert sent["chat"]["id"] == amal.id and sent["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"
    assert [m.text for m in amal.inbox] == ["x" * 4096, "pick"]


async def test_json_bodies_are_accepted_like_form_bodies(standin: StandIn, http: httpx.AsyncClient) -> None:
    amal = add_person(standin, "Amal", "ar")
    answer = await http.post(f"{standin.api_url}{TOKEN}/sendMessage", json={"chat_id": amal.id, "text": "سلام"})
    assert answer.json()["result"]["text"] == "سلام"


async def test_markup_is_parsed_only_when_a_parse_mode_is_given(standin: StandIn, http: httpx.AsyncClient) -> None:
    sanne = add_person(standin, "Sanne", "nl")
    plain = await call(http, standin, "sendMessage", chat_id=sanne.id, text="<b>1 < 2</b> *x_")
    assert plain.json()["result"]["text"] == "<b>1 < 2</b> *x_"
    broken_html = await call(http, standin, "sendMessage", chat_id=sanne.id, text="<b>1 < 2", parse_mode="HTML")
    assert broken_html.json()["description"].startswith("Bad Request: can't parse entities")
    markdown = await call(http, standin, "sendMessage", chat_id=sanne.id, text="Done.", parse_mode="MarkdownV2")
    assert "reserved" in markdown.json()["description"]


async def test_updates_stay_until_confirmed_and_are_redelivered_until_then(
    standin: StandIn, http: httpx.AsyncClient
) -> None:
    sanne = add_person(standin, "Sanne", "nl")
    await sanne.send("een")
    await sanne.send("twee")
    first = (await call(http, standin, "getUpdates")).json()["result"]
    again = (await call(http, standin, "getUpdates")).json()["result"]
    assert [u["message"]["text"] for u in first] == ["een", "twee"] and again == first
    after = (await call(http, standin, "getUpdates", offset=first[0]["update_id"] + 1)).json()["result"]
    assert [u["message"]["text"] for u in after] == ["twee"]
    done = (await call(http, standin, "getUpdates", offset=first[1]["update_id"] + 1)).json()["result"]
    assert done == []


async def test_a_commands_message_carries_its_bot_command_entity(standin: StandIn, http: httpx.AsyncClient) -> None:
    sanne = add_person(standin, "Sanne", "nl")
    await sanne.start("ABC123")
    message = (await call(http, standin, "getUpdates")).json()["result"][0]["message"]
    assert message["text"] == "/start ABC123"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["from"]["language_code"] == "nl" and message["chat"]["type"] == "private"


async def test_a_long_poll_returns_as_soon_as_an_update_arrives(standin: StandIn, http: httpx.AsyncClient) -> None:
    sanne = add_person(standin, "Sanne", "nl")
    poll = asyncio.create_task(call(http, standin, "getUpdates", timeout=30))
    await asyncio.wait_for(standin.polling.wait(), 5)  # the poll has arrived and waits
    assert not poll.done()
    await sanne.send("hallo")
    result = (await asyncio.wait_for(poll, 5)).json()["result"]
    assert [u["message"]["text"] for u in result] == ["hallo"]


async def test_a_second_poller_ends_the_first_with_a_conflict(standin: StandIn, http: httpx.AsyncClient) -> None:
    first = asyncio.create_task(call(http, standin, "getUpdates", timeout=30))
    await asyncio.wait_for(standin.polling.wait(), 5)  # the first poll is in before the second comes
    second = asyncio.create_task(call(http, standin, "getUpdates", timeout=1))
    conflict = await asyncio.wait_for(first, 5)
    assert conflict.status_code == 409
    assert conflict.json()["description"].startswith("Conflict: terminated by other getUpdates request")
    assert (await second).json() == {"ok": True, "result": []}


async def test_editing_and_answering_follow_telegrams_rules(standin: StandIn, http: httpx.AsyncClient) -> None:
    olena = add_person(standin, "Olena", "uk")
    markup = {"inline_keyboard": [[{"text": "Так", "callback_data": "yes"}]]}
    sent = (await call(http, standin, "sendMessage", chat_id=olena.id, text="Питання?", reply_markup=markup)).json()
    message_id = sent["result"]["message_id"]
    same = await call(
        http, standin, "editMessageText", chat_id=olena.id, message_id=message_id, text="Питання?", reply_markup=markup
    )
    assert same.json()["description"].startswith("Bad Request: message is not modified")
    edited = await call(http, standin, "editMessageText", chat_id=olena.id, message_id=message_id, text="Дякую")
    assert edited.json()["result"]["text"] == "Дякую" and "reply_markup" not in edited.json()["result"]
    missing = await call(http, standin, "editMessageText", chat_id=olena.id, message_id=999, text="?")
    assert missing.json()["description"] == "Bad Request: message to edit not found"

    await call(http, standin, "sendMessage", chat_id=olena.id, text="Ще?", reply_markup=markup)
    query_id = await olena.press("Так")
    assert (await call(http, standin, "answerCallbackQuery", callback_query_id=query_id)).json()["result"] is True
    twice = await call(http, standin, "answerCallbackQuery", callback_query_id=query_id)
    assert twice.json()["description"].startswith("Bad Request: query is too old")


async def test_files_round_trip_through_upload_get_file_and_download(standin: StandIn, http: httpx.AsyncClient) -> None:
    amal = add_person(standin, "Amal", "ar")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (600).to_bytes(4, "big") + (400).to_bytes(4, "big") + b"rest"
    photo = await http.post(
        f"{standin.api_url}{TOKEN}/sendPhoto", data={"chat_id": str(amal.id)}, files={"photo": ("qr.png", png)}
    )
    size = photo.json()["result"]["photo"][0]
    assert (size["width"], size["height"]) == (600, 400)
    file = (await call(http, standin, "getFile", file_id=size["file_id"])).json()["result"]
    download = await http.get(f"{standin.file_url}{TOKEN}/{file['file_path']}")
    assert download.content == png
    voice = await amal.voice(duration=7)
    voice_file = (await call(http, standin, "getFile", file_id=voice.media["voice"]["file_id"])).json()["result"]
    assert (await http.get(f"{standin.file_url}{TOKEN}/{voice_file['file_path']}")).content.startswith(b"OggS")


async def test_a_person_who_blocked_the_bot_cannot_be_messaged(standin: StandIn, http: httpx.AsyncClient) -> None:
    sanne = add_person(standin, "Sanne", "nl")
    sanne.block()
    blocked = await call(http, standin, "sendMessage", chat_id=sanne.id, text="hallo")
    assert (blocked.status_code, blocked.json()["description"]) == (403, "Forbidden: bot was blocked by the user")


async def test_command_menus_are_validated_and_kept_per_language(standin: StandIn, http: httpx.AsyncClient) -> None:
    good = [{"command": "help", "description": "Hulp"}]
    assert (await call(http, standin, "setMyCommands", commands=good, language_code="nl")).json()["result"] is True
    bad = await call(http, standin, "setMyCommands", commands=[{"command": "Help!", "description": "x"}])
    assert bad.json()["description"] == "Bad Request: BOT_COMMAND_INVALID"
    region = await call(http, standin, "setMyCommands", commands=good, language_code="fa_AF")
    assert region.status_code == 400
    menu = (await call(http, standin, "getMyCommands", language_code="nl")).json()["result"]
    assert menu == good
    assert (await call(http, standin, "getMyCommands")).json()["result"] == []


async def test_documents_are_delivered_with_their_name_and_keyboards_can_be_removed(
    standin: StandIn, http: httpx.AsyncClient
) -> None:
    sanne = add_person(standin, "Sanne", "nl")
    sent = await http.post(
        f"{standin.api_url}{TOKEN}/sendDocument",
        data={"chat_id": str(sanne.id), "caption": "Uitslag"},
        files={"document": ("uitslag.csv", b"thema,stemmen\ntaal,3\n", "text/csv")},
    )
    document = sent.json()["result"]["document"]
    assert (document["file_name"], document["mime_type"]) == ("uitslag.csv", "text/csv")
    assert sanne.inbox[-1].caption == "Uitslag"
    markup = {"inline_keyboard": [[{"text": "Ja", "callback_data": "y"}]]}
    asked = (await call(http, standin, "sendMessage", chat_id=sanne.id, text="Klaar?", reply_markup=markup)).json()
    message_id = asked["result"]["message_id"]
    cleared = await call(http, standin, "editMessageReplyMarkup", chat_id=sanne.id, message_id=message_id)
    assert "reply_markup" not in cleared.json()["result"] and sanne.inbox[-1].buttons == []
    again = await call(http, standin, "editMessageReplyMarkup", chat_id=sanne.id, message_id=message_id)
    assert again.json()["description"].startswith("Bad Request: message is not modified")


async def test_in_flood_mode_sending_too_fast_is_answered_with_429_and_retry_after_like_telegram(
    http: httpx.AsyncClient,
) -> None:
    moment = [0.0]
    flood = FloodLimit(overall=30, per_chat=1, burst=3, clock=lambda: moment[0])
    server = StandIn(TOKEN, flood=flood)
    await server.start()
    try:
        amal = add_person(server, "Amal", "ar")
        burst = [await call(http, server, "sendMessage", chat_id=amal.id, text=f"{n}") for n in range(4)]
        assert [r.status_code for r in burst] == [200, 200, 200, 429]
        assert burst[3].json() == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }
        answered = await call(http, server, "answerCallbackQuery", callback_query_id="nope")
        assert answered.status_code == 400, "only messages count towards the limit"
        moment[0] = 1.0
        assert (await call(http, server, "sendMessage", chat_id=amal.id, text="later")).status_code == 200

        others = [add_person(server, f"P{n}") for n in range(30)]
        statuses = [(await call(http, server, "sendMessage", chat_id=p.id, text="hi")).status_code for p in others]
        assert statuses.count(429) == 1 and statuses[-1] == 429, "30 a second in all (one went out this second)"
        assert flood.refused == 2
    finally:
        await server.stop()


def test_flood_limits_scale_so_a_benchmark_sends_thousands_in_seconds() -> None:
    moment = [0.0]
    flood = FloodLimit(scale=10, clock=lambda: moment[0])
    sent = 0
    for step in range(100):  # one simulated second, in hundredths, three new people each
        moment[0] = step / 100
        sent += sum(flood.admit(1000 + 3 * step + n) is None for n in range(3))
    assert flood.overall_rate == 300
    assert 300 <= sent <= 300 + 30, "the first second may use the full bucket, then 300 a second"
    assert flood.admit(7) is None and [flood.admit(7) for _ in range(3)][-1] is not None


async def test_the_terminal_chat_saves_every_file_the_bot_sends_and_shows_voice_notes_and_alerts(
    standin: StandIn, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    out = io.StringIO()
    chat = TerminalChat(standin, out=out, files=tmp_path / "files")
    sanne = chat.people[0]
    png = b"\x89PNG\r\n\x1a\n" + b"qr" * 50
    url = f"{standin.api_url}{TOKEN}"
    sent = await http.post(f"{url}/sendPhoto", data={"chat_id": str(sanne.id)}, files={"photo": ("qr.png", png)})
    assert sent.json()["ok"] is True
    voice = await http.post(
        f"{url}/sendVoice", data={"chat_id": str(sanne.id), "duration": "4"}, files={"voice": ("v.ogg", b"OggS")}
    )
    assert voice.json()["ok"] is True
    await call(
        http,
        standin,
        "sendMessage",
        chat_id=sanne.id,
        text="Kies",
        reply_markup={"inline_keyboard": [[{"text": "Ja", "callback_data": "x"}]]},
    )
    await standin.wait_until(lambda: len(sanne.inbox) == 3)
    chat.show_new()
    await chat.handle("#1")
    query = next(q for q, answer in standin.world.callback_answers.items() if answer is None)
    await call(http, standin, "answerCallbackQuery", callback_query_id=query, text="Verlopen", show_alert=True)
    chat.show_new()

    printed = out.getvalue()
    saved = sorted((tmp_path / "files").iterdir())
    assert [p.read_bytes() for p in saved if p.name.endswith(".png")] == [png], "the picture, to open and look at"
    assert all(str(p) in printed for p in saved)
    assert "[voice 4 s → " in printed, "a voice note shows its length and where it was saved"
    assert "[alert → Sanne] Verlopen" in printed
