"""A client for a LibreTranslate server that the operator runs (https://github.com/LibreTranslate/LibreTranslate).

POST /translate takes {"q": [texts], "source", "target", "format", "api_key"} and answers {"translatedText": [...]};
GET /languages lists each source code with the "targets" it translates into; GET /frontend/settings tells the
server's "charLimit" (-1: none). An error is {"error": "..."} with 400 (a bad request: a language it lacks, a
request over its limits, a missing key), 403 (a wrong key, or banned), 429 (slow down) or 500.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from typing import Any, NoReturn

import aiohttp

from bot.mt import batching, languages
from bot.mt.errors import Misconfigured, Unsupported
from bot.mt.http import Answer, SessionFactory, exchange, failure, json_body, unexpected

log = logging.getLogger(__name__)

NAME = "LibreTranslate"
LANGUAGES_FOR = 3600.0  # seconds to trust a server's list of languages (an operator may install models meanwhile)
_LIMIT = re.compile(r"\((\d+)\)[^()]*\((\d+)\)")  # "request (12345) exceeds text limit (5000)"
_RELEARN = 3  # times a request may be refused for its size before the server is taken to be broken


class _OverLimit(Exception):
    """The server refused a request as too large and told its limit, which has been noted: plan again."""


class LibreTranslate:
    """Translates with one LibreTranslate server, asking once (an hour) which pairs it offers."""

    name: str = NAME

    def __init__(
        self,
        url: str,
        key: str | None = None,
        *,
        timeout: float = 10.0,
        char_limit: int | None = None,
        session_factory: SessionFactory = aiohttp.ClientSession,
    ) -> None:
        self._url = url.rstrip("/")
        self._key = key or None
        self._timeout = timeout
        self._char_limit = char_limit  # per request, counted as the server does (Python characters); None: none
        self._batch_limit: int | None = None  # texts per request, learned from a refusal
        self._session_factory = session_factory
        self._pairs: dict[str, frozenset[str]] | None = None
        self._pairs_at = 0.0

    async def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """One translation per text, in order; Unsupported, Unavailable or Misconfigured when that cannot be."""
        source_code = languages.code(languages.LIBRETRANSLATE, source)
        target_code = languages.code(languages.LIBRETRANSLATE, target)
        if source_code is None or target_code is None:
            raise Unsupported(f"{NAME} does not translate {source} to {target}")
        if source_code == target_code or not any(text.strip() for text in texts):
            return list(texts)
        async with self._session_factory() as session:
            pairs = await self._languages(session)
            if target_code not in pairs.get(source_code, frozenset()):
                raise Unsupported(f"this {NAME} server does not translate {source} to {target}")
            for _ in range(_RELEARN):  # each time a limit is learnt, plan again from the start (once per server)
                try:
                    return await self._translate_all(session, texts, source_code, target_code)
                except _OverLimit:
                    continue
        raise Misconfigured(f"{NAME} keeps refusing requests as too large: check its --char-limit and --batch-limit")

    async def _translate_all(
        self, session: aiohttp.ClientSession, texts: Sequence[str], source: str, target: str
    ) -> list[str]:
        parts = batching.pieces(texts, self._char_limit)
        runs = batching.batches([len(part.text) for part in parts], self._batch_limit, self._char_limit)
        translated: list[str] = []
        for run in runs:
            translated += await self._request(session, [parts[i].text for i in run], source, target)
        return batching.reassemble(texts, parts, translated)

    async def _request(self, session: aiohttp.ClientSession, q: list[str], source: str, target: str) -> list[str]:
        body: dict[str, Any] = {"q": q, "source": source, "target": target, "format": "text"}
        if self._key is not None:
            body["api_key"] = self._key
        answer = await exchange(
            session,
            NAME,
            "POST",
            f"{self._url}/translate",
            self._timeout,
            headers={"Content-Type": "application/json", "Accept-Language": "en"},
            body=json_body(body),
        )
        if answer.status == 200:
            result = answer.body.get("translatedText") if isinstance(answer.body, dict) else None
            if not isinstance(result, list) or len(result) != len(q) or not all(isinstance(t, str) for t in result):
                raise unexpected(NAME)
            return result
        if answer.status == 400:
            self._refused(answer, q, source, target)
        raise failure(NAME, answer)

    def _refused(self, answer: Answer, q: list[str], source: str, target: str) -> NoReturn:
        """What a 400 means; _OverLimit when smaller requests will do, the limit now known."""
        error = answer.body.get("error") if isinstance(answer.body, dict) else None
        message = error if isinstance(error, str) else ""
        if "API key" in message:
            raise Misconfigured(f"{NAME} wants an API key: set INSPRAAK_TRANSLATOR_KEY")
        if "not supported" in message or "not available" in message:
            self._pairs = None  # the list was wrong or is out of date: ask again next time
            raise Unsupported(f"this {NAME} server does not translate {source} to {target}")
        limit = _LIMIT.search(message)
        if limit is not None:
            size, allowed = int(limit.group(1)), int(limit.group(2))
            if size == len(q) and allowed < len(q):
                self._batch_limit = max(1, allowed)
            if size == sum(len(text) for text in q) and allowed < size:
                self._char_limit = max(1, allowed)
            log.info("%s refused a request of %d as over its limit of %d; sending smaller ones", NAME, size, allowed)
            raise _OverLimit
        raise Misconfigured(f"{NAME} refused the request (400): is INSPRAAK_TRANSLATOR_URL a LibreTranslate server?")

    async def _languages(self, session: aiohttp.ClientSession) -> dict[str, frozenset[str]]:
        """Each source code with the codes it translates into, from GET /languages (kept for an hour)."""
        if self._pairs is not None and time.monotonic() - self._pairs_at < LANGUAGES_FOR:
            return self._pairs
        answer = await exchange(session, NAME, "GET", f"{self._url}/languages", self._timeout)
        if answer.status != 200:
            raise failure(NAME, answer)
        if not isinstance(answer.body, list):
            raise unexpected(NAME)
        pairs = _pairs(answer.body)
        if self._char_limit is None:
            self._char_limit = await self._server_char_limit(session)
        self._pairs, self._pairs_at = pairs, time.monotonic()
        return pairs

    async def _server_char_limit(self, session: aiohttp.ClientSession) -> int | None:
        """The server's own limit from GET /frontend/settings ("charLimit", -1 for none); None if it does not say."""
        answer = await exchange(session, NAME, "GET", f"{self._url}/frontend/settings", self._timeout)
        limit = answer.body.get("charLimit") if answer.status == 200 and isinstance(answer.body, dict) else None
        return limit if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 else None


def _pairs(body: list[Any]) -> dict[str, frozenset[str]]:
    """Source code -> target codes; an older server lists no "targets" and pivots between all it lists."""
    if not all(isinstance(entry, dict) and isinstance(entry.get("code"), str) for entry in body):
        raise unexpected(NAME)
    codes = frozenset(str(entry["code"]) for entry in body)
    pairs: dict[str, frozenset[str]] = {}
    for entry in body:
        targets = entry.get("targets")
        if isinstance(targets, list):
            pairs[entry["code"]] = frozenset(t for t in targets if isinstance(t, str))
        else:
            pairs[entry["code"]] = codes - {entry["code"]}
    return pairs
