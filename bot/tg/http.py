"""PTB's Bot API requests over aiohttp: each call costs a fraction of httpx's CPU (see docs/benchmarks.md)."""

from __future__ import annotations

import json
import logging
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)
JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a bounded pool of keep-alive connections to the Bot API."""

    def __init__(
        self,
        connection_pool_size: int = 16,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._defaults = {
            "read": read_timeout,
            "write": write_timeout,
            "connect": connect_timeout,
            "pool": pool_timeout,
            "media": media_write_timeout,
        }
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """How long to wait for Telegram's answer unless a call says otherwise."""
        return self._defaults["read"]

    async def initialize(self) -> None:
        """Open the session (again, after a shutdown)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(connector=connector, headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; Telegram's status and body, or PTB's TimedOut / NetworkError."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        data: Any = None
        headers = None
        if request_data is not None and files:
            data = aiohttp.FormData(request_data.json_parameters)
            for name, (filename, content, mime) in files.items():
                data.add_field(name, content, filename=filename, content_type=mime)
        elif request_data is not None:
            # A JSON body, which the Bot API takes for every call without a file: encoding it is a fraction of
            # the cost of a urlencoded form with every nested value encoded as JSON first.
            data = json.dumps(request_data.parameters).encode()
            headers = JSON
        read = self._given(read_timeout, "read")
        write = self._given(write_timeout, "media" if files else "write")
        connect = self._given(connect_timeout, "connect")
        pool = self._given(pool_timeout, "pool")
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if connect is None or pool is None else connect + pool,  # aiohttp counts the pool wait here
            sock_connect=connect,
            sock_read=None if read is None or write is None else max(read, write),
        )
        endpoint = url.rsplit("/", 1)[-1]  # the method's name; the rest of the URL holds the token
        try:
            async with self._session.request(method, url, data=data, headers=headers, timeout=timeout) as response:
                log.debug("Bot API %s: %d", endpoint, response.status)
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            # The class name only: an aiohttp message may quote the URL, and the URL holds the token.
            raise NetworkError(f"aiohttp.{type(error).__name__}") from error

    def _given(self, value: ODVInput[float], default: str) -> float | None:
        return self._defaults[default] if isinstance(value, DefaultValue) else value
