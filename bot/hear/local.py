"""Voice notes as text on this machine: faster-whisper on the CPU, in worker threads beside the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import io
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from bot.hear import files
from bot.hear.errors import Misconfigured, Rejected, Unavailable, Unsupported
from bot.hear.languages import supports, whisper_language

log = logging.getLogger(__name__)
T = TypeVar("T")
NICENESS = 10  # how much lower than the chat the model runs (Unix nice: 0 is normal, 19 the lowest)

# Always the language (detection guesses wrong on a short clip), and greedy: beam search looped in a trial, and
# sampling would make the same clip come out differently. Greedy decoding can loop too (an espeak-ng clip came out
# as one word two hundred times); no trigram twice in a window stops that and changed no transcript that did not loop.
DECODING: dict[str, Any] = {
    "beam_size": 1,
    "best_of": 1,
    "temperature": 0.0,
    "condition_on_previous_text": False,
    "vad_filter": False,
    "no_repeat_ngram_size": 3,
}


class _Segment(Protocol):
    text: str


class _Options(Protocol):
    beam_size: int
    best_of: int
    temperatures: list[float]


class _Info(Protocol):
    language: str
    duration: float
    transcription_options: _Options


class _Model(Protocol):
    def transcribe(self, audio: npt.NDArray[np.float32], **options: Any) -> tuple[Iterable[_Segment], _Info]: ...


@dataclass(frozen=True)
class Heard:
    """A transcript and how the model made it (never logged: `text` is what a participant said)."""

    text: str
    language: str  # the language the model decoded in
    seconds: float  # the clip's length
    beam_size: int
    best_of: int
    temperatures: tuple[float, ...]


def plan(cores: int | None) -> tuple[int, int]:
    """Clips at once and threads per clip: one thread each, one core left for the bot (unless there is only one)."""
    return max(1, (cores or 1) - 1), 1


_models: dict[tuple[Path, int, int], _Model] = {}
_loading = threading.Lock()


def _load(folder: Path, threads: int, workers: int) -> _Model:
    """The model in `folder` on the CPU in 8-bit; `workers` clips may run at once, sharing its weights."""
    faster_whisper = importlib.import_module("faster_whisper")
    model: _Model = faster_whisper.WhisperModel(
        str(folder),
        device="cpu",
        compute_type="int8",
        cpu_threads=threads,
        num_workers=workers,
        local_files_only=True,
    )
    return model


def _model(folder: Path, threads: int, workers: int) -> _Model:
    """The loaded model, loaded by the first clip that needs it and kept for the life of the process."""
    key = (folder, threads, workers)
    with _loading:
        if key not in _models:
            started = time.perf_counter()
            try:
                _models[key] = _load(folder, threads, workers)
            except Exception as error:  # CTranslate2 says RuntimeError for a damaged or foreign model
                reason = f"the Whisper model in {folder} could not be loaded ({type(error).__name__})"
                raise Misconfigured(reason) from None
            log.info("Loaded the Whisper model from %s in %.1f s", folder, time.perf_counter() - started)
        return _models[key]


def _decode(audio: bytes) -> npt.NDArray[np.float32]:
    """A voice note (OGG/Opus, or anything FFmpeg reads) as 16 kHz mono samples, decoded by PyAV: no ffmpeg needed."""
    decode_audio = importlib.import_module("faster_whisper.audio").decode_audio
    try:
        samples: npt.NDArray[np.float32] = decode_audio(io.BytesIO(audio), sampling_rate=16_000)
    except Exception as error:  # PyAV raises its own errors for every way a file can be broken
        raise Rejected(f"the voice note could not be decoded ({type(error).__name__})") from None
    return samples


def _yielding() -> None:
    """Lower this worker's CPU priority (and that of the model's threads it starts), so that on a busy machine the
    chat goes first and voice notes wait; Linux sets priority per thread, elsewhere this changes nothing."""
    if sys.platform == "linux":
        me = threading.get_native_id()
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, me, min(os.getpriority(os.PRIO_PROCESS, me) + NICENESS, 19))


class LocalTranscriber:
    """Whisper on this machine: the base model from the `voice` extra, or a larger one in an operator's folder."""

    name: str = "local"

    def __init__(
        self,
        model: Path | None = None,
        *,
        cache: Path | None = None,
        pieces: files.Pieces | None = None,
        workers: int | None = None,
        threads: int | None = None,
        timeout: float = 60.0,
    ) -> None:
        if importlib.util.find_spec("faster_whisper") is None:
            raise Misconfigured("the local transcriber needs faster-whisper: pip install 'inspraak[voice]'")
        self._own = files.check_folder(model) if model is not None else None
        self._pieces = None if model is not None else (pieces or files.packaged())
        self._cache = cache or files.default_cache()
        planned_workers, planned_threads = plan(os.cpu_count())
        self.workers = workers or planned_workers
        self.threads = threads or planned_threads
        self.timeout = timeout
        self._folder: Path | None = None
        self._folder_lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def supports(self, language: str) -> bool:
        """Whether Whisper knows the language."""
        return supports(language)

    async def transcribe(self, audio: bytes, language: str) -> str:
        """The voice note's words, decoded in `language`."""
        return (await self.hear(audio, language)).text

    async def hear(self, audio: bytes, language: str) -> Heard:
        """The transcript with how it was made; Unavailable when no worker finished it within the timeout."""
        code = whisper_language(language)
        if code is None:
            raise Unsupported(language)
        return await self._run(self._work, audio, code)

    async def prepare(self) -> None:
        """Join, check and load the model now (at start-up, say) rather than with the first voice note."""
        await self._run(self._ready)

    def close(self) -> None:
        """Drop clips not started yet; a clip being transcribed finishes in the background."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    async def _run(self, work: Callable[..., T], *args: object) -> T:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="hear", initializer=_yielding)
        loop = asyncio.get_running_loop()
        try:  # on a time-out, a clip still waiting for a worker is dropped; one already running runs to its end
            return await asyncio.wait_for(loop.run_in_executor(self._pool, work, *args), self.timeout)
        except TimeoutError:
            raise Unavailable(None, f"the local transcriber did not finish within {self.timeout:g} s") from None

    def _ready(self) -> _Model:
        with self._folder_lock:
            if self._folder is None:
                self._folder = self._own or files.assemble(self._cache, self._pieces)
        return _model(self._folder, self.threads, self.workers)

    def _work(self, audio: bytes, language: str) -> Heard:
        started = time.perf_counter()
        samples = _decode(audio)
        model = self._ready()
        if samples.size == 0:
            return Heard("", language, 0.0, DECODING["beam_size"], DECODING["best_of"], (DECODING["temperature"],))
        try:
            segments, info = model.transcribe(samples, language=language, **DECODING)
            text = " ".join(segment.text.strip() for segment in segments).strip()  # decoded as this reads them
        except Exception as error:  # out of memory, say: the next clip may well work
            raise Unavailable(None, f"the Whisper model failed on a clip ({type(error).__name__})") from None
        options = info.transcription_options
        log.debug("Transcribed %.1f s of audio in %s in %.1f s", info.duration, language, time.perf_counter() - started)
        temperatures = tuple(options.temperatures)
        return Heard(text, info.language, info.duration, options.beam_size, options.best_of, temperatures)
