"""Why a voice note did not become text; no message ever holds audio, a transcript or a key."""

from __future__ import annotations


class TranscriptionError(Exception):
    """A voice note could not be turned into text."""


class Unsupported(TranscriptionError):
    """The language has no transcription (Whisper knows no Tigrinya): nothing was tried."""

    def __init__(self, language: str) -> None:
        self.language = language
        super().__init__(f"voice notes in {language!r} cannot be transcribed")


class Unavailable(TranscriptionError):
    """The transcriber is down, busy or slow: the same clip may work later (after `retry_after` seconds if known)."""

    def __init__(self, retry_after: float | None = None, reason: str = "the transcriber is not available") -> None:
        self.retry_after = retry_after
        later = f"; try again in {retry_after:g} s" if retry_after is not None else ""
        super().__init__(reason + later)


class Misconfigured(TranscriptionError):
    """The transcriber cannot work as set up (a refused key, a wrong URL or model, missing or damaged model files)."""


class Rejected(TranscriptionError):
    """This clip cannot be transcribed (not audio, or too large); another clip may well work."""
