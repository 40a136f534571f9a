"""Bot API calls go over aiohttp; when the connection fails, PTB gets its own errors and the token stays hidden."""

from __future__ import annotations

import asyncio
import socket

import pytest
from telegram.error import NetworkError, TimedOut

from bot.tg.http import AiohttpRequest
from tests.conftest import TOKEN


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_refused_connection_is_a_network_error_that_does_not_quote_the_token() -> None:
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.do_request(f"http://127.0.0.1:{free_port()}/bot{TOKEN}/getMe", "POST")
    finally:
        await request.shutdown()
    assert TOKEN not in str(raised.value) and TOKEN.split(":")[1] not in repr(raised.value)


async def test_an_answer_that_never_comes_is_a_timeout() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # takes the request, never answers; ends when the bot gives up and hangs up
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    request = AiohttpRequest(read_timeout=0.2, write_timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.do_request(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe", "POST")
    finally:
        await request.shutdown()
        server.close()
