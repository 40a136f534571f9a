"""Voice notes as text by an OpenAI-compatible server (OpenAI, speaches, a faster-whisper server of one's own)."""

from __future__ import annotations

import logging
import re
import time
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from multidict import CIMultiDictProxy

from bot.hear.errors import Misconfigured, Rejected, Unavailable, Unsupported
from bot.hear.languages import supports, whisper_language

log = logging.getLogger(__name__)

DEFAULT_MODEL = "whisper-1"
PATH = "/v1/audio/transcriptions"
# A service's own error message may quote the key ("Incorrect API key provided: sk-...") or the words heard, so only
# its short error code is ever repeated, and only when it looks like one.
CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


def endpoint(url: str) -> str:
    """Where to post a clip: the URL plus /v1/audio/transcriptions (a URL that already ends in /v1 is taken as is)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Misconfigured("the transcription service's URL must start with http:// or https://")
    base = url.rstrip("/")
    if base.endswith(PATH):
        return base
    return base + (PATH[len("/v1") :] if base.endswith("/v1") else PATH)


class OpenAITranscriber:
    """POST /v1/audio/transcriptions as OpenAI defines it: the clip, the model, the language, temperature 0."""

    name: str = "openai"

    def __init__(self, url: str, key: str | None = None, model: str | None = None, timeout: float = 60.0) -> None:
        self._endpoint = endpoint(url)
        if key and not (key.isascii() and key.isprintable()):
            raise Misconfigured("the transcription service's key has characters an HTTP header cannot carry")
        self._key = key or None
        self.model = model or DEFAULT_MODEL
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"OpenAITranscriber({self._endpoint!r}, model={self.model!r}, key={'set' if self._key else 'none'})"

    def supports(self, language: str) -> bool:
        """Whether Whisper knows the language."""
        return supports(language)

    async def transcribe(self, audio: bytes, language: str) -> str:
        """The voice note's words, as the service heard them in `language`."""
        code = whisper_language(language)
        if code is None:
            raise Unsupported(language)
        form = aiohttp.FormData()
        form.add_field("file", audio, filename="voice.ogg", content_type="audio/ogg")
        form.add_field("model", self.model)
        form.add_field("language", code)
        form.add_field("response_format", "json")
        form.add_field("temperature", "0")  # as greedy as the API allows: it has no beam size
        headers = {"Authorization": f"Bearer {self._key}"} if self._key else {}
        started = time.perf_counter()
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as session,
                session.post(self._endpoint, data=form, headers=headers) as response,
            ):
                if response.status != 200:
                    raise _failure(response.status, response.headers, await _error_code(response))
                body = await _json(response)
        except TimeoutError:
            raise Unavailable(None, f"the transcription service did not answer within {self.timeout:g} s") from None
        except aiohttp.ClientError as error:
            reason = f"the transcription service could not be reached ({type(error).__name__})"
            raise Unavailable(None, reason) from None
        text = body.get("text") if isinstance(body, dict) else None
        if not isinstance(text, str):
            raise Misconfigured("the transcription service answered without a text: is it OpenAI-compatible?")
        log.debug("Transcribed %d bytes of audio in %s in %.1f s", len(audio), code, time.perf_counter() - started)
        return text.strip()


async def _json(response: aiohttp.ClientResponse) -> Any:
    try:
        return await response.json(content_type=None)
    except ValueError:
        return None


async def _error_code(response: aiohttp.ClientResponse) -> str | None:
    """The `code` (or `type`) of an OpenAI error body {"error": {"message", "type", "code"}}, if it is a plain word."""
    body = await _json(response)
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    for field in ("code", "type"):
        value = error.get(field)
        if isinstance(value, str) and CODE.match(value):
            return value
    return None


def _failure(status: int, headers: CIMultiDictProxy[str], code: str | None) -> Exception:
    """The error for a status other than 200: who has to act, and when to try again."""
    said = f"{status}" + (f" {code}" if code else "")
    if status in (401, 403):
        return Misconfigured(f"the transcription service refused the key ({said})")
    if status == 404:
        return Misconfigured(f"the transcription service has no such model or address ({said})")
    if status in (400, 413, 415, 422):
        return Rejected(f"the transcription service would not take this voice note ({said})")
    if status in (408, 409, 425, 429) or status >= 500:
        return Unavailable(retry_after(headers), f"the transcription service is busy or down ({said})")
    return Misconfigured(f"the transcription service answered {said}")


def retry_after(headers: CIMultiDictProxy[str]) -> float | None:
    """Seconds to wait from retry-after-ms, or Retry-After in seconds or as a date; None when neither is given."""
    try:
        if "retry-after-ms" in headers:
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
        if "Retry-After" in headers:
            value = headers["Retry-After"]
            try:
                return max(0.0, float(value))
            except ValueError:
                return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (ValueError, TypeError, OverflowError):
        return None
    return None
