"""Voice notes as text: a transcriber for the bot's languages, on this machine or by a server; no Telegram here."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from bot.hear.errors import Misconfigured, Rejected, TranscriptionError, Unavailable, Unsupported
from bot.hear.languages import supports, whisper_language

KINDS = ("none", "local", "openai")


class Transcriber(Protocol):
    """Turns a voice note into text; raises only the errors of bot.hear.errors."""

    name: str

    def supports(self, language: str) -> bool:
        """Whether voice notes in this bot locale can be transcribed (no Tigrinya with Whisper)."""
        ...

    async def transcribe(self, audio: bytes, language: str) -> str:
        """The words of `audio`, a Telegram voice note (OGG/Opus), spoken in `language`, a bot locale such as "fa_AF".

        The language is always passed on (detection fails on short clips) and decoding is greedy. Unsupported when
        the language has no transcription (nothing is tried), Unavailable when it may work later, Misconfigured when
        an operator has to act, Rejected when this clip cannot be heard.
        """
        ...


def build(
    kind: str,
    url: str | None = None,
    key: str | None = None,
    model: str | None = None,
    timeout: float = 60.0,
    *,
    cache: Path | None = None,
) -> Transcriber | None:
    """The transcriber of a kind: "none" (None), "local" (faster-whisper; `model` a folder, else Whisper base joined
    into `cache`) or "openai" (an OpenAI-compatible server at `url`; `model` defaults to whisper-1)."""
    chosen = kind.strip().lower()
    if chosen == "none":
        return None
    if chosen == "local":
        from bot.hear.local import LocalTranscriber

        return LocalTranscriber(Path(model).expanduser() if model else None, cache=cache, timeout=timeout)
    if chosen == "openai":
        from bot.hear.openai import OpenAITranscriber

        if not url:
            raise Misconfigured("the openai transcriber needs the URL of an OpenAI-compatible server")
        return OpenAITranscriber(url, key=key, model=model, timeout=timeout)
    raise Misconfigured(f"unknown transcriber kind {kind!r}: choose one of {', '.join(KINDS)}")


__all__ = [
    "KINDS",
    "Misconfigured",
    "Rejected",
    "Transcriber",
    "TranscriptionError",
    "Unavailable",
    "Unsupported",
    "build",
    "supports",
    "whisper_language",
]
