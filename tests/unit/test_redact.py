"""Secrets never reach a log line, whoever logs them and however."""

from __future__ import annotations

import io
import logging

from bot.redact import MASK, configure_logging
from tests.conftest import TOKEN


def test_a_token_in_a_message_an_argument_or_a_traceback_is_masked() -> None:
    stream = io.StringIO()
    configure_logging(logging.DEBUG, secrets=[TOKEN], stream=stream)
    log = logging.getLogger("some.library")
    log.info("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    log.debug(f"url=https://x/bot{TOKEN}/sendMessage")
    try:
        raise RuntimeError(f"failed for {TOKEN}")
    except RuntimeError:
        log.exception("boom")
    output = stream.getvalue()
    assert TOKEN not in output
    assert output.count(MASK) >= 3
    assert "getMe" in output and "boom" in output


def test_something_shaped_like_a_token_is_masked_even_when_unknown() -> None:
    stream = io.StringIO()
    configure_logging(logging.INFO, secrets=[], stream=stream)
    other = "987654321:ZZZsomeOTHERtokenTHATweDIDNTknowAbout"
    logging.getLogger("x").warning("leaked %s", other)
    assert other not in stream.getvalue()
