"""Voice notes as Telegram's apps send them (OGG/Opus, 48 kHz mono), spoken by espeak-ng, for the real Whisper
model to hear."""

from __future__ import annotations

import io
import shutil
import subprocess

import av

IDEA = "Wij willen meer taalles in de bibliotheek, en een fietsenstalling bij het station."
# espeak-ng's Dutch is robotic: the base model hears "talis" for taalles and "stashon" for station, but these two
# words came out at every speed from 150 to 170 words a minute.
KEY_WORDS = ("bibliotheek", "fiets")


def speak(text: str, voice: str = "nl+m3", speed: int = 160, gap: int = 0) -> bytes:
    """A voice note as Telegram sends one (OGG/Opus, 48 kHz mono) of espeak-ng saying `text`."""
    assert shutil.which("espeak-ng"), "espeak-ng is needed: `make unit` installs it"
    spoken = ["espeak-ng", "-v", voice, "-s", str(speed), "-g", str(gap), "--stdout", text]
    wav = subprocess.run(spoken, capture_output=True, check=True).stdout
    out = io.BytesIO()
    with av.open(io.BytesIO(wav), "r") as source, av.open(out, "w", format="ogg") as note:
        stream = note.add_stream("libopus", rate=48_000, layout="mono")
        stream.bit_rate = 32_000
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48_000)
        for frame in source.decode(audio=0):
            frame.pts = None
            for resampled in resampler.resample(frame):
                note.mux(stream.encode(resampled))
        note.mux(stream.encode(None))
    return out.getvalue()
