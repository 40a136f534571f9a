"""A stand-in for an OpenAI-compatible transcription server on 127.0.0.1, with faults to order."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field

from aiohttp import BodyPartReader, web

FIELDS = ("model", "language", "response_format", "temperature")


@dataclass(frozen=True)
class Received:
    """One request as the stand-in got it."""

    authorization: str | None
    fields: dict[str, str]
    filename: str | None
    content_type: str | None
    audio: bytes


@dataclass(frozen=True)
class Fault:
    """An answer to give instead of a transcript."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, object] | None = None


def heard(audio: bytes, language: str) -> str:
    """What the stand-in 'hears' in a clip: the same answer for the same clip and language."""
    return f"transcribed {len(audio)} bytes in {language}"


class TranscriptionStandIn:
    """POST /v1/audio/transcriptions as OpenAI answers it: multipart in, {"text": ...} out, errors as {"error": ...}."""

    def __init__(self, key: str | None = None) -> None:
        self.key = key
        self.requests: list[Received] = []
        self.faults: deque[Fault] = deque()
        self.hangs = 0
        self.release = asyncio.Event()  # set it to let hanging requests go (they then answer 200)
        self._runner: web.AppRunner | None = None
        self.url = ""

    def fail(self, status: int, times: int = 1, headers: dict[str, str] | None = None) -> None:
        """The next `times` requests get `status` with an OpenAI error body (which quotes the key, as OpenAI's does)."""
        for _ in range(times):
            self.faults.append(Fault(status, headers or {}))

    def hang(self, times: int = 1) -> None:
        """The next `times` requests get no answer until `release` is set."""
        self.hangs += times

    async def start(self) -> str:
        """Listen on a free port of 127.0.0.1; the base URL (without /v1)."""
        app = web.Application(client_max_size=25 * 1024 * 1024)
        app.router.add_post("/v1/audio/transcriptions", self._transcribe)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        """Let every hanging request go, then close."""
        self.release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _transcribe(self, request: web.Request) -> web.Response:
        fields: dict[str, str] = {}
        audio, filename, content_type = b"", None, None
        async for part in await request.multipart():
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.name == "file":
                audio, filename, content_type = (
                    bytes(await part.read()),
                    part.filename,
                    part.headers.get("Content-Type"),
                )
            else:
                fields[part.name] = await part.text()
        presented = request.headers.get("Authorization")
        self.requests.append(Received(presented, fields, filename, content_type, audio))
        if self.hangs:
            self.hangs -= 1
            await self.release.wait()
        if self.faults:
            fault = self.faults.popleft()
            message = (
                f"Incorrect API key provided: {presented}" if fault.status == 401 else f"Failed with {fault.status}"
            )
            body = fault.body or {"error": {"message": message, "type": "invalid_request_error", "code": None}}
            return web.json_response(body, status=fault.status, headers=fault.headers)
        if self.key is not None and presented != f"Bearer {self.key}":
            error = {"message": f"Incorrect API key provided: {presented}", "code": "invalid_api_key"}
            return web.json_response({"error": error}, status=401)
        missing = [name for name in ("model",) if not fields.get(name)] + ([] if audio else ["file"])
        if missing:
            error = {"message": f"missing {', '.join(missing)}", "type": "invalid_request_error"}
            return web.json_response({"error": error}, status=400)
        return web.json_response({"text": heard(audio, fields.get("language", "?"))})
