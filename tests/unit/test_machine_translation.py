"""Machine translation by LibreTranslate or DeepL: texts in order, the right language codes, the services' limits
respected, and every failure turned into Unsupported, Unavailable or Misconfigured without the key or the texts."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
import pytest

from bot.i18n import SUPPORTED
from bot.mt import (
    KINDS,
    MachineTranslator,
    Misconfigured,
    TranslationError,
    Unavailable,
    Unsupported,
    batching,
    build,
    languages,
)
from bot.mt.deepl import FREE_URL, PRO_URL, DeepL, base_url
from bot.mt.http import retry_after
from bot.mt.libretranslate import LibreTranslate
from tests.mt_standins import (
    DeepLStandIn,
    LibreTranslateStandIn,
    closed_port_url,
    deepl_standin,
    libretranslate_standin,
)

KEY = "s3cr3t-KEY-0f-the-0perator:fx"
SECRET_TEXT = "my neighbour Fatima said the rent is too high"


def libre(
    server: LibreTranslateStandIn, key: str | None = None, timeout: float = 10.0, char_limit: int | None = None
) -> LibreTranslate:
    return LibreTranslate(server.url, key, timeout=timeout, char_limit=char_limit)


def deepl(server: DeepLStandIn, timeout: float = 10.0) -> DeepL:
    return DeepL(server.key, server.url, timeout=timeout)


# --- translating ---------------------------------------------------------------------------------------------------


async def test_libretranslate_translates_a_batch_in_order_in_one_request() -> None:
    async with libretranslate_standin() as server:
        texts = await libre(server).translate(["مرحبا", "we need more work", "لغة", "بيت"], "ar", "nl")
        assert texts == ["hallo", "[nl] we need more work", "taal", "huis"]
        [request] = server.seen()
        assert request.body == {
            "q": ["مرحبا", "we need more work", "لغة", "بيت"],
            "source": "ar",
            "target": "nl",
            "format": "text",
        }


async def test_libretranslate_asks_for_its_languages_once_for_many_translations() -> None:
    async with libretranslate_standin() as server:
        translator = libre(server)
        for word in ("привіт", "мова", "робота"):
            await translator.translate([word], "uk", "en")
        assert len(server.seen("/languages")) == 1
        assert len(server.seen()) == 3


async def test_deepl_translates_a_batch_in_order_with_the_key_in_the_header() -> None:
    async with deepl_standin(key=KEY) as server:
        texts = await deepl(server).translate(["мова", "ми хочемо працювати", "привіт"], "uk", "nl")
        assert texts == ["taal", "[NL] ми хочемо працювати", "hallo"]
        [request] = server.seen()
        assert request.headers["Authorization"] == f"DeepL-Auth-Key {KEY}"
        assert request.body == {
            "text": ["мова", "ми хочемо працювати", "привіт"],
            "source_lang": "UK",
            "target_lang": "NL",
        }
        assert KEY not in str(request.body)


async def test_the_translator_is_what_build_makes_of_the_configuration() -> None:
    assert build("none", None, None) is None
    translator: MachineTranslator | None = build("libretranslate", "http://127.0.0.1:5000/", None)
    assert isinstance(translator, LibreTranslate) and translator.name == "LibreTranslate"
    translator = build("deepl", None, KEY)
    assert isinstance(translator, DeepL) and translator.name == "DeepL"
    assert KINDS == ("none", "libretranslate", "deepl")
    for kind, url, key in (("libretranslate", None, KEY), ("deepl", "http://x", None), ("google", None, KEY)):
        with pytest.raises(ValueError) as refused:
            build(kind, url, key)
        assert KEY not in str(refused.value)


def test_deepl_uses_the_free_api_for_a_free_key_unless_an_address_is_configured() -> None:
    assert base_url("abc:fx") == FREE_URL == "https://api-free.deepl.com"
    assert base_url("abc") == PRO_URL == "https://api.deepl.com"
    assert base_url("abc:fx", "http://127.0.0.1:9/") == "http://127.0.0.1:9"
    assert base_url("abc", "https://proxy.example/v2") == "https://proxy.example"


async def test_blank_texts_come_back_as_they_were_and_only_the_others_are_sent() -> None:
    async with deepl_standin() as server:
        texts = await deepl(server).translate(["", "مرحبا", "  "], "ar", "nl")
        assert texts == ["", "hallo", "  "]
        assert server.seen()[0].body["text"] == ["مرحبا"]
        assert await deepl(server).translate(["", " "], "ar", "nl") == ["", " "]
        assert len(server.seen()) == 1


async def test_the_same_language_on_both_sides_needs_no_request() -> None:
    async with libretranslate_standin() as libre_server, deepl_standin() as deepl_server:
        assert await libre(libre_server).translate(["hallo"], "nl", "nl") == ["hallo"]
        assert await deepl(deepl_server).translate(["hallo"], "nl", "nl") == ["hallo"]
        assert libre_server.requests == [] and deepl_server.requests == []


# --- languages -----------------------------------------------------------------------------------------------------


def test_every_shipped_locale_has_a_code_or_none_for_each_service() -> None:
    for table in (languages.LIBRETRANSLATE, languages.DEEPL_SOURCE, languages.DEEPL_TARGET):
        assert set(table) == set(SUPPORTED)
    assert languages.code(languages.DEEPL_TARGET, "xx") is None


async def test_dari_is_persian_for_libretranslate_and_prs_for_deepl() -> None:
    async with libretranslate_standin() as libre_server, deepl_standin() as deepl_server:
        assert await libre(libre_server).translate(["زبان"], "fa_AF", "nl") == ["taal"]
        assert libre_server.seen()[0].body["source"] == "fa"
        await deepl(deepl_server).translate(["hallo"], "nl", "fa_AF")
        assert deepl_server.seen()[0].body["target_lang"] == "PRS"
        # Persian and Dari are one written language to LibreTranslate: nothing to translate, nothing sent
        assert await libre(libre_server).translate(["سلام"], "fa", "fa_AF") == ["سلام"]
        assert len(libre_server.seen()) == 1


async def test_english_is_british_as_a_deepl_target_and_bare_as_a_source() -> None:
    async with deepl_standin() as server:
        assert await deepl(server).translate(["huis"], "nl", "en") == ["house"]
        assert await deepl(server).translate(["house"], "en", "nl") == ["huis"]
        first, second = server.seen()
        assert (first.body["source_lang"], first.body["target_lang"]) == ("NL", "EN-GB")
        assert (second.body["source_lang"], second.body["target_lang"]) == ("EN", "NL")
        assert server.deprecated_targets == []


@pytest.mark.parametrize(("source", "target"), [("ti", "nl"), ("nl", "ti"), ("xx", "nl")])
async def test_tigrinya_and_unknown_locales_are_refused_without_a_request(source: str, target: str) -> None:
    async with libretranslate_standin() as libre_server, deepl_standin() as deepl_server:
        for translator in (libre(libre_server), deepl(deepl_server)):
            with pytest.raises(Unsupported):
                await translator.translate(["ሰላም"], source, target)
        assert libre_server.requests == [] and deepl_server.requests == []


async def test_deepl_refuses_somali_without_a_request() -> None:
    async with deepl_standin() as server:
        with pytest.raises(Unsupported):
            await deepl(server).translate(["nabad"], "so", "nl")
        assert server.requests == []


async def test_a_pair_the_libretranslate_server_does_not_list_is_unsupported_without_translating() -> None:
    async with libretranslate_standin() as server:  # its languages have no Somali
        with pytest.raises(Unsupported, match="so to nl"):
            await libre(server).translate(["nabad"], "so", "nl")
        assert len(server.seen("/languages")) == 1 and server.seen() == []


async def test_a_pair_the_server_refuses_when_asked_is_unsupported() -> None:
    async with libretranslate_standin(refused_pairs={("ar", "uk")}) as libre_server:
        with pytest.raises(Unsupported):
            await libre(libre_server).translate(["مرحبا"], "ar", "uk")
        assert len(libre_server.seen()) == 1
    async with deepl_standin(targets={"NL": "Dutch"}) as deepl_server:  # an account that cannot translate into UK
        with pytest.raises(Unsupported):
            await deepl(deepl_server).translate(["hallo"], "nl", "uk")
        assert len(deepl_server.seen()) == 1


# --- limits --------------------------------------------------------------------------------------------------------


async def test_deepl_sends_120_texts_in_requests_of_at_most_50_in_order() -> None:
    async with deepl_standin() as server:
        texts = [f"idee {n}" for n in range(120)]
        translated = await deepl(server).translate(texts, "nl", "ar")
        assert translated == [f"[AR] idee {n}" for n in range(120)]
        assert [len(request.body["text"]) for request in server.seen()] == [50, 50, 20]


async def test_deepl_keeps_each_request_under_128_kib() -> None:
    async with deepl_standin() as server:
        texts = [f"{n} " + "ب" * 3000 for n in range(40)]  # 40 texts of about 6 KB: too much for one request
        translated = await deepl(server).translate(texts, "ar", "nl")
        assert translated == [f"[NL] {text}" for text in texts]
        sizes = [request.size for request in server.seen()]
        assert len(sizes) > 1 and max(sizes) <= 128 * 1024


async def test_libretranslate_keeps_each_request_within_the_char_limit_it_publishes() -> None:
    async with libretranslate_standin(char_limit=100) as server:
        texts = [f"{n:02d} " + "x" * 27 for n in range(10)]  # 30 characters each, 300 in all
        assert await libre(server).translate(texts, "nl", "en") == [f"[en] {text}" for text in texts]
        counts = [sum(map(len, request.body["q"])) for request in server.seen()]
        assert counts == [90, 90, 90, 30]


async def test_libretranslate_learns_a_char_limit_it_does_not_publish_from_its_refusal() -> None:
    async with libretranslate_standin(char_limit=100, publish_char_limit=False) as server:
        texts = [f"{n:02d} " + "x" * 27 for n in range(10)]
        translator = libre(server)
        assert await translator.translate(texts, "nl", "en") == [f"[en] {text}" for text in texts]
        refused, *accepted = server.seen()
        assert len(refused.body["q"]) == 10
        assert [len(request.body["q"]) for request in accepted] == [3, 3, 3, 1]
        await translator.translate(texts, "nl", "en")  # learnt once: no more refusals
        assert len(server.seen()) == 1 + 4 + 4


async def test_libretranslate_learns_a_batch_limit_from_its_refusal() -> None:
    async with libretranslate_standin(batch_limit=4) as server:
        texts = [f"idee {n}" for n in range(10)]
        assert await libre(server).translate(texts, "nl", "en") == [f"[en] {text}" for text in texts]
        assert [len(request.body["q"]) for request in server.seen()] == [10, 4, 4, 2]


async def test_a_text_longer_than_the_limit_is_cut_at_spaces_and_joined_again() -> None:
    async with libretranslate_standin(char_limit=40) as server:
        text = "eerste zin over het huis.\nDan de tweede zin over werk en taal."
        [translated] = await libre(server).translate([text], "nl", "en")
        sent = [q for request in server.seen() for q in request.body["q"]]
        assert len(sent) > 1 and all(len(q) <= 40 and q == q.strip() for q in sent)
        assert translated.count("[en] ") == len(sent)
        assert translated.replace("[en] ", "") == text  # every piece back in its place, with its own blank


def test_batches_respect_both_the_count_and_the_weight() -> None:
    assert batching.batches([1] * 7, 3, None) == [range(0, 3), range(3, 6), range(6, 7)]
    assert batching.batches([4, 4, 4, 9, 1], None, 9) == [range(0, 2), range(2, 3), range(3, 4), range(4, 5)]
    assert batching.batches([], 50, 10) == []


async def test_a_configured_char_limit_is_kept_without_asking_the_server_for_its_own() -> None:
    async with libretranslate_standin() as server:  # no limit of its own
        texts = [f"{n:02d} " + "x" * 27 for n in range(10)]
        assert await libre(server, char_limit=100).translate(texts, "nl", "en") == [f"[en] {text}" for text in texts]
        assert [len(request.body["q"]) for request in server.seen()] == [3, 3, 3, 1]
        assert server.seen("/frontend/settings") == []


# --- failures ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "header", "wait"), [(429, "7", 7.0), (500, None, None), (503, "2", 2.0)])
async def test_libretranslate_busy_or_down_is_unavailable_with_its_retry_after(
    status: int, header: str | None, wait: float | None
) -> None:
    async with libretranslate_standin() as server:
        server.fail_next(status, retry_after=header)
        with pytest.raises(Unavailable) as raised:
            await libre(server).translate(["hallo"], "nl", "en")
        assert raised.value.retry_after == wait
        assert str(status) in str(raised.value)


@pytest.mark.parametrize(
    ("status", "header", "wait"),
    [
        (429, "3", 3.0),
        (456, None, None),
        (456, "3600", 3600.0),
        (500, None, None),
        (503, "1.5", 1.5),
        (504, None, None),
        (529, "4", 4.0),
    ],
)
async def test_deepl_busy_down_or_out_of_quota_is_unavailable_with_its_retry_after(
    status: int, header: str | None, wait: float | None
) -> None:
    async with deepl_standin() as server:
        server.fail_next(status, retry_after=header)
        with pytest.raises(Unavailable) as raised:
            await deepl(server).translate(["hallo"], "nl", "ar")
        assert raised.value.retry_after == wait
        # the next call goes through: the fault was for one request only
        assert await deepl(server).translate(["hallo"], "nl", "ar") == ["مرحبا"]


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after("120") == 120.0
    assert retry_after(None) is None and retry_after("soon") is None and retry_after("") is None
    later = retry_after(format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True))
    assert later is not None and 80 <= later <= 90
    assert retry_after(format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)) == 0.0


async def test_a_wrong_key_is_misconfigured() -> None:
    async with deepl_standin(key="the-right-key") as deepl_server:
        with pytest.raises(Misconfigured, match="INSPRAAK_TRANSLATOR_KEY"):
            await DeepL(KEY, deepl_server.url).translate(["hallo"], "nl", "ar")
    async with libretranslate_standin(api_key="the-right-key") as libre_server:
        with pytest.raises(Misconfigured, match="INSPRAAK_TRANSLATOR_KEY"):
            await libre(libre_server, KEY).translate(["hallo"], "nl", "ar")
        with pytest.raises(Misconfigured, match="wants an API key"):
            await libre(libre_server).translate(["hallo"], "nl", "ar")
        assert await libre(libre_server, "the-right-key").translate(["hallo"], "nl", "ar") == ["مرحبا"]


async def test_a_wrong_address_is_misconfigured() -> None:
    async with libretranslate_standin() as libre_server, deepl_standin() as deepl_server:
        with pytest.raises(Misconfigured, match=r"no such endpoint \(404\)"):
            await LibreTranslate(libre_server.url + "/elsewhere").translate(["hallo"], "nl", "en")
        with pytest.raises(Misconfigured, match=r"no such endpoint \(404\)"):
            await DeepL(deepl_server.key, deepl_server.url + "/elsewhere").translate(["hallo"], "nl", "en")
        # a LibreTranslate address given for DeepL: the answers are not DeepL's
        with pytest.raises(Misconfigured):
            await DeepL(KEY, libre_server.url).translate(["hallo"], "nl", "en")


async def test_a_server_that_hangs_is_unavailable_within_the_timeout() -> None:
    async with libretranslate_standin() as libre_server, deepl_standin() as deepl_server:
        for server, translator in (
            (libre_server, libre(libre_server, timeout=0.3)),
            (deepl_server, deepl(deepl_server, 0.3)),
        ):
            released = server.hang()
            loop = asyncio.get_running_loop()
            started = loop.time()
            with pytest.raises(Unavailable, match=r"did not answer within 0\.3 s") as raised:
                await asyncio.wait_for(translator.translate(["hallo"], "nl", "en"), 5.0)  # fails, not hangs
            assert loop.time() - started < 2.0
            assert len(server.seen()) == 1  # it was asked, and gave no answer
            assert raised.value.retry_after is None
            released.set()


async def test_nothing_listening_is_unavailable() -> None:
    url = closed_port_url()
    for translator in (LibreTranslate(url), DeepL(KEY, url)):
        with pytest.raises(Unavailable, match="cannot be reached") as raised:
            await translator.translate(["hallo"], "nl", "en")
        assert raised.value.retry_after is None


async def test_an_answer_of_the_wrong_shape_is_misconfigured() -> None:
    async with libretranslate_standin() as server:
        server.fail_next(200)  # {"error": "fault 200"} with 200: not a translation
        with pytest.raises(Misconfigured, match="form"):
            await libre(server).translate(["hallo"], "nl", "en")


async def test_the_key_and_the_texts_never_appear_in_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    raised: list[TranslationError] = []
    async with libretranslate_standin(api_key="other") as libre_server, deepl_standin(key=KEY) as deepl_server:
        attempts: list[tuple[MachineTranslator, int | str | None]] = [
            (libre(libre_server, KEY), None),  # 403, wrong key
            (DeepL(KEY, deepl_server.url), 429),
            (DeepL(KEY, deepl_server.url), 456),
            (DeepL(KEY, deepl_server.url), 500),
            (DeepL(KEY, deepl_server.url), 403),
            (DeepL(KEY, deepl_server.url, timeout=0.2), "hang"),
            (DeepL(KEY, closed_port_url()), None),
        ]
        for translator, fault in attempts:
            released = None
            if fault == "hang":
                released = deepl_server.hang()
            elif isinstance(fault, int):
                deepl_server.fail_next(fault, retry_after="1")
            with pytest.raises(TranslationError) as caught:
                await translator.translate([SECRET_TEXT], "nl", "ar")
            raised.append(caught.value)
            if released is not None:
                released.set()
        assert await DeepL(KEY, deepl_server.url).translate([SECRET_TEXT], "nl", "ar") == [f"[AR] {SECRET_TEXT}"]
    assert {type(error) for error in raised} == {Misconfigured, Unavailable}
    for error in raised:
        for shown in (str(error), repr(error), str(error.__cause__ or "")):
            assert KEY not in shown and SECRET_TEXT not in shown
    assert caplog.records, "the clients log their requests at DEBUG"
    for record in caplog.records:
        line = record.getMessage()
        assert KEY not in line and SECRET_TEXT not in line
        assert KEY.split(":")[0] not in line


async def test_each_call_opens_its_own_session_and_closes_it() -> None:
    sessions: list[aiohttp.ClientSession] = []

    def session() -> aiohttp.ClientSession:
        sessions.append(aiohttp.ClientSession())
        return sessions[-1]

    async with deepl_standin() as server:
        translator = DeepL(server.key, server.url, session_factory=session)
        await translator.translate(["hallo"], "nl", "ar")
        server.fail_next(500)
        with pytest.raises(Unavailable):
            await translator.translate(["hallo"], "nl", "ar")
    assert len(sessions) == 2 and all(s.closed for s in sessions)


async def test_the_stand_ins_answer_a_form_and_a_single_text_as_the_real_services_do() -> None:
    async with (
        libretranslate_standin() as libre_server,
        deepl_standin() as deepl_server,
        aiohttp.ClientSession() as web,
    ):
        form = {"q": "huis", "source": "nl", "target": "ar"}
        async with web.post(f"{libre_server.url}/translate", data=form) as response:
            assert (response.status, await response.json()) == (200, {"translatedText": "بيت"})
        async with web.post(f"{libre_server.url}/translate", json={"q": "huis", "source": "nl"}) as response:
            assert (response.status, await response.json()) == (
                400,
                {"error": "Invalid request: missing target parameter"},
            )
        async with web.get(f"{libre_server.url}/languages") as response:
            listed = {entry["code"]: entry["targets"] for entry in await response.json()}
        assert "ti" not in listed and "so" not in listed and "nl" in listed["ar"]
        headers = {"Authorization": f"DeepL-Auth-Key {deepl_server.key}"}
        form_texts = [("text", "huis"), ("text", "werk"), ("target_lang", "AR")]
        async with web.post(f"{deepl_server.url}/v2/translate", data=form_texts, headers=headers) as response:
            assert [t["text"] for t in (await response.json())["translations"]] == ["بيت", "عمل"]
        async with web.get(f"{deepl_server.url}/v2/languages", params={"type": "target"}, headers=headers) as response:
            targets = {entry["language"] for entry in await response.json()}
        assert {"EN-GB", "EN-US", "AR", "UK", "FA"} <= targets and "EN" not in targets and "SO" not in targets
