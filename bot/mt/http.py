"""One HTTP exchange with a translation service, its failures turned into the errors of bot.mt."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp

from bot.mt.errors import Misconfigured, TranslationError, Unavailable

log = logging.getLogger(__name__)

SessionFactory = Callable[[], aiohttp.ClientSession]


@dataclass(frozen=True)
class Answer:
    """A service's status, its Retry-After in seconds (if it gave one), and its body as JSON (None if not JSON)."""

    status: int
    retry_after: float | None
    body: Any


async def exchange(
    session: aiohttp.ClientSession,
    service: str,
    method: str,
    url: str,
    timeout: float,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
) -> Answer:
    """Send one request and read the whole answer; Unavailable if it cannot be sent or takes over `timeout` s."""
    endpoint = url.rsplit("/", 1)[-1]
    try:
        async with session.request(
            method, url, headers=headers, data=body, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            raw = await response.read()
            answer = Answer(response.status, retry_after(response.headers.get("Retry-After")), _json(raw))
    except TimeoutError as error:
        raise Unavailable(f"{service} did not answer within {timeout:g} s") from error
    except aiohttp.ClientError as error:
        # The class name only: aiohttp's own message may quote the address and what was sent.
        raise Unavailable(f"{service} cannot be reached (aiohttp.{type(error).__name__})") from error
    log.debug("%s /%s: %d", service, endpoint, answer.status)
    return answer


def json_body(value: Any) -> bytes:
    """JSON as UTF-8, with letters as they are (so that Arabic weighs 2 bytes a letter, not 6)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date; None if absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def failure(service: str, answer: Answer) -> TranslationError:
    """What a status other than 200 means, as far as it is the same for every service."""
    status = answer.status
    if status in (401, 403):
        return Misconfigured(f"{service} refused the key ({status}): check INSPRAAK_TRANSLATOR_KEY")
    if status == 404:
        return Misconfigured(f"{service} has no such endpoint (404): check INSPRAAK_TRANSLATOR_URL")
    if status in (408, 425, 429, 529) or status >= 500:
        return Unavailable(f"{service} is busy or down ({status}); try again later", answer.retry_after)
    return Misconfigured(f"{service} answered {status}, which inspraak does not expect: check INSPRAAK_TRANSLATOR_URL")


def unexpected(service: str) -> Misconfigured:
    """A 200 whose body is not what the service documents: probably not that service at that address."""
    return Misconfigured(f"{service} answered in a form inspraak does not expect: check INSPRAAK_TRANSLATOR_URL")
