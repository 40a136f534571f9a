"""Writing down voice notes on this machine: what the Whisper base model (shipped in PyPI packages, greedy decoding,
the language given) costs per 10 seconds of Dutch speech, in CPU and in waiting."""

from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path

import av

from bot.hear.local import LocalTranscriber
from tests.voice_clips import speak

# About ten seconds of speech, as a participant would say an idea.
SPOKEN = (
    "Wij willen meer taalles in de bibliotheek, en een fietsenstalling bij het station. "
    "Ook zoeken veel nieuwkomers werk, en hulp bij het vinden van een huis in de stad."
)


def seconds_of(note: bytes) -> float:
    """How long a voice note plays."""
    with av.open(io.BytesIO(note)) as container:
        stream = container.streams.audio[0]
        assert stream.duration is not None and stream.time_base is not None
        return float(stream.duration * stream.time_base)


async def transcription() -> dict[str, float]:
    """Seconds to join and load the model, then CPU-seconds and seconds of waiting per 10 s of audio."""
    note = speak(SPOKEN)
    audio = seconds_of(note)
    with tempfile.TemporaryDirectory() as cache:
        hearer = LocalTranscriber(cache=Path(cache))
        try:
            started = time.perf_counter()
            await hearer.prepare()
            loaded = time.perf_counter() - started
            cpu, started = time.process_time(), time.perf_counter()
            words = await hearer.transcribe(note, "nl")
            cpu, wall = time.process_time() - cpu, time.perf_counter() - started
        finally:
            hearer.close()
    return {
        "audio_s": audio,
        "load_s": loaded,
        "cpu_per_10s": cpu / audio * 10,
        "wall_per_10s": wall / audio * 10,
        "words": float(len(words.split())),
    }
