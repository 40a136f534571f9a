"""Voice notes become text: the real Whisper base model on this machine, and an OpenAI-compatible server's stand-in."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import re
import shutil
import socket
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import av
import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from bot.hear import Misconfigured, Rejected, Unavailable, Unsupported, build, files, local, supports, whisper_language
from bot.hear.local import DECODING, NICENESS, LocalTranscriber, plan
from bot.hear.openai import OpenAITranscriber, endpoint, retry_after
from tests.hear_standins import Fault, TranscriptionStandIn, heard
from tests.voice_clips import IDEA, KEY_WORDS, speak

KEY = "sk-test-SECRET-key-0123456789abcdef"
# Spoken slowly with pauses, this one sent greedy decoding round a four-word loop 18 times (557 characters).
LOOPING = "Meer taalles in de bibliotheek. Betere fietsen bij het station. Meer werk voor nieuwkomers."


@pytest.fixture(scope="module")
def dutch_note() -> bytes:
    note = speak(IDEA)
    with av.open(io.BytesIO(note)) as container:
        assert container.format.name == "ogg" and container.streams.audio[0].codec_context.name == "opus"
    return note


@pytest.fixture(scope="module")
def whisper(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTranscriber]:
    """The base model from the voice packages, joined into a cache folder of this test run."""
    cache = tmp_path_factory.mktemp("whisper-base")
    transcriber = LocalTranscriber(cache=cache)
    yield transcriber
    transcriber.close()
    shutil.rmtree(cache, ignore_errors=True)  # 145 MB


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """A temporary folder emptied afterwards, for tests that write model files of up to 145 MB."""
    yield tmp_path
    shutil.rmtree(tmp_path, ignore_errors=True)


class _NeverLoad:
    """Stands in for the model loader where a test proves the model is never loaded."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, folder: Path, threads: int, workers: int) -> Any:
        self.calls += 1
        raise AssertionError("the model was loaded")


# --- the real base model --------------------------------------------------------------------------------------------


async def test_the_base_model_hears_the_key_words_of_a_dutch_voice_note(
    whisper: LocalTranscriber, dutch_note: bytes
) -> None:
    text = (await whisper.transcribe(dutch_note, "nl")).lower()
    for word in KEY_WORDS:
        assert word in text, f"{word!r} not heard"


async def test_the_model_decodes_greedily_in_the_language_it_is_given(
    whisper: LocalTranscriber, dutch_note: bytes
) -> None:
    dutch = await whisper.hear(dutch_note, "nl")
    assert (dutch.language, dutch.beam_size, dutch.best_of, dutch.temperatures) == ("nl", 1, 1, (0.0,))
    assert 4 < dutch.seconds < 6
    # Told English or Dari, the model decodes the Dutch clip in that language: it was not left to detect it.
    assert (await whisper.hear(dutch_note, "en")).language == "en"
    assert (await whisper.hear(dutch_note, "fa_AF")).language == "fa"


async def test_a_clip_that_sends_greedy_decoding_into_a_loop_comes_out_without_the_loop(
    whisper: LocalTranscriber,
) -> None:
    text = await whisper.transcribe(speak(LOOPING, voice="nl", speed=140, gap=5), "nl")
    words = re.findall(r"\w+", text.lower())
    grams = [tuple(words[i : i + 4]) for i in range(len(words) - 3)]
    assert grams and max(grams.count(gram) for gram in grams) <= 2, "a phrase repeats"
    assert len(text) < 200
    assert DECODING["no_repeat_ngram_size"] == 3


async def test_tigrinya_is_unsupported_before_anything_is_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dutch_note: bytes
) -> None:
    loader = _NeverLoad()
    monkeypatch.setattr(local, "_load", loader)
    transcriber = LocalTranscriber(cache=tmp_path / "cache")
    with pytest.raises(Unsupported) as raised:
        await transcriber.transcribe(dutch_note, "ti")
    assert raised.value.language == "ti"
    assert loader.calls == 0 and not (tmp_path / "cache").exists(), "nothing joined, nothing loaded"
    assert not supports("ti") and not transcriber.supports("ti")
    assert all(supports(code) for code in ("nl", "en", "ar", "uk", "fa", "fa_AF", "tr", "so", "ru"))
    assert whisper_language("fa_AF") == "fa" and whisper_language("ti") is None


def _pieces_with_a_copy_of_the_last_part(into: Path) -> files.Pieces:
    """The installed pieces, but the last part of model.bin a copy in `into` (to be tampered with)."""
    real = files.packaged()
    into.mkdir()
    copy = into / real.parts[-1].name
    shutil.copyfile(real.parts[-1], copy)
    return files.Pieces(parts=(*real.parts[:-1], copy), files=real.files)


async def test_a_tampered_model_part_is_refused_and_never_loaded(
    scratch: Path, monkeypatch: pytest.MonkeyPatch, dutch_note: bytes
) -> None:
    pieces = _pieces_with_a_copy_of_the_last_part(scratch / "pieces")
    with pieces.parts[1].open("r+b") as part:  # one byte changed in the middle of the second part
        part.seek(20_000_000)
        byte = part.read(1)
        part.seek(20_000_000)
        part.write(bytes([byte[0] ^ 0xFF]))
    loader = _NeverLoad()
    monkeypatch.setattr(local, "_load", loader)
    cache = scratch / "cache"
    transcriber = LocalTranscriber(cache=cache, pieces=pieces)
    with pytest.raises(Misconfigured, match="SHA-256"):
        await transcriber.transcribe(dutch_note, "nl")
    transcriber.close()
    assert loader.calls == 0
    assert not (cache / "model.bin").exists() and not list(cache.glob(".*tmp")), "nothing left to load by mistake"


def test_the_base_model_is_joined_once_and_a_damaged_copy_is_joined_again(scratch: Path) -> None:
    folder = files.assemble(scratch / "whisper-base")
    model = folder / "model.bin"
    first = model.stat().st_ino
    assert files.assemble(folder) == folder and model.stat().st_ino == first, "kept, not joined again"
    with model.open("r+b") as damaged:
        damaged.write(b"\0" * 64)
    files.assemble(folder)
    assert model.stat().st_ino != first
    assert files._sha256([model]) == files.SHA256["model.bin"]
    assert {path.name for path in folder.iterdir()} == {"model.bin", "config.json", "tokenizer.json", "vocabulary.json"}


async def test_a_model_folder_without_its_files_is_misconfigured(tmp_path: Path) -> None:
    with pytest.raises(Misconfigured, match=r"tokenizer\.json"):
        build("local", model=str(tmp_path))


async def test_a_model_folder_that_is_no_model_is_misconfigured_on_first_use(tmp_path: Path, dutch_note: bytes) -> None:
    for name in files.NEEDED:
        (tmp_path / name).write_text("{}")
    transcriber = LocalTranscriber(tmp_path)
    with pytest.raises(Misconfigured, match="could not be loaded"):
        await transcriber.transcribe(dutch_note, "nl")
    transcriber.close()


# --- how the local model runs ---------------------------------------------------------------------------------------


class _FakeModel:
    """Stands in for WhisperModel: records each clip's thread, and holds clips until `go` is set."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.entered = threading.Semaphore(0)
        self.threads: list[int] = []
        self.niceness: list[int] = []
        self.running = 0
        self.most = 0
        self._lock = threading.Lock()

    def transcribe(self, audio: Any, **options: Any) -> tuple[list[SimpleNamespace], SimpleNamespace]:
        with self._lock:
            self.threads.append(threading.get_ident())
            self.niceness.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
            self.running += 1
            self.most = max(self.most, self.running)
        self.entered.release()
        self.go.wait(timeout=30)
        with self._lock:
            self.running -= 1
        used = SimpleNamespace(beam_size=options["beam_size"], best_of=options["best_of"], temperatures=[0.0])
        info = SimpleNamespace(language=options["language"], duration=1.0, transcription_options=used)
        return [SimpleNamespace(text=" heard ")], info


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[_FakeModel, list[tuple[int, int]], Path]]:
    model, loads = _FakeModel(), []
    folder = tmp_path / "model"
    folder.mkdir()
    for name in files.NEEDED:
        (folder / name).write_bytes(b"")

    def load(at: Path, threads: int, workers: int) -> _FakeModel:
        loads.append((threads, workers))
        return model

    monkeypatch.setattr(local, "_load", load)
    monkeypatch.setattr(local, "_models", {})
    yield model, loads, folder
    model.go.set()


def test_clips_at_once_and_threads_each_leave_a_core_for_the_bot() -> None:
    assert plan(1) == (1, 1) and plan(None) == (1, 1)
    assert plan(2) == (1, 1) and plan(8) == (7, 1)
    default = LocalTranscriber()
    cores = os.cpu_count() or 1
    assert default.workers <= cores and (cores == 1 or default.workers * default.threads < cores)


async def test_voice_notes_are_heard_off_the_event_loop_one_per_worker(
    fake: tuple[_FakeModel, list[tuple[int, int]], Path], dutch_note: bytes
) -> None:
    model, loads, folder = fake
    transcriber = LocalTranscriber(folder, workers=2, threads=1)
    clips = [asyncio.create_task(transcriber.transcribe(dutch_note, "nl")) for _ in range(4)]
    for _ in range(2):
        assert await asyncio.to_thread(model.entered.acquire, timeout=30)
    assert model.running == 2
    model.go.set()
    assert await asyncio.gather(*clips) == ["heard"] * 4
    transcriber.close()
    assert model.most == 2, "never more clips at once than workers"
    assert threading.get_ident() not in model.threads, "never on the event loop's thread"
    assert loads == [(1, 2)], "loaded once, with one thread per clip and two workers"
    if sys.platform == "linux":  # priority is per thread there; the chat's own thread keeps its own
        chat = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        assert set(model.niceness) == {min(chat + NICENESS, 19)}, "the model runs below the chat"


async def test_what_is_not_audio_is_rejected_before_the_model_is_loaded(
    fake: tuple[_FakeModel, list[tuple[int, int]], Path],
) -> None:
    _, loads, folder = fake
    transcriber = LocalTranscriber(folder)
    with pytest.raises(Rejected):
        await transcriber.transcribe(b"not a voice note", "nl")
    transcriber.close()
    assert loads == []


async def test_a_busy_local_transcriber_is_unavailable_within_its_timeout(
    fake: tuple[_FakeModel, list[tuple[int, int]], Path], dutch_note: bytes
) -> None:
    model, _, folder = fake
    transcriber = LocalTranscriber(folder, workers=1, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(Unavailable) as raised:
        await transcriber.transcribe(dutch_note, "nl")
    assert time.monotonic() - started < 5 and raised.value.retry_after is None
    model.go.set()
    transcriber.close()


# --- an OpenAI-compatible server ------------------------------------------------------------------------------------


@pytest.fixture
async def standin() -> AsyncIterator[TranscriptionStandIn]:
    server = TranscriptionStandIn(key=KEY)
    await server.start()
    yield server
    await server.stop()


def _clean(error: BaseException, caplog: pytest.LogCaptureFixture, *secrets: str) -> None:
    """Neither the key nor what was heard is in the error or the log."""
    for secret in (KEY, *secrets):
        assert secret not in str(error) and secret not in repr(error) and secret not in caplog.text


async def test_the_service_gets_the_clip_its_language_the_model_and_the_key(
    standin: TranscriptionStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    transcriber = OpenAITranscriber(standin.url, key=KEY)
    audio = b"OggS fake opus"
    assert await transcriber.transcribe(audio, "fa_AF") == heard(audio, "fa")
    (got,) = standin.requests
    assert got.authorization == f"Bearer {KEY}"
    assert got.fields == {"model": "whisper-1", "language": "fa", "response_format": "json", "temperature": "0"}
    assert (got.filename, got.content_type, got.audio) == ("voice.ogg", "audio/ogg", audio)
    assert KEY not in caplog.text and heard(audio, "fa") not in caplog.text and KEY not in repr(transcriber)


async def test_without_a_key_no_authorization_is_sent_and_the_model_is_configurable() -> None:
    server = TranscriptionStandIn()
    await server.start()
    try:
        transcriber = build("openai", url=server.url + "/v1/", model="Systran/faster-whisper-small")
        assert transcriber is not None
        assert await transcriber.transcribe(b"clip", "nl") == heard(b"clip", "nl")
    finally:
        await server.stop()
    (got,) = server.requests
    assert got.authorization is None and got.fields["model"] == "Systran/faster-whisper-small"


async def test_tigrinya_never_reaches_the_service(standin: TranscriptionStandIn) -> None:
    with pytest.raises(Unsupported):
        await OpenAITranscriber(standin.url, key=KEY).transcribe(b"clip", "ti")
    assert standin.requests == []


async def test_a_rate_limited_service_is_unavailable_for_as_long_as_it_says(
    standin: TranscriptionStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    standin.fail(429, headers={"Retry-After": "7"})
    with pytest.raises(Unavailable) as raised:
        await OpenAITranscriber(standin.url, key=KEY).transcribe(b"clip", "nl")
    assert raised.value.retry_after == 7.0 and "429" in str(raised.value)
    _clean(raised.value, caplog)


def test_retry_after_is_read_in_seconds_milliseconds_or_as_a_date() -> None:
    def headers(**given: str) -> CIMultiDictProxy[str]:
        return CIMultiDictProxy(CIMultiDict({name.replace("_", "-"): value for name, value in given.items()}))

    assert retry_after(headers(retry_after="2.5")) == 2.5
    assert retry_after(headers(retry_after_ms="1500", retry_after="9")) == 1.5
    assert retry_after(headers(retry_after="Wed, 21 Oct 2015 07:28:00 GMT")) == 0.0  # long past: now
    assert retry_after(headers(retry_after="soon")) is None and retry_after(headers()) is None


async def test_a_refused_key_is_misconfigured_and_never_repeated(
    standin: TranscriptionStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(Misconfigured) as raised:
        await OpenAITranscriber(standin.url, key=KEY[:-1] + "X").transcribe(b"clip", "nl")
    assert "401" in str(raised.value) and "invalid_api_key" in str(raised.value)
    assert standin.requests[0].authorization == f"Bearer {KEY[:-1]}X"
    _clean(raised.value, caplog, KEY[:-1] + "X", KEY[:20])


@pytest.mark.parametrize("status", [403, 404])
async def test_a_forbidden_key_or_an_unknown_model_is_misconfigured(
    standin: TranscriptionStandIn, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    standin.fail(status)
    with pytest.raises(Misconfigured) as raised:
        await OpenAITranscriber(standin.url, key=KEY).transcribe(b"clip", "nl")
    assert str(status) in str(raised.value)
    _clean(raised.value, caplog)


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors_are_unavailable(
    standin: TranscriptionStandIn, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    standin.fail(status)
    transcriber = OpenAITranscriber(standin.url, key=KEY)
    with pytest.raises(Unavailable) as raised:
        await transcriber.transcribe(b"clip", "nl")
    assert raised.value.retry_after is None
    _clean(raised.value, caplog)
    assert await transcriber.transcribe(b"clip", "nl") == heard(b"clip", "nl"), "and it works once the server does"


@pytest.mark.parametrize("status", [400, 413])
async def test_a_voice_note_the_service_will_not_take_is_rejected(
    standin: TranscriptionStandIn, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    standin.fail(status)
    with pytest.raises(Rejected) as raised:
        await OpenAITranscriber(standin.url, key=KEY).transcribe(b"clip", "nl")
    _clean(raised.value, caplog)


async def test_an_answer_without_a_text_is_misconfigured(standin: TranscriptionStandIn) -> None:
    standin.faults.append(Fault(200, body={"transcript": "elsewhere"}))
    with pytest.raises(Misconfigured, match="without a text"):
        await OpenAITranscriber(standin.url, key=KEY).transcribe(b"clip", "nl")


async def test_a_hanging_service_is_unavailable_within_the_timeout(
    standin: TranscriptionStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    standin.hang()
    started = time.monotonic()
    with pytest.raises(Unavailable) as raised:
        await OpenAITranscriber(standin.url, key=KEY, timeout=0.3).transcribe(b"clip", "nl")
    assert time.monotonic() - started < 3 and len(standin.requests) == 1
    _clean(raised.value, caplog)


async def test_a_closed_port_is_unavailable(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(Unavailable) as raised:
        await OpenAITranscriber(f"http://127.0.0.1:{port}", key=KEY, timeout=5).transcribe(b"clip", "nl")
    _clean(raised.value, caplog)


# --- choosing one ---------------------------------------------------------------------------------------------------


def test_the_transcriber_is_chosen_by_kind(tmp_path: Path) -> None:
    assert build("none") is None
    assert isinstance(build("local", cache=tmp_path), LocalTranscriber)
    chosen = build("openai", url="http://127.0.0.1:9", key=KEY)
    assert isinstance(chosen, OpenAITranscriber) and chosen.model == "whisper-1"
    with pytest.raises(Misconfigured, match="URL"):
        build("openai")
    with pytest.raises(Misconfigured, match="key") as raised:
        build("openai", url="http://127.0.0.1:9", key=KEY + "\n")
    assert KEY not in str(raised.value)
    with pytest.raises(Misconfigured, match="none, local, openai"):
        build("whisperer")


def test_the_address_is_the_servers_with_or_without_v1() -> None:
    for url in (
        "http://127.0.0.1:8000",
        "http://127.0.0.1:8000/",
        "http://127.0.0.1:8000/v1",
        "http://127.0.0.1:8000/v1/",
    ):
        assert endpoint(url) == "http://127.0.0.1:8000/v1/audio/transcriptions"
    with pytest.raises(Misconfigured):
        endpoint("127.0.0.1:8000")
