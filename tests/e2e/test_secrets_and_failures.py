"""The token stays secret in every log line, and a rejected token stops the bot with a clear message."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.i18n import Catalogs
from bot.redact import configure_logging
from bot.sandbox import StandIn, add_person
from tests.conftest import TOKEN
from tests.databases import db_for
from tests.e2e.conftest import RunningBot, config_for


async def test_with_debug_logging_the_token_appears_in_no_log_line(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs, caplog: pytest.LogCaptureFixture
) -> None:
    stream = io.StringIO()
    configure_logging(logging.DEBUG, secrets=[TOKEN], stream=stream)
    caplog.set_level(logging.DEBUG)
    running = RunningBot(standin, config_for(standin, db_for(tmp_path)), catalogs)
    await running.start()
    try:
        amal = add_person(standin, "Amal", "ar")
        await amal.start()
        await amal.reply()
        await amal.press(0)
        await amal.reply()
    finally:
        await running.stop()
    output = stream.getvalue()
    assert "getUpdates" in output and "sendMessage" in output, "debug logging captured the bot's API traffic"
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output
    assert all(TOKEN not in record.getMessage() for record in caplog.records)


async def test_a_token_the_api_rejects_stops_the_bot_without_showing_it(
    standin: StandIn, tmp_path: Path, catalogs: Catalogs
) -> None:
    wrong = "555555555:AAHthisTOKENisWRONGandREJECTEDbyTHEapi"
    running = RunningBot(standin, config_for(standin, db_for(tmp_path), token=wrong), catalogs)
    with pytest.raises(ConfigError) as refused:
        await running.start()
    assert "401" in str(refused.value) and wrong not in str(refused.value)
