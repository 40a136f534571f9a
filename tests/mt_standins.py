"""Stand-ins for LibreTranslate and the DeepL API on 127.0.0.1, answering as their documentation says.

LibreTranslate (its app.py): POST /translate with JSON or form data, `q` a string or a list, optional `api_key`;
GET /languages; GET /frontend/settings with "charLimit". Errors are {"error": "..."}: 400 (missing parameter,
over --char-limit or --batch-limit, a language it lacks, no key when one is required), 403 (wrong key), 429, 500.
DeepL (developers.deepl.com): POST /v2/translate with "Authorization: DeepL-Auth-Key KEY", JSON {"text": [...],
"source_lang", "target_lang"} -> {"translations": [{"detected_source_language", "text"}]}; GET /v2/languages.
Errors are {"message": "..."}: 400, 403, 413 (over 128 KiB), 429, 456 (quota), 500, 503, 504.

A "translation" is deterministic: a few words from a tiny table, anything else as "[target] text".
Faults a test can set: the next requests answered with a status (and Retry-After), requests that hang until an
event is set; every request is recorded (path, headers, parsed body) and can be awaited.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

# The same few words in each language: a test can see a real word come back, in the right order.
WORDS: dict[str, dict[str, str]] = {
    "hello": {"en": "hello", "nl": "hallo", "ar": "مرحبا", "uk": "привіт", "fa": "سلام", "ru": "привет"},
    "language": {"en": "language", "nl": "taal", "ar": "لغة", "uk": "мова", "fa": "زبان", "ru": "язык"},
    "work": {"en": "work", "nl": "werk", "ar": "عمل", "uk": "робота", "fa": "کار", "ru": "работа"},
    "house": {"en": "house", "nl": "huis", "ar": "بيت", "uk": "дім", "fa": "خانه", "ru": "дом"},
}


def translate_text(text: str, source: str, target: str) -> str:
    """The stand-ins' translation: a word from WORDS, else the text marked with the target code."""
    source_base, target_base = source.split("-")[0].lower(), target.split("-")[0].lower()
    for forms in WORDS.values():
        if forms.get(source_base) == text.strip() and target_base in forms:
            return forms[target_base]
    return f"[{target}] {text}"


def detect(text: str) -> str:
    """The language of a word from WORDS, as DeepL names it; "EN" for anything else."""
    for forms in WORDS.values():
        for language, word in forms.items():
            if word == text.strip():
                return language.upper()
    return "EN"


@dataclass(frozen=True)
class Seen:
    """One request as the stand-in received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any  # JSON as parsed, a form as a dict of lists, or None
    size: int  # bytes of the body as sent


@dataclass
class _Fault:
    status: int
    retry_after: str | None
    path: str


@dataclass
class _StandIn:
    """What both stand-ins share: the server, the record of requests and the faults."""

    port: int = 0
    requests: list[Seen] = field(default_factory=list)
    _faults: list[_Fault] = field(default_factory=list)
    _hang: asyncio.Event | None = None
    _hang_path: str = ""
    _runner: web.AppRunner | None = None
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def url(self) -> str:
        """Where the stand-in listens, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    def fail_next(self, status: int, times: int = 1, retry_after: str | None = None, path: str = "") -> None:
        """Answer the next `times` requests (to `path`, default the translate endpoint) with `status`."""
        self._faults.extend([_Fault(status, retry_after, path or self.translate_path)] * times)

    def hang(self, path: str = "") -> asyncio.Event:
        """From now on, requests to `path` (default the translate endpoint) wait until the returned event is set."""
        self._hang, self._hang_path = asyncio.Event(), path or self.translate_path
        return self._hang

    def seen(self, path: str = "") -> list[Seen]:
        """The requests to `path` (default the translate endpoint), in order."""
        wanted = path or self.translate_path
        return [request for request in self.requests if request.path == wanted]

    async def wait_for(self, count: int, path: str = "", timeout: float = 5.0) -> None:
        """Wait until `count` requests to `path` (default the translate endpoint) have arrived."""

        async def waiting() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.seen(path)) >= count)

        await asyncio.wait_for(waiting(), timeout)

    @property
    def translate_path(self) -> str:
        raise NotImplementedError

    def error_body(self, message: str) -> dict[str, str]:
        raise NotImplementedError

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> None:
        """Listen on 127.0.0.1, on a free port."""
        app = web.Application(middlewares=[self._middleware])
        self.routes(app)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        """Stop listening; a hanging request is let go first."""
        if self._hang is not None:
            self._hang.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        try:
            seen = await _seen(request)
        except ValueError:
            return web.json_response(self.error_body("Invalid JSON format"), status=400)
        async with self._changed:
            self.requests.append(seen)
            self._changed.notify_all()
        if self._hang is not None and request.path == self._hang_path:
            await self._hang.wait()
        for fault in self._faults:
            if fault.path == request.path:
                self._faults.remove(fault)
                headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
                return web.json_response(self.error_body(f"fault {fault.status}"), status=fault.status, headers=headers)
        return await handler(request)


async def _seen(request: web.Request) -> Seen:
    """The request as recorded: JSON parsed, a form as a dict of lists (aiohttp keeps the body for the handler)."""
    raw = await request.read()
    body: Any = None
    if raw and request.content_type == "application/json":
        body = json.loads(raw)
    elif raw:
        form = await request.post()
        body = {key: [str(v) for v in form.getall(key)] for key in form}
    return Seen(request.method, request.path, dict(request.query), dict(request.headers), body, len(raw))


# LibreTranslate's codes and names; the pairs go through English, as Argos Translate pivots. No Tigrinya, no Somali.
LIBRETRANSLATE_LANGUAGES = {
    "en": "English",
    "nl": "Dutch",
    "ar": "Arabic",
    "uk": "Ukrainian",
    "fa": "Persian",
    "tr": "Turkish",
    "ru": "Russian",
}


@dataclass
class LibreTranslateStandIn(_StandIn):
    """A LibreTranslate server: optional required api_key, a char limit, a batch limit, pairs it lacks."""

    api_key: str | None = None
    char_limit: int = -1
    batch_limit: int = -1
    publish_char_limit: bool = True  # GET /frontend/settings tells charLimit (False: answers 404, as a proxy might)
    languages: dict[str, str] = field(default_factory=lambda: dict(LIBRETRANSLATE_LANGUAGES))
    refused_pairs: set[tuple[str, str]] = field(default_factory=set)  # listed at /languages, refused at /translate

    @property
    def translate_path(self) -> str:
        return "/translate"

    def error_body(self, message: str) -> dict[str, str]:
        return {"error": message}

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/translate", self._translate)
        app.router.add_get("/languages", self._languages)
        app.router.add_get("/frontend/settings", self._settings)

    def _error(self, status: int, message: str) -> web.Response:
        return web.json_response({"error": message}, status=status)

    async def _languages(self, request: web.Request) -> web.Response:
        return web.json_response(
            [
                {"code": code, "name": name, "targets": sorted(c for c in self.languages if c != code)}
                for code, name in self.languages.items()
            ]
        )

    async def _settings(self, request: web.Request) -> web.Response:
        if not self.publish_char_limit:
            return web.Response(status=404, text="Not Found")
        return web.json_response({"charLimit": self.char_limit, "apiKeys": self.api_key is not None})

    async def _translate(self, request: web.Request) -> web.Response:
        seen = await _seen(request)
        values = seen.body if isinstance(seen.body, dict) else {}
        if request.content_type != "application/json":  # a form: each field once, q a single string
            values = {key: value[0] for key, value in values.items()}
        if self.api_key is not None:
            key = values.get("api_key")
            if key and key != self.api_key:
                return self._error(403, "Invalid API key")
            if not key:
                return self._error(400, "Please contact the server operator to get an API key")
        q, source, target = values.get("q"), values.get("source"), values.get("target")
        for name, value in (("q", q), ("source", source), ("target", target)):
            if not value:
                return self._error(400, f"Invalid request: missing {name} parameter")
        assert isinstance(source, str) and isinstance(target, str) and isinstance(q, str | list)
        batch = isinstance(q, list)
        if batch and self.batch_limit != -1 and len(q) > self.batch_limit:
            return self._error(400, f"Invalid request: request ({len(q)}) exceeds text limit ({self.batch_limit})")
        chars = sum(len(text) for text in q) if batch else len(q)
        if self.char_limit != -1 and chars > self.char_limit:
            return self._error(400, f"Invalid request: request ({chars}) exceeds text limit ({self.char_limit})")
        for code in (source, target):
            if code not in self.languages:
                return self._error(400, f"{code} is not supported")
        if (source, target) in self.refused_pairs:
            return self._error(
                400,
                f"{self.languages[target]} ({target}) is not available as a target language from "
                f"{self.languages[source]} ({source})",
            )
        if isinstance(q, list):
            return web.json_response({"translatedText": [translate_text(text, source, target) for text in q]})
        return web.json_response({"translatedText": translate_text(q, source, target)})


# DeepL's codes as /v2/languages lists them (three-letter codes such as PRS are translated but not listed there).
DEEPL_SOURCES = {"AR": "Arabic", "EN": "English", "FA": "Persian", "NL": "Dutch", "RU": "Russian", "TR": "Turkish"}
DEEPL_SOURCES |= {"UK": "Ukrainian"}
DEEPL_TARGETS = {code: name for code, name in DEEPL_SOURCES.items() if code != "EN"}
DEEPL_TARGETS |= {"EN-GB": "English (British)", "EN-US": "English (American)"}
DEEPL_UNLISTED = {"PRS": "Dari"}
MAX_BODY = 128 * 1024


@dataclass
class DeepLStandIn(_StandIn):
    """The DeepL API for one key: at most 50 texts and 128 KiB a request; `targets` may leave a language out."""

    key: str = "standin-key:fx"
    targets: dict[str, str] = field(default_factory=lambda: dict(DEEPL_TARGETS))
    deprecated_targets: list[str] = field(default_factory=list)  # plain "EN"/"PT" targets seen: accepted but noted

    @property
    def translate_path(self) -> str:
        return "/v2/translate"

    def error_body(self, message: str) -> dict[str, str]:
        return {"message": message}

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v2/translate", self._translate)
        app.router.add_get("/v2/languages", self._languages)

    def _error(self, status: int, message: str) -> web.Response:
        return web.json_response({"message": message}, status=status)

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"DeepL-Auth-Key {self.key}"

    async def _languages(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._error(403, "Authorization failed. Please supply a valid auth_key parameter.")
        listed = self.targets if request.query.get("type") == "target" else DEEPL_SOURCES
        return web.json_response([{"language": code, "name": name} for code, name in listed.items()])

    async def _translate(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._error(403, "Authorization failed. Please supply a valid auth_key parameter.")
        seen = await _seen(request)
        if seen.size > MAX_BODY:
            return self._error(413, "Request Entity Too Large")
        values = seen.body if isinstance(seen.body, dict) else {}
        form = request.content_type != "application/json"
        texts = values.get("text")
        target = values.get("target_lang")
        source = values.get("source_lang")
        if form:
            target = target[0] if target else None
            source = source[0] if source else None
        if not texts or not isinstance(texts, list):
            return self._error(400, "Parameter 'text' not specified.")
        if len(texts) > 50:
            return self._error(413, "Too many texts in one request.")
        if not target:
            return self._error(400, "Value for 'target_lang' not supported.")
        target = str(target).upper()
        if target in ("EN", "PT"):
            self.deprecated_targets.append(target)
        elif target not in self.targets and target not in DEEPL_UNLISTED:
            return self._error(400, "Value for 'target_lang' not supported.")
        if source is not None and str(source).upper() not in DEEPL_SOURCES | DEEPL_UNLISTED:
            return self._error(400, "Value for 'source_lang' not supported.")
        answers = []
        for text in map(str, texts):
            detected = str(source).upper() if source else detect(text)
            answers.append({"detected_source_language": detected, "text": translate_text(text, detected, target)})
        return web.json_response({"translations": answers})


@contextlib.asynccontextmanager
async def libretranslate_standin(**options: Any) -> AsyncIterator[LibreTranslateStandIn]:
    """A running LibreTranslate stand-in (options: api_key, char_limit, batch_limit, publish_char_limit, ...)."""
    server = LibreTranslateStandIn(**options)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@contextlib.asynccontextmanager
async def deepl_standin(**options: Any) -> AsyncIterator[DeepLStandIn]:
    """A running DeepL API stand-in (options: key, targets)."""
    server = DeepLStandIn(**options)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def closed_port_url() -> str:
    """An address on 127.0.0.1 where nothing listens (the port was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    return f"http://127.0.0.1:{port}"
