"""A client for the DeepL API (https://developers.deepl.com): POST /v2/translate with the key in a header.

The request is JSON {"text": [...], "source_lang", "target_lang"} with "Authorization: DeepL-Auth-Key KEY"; the
answer {"translations": [{"detected_source_language", "text"}]} keeps the order. At most 50 texts and 128 KiB
a request. Errors: 400 bad request, 403 key refused, 404 not found, 413 too large, 429 (and 529) too many
requests, 456 quota exceeded, 500/503/504 unavailable. Free keys end in ":fx" and use api-free.deepl.com.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiohttp

from bot.mt import batching, languages
from bot.mt.errors import Misconfigured, Unavailable, Unsupported
from bot.mt.http import SessionFactory, exchange, failure, json_body, unexpected

NAME = "DeepL"
FREE_URL = "https://api-free.deepl.com"
PRO_URL = "https://api.deepl.com"
MAX_TEXTS = 50
MAX_BODY = 128 * 1024  # bytes


def base_url(key: str, url: str | None = None) -> str:
    """The configured address, or the one DeepL gives the key's plan (free keys end in ":fx")."""
    if url:
        return url.rstrip("/").removesuffix("/v2")
    return FREE_URL if key.endswith(":fx") else PRO_URL


class DeepL:
    """Translates with the DeepL API, in requests of at most 50 texts and 128 KiB."""

    name: str = NAME

    def __init__(
        self,
        key: str,
        url: str | None = None,
        *,
        timeout: float = 10.0,
        session_factory: SessionFactory = aiohttp.ClientSession,
    ) -> None:
        if not key or not key.isprintable():
            raise ValueError("a DeepL key is one line of printable characters (INSPRAAK_TRANSLATOR_KEY)")
        self._key = key
        self._url = base_url(key, url)
        self._timeout = timeout
        self._session_factory = session_factory

    async def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """One translation per text, in order; Unsupported, Unavailable or Misconfigured when that cannot be."""
        source_code = languages.code(languages.DEEPL_SOURCE, source)
        target_code = languages.code(languages.DEEPL_TARGET, target)
        if source_code is None or target_code is None:
            raise Unsupported(f"{NAME} does not translate {source} to {target}")
        if source == target or not any(text.strip() for text in texts):
            return list(texts)
        envelope = len(json_body(self._body([], source_code, target_code)))
        parts = batching.pieces(texts, MAX_BODY - envelope - 1, _weight)
        runs = batching.batches([_weight(part.text) + 1 for part in parts], MAX_TEXTS, MAX_BODY - envelope)
        translated: list[str] = []
        async with self._session_factory() as session:
            for run in runs:
                translated += await self._request(session, [parts[i].text for i in run], source_code, target_code)
        return batching.reassemble(texts, parts, translated)

    def _body(self, texts: list[str], source: str, target: str) -> dict[str, Any]:
        return {"text": texts, "source_lang": source, "target_lang": target}

    async def _request(self, session: aiohttp.ClientSession, texts: list[str], source: str, target: str) -> list[str]:
        answer = await exchange(
            session,
            NAME,
            "POST",
            f"{self._url}/v2/translate",
            self._timeout,
            headers={"Authorization": f"DeepL-Auth-Key {self._key}", "Content-Type": "application/json"},
            body=json_body(self._body(texts, source, target)),
        )
        if answer.status == 200:
            return _translations(answer.body, len(texts))
        if answer.status == 400:
            message = answer.body.get("message") if isinstance(answer.body, dict) else None
            if isinstance(message, str) and "lang" in message.lower():
                raise Unsupported(f"{NAME} does not translate {source} to {target}")
            raise Misconfigured(f"{NAME} refused the request (400): is INSPRAAK_TRANSLATOR_URL the DeepL API?")
        if answer.status == 456:
            raise Unavailable(f"{NAME}'s character quota is used up (456); try again later", answer.retry_after)
        if answer.status == 413:
            raise Misconfigured(f"{NAME} found the request too large (413), though within its documented 128 KiB")
        raise failure(NAME, answer)


def _weight(text: str) -> int:
    """Bytes a text adds to the JSON body (its quotes and escapes included)."""
    return len(json_body(text))


def _translations(body: Any, count: int) -> list[str]:
    entries = body.get("translations") if isinstance(body, dict) else None
    if not isinstance(entries, list) or len(entries) != count:
        raise unexpected(NAME)
    texts = [entry.get("text") if isinstance(entry, dict) else None for entry in entries]
    if not all(isinstance(text, str) for text in texts):
        raise unexpected(NAME)
    return [str(text) for text in texts]
